"""The one adapter between the model and the dashboard: a finished run as tidy tables.

Everything the dashboard shows about a run comes from :func:`run_story`, which runs
the model for its whole horizon (milliseconds) and returns a :class:`Story`:

* ``steps``   one row a week, every DataCollector column (the steps.csv columns;
  extra columns a newer model adds are kept and charted generically);
* ``events``  one row an event, with a readable actor, a plain sentence and why the
  clause id fits; member responses to one decision collapse into one row;
* ``chain``   the commission's chain, one row a violation (or false alarm):
  violation -> detected -> attributed (or not, and why) -> decided -> responded;
* ``members`` each state's legal status (G0: ratified, pending, political, failed,
  dropped, no pledge, as the model's ``ratification_status``), responses and changes of
  government, week by week (the tiles);
* ``force``   the Multinational Force by nation: troops, aircraft, ships, basing, exposure,
  the week an attack struck its troops (G3).

Dates: week ``w`` is shown with ``scenario.date_of(w)`` (the ceasefire date plus ``w`` weeks).
Russia's intent and the warning in force are step columns (steps.csv), drawn as bands.

The model's event log has no case ids, so the chain is rebuilt from the order of
events: reports reach the commission and are decided first in, first out (one
latency, one deliberation time per level), and each decision's responses come in
the week its response delay ends. :data:`KINDS` and :data:`GLOSSARY` say how each
event kind and term is shown; an event kind or step column not listed there is
shown with a generic label, so a model that adds mechanisms (campaigns, warnings,
elections, sanctions, shocks) plugs in by extending those two tables here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import mesa
import pandas as pd

from sim.clauses import Clause
from sim.config import Scenario
from sim.ladder import RESPONSE_TYPES
from sim.model import DeterrenceModel
from sim.outputs import run_record

RUSSIA, UKRAINE, NOBODY = "Russia", "Ukraine", "nobody"


# --------------------------------------------------------------------------- #
# Words: the glossary, event kinds, actors, step columns
# --------------------------------------------------------------------------- #
GLOSSARY: dict[str, str] = {
    "probe": "Grey-zone violation of the ceasefire: shelling, drones or sabotage. Level 1 of Russia's ladder.",
    "limited": "Limited offensive: a local attack to seize ground. Level 2 of the ladder.",
    "major": "Renewed armed attack: the war starts again and the G4 commitments are called on. Level 3.",
    "comply": "Russia keeps the ceasefire this week. Level 0.",
    "strength units": "Military strength on one scale for every side: Russia's strength at the ceasefire is 1.",
    "believed resolve": "What Russia believes: the share of the coalition's pledged power that would act "
                        "if it violated at that level. It learns from what happens after each violation.",
    "political commitment": "A pledge not (yet) ratified: each government decides when the day comes, "
                            "and a new government can drop it.",
    "ratified commitment": "A commitment approved by parliament (or Congress): legally binding, it survives "
                           "a change of government and acts more automatically (G0).",
    "detected": "The monitoring mission (G1) saw the violation; its report names who it thinks did it.",
    "attributed": "The special commission (G1) weighed the evidence and named a party. Evidence below "
                  "the threshold, or a failed vote, leaves the case unattributed.",
    "misattribution": "The report or the commission blamed the wrong party. A Russian violation blamed on "
                      "Ukraine goes unpunished: Russia learns that violating is cheap.",
    "false alarm": "A report of a violation that did not happen (G1).",
    "decided": "The commission ordered corrective measures (a demarche, a monitoring surge, a stockpile release).",
    "responded": "Coalition states acted under G4: diplomacy, sanctions, intelligence, logistics, military.",
    "demarche": "A formal diplomatic protest. It is the commission's own measure; the weight of an answer "
                "comes from the states' G4 responses.",
    "monitoring surge": "More monitors for some weeks: more violations are seen (G1).",
    "stockpile release": "Access to defence stockpiles after an attack: Ukraine's strength rises after a delay (G2).",
    "week and date": "Week 0 is the ceasefire's entry into force (1 Jul 2026 in the shipped scenarios, an "
                     "assumption); each week is shown with the date it starts, so an event dated 20 Jan 2029 "
                     "falls in the week of 17 Jan 2029.",
    "reference design": "The design drawn dashed on the story charts and used as the baseline on the Compare page.",
    "seed": "Fixes the dice. Two designs run with the same seed meet the same luck (common random numbers).",
    # Model v2 mechanisms (issue 8)
    "Russia's intent": "What Russia is doing, week by week: compliant, a pressure campaign, preparing an "
                       "offensive, attacking (a limited offensive), or at war. It changes only at decision "
                       "points (its periodic assessment, the end of a campaign, a warning that exposes it).",
    "campaign": "A Russian campaign: weeks of grey-zone pressure (probes) or of preparing an offensive, with a "
                "start and an end. A preparation ends in a launch, or Russia stands down or aborts.",
    "indicator": "A sign that an offensive is being prepared (build-ups, logistics, intensified violations). "
                 "Russia produces them while preparing; monitoring (G1) and intelligence (G5) detect some, and "
                 "report false ones now and then.",
    "warning": "Enough indicators detected within a few weeks: a warning is issued (G1, G5). Ukraine raises its "
               "readiness (P1), the pre-agreed warning measures follow, and a preparation is exposed: Russia "
               "loses surprise and may abort.",
    "warning measures": "Pre-agreed measures a warning sets off: stockpile pre-positioning (G2), the force on "
                        "alert (G3), a public diplomatic warning, a sanctions threat (G4).",
    "window of opportunity": "Russia compares attacking now with attacking later, given what it expects to "
                             "change: elections, a US withdrawal, sanctions relief, the force deploying, "
                             "ratifications completing. A window opens when waiting looks worse.",
    "election": "A dated national election in a member or the US (scenarios/elections.csv).",
    "government change": "A new government: its resolve shifts, and political (not ratified) commitments can be dropped.",
    "pledge dropped": "A new, less supportive government withdrew its predecessor's political pledge: that state "
                      "no longer responds under G4. A ratified commitment survives a change of government (G0).",
    "no pledge": "The state makes no G4 pledge: in the declaration as written the US leads monitoring (G1), "
                 "offers 'proposed support' to the force (G3) and sits in the coordination cell (C1), but the "
                 "binding commitments are the Coalition's. 'With US bilateral guarantee' adds a US pledge.",
    "US roles": "Monitoring lead (G1), support to the force (G3), intelligence sharing (G5; off as written); a "
                "new US administration, the sitting one within its term, or a scripted shock, can withdraw them.",
    "sanctions level": "Sanctions on Russia: those in force at the ceasefire, less the relief of the deal, plus "
                       "the G4 sanctions of the responses. It slows Russia's reconstitution.",
    "relief pace": "Share of the ceasefire sanctions lifted per year while Russia complies (part of the deal).",
    "snapback": "Relieved sanctions return after enough attributed Russian violations, or at an attack: "
                "automatically, after a new vote of the commission, or never (the rule is a lever).",
    "tripwire rally": "If an attack strikes a nation's troops in the force, that nation's resolve to respond "
                      "jumps (its allies' less): the force deters through the members, not by a fixed cost (G3).",
    "shock": "A scripted, dated event of the scenario (for example the US withdrawing its roles in 2029).",
}


@dataclass(frozen=True)
class Kind:
    """How one event kind is shown: label, timeline lane, glossary term, colour, symbol."""

    label: str
    lane: str
    term: str = ""
    colour: str = "#78909c"
    symbol: str = "circle"


KINDS: dict[str, Kind] = {
    "violation": Kind("Violation", "Russia did", "probe", "#c62828", "triangle"),
    "escalation": Kind("Renewed armed attack", "Russia did", "major", "#b71c1c", "diamond"),
    "campaign": Kind("Campaign", "Russia did", "campaign", "#ad1457", "rect"),
    "indicator": Kind("Signs of preparation", "Russia did", "indicator", "#ef6c00", "triangle"),
    "war_end": Kind("War ends", "Russia did", "", "#33691e", "diamond"),
    "detection": Kind("Detected", "Monitoring saw", "detected", "#1565c0", "triangle"),
    "false_alarm": Kind("False alarm", "Monitoring saw", "false alarm", "#f9a825", "pin"),
    "indicator_detected": Kind("Indicator detected", "Monitoring saw", "indicator", "#0097a7", "triangle"),
    "warning": Kind("Warning", "Monitoring saw", "warning", "#0277bd", "pin"),
    "attribution": Kind("Attribution", "Commission decided", "attributed", "#6a1b9a", "diamond"),
    "decision": Kind("Decision", "Commission decided", "decided", "#ef6c00", "rect"),
    "corrective_measure": Kind("Corrective measure", "Coalition responded", "decided", "#8d6e63", "rect"),
    "response": Kind("States responded", "Coalition responded", "responded", "#2e7d32", "circle"),
    "warning_measure": Kind("Warning measure", "Coalition responded", "warning measures", "#0288d1", "rect"),
    "sanctions": Kind("Sanctions", "Coalition responded", "snapback", "#6d4c41", "rect"),
    "coordination": Kind("Coordination cell", "Coalition responded", "", "#546e7a", "emptyCircle"),
    "ratification": Kind("Ratification", "Politics", "ratified commitment", "#00897b", "circle"),
    "election": Kind("Election", "Politics", "election", "#7e57c2", "emptyCircle"),
    "government_change": Kind("Government change", "Politics", "government change", "#4527a0", "diamond"),
    "pledge": Kind("Pledge dropped or kept", "Politics", "pledge dropped", "#d84315", "diamond"),
    "us_roles": Kind("US roles", "Politics", "US roles", "#283593", "pin"),
    "shock": Kind("Scripted shock", "Politics", "shock", "#37474f", "pin"),
    "request": Kind("Force requested", "Force and support", "", "#00838f", "circle"),
    "deployment": Kind("Force deployment", "Force and support", "", "#00695c", "rect"),
    "casualties": Kind("Force troops struck", "Force and support", "tripwire rally", "#b71c1c", "diamond"),
    "surge": Kind("Stockpile surge arrived", "Force and support", "stockpile release", "#2e7d32", "triangle"),
    "troops_vote": Kind("Parliament votes on troops", "Coalition responded", "responded", "#558b2f", "emptyCircle"),
    "eu_package": Kind("EU sanctions package", "Coalition responded", "snapback", "#4e342e", "rect"),
    "finalisation": Kind("Commitments finalised", "Politics", "ratified commitment", "#00796b", "pin"),
}
# Timeline lanes, top to bottom; a lane an unknown kind names is added below these.
LANES: tuple[str, ...] = ("Russia did", "Monitoring saw", "Commission decided", "Coalition responded",
                          "Ukraine, wrong blame", "Politics", "Force and support")
UKRAINE_LANE = "Ukraine, wrong blame"  # Ukraine's violations, false alarms, misattributions
OTHER_LANE = "Other events"
# Bands drawn from step columns above and among the event lanes of the timeline.
INTENT_LANE = "Russia's intent"  # steps.csv russia_intent
WARNING_LANE = "Warning in force"  # steps.csv warning_in_force
INTENTS: dict[str, tuple[str, str]] = {  # russia_intent -> (words, colour); compliant is not drawn
    "pressure": ("pressure campaign (grey-zone probes)", "#f9a825"),
    "preparing": ("preparing an offensive", "#ef6c00"),
    "attacking": ("limited offensive under way", "#d32f2f"),
    "at_war": ("at war", "#7b1fa2"),
}

ACTORS: dict[str, str] = {
    "SpecialCommission": "Special commission (G1)",
    "MonitoringMechanism": "Monitoring mission (G1)",
    "MultinationalForce": "Multinational Force (G3)",
    "CoordinationCell": "Coordination cell (C1)",
    "Coalition": "Coalition",
    "Intelligence": "Intelligence (G5)",
    "Scenario": "Scripted in the scenario",
}


def kind_info(kind: str) -> Kind:
    """The display of an event kind; an unknown kind gets its own words and the 'other' lane."""
    return KINDS.get(kind) or Kind(kind.replace("_", " ").capitalize(), OTHER_LANE, kind.replace("_", " "))


def actor_name(actor: str) -> str:
    """'SpecialCommission' -> 'Special commission (G1)'; unknown CamelCase split into words."""
    if actor in ACTORS:
        return ACTORS[actor]
    if re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+", actor or ""):
        words = re.findall(r"[A-Z][a-z]+", actor)
        return " ".join([words[0], *(w.lower() for w in words[1:])])
    return actor


@dataclass(frozen=True)
class Series:
    """A step column as charted: label, unit, chart it belongs to."""

    label: str
    unit: str
    chart: str


# Step columns the story charts draw; any other numeric column goes to "More measures".
SERIES: dict[str, Series] = {
    "escalation_level": Series("Russia's action", "level 0-3", "ladder"),
    "russia_intent": Series("Russia's intent", "state", "timeline"),
    "warning_in_force": Series("warning in force", "yes/no", "timeline"),
    "at_war": Series("renewed war under way", "yes/no", "balance"),
    "credibility_probe": Series("believed resolve if probe", "share 0-1", "resolve"),
    "credibility_limited": Series("believed resolve if limited", "share 0-1", "resolve"),
    "credibility_major": Series("believed resolve if major", "share 0-1", "resolve"),
    "russia_strength": Series("Russia's strength", "strength units", "balance"),
    "ukraine_defence": Series("Ukraine's effective defence", "strength units", "balance"),
    "force_strength": Series("force strength", "strength units", "force"),
    "force_phase": Series("force phase", "phase", "force"),
    "sanctions_level": Series("sanctions level on Russia", "level", "sanctions"),
    "mean_member_resolve": Series("members' mean resolve", "share 0-1", "sanctions"),
    "force_troops": Series("force troops deployed", "troops", "more"),
    "window_value": Series("value to Russia of waiting for a better window", "utility", "more"),
    "indicators_detected": Series("indicators detected so far", "count", "more"),
    "pledged_share": Series("share of members still pledging (G4)", "share", "more"),
    "us_roles": Series("US roles held", "roles", "more"),
    "p_major": Series("Russia's chance of a major attack this week", "probability", "more"),
    "russia_ambition": Series("Russia's ambition", "x baseline", "more"),
    "sanctions_cost": Series("Russia's sanctions cost", "index", "more"),
    "ukraine_strength": Series("Ukraine's force strength", "strength units", "more"),
    "fortification": Series("fortification", "share 0-1", "more"),
    "coverage": Series("monitoring coverage", "share", "more"),
    "ratified_share": Series("share of members bound by ratification", "share", "more"),
    "territory_seized_pct": Series("territory seized", "% of Ukraine", "more"),
}
# Not week by week measures: the date (shown beside the week) and the run-level reporters.
NOT_CHARTED = {"week", "date", "run_id", "escalated", "escalation_week", "survival_weeks"}
# A model that renames a step column the story charts draw: map its new name to the name
# used here (model column -> dashboard column), e.g. {"russia_level": "escalation_level"}.
STEP_RENAMES: dict[str, str] = {}


def series_info(column: str) -> Series:
    return SERIES.get(column) or Series(column.replace("_", " "), "", "more")



CLAUSE_REASONS: dict[tuple[str, str], str] = {
    ("violation", "A"): "no clause governs a violation itself: Russia's and Ukraine's choices are modelling assumptions",
    ("violation", "P1"): "Ukraine's own defence (P1) decides whether a limited offensive gains ground",
    ("escalation", "G4"): "a renewed armed attack calls on the binding commitments of G4",
    ("war_end", "P1"): "Ukraine's defence (P1), helped by G2 and G4, repelled the attack",
    ("decision", "A"): "with no commission, acting on a self-evident attack is a modelling assumption",
}


def clause_reason(kind: str, clause: str) -> str:
    """Why this event carries this clause id (one line)."""
    if (kind, clause) in CLAUSE_REASONS:
        return CLAUSE_REASONS[(kind, clause)]
    try:
        c = Clause(clause)
    except ValueError:
        return clause
    return c.title


# --------------------------------------------------------------------------- #
# Plain sentences
# --------------------------------------------------------------------------- #
def weeks_text(n: int | float) -> str:
    n = int(n)
    return f"{n} week" if n == 1 else f"{n} weeks"


def day_text(day: dt.date) -> str:
    """'9 Sep 2026': a date a student reads at a glance."""
    return f"{day.day} {day:%b %Y}"


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def plain(text: str) -> str:
    """Generic clean-up of the model's wording: '1 weeks', snake_case words, CamelCase names, ISO dates."""
    text = re.sub(r"\b1 weeks\b", "1 week", text)
    text = _ISO_DATE.sub(lambda m: day_text(dt.date(*map(int, m.groups()))), text)
    text = re.sub(r"\b([a-z]+(?:_[a-z]+)+)\b", lambda m: m.group(1).replace("_", " "), text)
    for raw, nice in ACTORS.items():
        text = text.replace(raw, nice)
    return text


