"""The tabs of the page (Solara components): the story, why it happened, the commission's chain.

Each takes the finished stories of your design (``a``) and of the reference (``b``) and the
week the server last heard from the player; the charts themselves follow the player's week
in the browser.
"""

from __future__ import annotations

from typing import Callable

import solara

from sim.dashboard import charts
from sim.dashboard import components as C
from sim.dashboard import guide
from sim.dashboard.chain import chain_at
from sim.dashboard.controls import Design, design_rows, named_design, scenario, scenario_title
from sim.dashboard.explain import cases
from sim.dashboard.story import Story, series_info
from sim.dashboard.widgets import Chart, EventLog, as_json
from sim.dashboard.words import UKRAINE_LANE, lanes_of

ACTORS = ("all", "Russia", "Ukraine", "false alarms")
LEVELS = ("all", "probe", "limited", "major")
CLAUSES = ("all", "A", "P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1")


@solara.component
def Html(text: str, classes: list[str] | None = None):
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=classes or [])


def _memo_chart(build: Callable[[], dict], key: list) -> str:
    return solara.use_memo(lambda: as_json(build()), key)


@solara.component
def StoryTab(a: Story, b: Story | None, w: int, dark: bool, applied: Design, reference: str, error: str | None):
    extra = charts.extra_columns(a)
    labels = {series_info(c).label: c for c in extra}
    measure = solara.use_reactive(next(iter(labels), ""))
    ids = [id(a), id(b), dark]
    ladder = _memo_chart(lambda: charts.ladder(a, b, dark), ids)
    resolve = _memo_chart(lambda: charts.resolve(a, b, dark), ids)
    balance = _memo_chart(lambda: charts.balance(a, b, dark), ids)
    force = _memo_chart(lambda: charts.force(a, b, dark), ids)
    sanctions = _memo_chart(lambda: charts.sanctions(a, b, dark), ids)
    timeline = _memo_chart(lambda: charts.timeline(a, dark), [id(a), dark])
    split = C.divergence_week(a, b)
    Html(C.lines_key_html(a, b))
    Html(C.run_outcomes_html(a, b))
    if b is not None:
        text = ("Your last change is not applied (see the message above): the charts show your last valid design."
                if error else
                "Your design and the reference are the same design: change a lever to see where they part."
                if applied.key == named_design(reference).key else
                "The two designs do not differ in this run." if split is None else
                f"The two designs part in week {split} (same seed: until then they met the same luck).")
        solara.Text(text, classes=["divergence"])
    about = charts.about_run(a, b)
    with solara.Row(style={"flex-wrap": "wrap"}):
        Chart(ladder, "ladder", label="Russia's action on the escalation ladder. " + about)
        Chart(resolve, "resolve", label="What Russia believes about the coalition's resolve. " + about)
        Chart(balance, "balance", label="Ukraine's defence against Russia's strength. " + about)
        Chart(force, "force", label="Multinational Force strength. " + about)
        Chart(sanctions, "sanctions", label="Sanctions on Russia and the coalition's resolve. " + about)
    Chart(timeline, "timeline", height=420, flex="1 1 100%",
          label="Timeline of events, one lane per actor; the event log below lists them as text. " + about)
    Html(C.timeline_key_html(a))
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card(f"The coalition at week {w} ({a.date_of(w)})",
                         style={"flex": "2 1 520px"}, classes=["tiles-card"]):
            roles = str(a.steps.at[w, "us_roles"]) if "us_roles" in a.steps.columns else None
            Html(C.tiles_html(a.members, w, roles, force=a.scenario.force.enabled))
        with solara.Card("The designs, lever by lever", style={"flex": "1 1 360px"}, classes=["design-card"]):
            base = scenario(applied.base_name)
            rows_b = design_rows(named_design(reference).scenario, base) if b is not None else None
            Html(C.design_card_html(design_rows(applied.scenario, base), rows_b, "your design",
                                    "reference" if b is not None else None))
            solara.Text(f"Your design: {applied.label}. '(your change)' marks a lever that differs from "
                        f"{scenario_title(applied.base_name)}.", classes=["pg-notice"])
    with solara.Card(f"The Multinational Force by nation (G3) at week {w}", classes=["force-card"]):
        Html(C.force_html(a, w))
    with solara.Card("Event log of your design: the whole run", classes=["log-card"]):
        rows = C.event_rows(a)
        kinds = list(dict.fromkeys(r[3] for r in rows))
        lanes = list(lanes_of(a.scenario.commission.enabled))
        lanes += [ln for ln in dict.fromkeys(r[2] for r in rows) if ln not in lanes]
        EventLog(rows=rows, lanes=lanes, kinds=kinds, last=a.last_week)
    if labels:
        with solara.Card("More measures", classes=["measures-card"]):
            solara.Select("Measure", values=list(labels), value=measure, style={"max-width": "420px"})
            MeasureChart(a, b, labels.get(measure.value, extra[0]), dark)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Card("Glossary", style={"flex": "1 1 520px"}, classes=["glossary-card"]):
            Html(C.glossary_html())
        with solara.Card("Clauses of the Paris Declaration", style={"flex": "1 1 420px"}):
            Html(C.clause_legend_html())


