"""The one adapter between the model and the dashboard: a finished run as tidy tables.

Everything the dashboard shows about a run comes from :func:`run_story`, which runs
the model for its whole horizon (milliseconds) and returns a :class:`Story`:

* ``steps``   one row a week, every DataCollector column (the steps.csv columns;
  extra columns a newer model adds are kept and charted generically);
* ``events``  one row an event, with a readable actor, a plain sentence and why the
  clause id fits; member responses to one decision collapse into one row;
* ``chain``   the commission's chain, one row a violation (or false alarm):
  violation -> detected -> attributed (or not, and why) -> decided -> responded;
* ``members`` each state's legal status and responses, week by week (the tiles).

The model's event log has no case ids, so the chain is rebuilt from the order of
events: reports reach the commission and are decided first in, first out (one
latency, one deliberation time per level), and each decision's responses come in
the week its response delay ends. :data:`KINDS` and :data:`GLOSSARY` say how each
event kind and term is shown; an event kind or step column not listed there is
shown with a generic label, so a model that adds mechanisms (campaigns, warnings,
elections, sanctions, shocks) plugs in by extending those two tables here.
"""

from __future__ import annotations

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
    "reference design": "The design drawn dashed on the story charts and used as the baseline on the Compare page.",
    "seed": "Fixes the dice. Two designs run with the same seed meet the same luck (common random numbers).",
    # Model v2 mechanisms (issue 8); shown as soon as the model logs them.
    "campaign": "A Russian campaign: weeks of grey-zone pressure or preparation for an offensive, with a start and an end.",
    "indicator": "A visible sign of preparation: build-ups, logistics, intensified violations.",
    "warning": "Monitoring or intelligence (G1, G5) saw indicators and warned: pre-agreed measures can follow.",
    "election": "A scheduled national election in a member or the US.",
    "government change": "A new government: its resolve shifts, and political (not ratified) commitments can be dropped.",
    "sanctions": "Sanctions in force, relieved as agreed in the deal, or snapped back after an attributed violation.",
    "shock": "A scripted event of the scenario (for example the US ending its backstop).",
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
    "indicator": Kind("Indicator", "Russia did", "indicator", "#ef6c00", "triangle"),
    "detection": Kind("Detected", "Monitoring saw", "detected", "#1565c0", "triangle"),
    "false_alarm": Kind("False alarm", "Monitoring saw", "false alarm", "#f9a825", "pin"),
    "warning": Kind("Warning", "Monitoring saw", "warning", "#0277bd", "pin"),
    "attribution": Kind("Attribution", "Commission decided", "attributed", "#6a1b9a", "diamond"),
    "decision": Kind("Decision", "Commission decided", "decided", "#ef6c00", "rect"),
    "corrective_measure": Kind("Corrective measure", "Coalition responded", "decided", "#8d6e63", "rect"),
    "response": Kind("States responded", "Coalition responded", "responded", "#2e7d32", "circle"),
    "coordination": Kind("Coordination cell", "Coalition responded", "", "#546e7a", "emptyCircle"),
    "ratification": Kind("Ratification", "Politics", "ratified commitment", "#00897b", "circle"),
    "election": Kind("Election", "Politics", "election", "#5e35b1", "circle"),
    "government_change": Kind("Government change", "Politics", "government change", "#4527a0", "diamond"),
    "sanctions": Kind("Sanctions", "Politics", "sanctions", "#6d4c41", "rect"),
    "shock": Kind("Scripted shock", "Politics", "shock", "#37474f", "diamond"),
    "request": Kind("Force requested", "Force and support", "", "#00838f", "circle"),
    "deployment": Kind("Force deployment", "Force and support", "", "#00695c", "rect"),
    "surge": Kind("Stockpile surge arrived", "Force and support", "stockpile release", "#2e7d32", "triangle"),
    "war_end": Kind("War ends", "Russia did", "", "#33691e", "diamond"),
}
# Timeline lanes, top to bottom; a lane an unknown kind names is added below these.
LANES: tuple[str, ...] = ("Russia did", "Monitoring saw", "Commission decided", "Coalition responded",
                          "Ukraine, wrong blame", "Politics", "Force and support")
UKRAINE_LANE = "Ukraine, wrong blame"  # Ukraine's violations, false alarms, misattributions
OTHER_LANE = "Other events"

