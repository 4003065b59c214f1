"""The dashboard page (Solara): ``python -m sim dashboard`` or ``solara run sim/dashboard/app.py``.

A lever, the seed or the reference changes -> both designs run for the whole
horizon at once (about 40 ms each, cached) -> the week slider scrubs through the
finished story (each week with its date), or plays it back. Tabs:

* **Story**: the story charts (your design solid, the reference dashed, same seed):
  Russia's ladder, believed resolve, the balance of strength, the force, sanctions and
  members' resolve with the political events marked; the timeline of what Russia did
  (its intent as a band) next to what monitoring saw (indicators, warnings); the
  coalition at the week shown (legal status, responses, changes of government, US
  roles), the force by nation, the event log, the design card, a glossary and the clauses;
* **Commission's chain**: one row a violation, from the violation to the states'
  responses, with filters; Ukraine's violations and misattributions apart;
* **Compare designs**: paired replicates of your design against the reference,
  with a verdict.
"""

from __future__ import annotations

import json
import os
import threading
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
# Solara warns, at every page load, that cookies on plain http fall back to samesite=lax:
# expected on a local server, and 16 lines of it per load hid everything else.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)

import ipyvuetify  # noqa: E402
import solara  # noqa: E402
import solara.lab  # noqa: E402
import solara.server.settings  # noqa: E402
import traitlets  # noqa: E402

from sim.dashboard import charts  # noqa: E402
from sim.dashboard import components as C  # noqa: E402
from sim.dashboard import compare as CMP  # noqa: E402
from sim.dashboard.controls import (  # noqa: E402
    AS_SCENARIO,
    BASELINE,
    CONTROLS,
    SEED_MAX,
    Design,
    build_design,
    default_controls,
    design_rows,
    effect,
    named_design,
    scenario,
    scenario_names,
    scenario_title,
)
from sim.dashboard.story import LANES, Story, chain_at, run_story, series_info  # noqa: E402

solara.server.settings.theme.show_banner = False  # its "runs on Solara" badge covered the member tiles

TITLE = "Paris guarantees for Ukraine: how deterrence holds, week by week"
NO_REFERENCE = "none"
SPEEDS = {"slow: 4 weeks a second": 4.0, "normal: 12 weeks a second": 12.0, "fast: 30 weeks a second": 30.0}
TICK = 0.08  # seconds between frames of the play-back at most
ACTORS = ("all", "Russia", "Ukraine", "false alarms")
LEVELS = ("all", "probe", "limited", "major")
CLAUSES = ("all", "A", "P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1")

_CACHE: OrderedDict[tuple, Story] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def story_for(design: Design, seed: int) -> Story:
    """The finished run of a design and seed (a few recent ones kept: going back is instant)."""
    key = (design.key, int(seed))
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    story = run_story(design.scenario, int(seed), design.label)
    with _CACHE_LOCK:
        _CACHE[key] = story
        while len(_CACHE) > 48:
            _CACHE.popitem(last=False)
    return story


# --------------------------------------------------------------------------- #
# Pieces of the page
# --------------------------------------------------------------------------- #
@solara.component
def Html(text: str, classes: list[str] | None = None):
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=classes or [])


class EchartsJson(ipyvuetify.VuetifyTemplate):
    """An ECharts figure fed its option as a JSON string (see echarts.vue)."""

    template_file = (__file__, "echarts.vue")
    option_json = traitlets.Unicode("{}").tag(sync=True)
    attributes = traitlets.Dict(default_value=None, allow_none=True).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings

        return None if solara.settings.assets.proxy else solara.settings.assets.cdn


def as_json(option: dict) -> str:
    # numpy scalars (pandas values) become Python numbers; a NaN is an error, not broken JSON
    return json.dumps(option, separators=(",", ":"), allow_nan=False, default=lambda o: o.item())


@solara.component
def Chart(option_json: str, name: str, height: int = 330, flex: str = "1 1 560px"):
    """A chart; its option comes as JSON, so Solara never walks thousands of points to diff it."""
    with solara.Div(classes=["chart", f"chart-{name}"], style={"flex": flex, "min-width": "380px"}):
        EchartsJson.element(option_json=option_json, attributes={"style": f"height: {height}px; width: 100%;"})