_DETECTION = re.compile(r"(\w+) violation by (\w+) detected; report attributes it to (\w+)")
_ATTRIBUTED = re.compile(r"attributed to (\w+) \(evidence ([\d.]+); perpetrator: (\w+)\)")
_BELOW = re.compile(r"evidence ([\d.]+) below threshold ([\d.]+)")
_NOT_REACHED = re.compile(r"(.+) not reached")
_MEASURES = re.compile(r"corrective measures against (\w+): (.*)")
_AD_HOC = re.compile(r"ad hoc responses in (\d+) weeks?")
_FALSE_ALARM = re.compile(r"blaming (\w+)")
_SHORTER = re.compile(r"^(.*?) in (\d+) weeks? instead of (\d+)")
_DEMARCHE = re.compile(r"demarche to (\w+)")
_IN_EFFECT = re.compile(r" \(in effect (\d+) weeks? after the decision\)$")  # a response's lag (G0)
_PROBE = re.compile(r"grey-zone violation(?: \((\w+)\))?: (.*)")
_PROBE_DURING = {"compliant": " (incidental)", "pressure": " (pressure campaign)",
                 "preparing": " (while preparing an offensive)"}
LEVEL_NOUNS = {"probe": "probe", "limited": "limited offensive", "major": "renewed armed attack"}
_SIGNS = re.compile(r"(\d+) observable sign")
_WARNING = re.compile(r"(\d+) signs in (\d+) weeks: warning issued; pre-agreed measures in (\d+) weeks?")
_STRUCK = re.compile(r"troops of (.+) struck")
_SHOCK = re.compile(r"^(.*?): ((?:[a-z_]+\.[a-z_]+ = [^,]+(?:, )?)+)$")
_SECTION_WORDS = {"united_states": "US", "force": "force", "monitoring": "monitoring", "sanctions": "sanctions",
                  "warning": "warning", "commission": "commission", "support": "support",
                  "commitments": "commitments", "cooperation": "cooperation", "ratification": "ratification",
                  "coordination_cell": "coordination cell"}


