"""The Compare page's statistics: is your design safer than the reference? A paired answer.

Run ``k`` of both designs uses seed ``k`` (common random numbers: the two runs of a pair
meet the same luck, so their difference comes from the design; run ``k`` is also the story
with seed ``k``). The page reports, for a horizon of H weeks (weeks 0 to H-1), each
design's share of runs with a renewed armed attack, the paired difference (your design
minus the reference, in percentage points) with Newcombe's paired 95% interval and an exact
McNemar test, and the difference in weeks without an attack, from
``sim.experiments.tables.paired_differences`` (the sweep's own statistics), in one
sentence whose numbers and signs are the table's.

Pairs are added in steps (:data:`STEPS`) until the interval is narrower than the target,
or the difference is clear (the interval excludes zero and is narrower than a third of the
difference), or the cap is reached; with such sequential stopping the 95% is nominal. The
interval is from chance alone (run-to-run luck), not from the model's assumptions.

The model's own uncertainty is shown apart, on demand: :func:`across_worlds` runs both designs
in plausible worlds (equally weighted draws of the fitted constants from the calibration's
posterior, the same draws for everyone) and reports the paired difference world by world.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from sim.config import Scenario
from sim.config.overrides import apply_overrides
from sim.config.posterior import as_overrides, load_posterior
from sim.dashboard.controls import Design
from sim.dashboard.outcomes import ATTACK_WEEK, TERRITORY, Outcomes, Tally, at_horizon
from sim.experiments.statistics import km_survival, wilson_interval
from sim.experiments.tables import paired_differences

HORIZONS = (52, 104, 156, 260)
TARGETS = (0.5, 1.0, 2.0, 5.0)  # half-width of the interval, percentage points
DEFAULT_TARGET = 1.0
CAPS = (500, 1000, 2000)  # pairs
DEFAULT_CAP = 2000
STEPS = tuple(range(100, 2001, 100))  # pairs after each look
# Plausible worlds: parameter sets drawn from the calibration's posterior (the fitted constants), each run
# for both designs on the same seeds; the range of the difference across them is the model's own uncertainty.
WORLDS = 10
WORLD_PAIRS = 200
WORLD_SEED = 20260106  # which draws: the same worlds for every student and every pair of designs
ENV_POSTERIOR = "PARIS_SIM_DASHBOARD_POSTERIOR"
CALIBRATION_POSTERIOR = Path(__file__).resolve().parents[1] / "library" / "calibration" / "plausible.csv"  # the shipped plausible set


def horizon_words(weeks: int) -> str:
    """'5 years (weeks 0-259)': the same words as the story's week counter."""
    years = weeks / 52
    span = f"{years:g} year{'s' if years != 1 else ''}" if abs(years - round(years)) < 1e-9 else f"{weeks} weeks"
    return f"{span} (weeks 0-{weeks - 1})"


def pct(k: int, n: int) -> str:
    """One format for a share everywhere (table, chart, sentence): '6.5% (13 of 200 runs)'."""
    return f"{100.0 * k / n:.1f}% ({k} of {n} runs)" if n else "no runs"


def pp(x: float) -> str:
    """A signed difference in percentage points: '-25.6 pp', '+0.3 pp'."""
    return f"{x:+.1f} pp".replace("-", "−")


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


@dataclass(frozen=True)
class Worlds:
    """The paired difference (percentage points, your design minus the reference) in each plausible world."""

    diffs: tuple[float, ...]
    pairs: int  # pairs of runs in each world (seeds 0 to pairs-1)
    chance: float  # median half-width of a world's own 95% interval from chance
    runs_made: int = 0  # runs made for it (the others were ready: made earlier or shipped with the model)

    @property
    def low(self) -> float:
        return min(self.diffs)

    @property
    def high(self) -> float:
        return max(self.diffs)