@dataclass(frozen=True)
class Levers:
    """What the sidebar holds, as one value (one change, one render): the scenario, the lever
    settings, the last valid design built from them, and the message if the settings are not allowed."""

    scenario_name: str
    controls: dict
    applied: Design
    error: str | None = None

    @classmethod
    def of(cls, name: str) -> Levers:
        controls = default_controls(name)
        return cls(name, controls, build_design(name, controls)[0])

    def with_lever(self, lever: str, value: Any) -> Levers:
        controls = {**self.controls, lever: value}
        design, message = build_design(self.scenario_name, controls)
        return Levers(self.scenario_name, controls, design or self.applied, message)


@solara.component
def Sidebar(state, seed, reference):
    titles = {scenario_title(n): n for n in scenario_names()}
    st: Levers = state.value
    applied = st.applied

    def set_lever(name: str, value: Any) -> None:
        state.set(state.value.with_lever(name, value))

    def set_scenario(title: str) -> None:
        state.set(Levers.of(titles[title]))

    def reset_levers() -> None:
        state.set(Levers.of(state.value.scenario_name))

    s = applied.scenario
    solara.HTML(tag="div", unsafe_innerHTML="<b>Your design</b> (solid lines)")
    solara.Select("Scenario", values=list(titles), value=scenario_title(st.scenario_name),
                  on_value=set_scenario, classes=["lever-scenario"])
    for c in CONTROLS:
        v = st.controls[c.name]
        with solara.Tooltip(c.help):
            with solara.Div(classes=["lever", f"lever-{c.name}"], style={"margin-bottom": "6px"}):
                if c.kind == "Select":
                    solara.Select(c.label, values=list(c.choices), value=v,
                                  on_value=lambda x, n=c.name: set_lever(n, x))
                    if v == AS_SCENARIO:
                        solara.Text(f"in effect: {effect(c, s)}", classes=["pg-notice"])
                else:
                    solara.SliderFloat(f"{c.label}: {float(v):g}", value=float(v), min=c.min, max=c.max,
                                       step=c.step, on_value=lambda x, n=c.name: set_lever(n, round(float(x), 6)))
    def set_seed(value: int | None) -> None:
        if value is not None and 0 <= int(value) <= SEED_MAX:
            seed.set(int(value))

    with solara.Tooltip("Fixes the dice: both designs run with this seed, so they meet the same luck."):
        with solara.Div(classes=["lever-seed"]):
            solara.InputInt(f"Seed (0-{SEED_MAX})", value=seed.value, on_value=set_seed, continuous_update=False)
    with solara.Row():
        solara.Button("Reset levers", on_click=reset_levers, outlined=True, classes=["reset-levers"])
        solara.Button("Next seed", on_click=lambda: seed.set((seed.value + 1) % (SEED_MAX + 1)), outlined=True,
                      classes=["next-seed"])
    refs = [NO_REFERENCE, *titles]
    solara.Select("Reference design (dashed; baseline of Compare)", values=refs,
                  value=reference.value if reference.value == NO_REFERENCE else scenario_title(reference.value),
                  on_value=lambda t: reference.set(t if t == NO_REFERENCE else titles[t]),
                  classes=["lever-reference"])
    if st.error:
        solara.Error(f"Not applied: {st.error} The story still shows your last valid design "
                     f"({applied.label}).", text=True, dense=True, outlined=True, classes=["config-error"])
    solara.Text("A change applies at once: both designs are run for the whole horizon (about 40 ms each) "
                "with the same seed. Scrub or play the weeks above the charts. Hover a lever for what it does.",
                classes=["pg-notice"])


@solara.component
def ScrubBar(week, playing, speed, last: int, date_of):
    w = last if week.value is None else min(week.value, last)

    def toggle() -> None:
        if playing.value:
            playing.set(False)
            return
        if w >= last:
            week.set(0)
        playing.set(True)

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["scrub-bar"]):
        solara.Button("❚❚ Pause" if playing.value else "▶ Play", on_click=toggle, color="primary",
                      classes=["play-button"])
        solara.Button("« Week 0", on_click=lambda: (playing.set(False), week.set(0)), outlined=True,
                      classes=["to-start"])
        solara.Button("End »", on_click=lambda: (playing.set(False), week.set(last)), outlined=True,
                      classes=["to-end"])
        with solara.Div(classes=["week-slider"], style={"flex": "1 1 360px", "min-width": "260px"}):
            solara.SliderInt(f"Week {w} · {date_of(w)}", value=w, min=0, max=last, on_value=week.set)
        solara.Select("Play speed", values=list(SPEEDS), value=speed, style={"max-width": "230px"})