def _setting(path: str, value: str) -> str:
    """'united_states.leads_monitoring = False' -> 'US leads monitoring: no'."""
    section, _, name = path.partition(".")
    value = {"True": "yes", "False": "no", "true": "yes", "false": "no"}.get(value.strip(), value.strip())
    words = name.replace("_", " ")
    head = _SECTION_WORDS.get(section, section.replace("_", " "))
    return f"{head} {words}: {value.replace('_', ' ')}"


def struck_nations(detail: str) -> list[str]:
    """The nations whose troops a 'casualties' event names."""
    m = _STRUCK.search(detail)
    return [n.strip() for n in m.group(1).split(",")] if m else []


def measures_text(raw: str) -> str:
    items = [m.strip().replace("_", " ") for m in raw.split(",") if m.strip() and m.strip() != "none"]
    return ", ".join(items) if items else "no measures of its own"


def describe(kind: str, actor: str, level: str, detail: str) -> str:
    """One plain sentence for an event (generic for kinds not handled here)."""
    lvl = f"{level} " if level else ""
    if kind == "violation":
        if actor == RUSSIA and level == "limited":
            return f"Limited offensive by Russia: {plain(detail).replace('local offensive ', '')}."
        if actor == RUSSIA and (m := _PROBE.search(detail)):
            during = _PROBE_DURING.get(m.group(1) or "", "")
            return f"Probe by Russia{during}: {plain(m.group(2))}."
        if actor == RUSSIA:
            return f"Probe by Russia: {plain(detail)}."
        return f"{level.capitalize() or 'Violation'} by {actor}: {plain(detail)}."
    if kind == "escalation":
        return "Renewed armed attack by Russia: the binding commitments (G4) are called on."
    if kind == "detection" and (m := _DETECTION.search(detail)):
        lvl_, who, blamed = m.groups()
        wrong = "" if who == blamed else f" (wrong: it was {who})"
        return f"Monitoring saw the {LEVEL_NOUNS.get(lvl_, lvl_)} by {who}; its report blames {blamed}{wrong}."
    if kind == "false_alarm" and (m := _FALSE_ALARM.search(detail)):
        return f"False alarm: a report of a probe that did not happen, blaming {m.group(1)}."
    if kind == "attribution":
        if m := _BELOW.search(detail):
            return (f"Commission: not attributed, evidence {m.group(1)} is below the threshold "
                    f"{m.group(2)}; nobody is answered.")
        if m := _ATTRIBUTED.search(detail):
            to, ev, truth = m.groups()
            if truth == "nobody":
                return f"Commission blames {to} for a violation that did not happen (evidence {ev})."
            if to != truth:
                return f"Commission blames {to} for {truth}'s {lvl}violation (evidence {ev}): a misattribution."
            return f"Commission attributes the {lvl}violation to {to} (evidence {ev})."
    if kind == "decision":
        if m := _NOT_REACHED.search(detail):
            return f"Commission: the {m.group(1)} was not reached, so no corrective measures."
        if m := _MEASURES.search(detail):
            target, raw = m.groups()
            text = f"Commission orders against {target}: {measures_text(raw)}."
            if level == "major":
                text += " The weight of the answer to an attack is the states' G4 responses that follow."
            return text
        if m := _AD_HOC.search(detail):
            return (f"No commission: the attack is self-evident; states decide ad hoc, responses in "
                    f"{weeks_text(m.group(1))}.")
    if kind == "coordination" and (m := _SHORTER.search(detail)):
        stage, short, long = m.groups()
        return f"{stage[:1].upper() + stage[1:]} takes {weeks_text(short)} instead of {weeks_text(long)}."
    if kind == "response":
        binding, _, types = detail.partition(": ")
        return f"{actor} responds ({binding}): {types}."
    if kind == "campaign":
        text = plain(detail)
        return text[:1].upper() + text[1:] + "."
    if kind == "indicator" and (m := _SIGNS.search(detail)):
        n = int(m.group(1))
        signs = "1 sign" if n == 1 else f"{n} signs"
        return (f"Russia's preparation ({level}) gives off {signs} (build-up, logistics, intensified "
                "violations): seen only if monitoring or intelligence detects them.")
    if kind == "indicator_detected":
        if "false positive" in detail:
            return "Reported a sign of preparation that is not one (a false positive)."
        return "Detected a sign of an offensive being prepared (build-up, logistics)."
    if kind == "warning" and (m := _WARNING.search(detail)):
        n, window, delay = m.groups()
        when = "at once" if int(delay) == 0 else f"in {weeks_text(delay)}"
        return (f"Warning issued: {n} signs of preparation in {window} weeks; Ukraine's readiness and the "
                f"pre-agreed measures follow {when}.")
    if kind == "warning_measure":
        return f"Warning measure: {plain(detail)}."
    if kind == "sanctions":
        text = plain(detail)
        return ("Sanctions " + text if text.startswith("snapback") else "Sanctions: " + text) + "."
    if kind == "shock" and (m := _SHOCK.search(detail)):
        what, settings = m.groups()
        changes = "; ".join(_setting(*part.split(" = ", 1)) for part in settings.split(", ") if " = " in part)
        return f"Scripted shock: {plain(what)} ({changes})."
    if kind == "casualties":
        return f"The attack strikes the force: {plain(detail)} (the tripwire acts through the members)."
    if kind in ("election", "government_change", "pledge", "us_roles", "ratification", "surge", "request",
                "deployment"):
        text = plain(detail)
        return text[:1].upper() + text[1:] + "."
    text = plain(detail)
    label = kind_info(kind).label
    head = f"{label} ({level})" if level else label
    return f"{head}: {text[:1].lower() + text[1:]}" if text else head


