"""The dashboard page (Solara): ``python -m sim dashboard`` or ``solara run sim/dashboard/app.py``.

A lever, the seed or the reference changes -> both designs run for the whole horizon at
once (about 40 ms each, cached) -> the player (headline, Play, week slider) moves through the
finished story in the browser, each week with its date. Tabs:

* **Story**: the story charts (your design solid, the reference dashed, same seed), the
  timeline of what Russia did next to what monitoring saw, the coalition at the week shown,
  the force by nation, the whole event log (filtered in the browser), the design card, a
  glossary and the clauses;
* **Why?**: the run told as cases, from Russia's intent to the answer;
* **Commission's chain**: one row a violation, from the violation to the states' responses;
* **Compare designs**: many paired runs of your design against the reference, with a verdict.

Above the tabs: what a run is (the first minute), and buttons that find the next run with a
war, a limited offensive or a warning.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
# Solara warns, at every page load, that cookies on plain http fall back to samesite=lax:
# expected on a local server, and 16 lines of it per load hid everything else.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)

import reacton.ipyvuetify as v  # noqa: E402
import solara  # noqa: E402
import solara.lab  # noqa: E402
import solara.server.settings  # noqa: E402

from sim.dashboard import components as C  # noqa: E402
from sim.dashboard import guide  # noqa: E402
from sim.dashboard import compare as CMP  # noqa: E402
from sim.dashboard.compare import DEFAULT_CAP  # noqa: E402
from sim.dashboard.compare_page import ComparePage  # noqa: E402
from sim.dashboard.controls import (  # noqa: E402
    AS_SCENARIO,
    BASELINE,
    CONTROLS,
    SEED_MAX,
    Design,
    build_design,
    default_controls,
    effect,
    named_design,
    parse_seed,
    scenario_names,
    scenario_title,
)
from sim.dashboard.outcomes import ESCALATED, LIMITED, WARNINGS, shared  # noqa: E402
from sim.dashboard.story import Story, run_story  # noqa: E402
from sim.dashboard.tabs import ChainTab, Html, StoryTab, WhyTab  # noqa: E402
from sim.dashboard.widgets import Player, ThemeButton  # noqa: E402

solara.server.settings.theme.show_banner = False  # its "runs on Solara" badge covered the member tiles

TITLE = "Paris guarantees for Ukraine: how deterrence holds, week by week"
NO_REFERENCE = "none"
SPEEDS = [["slow", 4], ["normal", 12], ["fast", 30]]  # weeks a second
TABS = ("Story", "Why? The story of this run", "Commission's chain", "Compare designs")
FINDS = {  # what "next run with ..." looks for in a run's outcome (outcomes.FIELDS)
    "war": ("a war", lambda row: row[ESCALATED] == 1),
    "limited": ("a limited attack", lambda row: row[LIMITED] > 0),
    "warning": ("a warning", lambda row: row[WARNINGS] > 0),
}
STORIES_KEPT = 48

_CACHE: OrderedDict[tuple, Story] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def story_for(design: Design, seed: int) -> Story:
    """The finished run of a design and seed (the last few kept for every session: going back is instant)."""
    key = (design.key, int(seed))
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    story = run_story(design.scenario, int(seed), design.label)
    with _CACHE_LOCK:
        _CACHE[key] = story
        while len(_CACHE) > STORIES_KEPT:
            _CACHE.popitem(last=False)
    return story


def first_week(story: Story, what: str) -> int:
    """The week a found run shows first: its attack, its first limited offensive, its first warning."""
    if what == "war" and story.escalation_week is not None:
        return story.escalation_week
    kinds = {"limited": ("violation", "limited"), "warning": ("warning", None)}.get(what)
    if kinds:
        ev = story.events
        hit = ev[(ev["kind"] == kinds[0]) & ((ev["level"] == kinds[1]) if kinds[1] else True)]
        if len(hit):
            return int(hit["week"].iloc[0])
    return story.last_week


# --------------------------------------------------------------------------- #
# Memory: a closed session's memory goes back to the system
# --------------------------------------------------------------------------- #
_TRIM = threading.Event()


def _trim_loop() -> None:
    """After sessions close, collect their cycles and hand freed heap pages back (glibc's malloc_trim):
    without it the server's resident memory only grows with page loads."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        libc = None
    while True:
        _TRIM.wait()
        threading.Event().wait(2.0)  # let a burst of closes finish
        _TRIM.clear()
        gc.collect()
        if libc is not None:
            libc.malloc_trim(0)


def _on_kernel_start():
    return _TRIM.set  # called when the session's kernel closes


threading.Thread(target=_trim_loop, name="dashboard-trim", daemon=True).start()
solara.lab.on_kernel_start(_on_kernel_start)


def _warm() -> None:
    """Served for a class (``python -m sim dashboard``): while no student waits, make the Compare runs of
    every shipped design, then their runs in the plausible worlds, so any pair of them compares at once (kept on
    disk for the next start). With the outcomes shipped with the model current, there is nothing to make."""
    stop = threading.Event()
    stop.wait(15.0)  # let the first page loads go first
    shipped = [named_design(n).scenario for n in scenario_names()]
    shared().warm(shipped, DEFAULT_CAP, stop)
    if CMP.posterior_path() is not None:  # then their runs in the plausible worlds
        shared().warm([w for s in shipped for w in CMP.world_scenarios(s)], CMP.WORLD_PAIRS, stop)


if os.environ.get("PARIS_SIM_DASHBOARD_WARM") == "1":
    threading.Thread(target=_warm, name="dashboard-warm", daemon=True).start()
# the shared store reads the shipped outcomes now, not when the first student presses 'Run comparison'
threading.Thread(target=shared, name="dashboard-outcomes", daemon=True).start()


# --------------------------------------------------------------------------- #
# The sidebar: your design, the seed, the reference
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Levers:
    """What the sidebar holds, as one value (one change, one render): the scenario, the lever
    settings, the last valid design and its settings, and the message if the settings are not allowed."""

    scenario_name: str
    controls: dict
    applied: Design
    applied_controls: dict
    error: str | None = None
    bad_lever: str | None = None

    @classmethod
    def of(cls, name: str) -> Levers:
        controls = default_controls(name)
        return cls(name, controls, build_design(name, controls)[0], controls)

    def with_lever(self, lever: str, value: Any) -> Levers:
        controls = {**self.controls, lever: value}
        design, message = build_design(self.scenario_name, controls)
        if design is None:
            return Levers(self.scenario_name, controls, self.applied, self.applied_controls, message, lever)
        return Levers(self.scenario_name, controls, design, controls)

    def undo(self) -> Levers:
        return Levers(self.scenario_name, self.applied_controls, self.applied, self.applied_controls)


@solara.component
def Sidebar(state, seed, reference, close):
    titles = {scenario_title(n): n for n in scenario_names()}
    st: Levers = state.value
    seed_text = solara.use_reactive(str(seed.value))
    seed_error = solara.use_reactive(None)
    refused = solara.use_reactive(0)  # a refused value: the box is made again, showing the seed in use
    if seed_text.value != str(seed.value) and seed_error.value is None:
        seed_text.set(str(seed.value))  # the seed changed elsewhere (Next seed, a found run)

    def set_lever(name: str, value: Any) -> None:
        state.set(state.value.with_lever(name, value))

    def set_seed(text: str | None) -> None:
        value, error = parse_seed(text)
        if error:
            seed_error.set(f"{error} The story still shows seed {seed.value}.")
            seed_text.set(str(seed.value))
            refused.set(refused.value + 1)
            return
        seed_error.set(None)
        seed_text.set(str(value))
        seed.set(value)

    with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
        solara.HTML(tag="div", unsafe_innerHTML="<b>Your design</b> (solid lines)")
        solara.Button("Close ✕", on_click=close, text=True, classes=["close-levers"])
    s = st.applied.scenario
    solara.Select("Scenario", values=list(titles), value=scenario_title(st.scenario_name),
                  on_value=lambda t: state.set(Levers.of(titles[t])), classes=["lever-scenario"])
    for c in CONTROLS:
        value = st.controls[c.name]
        bad = st.error is not None and st.bad_lever == c.name
        with solara.Div(classes=["lever", f"lever-{c.name}"] + (["lever-invalid"] if bad else []),
                        style={"margin-bottom": "6px"} | ({"border-left": "4px solid #c62828", "padding-left": "4px"}
                                                          if bad else {})):
            if c.kind == "Select":
                solara.Select(c.label, values=list(c.choices), value=value,
                              on_value=lambda x, n=c.name: set_lever(n, x))
                if value == AS_SCENARIO:
                    Html(f"in effect: {C.e(effect(c, s))}", classes=["pg-notice", "lever-effect"])
            else:
                solara.SliderFloat(f"{c.label}: {float(value):g}", value=float(value), min=c.min, max=c.max,
                                   step=c.step, on_value=lambda x, n=c.name: set_lever(n, round(float(x), 6)))
            Html(C.e(c.help), classes=["pg-small", "lever-help"])
            if bad:
                solara.Text("Not applied: see the message above the charts.", classes=["pg-notice", "lever-error"])
    with solara.Div(classes=["lever-seed"]):
        solara.InputText(f"Seed (0-{SEED_MAX:,}): which simulated run", value=seed_text.value, on_value=set_seed,
                         error=seed_error.value or False, message=seed_error.value).key(f"seed-{refused.value}")
        solara.Text("Fixes the dice: both designs run with this seed, so they meet the same luck.",
                    classes=["pg-notice"])
    with solara.Row():
        solara.Button("Reset levers", on_click=lambda: state.set(Levers.of(state.value.scenario_name)),
                      outlined=True, classes=["reset-levers"])
        solara.Button("Next seed", on_click=lambda: seed.set((seed.value + 1) % (SEED_MAX + 1)), outlined=True,
                      classes=["next-seed"])
    refs = [NO_REFERENCE, *titles]
    solara.Select("Reference design (dashed; baseline of Compare)", values=refs,
                  value=reference.value if reference.value == NO_REFERENCE else scenario_title(reference.value),
                  on_value=lambda t: reference.set(t if t == NO_REFERENCE else titles[t]),
                  classes=["lever-reference"])
    solara.Text("A change applies at once: both designs are run for the whole horizon (about 40 ms each) "
                "with the same seed.", classes=["pg-notice"])


@solara.component
def ConfigBanner(state):
    """An invalid lever says so where the student looks: above the charts, not at the foot of the sidebar."""
    st: Levers = state.value
    if not st.error:
        return
    with solara.Div(classes=["config-banner"]):
        solara.Error(f"Not applied: {st.error} The charts still show your last valid design ({st.applied.label}).",
                     text=True, dense=True, outlined=False, classes=["config-error"])
        solara.Button("Undo that change", on_click=lambda: state.set(state.value.undo()), outlined=True,
                      classes=["undo-change"])


@solara.component
def Intro(open_):
    with solara.Card(classes=["intro-card"], style={"margin-bottom": "8px"}):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            solara.HTML(tag="h2", unsafe_innerHTML="About this simulation", style={"font-size": "18px", "margin": 0})
            solara.Button("Hide" if open_.value else "Show: what a run is, the scenarios, where to start",
                          on_click=lambda: open_.set(not open_.value), text=True, classes=["intro-toggle"])
        if open_.value:
            Html(guide.intro_html())
            with solara.Details("The scenarios: what each represents", expand=False):
                Html(guide.scenarios_html())


@solara.component
def Finder(applied: Design, seed, week, tab):
    """Buttons that find the next run with a war, a limited attack or a warning (your design)."""
    what = solara.use_reactive(None)
    status = solara.use_reactive("")

    def search():
        goal = what.value
        if goal is None:
            return None
        label, test = FINDS[goal]
        start = seed.value
        cancel = threading.Event()

        def progress(at: int) -> None:
            status.set(f"Looking for {label}: runs {start + 1} to {at} have none so far...")
            if not task.is_current():
                cancel.set()

        status.set(f"Looking for {label} after run {start}...")
        found = shared().next_seed(applied.scenario, start, test, limit=SEED_MAX - start, cancel=cancel,
                                   progress=progress)
        if not task.is_current():
            return None
        if found is None:
            status.set(f"No run with {label} in runs {start + 1} to {min(SEED_MAX, start + 5000)} of your design.")
            return None
        story = story_for(applied, found)
        w = first_week(story, goal)
        seed.set(found)
        week.set(w)
        tab.set(1 if goal == "war" else 0)
        status.set(f"Run {found} has {label}: shown up to week {w} ({story.date_of(w)}). Press Play to go on"
                   + (", or read why it happened below." if goal == "war" else "."))
        return found

    task = solara.lab.use_task(search, dependencies=None, prefer_threaded=True, raise_error=False)

    def start(goal: str) -> None:
        what.set(goal)
        task()

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["finder"]):
        solara.Text("Find the next run (seed) with:", classes=["pg-notice"])
        for goal, (label, _) in FINDS.items():
            solara.Button(f"{label}", on_click=lambda g=goal: start(g), outlined=True, disabled=task.pending,
                          classes=[f"find-{goal}"])
        if task.pending:
            solara.Button("Stop", on_click=task.cancel, text=True, classes=["find-stop"])
    if status.value:
        solara.Text(status.value, classes=["pg-notice", "finder-status"])