@solara.component
def StoryTab(a: Story, b: Story | None, w: int, dark: bool, applied: Design, reference: str):
    lane = solara.use_reactive("all events")
    extra = charts.extra_columns(a)
    labels = {series_info(c).label: c for c in extra}
    measure = solara.use_reactive(next(iter(labels), ""))
    ids = [id(a), id(b), w, dark]
    ladder = solara.use_memo(lambda: as_json(charts.ladder(a, b, w, dark)), ids)
    resolve = solara.use_memo(lambda: as_json(charts.resolve(a, b, w, dark)), ids)
    balance = solara.use_memo(lambda: as_json(charts.balance(a, b, w, dark)), ids)
    force = solara.use_memo(lambda: as_json(charts.force(a, b, w, dark)), ids)
    sanctions = solara.use_memo(lambda: as_json(charts.sanctions(a, b, w, dark)), ids)
    timeline = solara.use_memo(lambda: as_json(charts.timeline(a, w, dark)), [id(a), w, dark])
    split = C.divergence_week(a, b)
    if b is not None:
        text = ("Your design and the reference are the same design: change a lever to see where they part."
                if applied.key == named_design(reference).key else
                "The two designs do not differ in this run." if split is None else
                f"The two designs part in week {split} (same seed: until then they met the same luck).")
        solara.Text(text, classes=["divergence"])
    with solara.Row(style={"flex-wrap": "wrap"}):
        Chart(ladder, "ladder")
        Chart(resolve, "resolve")
        Chart(balance, "balance")
        Chart(force, "force")
        Chart(sanctions, "sanctions")
    Chart(timeline, "timeline", height=400, flex="1 1 100%")
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card(f"The coalition at week {w} ({a.date_of(w)})",
                         style={"flex": "2 1 560px"}, classes=["tiles-card"]):
            roles = str(a.steps.at[w, "us_roles"]) if "us_roles" in a.steps.columns else None
            Html(C.tiles_html(a.members, w, roles))
        with solara.Card("The designs, lever by lever", style={"flex": "1 1 380px"}, classes=["design-card"]):
            base = scenario(applied.base_name)
            rows_b = design_rows(named_design(reference).scenario, base) if b is not None else None
            Html(C.design_card_html(design_rows(applied.scenario, base), rows_b, "your design",
                                    "reference" if b is not None else None))
            solara.Text(f"Your design: {applied.label}. '(your change)' marks a lever that differs from "
                        f"{scenario_title(applied.base_name)}.", classes=["pg-notice"])
    with solara.Card(f"The Multinational Force by nation (G3) at week {w}", classes=["force-card"]):
        Html(C.force_html(a, w))
    with solara.Card("Event log of your design", classes=["log-card"]):
        solara.Select("Show", values=["all events", *LANES], value=lane, style={"max-width": "360px"})
        Html(C.event_log_html(a, w, None if lane.value == "all events" else lane.value))
    if labels:
        with solara.Card("More measures", classes=["measures-card"]):
            solara.Select("Measure", values=list(labels), value=measure, style={"max-width": "420px"})
            MeasureChart(a, b, labels.get(measure.value, extra[0]), w, dark)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card("Glossary", style={"flex": "1 1 520px"}, classes=["glossary-card"]):
            Html(C.glossary_html())
        with solara.Card("Clauses of the Paris Declaration", style={"flex": "1 1 420px"}):
            Html(C.clause_legend_html())


@solara.component
def MeasureChart(a: Story, b: Story | None, column: str, w: int, dark: bool):
    option = solara.use_memo(lambda: as_json(charts.measure(a, b, column, w, dark)), [id(a), id(b), column, w, dark])
    Chart(option, "measure", height=300, flex="1 1 100%")