# --------------------------------------------------------------------------- #
# The story of one run
# --------------------------------------------------------------------------- #
@dataclass
class Member:
    """One state's tile over time: legal status changes, responses and changes of government by week.

    Statuses (G0), as the model's ``CoalitionMember.ratification_status``: ratified, pending,
    political, failed, dropped (a new government withdrew a political pledge), no pledge.
    """

    name: str
    european: bool
    initial: str  # ratified | pending | political | no pledge
    changes: list[tuple[int, str]] = field(default_factory=list)  # (week, new status)
    responses: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    governments: list[tuple[int, str]] = field(default_factory=list)  # (week, what the change was)
    lead: bool = False  # a framework nation of the force (France, the UK)

    def status_at(self, week: int) -> str:
        status = self.initial
        for w, s in self.changes:
            if w <= week:
                status = s
        return status

    def counts_at(self, week: int) -> dict[str, int]:
        out = dict.fromkeys(RESPONSE_TYPES, 0)
        for w, types in self.responses:
            if w <= week:
                for t in types:
                    out[t] = out.get(t, 0) + 1
        return out

    def governments_at(self, week: int) -> list[tuple[int, str]]:
        return [(w, text) for w, text in self.governments if w <= week]


FORCE_COLUMNS = ("nation", "troops", "aircraft", "ships", "basing", "exposure", "lead", "struck_week")


