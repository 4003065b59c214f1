"""Why did it happen? A run told as cases, each readable as one story.

A case follows one Russian campaign from its start to its end: the intent (preparing an
offensive, a pressure campaign), what Russia faced when it decided (the model's recorded
measures at that week), the signs of preparation and what monitoring and intelligence saw,
the warning and its measures, Russia going on or aborting, the launch, then the
commission's chain of the attack (detected, attributed, decided, answered) and the war.

Pure functions of a :class:`~sim.dashboard.story.Story`. Until the model's events carry
case ids, a sign or a warning belongs to the preparation whose weeks it falls in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.dashboard import prose
from sim.dashboard.story import IntentSpan, Story
from sim.dashboard.words import LEVEL_NOUNS, RUSSIA, weeks_text

# How a case ended, in the order the page lists cases (the war first).
ORDER = {"war": 0, "limited": 1, "warned": 2, "preparation": 3, "pressure": 4}


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
    """What Russia faced when it decided, as the model records it week by week.

    The model does not yet record the weights of Russia's own decision (its values of complying,
    pressing and attacking); when it does, they belong here (issue 23, deliver 6)."""
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
    return "What Russia faced that week: " + "; ".join(parts) + "."


def _in(ev, kind: str, first: int, last: int):
    return ev[(ev["kind"] == kind) & (ev["week"] >= first) & (ev["week"] <= last)]


def _preparation(story: Story, span: IntentSpan, spans: list[IntentSpan]) -> Case:
    ev = story.events
    objective = span.objective or "limited"
    noun = LEVEL_NOUNS[objective]
    first, last = span.first, span.last
    steps = []
    start = ev[(ev["kind"] == "campaign") & (ev["week"] == first)]
    steps.append(Step(first, "intent", (start["text"].iloc[-1] if len(start) else f"Russia starts preparing a {noun}.")))
    if reasons := reasons_at(story, first, objective):
        steps.append(Step(first, "reasons", reasons))
    signs = _in(ev, "indicator", first, last)
    produced = sum(prose.signs(str(d)) for d in signs["detail"])
    seen = _in(ev, "indicator_detected", first, last)
    true_seen = seen[~seen["detail"].map(prose.false_positive).astype(bool)]
    if len(signs) or len(true_seen):
        weeks = sorted(set(int(w) for w in true_seen["week"]))
        seen_text = (f"monitoring and intelligence detected {len(true_seen)} of them, in weeks "
                     f"{_weeks(weeks)}" if weeks else "monitoring and intelligence detected none of them")
        steps.append(Step(first, "signs", f"The preparation gave off {produced} observable signs over "
                                         f"{weeks_text(last - first + 1)} (build-up, logistics); {seen_text}."))
    for w in sorted(set(int(x) for x in _in(ev, "warning", first, last)["week"])):
        warning = ev[(ev["kind"] == "warning") & (ev["week"] == w)]["text"].iloc[0]
        measures = ev[(ev["week"] == w) & ev["kind"].isin(["warning_measure", "corrective_measure"])
                      & (ev["level"].fillna("") == "")]
        text = warning + (" Measures: " + " ".join(measures["text"]) if len(measures) else "")
        steps.append(Step(w, "warning", text))
    for r in _in(ev, "campaign", first + 1, last + 1).itertuples():
        steps.append(Step(int(r.week), "Russia's choice", r.text))
    kind, title = "preparation", f"Russia prepared a {noun} (weeks {first}-{last})"
    warned = any(s.stage == "warning" for s in steps)
    if span.ending == "launched":
        launch = last + 1
        kind = "war" if objective == "major" else "limited"
        title = (f"War: Russia launched a renewed armed attack in week {launch}" if kind == "war" else
                 f"Russia launched a limited offensive in week {launch}")
        steps += _answer(story, launch, objective)
        if kind == "war":
            steps += _war(story, launch)
    elif span.ending in ("stood down", "aborted"):
        kind = "warned" if warned else "preparation"
        title = f"Russia prepared a {noun}, then {span.ending} (weeks {first}-{last})"
    elif last >= story.last_week:
        steps.append(Step(last, "Russia's choice", "The run ends while Russia is still preparing."))
    return Case(kind, title, first, last, sorted(steps, key=lambda s: s.week))


def _weeks(weeks: list[int]) -> str:
    if len(weeks) <= 6:
        return ", ".join(map(str, weeks))
    return f"{weeks[0]}-{weeks[-1]} ({len(weeks)} weeks)"


def _answer(story: Story, week: int, level: str) -> list[Step]:
    """The commission's chain of the attack launched in ``week``: detected, attributed, decided, answered."""
    c = story.chain
    rows = c[(c["actor"] == RUSSIA) & (c["level"] == level) & (c["violation_week"] == week)]
    if rows.empty:
        return []
    r = rows.iloc[0]
    out = [Step(week, "attack", r["violation"])]
    for col, text, stage in (("detected_week", "detected", "detected"), ("attributed_week", "attribution", "attributed"),
                             ("decided_week", "decision", "decided"), ("responded_week", "response", "answered")):
        w = r[col]
        if w is not None and not (isinstance(w, float) and math.isnan(w)):
            words = str(r[text]) or stage
            out.append(Step(int(w), stage, words[:1].upper() + words[1:] + ("" if words.endswith(".") else ".")))
        elif r[text]:
            out.append(Step(week, stage, str(r[text])[:1].upper() + str(r[text])[1:] + "."))
    if r["notes"]:
        out.append(Step(week, "notes", str(r["notes"]) + "."))
    return out