@dataclass
class Paired:
    """The state of a paired comparison after some pairs."""

    design: str
    reference: str
    horizon: int
    target: float
    cap: int
    n: int = 0
    escalated: int = 0
    escalated_reference: int = 0
    only_design: int = 0
    only_reference: int = 0
    diff: float = math.nan  # percentage points, your design minus the reference
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
    # the model's other outcome levels: an armed attack of any size (a limited offensive or worse), territory seized
    armed: int = 0
    armed_reference: int = 0
    armed_diff: float = math.nan  # percentage points, paired
    armed_low: float = math.nan
    armed_high: float = math.nan
    territory: float = math.nan  # mean % of Ukraine seized at the end of the run
    territory_reference: float = math.nan
    design_attacked: list[int] = field(default_factory=list)  # seeds where only your design was attacked
    reference_attacked: list[int] = field(default_factory=list)  # seeds where only the reference was
    runs_ready: int = 0  # runs of this comparison found made (earlier on this server, on disk, or shipped)
    runs_made: int = 0  # runs it had to make

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0

    @property
    def risk(self) -> float:
        return 100.0 * self.escalated / self.n if self.n else math.nan

    @property
    def risk_reference(self) -> float:
        return 100.0 * self.escalated_reference / self.n if self.n else math.nan


def _paired(ea: np.ndarray, sa: np.ndarray, eb: np.ndarray, sb: np.ndarray, horizon: int) -> pd.Series:
    n = len(ea)
    runs = pd.DataFrame({"design_point": ["design"] * n + ["reference"] * n,
                         "replicate": list(range(n)) * 2,
                         "escalated": np.concatenate([ea, eb]),
                         "survival_weeks": np.concatenate([sa, sb]),
                         "horizon_weeks": horizon})
    return paired_differences(runs, "reference").iloc[0]


def summarize(a: np.ndarray, b: np.ndarray, state: Paired, *, curves: bool = True) -> Paired:
    """Fill ``state`` from the outcomes of runs 0..n-1 of both designs (rows of ``outcomes.FIELDS``)."""
    n = len(a)
    ea, sa = at_horizon(a, state.horizon)
    eb, sb = at_horizon(b, state.horizon)
    d = _paired(ea, sa, eb, sb, state.horizon)
    aa, asa = at_horizon(a, state.horizon, ATTACK_WEEK)
    ab, asb = at_horizon(b, state.horizon, ATTACK_WEEK)
    armed = _paired(aa, asa, ab, asb, state.horizon)
    state.armed, state.armed_reference = int(aa.sum()), int(ab.sum())
    state.armed_diff, state.armed_low, state.armed_high = (100.0 * float(armed[c]) for c in
                                                           ("diff_escalation", "diff_low", "diff_high"))
    state.territory = float(a[:, TERRITORY].mean()) / 100.0 if n else math.nan
    state.territory_reference = float(b[:, TERRITORY].mean()) / 100.0 if n else math.nan
    state.n = int(d["pairs"])
    state.escalated, state.escalated_reference = int(ea.sum()), int(eb.sum())
    state.only_design, state.only_reference = int(d["only_design_escalated"]), int(d["only_reference_escalated"])
    state.diff, state.low, state.high = (100.0 * float(d[c]) for c in ("diff_escalation", "diff_low", "diff_high"))
    state.p_value = float(d["p_value"])
    state.rmst, state.rmst_reference = float(d["rmst_weeks"]), float(d["rmst_weeks_reference"])
    state.rmst_diff, state.rmst_low, state.rmst_high = (float(d[c]) for c in
                                                        ("diff_rmst_weeks", "diff_rmst_low", "diff_rmst_high"))
    state.design_attacked = [int(k) for k in np.flatnonzero(ea & ~eb)]
    state.reference_attacked = [int(k) for k in np.flatnonzero(eb & ~ea)]
    if curves:
        weeks = list(range(0, state.horizon + 1))
        state.curves = []
        for label, esc, surv in ((state.design, ea, sa), (state.reference, eb, sb)):
            km = km_survival(surv, esc, weeks, horizon=state.horizon)
            state.curves.append({"label": f"{label}: {pct(int(esc.sum()), n)} attacked", "weeks": weeks,
                                 "survival": km["survival"].tolist(), "low": km["low"].tolist(),
                                 "high": km["high"].tolist()})
    return state