@dataclass
class Story:
    """A finished run, as the dashboard reads it."""

    label: str
    scenario: Scenario
    seed: int
    horizon: int
    steps: pd.DataFrame  # index: week
    events: pd.DataFrame
    chain: pd.DataFrame
    members: list[Member]
    run: dict[str, Any]
    escalation_week: int | None
    # the force by nation (FORCE_COLUMNS): contributions at full deployment, basing, struck
    force: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(FORCE_COLUMNS)))
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # what charts build once per run

    @property
    def last_week(self) -> int:
        return int(self.steps.index.max()) if len(self.steps) else 0

    def date_of(self, week: int) -> str:
        """Calendar date of a week ('9 Sep 2026'): the ceasefire date plus ``week`` weeks."""
        dates = self.cache.get("dates")
        if dates is None:  # every week's, once per run (the event log asks for hundreds)
            dates = self.cache["dates"] = [day_text(self.scenario.date_of(w)) for w in range(self.horizon)]
        week = int(week)
        return dates[week] if 0 <= week < len(dates) else day_text(self.scenario.date_of(week))

    def intent_at(self, week: int) -> str:
        if "russia_intent" in self.steps.columns and week in self.steps.index:
            return str(self.steps.at[week, "russia_intent"])
        return ""

    def deployed_share(self, week: int) -> float:
        """Share of the force's troops deployed at the end of ``week`` (0 before the request)."""
        total = float(self.force["troops"].sum()) if len(self.force) else 0.0
        if total <= 0 or "force_troops" not in self.steps.columns or week not in self.steps.index:
            return 0.0
        return min(1.0, float(self.steps.at[week, "force_troops"]) / total)

    def state_at(self, week: int) -> str:
        esc = self.escalation_week
        if esc is None or week < esc:
            state = "ceasefire holds"
            intent = self.intent_at(week)
            if intent in INTENTS and intent != "at_war":
                state += f", Russia: {INTENTS[intent][0].split(' (')[0]}"
            if "warning_in_force" in self.steps.columns and bool(self.steps.at[week, "warning_in_force"]):
                state += ", warning in force"
            return state
        war = self.steps["at_war"] if "at_war" in self.steps.columns else None
        if war is not None and week in war.index and bool(war.at[week]):
            return f"renewed war since week {esc}"
        return f"attack in week {esc}, war over"


def run_story(scenario: Scenario, seed: int, label: str = "") -> Story:
    """Run ``scenario`` with ``seed`` to its horizon and read the story off the finished model."""
    model = DeterrenceModel(scenario, int(seed))
    model.run()
    try:
        steps = pd.DataFrame(model.datacollector.model_vars).rename(columns=STEP_RENAMES)
        steps.index = pd.RangeIndex(len(steps), name="week")  # collected once a week, from week 0
        # The story's tables still take (week, kind, actor, level, clause, detail); reading the
        # structured fields instead is the dashboard's next change (issue 17).
        rows = [(e.week, e.kind, e.actor, e.level, e.clause, e.detail) for e in model.events.rows]
        members = _members(model, scenario, rows)
        force = _force(model, rows)
        run = run_record(model)
    finally:
        getattr(mesa.Agent, "_ids", {}).pop(model, None)  # Mesa 3.3 keeps every model (mesa#3179)
    events = event_table(rows)
    chain = chain_table(rows, scenario)
    return Story(label or scenario.name, scenario, int(seed), model.horizon, steps, events, chain, members,
                 run, model.escalation_week, force)


