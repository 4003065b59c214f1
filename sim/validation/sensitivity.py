"""Which assumptions decide the answers: a global sensitivity study of the paired comparisons.

``python -m sim sensitivity [--quick] [--samples N] [--replicates R] [--out DIR] [--overwrite] [--workers N]``

The strategists' answers are paired differences of P(escalation within the horizon) between
two designs run on the same seeds (common random numbers):

* ``ratified_vs_political``: ``paris_declaration`` minus ``political_only`` (G0);
* ``forward_vs_rear``: ``forward_tripwire`` minus ``paris_declaration`` (G3 posture: the two
  scenarios differ in ``force.posture`` only);
* ``with_vs_without_us``: ``paris_declaration`` minus ``no_us_backstop`` (the US roles absent
  from the start: no monitoring lead, no backstop of the force, no intelligence sharing).

The study asks which schema constants (and, reported apart, which uncertainties) move those
differences, in three steps:

1. **Screening** (Morris elementary effects, SALib): ``samples`` trajectories over every
   numeric constant and uncertainty, each varied over a stated range around its default
   (``factor_range``); every point runs the four designs on the same ``replicates`` seeds, so
   an elementary effect is a paired difference of paired differences and a factor that
   changes no run has an effect of exactly zero.
2. **Confirmation**: the ``top`` constants (and ``top_uncertainties`` uncertainties) of each
   comparison, one at a time at the low and the high end of their range, the others at their
   defaults, on ``confirm_replicates`` fresh paired seeds: the difference with Newcombe's
   paired 95% interval at low, default and high.
3. **Sign flips**: where an end's interval lies wholly on the other side of zero from the
   default estimate (``flips``), decides a comparison the default leaves undecided
   (``decides``), or leaves undecided one the default decides (``undecides``).

Writes ``factors.csv``, ``screening.csv``, ``confirmation.csv``, ``sign_flips.csv``,
``sensitivity_tables.md``, ``sensitivity.png`` and ``manifest.json`` (docs/howto/
which-assumptions-decide.md). The CSVs are the same bytes for any number of workers.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import math
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.analysis import CONFIDENCE, newcombe_paired_interval

# --- what is compared ------------------------------------------------------------------------

REFERENCE = "paris_declaration"  # the design whose parameters the factors' defaults are read from


@dataclass(frozen=True)
class Comparison:
    """``first`` minus ``second``: P(escalation) of the first design less that of the second."""

    name: str
    first: str
    second: str
    question: str


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("ratified_vs_political", "paris_declaration", "political_only",
               "ratified vs political: paris_declaration minus political_only"),
    Comparison("forward_vs_rear", "forward_tripwire", "paris_declaration",
               "forward vs rear: forward_tripwire (force.posture forward) minus paris_declaration (rear)"),
    Comparison("with_vs_without_us", "paris_declaration", "no_us_backstop",
               "with vs without the US: paris_declaration minus no_us_backstop"),
)

# Numeric constants left out, with the reason (the test checks every other one is a factor).
EXCLUDED: dict[str, str] = {
    "horizon_weeks": "defines the question (P(escalation) within five years), not an assumption about the world",
}

# --- settings --------------------------------------------------------------------------------

MASTER_SEED = 20260106  # the question sweeps' seed: confirmation replicate k is their replicate k
SCREEN_REPLICATE_OFFSET = 1_000_000  # screening seeds are replicates 1,000,000+: independent of confirmation's
LEVELS = 4  # Morris grid levels (the jump is 2/3 of the range)
RELATIVE = (0.5, 1.5)  # x default
ZERO_SHARE = 0.1  # a zero default varies up to this share of the schema range
BOOTSTRAP = 1000  # resamples of SALib's confidence interval of mu*


@dataclass(frozen=True)
class Settings:
    samples: int = 10  # Morris trajectories
    replicates: int = 12  # paired seeds per screening point
    top: int = 5  # constants confirmed per comparison
    top_uncertainties: int = 2  # uncertainties confirmed per comparison
    confirm_replicates: int = 400  # paired seeds per confirmation end
    master_seed: int = MASTER_SEED
    confidence: float = CONFIDENCE


FULL = Settings()
QUICK = Settings(samples=2, replicates=1, top=2, top_uncertainties=1, confirm_replicates=20)


# --- the factors -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Factor:
    """One varied parameter: its dotted path (a mapping's key is one more dot), group, range."""

    path: str
    group: str  # "constant" or "uncertainty"
    kind: str  # "float" or "int"
    default: float
    low: float
    high: float
    rule: str  # how the range was set (see factor_range)
    unit: str = ""

    def value(self, u: float) -> float | int:
        """The value at ``u`` in [0, 1] of the range (whole numbers rounded half up)."""
        x = self.low + float(u) * (self.high - self.low)
        x = min(self.high, max(self.low, x))
        return int(math.floor(x + 0.5)) if self.kind == "int" else float(x)


def factor_range(default: float, kind: str, ge: float | None, le: float | None,
                 siblings: Sequence[float] = ()) -> tuple[float, float, str]:
    """The range a factor is varied over, and the rule that set it.

    * ``relative``: default x0.5 to x1.5;
    * ``complement``: a quantity bounded above by 1 whose default exceeds 0.5 (a probability, a
      discount factor) varies its distance to 1 by x0.5 to x1.5 (0.97 a week: 0.955 to 0.985);
    * ``zero``: a zero default varies from 0 up to a tenth of the schema's range (a key of a
      mapping, which has no range, up to half the smallest non-zero value of the mapping);
    * then clipped to the schema's bounds (``ge``/``le``; a mapping's values to 0 and more);
      whole numbers are rounded half up, and a range that rounds to one value is widened by one
      on each side, within the bounds.
    """
    lo_bound = ge if ge is not None else 0.0
    hi_bound = le if le is not None else math.inf
    d = float(default)
    if d == 0.0:
        if le is not None and ge is not None:
            width = ZERO_SHARE * (le - ge)
        else:
            positive = [abs(s) for s in siblings if s]
            width = 0.5 * min(positive) if positive else ZERO_SHARE
        lo, hi, rule = d, d + width, "zero"
    elif le == 1.0 and 0.5 < d < 1.0:
        gap = 1.0 - d
        lo, hi, rule = 1.0 - RELATIVE[1] * gap, 1.0 - RELATIVE[0] * gap, "complement"
    else:
        a, b = RELATIVE[0] * d, RELATIVE[1] * d
        lo, hi, rule = min(a, b), max(a, b), "relative"
    clipped = (max(lo_bound, lo), min(hi_bound, hi))
    if clipped != (lo, hi):
        rule += ", clipped"
    lo, hi = clipped
    if kind == "int":
        lo, hi = float(math.floor(lo + 0.5)), float(math.floor(hi + 0.5))
        if lo == hi:
            lo, hi = max(lo_bound, lo - 1), min(hi_bound, hi + 1)
        lo, hi = float(math.ceil(lo)), float(math.floor(hi))
    return float(f"{lo:.12g}"), float(f"{hi:.12g}"), rule


@dataclass(frozen=True)
class Skipped:
    path: str
    group: str
    reason: str


def factor_list(base: Any = None) -> tuple[list[Factor], list[Skipped]]:
    """Every numeric constant and uncertainty of the schema as a factor, and what is left out.

    Computed from the schema: a constant added to it is a factor at once. Numbers (``float``,
    ``int``) are factors; a mapping of numbers (``commitments.response_weights``) gives one
    factor per key (``commitments.response_weights.military``); dates, file names, switches
    and lists are skipped with the reason, and so are the ``EXCLUDED`` ones. Defaults are the
    values of ``base`` (``paris_declaration``'s, which are the schema's for these roles).
    """
    from sim.config import parameter_catalogue
    from sim.config.overrides import base_scenario

    scenario = base_scenario(REFERENCE if base is None else base)
    factors: list[Factor] = []
    skipped: list[Skipped] = []
    for group in ("constant", "uncertainty"):
        for path, spec in parameter_catalogue().items():
            if spec.role != group:
                continue
            value = _get(scenario, path)
            if path in EXCLUDED:
                skipped.append(Skipped(path, group, EXCLUDED[path]))
            elif spec.kind in ("float", "int"):
                lo, hi, rule = factor_range(value, spec.kind, spec.ge, spec.le)
                factors.append(Factor(path, group, spec.kind, float(value), lo, hi, rule, spec.unit))
            elif isinstance(value, Mapping) and value and all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
                for key, v in value.items():
                    lo, hi, rule = factor_range(v, "float", None, None, siblings=list(value.values()))
                    factors.append(Factor(f"{path}.{key}", group, "float", float(v), lo, hi, rule, spec.unit))
            else:
                what = {"date": "a date", "bool": "a switch", "choice": "a choice"}.get(spec.kind)
                if what is None:
                    what = "a file name" if isinstance(value, str) else f"a {type(value).__name__}"
                skipped.append(Skipped(path, group, f"{what}, not a number"))
    return factors, skipped


def _get(scenario: Any, path: str) -> Any:
    node: Any = scenario.model_dump()
    for part in path.split("."):
        node = node[part]
    return node


def _flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flat(v, key + "."))
        else:
            out[key] = v
    return out


