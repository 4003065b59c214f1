"""Experiment files (``experiments/*.yaml``): which scenarios, which levers and uncertainties, how.

An experiment file reads like the strategist's question (XLRM framing)::

    name: design_sweep                # default: the file's stem
    description: One line.
    scenarios: paris_declaration      # a name, a path, a list of them, or "all"
    design: grid                      # grid | lhs | sobol | scenarios
    levers:                           # design choices (role 'lever' in the schema)
      monitoring.coverage: [0.25, 0.5, 0.75, 1.0]
      force.posture: [rear, forward]
    uncertainties:                    # what nobody controls (role 'uncertainty')
      russia.ambition: {low: 0.5, high: 2.0}    # lhs/sobol; a grid takes lists or {low, high, steps}
    samples: 256                      # lhs: design points; sobol: base samples N (N * (d + 2) points)
    reference: {force.posture: rear}  # design point the others are compared with (paired)
    replications: 100                 # or {adaptive: {half_width: 0.03, initial: 50, batch: 50, max: 2000}}
                                      # (interval_of: difference: of the paired difference from the reference, not of P)
    horizon_weeks: 260                # default: each scenario's own
    master_seed: 20260106             # replicate k has seed replicate_seed(master_seed, k) everywhere
    outputs: {steps: false, events: false, step_period: 4}
    contrasts:                        # B - A at each combination of the other factors, paired by seed
      - {factor: scenario, from: political_only, to: paris_declaration}   # (sim.experiments.contrasts)

Errors come out like a scenario file's: file, line, key, what was given, what is allowed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.config import ConfigError, Problem, Scenario, parameter_catalogue, shipped_scenarios, with_overrides
from sim.config.errors import did_you_mean
from sim.config.library import study_folder
from sim.config.overrides import dotted
from sim.config.scenarios import (
    NAME_ALLOWED,
    load_scenario_files,
    name_problem,
    resolve_experiment_path,
    resolve_scenario_path,
    shocks_after_horizon,
)
from sim.config.yamlio import KeyPath, load_yaml_mapping
from sim.experiments import contrasts as _contrasts
from sim.experiments.design import RUN_ID_STRIDE, Dimension, ReplicationRule, grid, round_sig, sampled
from sim.experiments.duplicates import collapse
from sim.experiments.spec import (
    ALLOWED,
    MAX_DESIGN_POINTS,
    MAX_VALUES,
    ExperimentFile,
    Outputs,
    Replications,
    line_of,
    problems,
)
from sim.provenance import data_files, inputs, scenario_inputs, sha256

# --- the resolved experiment ----------------------------------------------------------

@dataclass(frozen=True)
class DesignPoint:
    id: int
    label: str
    scenario: str  # the scenario's name
    scenario_ref: str  # what a worker passes to load_scenario: a shipped name or an absolute path
    values: tuple[Any, ...]  # one per varied parameter, in Experiment.parameters order

    def overrides(self, parameters: tuple[str, ...]) -> dict[str, Any]:
        return dict(zip(parameters, self.values))


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: every design point laid out, ready to run."""

    name: str
    description: str
    file: str
    design: str  # 'grid' | 'lhs' | 'sobol' | 'scenarios' or combined ('scenarios+grid')
    scenarios: tuple[str, ...]
    levers: tuple[str, ...]
    uncertainties: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    points: tuple[DesignPoint, ...]
    reference: int | None  # None: no comparison (LHS/Sobol without a stated reference)
    replications: Replications
    horizon_weeks: int | None
    master_seed: int
    outputs: Outputs
    samples: int | None = None
    config: dict[str, Any] = field(default_factory=dict)  # the file as validated, defaults filled in
    scenario_digest: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)  # provenance: every input file and its SHA-256
    study: str | None = None  # the study folder the names were resolved in (workers use it too)
    posterior: Any = None  # sim.config.posterior.PosteriorUse: constants drawn per replicate (--posterior)
    contrasts: tuple[dict[str, Any], ...] = ()  # paired comparisons within strata (sim.experiments.contrasts)
    notes: tuple[str, ...] = ()  # what a user should know before running (shocks after horizon_weeks)
    collapsed: tuple[str, ...] = ()  # grid points merged into an identical design (sim.experiments.duplicates)

    @property
    def parameters(self) -> tuple[str, ...]:
        return self.levers + self.uncertainties

    @property
    def rule(self) -> ReplicationRule:
        return self.replications.rule(self.reference)

    def fingerprint(self) -> str:
        """Changes whenever anything that decides the runs changes (used by --resume)."""
        content: dict[str, Any] = {"config": _deciding(self.config), "scenarios": self.scenario_digest,
                                   "points": [(p.scenario_ref, p.values) for p in self.points]}
        if self.posterior is not None:
            content["posterior"] = self.posterior.record()
        blob = json.dumps(content, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def manifest(self) -> dict[str, Any]:
        ref = self.points[self.reference] if self.reference is not None else None
        return {
            "experiment": self.name,
            "description": self.description,
            "experiment_file": self.file,
            "design": self.design,
            "design_points": len(self.points),
            "reference": {"design_point": ref.id, "label": ref.label} if ref is not None else None,
            "scenarios": list(self.scenarios),
            "levers": list(self.levers),
            "uncertainties": list(self.uncertainties),
            "horizon_weeks": self.horizon_weeks if self.horizon_weeks is not None else "per scenario",
            "master_seed": self.master_seed,
            "replications": self.replications.describe(),
            "seeds": "replicate k of every design point uses sim.runner.replicate_seed(master_seed, k) "
                     "(common random numbers)",
            "run_id": f"design_point * {RUN_ID_STRIDE} + replicate",
            **({"samples": self.samples} if self.samples is not None else {}),
            **({"collapsed": list(self.collapsed)} if self.collapsed else {}),
            **({"sobol_scheme": {"layout": "saltelli", "base_samples": self.samples, "calc_second_order": False,
                                 "points_per_block": len(self.parameters) + 2}}
               if self.design.endswith("sobol") else {}),
            "outputs": self.outputs.model_dump(),
            **({"contrasts": list(self.contrasts)} if self.contrasts else {}),
            "config": self.config,
            "fingerprint": self.fingerprint(),
            "inputs": self.inputs,
            **({"posterior": {**self.posterior.record(),
                              "rule": "replicate k applies draw k % draws in every design point; runs.csv "
                                      "column posterior_draw"}} if self.posterior is not None else {}),
        }


# --- loading ------------------------------------------------------------------------------

def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file and lay out its design. Raises ConfigError.

    ``path`` is a file, or an experiment's name (``quick``: the study folder's, else the shipped
    example; see ``sim.config.scenarios.resolve_experiment_path``)."""
    path = resolve_experiment_path(path)
    data, lines = load_yaml_mapping(path, what="experiment file")
    return _validate(data, lines, path, _display(path), from_file=True)


DICT_SOURCE = "experiment (dict)"  # where errors in an experiment given as a Python dict point


def experiment_from_dict(data: dict[str, Any], *, relative_to: str | Path | None = None) -> Experiment:
    """Validate an experiment given as a mapping with an experiment file's keys. Raises ConfigError.

    Scenario paths are resolved against ``relative_to`` (a folder; default: the working folder).
    The name defaults to ``experiment``.
    """
    if not isinstance(data, dict):
        raise ConfigError.single(DICT_SOURCE, f"an experiment is a mapping of keys, not a {type(data).__name__}",
                                 allowed="a dict with an experiment file's keys (scenarios, design, levers, ...)")
    folder = Path(relative_to) if relative_to is not None else Path.cwd()
    return _validate(_plain(data), {}, folder / "experiment.yaml", DICT_SOURCE)


def _plain(value: Any) -> Any:
    """What YAML would have given: lists for tuples, Python numbers for numpy scalars."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


