"""The sensitivity study's runs: every cell of seeded paired runs on an executor, the Morris
screening, the confirmation at each factor's ends, and the sign flips they show."""

from __future__ import annotations

import math
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.config import ConfigError, study_folder
from sim.config.overrides import dotted
from sim.executors import Executing, executor, in_order
from sim.experiments.execution import Task, run_task
from sim.experiments.statistics import CONFIDENCE, newcombe_paired_interval
from sim.validation.sensitivity.design import (
    BOOTSTRAP,
    COMPARISONS,
    FULL,
    LEVELS,
    SCREEN_REPLICATE_OFFSET,
    Comparison,
    Factor,
    Settings,
    Skipped,
    check_draws,
    defining_keys,
    designs_of,
    draw_tuples,
    factor_list,
    morris_problem,
    morris_sample,
)


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


@dataclass(frozen=True)
class Batch:
    """Cells run by one executor submission (fewer round trips when cells are small)."""

    cells: tuple[Cell, ...]
    master_seed: int
    study: str | None  # the study folder names resolve in (the command's)


def run_batch(batch: Batch) -> list[bytes]:
    return [run_cell(c, batch.master_seed, batch.study) for c in batch.cells]


BATCH_RUNS = 40  # cells are grouped into submissions of at least this many runs


def run_all(cells: Sequence[Cell], ex: Executing, master_seed: int, what: str, progress: bool) -> list[np.ndarray]:
    """Every cell's outcomes, in the cells' order, whichever worker ran them."""
    study = study_folder()
    study_text = str(study) if study is not None else None
    batches: list[list[Cell]] = [[]]
    for c in cells:
        if sum(len(b.replicates) for b in batches[-1]) >= BATCH_RUNS:
            batches.append([])
        batches[-1].append(c)
    todo = iter(Batch(tuple(b), master_seed, study_text) for b in batches if b)
    total = sum(len(c.replicates) for c in cells)
    results: list[np.ndarray] = []
    done_runs, started, last = 0, time.perf_counter(), 0.0
    for batch, outcomes in in_order(ex.executor, run_batch, lambda: next(todo, None), window=2 * ex.slots + 2):
        for cell, bits in zip(batch.cells, outcomes):
            results.append(np.frombuffer(bits, dtype=np.uint8).astype(bool))
            done_runs += len(cell.replicates)
        now = time.perf_counter() - started
        if progress and (now - last > 30 or done_runs == total):
            last = now
            print(f"  {what}: {done_runs:,} of {total:,} runs ({now:.0f} s)", file=sys.stderr, flush=True)
    return results


def _for_design(design: str, values: Mapping[str, Any], keep: Mapping[str, frozenset[str]]) -> tuple:
    return tuple((k, v) for k, v in values.items() if k not in keep[design])


def _draws_for(design: str, draws: tuple, keep: Mapping[str, frozenset[str]]) -> tuple:
    return tuple(tuple((k, v) for k, v in d if k not in keep[design]) for d in draws)



# --- step 1: screening -----------------------------------------------------------------------

def screen(factors: Sequence[Factor], comparisons: Sequence[Comparison], settings: Settings, ex: Executing, *,
           draws: tuple = (), progress: bool = False
           ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Morris screening: one row per comparison and factor (``SCREENING_COLUMNS``)."""
    from SALib.analyze import morris as morris_analyze  # the optional [sensitivity] extra

    X = morris_sample(factors, settings.samples, settings.master_seed)
    designs = designs_of(comparisons)
    keep = {d: defining_keys(d) for d in designs}
    reps = tuple(range(SCREEN_REPLICATE_OFFSET, SCREEN_REPLICATE_OFFSET + settings.replicates))
    cells = []
    for row in X:
        values = {f.path: f.value(u) for f, u in zip(factors, row)}
        for d in designs:
            cells.append(Cell(d, _for_design(d, values, keep), reps, _draws_for(d, draws, keep),
                              SCREEN_REPLICATE_OFFSET))
    out = run_all(cells, ex, settings.master_seed, "screening", progress)
    E = {d: np.stack(out[j::len(designs)]) for j, d in enumerate(designs)}  # points x replicates
    k = len(factors)
    rows = []
    steps = _trajectory_steps(X, k)
    for c in comparisons:
        pair = E[c.first].astype(np.int8) - E[c.second].astype(np.int8)  # per point and replicate: -1, 0, 1
        y = pair.mean(axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = morris_analyze.analyze(morris_problem(factors), X, y, num_resamples=BOOTSTRAP,
                                         conf_level=settings.confidence, num_levels=LEVELS,
                                         seed=settings.master_seed)
        changed = np.zeros(k)
        counts = np.zeros(k)
        for a, b, f in steps:
            changed[f] += float(np.mean((E[c.first][a] != E[c.first][b]) | (E[c.second][a] != E[c.second][b])))
            counts[f] += 1
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
            settings: Settings, ex: Executing, *, draws: tuple = (),
            screening: pd.DataFrame | None = None, progress: bool = False
            ) -> tuple[pd.DataFrame, dict[tuple[str, str, str], np.ndarray]]:
    """One factor at a time at its low and high end, the others at their defaults.

    ``chosen``: comparison name -> the factors to confirm for it. Returns the table
    (``CONFIRMATION_COLUMNS``; one ``default`` row per comparison) and the outcomes of every run
    by (design, factor, end) (factor '' and end 'default' for the defaults).
    """
    by_path = {f.path: f for f in factors}
    designs = designs_of(comparisons)
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
    out = dict(zip(keys, run_all(cells, ex, settings.master_seed, "confirmation", progress)))
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
    all_factors, skipped = factor_list()
    if factors is not None:
        wanted = [dotted(p) for p in factors]
        known = {f.path: f for f in all_factors}
        unknown = [p for p in wanted if p not in known]
        if unknown:
            raise ConfigError.single("sensitivity", "not a factor of the study", key=unknown[0],
                                     allowed="a numeric constant or uncertainty (factor_list())")
        all_factors = [known[p] for p in wanted]
    draw_t = draw_tuples(draws)
    check_draws(draw_t)
    started = time.perf_counter()
    with executor(workers) as ex:
        screening, smeta = screen(all_factors, comparisons, settings, ex, draws=draw_t, progress=progress)
        t_screen = time.perf_counter() - started
        chosen = {c.name: _selected(screening, c.name, "constant", settings.top)
                  + _selected(screening, c.name, "uncertainty", settings.top_uncertainties) for c in comparisons}
        confirmation, runs = confirm(all_factors, comparisons, chosen, settings, ex, draws=draw_t,
                                     screening=screening, progress=progress)
    seconds = time.perf_counter() - started
    flips = sign_flips(confirmation, settings.confidence)
    meta = {"screening": smeta, "confirmation_runs": int(sum(len(v) for v in runs.values())),
            "chosen": chosen, "seconds": round(seconds, 1), "screening_seconds": round(t_screen, 1),
            "draws": len(draw_t)}
    meta["runs"] = smeta["runs"] + meta["confirmation_runs"]
    return Study(list(all_factors), skipped, screening, confirmation, flips, settings, meta, runs)