@solara.component
def CompareCharts(p: CMP.Paired, dark: bool):
    diff = solara.use_memo(lambda: as_json(charts.difference(p.diff, p.low, p.high, f"n = {p.n} pairs", dark)),
                           [id(p), dark])
    surv = solara.use_memo(lambda: as_json(charts.survival(p.curves, p.horizon, dark)), [id(p), dark])
    with solara.Row(style={"flex-wrap": "wrap"}):
        Chart(diff, "difference", height=200, flex="1 1 100%")
        Chart(surv, "survival", height=380, flex="1 1 100%")


@solara.component
def ChainTab(a: Story, b: Story | None, w: int):
    actor = solara.use_reactive("all")
    level = solara.use_reactive("all")
    clause = solara.use_reactive("all")
    which = solara.use_reactive("your design")
    story = b if (which.value == "reference" and b is not None) else a
    known = chain_at(story.chain, w)
    rows = C.filter_chain(known, actor.value, level.value, clause.value)
    solara.Text(f"The commission's chain up to week {w}: each row follows one violation (or false alarm) from what "
                "happened to who answered, with the week of each stage.", classes=["chain-intro"])
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}, classes=["chain-filters"]):
        solara.Select("Design", values=["your design", "reference"] if b is not None else ["your design"],
                      value=which, style={"max-width": "180px"})
        solara.Select("Actor", values=list(ACTORS), value=actor, style={"max-width": "160px"})
        solara.Select("Level", values=list(LEVELS), value=level, style={"max-width": "140px"})
        solara.Select("Clause", values=list(CLAUSES), value=clause, style={"max-width": "120px"})
    solara.Text(C.chain_summary(known), classes=["chain-summary"])
    ladder = (rows["actor"] == "Russia") & ~rows["misattributed"].astype(bool)
    russia, other = rows[ladder], rows[~ladder]
    with solara.Card("Russia's violations: the ladder", classes=["chain-russia"]):
        Html(C.chain_rows_html(russia))
    with solara.Card("Ukraine's violations, false alarms and misattributions", classes=["chain-ukraine"]):
        solara.Text(C.UKRAINE_EXPLAINED, classes=["pg-notice"])
        Html(C.chain_rows_html(other))


@solara.component
def ComparePage(design: Design, reference: Design | None, dark: bool):
    target = solara.use_reactive(CMP.TARGETS[1])
    cap = solara.use_reactive(500)
    horizon = solara.use_reactive(min(260, design.scenario.horizon_weeks))
    latest = solara.use_reactive(None)
    ran_for = solara.use_reactive(None)

    def run():
        if reference is None:
            return None
        ran_for.set((design.key, reference.key, horizon.value))
        latest.set(None)
        for state in CMP.adaptive(design, reference, horizon=horizon.value, target=target.value, cap=cap.value):
            if not task.is_current():
                return None
            latest.set(state)
        return latest.value

    task = solara.lab.use_task(run, dependencies=None, prefer_threaded=True, raise_error=False)
    if reference is None:
        solara.Info("Choose a reference design in the sidebar to compare with.")
        return
    same = design.key == reference.key
    solara.Text(f"Is your design ({design.label}) safer than the reference ({reference.label})? Both run the same "
                "seeds, pair by pair, so a difference comes from the design, not from the dice. Pairs are added "
                "until the 95% interval of the difference is narrower than the target, or the cap is reached.",
                classes=["compare-intro"])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Select("Horizon (weeks)", values=[h for h in CMP.HORIZONS if h <= design.scenario.horizon_weeks],
                      value=horizon, style={"max-width": "150px"})
        solara.Select("Target: interval within ± points", values=list(CMP.TARGETS), value=target,
                      style={"max-width": "230px"})
        solara.Select("Cap: pairs at most", values=list(CMP.CAPS), value=cap, style={"max-width": "170px"})
        solara.Button("Run comparison", color="primary", on_click=task, disabled=task.pending or same,
                      classes=["run-comparison"])
        if task.pending:
            solara.Button("Stop", on_click=task.cancel, outlined=True, classes=["stop-comparison"])
    if same:
        solara.Info("Your design is the reference itself: change a lever, or choose another reference.")
    p = latest.value
    if task.pending:
        n = p.n if p is not None else 0
        solara.ProgressLinear(value=100.0 * n / cap.value if n else True)
        solara.Text("Running: " + (CMP.progress_text(p) if p is not None else "first pairs")
                    + ". The story stays usable meanwhile.", classes=["comparison-progress"])
    if task.error:
        solara.Error(f"The comparison failed: {task.exception}")
    if p is None:
        if not task.pending:
            solara.Text("Press 'Run comparison'. Try: set Commitments (G0, G4) to 'political only'; the reference "
                        "stays Paris declaration.", classes=["pg-notice"])
        return
    if ran_for.value is not None and ran_for.value != (design.key, reference.key, horizon.value) and not task.pending:
        solara.Warning(f"Pending change: this result compares '{p.design}' with '{p.reference}' over {p.horizon} "
                       "weeks; the levers, reference or horizon have changed since. Press 'Run comparison' to "
                       "update.", classes=["pending-change"])
    if p.finished:
        done = f"Done: {p.n} pairs, stopped because {p.reason}."
    elif task.pending:
        done = "So far: " + CMP.progress_text(p) + "."
    else:
        done = f"Stopped by you at {p.n} pairs: the interval is wider than the target."
    with solara.Card("Verdict" if p.finished else "Verdict so far", classes=["verdict-card"]):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{C.e(CMP.verdict(p))}</b>", classes=["verdict"])
        solara.Text(done, classes=["pg-notice", "comparison-status"])
        Html(C.table_html(CMP.table_rows(p), "comparison-table"))
        solara.Text(f"Renewed attack: share of runs with a major attack within {p.horizon} weeks. Paired "
                    f"difference with Newcombe's 95% interval; McNemar p = {p.p_value:.3f} "
                    f"({p.only_design} pairs where only your design was attacked, {p.only_reference} where only "
                    f"the reference was). Master seed {p.master_seed}.", classes=["pg-notice"])
    CompareCharts(p, dark)