def _validate(data: dict[str, Any], lines: dict[KeyPath, int], path: Path, file: str,
              from_file: bool = False) -> Experiment:
    raw = dict(data)
    if isinstance(raw.get("replications"), int) and not isinstance(raw.get("replications"), bool):
        raw["replications"] = {"count": raw["replications"]}
    try:
        spec = ExperimentFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(problems(exc, lines, file, data)) from None
    name = spec.name if spec.name is not None else path.stem
    wrong = name_problem(name)
    if wrong:
        raise ConfigError([Problem(file if spec.name is not None else f"{file} (its file name)", wrong,
                                   lines.get(("name",)), "name", given=name, has_given=True,
                                   allowed=NAME_ALLOWED)])
    return _resolve(spec, path, file, lines, from_file)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _Collector:
    def __init__(self, file: str, lines: dict[KeyPath, int]) -> None:
        self.file, self.lines, self.problems = file, lines, []

    def add(self, key: KeyPath, message: str, **kw: Any) -> None:
        self.problems.append(Problem(self.file, message, line_of(key, self.lines), ".".join(key), **kw))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ConfigError(self.problems)


def _resolve(spec: ExperimentFile, path: Path, file: str, lines: dict[KeyPath, int],
             from_file: bool = False) -> Experiment:
    bad = _Collector(file, lines)
    study = study_folder()

    # Scenarios.
    refs: list[str]
    if spec.scenarios == "all":
        refs = list(shipped_scenarios())
    elif isinstance(spec.scenarios, str):
        refs = [spec.scenarios]
    else:
        refs = list(spec.scenarios)
    if not refs:
        bad.add(("scenarios",), "no scenario given", allowed=ALLOWED["scenarios"])
    bases: list[tuple[str, Scenario]] = []
    provenance: dict[str, dict[str, Any]] = {}
    for i, ref in enumerate(refs):
        key = ("scenarios",) if isinstance(spec.scenarios, str) else ("scenarios", str(i))
        try:
            scenario_path = resolve_scenario_path(ref, relative_to=path, key=".".join(key))
        except ConfigError as exc:
            for prob in exc.problems:
                prob.file, prob.line = file, line_of(key, lines)
            bad.problems.extend(exc.problems)
            continue
        try:
            scenario, chain = load_scenario_files(scenario_path)
        except ConfigError as exc:
            bad.problems.extend(exc.problems)
            continue
        provenance[scenario.name] = scenario_inputs(chain, scenario)
        shipped = shipped_scenarios().get(scenario_path.stem)
        worker_ref = (scenario_path.stem if shipped is not None and shipped.resolve() == scenario_path.resolve()
                      else str(scenario_path.resolve()))
        bases.append((worker_ref, scenario))
    names = [s.name for _, s in bases]
    for name in {n for n in names if names.count(n) > 1}:
        bad.add(("scenarios",), f"scenario {name!r} is listed twice")
    bad.raise_if_any()

    # Varied parameters.
    design = spec.design
    catalogue = parameter_catalogue()
    dims: list[Dimension] = []
    for section, wanted in (("levers", "lever"), ("uncertainties", "uncertainty")):
        for param, given in getattr(spec, section).items():
            key = (section, param)
            param = dotted(param)  # monitoring__coverage is monitoring.coverage, as everywhere else
            pspec = catalogue.get(param)
            if pspec is None:
                bad.add(key, f"unknown parameter{did_you_mean(param, list(catalogue))}",
                        allowed=f"a dotted path such as monitoring.coverage (every {wanted}: "
                                f"python -m sim levers --kind {wanted})")
                continue
            if pspec.role != wanted:
                where = {"lever": "levers:", "uncertainty": "uncertainties:"}.get(pspec.role)
                article = "an" if pspec.role[0] in "aeiou" else "a"
                hint = (f"list it under {where}" if where else
                        "calibrated constants (docs/VALIDATION.md) stay fixed; experiments vary levers and "
                        "uncertainties only")
                others = [p for p, s in catalogue.items() if s.role == wanted]
                bad.add(key, f"{param} is {article} {pspec.role}, not {'an' if wanted[0] in 'aeiou' else 'a'} "
                             f"{wanted}: {hint}{did_you_mean(param, others) if not where else ''}")
                continue
            if any(d.path == param for d in dims):
                bad.add(key, "listed twice (under both levers and uncertainties, or in both spellings)")
                continue
            dim = _dimension(param, pspec, given, design, key, bad, bases[0][1] if bases else None, file)
            if dim is not None:
                dims.append(dim)
    if design == "scenarios" and dims:
        bad.add(("design",), "a scenarios design varies no parameter: remove levers/uncertainties "
                             "or use design: grid, lhs or sobol", given=design, has_given=True)
    if design in ("grid", "scenarios") and spec.samples is not None:
        bad.add(("samples",), f"samples applies to lhs and sobol designs, not {design}")
    if design in ("lhs", "sobol"):
        if spec.samples is None:
            bad.add(("design",), f"an {design} design needs samples: (the number of design points)",
                    allowed=ALLOWED["samples"])
        elif design == "sobol" and spec.samples & (spec.samples - 1):
            bad.add(("samples",), "a Sobol sequence is balanced only for a power of two", given=spec.samples,
                    has_given=True, allowed=f"e.g. {2 ** max(0, round(math.log2(spec.samples)))}")
        if not spec.levers and not spec.uncertainties:
            bad.add(("design",), f"an {design} design needs at least one lever or uncertainty to sample")
    if design == "grid" and not spec.levers and not spec.uncertainties and len(bases) < 2:
        bad.add(("levers",), "nothing varies: give levers/uncertainties, or several scenarios with "
                             "design: scenarios")
    rule = spec.replications.rule()
    if rule.adaptive and rule.batch + rule.initial < 2:
        bad.add(("replications",), "adaptive replications need at least 2 runs")
    bad.raise_if_any()

    # Design points: scenarios (outermost) x parameter points; counted before they are laid out.
    n_samples = spec.samples if design in ("lhs", "sobol") else None
    per_base = (math.prod(len(d.values) for d in dims) if design == "grid"
                else (n_samples or 1) * (len(dims) + 2) if design == "sobol" else (n_samples or 1)) if dims else 1
    if per_base * len(bases) > MAX_DESIGN_POINTS:
        how = (" x ".join(f"{len(d.values)} ({d.path})" for d in dims) if design == "grid"
               else f"{n_samples} samples" + (f" x {len(dims) + 2} (Saltelli)" if design == "sobol" else ""))
        bad.add(("design",), f"too many design points: {how}"
                             + (f" x {len(bases)} scenarios" if len(bases) > 1 else "")
                             + f" = {per_base * len(bases):,}", given=design, has_given=True,
                allowed=f"at most {MAX_DESIGN_POINTS:,} design points (fewer values, steps or samples)")
        bad.raise_if_any()
    if not dims:
        value_rows: list[tuple[Any, ...]] = [()]
    elif design == "grid":
        value_rows = grid(dims)
    else:
        value_rows = sampled(design, dims, n_samples or 1, spec.master_seed)
    params = tuple(d.path for d in dims)
    short = _contrasts.short_names(params)
    points: list[DesignPoint] = []
    for ref, base in bases:
        for values in value_rows:
            parts = [base.name] if len(bases) > 1 or not dims else []
            if design in ("lhs", "sobol"):  # dozens of sampled values: the columns carry them
                parts.append(f"{design} {len(points) % len(value_rows)}")
            else:
                parts += [f"{s}={_contrasts.show_value(v)}" for s, v in zip(short, values)]
            points.append(DesignPoint(len(points), ", ".join(parts), base.name, ref, values))
    points = _unique_labels(points)
    # Every design point must be a valid scenario (e.g. a commission needs monitoring).
    # With the experiment's horizon too: every check a run would make is made here, before any run.
    base_by_ref = dict(bases)
    horizon = {"horizon_weeks": spec.horizon_weeks} if spec.horizon_weeks is not None else {}
    failed = 0
    for p in points:
        if not params and not horizon:
            break
        try:
            with_overrides(base_by_ref[p.scenario_ref], {**p.overrides(params), **horizon}, source=file,
                           strict=True, lines={**{d.path: line_of((_section(d), d.path), lines) for d in dims},
                                               "horizon_weeks": line_of(("horizon_weeks",), lines)})
        except ConfigError as exc:
            failed += 1
            if failed <= 3:
                for prob in exc.problems:
                    prob.message = f"design point {p.id} ({p.label}): {prob.message}"
                    if prob.line is None:  # a cross-field check: point at the first varied parameter
                        prob.line = line_of((_section(dims[0]), dims[0].path), lines)
                bad.problems.extend(exc.problems)
    if failed > 3:
        bad.add(("levers",), f"... and {failed - 3} more invalid design points")
    bad.raise_if_any()
    # A grid point that differs from an earlier one only in levers another switches off is the same design.
    points, collapsed = collapse(points, params, base_by_ref) if design == "grid" and params else (points, [])

    reference = _reference(spec, points, params, bad)
    contrasts, wrong = _contrasts.resolve(spec.contrasts, points, params, file, lambda k: line_of(k, lines))
    bad.problems.extend(wrong)
    bad.raise_if_any()
    kind = design if len(bases) == 1 or design == "scenarios" else f"scenarios+{design}"
    if design == "grid" and not dims:
        kind = "scenarios"
    config = spec.model_dump(mode="json")
    config["name"] = spec.name or path.stem
    if spec.contrasts:  # 'from', as the file spells it
        config["contrasts"] = [c.model_dump(mode="json", by_alias=True) for c in spec.contrasts]
    else:  # an experiment without contrasts keeps its fingerprint (--resume)
        config.pop("contrasts", None)
    # The scenarios as read and the bytes of the data files they name: a changed members file
    # is a different experiment (--resume refuses to mix the two).
    data_hashes = sorted({str(p): sha256(p) for _, s in bases for p in data_files(s).values()}.values())
    digest = hashlib.sha256(json.dumps([[s.model_dump(mode="json") for _, s in bases], data_hashes],
                                       sort_keys=True).encode()).hexdigest()[:16]
    notes = tuple(note for _, base in bases for note in
                  shocks_after_horizon(base, spec.horizon_weeks if spec.horizon_weeks is not None else None))
    return Experiment(
        notes=notes,
        name=spec.name or path.stem, description=spec.description, file=file, design=kind,
        scenarios=tuple(names), levers=tuple(d.path for d in dims if d.role == "lever"),
        uncertainties=tuple(d.path for d in dims if d.role == "uncertainty"),
        dimensions=tuple(dims),
        points=tuple(points), reference=reference, replications=spec.replications,
        horizon_weeks=spec.horizon_weeks, master_seed=spec.master_seed, outputs=spec.outputs,
        samples=n_samples, config=config, scenario_digest=digest,
        inputs=inputs(provenance, path if from_file else None),
        study=str(study) if study is not None else None, contrasts=tuple(contrasts), collapsed=tuple(collapsed),
    )