@solara.component
def MeasureChart(a: Story, b: Story | None, column: str, dark: bool):
    option = solara.use_memo(lambda: as_json(charts.measure(a, b, column, dark)), [id(a), id(b), column, dark])
    Chart(option, "measure", height=300, flex="1 1 100%", label=f"{series_info(column).label}, week by week.")


@solara.component
def WhyTab(a: Story, b: Story | None, on_week: Callable[[int], None]):
    """The run told as cases, the war first: each from Russia's intent to the answer."""
    which = solara.use_reactive("your design")
    story = b if (which.value == "reference" and b is not None) else a
    found = cases(story)
    if b is not None:
        solara.Select("Design", values=["your design", "reference"], value=which, style={"max-width": "200px"})
    solara.Text(guide.why_summary(story, found), classes=["why-summary"])
    solara.Text("Russia's reasons are the model's own record of each decision point: the margin of its choice "
                "before chance and from chance, the value of waiting, the value of holding back Ukraine's request "
                "for the force (G3, before it is made), and the attack it weighed (gain at the odds it reads, "
                "losses, punishment, sanctions, cost at home). See 'decision point' in the glossary.",
                classes=["pg-notice"])
    if not found:
        solara.Info("Russia ran no campaign in this run: it kept the ceasefire apart from incidental probes.")
    pressure = [c for c in found if c.kind == "pressure"]
    for case in [c for c in found if c.kind != "pressure"] + pressure[:3]:
        with solara.Card(case.title, classes=["why-case", f"why-{case.kind}"]):
            Html(guide.case_html(story, case))
            upto = min(story.last_week, case.last + 1)
            solara.Button(f"Show the story up to week {upto}", on_click=lambda upto=upto: on_week(upto), text=True,
                          classes=["why-go"])
    if len(pressure) > 3:
        solara.Text(f"... and {len(pressure) - 3} more pressure campaigns (see the timeline and the chain).",
                    classes=["pg-notice"])


@solara.component
def ChainTab(a: Story, b: Story | None, w: int):
    actor = solara.use_reactive("all")
    level = solara.use_reactive("all")
    clause = solara.use_reactive("all")
    which = solara.use_reactive("your design")
    story = b if (which.value == "reference" and b is not None) else a
    commission = story.scenario.commission.enabled
    known = chain_at(story.chain, w)
    rows = C.filter_chain(known, actor.value, level.value, clause.value)
    solara.Text(f"The commission's chain up to week {w}: each row follows one violation (or false alarm) from what "
                "happened to who answered, with the week of each stage."
                + ("" if commission else " This design has no commission: nobody attributes a violation, and "
                                         "states answer a self-evident attack ad hoc."), classes=["chain-intro"])
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
        Html(C.chain_rows_html(russia, commission))
    with solara.Card(f"Ukraine's violations, false alarms and misattributions ({UKRAINE_LANE})",
                     classes=["chain-ukraine"]):
        solara.Text(C.UKRAINE_EXPLAINED, classes=["pg-notice"])
        Html(C.chain_rows_html(other, commission))