def _members(model: Any, sc: Scenario, rows: list[tuple]) -> list[Member]:
    """Each state's status at the ceasefire (as the model schedules ratification), then its events."""
    coal = model.coalition
    binding, r = sc.commitments.binding, sc.ratification
    out = []
    for i, name in enumerate(coal.names):
        if not bool(coal.pledged_at_ceasefire[i]):
            initial = "no pledge"  # the US in the declaration as written
        elif binding and r.in_force_at_ceasefire:
            initial = "ratified"  # binding from day one
        elif binding and r.seek_ratification:
            initial = "pending"
        else:
            initial = "political"
        out.append(Member(name, bool(coal.is_europe[i]), initial, lead=bool(coal.framework_nation[i])))
    by_name = {m.name: m for m in out}
    for week, kind, actor, level, _, detail in rows:
        m = by_name.get(actor)
        if m is None:
            continue
        if kind == "ratification":
            m.changes.append((int(week), "failed" if "failed" in detail else "ratified"))
        elif kind == "pledge" and "drops" in detail:
            m.changes.append((int(week), "dropped"))
        elif kind == "government_change":
            m.governments.append((int(week), plain(detail)))
        elif kind == "response":
            types = tuple(t.strip() for t in response_types(detail).split(",") if t.strip() in RESPONSE_TYPES)
            m.responses.append((int(week), types))
    return out


def _force(model: Any, rows: list[tuple]) -> pd.DataFrame:
    """The force by nation at full deployment (scaled by the force size), basing, and when struck."""
    f, coal, sc = model.force, model.coalition, model.scenario_config
    size = sc.force.size if sc.force.enabled else 0.0
    forward = sc.force.posture == "forward"
    struck: dict[str, int] = {}
    for week, kind, _, _, _, detail in rows:
        if kind == "casualties":
            for name in struck_nations(detail):
                struck.setdefault(name, int(week))
    out = []
    for i in map(int, (f.contributors.nonzero()[0])):
        basing = f.basing[i]
        where = {"outside": "outside Ukraine", "rear": "rear hubs in Ukraine", "forward": "forward"}.get(basing, basing)
        if forward and basing == "rear":
            where = "forward (posture)"
        out.append({"nation": coal.names[i], "troops": int(round(f.troops[i] * size)),
                    "aircraft": int(round(f.aircraft[i] * size)), "ships": int(round(f.ships[i] * size)),
                    "basing": where, "exposure": float(f.exposure[i]), "lead": bool(coal.framework_nation[i]),
                    "struck_week": struck.get(coal.names[i])})
    frame = pd.DataFrame(out, columns=list(FORCE_COLUMNS))
    return frame.sort_values(["troops", "aircraft", "ships"], ascending=False, kind="stable").reset_index(drop=True)


EVENT_COLUMNS = ("seq", "week", "kind", "actor", "level", "clause", "detail", "who", "text", "why", "lane",
                 "states", "group")


def event_table(rows: list[tuple]) -> pd.DataFrame:
    """The event log, readable: member responses to one decision collapse into one row.

    ``states`` counts the states in a collapsed response row; ``group`` lists them.
    """
    out: list[dict[str, Any]] = []
    for seq, (week, kind, actor, level, clause, detail) in enumerate(rows):
        week = int(week)
        if kind == "response" and out and out[-1]["kind"] == "response" and out[-1]["week"] == week \
                and out[-1]["level"] == level:
            prev = out[-1]
            prev["group"].append((actor, detail))
            prev["states"] += 1
            continue
        lane = kind_info(kind).lane
        if _ukrainian(kind, actor, detail):
            lane = UKRAINE_LANE
        out.append({"seq": seq, "week": week, "kind": kind, "actor": actor, "level": level, "clause": clause,
                    "detail": detail, "who": actor_name(actor), "text": describe(kind, actor, level, detail),
                    "why": clause_reason(kind, clause), "lane": lane,
                    "states": 1 if kind == "response" else 0,
                    "group": [(actor, detail)] if kind == "response" else []})
    for r in out:
        if r["kind"] == "response":
            r["who"] = "Coalition states (G4)" if r["states"] > 1 else actor_name(r["actor"])
            r["text"] = response_summary(r["group"], r["level"])
    return pd.DataFrame(out, columns=list(EVENT_COLUMNS))


def _ukrainian(kind: str, actor: str, detail: str) -> bool:
    """Ukraine's own violations, and every report or attribution that blames the wrong party."""
    if kind == "violation" and actor == UKRAINE:
        return True
    if kind == "detection" and (m := _DETECTION.search(detail)):
        return m.group(2) == UKRAINE or m.group(2) != m.group(3)
    if kind == "attribution" and (m := _ATTRIBUTED.search(detail)):
        return m.group(1) != m.group(3) or m.group(1) == UKRAINE
    if kind == "false_alarm":
        return True
    if kind == "decision" and (m := _MEASURES.search(detail)):
        return m.group(1) == UKRAINE
    return kind == "corrective_measure" and "to Ukraine" in detail


def response_types(detail: str) -> str:
    """'political commitment: sanctions, military (in effect 3 weeks after the decision)' -> 'sanctions, military'."""
    return _IN_EFFECT.sub("", detail.partition(": ")[2])


def response_lag(detail: str) -> int:
    """Weeks from the decision to a response in effect (0 when the detail names none)."""
    m = _IN_EFFECT.search(detail)
    return int(m.group(1)) if m else 0


def response_summary(group: list[tuple[str, str]], level: str) -> str:
    """'12 states responded to the probe (3 bound by ratification): diplomacy 12, sanctions 2.'"""
    counts: dict[str, int] = defaultdict(int)
    binding = 0
    for _, detail in group:
        kind = detail.partition(": ")[0]
        types = response_types(detail)
        binding += kind == "binding commitment"
        for t in types.split(","):
            if t.strip():
                counts[t.strip()] += 1
    n = len(group)
    states = "1 state" if n == 1 else f"{n} states"
    bound = f", {binding} bound by a ratified commitment" if binding else ", none bound by ratification"
    types = ", ".join(f"{t} {counts[t]}" for t in RESPONSE_TYPES if counts.get(t)) + "".join(
        f", {t} {c}" for t, c in counts.items() if t not in RESPONSE_TYPES)
    about = f" to the {level}" if level else ""
    return f"{states} responded{about} (G4{bound}): {types}."


