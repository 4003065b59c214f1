"""The first minute and the 'why': what a run is, the scenarios, a guided path, a run told as cases.

HTML builders (pure functions, tested without a browser).
"""

from __future__ import annotations

import html

from sim.dashboard.controls import scenario_description, scenario_names, scenario_title
from sim.dashboard.explain import Case
from sim.dashboard.story import Story
from sim.dashboard.words import GUIDED_PATH, LADDER, OUTCOME_LEVELS, WHAT_A_RUN_IS, WHAT_THE_REFERENCE_IS

e = html.escape

STAGE_WORDS = {  # a case's stages, as the story reads them
    "intent": "Russia's intent", "reasons": "What Russia faced", "signs": "Signs seen", "warning": "Warning",
    "Russia's choice": "Russia's choice", "attack": "The attack", "detected": "Detected (G1)",
    "attributed": "Attributed (G1)", "decided": "Decided (G1)", "answered": "Answered (G4)", "war": "The war",
    "notes": "Coordination (C1) and notes",
}


def scenarios_html() -> str:
    """Every shipped scenario, what it represents (its file's own description)."""
    rows = "".join(f"<tr><td><b>{e(scenario_title(n))}</b></td><td>{e(scenario_description(n))}</td></tr>"
                   for n in scenario_names())
    return f'<table class="pg-table scenarios-table"><thead><tr><th>Scenario</th><th>What it represents</th></tr>' \
           f'</thead><tbody>{rows}</tbody></table>'


def intro_html() -> str:
    """What a run is, what the reference is, what the model reports, and three questions to start with."""
    levels = "".join(f"<li><b>{e(name)}</b>: {e(text)}</li>" for name, text in OUTCOME_LEVELS)
    ladder = ", ".join(f"<b>{e(name)}</b> ({e(text.split(':')[0])})" for name, text in LADDER)
    path = "".join(f"<li><b>{e(q)}</b> {e(a)}</li>" for q, a in GUIDED_PATH)
    return (f'<div class="intro-text"><p><b>What you see.</b> {e(WHAT_A_RUN_IS)}</p>'
            f'<p><b>The reference.</b> {e(WHAT_THE_REFERENCE_IS)}</p>'
            f'<p><b>What the model reports.</b> For each run, three outcome levels:</p>'
            f'<ul class="outcome-levels">{levels}</ul><p>Week by week, Russia\'s action on a ladder above keeping '
            f'the ceasefire: {ladder}.</p>'
            f'<p><b>Three questions to start with.</b></p><ol class="guided-path">{path}</ol></div>')


def case_html(story: Story, case: Case) -> str:
    """One case as a table of its stages, each with its week and date."""
    rows = "".join(f'<tr class="why-step" data-stage="{e(s.stage)}"><td class="num">{s.week}</td>'
                   f'<td class="pg-date">{e(story.date_of(s.week))}</td>'
                   f'<td class="stage">{e(STAGE_WORDS.get(s.stage, s.stage))}</td><td>{e(s.text)}</td></tr>'
                   for s in case.steps)
    return (f'<table class="pg-table why-table" data-kind="{e(case.kind)}"><thead><tr><th>Week</th><th>Date</th>'
            f'<th>Stage</th><th>What happened</th></tr></thead><tbody>{rows}</tbody></table>')


def why_summary(story: Story, cases: list[Case]) -> str:
    """One sentence: how this run went, and what the cases below tell."""
    war = [c for c in cases if c.kind == "war"]
    limited = [c for c in cases if c.kind == "limited"]
    warned = [c for c in cases if c.kind == "warned"]
    if war:
        head = f"In this run Russia launched a renewed armed attack in week {story.escalation_week}."
    elif limited:
        head = f"In this run Russia launched {len(limited)} limited offensive{'s' if len(limited) > 1 else ''}, " \
               "and no renewed armed attack."
    else:
        head = "In this run the ceasefire held: no offensive was launched."
    if warned:
        head += f" {len(warned)} preparation{'s were' if len(warned) > 1 else ' was'} exposed by a warning and abandoned."
    return head + " Each case below follows one of Russia's campaigns from its intent to the answer."