def stop_reason(p: Paired) -> str:
    """Why to stop after this look, or '' to add pairs."""
    if p.n >= 100 and p.half_width <= p.target:
        return f"the interval is narrower than ±{p.target:g} percentage points"
    if p.n >= 100 and (p.low > 0 or p.high < 0) and p.half_width <= abs(p.diff) / 3:
        return "the difference is clear (the interval excludes zero and is narrow beside the difference)"
    if p.n >= p.cap:
        return f"the cap of {p.cap} pairs is reached"
    return ""


def adaptive(design: Design, reference: Design, outcomes: Outcomes, *, horizon: int, target: float, cap: int,
             cancel: threading.Event | None = None,
             progress: Callable[[int, int], None] | None = None) -> Iterator[Paired]:
    """Add pairs in steps; yield the comparison after each; stop when precise enough, clear, or at the cap.

    ``progress(runs done, runs this look)`` as the pool finishes chunks (both designs together)."""
    state = Paired(design.label, reference.label, horizon, target, cap)
    tally = Tally()  # runs made over every look
    for n in [s for s in STEPS if s < cap] + [cap]:
        rows = outcomes.ensure_all([(design.scenario, range(n)), (reference.scenario, range(n))], cancel=cancel,
                                   progress=progress, tally=tally)
        if rows is None:
            return
        state.runs_made = tally.made
        state.runs_ready = 2 * n - tally.made
        summarize(rows[0], rows[1], state, curves=False)
        state.reason = stop_reason(state)
        state.finished = bool(state.reason)
        summarize(rows[0], rows[1], state)
        yield state
        if state.finished:
            return
        state = replace(state, curves=[])  # a new object: the page sees a change


def verdict(p: Paired) -> str:
    """One plain sentence with the table's numbers and signs: which design is safer, or what is ruled out."""
    if math.isnan(p.low):
        return "Not enough runs yet."
    within = f"within {horizon_words(p.horizon)}"
    risks = (f"your design's risk of a renewed attack {within} is {p.risk:.1f}%, the reference's "
             f"({p.reference}) {p.risk_reference:.1f}%")
    diff = (f"a difference of {pp(p.diff)} (your design minus the reference; 95% interval from chance "
            f"{pp(p.low)} to {pp(p.high)}, {p.n} pairs of runs)")
    if p.high < 0:
        return f"Your design is safer: {risks}, {diff}."
    if p.low > 0:
        return f"The reference is safer: {risks}, {diff}."
    bound = max(abs(p.low), abs(p.high))
    return (f"No difference detected: {risks}, {diff}. A difference larger than {bound:.1f} percentage points "
            "either way is ruled out.")


def wilson_pct(k: int, n: int) -> str:
    lo, hi = wilson_interval(k, n)
    return f"{100 * lo:.1f}% to {100 * hi:.1f}%"


def table_rows(p: Paired) -> list[dict[str, str]]:
    """The comparison table: one share format, readable names, the sentence's signs. Columns: the verdict's
    outcome (a renewed armed attack: the war again) and the model's other two levels (an armed attack of
    any size; the territory seized at the end of the run)."""
    col = f"renewed attack within weeks 0-{p.horizon - 1}"
    armed = "armed attack of any size (a limited offensive or worse)"
    land = "territory seized at the end (mean, % of Ukraine)"
    rows = []
    for label, k, rmst, a, t in ((p.design, p.escalated, p.rmst, p.armed, p.territory),
                                 (p.reference, p.escalated_reference, p.rmst_reference, p.armed_reference,
                                  p.territory_reference)):
        rows.append({"design": label, col: pct(k, p.n), "95% interval from chance": wilson_pct(k, p.n),
                     "mean weeks without attack": f"{rmst:.1f} of {p.horizon}", armed: pct(a, p.n),
                     land: f"{t:.2f}%"})
    rows.append({"design": "difference: your design minus the reference (paired)",
                 col: pp(p.diff), "95% interval from chance": f"{pp(p.low)} to {pp(p.high)}",
                 "mean weeks without attack": f"{p.rmst_diff:+.1f} ({p.rmst_low:+.1f} to {p.rmst_high:+.1f})"
                 .replace("-", "−"),
                 armed: f"{pp(p.armed_diff)} ({pp(p.armed_low)} to {pp(p.armed_high)})",
                 land: f"{p.territory - p.territory_reference:+.2f} pp".replace("-", "−")})
    return rows


