"""The commission's chain: one row a violation (or false alarm), from what happened to who answered.

violation -> detected (G1 monitoring) -> attributed or not, and why (G1 commission) -> decided
(corrective measures) -> responded (the states, G4), with the week of each stage. Until the
model's events carry case ids, the chain is rebuilt from the order of events: reports reach
the commission and are decided first in, first out (one latency, one deliberation time per
level), and each decision's responses come in the week its response delay ends.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from typing import Any

import pandas as pd

from sim.clauses import Clause
from sim.config import Scenario
from sim.dashboard import prose
from sim.dashboard.words import LEVEL_NOUNS, NOBODY, RUSSIA, weeks_text
from sim.ladder import RESPONSE_TYPES

CHAIN_COLUMNS = (
    "id", "actor", "level", "violation_week", "violation", "detected_week", "detected", "report_blames",
    "attributed_week", "attributed_to", "attribution", "misattributed", "decided_week", "decision",
    "responded_week", "response", "states", "status", "clauses", "notes", "respond_due",
)


def response_summary(group: list[tuple[str, str]], level: str, binding_levels: tuple[str, ...] = ("major",)) -> str:
    """'12 states responded to the probe (G4, each government's choice: ...): diplomacy 12, sanctions 2.'

    A ratified commitment binds only for the levels the design's commitments cover
    (``commitments.binding_levels``); a response to another level is each government's choice."""
    counts, binding = prose.response_counts(group)
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
    binding_levels = tuple(scenario.commitments.binding_levels)
    last_week = scenario.horizon_weeks - 1
    batches: dict[tuple[int, str, str], list[list[tuple]]] = defaultdict(list)  # (week, level, target)
    stockpiles: set[int] = set()  # weeks of a stockpile release outside any response

    for week, kind, actor, level, clause, detail in rows:
        week = int(week)
        if kind in ("violation", "escalation"):
            row = _new_row(len(chain), actor, level, week, prose.describe(kind, actor, level, detail), clause)
            if week in stockpiles and level == "major":
                row["notes"].append("G2: defence stockpiles released at once")
                row["clauses"].add(Clause.G2.value)
            chain.append(row)
            undetected[(week, actor, level)].append(row["id"])
        elif kind == "detection":
            seen = prose.detection(detail)
            who, blamed = (seen[1], seen[2]) if seen else (None, None)
            key = (week, who, level)
            if not undetected.get(key):  # wording unknown: the latest undetected violation that week
                key = next((k for k in undetected if k[0] == week and k[2] == level and undetected[k]), key)
            if undetected.get(key):
                row = chain[undetected[key].popleft()]
                row["detected_week"], row["report_blames"] = week, blamed
                row["clauses"].add(clause)
                reports.append(row["id"])
        elif kind == "false_alarm":
            row = _new_row(len(chain), NOBODY, level or "probe", None, "nothing happened (false alarm)", "")
            row["detected_week"], row["report_blames"] = week, prose.false_alarm_blames(detail)
            row["clauses"].add(clause)
            chain.append(row)
            reports.append(row["id"])
        elif kind == "coordination":
            cut = prose.coordination(detail)
            if not cut:
                continue
            stage, short, long = cut
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
            named = prose.attribution(detail)
            if named is not None and named[0] is None:
                row["attribution"] = f"not attributed: evidence {named[1]:g} below the threshold {named[2]:g}"
                row["status"] = "not attributed"
                just_decided = None
            elif named is not None:
                to, ev, truth = named
                row["attributed_to"] = to
                row["misattributed"] = to != truth
                if truth == NOBODY:
                    row["attribution"] = f"blamed on {to} for nothing that happened (evidence {ev:g})"
                elif to != truth:
                    row["attribution"] = f"blamed on {to}, but {truth} did it (evidence {ev:g}): misattribution"
                else:
                    row["attribution"] = f"attributed to {to} (evidence {ev:g})"
                just_decided = row["id"]
            else:
                row["attribution"] = prose.plain(detail)
                just_decided = row["id"]
        elif kind == "decision":
            what = prose.decision(detail)
            if what[0] == "ad hoc":  # no commission: a self-evident attack
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
                    row["respond_due"] = week + int(what[1])
                    row["clauses"].add(clause)
                continue
            if what[0] == "not reached":
                if reports:
                    row = chain[reports.popleft()]
                    row["attributed_week"] = week
                    row["attribution"] = f"not attributed: the {what[1]} was not reached"
                    row["status"] = "no decision"
                    row["clauses"].add(clause)
                just_decided = None
                continue
            if just_decided is not None:
                row = chain[just_decided]
                target = what[1] if what[0] == "measures" else row["attributed_to"]
                row["decided_week"], row["_target"] = week, target
                row["decision"] = (f"against {target}: {what[2]}" if what[0] == "measures" else prose.plain(detail))
                if row["level"] == "major" and target == RUSSIA:
                    row["decision"] += " (the answer to an attack is the states' G4 responses)"
                row["respond_due"] = week + default_delay
                row["clauses"].add(clause)
        elif kind in ("response", "corrective_measure") and level:
            to = prose.demarche_to(detail)
            key = (week, level, to or RUSSIA)
            starts = kind == "corrective_measure" and to is not None
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
        _finish(row, monitoring, commission, last_week, binding_levels)
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


def _finish(row: dict, monitoring: bool, commission: bool, last_week: int, binding_levels: tuple[str, ...]) -> None:
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
        measures = [prose.plain(detail) for kind, _, _, detail in events if kind == "corrective_measure"]
        row["states"] = len(states)
        parts = []
        if measures:
            parts.append("; ".join(measures))
        if states:
            parts.append(response_summary(states, row["level"], binding_levels).rstrip("."))
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