ACTORS: dict[str, str] = {
    "SpecialCommission": "Special commission (G1)",
    "MonitoringMechanism": "Monitoring mission (G1)",
    "MultinationalForce": "Multinational Force (G3)",
    "CoordinationCell": "Coordination cell (C1)",
    "Coalition": "Coalition",
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
    "at_war": Series("renewed war under way", "yes/no", "balance"),
    "credibility_probe": Series("believed resolve if probe", "share 0-1", "resolve"),
    "credibility_limited": Series("believed resolve if limited", "share 0-1", "resolve"),
    "credibility_major": Series("believed resolve if major", "share 0-1", "resolve"),
    "russia_strength": Series("Russia's strength", "strength units", "balance"),
    "ukraine_defence": Series("Ukraine's effective defence", "strength units", "balance"),
    "force_strength": Series("force strength", "strength units", "force"),
    "force_phase": Series("force phase", "phase", "force"),
    "p_major": Series("Russia's chance of a major attack this week", "probability", "more"),
    "russia_ambition": Series("Russia's ambition", "x baseline", "more"),
    "sanctions_cost": Series("Russia's sanctions cost", "index", "more"),
    "ukraine_strength": Series("Ukraine's force strength", "strength units", "more"),
    "fortification": Series("fortification", "share 0-1", "more"),
    "coverage": Series("monitoring coverage", "share", "more"),
    "mean_member_resolve": Series("members' mean resolve", "share 0-1", "more"),
    "ratified_share": Series("share of members bound by ratification", "share", "more"),
    "territory_lost_pct": Series("territory lost", "%", "more"),
}
NOT_CHARTED = {"week", "date", "run_id"}
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


def plain(text: str) -> str:
    """Generic clean-up of the model's wording: '1 weeks', snake_case words, CamelCase names."""
    text = re.sub(r"\b1 weeks\b", "1 week", text)
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


def measures_text(raw: str) -> str:
    items = [m.strip().replace("_", " ") for m in raw.split(",") if m.strip() and m.strip() != "none"]
    return ", ".join(items) if items else "no measures of its own"


def describe(kind: str, actor: str, level: str, detail: str) -> str:
    """One plain sentence for an event (generic for kinds not handled here)."""
    lvl = f"{level} " if level else ""
    if kind == "violation":
        if actor == RUSSIA and level == "limited":
            return f"Limited offensive by Russia: {plain(detail).replace('local offensive ', '')}."
        if actor == RUSSIA:
            return f"Probe by Russia: {plain(detail).replace('grey-zone violation: ', '')}."
        return f"{level.capitalize() or 'Violation'} by {actor}: {plain(detail)}."
    if kind == "escalation":
        return "Renewed armed attack by Russia: the binding commitments (G4) are called on."
    if kind == "detection" and (m := _DETECTION.search(detail)):
        lvl_, who, blamed = m.groups()
        wrong = "" if who == blamed else f" (wrong: it was {who})"
        return f"Monitoring saw the {lvl_} by {who}; its report blames {blamed}{wrong}."
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
    text = plain(detail)
    label = kind_info(kind).label
    head = f"{label} ({level})" if level else label
    return f"{head}: {text[:1].lower() + text[1:]}" if text else head


# --------------------------------------------------------------------------- #
# The story of one run
# --------------------------------------------------------------------------- #
@dataclass
class Member:
    """One state's tile over time: legal status changes and responses by week."""

    name: str
    european: bool
    initial: str  # ratified | pending | political
    changes: list[tuple[int, str]] = field(default_factory=list)  # (week, new status)
    responses: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)

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
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # what charts build once per run

    @property
    def last_week(self) -> int:
        return int(self.steps.index.max()) if len(self.steps) else 0

    def date_of(self, week: int) -> str | None:
        """Calendar date of a week when the model reports one (a ``date`` step column)."""
        if "date" in self.steps.columns and week in self.steps.index:
            return str(self.steps.at[week, "date"])
        return None

    def state_at(self, week: int) -> str:
        esc = self.escalation_week
        if esc is None or week < esc:
            return "ceasefire holds"
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
        rows = list(model.events.rows)
        members = _members(model, rows)
        run = run_record(model)
    finally:
        getattr(mesa.Agent, "_ids", {}).pop(model, None)  # Mesa 3.3 keeps every model (mesa#3179)
    events = event_table(rows)
    chain = chain_table(rows, scenario)
    return Story(label or scenario.name, scenario, int(seed), model.horizon, steps, events, chain, members,
                 run, model.escalation_week)


def _members(model: Any, rows: list[tuple]) -> list[Member]:
    coal = model.coalition
    names = list(coal.names)
    sc = model.scenario_config
    out = []
    for i, name in enumerate(names):
        scheduled = int(coal.ratification_week[i]) >= 0
        if scheduled:
            initial = "pending"
        elif bool(coal.ratified[i]) and sc.commitments.binding:
            initial = "ratified"  # binding from day one
        else:
            initial = "political"
        out.append(Member(name, bool(coal.is_europe[i]), initial))
    by_name = {m.name: m for m in out}
    for week, kind, actor, level, _, detail in rows:
        m = by_name.get(actor)
        if m is None:
            continue
        if kind == "ratification":
            m.changes.append((int(week), "failed" if "failed" in detail else "ratified"))
        elif kind == "response":
            types = tuple(t.strip() for t in detail.partition(": ")[2].split(",") if t.strip() in RESPONSE_TYPES)
            m.responses.append((int(week), types))
    return out


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


def response_summary(group: list[tuple[str, str]], level: str) -> str:
    """'12 states responded to the probe (3 bound by ratification): diplomacy 12, sanctions 2.'"""
    counts: dict[str, int] = defaultdict(int)
    binding = 0
    for _, detail in group:
        kind, _, types = detail.partition(": ")
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
            key = (week, level, target)
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