def target_too_wide(p: Paired) -> str | None:
    """A warning when the target is no narrower than both risks: such an interval cannot tell them apart."""
    if not p.n or p.target < max(p.risk, p.risk_reference):
        return None
    return (f"The target (±{p.target:g} percentage points) is wider than both risks ({p.risk:.1f}% and "
            f"{p.risk_reference:.1f}%): an interval that wide cannot tell such small risks apart. Choose a finer target.")


def runs_text(ready: int, made: int) -> str:
    """Where a result's runs came from: 'All 600 runs were ready ...' or '412 runs made now, 188 were ready.'"""
    if not made:
        return (f"All {ready} runs were ready (made earlier on this server or shipped with the model): "
                "none had to be made.")
    return f"{made} runs made now, {ready} were ready (made earlier on this server or shipped with the model)."


def progress_text(p: Paired) -> str:
    width = "" if math.isnan(p.low) else (f"; interval ±{p.half_width:.1f} percentage points "
                                          f"(target ±{p.target:g})")
    return f"{p.n} pairs of runs so far, at most {p.cap}{width}"


def posterior_path() -> Path | None:
    """The posterior file the plausible worlds are drawn from: the server's (``--posterior``), else the
    calibration's own when the dashboard runs from the repository; None when there is none."""
    given = os.environ.get(ENV_POSTERIOR)
    if given:
        return Path(given)
    return CALIBRATION_POSTERIOR if CALIBRATION_POSTERIOR.is_file() else None


def world_scenarios(scenario: Scenario, worlds: int | None = None, posterior: Path | None = None) -> list[Scenario]:
    """``scenario`` in each of ``worlds`` (default :data:`WORLDS`) plausible worlds: its fitted constants set to
    one draw from the posterior."""
    worlds = worlds or WORLDS
    path = posterior or posterior_path()
    if path is None:
        raise FileNotFoundError("no posterior file: start the server with --posterior")
    return [apply_overrides(scenario, as_overrides(draw), "posterior")
            for draw in load_posterior(path).draws(worlds, WORLD_SEED)]


def across_worlds(design: Design, reference: Design, outcomes: Outcomes, *, horizon: int, worlds: int | None = None,
                  pairs: int | None = None, posterior: Path | None = None, cancel: threading.Event | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Worlds | None:
    """Both designs in ``worlds`` plausible worlds (equally weighted draws from the posterior), ``pairs`` paired
    runs in each (defaults :data:`WORLDS`, :data:`WORLD_PAIRS`): the difference in the risk of a renewed attack
    world by world. None if cancelled."""
    pairs = pairs or WORLD_PAIRS
    requests = []
    for a, b in zip(world_scenarios(design.scenario, worlds, posterior),
                    world_scenarios(reference.scenario, worlds, posterior)):
        requests += [(a, range(pairs)), (b, range(pairs))]
    tally = Tally()
    rows = outcomes.ensure_all(requests, cancel=cancel, progress=progress, tally=tally)
    if rows is None:
        return None
    states = [summarize(rows[i], rows[i + 1], Paired(design.label, reference.label, horizon, 0.0, pairs), curves=False)
              for i in range(0, len(rows), 2)]
    return Worlds(tuple(st.diff for st in states), pairs, float(np.median([st.half_width for st in states])),
                  tally.made)


def worlds_text(w: Worlds) -> str:
    """One sentence, with the verdict's signs and units."""
    return (f"Across {len(w.diffs)} plausible worlds (sets of the model's fitted constants that the calibration "
            f"finds consistent with the historical record), the difference runs from {pp(w.low)} to {pp(w.high)} "
            f"(your design minus the reference; {w.pairs} pairs of runs in each world, so chance alone moves each "
            f"world's figure by about ±{w.chance:.1f} percentage points).")
