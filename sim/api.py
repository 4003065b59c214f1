"""The researcher's Python API: one call per run, one call per experiment, no files unless asked.

    from sim import api

    api.run_experiment({"monitoring.coverage": 0.5}, seed=3)      # one run -> flat dict of numbers
    api.check({"monitoring.enabled": False})                      # problems, without running
    result = api.sweep("experiments/global_lhs.yaml", workers=2)  # runs and summary as DataFrames
    problem = api.parameter_catalogue().salib_problem("uncertainty")  # for SALib samplers

Parameters are the schema's dotted paths (``monitoring.coverage``) or the same with ``__``
(``monitoring__coverage``, a valid Python name: ``DeterrenceModel`` keyword arguments, EMA
Workbench parameter names). Unknown parameters, wrong types, values out of range and
invalid combinations raise ``ConfigError`` naming the parameter and what it allows.
docs/API.md documents every function and outcome.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import ConfigError, ParameterSpec, Problem, Scenario
from sim.config import parameter_catalogue as _schema_catalogue
from sim.config.errors import did_you_mean
from sim.config.overrides import base_scenario, dotted, keyword, override_problems
from sim.config import limits
from sim.config.limits import MAX_GB, MAX_RUNS
from sim.config.posterior import as_overrides, load_posterior, use_posterior
from sim.executors import executor
from sim.experiments.analysis import analyze_runs
from sim.experiments.columnar import SweepData, read_table
from sim.experiments.columnar import load as load_folder
from sim.experiments.config import Experiment, experiment_from_dict, load_experiment
from sim.experiments.folders import API, check_size, sweep_into
from sim.experiments.reading import load_sweep
from sim.experiments.sweep import design_points_text, run_sweep_in_memory
from sim.outputs import EVENT_COLUMNS, RUN_COLUMNS
from sim.runner import simulate

__all__ = [
    "ATTACK_OUTCOMES", "Catalogue", "ConfigError", "FORCE_PHASES", "OUTCOMES", "Problem", "SweepResult",
    "check", "outcomes_table", "parameter_catalogue", "params_from_salib", "posterior_draws", "run_experiment",
    "sweep", "uncensored_outcomes", "load", "SweepData",
]

DEFAULT_SCENARIO = "paris_declaration"
SOURCE = "parameters"  # where errors in a params dict point

# Text columns of runs.csv as codes, in order of severity (documented in OUTCOMES).
FORCE_PHASES = ("not_requested", "requested", "deploying", "deployed")
ATTACK_OUTCOMES = ("none", "repelled", "negotiated", "ceasefire", "ongoing")

# Inputs, not results; and dates, which the weeks beside them carry as numbers.
_NOT_OUTCOMES = ("run_id", "scenario", "seed", "ceasefire_date", "armed_attack_date", "escalation_date")
# Time to an event, censored at the horizon: the week, or the horizon when the event did not come
# (with the event's flag, what survival analysis and EMA's feature scoring need: no NaN).
# name -> (week outcome it follows, flag, meaning); survival_weeks is escalation's (runs.csv).
_CENSORED = {"armed_attack_survival_weeks": ("armed_attack_week", "armed_attack",
                                             "Week of the first armed attack, or the horizon when censored "
                                             "(armed_attack false): the survival time of armed_attack.")}
_CODES = {"force_phase": ("force_phase_code", FORCE_PHASES), "attack_outcome": ("attack_outcome_code", ATTACK_OUTCOMES)}
_CODE_MEANINGS = {"force_phase": "Phase of the Multinational Force at the end (G3)",
                  "attack_outcome": "How the last renewed war ended"}
_MISSING = {  # float columns runs.csv leaves empty: NaN here
    "armed_attack_week": "Week of the first armed attack (a limited offensive or worse); NaN when censored.",
    "first_war_weeks": "Duration of the first renewed war; NaN if none ended.",
    "escalation_week": "Week of the first renewed armed attack (major); NaN when censored (no attack "
                       "before the horizon).",
    "median_response_delay_weeks": "Median weeks from violation to response; NaN if there was none.",
    "force_deployed_week": "Week the force was first fully deployed; NaN if never (G3).",
    "us_roles_withdrawn_week": "Week the US withdrew its roles; NaN if never.",
    **{f"members_military_{k}w": f"Members (the US apart) whose military response to the first major attack took "
                                  f"effect within {k} weeks of it (G0, G4); NaN if no major attack." for k in (4, 8, 12)},
}


def _outcome_specs() -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for name, (dtype, unit, meaning) in RUN_COLUMNS.items():
        if name in _NOT_OUTCOMES:
            continue
        if name in _CODES:
            code, labels = _CODES[name]
            out[code] = ("int", "code", _CODE_MEANINGS[name] + ": "
                         + ", ".join(f"{i} {lab}" for i, lab in enumerate(labels)) + ".")
        elif dtype == "bool":
            out[name] = ("bool", unit, meaning)
        elif name in _MISSING:
            out[name] = ("float, NaN when missing", unit, _MISSING[name])
        else:
            out[name] = ("int" if dtype == "int64" else "float", unit, meaning)
        for derived, (after, _, what) in _CENSORED.items():
            if name == after:
                out[derived] = ("int", "weeks", what)
    return out


# name -> (type, unit, meaning): what run_experiment returns, in runs.csv's order.
OUTCOMES: dict[str, tuple[str, str, str]] = _outcome_specs()


def uncensored_outcomes() -> list[str]:
    """The outcomes never missing (NaN): what EMA's feature scoring and PRIM take as they are.

    A week that may be censored appears as its survival time (``survival_weeks``,
    ``armed_attack_survival_weeks``: the week, or the horizon) beside its flag (``escalated``,
    ``armed_attack``) and ``horizon_weeks``."""
    return [k for k, (t, _, _) in OUTCOMES.items() if "NaN" not in t]


def outcomes_table() -> str:
    """The Markdown table of OUTCOMES (docs/API.md holds it; a test keeps them equal)."""
    lines = ["| outcome | type | unit | meaning |", "|---|---|---|---|"]
    lines += [f"| `{k}` | {t} | {u} | {m} |" for k, (t, u, m) in OUTCOMES.items()]
    return "\n".join(lines) + "\n"


def _outcomes(run: dict[str, Any]) -> dict[str, float | int]:
    """A runs.csv record as numbers only (see OUTCOMES)."""
    out: dict[str, float | int] = {}
    for name, value in run.items():
        if name in _NOT_OUTCOMES:
            continue
        if name in _CODES:
            code, labels = _CODES[name]
            out[code] = labels.index(value)
        elif isinstance(value, (bool, np.bool_)):
            out[name] = bool(value)  # as in runs.csv and Mesa's reporters (a bool is the int 0/1 in arithmetic)
        elif value is None:
            out[name] = math.nan
        elif isinstance(value, (int, np.integer)):
            out[name] = int(value)
        else:
            out[name] = float(value)
        for derived, (after, _, _) in _CENSORED.items():
            if name == after:
                out[derived] = int(value) if value is not None else int(run["horizon_weeks"])
    return out


# --- one run ---------------------------------------------------------------------------------

def _overrides(params: Mapping[str, Any] | None, weeks: int | None) -> dict[str, Any]:
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ConfigError.single(SOURCE, f"parameters are a mapping, not a {type(params).__name__}",
                                 allowed='a dict such as {"monitoring.coverage": 0.5}')
    overrides = dict(params)
    if weeks is not None:
        if any(dotted(str(k)) == "horizon_weeks" for k in overrides):
            raise ConfigError.single(SOURCE, "given twice (weeks= and in the parameters)", key="horizon_weeks")
        overrides["horizon_weeks"] = weeks
    return overrides


def check(params: Mapping[str, Any] | None = None, scenario: str | os.PathLike | Scenario = DEFAULT_SCENARIO,
          *, weeks: int | None = None) -> list[Problem]:
    """Every problem ``run_experiment(params, scenario=scenario)`` would raise, without running.

    An empty list means the parameters are valid. Each problem names the parameter, what
    was given and what is allowed (``str(problem)`` reads as one line). Use it to filter a
    sample or as a constraint.
    """
    try:
        overrides = _overrides(params, weeks)
        base = base_scenario(scenario)
    except ConfigError as exc:
        return list(exc.problems)
    problems, _ = override_problems(base, overrides, SOURCE)
    return problems


def _seed(seed: Any, source: str = SOURCE) -> int:
    return limits.seed(seed, "seed", source)


def _posterior_path(posterior: Any, source: str) -> Path:
    """A posterior argument as a path, or ConfigError naming the argument."""
    if isinstance(posterior, (str, os.PathLike)):
        try:
            path = Path(posterior)
        except TypeError:  # a path-like object that gives bytes
            path = None
        if path is not None and str(path).strip() and "\x00" not in str(path):
            return path
    raise ConfigError.single(source, "not a posterior file", key="posterior", given=posterior, has_given=True,
                             allowed="the path of a posterior file (posterior.csv of python -m sim calibrate), "
                                     "as str or pathlib.Path")


def run_experiment(params: Mapping[str, Any] | None = None, seed: int = 0,
                   scenario: str | os.PathLike | Scenario = DEFAULT_SCENARIO, weeks: int | None = None, *,
                   steps: bool = False, events: bool = False,
                   posterior: str | os.PathLike | None = None) -> dict[str, Any]:
    """One seeded run of ``scenario`` with ``params`` changed: a flat dict of numeric outcomes.

    ``params``: dotted paths or ``__`` names to values. ``weeks`` overrides the horizon.
    Returns every name of ``OUTCOMES`` (true/false outcomes as bool, as in runs.csv; NaN for a censored or missing
    week, codes for the force phase and the attack's outcome). With ``steps=True`` the dict
    also has ``"steps"`` (a DataFrame, one row a week, steps.csv's columns) and with
    ``events=True`` ``"events"`` (events.csv's columns); both cost time and are off by default.
    Raises ConfigError for bad parameters. The same arguments give the same outcomes, and
    replicate k of a sweep is ``seed=sim.runner.replicate_seed(master_seed, k)``.
    ``posterior``: a posterior file; the seed picks one parameter set from it (as ``run
    --posterior``), applied under ``params``.
    """
    seed = _seed(seed)
    base = base_scenario(scenario)
    overrides = _overrides(params, weeks)
    if posterior is not None:
        drawn = load_posterior(_posterior_path(posterior, "run_experiment")).draws(1, seed)[0]
        overrides = {**as_overrides(drawn), **overrides}
    problems, configured = override_problems(base, overrides, SOURCE)
    if problems:
        raise ConfigError(problems)
    assert configured is not None
    result = simulate(configured, seed, steps=steps, events=events)
    out: dict[str, Any] = _outcomes(result.run)
    if steps or events:
        if steps:
            out["steps"] = pd.DataFrame(result.steps)
        if events:
            out["events"] = pd.DataFrame([r[1:] for r in result.event_rows(0)], columns=list(EVENT_COLUMNS)[1:])
    return out


def posterior_draws(path: str | os.PathLike, n: int = 20, seed: int = 0) -> list[dict[str, float]]:
    """``n`` equally weighted parameter sets from a posterior file (systematic resampling with
    ``seed``): dicts of dotted paths, ready for ``run_experiment(params=...)`` or
    ``DeterrenceModel(**{k.replace('.', '__'): v})``. Raises ConfigError for a bad file."""
    n = limits.posterior_draws(n, "n", "posterior_draws")
    return [as_overrides(d) for d in load_posterior(_posterior_path(path, "posterior_draws")).draws(n, _seed(seed))]


# --- the parameter catalogue ---------------------------------------------------------------

SAMPLED_KINDS = ("float", "int", "bool", "choice")  # lists and mappings are set, not sampled


class Catalogue(Mapping[str, ParameterSpec]):
    """Every scenario parameter by dotted path, with exports for samplers and EMA Workbench.

    A mapping ``path -> ParameterSpec`` (role, kind, range, unit, clause, description).
    Roles: ``lever`` (a design choice of the guarantees), ``uncertainty`` (nobody controls
    it), ``constant`` (calibrated; docs/VALIDATION.md).
    """

    def __init__(self, specs: Mapping[str, ParameterSpec]) -> None:
        self._specs = dict(specs)

    def __getitem__(self, path: str) -> ParameterSpec:
        return self._specs[dotted(path)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        roles = {r: sum(s.role == r for s in self._specs.values()) for r in ("lever", "uncertainty", "constant")}
        plural = {"lever": "levers", "uncertainty": "uncertainties", "constant": "constants"}
        return f"Catalogue({len(self)} parameters: " + ", ".join(f"{n} {plural[r]}" for r, n in roles.items() if n) + ")"

    def select(self, role: str | Iterable[str] | None = None, names: Iterable[str] | None = None,
               sampled: bool = False) -> Catalogue:
        """The parameters of ``role`` (one or several), or those ``names``; ``sampled``: the
        ones a sampler can vary (numbers, switches, choices; not lists or mappings)."""
        roles = _roles(role)
        if names is not None:
            wanted = [dotted(n) for n in names]
            unknown = [n for n in wanted if n not in self._specs]
            if unknown:
                raise ConfigError([Problem("catalogue", f"unknown parameter{did_you_mean(n, list(self._specs))}",
                                           key=n) for n in unknown])
            specs = {n: self._specs[n] for n in wanted}
        else:
            specs = {p: s for p, s in self._specs.items() if roles is None or s.role in roles}
        if sampled:
            bad = [p for p, s in specs.items() if s.kind not in SAMPLED_KINDS]
            if names is not None and bad:
                raise ConfigError([Problem("catalogue", "a list or mapping: set it, it cannot be sampled", key=p,
                                           allowed=self._specs[p].allowed) for p in bad])
            specs = {p: s for p, s in specs.items() if s.kind in SAMPLED_KINDS}
        return Catalogue(specs)

    @property
    def levers(self) -> Catalogue:
        return self.select("lever")

    @property
    def uncertainties(self) -> Catalogue:
        return self.select("uncertainty")

    def frame(self):
        """One row a parameter: path, name (with __), role, kind, low, high, choices, default, unit,
        clause, description."""
        rows = [{"path": p, "name": keyword(p), "role": s.role, "kind": s.kind, "low": s.ge, "high": s.le,
                 "choices": list(s.choices) if s.kind == "choice" else None, "default": s.default,
                 "unit": s.unit, "clause": s.clause, "description": s.description} for p, s in self._specs.items()]
        return pd.DataFrame(rows)

    def salib_problem(self, role: str | Iterable[str] | None = ("lever", "uncertainty"), *,
                      names: Iterable[str] | None = None,
                      bounds: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
        """A SALib ``problem`` dict over the sampled parameters of ``role`` (or ``names``).

        Numbers keep the schema's range (``bounds`` narrows it: ``{"russia.ambition": (0.5, 2)}``).
        Whole numbers, switches and choices are encoded on a continuous axis and decoded by
        rounding, each value getting an equal share: an integer n in [lo - 0.5, hi + 0.5],
        a switch 0 (false) or 1 (true) in [-0.5, 1.5], choice i in [-0.5, k - 0.5].
        ``params_from_salib(problem, X)`` turns sampled rows back into parameters; the
        ``encoding`` key says, in words, what each code means.
        """
        chosen = self.select(role, names, sampled=True)
        bounds = {dotted(k): v for k, v in (bounds or {}).items()}
        unknown = [k for k in bounds if k not in chosen._specs]
        if unknown:
            raise ConfigError([Problem("salib_problem", "bounds for a parameter not in the problem", key=k,
                                       allowed=", ".join(chosen._specs)) for k in unknown])
        out_bounds, encoding = [], {}
        for path, spec in chosen._specs.items():
            lo, hi = sampled_range(spec, bounds.get(path), "salib_problem")
            if spec.kind == "float":
                out_bounds.append([float(lo), float(hi)])
                continue
            out_bounds.append([lo - 0.5, hi + 0.5])
            if spec.kind == "int":
                encoding[path] = f"whole numbers {int(lo)} to {int(hi)} (rounded)"
            elif spec.kind == "bool":
                encoding[path] = "0 false, 1 true (rounded)"
            else:
                encoding[path] = ", ".join(f"{i} {c}" for i, c in enumerate(spec.choices)) + " (rounded)"
        return {"num_vars": len(chosen), "names": list(chosen), "bounds": out_bounds, "encoding": encoding}


def _roles(role: str | Iterable[str] | None) -> set[str] | None:
    if role is None:
        return None
    roles = {role} if isinstance(role, str) else set(role)
    bad = roles - {"lever", "uncertainty", "constant"}
    if bad:
        raise ConfigError.single("catalogue", "not a role", key="role", given=sorted(bad)[0], has_given=True,
                                 allowed="lever, uncertainty or constant")
    return roles


def sampled_range(spec: ParameterSpec, given: tuple[float, float] | None, source: str) -> tuple[float, float]:
    """The sampled range of a parameter: the schema's, or ``given`` inside it."""
    if spec.kind == "bool":
        full = (0, 1)
    elif spec.kind == "choice":
        full = (0, len(spec.choices) - 1)
    else:
        full = (spec.ge, spec.le)
    if full[0] is None or full[1] is None:  # every sampled number in the schema has a range
        raise ConfigError.single(source, "no range in the schema: give bounds", key=spec.path)
    if given is None:
        return full
    if spec.kind in ("bool", "choice"):
        raise ConfigError.single(source, "bounds apply to numbers; a switch or a choice takes all its values",
                                 key=spec.path, allowed=spec.allowed)
    try:
        lo, hi = (float(given[0]), float(given[1]))
    except (TypeError, ValueError, IndexError):
        raise ConfigError.single(source, "bounds are (low, high)", key=spec.path, given=given, has_given=True,
                                 allowed=spec.allowed) from None
    if not (full[0] <= lo < hi <= full[1]) or (spec.kind == "int" and not (lo.is_integer() and hi.is_integer())):
        raise ConfigError.single(source, "bounds outside the parameter's range or not low < high", key=spec.path,
                                 given=(given[0], given[1]), has_given=True, allowed=spec.allowed)
    return lo, hi


def params_from_salib(problem: Mapping[str, Any], X: Any) -> list[dict[str, Any]] | dict[str, Any]:
    """Parameters from SALib samples: one dict a row of ``X`` (a dict for a single row).

    Decodes what ``Catalogue.salib_problem`` encoded: whole numbers, switches and choices
    are rounded to the nearest code inside the problem's bounds; numbers pass unchanged.
    """
    catalogue = parameter_catalogue()
    names = list(problem["names"])
    arr = np.asarray(X, dtype=float)
    single = arr.ndim == 1
    arr = np.atleast_2d(arr)
    if arr.shape[1] != len(names):
        raise ConfigError.single("params_from_salib", f"samples have {arr.shape[1]} columns, the problem "
                                 f"{len(names)} names", allowed="X of shape (rows, problem['num_vars'])")
    decoders = []
    for name, (lo, hi) in zip(names, problem["bounds"]):
        spec = catalogue[name]
        if spec.kind == "float":
            decoders.append(float)
            continue
        first, last = int(round(lo + 0.5)), int(round(hi - 0.5))

        def code(x: float, first: int = first, last: int = last) -> int:
            return min(last, max(first, int(np.floor(x + 0.5))))

        if spec.kind == "int":
            decoders.append(code)
        elif spec.kind == "bool":
            decoders.append(lambda x, code=code: bool(code(x)))
        else:
            decoders.append(lambda x, code=code, choices=spec.choices: choices[code(x)])
    rows = [{dotted(n): f(float(v)) for n, f, v in zip(names, decoders, row)} for row in arr]
    return rows[0] if single else rows


def parameter_catalogue() -> Catalogue:
    """Every scenario parameter (see ``Catalogue``)."""
    return Catalogue(_schema_catalogue())


# --- experiments -----------------------------------------------------------------------------

@dataclass
class SweepResult:
    """A finished (or, from disk, partial) sweep, as DataFrames.

    ``runs``: one row a run, runs.csv's columns, sorted by run_id. ``summary``,
    ``differences``, ``sensitivity``, ``comparison``: the analysis (docs/OUTPUTS.md), ``sensitivity`` None
    unless an LHS/Sobol design with SALib installed. ``steps``/``events`` when the
    experiment's ``outputs`` asked for them. ``out``: the folder, when written to disk.
    """

    runs: Any
    summary: Any
    differences: Any
    sensitivity: Any
    design_points: Any
    manifest: dict[str, Any]
    steps: Any = None
    events: Any = None
    out: Path | None = None
    notes: list[str] = field(default_factory=list)
    comparison: Any = None  # the first table: every design against the reference at each outcome level, ranked


def _experiment(experiment: Any):
    if isinstance(experiment, Experiment):
        return experiment
    if isinstance(experiment, Mapping):
        return experiment_from_dict(dict(experiment))
    if isinstance(experiment, (str, os.PathLike)):
        return load_experiment(experiment)
    raise ConfigError.single("sweep", "not an experiment", given=experiment, has_given=True,
                             allowed="a dict with an experiment file's keys, or the path of an experiment YAML file")


def _table(folder: Path, name: str) -> pd.DataFrame:
    """steps or events: the CSV as ``read_csv`` gives it, or, with ``outputs.format: parquet``, the
    Parquet file (typed: dates as datetimes)."""
    if (folder / f"{name}.csv").is_file():
        return pd.read_csv(folder / f"{name}.csv")
    return read_table(folder, name)


def load(folder: str | os.PathLike, *, steps: bool = True, events: bool = True,
         step_columns: Iterable[str] | None = None) -> SweepData:
    """A sweep folder as ready-made frames, CSV or Parquet: ``runs`` with the design point's label
    joined, ``steps`` and ``events`` with each run's design point, replicate and parameters joined,
    every date a datetime. ``step_columns`` reads only those columns of steps (fast in Parquet).
    See ``sim.experiments.columnar.load`` and docs/API.md for DuckDB and xarray recipes."""
    return load_folder(folder, steps=steps, events=events, step_columns=step_columns)


def sweep(experiment: Mapping[str, Any] | str | os.PathLike, *, workers: int = 1,
          out: str | os.PathLike | None = None, overwrite: bool = False, resume: bool = False,
          progress: bool = False, posterior: str | os.PathLike | None = None, posterior_draws: int = 20,
          max_runs: int | None = MAX_RUNS, max_gb: float | None = MAX_GB) -> SweepResult:
    """Run an experiment (a dict with an experiment file's keys, its path, or the name of a
    study's or shipped experiment such as ``"quick"``) and analyse it.

    ``out=None``: nothing is written; the runs and the analysis come back as DataFrames.
    ``out=DIR``: under the same folder contract as ``python -m sim sweep --out DIR``
    (docs/OUTPUTS.md): the runs stream into ``DIR.partial/`` and move to DIR once complete
    and analysed; DIR's lock is taken before anything is decided, and a folder another
    process writes is refused. A DIR holding an earlier result is replaced only with
    ``overwrite=True`` (once the new sweep is complete; it also discards an unfinished
    ``DIR.partial/``); files the tool did not write are never touched. ``resume=True``
    finishes an interrupted sweep there (and returns a complete one as it is).
    ``workers``: 1 runs in this process; more use a local process pool (at most 4 x the cores).
    The runs are the same whatever ``workers`` (common random numbers, seeds fixed by the experiment).
    With the experiment's ``outputs: {format: parquet}`` (or ``both``) runs, steps and events are
    also written as Parquet, and ``load(DIR)`` reads either.
    ``posterior``: a posterior file (``posterior.csv`` of ``python -m sim calibrate``);
    ``posterior_draws`` parameter sets are drawn from it and replicate k uses draw
    k % posterior_draws in every design point (runs gain a ``posterior_draw`` column; summary and
    differences gain the interval from parameter uncertainty, as ``sweep --posterior``).
    ``max_runs`` and ``max_gb`` cap the sweep's runs and its estimated size (as the command's
    ``--max-runs`` and ``--max-gb``; None: no cap), checked before anything starts.
    Raises ConfigError for a bad experiment, argument or posterior file, FolderError for a
    refused folder, ResumeError for a folder that cannot be resumed (all ``BadInput``).
    """
    exp = _experiment(experiment)
    workers = limits.workers(workers, "workers", "sweep")
    for name, flag in (("overwrite", overwrite), ("resume", resume), ("progress", progress)):
        if not isinstance(flag, bool):
            raise ConfigError.single("sweep", "not True or False", key=name, given=flag, has_given=True,
                                     allowed="True or False")
    if max_runs is not None:
        max_runs = limits.whole_number(max_runs, "max_runs", low=1, source="sweep", what="a number of runs")
    if max_gb is not None:
        max_gb = limits.positive(max_gb, "max_gb", "sweep")
    if posterior is not None:
        draws = limits.posterior_draws(posterior_draws, "posterior_draws", "sweep")
        exp = dataclasses.replace(exp, posterior=use_posterior(_posterior_path(posterior, "sweep"), draws,
                                                               exp.master_seed))
    check_size(exp, "sweep", max_runs=max_runs, max_gb=max_gb, words=API)
    order = ["design_point", "replicate"]
    if out is None:
        if resume or overwrite:
            raise ConfigError.single("sweep", f"{'resume' if resume else 'overwrite'} needs the folder of the sweep",
                                     key="out", allowed="out=DIR")
        with executor(workers) as ex:
            mem = run_sweep_in_memory(exp, ex.executor, slots=ex.slots, quiet=not progress)
        runs = pd.read_csv(io.StringIO(mem.runs_text)).sort_values(order, kind="stable").reset_index(drop=True)
        design = pd.read_csv(io.StringIO(design_points_text(exp)))
        manifest = {**exp.manifest(), "status": mem.report.status, "runs_planned": mem.report.runs_planned,
                    "runs_done": mem.report.runs_done}
        tables = analyze_runs(runs, design, manifest, list(exp.parameters), max_workers=max(1, workers))
        steps = (pd.read_csv(io.StringIO(mem.steps_text)).sort_values(["run_id", "week"], kind="stable")
                 .reset_index(drop=True) if exp.outputs.steps else None)
        events = (pd.read_csv(io.StringIO(mem.events_text)).sort_values("run_id", kind="stable")
                  .reset_index(drop=True) if exp.outputs.events else None)
        return SweepResult(runs, tables.summary, tables.differences, tables.sensitivity, design, manifest,
                           steps, events, None, tables.notes, tables.comparison)

    if not isinstance(out, (str, os.PathLike)) or not str(out).strip() or "\x00" in str(out):
        raise ConfigError.single("sweep", "not a folder path", key="out", given=out, has_given=True,
                                 allowed="a path such as 'results/mine' (str or pathlib.Path)")
    folder = Path(out)
    done = sweep_into(exp, folder, overwrite=overwrite, resume=resume, workers=workers, words=API, quiet=True,
                      purpose=f"sim.api.sweep({exp.name!r})")
    if done.tables is not None:
        tables = done.tables
    else:  # resume=True on a complete sweep: read as it is, nothing written
        f_runs, f_design, f_manifest, params = load_sweep(folder)
        tables = analyze_runs(f_runs, f_design, f_manifest, params)
    runs = pd.read_csv(folder / "runs.csv").sort_values(order, kind="stable").reset_index(drop=True)
    design = pd.read_csv(folder / "design_points.csv")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    steps = (_table(folder, "steps").sort_values(["run_id", "week"], kind="stable").reset_index(drop=True)
             if exp.outputs.steps else None)
    events = (_table(folder, "events").sort_values("run_id", kind="stable").reset_index(drop=True)
              if exp.outputs.events else None)
    return SweepResult(runs, tables.summary, tables.differences, tables.sensitivity, design, manifest,
                       steps, events, folder, tables.notes, tables.comparison)
