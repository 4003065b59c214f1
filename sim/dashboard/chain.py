"""The commission's chain: one row a violation (or false alarm), from what happened to who answered.

violation -> detected (G1 monitoring) -> attributed or not, and why (G1 commission) -> decided
(corrective measures) -> responded (the states, G4), with the week of each stage. Each
violation, attack and false alarm is a case of the model's event log: every event of its
chain carries that case's id (``sim.events``), so a row is the events of one case.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.clauses import Clause
from sim.config import Scenario
from sim.dashboard.sentences import describe, measures_words
from sim.dashboard.words import LEVEL_NOUNS, NOBODY, RUSSIA, weeks_text
from sim.events import Event
from sim.ladder import RESPONSE_TYPES

CHAIN_COLUMNS = (
    "id", "case_id", "actor", "level", "violation_week", "violation", "detected_week", "detected", "report_blames",
    "attributed_week", "attributed_to", "attribution", "misattributed", "decided_week", "decision",
    "responded_week", "response", "states", "status", "clauses", "notes", "respond_due",
)
STARTS = ("violation", "escalation", "false_alarm")  # the events that open a case of the chain


def response_summary(group: list[tuple[str, str, tuple[str, ...]]], level: str,
                     binding_levels: tuple[str, ...] = ("major",)) -> str:
    """'12 states responded to the probe (G4, each government's choice: ...): diplomacy 12, sanctions 2.'

    ``group``: (state, 'binding' or 'political', response types) for each state that answered one decision.
    A ratified commitment binds only for the levels the design's commitments cover
    (``commitments.binding_levels``); a response to another level is each government's choice."""
    counts: dict[str, int] = {}
    for _, _, types in group:
        for t in types:
            counts[t] = counts.get(t, 0) + 1
    binding = sum(commitment == "binding" for _, commitment, _ in group)
    n = len(group)
    states = "1 state" if n == 1 else f"{n} states"
    if level and level not in binding_levels:
        covered = " or ".join(LEVEL_NOUNS.get(lv, lv) for lv in binding_levels) or "no level"
        bound = f", each government's choice: ratified commitments cover only a {covered}"
    else:
        bound = f", {binding} bound by a ratified commitment" if binding else ", none bound by a ratified commitment"
    types = ", ".join(f"{t} {counts[t]}" for t in RESPONSE_TYPES if counts.get(t)) + "".join(
        f", {t} {c}" for t, c in counts.items() if t not in RESPONSE_TYPES)
    about = f" to the {LEVEL_NOUNS.get(level, level)}" if level else ""
    return f"{states} responded{about} (G4{bound}): {types}."


def _new_row(i: int, e: Event) -> dict[str, Any]:
    false_alarm = e.kind == "false_alarm"
    return {"id": i, "case_id": e.event_id, "actor": NOBODY if false_alarm else (e.perpetrator or e.actor),
            "level": e.level or "probe", "violation_week": None if false_alarm else e.week,
            "violation": "nothing happened (false alarm)" if false_alarm else describe(e),
            "detected_week": e.week if false_alarm else None, "detected": "",
            "report_blames": e.attributed_to if false_alarm else None, "attributed_week": None,
            "attributed_to": None, "attribution": "", "misattributed": False, "decided_week": None,
            "decision": "", "responded_week": None, "response": "", "states": 0, "status": "",
            "clauses": {e.clause}, "notes": [], "respond_due": None, "_measures": [], "_answers": [],
            "_target": None}