# --------------------------------------------------------------------------- #
# The page
# --------------------------------------------------------------------------- #
@solara.component
def Layout(children=[]):
    """No Solara app layout: the page draws its own bar and drawer (named buttons; a drawer that
    closes on a phone)."""
    return solara.Div(children=children)


@solara.component
def Page():
    dark = solara.lab.use_dark_effective()
    state = solara.use_reactive(solara.use_memo(lambda: Levers.of(BASELINE), []))
    seed = solara.use_reactive(0)
    reference = solara.use_reactive(BASELINE)
    applied = state.value.applied
    week = solara.use_reactive(None)  # None: the last week (the whole story)
    speed = solara.use_reactive("normal")
    tab = solara.use_reactive(0)
    drawer = solara.use_reactive(None)  # None: Vuetify decides (open on a wide screen, closed on a phone)
    intro = solara.use_reactive(True)

    a = story_for(applied, seed.value)
    ref = None if reference.value == NO_REFERENCE else named_design(reference.value)
    b = story_for(ref, seed.value) if ref is not None else None
    last = a.last_week
    w = last if week.value is None else min(week.value, last)
    states = solara.use_memo(lambda: C.run_states(a, b), [id(a), id(b)])

    def open_seed(s: int) -> None:
        seed.set(s)
        week.set(None)
        tab.set(1)

    solara.Style(C.CSS)
    solara.Title(TITLE)
    with v.AppBar(app=True, clipped_left=True, color="primary", dark=True, dense=False):
        solara.Button("☰ Levers", on_click=lambda: drawer.set(not drawer.value), text=True, dark=True,
                      classes=["toggle-levers"], attributes={"aria-label": "Show or hide the levers of your design"})
        v.ToolbarTitle(children=[TITLE], class_="pg-title")
        v.Spacer()
        ThemeButton(event_sync_themes=lambda d: setattr(solara.lab.theme, "dark", d))
    with v.NavigationDrawer(app=True, clipped=True, width=340, v_model=drawer.value, on_v_model=drawer.set,
                            mobile_break_point=960, class_="levers-drawer"):
        with solara.Div(style={"padding": "10px"}):
            Sidebar(state, seed, reference, close=lambda: drawer.set(False))
    with v.Content():
        with solara.Column(style={"padding": "4px 12px"}, classes=["pg-main"]):
            Intro(intro)
            ConfigBanner(state)
            Player(week=w, on_week=week.set, last=last, dates=a.dates()[: last + 1], states=states,
                   speeds=SPEEDS, speed=speed.value, on_speed=speed.set)
            Finder(applied, seed, week, tab)
            with solara.lab.Tabs(value=tab):
                with solara.lab.Tab(TABS[0]):
                    if tab.value == 0:
                        StoryTab(a, b, w, dark, applied, reference.value, state.value.error)
                with solara.lab.Tab(TABS[1]):
                    if tab.value == 1:
                        WhyTab(a, b, on_week=week.set)
                with solara.lab.Tab(TABS[2]):
                    if tab.value == 2:
                        ChainTab(a, b, w)
                with solara.lab.Tab(TABS[3]):
                    # kept mounted: a comparison runs on, and its result stays, while you look at the story
                    ComparePage(applied, ref, dark, open_seed)


page = Page