# --------------------------------------------------------------------------- #
# The commission's chain
# --------------------------------------------------------------------------- #
CHAIN_COLUMNS = (
    "id", "actor", "level", "violation_week", "violation", "detected_week", "detected", "report_blames",
    "attributed_week", "attributed_to", "attribution", "misattributed", "decided_week", "decision",
    "responded_week", "response", "states", "status", "clauses", "notes", "respond_due",
)


def _new_row(i: int, actor: str, level: str, week: int | None, what: str, clause: str) -> dict[str, Any]:
    return {"id": i, "actor": actor, "level": level, "violation_week": week, "violation": what,
            "detected_week": None, "detected": "", "report_blames": None, "attributed_week": None,
            "attributed_to": None, "attribution": "", "misattributed": False, "decided_week": None,
            "decision": "", "responded_week": None, "response": "", "states": 0, "status": "",
            "clauses": {clause} if clause else set(), "notes": [], "respond_due": None, "_target": None,
            "_batches": []}


def chain_table(rows: list[tuple], scenario: Scenario) -> pd.DataFrame:
    """One row a violation (and a false alarm): from what happened to who answered, with weeks.

    Reports are decided first in, first out; decisions are answered when their
    response delay ends (shortened by the coordination cell when it says so).
    """
    chain: list[dict[str, Any]] = []
    undetected: dict[tuple[int, str, str], deque[int]] = defaultdict(deque)  # (week, actor, level) -> rows
    reports: deque[int] = deque()  # rows whose report awaits the commission, in arrival order
    just_decided: int | None = None
    monitoring = scenario.monitoring.enabled
    commission = scenario.commission.enabled
    default_delay = scenario.commitments.response_delay_weeks
    last_week = scenario.horizon_weeks - 1
    batches: dict[tuple[int, str, str], list[list[tuple]]] = defaultdict(list)  # (week, level, target)
    stockpiles: set[int] = set()  # weeks of a stockpile release outside any response

    for week, kind, actor, level, clause, detail in rows:
        week = int(week)
        if kind in ("violation", "escalation"):
            row = _new_row(len(chain), actor, level, week, describe(kind, actor, level, detail), clause)
            if week in stockpiles and level == "major":
                row["notes"].append("G2: defence stockpiles released at once")
                row["clauses"].add(Clause.G2.value)
            chain.append(row)
            undetected[(week, actor, level)].append(row["id"])
        elif kind == "detection":
            m = _DETECTION.search(detail)
            who, blamed = (m.group(2), m.group(3)) if m else (None, None)
            key = (week, who, level)
            if not undetected.get(key):  # wording unknown: the latest undetected violation that week
                key = next((k for k in undetected if k[0] == week and k[2] == level and undetected[k]), key)
            if undetected.get(key):
                row = chain[undetected[key].popleft()]
                row["detected_week"], row["report_blames"] = week, blamed
                row["clauses"].add(clause)
                reports.append(row["id"])
        elif kind == "false_alarm":
            m = _FALSE_ALARM.search(detail)
            row = _new_row(len(chain), NOBODY, level or "probe", None, "nothing happened (false alarm)", "")
            row["detected_week"], row["report_blames"] = week, (m.group(1) if m else None)
            row["clauses"].add(clause)
            chain.append(row)
            reports.append(row["id"])
        elif kind == "coordination":
            m = _SHORTER.search(detail)
            if not m:
                continue
            stage, short, long = m.group(1), int(m.group(2)), int(m.group(3))
            if stage == "response" and just_decided is not None:
                chain[just_decided]["respond_due"] = week + short
                chain[just_decided]["notes"].append(
                    f"C1 cut the response delay from {weeks_text(long)} to {weeks_text(short)}")
                chain[just_decided]["clauses"].add(clause)
            elif stage == "deliberation":
                row = next((chain[i] for i in reports if chain[i]["level"] == level
                            and not any("deliberation" in n for n in chain[i]["notes"])), None)
                if row is not None:
                    row["notes"].append(f"C1 cut deliberation from {weeks_text(long)} to {weeks_text(short)}")
                    row["clauses"].add(clause)
        elif kind == "attribution":
            if not reports:
                continue
            row = chain[reports.popleft()]
            row["attributed_week"] = week
            row["clauses"].add(clause)
            if m := _BELOW.search(detail):
                row["attribution"] = f"not attributed: evidence {m.group(1)} below the threshold {m.group(2)}"
                row["status"] = "not attributed"
                just_decided = None
            elif m := _ATTRIBUTED.search(detail):
                to, ev, truth = m.groups()
                row["attributed_to"] = to
                row["misattributed"] = to != truth
                if truth == "nobody":
                    row["attribution"] = f"blamed on {to} for nothing that happened (evidence {ev})"
                elif to != truth:
                    row["attribution"] = f"blamed on {to}, but {truth} did it (evidence {ev}): misattribution"
                else:
                    row["attribution"] = f"attributed to {to} (evidence {ev})"
                just_decided = row["id"]
            else:
                row["attribution"] = plain(detail)
                just_decided = row["id"]
        elif kind == "decision":
            if m := _AD_HOC.search(detail):  # no commission: a self-evident attack
                ids = undetected.get((week, RUSSIA, level)) or deque()
                target_rows = [chain[i] for i in ids] or [r for r in chain if r["violation_week"] == week
                                                          and r["actor"] == RUSSIA and r["level"] == level]
                for row in target_rows[:1]:
                    row["detected_week"] = row["detected_week"] if row["detected_week"] is not None else week
                    row["detected"] = "self-evident"
                    row["attributed_week"], row["attributed_to"] = week, RUSSIA
                    row["attribution"] = "self-evident: no commission needed to name the attacker"
                    row["decided_week"], row["_target"] = week, RUSSIA
                    row["decision"] = "no commission: states decide ad hoc"
                    row["respond_due"] = week + int(m.group(1))
                    row["clauses"].add(clause)
                continue
            if m := _NOT_REACHED.search(detail):
                if reports:
                    row = chain[reports.popleft()]
                    row["attributed_week"] = week
                    row["attribution"] = f"not attributed: the {m.group(1)} was not reached"
                    row["status"] = "no decision"
                    row["clauses"].add(clause)
                just_decided = None
                continue
            if just_decided is not None:
                row = chain[just_decided]
                mm = _MEASURES.search(detail)
                target = mm.group(1) if mm else row["attributed_to"]
                row["decided_week"], row["_target"] = week, target
                row["decision"] = (f"against {target}: {measures_text(mm.group(2))}" if mm else plain(detail))
                if row["level"] == "major" and target == RUSSIA:
                    row["decision"] += " (the answer to an attack is the states' G4 responses)"
                row["respond_due"] = week + default_delay
                row["clauses"].add(clause)
        elif kind in ("response", "corrective_measure") and level:
            target = m.group(1) if (m := _DEMARCHE.search(detail)) else RUSSIA
            # A response is logged when it takes effect: it answers the decision carried out lag weeks before.
            key = (week - (response_lag(detail) if kind == "response" else 0), level, target)
            starts = kind == "corrective_measure" and bool(_DEMARCHE.search(detail))
            if starts or not batches[key]:
                batches[key].append([])
            batches[key][-1].append((kind, actor, clause, detail))
        elif kind == "corrective_measure" and not level:  # stockpile release (G2)
            key = next((k for k in reversed(list(batches)) if k[0] == week and k[1] == "limited"), None)
            if key is not None and batches[key]:
                batches[key][-1].append((kind, actor, clause, detail))
            else:  # released as a major attack starts: logged just before the attack
                stockpiles.add(week)

    _attach_responses(chain, batches)
    for row in chain:
        _finish(row, monitoring, commission, last_week)
    frame = pd.DataFrame(chain)
    if frame.empty:
        return pd.DataFrame(columns=list(CHAIN_COLUMNS))
    frame["clauses"] = frame["clauses"].map(lambda s: tuple(sorted(s)))
    frame["notes"] = frame["notes"].map(lambda n: "; ".join(n))
    return frame[list(CHAIN_COLUMNS)]


