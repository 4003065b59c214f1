"""The dashboard page (Solara): ``solara run sim/dashboard/app.py`` or ``python -m sim dashboard``.

Mesa's SolaraViz gives the sidebar: Reset / play / Step and the design levers
(``controls.model_params``; a lever change takes effect on Reset). The main area
has our own tabs, laid out here rather than in Mesa's draggable grid:

* **Story**: the week counter, the design in effect, the 2 x 2 story chart,
  one tile per coalition member, the event log (clause id per event, its text on
  hover) and the clause legend;
* **Compare designs**: replicates of the current design against a reference.
"""

from __future__ import annotations

import os

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

import solara  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from sim.dashboard import components as C  # noqa: E402
from sim.dashboard.compare import ComparisonPage  # noqa: E402
from sim.dashboard.controls import (  # noqa: E402
    DashboardModel,
    design_rows,
    model_params,
    scenario_names,
)

TITLE = "Paris guarantees for Ukraine: deterrence week by week"
MODEL_PARAMS = model_params()
SCENARIO_NAMES = scenario_names()


@solara.component
def StoryPage(model: DashboardModel):
    update_counter.get()  # re-render after every Step / play tick (Mesa's force_update); children subscribe too
    C.WeekCounter(model)
    C.ConfigMessage(model)
    C.StoryChart(model)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card("Design in effect", style={"flex": "0 1 340px"}, classes=["design-card"]):
            solara.HTML(tag="div", unsafe_innerHTML=C.CLAUSE_CSS + C.design_html(
                design_rows(model.design, model.overrides)))
            solara.Text(f"Scenario {model.design.name}, seed {model.seed}. Levers act on Reset.",
                        style={"font-size": "12px"})
        with solara.Card("The coalition at a glance (G0 ratification, G4 responses)", style={"flex": "1 1 560px"}):
            C.CoalitionTiles(model)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card("Event log: who did what, under which clause", style={"flex": "2 1 600px"}):
            C.EventLog(model)
        with solara.Card("Clauses of the Paris Declaration", style={"flex": "1 1 320px"}):
            C.ClauseLegend()


@solara.component
def Page():
    initial = solara.use_memo(lambda: DashboardModel(), [])
    model = solara.use_reactive(initial)
    tab = solara.use_reactive(0)
    SolaraViz(model, components=[], model_params=MODEL_PARAMS, name=TITLE, play_interval=150)
    with solara.lab.Tabs(value=tab):
        with solara.lab.Tab("Story, week by week"):
            if tab.value == 0:
                StoryPage(model.value)
        with solara.lab.Tab("Compare designs"):
            # kept mounted: a comparison keeps running and its result stays while you look at the story
            ComparisonPage(model.value, SCENARIO_NAMES)


page = Page