# --------------------------------------------------------------------------- #
# The page
# --------------------------------------------------------------------------- #
@solara.component
def Page():
    dark = solara.lab.use_dark_effective()
    state = solara.use_reactive(solara.use_memo(lambda: Levers.of(BASELINE), []))
    seed = solara.use_reactive(0)
    reference = solara.use_reactive(BASELINE)
    applied = state.value.applied
    week = solara.use_reactive(None)  # None: the last week (the whole story)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(list(SPEEDS)[1])
    tab = solara.use_reactive(0)

    a = story_for(applied, seed.value)
    ref = None if reference.value == NO_REFERENCE else named_design(reference.value)
    b = story_for(ref, seed.value) if ref is not None else None
    last = a.last_week
    w = last if week.value is None else min(week.value, last)

    def play(cancel: threading.Event) -> None:
        """Advance the week with the clock (weeks a second), whatever a frame costs to draw."""
        if not playing.value:
            return
        rate = SPEEDS[speed.value]
        start, first = time.perf_counter(), (last if week.value is None else week.value)
        while playing.value and not cancel.is_set():
            time.sleep(TICK)
            if cancel.is_set():
                return
            nxt = min(last, first + int(rate * (time.perf_counter() - start)))
            if nxt != week.value:
                week.set(nxt)
            if nxt >= last:
                playing.set(False)
                return

    solara.use_thread(play, dependencies=[playing.value, speed.value, last], intrusive_cancel=False)

    solara.Style(C.CSS)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.lab.ThemeToggle(enable_auto=False)
    with solara.AppBarTitle():
        solara.Text(TITLE)
    with solara.Sidebar():
        Sidebar(state, seed, reference)
    with solara.Column(style={"padding": "4px 10px"}):
        solara.HTML(tag="div", unsafe_innerHTML=C.e(C.headline(a, b, w)), classes=["week-counter"])
        ScrubBar(week, playing, speed, last, a.date_of)
        with solara.lab.Tabs(value=tab):
            with solara.lab.Tab("Story"):
                if tab.value == 0:
                    StoryTab(a, b, w, dark, applied, reference.value)
            with solara.lab.Tab("Commission's chain"):
                if tab.value == 1:
                    ChainTab(a, b, w)
            with solara.lab.Tab("Compare designs"):
                # kept mounted: a comparison runs on, and its result stays, while you look at the story
                ComparePage(applied, ref, dark)


page = Page