def _attach_responses(chain: list[dict], batches: dict[tuple[int, str, str], list[list[tuple]]]) -> None:
    """Give each decided row the batch of responses of its response week (same level and target)."""
    waiting: dict[tuple[int, str, str], list[dict]] = defaultdict(list)
    for row in chain:
        if row["decided_week"] is not None and row["respond_due"] is not None:
            waiting[(row["respond_due"], row["level"], row["_target"])].append(row)
    for key, rows in waiting.items():
        found = batches.get(key, [])
        if len(found) == len(rows):
            for row, batch in zip(rows, found):
                row["_batches"].append(batch)
        elif found:  # cannot tell which events answer which decision: show them shared
            merged = [e for b in found for e in b]
            for row in rows:
                row["_batches"].append(merged)
                if len(rows) > 1:
                    row["notes"].append(f"answered together with {len(rows) - 1} other decision(s) that week")


def _finish(row: dict, monitoring: bool, commission: bool, last_week: int) -> None:
    """Fill the words of each stage and the row's status."""
    if row["actor"] != NOBODY and row["detected_week"] is None:
        row["detected"] = "not detected" if monitoring else "no monitoring in this design"
        row["status"] = row["status"] or "not detected"
    elif row["detected_week"] is not None and not row["detected"]:
        blamed = row["report_blames"]
        wrong = blamed is not None and row["actor"] != NOBODY and blamed != row["actor"]
        row["detected"] = (f"report blames {blamed}" + (" (wrong party)" if wrong else "")) if blamed else "seen"
    if row["detected_week"] is not None and row["attributed_week"] is None:
        if not commission:
            row["attribution"] = "no commission in this design: nobody attributes it"
            row["status"] = row["status"] or "not attributed"
        else:
            row["attribution"] = "still before the commission when the run ends"
            row["status"] = row["status"] or "pending"
    if row["_batches"]:
        events = [e for b in row["_batches"] for e in b]
        states = [(actor, detail) for kind, actor, _, detail in events if kind == "response"]
        measures = [plain(detail) for kind, _, _, detail in events if kind == "corrective_measure"]
        row["states"] = len(states)
        parts = []
        if measures:
            parts.append("; ".join(measures))
        if states:
            parts.append(response_summary(states, row["level"]).rstrip("."))
        elif row["_target"] == RUSSIA:
            parts.append("no state acted (G4)")
        row["response"] = "; ".join(parts)
        row["responded_week"] = row["respond_due"]
        row["clauses"].update(c for _, _, c, _ in events)
    elif row["decided_week"] is not None:
        due = row["respond_due"]
        if due is not None and due > last_week:
            row["response"] = f"due in week {due}, after the run ends"
            row["status"] = row["status"] or "pending"
        else:
            row["response"] = "no state acted and no measure was taken"
            row["responded_week"] = due
    if not row["status"]:
        if row["actor"] == NOBODY:
            row["status"] = "false alarm"
        elif row["misattributed"]:
            row["status"] = "misattributed"
        elif row["decided_week"] is not None:
            row["status"] = "answered"
        else:
            row["status"] = "unanswered"
    if row["misattributed"] and row["actor"] == RUSSIA:
        row["notes"].append("Russia goes unpunished for this one and learns that violating is cheap")
    del row["_target"], row["_batches"]


def chain_at(chain: pd.DataFrame, week: int) -> pd.DataFrame:
    """The chain as known at the end of ``week``: later stages blanked, later violations dropped."""
    start = chain["violation_week"].fillna(chain["detected_week"])
    known = chain[start <= week].copy()
    for stage, text in (("detected_week", "detected"), ("attributed_week", "attribution"),
                        ("decided_week", "decision"), ("responded_week", "response")):
        later = known[stage].notna() & (known[stage] > week)
        known.loc[later, text] = "(later)"
        known.loc[later, stage] = math.nan
    return known
