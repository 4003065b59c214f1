"""Why did it happen? A run told as cases, each readable as one story.

A case follows one Russian campaign from its start to its end: the intent (preparing an
offensive, a pressure campaign), what Russia faced when it decided (the model's recorded
measures at that week), the signs of preparation and what monitoring and intelligence saw,
the warning and its measures, Russia going on or aborting, the launch, then the
commission's chain of the attack (detected, attributed, decided, answered) and the war.

Pure functions of a :class:`~sim.dashboard.story.Story`, read from the event log's ids:
a campaign is a case; its signs belong to it; a detected sign is caused by a sign; a
warning is caused by a detected sign; the launch is caused by the campaign and the attack by
the launch; every stage of the attack's chain belongs to the attack's case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from sim.dashboard.sentences import describe, reasons
from sim.dashboard.story import IntentSpan, Story
from sim.dashboard.words import LEVEL_NOUNS, RUSSIA, weeks_text

# How a case ended, in the order the page lists cases (the war first).
ORDER = {"war": 0, "limited": 1, "warned": 2, "preparation": 3, "pressure": 4}
LAUNCHES = ("launched_by_surprise", "launched_after_warning")


@dataclass(frozen=True)
class Step:
    """One stage of a case: week, stage name (intent, reasons, signs, warning, ...), plain sentence."""

    week: int
    stage: str
    text: str


@dataclass
class Case:
    """One campaign of Russia's, told from intent to answer."""

    kind: str  # war | limited | warned | preparation | pressure
    title: str
    first: int
    last: int
    steps: list[Step] = field(default_factory=list)


def reasons_at(story: Story, week: int, level: str | None) -> str:
    """What Russia faced when it decided, from the model's weekly measures (beside the decision's own
    components, which the decision point's assessment event records)."""
    s = story.steps
    if week not in s.index:
        return ""
    parts = []
    if level and f"credibility_{level}" in s.columns:
        parts.append(f"Russia believed {float(s.at[week, f'credibility_{level}']):.0%} of the coalition's pledged "
                     f"power would answer a {LEVEL_NOUNS.get(level, level)}")
    if {"russia_strength", "ukraine_defence"} <= set(s.columns):
        parts.append(f"its strength was {float(s.at[week, 'russia_strength']):.2f} against Ukraine's defence of "
                     f"{float(s.at[week, 'ukraine_defence']):.2f} strength units")
    if "sanctions_level" in s.columns:
        parts.append(f"sanctions stood at {float(s.at[week, 'sanctions_level']):.2f}")
    if "window_value" in s.columns and not math.isnan(float(s.at[week, "window_value"])):
        parts.append(f"the value of waiting for a better window was {float(s.at[week, 'window_value']):.2f}")
    if not parts:
        return ""
    return "What it faced that week: " + "; ".join(parts) + "."


def decided(story: Story, event_id: float | int | None, level: str | None) -> str:
    """Russia's reasons at the decision point ``event_id`` (an assessment event), with what it faced."""
    ev = story.events
    found = ev[(ev["kind"] == "assessment") & (ev["event_id"] == event_id)] if event_id is not None else ev.iloc[:0]
    faced = reasons_at(story, int(found["week"].iloc[0]), level) if len(found) else ""
    if not len(found):
        return faced
    cause = found["cause_id"].iloc[0]
    # an assessment an event triggered (a change of government, a withdrawal); go/no-go and exposure have their
    # own causes (the campaign, the warning), which their steps already tell
    after = ("" if pd.isna(cause) or found["note"].iloc[0] != "assessment" else
             f"It decided at once, after this: {describe(story.event(int(cause)))} ")
    return f"{after}Russia's reasons: {reasons(story.event(int(found['event_id'].iloc[0])))} {faced}".strip()


def _weeks(weeks: list[int]) -> str:
    if len(weeks) <= 6:
        return ", ".join(map(str, weeks))
    return f"{weeks[0]}-{weeks[-1]} ({len(weeks)} weeks)"


def _campaign_start(ev: pd.DataFrame, span: IntentSpan) -> pd.Series | None:
    start = ev[(ev["kind"] == "campaign") & (ev["week"] == span.first)
               & ev["outcome"].isin(["preparation_starts", "pressure_starts"])]
    return start.iloc[-1] if len(start) else None