def _unique_labels(points: list[DesignPoint]) -> list[DesignPoint]:
    """Two design points never share a label (values that print alike get their number)."""
    labels = [p.label for p in points]
    twice = {lab for lab in labels if labels.count(lab) > 1} if len(set(labels)) < len(labels) else set()
    return [dataclasses.replace(p, label=f"{p.label} (#{p.id})") if p.label in twice else p for p in points]


def _section(dim: Dimension) -> str:
    return "levers" if dim.role == "lever" else "uncertainties"


def _dimension(param: str, pspec: Any, given: Any, design: str, key: KeyPath, bad: _Collector,
               base: Scenario | None, file: str) -> Dimension | None:
    role = pspec.role
    numeric = pspec.kind in ("int", "float")
    if isinstance(given, dict):
        unknown = set(given) - {"low", "high", "steps", "values"}
        if unknown:
            word = sorted(unknown)[0]
            bad.add((*key, word), f"unknown key{did_you_mean(word, ['low', 'high', 'steps', 'values'])}",
                    allowed="low, high (a range), steps (grid only), or values (a list)")
            return None
        if "values" in given:
            if set(given) != {"values"}:
                bad.add(key, "give either values or low/high, not both")
                return None
            given = given["values"]
        else:
            return _range(param, pspec, given, design, key, bad, numeric)
    if not isinstance(given, list) or not given:
        bad.add(key, "expected a list of values" + (" or a range {low, high}" if numeric else ""),
                given=given, has_given=True, allowed=pspec.allowed)
        return None
    if len(given) > MAX_VALUES:
        bad.add(key, f"too many values ({len(given):,})", allowed=f"at most {MAX_VALUES:,} values a parameter")
        return None
    if pspec.kind == "structured" and given and not isinstance(given[0], (list, dict)):
        given = [given]  # e.g. binding_levels: [major, limited] is one value, not two
    values: list[Any] = []
    for i, v in enumerate(given):
        if base is not None:
            try:
                checked = with_overrides(base, {param: v}, source=file, strict=True,
                                         lines={param: line_of((*key, str(i)), bad.lines)})
                v = _leaf(checked, param)
            except ConfigError as exc:
                own = [prob for prob in exc.problems if prob.key]  # cross-field checks: per design point
                for prob in own:
                    prob.key = ".".join(key)
                bad.problems.extend(own)
                if own:
                    continue
        if v in values:
            bad.add((*key, str(i)), "value listed twice", given=v, has_given=True)
            continue
        values.append(v)
    if len(values) != len(given):
        return None
    return Dimension(param, role, pspec.kind, values=tuple(values))


