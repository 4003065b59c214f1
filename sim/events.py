"""The event log: one row an event, each naming the clause that acted."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.clauses import Clause

EVENT_KINDS: tuple[str, ...] = (
    "violation", "detection", "false_alarm", "attribution", "decision", "response",
    "corrective_measure", "ratification", "request", "deployment", "escalation",
    "surge", "war_end", "coordination", "campaign", "indicator", "indicator_detected", "warning",
    "warning_measure", "election", "government_change", "pledge", "us_roles", "sanctions", "shock",
    "casualties",
)


@dataclass(slots=True)
class EventLog:
    """Appends events when recording; always keeps counts by kind."""

    record: bool = True
    rows: list[tuple] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_KINDS, 0))

    def add(self, week: int, kind: str, actor: str, level: str, clause: Clause, detail: str) -> None:
        self.counts[kind] += 1
        if self.record:
            self.rows.append((week, kind, actor, level, clause.value, detail))