def defining_keys(design: str, reference: str = REFERENCE) -> frozenset[str]:
    """The dotted paths a design sets differently from the reference (what the design *is*).

    Neither a factor nor a calibration draw overrides them: ``no_us_backstop`` keeps its
    ``united_states.backstop_probability`` of 0 while the factor varies it in the designs
    that have the US backstop.
    """
    from sim.config.overrides import base_scenario

    a = _flat(base_scenario(design).model_dump(exclude={"name", "description"}))
    b = _flat(base_scenario(reference).model_dump(exclude={"name", "description"}))
    return frozenset(k for k in set(a) | set(b) if a.get(k) != b.get(k))


# --- running ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """Replicates ``replicates`` of ``scenario`` with ``overrides`` (and draw k % n for replicate k)."""

    scenario: str
    overrides: tuple[tuple[str, Any], ...]
    replicates: tuple[int, ...]
    draws: tuple[tuple[tuple[str, Any], ...], ...] = ()
    draw_offset: int = 0  # replicate r uses draw (r - draw_offset) % len(draws)


def run_cell(cell: Cell, master_seed: int, study: str | None = None) -> bytes:
    """Whether each replicate of the cell escalated (one byte a replicate)."""
    from sim.experiments.execution import Task, run_task

    out = bytearray()
    fixed = dict(cell.overrides)
    for i, rep in enumerate(cell.replicates):
        overrides = fixed
        if cell.draws:
            draw = dict(cell.draws[(rep - cell.draw_offset) % len(cell.draws)])
            overrides = {**draw, **fixed}  # the study's factors override the draw
        task = Task(i, 0, rep, cell.scenario, tuple(overrides.items()), master_seed, study=study)
        out.append(1 if run_task(task).escalated else 0)
    return bytes(out)


def run_cells(cells: Sequence[Cell], master_seed: int, study: str | None = None) -> list[bytes]:
    """A batch of cells (one executor submission: fewer round trips when cells are small)."""
    return [run_cell(c, master_seed, study) for c in cells]


BATCH_RUNS = 40  # cells are grouped into submissions of at least this many runs


def _run_cells(cells: Sequence[Cell], executor: cf.Executor, workers: int, master_seed: int,
               what: str, progress: bool) -> list[np.ndarray]:
    """Every cell's outcomes, in the cells' order, whichever worker ran them (bounded submissions)."""
    from sim.config.library import study_folder

    study = study_folder()
    study_text = str(study) if study is not None else None
    batches: list[list[int]] = [[]]
    for i, c in enumerate(cells):
        if sum(len(cells[j].replicates) for j in batches[-1]) >= BATCH_RUNS:
            batches.append([])
        batches[-1].append(i)
    results: list[np.ndarray | None] = [None] * len(cells)
    pending: dict[cf.Future, int] = {}
    todo = iter(range(len(batches)))
    total = sum(len(c.replicates) for c in cells)
    done_runs, started, last = 0, time.perf_counter(), 0.0
    exhausted = False
    while True:
        while not exhausted and len(pending) < 3 * workers:
            b = next(todo, None)
            if b is None:
                exhausted = True
                break
            pending[executor.submit(run_cells, [cells[i] for i in batches[b]], master_seed, study_text)] = b
        if not pending:
            break
        finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        for fut in finished:
            b = pending.pop(fut)
            for i, bits in zip(batches[b], fut.result()):
                results[i] = np.frombuffer(bits, dtype=np.uint8).astype(bool)
                done_runs += len(cells[i].replicates)
        now = time.perf_counter() - started
        if progress and (now - last > 30 or done_runs == total):
            last = now
            print(f"  {what}: {done_runs:,} of {total:,} runs ({now:.0f} s)", file=sys.stderr, flush=True)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def _draw_tuples(draws: Sequence[Mapping[str, Any]] | None) -> tuple[tuple[tuple[str, Any], ...], ...]:
    from sim.config.overrides import dotted

    if not draws:
        return ()
    return tuple(tuple(sorted((dotted(str(k)), _native(v)) for k, v in d.items())) for d in draws)