def _war(story: Story, week: int) -> list[Step]:
    ev = story.events
    out = []
    for kind in ("casualties", "war_end"):
        for r in ev[(ev["kind"] == kind) & (ev["week"] >= week)].head(1).itertuples():
            out.append(Step(int(r.week), "war", r.text))
    if not any(s.text for s in out if s.week >= week and "repelled" in s.text) and story.escalation_week is not None:
        if "at_war" in story.steps.columns and bool(story.steps["at_war"].iloc[-1]):
            out.append(Step(story.last_week, "war", "The war goes on when the run ends."))
    return out


def _pressure(story: Story, span: IntentSpan) -> Case:
    c = story.chain
    probes = c[(c["actor"] == RUSSIA) & (c["level"] == "probe") & (c["violation_week"] >= span.first)
               & (c["violation_week"] <= span.last)]
    n = len(probes)
    detected = int(probes["detected_week"].notna().sum())
    attributed = int((probes["attributed_to"] == RUSSIA).sum())
    answered = int((probes["states"] > 0).sum())
    text = (f"{n} probe{'s' if n != 1 else ''} in {weeks_text(span.last - span.first + 1)}: {detected} detected, "
            f"{attributed} attributed to Russia, {answered} answered by states.")
    steps = [Step(span.first, "intent", "Russia starts a grey-zone pressure campaign.")]
    if reasons := reasons_at(story, span.first, "probe"):
        steps.append(Step(span.first, "reasons", reasons))
    steps.append(Step(span.last, "answered", text))
    return Case("pressure", f"Pressure campaign, weeks {span.first}-{span.last}", span.first, span.last, steps)


def cases(story: Story) -> list[Case]:
    """The run's campaigns as cases, the war first, then limited offensives, preparations a warning
    exposed, other preparations, pressure campaigns (built once per run)."""
    if "cases" in story.cache:
        return story.cache["cases"]
    spans = story.intent_spans()
    out = []
    for span in spans:
        if span.intent == "preparing":
            out.append(_preparation(story, span, spans))
        elif span.intent == "pressure":
            out.append(_pressure(story, span))
    out.sort(key=lambda c: (ORDER.get(c.kind, 9), c.first))
    story.cache["cases"] = out
    return out