def chain_table(rows: list[Event], scenario: Scenario) -> pd.DataFrame:
    """One row a violation, attack or false alarm (a case of the event log): from what happened to who answered."""
    cases: dict[int, dict[str, Any]] = {}
    default_delay = scenario.commitments.response_delay_weeks
    for e in rows:
        if e.kind in STARTS:
            cases[e.event_id] = _new_row(len(cases), e)
            continue
        row = cases.get(e.case_id)
        if row is None:
            continue
        row["clauses"].add(e.clause)
        if e.kind == "detection":
            row["detected_week"], row["report_blames"] = e.week, e.attributed_to
        elif e.kind == "attribution":
            row["attributed_week"] = e.week
            if e.outcome == "not_attributed":
                row["attribution"] = (f"not attributed: evidence {e.evidence:.2f} below the threshold "
                                      f"{e.threshold:.2f}")
                row["status"] = "not attributed"
                continue
            to, truth = e.attributed_to, e.perpetrator or NOBODY
            row["attributed_to"], row["misattributed"] = to, to != truth
            if truth == NOBODY:
                row["attribution"] = f"blamed on {to} for nothing that happened (evidence {e.evidence:.2f})"
            elif to != truth:
                row["attribution"] = f"blamed on {to}, but {truth} did it (evidence {e.evidence:.2f}): misattribution"
            else:
                row["attribution"] = f"attributed to {to} (evidence {e.evidence:.2f})"
        elif e.kind == "decision":
            if e.outcome == "not_reached":
                row["attributed_week"] = row["attributed_week"] or e.week
                row["attribution"] = f"not attributed: the {e.note.replace('_', ' ')} was not reached"
                row["status"] = "no decision"
            elif e.outcome == "ad_hoc":  # no commission: a self-evident attack
                row["detected_week"] = row["detected_week"] if row["detected_week"] is not None else e.week
                row["detected"] = "self-evident"
                row["attributed_week"], row["attributed_to"] = e.week, e.attributed_to or RUSSIA
                row["attribution"] = "self-evident: no commission needed to name the attacker"
                row["decided_week"], row["_target"] = e.week, e.attributed_to or RUSSIA
                row["decision"] = "no commission: states decide ad hoc"
                row["respond_due"] = e.week + (e.weeks or 0)
            else:
                row["decided_week"], row["_target"] = e.week, e.attributed_to
                row["decision"] = f"against {e.attributed_to}: {measures_words(e.items)}"
                if row["level"] == "major" and e.attributed_to == RUSSIA:
                    row["decision"] += " (the answer to an attack is the states' G4 responses)"
                row["respond_due"] = e.week + default_delay
        elif e.kind == "coordination":
            if e.outcome in ("response", "ad_hoc_response"):
                row["respond_due"] = e.week + (e.weeks or 0)
            before = weeks_text(e.baseline_weeks) if e.baseline_weeks is not None else "longer"
            stage = "the response delay" if e.outcome in ("response", "ad_hoc_response") else e.outcome
            row["notes"].append(f"C1 cut {stage} from {before} to {weeks_text(e.weeks or 0)}")
        elif e.kind == "corrective_measure":
            if e.outcome == "stockpiles_opened":  # released as a major attack starts (G2)
                row["notes"].append("G2: defence stockpiles released at once")
                row["clauses"].add(Clause.G2.value)
            else:
                row["_measures"].append(e)
        elif e.kind == "response":
            row["_answers"].append(e)
    last_week = scenario.horizon_weeks - 1
    out = [_finish(row, scenario.monitoring.enabled, scenario.commission.enabled, last_week,
                   tuple(scenario.commitments.binding_levels)) for row in cases.values()]
    frame = pd.DataFrame(out)
    if frame.empty:
        return pd.DataFrame(columns=list(CHAIN_COLUMNS))
    frame["clauses"] = frame["clauses"].map(lambda s: tuple(sorted(s)))
    frame["notes"] = frame["notes"].map(lambda n: "; ".join(n))
    return frame[list(CHAIN_COLUMNS)]


def _finish(row: dict, monitoring: bool, commission: bool, last_week: int,
            binding_levels: tuple[str, ...]) -> dict:
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
    measures, answers = row.pop("_measures"), row.pop("_answers")
    if measures or answers:
        parts = [m_text for m_text in (describe(m).rstrip(".").removeprefix("Corrective measure: ")
                                       for m in measures)]
        if answers:
            group = [(e.actor, e.outcome, e.items) for e in answers]
            parts.append(response_summary(group, row["level"], binding_levels).rstrip("."))
        elif row["_target"] == RUSSIA:
            parts.append("no state acted (G4)")
        row["states"] = len(answers)
        row["response"] = "; ".join(parts)
        row["responded_week"] = min(e.week for e in measures + answers)
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
    del row["_target"]
    return row


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