def _native(v: Any) -> Any:
    from sim.config.overrides import _native as native

    return native(v)


def _for_design(design: str, values: Mapping[str, Any], keep: Mapping[str, frozenset[str]]) -> tuple:
    return tuple((k, v) for k, v in values.items() if k not in keep[design])


def _draws_for(design: str, draws: tuple, keep: Mapping[str, frozenset[str]]) -> tuple:
    return tuple(tuple((k, v) for k, v in d if k not in keep[design]) for d in draws)


# --- step 1: screening -----------------------------------------------------------------------

def morris_sample(factors: Sequence[Factor], samples: int, seed: int) -> np.ndarray:
    """SALib's Morris trajectories in the unit hypercube: ``samples * (k + 1)`` rows."""
    from SALib.sample import morris as morris_sample_

    problem = _problem(factors)
    return morris_sample_.sample(problem, samples, num_levels=LEVELS, seed=seed)


def _problem(factors: Sequence[Factor]) -> dict[str, Any]:
    return {"num_vars": len(factors), "names": [f.path for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def _designs(comparisons: Sequence[Comparison]) -> list[str]:
    out: list[str] = []
    for c in comparisons:
        for d in (c.first, c.second):
            if d not in out:
                out.append(d)
    return out


def screen(factors: Sequence[Factor], comparisons: Sequence[Comparison], settings: Settings,
           executor: cf.Executor, workers: int, *, draws: tuple = (), progress: bool = False
           ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Morris screening: one row per comparison and factor (``SCREENING_COLUMNS``)."""
    from SALib.analyze import morris as morris_analyze

    X = morris_sample(factors, settings.samples, settings.master_seed)
    designs = _designs(comparisons)
    keep = {d: defining_keys(d) for d in designs}
    reps = tuple(range(SCREEN_REPLICATE_OFFSET, SCREEN_REPLICATE_OFFSET + settings.replicates))
    cells = []
    for row in X:
        values = {f.path: f.value(u) for f, u in zip(factors, row)}
        for d in designs:
            cells.append(Cell(d, _for_design(d, values, keep), reps, _draws_for(d, draws, keep),
                              SCREEN_REPLICATE_OFFSET))
    out = _run_cells(cells, executor, workers, settings.master_seed, "screening", progress)
    E = {d: np.stack(out[j::len(designs)]) for j, d in enumerate(designs)}  # points x replicates
    k = len(factors)
    rows = []
    steps = _trajectory_steps(X, k)
    for c in comparisons:
        pair = E[c.first].astype(np.int8) - E[c.second].astype(np.int8)  # per point and replicate: -1, 0, 1
        y = pair.mean(axis=1)
        with _quiet():
            res = morris_analyze.analyze(_problem(factors), X, y, num_resamples=BOOTSTRAP,
                                         conf_level=settings.confidence, num_levels=LEVELS,
                                         seed=settings.master_seed)
        changed = np.zeros(k)
        counts = np.zeros(k)
        for a, b, f in steps:
            changed[f] += float(np.mean((E[c.first][a] != E[c.first][b]) | (E[c.second][a] != E[c.second][b])))
            counts[f] += 1
        from scipy import stats

        t = float(stats.t.ppf(0.5 + settings.confidence / 2, max(1, settings.samples - 1)))
        for i, f in enumerate(factors):
            sigma = float(res["sigma"][i])
            rows.append({
                "comparison": c.name, "factor": f.path, "group": f.group, "low": f.low, "default": f.default,
                "high": f.high, "mu": float(res["mu"][i]),
                "mu_conf": t * sigma / math.sqrt(settings.samples) if settings.samples > 1 else math.nan,
                "mu_star": float(res["mu_star"][i]), "mu_star_conf": float(res["mu_star_conf"][i]),
                "sigma": sigma if settings.samples > 1 else math.nan,
                "pairs_changed": changed[i] / counts[i] if counts[i] else math.nan,
            })
    table = pd.DataFrame(rows)
    table = _rank(table)
    meta = {"points": int(X.shape[0]), "runs": int(X.shape[0] * len(designs) * settings.replicates),
            "designs": designs, "mean_difference": {c.name: float(
                (E[c.first].astype(float) - E[c.second].astype(float)).mean()) for c in comparisons},
            "mean_p_escalation": {d: float(E[d].mean()) for d in designs}}
    return table[list(SCREENING_COLUMNS)], meta


def _trajectory_steps(X: np.ndarray, k: int) -> list[tuple[int, int, int]]:
    """(row, next row, factor that moved) of every step of every Morris trajectory."""
    steps = []
    for start in range(0, X.shape[0], k + 1):
        for m in range(k):
            a, b = start + m, start + m + 1
            moved = np.flatnonzero(X[b] != X[a])
            if len(moved) == 1:
                steps.append((a, b, int(moved[0])))
    return steps


def _rank(table: pd.DataFrame) -> pd.DataFrame:
    table = table.sort_values(["comparison", "mu_star", "factor"], ascending=[True, False, True], kind="stable")
    table["rank"] = table.groupby("comparison").cumcount() + 1
    table["rank_in_group"] = table.groupby(["comparison", "group"]).cumcount() + 1
    order = {c.name: i for i, c in enumerate(COMPARISONS)}
    table["_c"] = table["comparison"].map(lambda n: order.get(n, len(order)))
    return table.sort_values(["_c", "rank"], kind="stable").drop(columns="_c").reset_index(drop=True)


SCREENING_COLUMNS = {
    "comparison": "which paired difference (COMPARISONS)",
    "factor": "dotted path of the varied parameter (a mapping's key is one more dot)",
    "group": "constant or uncertainty (its schema role)",
    "low": "low end of the range varied over", "default": "value in paris_declaration",
    "high": "high end of the range",
    "mu": "Morris mean elementary effect: change in the difference (probability) across the whole range, signed",
    "mu_conf": "half-width of the t 95% interval of mu over the trajectories",
    "mu_star": "Morris mean absolute elementary effect (the ranking index)",
    "mu_star_conf": "half-width of SALib's bootstrap 95% interval of mu_star",
    "sigma": "standard deviation of the elementary effects (interactions, non-linearity, replicate noise)",
    "pairs_changed": "share of paired replicates whose outcomes changed in the factor's steps (0: no run moved)",
    "rank": "rank by mu_star among all factors of the comparison (ties by name)",
    "rank_in_group": "rank by mu_star among the factors of the same group",
}


class _quiet:
    def __enter__(self) -> None:
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc: Any) -> None:
        self._w.__exit__(*exc)


# --- step 2: confirmation --------------------------------------------------------------------

CONFIRMATION_COLUMNS = {
    "comparison": "which paired difference", "factor": "varied parameter ('' for the defaults row)",
    "group": "constant or uncertainty ('' for the defaults row)", "screening_rank": "its rank in screening.csv",
    "end": "low, default or high", "value": "the parameter's value at that end",
    "pairs": "paired replicates", "p_first": "P(escalation) of the comparison's first design",
    "p_second": "P(escalation) of the second design", "difference": "p_first - p_second",
    "diff_low": "Newcombe paired 95% interval, low", "diff_high": "Newcombe paired 95% interval, high",
    "both": "pairs where both designs escalated",
    "only_first": "pairs where only the first design escalated", "only_second": "pairs where only the second did",
    "verdict": "first riskier / first safer (interval excludes zero) or undecided",
}


def _selected(screening: pd.DataFrame, comparison: str, group: str, n: int) -> list[str]:
    s = screening[(screening["comparison"] == comparison) & (screening["group"] == group)
                  & (screening["mu_star"] > 0)]
    return list(s.sort_values(["rank"], kind="stable")["factor"].head(n))


def _verdict(lo: float, hi: float) -> str:
    if lo > 0:
        return "first riskier"
    if hi < 0:
        return "first safer"
    return "undecided"


def confirm(factors: Sequence[Factor], comparisons: Sequence[Comparison], chosen: Mapping[str, Sequence[str]],
            settings: Settings, executor: cf.Executor, workers: int, *, draws: tuple = (),
            screening: pd.DataFrame | None = None, progress: bool = False
            ) -> tuple[pd.DataFrame, dict[tuple[str, str, str], np.ndarray]]:
    """One factor at a time at its low and high end, the others at their defaults.

    ``chosen``: comparison name -> the factors to confirm for it. Returns the table
    (``CONFIRMATION_COLUMNS``; one ``default`` row per comparison) and the outcomes of every run
    by (design, factor, end) (factor '' and end 'default' for the defaults).
    """
    by_path = {f.path: f for f in factors}
    designs = _designs(comparisons)
    keep = {d: defining_keys(d) for d in designs}
    reps = tuple(range(settings.confirm_replicates))
    keys: list[tuple[str, str, str]] = [(d, "", "default") for d in designs]
    for c in comparisons:
        for path in chosen.get(c.name, ()):
            for end in ("low", "high"):
                for d in (c.first, c.second):
                    if (d, path, end) not in keys:
                        keys.append((d, path, end))
    cells = []
    for d, path, end in keys:
        values = {} if not path else {path: by_path[path].value(0.0 if end == "low" else 1.0)}
        cells.append(Cell(d, _for_design(d, values, keep), reps, _draws_for(d, draws, keep), 0))
    out = dict(zip(keys, _run_cells(cells, executor, workers, settings.master_seed, "confirmation", progress)))
    rank = {} if screening is None else {(r.comparison, r.factor): int(r.rank) for r in screening.itertuples()}
    rows = []
    for c in comparisons:
        entries = [("", "default")] + [(p, e) for p in chosen.get(c.name, ()) for e in ("low", "high")]
        for path, end in entries:
            a, b = out[(c.first, path, end)], out[(c.second, path, end)]
            n = len(a)
            both, only_a, only_b = int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum())
            lo, hi = newcombe_paired_interval(both, only_a, only_b, n - both - only_a - only_b, settings.confidence)
            f = by_path.get(path)
            value = "" if f is None else f.value(0.0 if end == "low" else 1.0)
            rows.append({"comparison": c.name, "factor": path, "group": "" if f is None else f.group,
                         "screening_rank": rank.get((c.name, path), ""), "end": end, "value": value, "pairs": n,
                         "p_first": float(a.mean()), "p_second": float(b.mean()),
                         "difference": float(a.mean() - b.mean()), "diff_low": lo, "diff_high": hi,
                         "both": both, "only_first": only_a, "only_second": only_b, "verdict": _verdict(lo, hi)})
    return pd.DataFrame(rows, columns=list(CONFIRMATION_COLUMNS)), out


# --- step 3: sign flips ----------------------------------------------------------------------

SIGN_FLIP_COLUMNS = {
    "comparison": "which paired difference", "factor": "the parameter", "group": "constant or uncertainty",
    "end": "low or high", "value": "its value there", "default_difference": "the difference at the defaults",
    "default_verdict": "the verdict at the defaults", "difference": "the difference at this end",
    "diff_low": "95% interval, low", "diff_high": "95% interval, high", "verdict": "the verdict at this end",
    "effect": "flips (decided on the other side of zero from the default estimate), decides (an undecided "
              "default decided, same sign), or undecides (a decided default no longer decided)",
    "holds_bonferroni": "the end's verdict still holds with a Bonferroni-corrected interval over all the ends "
                        "tested for this comparison",
}


def sign_flips(confirmation: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """The ends that change a comparison's conclusion (``SIGN_FLIP_COLUMNS``)."""
    rows = []
    for name, g in confirmation.groupby("comparison", sort=False):
        base = g[g["end"] == "default"].iloc[0]
        ends = g[g["end"] != "default"]
        m = max(1, len(ends))
        strict = 1 - (1 - confidence) / m
        sign0 = np.sign(base["difference"])
        for r in ends.itertuples():
            effect = ""
            if r.verdict != "undecided":
                sign = 1 if r.verdict == "first riskier" else -1
                if base["verdict"] == "undecided":
                    effect = "decides" if sign == sign0 else "flips"
                elif r.verdict != base["verdict"]:
                    effect = "flips"
            elif base["verdict"] != "undecided":
                effect = "undecides"
            if not effect:
                continue
            lo, hi = newcombe_paired_interval(int(r.both), int(r.only_first), int(r.only_second),
                                              int(r.pairs) - int(r.both) - int(r.only_first) - int(r.only_second),
                                              strict)
            holds = _verdict(lo, hi) == r.verdict
            rows.append({"comparison": name, "factor": r.factor, "group": r.group, "end": r.end, "value": r.value,
                         "default_difference": float(base["difference"]), "default_verdict": base["verdict"],
                         "difference": r.difference, "diff_low": r.diff_low, "diff_high": r.diff_high,
                         "verdict": r.verdict, "effect": effect, "holds_bonferroni": bool(holds)})
    return pd.DataFrame(rows, columns=list(SIGN_FLIP_COLUMNS))


# --- the whole study -------------------------------------------------------------------------

@dataclass
class Study:
    factors: list[Factor]
    skipped: list[Skipped]
    screening: pd.DataFrame
    confirmation: pd.DataFrame
    sign_flips: pd.DataFrame
    settings: Settings
    meta: dict[str, Any] = field(default_factory=dict)
    confirmation_runs: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)


def run_study(settings: Settings = FULL, *, workers: int = 1, draws: Sequence[Mapping[str, Any]] | None = None,
              factors: Sequence[str] | None = None, comparisons: Sequence[Comparison] = COMPARISONS,
              progress: bool = False) -> Study:
    """Screening, confirmation and sign flips, in memory.

    ``draws``: optional calibration draws, each a mapping of dotted paths to values; replicate
    k (of the screening and of the confirmation) runs with ``draws[k % len(draws)]``. The study's
    varied factor overrides a draw, and no draw changes what defines a design
    (``defining_keys``). ``factors``: only these paths (tests; default every factor).
    ``workers``: 1 runs in this process, more in a local process pool; the results are the same.
    """
    from sim.api import _executor
    from sim.config.overrides import dotted

    all_factors, skipped = factor_list()
    if factors is not None:
        wanted = [dotted(p) for p in factors]
        known = {f.path: f for f in all_factors}
        unknown = [p for p in wanted if p not in known]
        if unknown:
            from sim.config import ConfigError

            raise ConfigError.single("sensitivity", "not a factor of the study", key=unknown[0],
                                     allowed="a numeric constant or uncertainty (factor_list())")
        all_factors = [known[p] for p in wanted]
    draw_t = _draw_tuples(draws)
    _check_draws(draw_t)
    started = time.perf_counter()
    with _executor(workers) as executor:
        screening, smeta = screen(all_factors, comparisons, settings, executor, workers, draws=draw_t,
                                  progress=progress)
        t_screen = time.perf_counter() - started
        chosen = {c.name: _selected(screening, c.name, "constant", settings.top)
                  + _selected(screening, c.name, "uncertainty", settings.top_uncertainties) for c in comparisons}
        confirmation, runs = confirm(all_factors, comparisons, chosen, settings, executor, workers, draws=draw_t,
                                     screening=screening, progress=progress)
    seconds = time.perf_counter() - started
    flips = sign_flips(confirmation, settings.confidence)
    meta = {"screening": smeta, "confirmation_runs": int(sum(len(v) for v in runs.values())),
            "chosen": chosen, "seconds": round(seconds, 1), "screening_seconds": round(t_screen, 1),
            "draws": len(draw_t)}
    meta["runs"] = smeta["runs"] + meta["confirmation_runs"]
    return Study(list(all_factors), skipped, screening, confirmation, flips, settings, meta, runs)


def _check_draws(draws: tuple) -> None:
    """A draw sets constants and uncertainties only (never a lever: that would change the designs, nor the
    horizon: that is the question), and every value must be valid: ConfigError naming each problem."""
    from sim.config import ConfigError, Problem, parameter_catalogue, with_overrides
    from sim.config.overrides import base_scenario

    catalogue = parameter_catalogue()
    base = base_scenario(REFERENCE)
    problems: list[Problem] = []
    for i, d in enumerate(draws):
        for k, _ in d:
            spec = catalogue.get(k) or catalogue.get(k.rsplit(".", 1)[0])
            if k in EXCLUDED or (spec is not None and spec.role == "lever"):
                problems.append(Problem(f"draws[{i}]", "a draw sets constants and uncertainties only", key=k,
                                        allowed="a constant or uncertainty (not a lever, not horizon_weeks)"))
        if not problems:
            try:
                with_overrides(base, dict(d), source=f"draws[{i}]", strict=True)
            except ConfigError as exc:
                problems += exc.problems
    if problems:
        raise ConfigError(problems)


# --- writing ---------------------------------------------------------------------------------

FILES = ("factors.csv", "screening.csv", "confirmation.csv", "sign_flips.csv", "sensitivity_tables.md",
         "sensitivity.png")
FACTOR_COLUMNS = ("factor", "group", "kind", "unit", "low", "default", "high", "rule")


def _csv(df: pd.DataFrame) -> str:
    from sim.outputs import csv_text

    rows = [[_plain(v) for v in r] for r in df.itertuples(index=False)]
    return csv_text(list(df.columns), rows)


def _plain(v: Any) -> Any:
    if isinstance(v, (np.floating,)):
        v = float(v)
    if isinstance(v, (np.integer,)):
        v = int(v)
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, float) and math.isnan(v):
        return ""
    return v


def factors_frame(factors: Sequence[Factor], skipped: Sequence[Skipped] = ()) -> pd.DataFrame:
    rows = [{"factor": f.path, "group": f.group, "kind": f.kind, "unit": f.unit, "low": f.low, "default": f.default,
             "high": f.high, "rule": f.rule} for f in factors]
    rows += [{"factor": s.path, "group": s.group, "kind": "", "unit": "", "low": math.nan, "default": math.nan,
              "high": math.nan, "rule": f"skipped: {s.reason}"} for s in skipped]
    return pd.DataFrame(rows, columns=list(FACTOR_COLUMNS))


def write_study(study: Study, folder: Path, meta: Mapping[str, Any]) -> None:
    from sim.outputs import atomic_write

    atomic_write(folder / "factors.csv", _csv(factors_frame(study.factors, study.skipped)))
    atomic_write(folder / "screening.csv", _csv(study.screening))
    atomic_write(folder / "confirmation.csv", _csv(study.confirmation))
    atomic_write(folder / "sign_flips.csv", _csv(study.sign_flips))
    atomic_write(folder / "sensitivity_tables.md", tables_markdown(study, meta))
    figure(study, folder / "sensitivity.png")


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def _ci(r: Any) -> str:
    return f"{_pts(r.difference)} [{_pts(r.diff_low)}, {_pts(r.diff_high)}]"


def _num(v: Any) -> str:
    if v == "" or v is None:
        return ""
    v = float(v)
    return f"{v:g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2g}"


VERDICT_WORDS = {"first riskier": "riskier", "first safer": "safer", "undecided": "undecided"}


def tables_markdown(study: Study, meta: Mapping[str, Any]) -> str:
    s = study.settings
    k_c = sum(f.group == "constant" for f in study.factors)
    k_u = len(study.factors) - k_c
    sm = study.meta["screening"]
    lines = ["# Which assumptions decide the answers", "",
             f"*Generated by `{meta.get('command', 'python -m sim sensitivity')}` ({meta.get('mode', '')} run, "
             f"{study.meta['runs']:,} runs in {meta.get('seconds', study.meta['seconds']):.0f} s on "
             f"{meta.get('workers', '?')} worker(s); git {str(meta.get('git_commit') or 'unknown')[:7]}). "
             "Differences are in percentage points of P(escalation within the horizon).*", "",
             "## What is compared", "",
             "Each answer is a paired difference: both designs run on the same seeds (common random numbers) "
             "and the same constants. A positive difference means the first design escalates more.", "",
             "| comparison | first minus second |", "|---|---|"]
    for c in COMPARISONS:
        lines.append(f"| `{c.name}` | `{c.first}` minus `{c.second}` |")
    lines += ["", "`forward_tripwire` is `paris_declaration` with `force.posture: forward` and nothing else, so "
              "the second pair is exactly forward against rear. `no_us_backstop` removes the US roles from the "
              "start (monitoring lead, backstop of the force, intelligence sharing); `us_withdraws_2029` keeps "
              "them for two and a half years, so it answers a different question (a withdrawal mid-ceasefire).",
              "", "## Method", "",
              f"**Factors.** Every numeric schema parameter of role `constant` ({k_c}, a mapping of numbers giving "
              f"one factor per key) and, as a separate group, of role `uncertainty` ({k_u}): "
              f"{len(study.factors)} factors, computed from the schema. Left out: "
              + "; ".join(f"`{x.path}` ({x.reason})" for x in study.skipped) + ".", "",
              "**Ranges.** The schema's bounds are often far wider than a plausible value, so each factor varies "
              "around its default: x0.5 to x1.5; a quantity bounded above by 1 whose default exceeds 0.5 (a "
              "probability, a discount factor) varies its distance to 1 by x0.5 to x1.5 (a weekly discount of "
              "0.97 varies from 0.955 to 0.985); a zero default varies from 0 to a tenth of the schema range "
              "(a mapping's key, which has no range, to half the smallest non-zero value of the mapping); then "
              "clipped to the schema's bounds; whole numbers rounded half up (a range that rounds to one value "
              "widened by one each side). `factors.csv` lists every range and its rule.", "",
              f"**Design parameters.** A design parameter a scenario sets itself (`{COMPARISONS[2].second}`'s "
              "backstop probability of 0, for instance) is what the design *is*: the factor varies it in the "
              "designs that do not set it, and never overrides it in the one that does.", "",
              f"**Screening.** Morris elementary effects (SALib; {s.samples} trajectories, {LEVELS} levels, a jump of "
              f"2/3 of the range): {sm['points']:,} points, each running the {len(sm['designs'])} designs on the "
              f"same {s.replicates} seeds ({sm['runs']:,} runs). The seeds are shared by every point too, so an "
              "elementary effect is a paired difference of paired differences: a factor that changes no run has "
              "an effect of exactly zero (`pairs_changed` = 0). `mu*` (mean absolute effect; the ranking) and "
              "`mu` (signed) are the change of the difference across the whole range, in points; `mu*` carries "
              "SALib's bootstrap 95% interval. With few seeds per point a factor that perturbs runs at all gets "
              "a noisy `mu*`, which is why the ranking is only a screen.", "",
              f"**Confirmation.** The top {s.top} constants and top {s.top_uncertainties} uncertainties of each "
              f"comparison by `mu*`, one at a time at the low and at the high end of the range, the others at their "
              f"defaults, on {s.confirm_replicates} fresh paired seeds (replicates 0 to "
              f"{s.confirm_replicates - 1} of master seed {s.master_seed}, as the question sweeps; the screening "
              f"used other seeds, so selection and confirmation are independent): the difference with Newcombe's "
              "paired 95% interval at low, default and high.", "",
              "**Sign flips.** An end *flips* a conclusion when its interval lies wholly on the other side of zero "
              "from the default estimate; it *decides* one the default leaves undecided (same sign); it "
              "*undecides* one the default decides. Each interval is a 95% one and many ends are tested, so "
              "`holds_bonferroni` says whether the verdict survives a Bonferroni correction over the ends tested "
              "for that comparison.", ""]
    conf = study.confirmation
    lines += ["## The conclusions at the defaults", "",
              "| comparison | P(first) | P(second) | difference [95% CI] | verdict |", "|---|---|---|---|---|"]
    for r in conf[conf["end"] == "default"].itertuples():
        lines.append(f"| `{r.comparison}` | {100 * r.p_first:.1f}% | {100 * r.p_second:.1f}% | {_ci(r)} | "
                     f"{VERDICT_WORDS[r.verdict]} |")
    lines += [""]
    scr = study.screening
    for group, title, n in (("constant", "Top constants per comparison (screening)", 10),
                            ("uncertainty", "Top uncertainties per comparison (screening, a separate group)", 5)):
        lines += [f"## {title}", ""]
        for c in COMPARISONS:
            mine = scr[(scr["comparison"] == c.name) & (scr["group"] == group)]
            if mine.empty:
                continue
            zero = int((mine["mu_star"] == 0).sum())
            g = mine[mine["mu_star"] > 0].head(n)
            if g.empty:
                lines += [f"`{c.name}`: none of the {len(mine)} {group} factors moved the difference.", ""]
                continue
            lines += [f"`{c.name}` ({zero} of {len(mine)} {group} factors never moved the difference):", "",
                      "| rank | factor | range | mu* [±95%] | mu [±95%] | pairs changed |", "|---|---|---|---|---|---|"]
            for r in g.itertuples():
                lines.append(f"| {r.rank} | `{r.factor}` | {_num(r.low)} – {_num(r.high)} (default {_num(r.default)}) "
                             f"| {100 * r.mu_star:.1f} ± {100 * r.mu_star_conf:.1f} | {100 * r.mu:+.1f} ± "
                             f"{100 * r.mu_conf if not math.isnan(r.mu_conf) else float('nan'):.1f} | "
                             f"{100 * r.pairs_changed:.0f}% |")
            lines.append("")
    lines += ["## Confirmation: the difference at the low end, the default and the high end", ""]
    for c in COMPARISONS:
        g = conf[conf["comparison"] == c.name]
        if g.empty:
            continue
        base = g[g["end"] == "default"].iloc[0]
        lines += [f"`{c.name}`: at the defaults {_ci(base)}, {VERDICT_WORDS[base['verdict']]}.", "",
                  "| factor | group | low: value, difference [95% CI] | high: value, difference [95% CI] |",
                  "|---|---|---|---|"]
        for path in dict.fromkeys(g[g["end"] != "default"]["factor"]):
            lo = g[(g["factor"] == path) & (g["end"] == "low")].iloc[0]
            hi = g[(g["factor"] == path) & (g["end"] == "high")].iloc[0]
            lines.append(f"| `{path}` | {lo['group']} | {_num(lo['value'])}: {_ci(lo)} {_mark(lo)} | "
                         f"{_num(hi['value'])}: {_ci(hi)} {_mark(hi)} |")
        lines.append("")
    flips = study.sign_flips
    lines += ["## Sign-flip table", ""]
    if flips.empty:
        lines += ["No end of any confirmed factor changes a conclusion.", ""]
    else:
        lines += ["| comparison | factor | group | end (value) | default | at the end | effect | holds after Bonferroni |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in flips.itertuples():
            lines.append(f"| `{r.comparison}` | `{r.factor}` | {r.group} | {r.end} ({_num(r.value)}) | "
                         f"{_pts(r.default_difference)}, {VERDICT_WORDS[r.default_verdict]} | "
                         f"{_pts(r.difference)} [{_pts(r.diff_low)}, {_pts(r.diff_high)}], "
                         f"{VERDICT_WORDS[r.verdict]} | {r.effect} | {'yes' if r.holds_bonferroni else 'no'} |")
        lines.append("")
    for c in COMPARISONS:
        confirmed = [p for p in dict.fromkeys(conf[(conf["comparison"] == c.name) & (conf["end"] != "default")]
                                               ["factor"])]
        if not confirmed:
            continue
        changers = set(flips[flips["comparison"] == c.name]["factor"]) if not flips.empty else set()
        robust = [p for p in confirmed if p not in changers]
        if robust:
            lines.append(f"`{c.name}`: no end of " + ", ".join(f"`{p}`" for p in robust)
                         + " changes the conclusion.")
    lines.append("")
    return "\n".join(lines)


def _mark(r: Any) -> str:
    return {"first riskier": "riskier", "first safer": "safer"}.get(r["verdict"], "")


def figure(study: Study, path: Path) -> None:
    """Per comparison: the screening's top factors (mu*) and the confirmation's intervals."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    comps = [c for c in COMPARISONS if (study.screening["comparison"] == c.name).any()]
    fig = Figure(figsize=(13, 3.6 * max(1, len(comps))))
    FigureCanvasAgg(fig)
    colours = {"constant": "#1f77b4", "uncertainty": "#ff7f0e"}
    for i, c in enumerate(comps):
        ax = fig.add_subplot(len(comps), 2, 2 * i + 1)
        g = study.screening[(study.screening["comparison"] == c.name) & (study.screening["mu_star"] > 0)]
        g = g.head(12).iloc[::-1]
        mu_star, conf = g["mu_star"].to_numpy(dtype=float), g["mu_star_conf"].to_numpy(dtype=float)
        low_err = np.minimum(conf, mu_star)  # an absolute effect is not below zero
        ax.barh(range(len(g)), 100 * mu_star, xerr=[100 * low_err, 100 * conf],
                color=[colours[x] for x in g["group"]], ecolor="grey")
        if g.empty:
            ax.text(0.5, 0.5, "no factor moved the difference", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks(range(len(g)), list(g["factor"]), fontsize=7)
        ax.set_xlabel("mu* (points of the difference across the range)", fontsize=8)
        ax.set_title(f"{c.name}: screening (blue constants, orange uncertainties)", fontsize=9)
        ax = fig.add_subplot(len(comps), 2, 2 * i + 2)
        g = study.confirmation[study.confirmation["comparison"] == c.name]
        base = g[g["end"] == "default"].iloc[0]
        ax.axvspan(100 * base["diff_low"], 100 * base["diff_high"], color="#dddddd", label="defaults, 95% CI")
        ax.axvline(100 * base["difference"], color="black", lw=0.8)
        ax.axvline(0, color="red", lw=0.8, ls=":")
        names = list(dict.fromkeys(g[g["end"] != "default"]["factor"]))
        for j, p in enumerate(names[::-1]):
            for end, dy, col in (("low", -0.15, "#2ca02c"), ("high", 0.15, "#d62728")):
                r = g[(g["factor"] == p) & (g["end"] == end)].iloc[0]
                ax.errorbar(100 * r["difference"], j + dy,
                            xerr=[[100 * (r["difference"] - r["diff_low"])], [100 * (r["diff_high"] - r["difference"])]],
                            fmt="o", color=col, ms=3, label=end if j == 0 else None)
        ax.set_yticks(range(len(names)), names[::-1], fontsize=7)
        ax.set_xlabel("difference, points (first minus second), 95% CI", fontsize=8)
        ax.set_title(f"{c.name}: confirmation at the ends", fontsize=9)
        ax.legend(fontsize=7, loc="best", framealpha=0.6)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})


# --- the command -----------------------------------------------------------------------------

def settings_from_args(args: argparse.Namespace) -> Settings:
    s = QUICK if args.quick else FULL
    changes = {k: v for k, v in (("samples", args.samples), ("replicates", args.replicates), ("top", args.top),
                                 ("confirm_replicates", args.confirm_replicates), ("master_seed", args.seed))
               if v is not None}
    return replace(s, **changes)


def command_text(args: argparse.Namespace) -> str:
    parts = ["python -m sim sensitivity"]
    if args.quick:
        parts.append("--quick")
    for flag, v in (("--samples", args.samples), ("--replicates", args.replicates), ("--top", args.top),
                    ("--confirm-replicates", args.confirm_replicates), ("--seed", args.seed),
                    ("--out", args.out), ("--workers", args.workers)):
        if v is not None:
            parts.append(f"{flag} {v}")
    if getattr(args, "posterior", None) is not None:
        parts.append(f"--posterior {args.posterior} --posterior-draws {args.posterior_draws}")
    if getattr(args, "overwrite", False):
        parts.append("--overwrite")
    return " ".join(parts)


def sensitivity_command(args: argparse.Namespace) -> int:
    from sim.experiments.commands import default_workers
    from sim.outfolder import staged
    from sim.outputs import git_commit, versions, write_manifest
    from sim.provenance import inputs, package_info, scenario_inputs

    try:
        import SALib  # noqa: F401
    except ImportError:
        from sim.cli import UsageError

        raise UsageError("sensitivity needs SALib: pip install 'paris-guarantees-sim[sensitivity]'") from None
    from sim.config import load_scenario_files

    settings = settings_from_args(args)
    out = Path(args.out) if args.out is not None else Path("results") / "sensitivity"
    workers = args.workers or default_workers()
    command = command_text(args)
    factors, _ = factor_list()
    designs = _designs(COMPARISONS)
    print(f"sensitivity: {len(factors)} factors, {settings.samples} Morris trajectories x {settings.replicates} "
          f"paired seeds x {len(designs)} designs, then {settings.top} constants + {settings.top_uncertainties} "
          f"uncertainties per comparison x {settings.confirm_replicates} seeds, on {workers} worker(s) -> {out}/",
          file=sys.stderr)
    provenance = inputs({d: scenario_inputs(chain, sc) for d in designs
                         for sc, chain in [load_scenario_files(d)]})
    use = None
    if getattr(args, "posterior", None) is not None:  # parameter uncertainty: replicate k uses draw k % N
        from sim.calibration.posterior import use_posterior

        use = use_posterior(args.posterior, args.posterior_draws, settings.master_seed)
    draws = [dict(v) for v in use.values] if use is not None else None
    with staged(out, overwrite=getattr(args, "overwrite", False)) as work:
        study = run_study(settings, workers=workers, progress=True, draws=draws)
        meta = {"command": command, "mode": "quick" if args.quick else "full", "workers": workers,
                "seconds": study.meta["seconds"], "git_commit": git_commit()}
        write_study(study, work, meta)
        write_manifest(work / "manifest.json", {
            "command": "sensitivity", "command_line": command, "mode": meta["mode"], "files": list(FILES),
            "settings": {**settings.__dict__, "levels": LEVELS, "relative_range": list(RELATIVE),
                         "screening_replicates": [SCREEN_REPLICATE_OFFSET,
                                                  SCREEN_REPLICATE_OFFSET + settings.replicates - 1],
                         "confirmation_replicates": [0, settings.confirm_replicates - 1]},
            "comparisons": [c.__dict__ for c in COMPARISONS],
            "factors": {"constants": sum(f.group == "constant" for f in study.factors),
                        "uncertainties": sum(f.group == "uncertainty" for f in study.factors),
                        "skipped": {s.path: s.reason for s in study.skipped}},
            "runs": study.meta["runs"], "screening": study.meta["screening"],
            "confirmed": study.meta["chosen"], "seconds": study.meta["seconds"],
            "screening_seconds": study.meta["screening_seconds"], "workers": workers,
            "package": package_info(), "versions": versions(), "git_commit": meta["git_commit"],
            "inputs": provenance, "date": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
            **({"posterior": use.record()} if use is not None else {})})
    print(summary_text(study))
    print(f"wrote {', '.join(FILES)} and manifest.json to {out}/ ({study.meta['runs']:,} runs in "
          f"{study.meta['seconds']:.0f} s)")
    return 0


def summary_text(study: Study) -> str:
    lines = []
    conf = study.confirmation
    for c in COMPARISONS:
        g = conf[(conf["comparison"] == c.name) & (conf["end"] == "default")]
        if g.empty:
            continue
        r = g.iloc[0]
        top = study.screening[(study.screening["comparison"] == c.name)
                              & (study.screening["group"] == "constant")].head(3)["factor"]
        lines.append(f"{c.name}: {_ci(r)} points at the defaults ({VERDICT_WORDS[r['verdict']]}); "
                     f"top constants {', '.join(top)}")
        f = study.sign_flips[study.sign_flips["comparison"] == c.name]
        for x in f.itertuples():
            lines.append(f"  {x.effect}: {x.factor} at its {x.end} end ({_num(x.value)}): "
                         f"{_pts(x.difference)} [{_pts(x.diff_low)}, {_pts(x.diff_high)}]")
    return "\n".join(lines)


__all__ = ["COMPARISONS", "Cell", "Comparison", "EXCLUDED", "FULL", "Factor", "QUICK", "Settings", "Skipped",
           "Study", "confirm", "defining_keys", "factor_list", "factor_range", "run_study", "screen", "sign_flips",
           "write_study"]