def _preparation(story: Story, span: IntentSpan) -> Case:
    ev = story.events
    objective = span.objective or "limited"
    noun = LEVEL_NOUNS[objective]
    first, last = span.first, span.last
    start = _campaign_start(ev, span)
    steps = [Step(first, "intent", start["text"] if start is not None else f"Russia starts preparing a {noun}.")]
    why = decided(story, start["cause_id"], objective) if start is not None else reasons_at(story, first, objective)
    if why:
        steps.append(Step(first, "reasons", why))
    case = int(start["event_id"]) if start is not None else None
    signs = ev[(ev["kind"] == "indicator") & (ev["case_id"] == case)]
    seen = ev[(ev["kind"] == "indicator_detected") & ev["cause_id"].isin(signs["event_id"])]
    if len(signs):
        weeks = sorted({int(w) for w in seen["week"]})
        seen_text = (f"monitoring and intelligence detected {len(seen)} of them, in weeks {_weeks(weeks)}" if weeks
                     else "monitoring and intelligence detected none of them")
        steps.append(Step(first, "signs", f"The preparation gave off {int(signs['count'].sum())} observable signs "
                                          f"over {weeks_text(last - first + 1)} (build-up, logistics); {seen_text}."))
    warnings = ev[(ev["kind"] == "warning") & ev["cause_id"].isin(seen["event_id"])]
    for w in warnings.itertuples():
        measures = ev[(ev["case_id"] == w.event_id) & ev["kind"].isin(["warning_measure", "corrective_measure"])]
        text = w.text + (" " + " ".join(measures["text"]) if len(measures) else "")
        steps.append(Step(int(w.week), "warning", text))
    after = ev[(ev["kind"] == "campaign") & (ev["case_id"] == case) & (ev["outcome"] != "preparation_starts")]
    for r in after.itertuples():
        why = decided(story, r.cause_id, objective)
        steps.append(Step(int(r.week), "Russia's choice", r.text + (" " + why if why else "")))
    kind, title = "preparation", f"Russia prepared a {noun} (weeks {first}-{last})"
    launch = after[after["outcome"].isin(LAUNCHES)]
    if len(launch):
        attack = ev[ev["kind"].isin(["escalation", "violation"]) & (ev["cause_id"] == int(launch["event_id"].iloc[0]))]
        kind = "war" if objective == "major" else "limited"
        week = int(launch["week"].iloc[0])
        title = (f"War: Russia launched a renewed armed attack in week {week}" if kind == "war" else
                 f"Russia launched a limited offensive in week {week}")
        if len(attack):
            steps += _answer(story, int(attack["event_id"].iloc[0]))
            if kind == "war":
                steps += _war(story, int(attack["event_id"].iloc[0]))
    elif span.ending in ("stood down", "aborted"):
        kind = "warned" if len(warnings) else "preparation"
        title = f"Russia prepared a {noun}, then {span.ending} (weeks {first}-{last})"
    elif last >= story.last_week:
        steps.append(Step(last, "Russia's choice", "The run ends while Russia is still preparing."))
    return Case(kind, title, first, last, sorted(steps, key=lambda s: s.week))


def _answer(story: Story, case: int) -> list[Step]:
    """The commission's chain of one attack (its case): detected, attributed, decided, answered."""
    c = story.chain
    rows = c[c["case_id"] == case]
    if rows.empty:
        return []
    r = rows.iloc[0]
    out = [Step(int(r["violation_week"]), "attack", r["violation"])]
    for col, text, stage in (("detected_week", "detected", "detected"), ("attributed_week", "attribution", "attributed"),
                             ("decided_week", "decision", "decided"), ("responded_week", "response", "answered")):
        w = r[col]
        words = str(r[text])
        if w is not None and not (isinstance(w, float) and math.isnan(w)):
            out.append(Step(int(w), stage, words[:1].upper() + words[1:] + ("" if words.endswith(".") else ".")))
        elif words:
            out.append(Step(int(r["violation_week"]), stage, words[:1].upper() + words[1:] + "."))
    if r["notes"]:
        out.append(Step(int(r["violation_week"]), "notes", str(r["notes"]) + "."))
    return out


def _war(story: Story, case: int) -> list[Step]:
    ev = story.events
    out = [Step(int(r.week), "war", r.text)
           for r in ev[(ev["case_id"] == case) & ev["kind"].isin(["casualties", "war_end"])].itertuples()]
    if not any(s.text.startswith("War ends") for s in out) and "at_war" in story.steps.columns \
            and bool(story.steps["at_war"].iloc[-1]):
        out.append(Step(story.last_week, "war", "The war goes on when the run ends."))
    return out


def _pressure(story: Story, span: IntentSpan) -> Case:
    ev, c = story.events, story.chain
    start = _campaign_start(ev, span)
    steps = [Step(span.first, "intent", start["text"] if start is not None else
                  "Russia starts a grey-zone pressure campaign.")]
    why = decided(story, start["cause_id"], None) if start is not None else reasons_at(story, span.first, "probe")
    if why:
        steps.append(Step(span.first, "reasons", why))
    probes = ev[(ev["kind"] == "violation") & (ev["cause_id"] == (int(start["event_id"]) if start is not None else -1))]
    rows = c[c["case_id"].isin(probes["event_id"])]
    n = len(rows)
    text = (f"{n} probe{'s' if n != 1 else ''} in {weeks_text(span.last - span.first + 1)}: "
            f"{int(rows['detected_week'].notna().sum())} detected, {int((rows['attributed_to'] == RUSSIA).sum())} "
            f"attributed to Russia, {int((rows['states'] > 0).sum())} answered by states.")
    steps.append(Step(span.last, "answered", text))
    return Case("pressure", f"Pressure campaign, weeks {span.first}-{span.last}", span.first, span.last, steps)


def cases(story: Story) -> list[Case]:
    """The run's campaigns as cases, the war first, then limited offensives, preparations a warning
    exposed, other preparations, pressure campaigns (built once per run)."""
    if "cases" in story.cache:
        return story.cache["cases"]
    out = []
    for span in story.intent_spans():
        if span.intent == "preparing":
            out.append(_preparation(story, span))
        elif span.intent == "pressure":
            out.append(_pressure(story, span))
    out.sort(key=lambda c: (ORDER.get(c.kind, 9), c.first))
    story.cache["cases"] = out
    return out
