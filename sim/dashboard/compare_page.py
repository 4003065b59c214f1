"""The Compare tab (a Solara component): your design against the reference, over many runs.

The runs come from the server's shared store (:mod:`sim.dashboard.outcomes`): a run made for
one student, or for an earlier comparison, is not made again.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

import solara
import solara.lab

from sim.dashboard import charts
from sim.dashboard import compare as CMP
from sim.dashboard import components as C
from sim.dashboard.controls import Design
from sim.dashboard.outcomes import shared
from sim.dashboard.widgets import Chart, as_json
from sim.dashboard.words import CHANCE_EXPLAINED, POINTS_EXPLAINED, RUNS_EXPLAINED, WORLDS_EXPLAINED


@solara.component
def CompareCharts(p: CMP.Paired, dark: bool):
    diff = solara.use_memo(lambda: as_json(charts.difference(p.diff, p.low, p.high, f"{p.n} pairs of runs", dark)),
                           [id(p), dark])
    surv = solara.use_memo(lambda: as_json(charts.survival(p.curves, p.horizon, dark)), [id(p), dark])
    with solara.Row(style={"flex-wrap": "wrap"}):
        Chart(diff, "difference", height=210, flex="1 1 100%",
              label=f"Difference in the risk of a renewed attack: {CMP.verdict(p)}")
        Chart(surv, "survival", height=380, flex="1 1 100%",
              label="Share of runs with no renewed attack yet, week by week, for both designs.")


@solara.component
def OpenRuns(p: CMP.Paired, open_seed: Callable[[int], None]):
    """Runs where only one design was attacked: open one in the story to see why."""
    for seeds, who in ((p.design_attacked, "only your design"), (p.reference_attacked, "only the reference")):
        if not seeds:
            continue
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["open-runs"]):
            solara.Text(f"Runs where {who} was attacked ({len(seeds)}): open one in the story:",
                        classes=["pg-notice"])
            for seed in seeds[:6]:
                solara.Button(f"run {seed}", on_click=lambda s=seed: open_seed(s), text=True, classes=["open-run"])


@solara.component
def WorldsRange(design: Design, reference: Design, horizon: int):
    """The difference across plausible worlds (the model's own uncertainty), on demand: it takes many runs."""
    result = solara.use_reactive(None)  # ((design key, reference key, horizon), Worlds)
    runs = solara.use_reactive((0, 0))
    asked = (design.key, reference.key, horizon)

    def run():
        cancel = threading.Event()
        last_tick = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last_tick[0] > 0.2 or done == total:
                last_tick[0] = now
                runs.set((done, total))
            if not task.is_current():
                cancel.set()

        got = CMP.across_worlds(design, reference, shared(), horizon=horizon, cancel=cancel, progress=progress)
        if got is not None and task.is_current():
            result.set((asked, got))
        return got

    task = solara.lab.use_task(run, dependencies=None, prefer_threaded=True, raise_error=False)
    with solara.Card("Range across plausible worlds", classes=["worlds-card"]):
        if CMP.posterior_path() is None:
            solara.Text("Not available: this server has no posterior file of the calibration (a teacher starts it "
                        "with --posterior).", classes=["pg-notice", "worlds-text"])
            return
        solara.Text(WORLDS_EXPLAINED, classes=["pg-notice"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(f"Run both designs in {CMP.WORLDS} plausible worlds ({CMP.WORLD_PAIRS} pairs each)",
                          on_click=task, disabled=task.pending, outlined=True, classes=["run-worlds"])
            if task.pending:
                solara.Button("Stop", on_click=task.cancel, outlined=True, classes=["stop-worlds"])
        if task.pending:
            done, total = runs.value
            solara.ProgressLinear(value=100.0 * done / total if total else True)
            solara.Text(f"Running: {done} of {total} runs ready.", classes=["worlds-progress"])
        if task.error:
            solara.Error(f"The plausible worlds failed: {task.exception}")
        if result.value is not None:
            made_for, worlds = result.value
            if made_for != asked:
                solara.Warning("Pending change: this range was made for other designs or another horizon; run it "
                               "again to update.", classes=["worlds-pending"])
            solara.Text(CMP.worlds_text(worlds), classes=["worlds-text"])
            runs = 2 * len(worlds.diffs) * worlds.pairs
            solara.Text(CMP.runs_text(runs - worlds.runs_made, worlds.runs_made), classes=["pg-notice", "worlds-runs"])


@solara.component
def ComparePage(design: Design, reference: Design | None, dark: bool, open_seed: Callable[[int], None]):
    target = solara.use_reactive(CMP.DEFAULT_TARGET)
    cap = solara.use_reactive(CMP.DEFAULT_CAP)
    horizon = solara.use_reactive(min(260, design.scenario.horizon_weeks))
    latest = solara.use_reactive(None)
    ran_for = solara.use_reactive(None)
    runs = solara.use_reactive((0, 0))  # (runs ready, runs this look)
    took = solara.use_reactive(None)

    def run():
        if reference is None:
            return None
        cancel = threading.Event()
        ran_for.set((design.key, reference.key, horizon.value))
        latest.set(None)
        took.set(None)
        start = time.perf_counter()
        last_tick = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last_tick[0] > 0.2 or done == total:  # at most five updates a second
                last_tick[0] = now
                runs.set((done, total))
            if not task.is_current():
                cancel.set()

        for state in CMP.adaptive(design, reference, shared(), horizon=horizon.value, target=target.value,
                                  cap=cap.value, cancel=cancel, progress=progress):
            if not task.is_current():
                return None
            latest.set(state)
        took.set(time.perf_counter() - start)
        return latest.value

    task = solara.lab.use_task(run, dependencies=None, prefer_threaded=True, raise_error=False)
    if reference is None:
        solara.Info("Choose a reference design in the sidebar to compare with.")
        return
    same = design.key == reference.key
    solara.Text(f"Is your design ({design.label}) safer than the reference ({reference.label})? "
                f"{RUNS_EXPLAINED} Pairs of runs are added until the 95% interval of the difference is narrower "
                "than the target, or the difference is clear, or the cap is reached.", classes=["compare-intro"])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Select("Horizon", values=[CMP.horizon_words(h) for h in CMP.HORIZONS
                                         if h <= design.scenario.horizon_weeks],
                      value=CMP.horizon_words(horizon.value),
                      on_value=lambda t: horizon.set(next(h for h in CMP.HORIZONS if CMP.horizon_words(h) == t)),
                      style={"max-width": "230px"}, classes=["compare-horizon"])
        targets = {f"±{t:g} percentage points": t for t in CMP.TARGETS}
        solara.Select("Target: width of the interval", values=list(targets), value=f"±{target.value:g} percentage points",
                      on_value=lambda t: target.set(targets[t]), style={"max-width": "280px"}, classes=["compare-target"])
        solara.Select("Cap: pairs of runs at most", values=list(CMP.CAPS), value=cap, style={"max-width": "200px"},
                      classes=["compare-cap"])
        solara.Button("Run comparison", color="primary", on_click=task, disabled=task.pending or same,
                      classes=["run-comparison"])
        if task.pending:
            solara.Button("Stop", on_click=task.cancel, outlined=True, classes=["stop-comparison"])
    solara.Text(f"{POINTS_EXPLAINED} {CHANCE_EXPLAINED}", classes=["pg-notice", "compare-terms"])
    if same:
        solara.Info("Your design is the reference itself: change a lever, or choose another reference.")
    p = latest.value
    if task.pending:
        done, total = runs.value
        solara.ProgressLinear(value=100.0 * done / total if total else True)
        solara.Text(f"Running: {done} of {total} runs ready for this look"
                    + (f"; {CMP.progress_text(p)}" if p is not None else "")
                    + ". Runs made for any student are kept, so a later comparison reuses them. "
                      "The story stays usable meanwhile.", classes=["comparison-progress"])
    if task.error:
        solara.Error(f"The comparison failed: {task.exception}")
    if p is None:
        if not task.pending:
            solara.Text("Press 'Run comparison'. Try: set Commitments (G0, G4) to 'political only'; the reference "
                        "stays Paris declaration.", classes=["pg-notice"])
        if not same:  # keyed: a range being made survives a new comparison
            WorldsRange(design, reference, horizon.value).key("worlds-range")
        return
    if ran_for.value is not None and ran_for.value != (design.key, reference.key, horizon.value) and not task.pending:
        solara.Warning(f"Pending change: this result compares '{p.design}' with '{p.reference}' over "
                       f"{CMP.horizon_words(p.horizon)}; the levers, reference or horizon have changed since. Press "
                       "'Run comparison' to update.", classes=["pending-change"])
    if p.finished:
        done_text = f"Done: {p.n} pairs of runs, stopped because {p.reason}."
        if took.value is not None:
            done_text += f" ({took.value:.1f} s)"
    elif task.pending:
        done_text = "So far: " + CMP.progress_text(p) + "."
    else:
        done_text = f"Stopped by you at {p.n} pairs of runs: the interval is wider than the target."
    if too_wide := CMP.target_too_wide(p):
        solara.Warning(too_wide, classes=["target-too-wide"])
    with solara.Card("Verdict" if p.finished else "Verdict so far", classes=["verdict-card"]):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{C.e(CMP.verdict(p))}</b>", classes=["verdict"])
        solara.Text(done_text, classes=["pg-notice", "comparison-status"])
        if p.finished:
            solara.Text(CMP.runs_text(p.runs_ready, p.runs_made), classes=["pg-notice", "comparison-runs"])
        C_table = C.table_html(CMP.table_rows(p), "comparison-table")
        solara.HTML(tag="div", unsafe_innerHTML=C_table)
        solara.Text(f"Renewed attack: a run in which Russia launched a renewed armed attack within "
                    f"{CMP.horizon_words(p.horizon)}. Difference: your design minus the reference, pair by pair "
                    f"(Newcombe's 95% interval, from chance only); McNemar's exact test {CMP.p_text(p.p_value)} "
                    f"({p.only_design} pairs where only your design was attacked, {p.only_reference} where only the "
                    f"reference was). Runs 0 to {p.n - 1}: run k is the story with seed k. The interval leaves out the "
                    "model's own uncertainty: see the range across plausible worlds under the charts.",
                    classes=["pg-notice", "compare-notes"])
        OpenRuns(p, open_seed)
    CompareCharts(p, dark)
    WorldsRange(design, reference, p.horizon).key("worlds-range")  # keyed: kept while the page around it changes