def _range(param: str, pspec: Any, given: dict, design: str, key: KeyPath, bad: _Collector,
           numeric: bool) -> Dimension | None:
    if not numeric:
        bad.add(key, f"a {pspec.kind} parameter takes a list of values, not a range",
                allowed=pspec.allowed)
        return None
    missing = [k for k in ("low", "high") if k not in given]
    if missing:
        bad.add(key, f"a range needs {' and '.join(missing)}", allowed="{low: number, high: number}")
        return None
    lo, hi = given["low"], given["high"]
    for k, v in (("low", lo), ("high", hi)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (pspec.kind == "int" and not isinstance(v, int)):
            bad.add((*key, k), "wrong type", given=v, has_given=True, allowed=pspec.allowed)
            return None
        if (pspec.ge is not None and v < pspec.ge) or (pspec.le is not None and v > pspec.le):
            bad.add((*key, k), "out of range", given=v, has_given=True, allowed=pspec.allowed)
            return None
    if not lo < hi:
        bad.add(key, f"low ({lo}) must be below high ({hi})")
        return None
    if design == "grid":
        steps = given.get("steps")
        if not isinstance(steps, int) or isinstance(steps, bool) or not 2 <= steps <= MAX_VALUES:
            bad.add((*key, "steps") if "steps" in given else key,
                    "a grid over a range needs steps (the number of values, 2 or more)",
                    given=steps, has_given="steps" in given, allowed=f"a whole number from 2 to {MAX_VALUES:,}")
            return None
        raw = [lo + (hi - lo) * i / (steps - 1) for i in range(steps)]
        values = sorted({int(round(v)) for v in raw}) if pspec.kind == "int" else [round_sig(v) for v in raw]
        return Dimension(param, pspec.role, pspec.kind, values=tuple(values))
    if "steps" in given:
        bad.add((*key, "steps"), f"steps applies to grid designs; an {design} design samples the range")
        return None
    if pspec.kind == "float":
        lo, hi = float(lo), float(hi)
    return Dimension(param, pspec.role, pspec.kind, low=lo, high=hi)


def _leaf(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
    if isinstance(node, BaseModel):
        return node.model_dump(mode="json")
    if isinstance(node, dict):
        return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in node.items()}
    return list(node) if isinstance(node, tuple) else node


def _deciding(config: dict[str, Any]) -> dict[str, Any]:
    """The config less what does not decide the runs (the files' format): a sweep resumes under either."""
    outputs = config.get("outputs")
    if isinstance(outputs, dict) and "format" in outputs:
        return {**config, "outputs": {k: v for k, v in outputs.items() if k != "format"}}
    return config


def _reference(spec: ExperimentFile, points: list[DesignPoint], params: tuple[str, ...],
               bad: _Collector) -> int | None:
    ref = spec.reference
    if ref is None:
        # A sampled point is no reference: an LHS/Sobol design compares with nothing unless the file
        # names one (a grid's or a scenario list's first point is the design as written).
        return None if spec.design in ("lhs", "sobol") else 0
    key = ("reference",)
    if isinstance(ref, int) and not isinstance(ref, bool):
        if 0 <= ref < len(points):
            return ref
        bad.add(key, "no such design point", given=ref, has_given=True,
                allowed=f"a number from 0 to {len(points) - 1}")
        return 0
    if isinstance(ref, str):
        for p in points:
            if p.scenario == ref or p.label == ref:
                return p.id
        choices = sorted({p.scenario for p in points})
        bad.add(key, f"matches no design point{did_you_mean(ref, choices)}", given=ref, has_given=True,
                allowed="one of the experiment's scenarios: " + ", ".join(choices))
        return 0
    wanted = {dotted(str(k)): v for k, v in dict(ref).items()}
    scenario = wanted.pop("scenario", None)
    unknown = [k for k in wanted if k not in params]
    if unknown:
        bad.add((*key, unknown[0]), f"not a varied parameter{did_you_mean(unknown[0], list(params))}",
                allowed=", ".join(params) + " (and scenario)")
        return 0
    for p in points:
        ov = p.overrides(params)
        if (scenario is None or p.scenario == scenario) and all(ov[k] == v for k, v in wanted.items()):
            return p.id
    bad.add(key, "matches no design point", given=ref, has_given=True,
            allowed="values listed under levers/uncertainties")
    return 0
