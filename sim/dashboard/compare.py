"""The Compare page: is your design safer than the reference? A paired answer with a verdict.

Replicate k of both designs uses the same seed (common random numbers,
``sim.runner.replicate_seed``), so the two runs of a pair meet the same luck and
the difference between them comes from the design. The page reports the paired
difference in P(escalation) (design minus reference) with Newcombe's paired 95%
interval and the difference in weeks without an attack, both from
``sim.experiments.tables.paired_differences`` (the sweep's own statistics), and
one plain sentence. Pairs are added in batches until the interval is narrower than
the target or the cap is reached (with sequential stopping the 95% is nominal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterator

import pandas as pd

from sim.config import Scenario, with_overrides
from sim.dashboard.controls import Design
from sim.experiments.statistics import km_survival, wilson_interval
from sim.experiments.tables import paired_differences
from sim.runner import replicate_seed, simulate

MASTER_SEED = 2026
HORIZONS = (52, 104, 156, 260)
TARGETS = (2, 3, 5, 10)  # half-width of the interval, percentage points
CAPS = (100, 200, 500, 1000, 2000)  # pairs
BATCH = 25


def pct(k: int, n: int) -> str:
    """One format for a share everywhere (table, chart, sentence): '6.5% (13 of 200)'."""
    return f"{100.0 * k / n:.1f}% ({k} of {n})" if n else "no runs"


@dataclass
class Paired:
    """The state of a paired comparison after some batches."""

    design: str
    reference: str
    horizon: int
    target: float
    cap: int
    master_seed: int
    n: int = 0
    escalated: int = 0
    escalated_reference: int = 0
    only_design: int = 0
    only_reference: int = 0
    diff: float = math.nan  # points
    low: float = math.nan
    high: float = math.nan
    p_value: float = math.nan
    rmst: float = math.nan  # weeks without an attack, mean over runs
    rmst_reference: float = math.nan
    rmst_diff: float = math.nan
    rmst_low: float = math.nan
    rmst_high: float = math.nan
    finished: bool = False
    reason: str = ""
    curves: list[dict] = field(default_factory=list)

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0


def run_pairs(design: Scenario, reference: Scenario, start: int, count: int, horizon: int,
              master_seed: int = MASTER_SEED) -> list[dict]:
    """Outcomes of replicates start..start+count-1 of both designs (seed k shared by both)."""
    rows = []
    for k in range(start, start + count):
        seed = replicate_seed(master_seed, k)
        for point, s in (("design", design), ("reference", reference)):
            run = simulate(s, seed, steps=False, events=False).run
            rows.append({"design_point": point, "replicate": k, "escalated": bool(run["escalated"]),
                         "survival_weeks": int(run["survival_weeks"]), "horizon_weeks": int(run["horizon_weeks"])})
    return rows


def summarize(runs: pd.DataFrame, state: Paired, *, curves: bool = True) -> Paired:
    """Fill ``state`` from the runs so far (paired statistics from the sweep's analysis module)."""
    d = paired_differences(runs, "reference").iloc[0]
    state.n = int(d["pairs"])
    state.escalated = int(runs.loc[runs.design_point == "design", "escalated"].sum())
    state.escalated_reference = int(runs.loc[runs.design_point == "reference", "escalated"].sum())
    state.only_design, state.only_reference = int(d["only_design_escalated"]), int(d["only_reference_escalated"])
    state.diff, state.low, state.high = (100.0 * float(d[c]) for c in ("diff_escalation", "diff_low", "diff_high"))
    state.p_value = float(d["p_value"])
    state.rmst, state.rmst_reference = float(d["rmst_weeks"]), float(d["rmst_weeks_reference"])
    state.rmst_diff, state.rmst_low, state.rmst_high = (float(d[c]) for c in
                                                        ("diff_rmst_weeks", "diff_rmst_low", "diff_rmst_high"))
    if curves:
        weeks = list(range(0, state.horizon + 1))
        state.curves = []
        for point, label in (("design", state.design), ("reference", state.reference)):
            g = runs[runs.design_point == point]
            km = km_survival(g["survival_weeks"], g["escalated"], weeks, horizon=state.horizon)
            k = int(g["escalated"].sum())
            state.curves.append({"label": f"{label}: {pct(k, len(g))} attacked", "weeks": weeks,
                                 "survival": km["survival"].tolist(), "low": km["low"].tolist(),
                                 "high": km["high"].tolist()})
    return state


def adaptive(design: Design, reference: Design, *, horizon: int, target: float, cap: int,
             batch: int = BATCH, master_seed: int = MASTER_SEED) -> Iterator[Paired]:
    """Add pairs in batches; yield the comparison after each batch; stop when narrow enough or at the cap."""
    a = _at_horizon(design.scenario, horizon)
    b = _at_horizon(reference.scenario, horizon)
    state = Paired(design.label, reference.label, horizon, target, cap, master_seed)
    rows: list[dict] = []
    while True:
        count = min(batch, cap - state.n)
        rows += run_pairs(a, b, state.n, count, horizon, master_seed)
        runs = pd.DataFrame(rows)
        summarize(runs, state, curves=False)
        narrow = state.n >= min(cap, 2 * batch) and state.half_width <= target
        if narrow or state.n >= cap:
            state.finished = True
            state.reason = (f"the interval is narrower than ±{target:g} points" if narrow
                            else f"the cap of {cap} pairs is reached")
        summarize(runs, state)
        yield state
        if state.finished:
            return
        state = Paired(**{**state.__dict__, "curves": []})  # a new object: the page sees a change


def _at_horizon(s: Scenario, horizon: int) -> Scenario:
    """The design over a shorter horizon; a scripted shock dated after it cannot happen and is left out."""
    if s.horizon_weeks == horizon:
        return s
    overrides: dict = {"horizon_weeks": horizon}
    kept = [shock.model_dump() for shock in s.shocks
            if (shock.week if shock.week is not None else s.week_of(shock.date)) < horizon]
    if len(kept) != len(s.shocks):
        overrides["shocks"] = kept
    return with_overrides(s, overrides, source="horizon")


def verdict(p: Paired) -> str:
    """One plain sentence: which design is safer, by how much, or what difference is ruled out."""
    n = f"n = {p.n} pairs"
    within = f"within {p.horizon} weeks"
    if math.isnan(p.low):
        return "Not enough runs yet."
    if p.low > 0:
        return (f"{p.reference} is safer: your design's risk of a renewed attack {within} is higher by "
                f"{p.diff:.1f} points [{p.low:.1f}, {p.high:.1f}] ({n}).")
    if p.high < 0:
        return (f"Your design is safer by {-p.diff:.1f} points [{-p.high:.1f}, {-p.low:.1f}]: "
                f"fewer renewed attacks {within} than {p.reference} ({n}).")
    bound = max(abs(p.low), abs(p.high))
    return (f"No detectable difference at {n}: a difference larger than {bound:.1f} points in the risk of a "
            f"renewed attack {within} is ruled out (95% interval {p.low:+.1f} to {p.high:+.1f}).")


def wilson_pct(k: int, n: int) -> str:
    lo, hi = wilson_interval(k, n)
    return f"[{100 * lo:.1f}%, {100 * hi:.1f}%]"


def table_rows(p: Paired) -> list[dict[str, str]]:
    """The comparison table: one share format, readable names."""
    rows = []
    for label, k, rmst in ((p.design, p.escalated, p.rmst), (p.reference, p.escalated_reference, p.rmst_reference)):
        rows.append({"design": label, "renewed attack": pct(k, p.n), "95% interval": wilson_pct(k, p.n),
                     "mean weeks without attack": f"{rmst:.1f} of {p.horizon}"})
    rows.append({"design": "difference (yours minus reference), paired",
                 "renewed attack": f"{p.diff:+.1f} points",
                 "95% interval": f"[{p.low:+.1f}, {p.high:+.1f}] points",
                 "mean weeks without attack": f"{p.rmst_diff:+.1f} [{p.rmst_low:+.1f}, {p.rmst_high:+.1f}]"})
    return rows


def progress_text(p: Paired) -> str:
    width = "" if math.isnan(p.low) else f"; interval ±{p.half_width:.1f} points (target ±{p.target:g})"
    return f"{p.n} of at most {p.cap} pairs run{width}"
