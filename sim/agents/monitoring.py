"""G1: the US-led monitoring and verification mechanism and the special commission."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa

from sim.clauses import Clause
from sim.ladder import Action

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

RUSSIA, UKRAINE = "Russia", "Ukraine"
# Severity exponent: bigger violations are harder to miss (assumption).
SEVERITY = {Action.PROBE: 1.0, Action.LIMITED: 3.0}
# Evidence scores: mean for a right attribution is the accuracy; a wrong one or a
# false alarm scores this on average; both with this spread (assumption).
WRONG_EVIDENCE_MEAN = 0.4
EVIDENCE_SD = 0.2
EARLY_WARNING_WEIGHT = 0.3  # G1/G5: defence bonus when an attack is seen coming


@dataclass(slots=True)
class Violation:
    week: int
    perpetrator: str
    level: Action


@dataclass(slots=True)
class Report:
    """A report to the commission; ``violation`` is None for a false alarm."""

    week: int
    violation: Violation | None
    attributed_to: str
    level: Action
    correct: bool


class MonitoringMechanism(mesa.Agent):
    """Detects violations after a latency and attributes them, with errors (G1)."""

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        cfg = model.scenario_config.monitoring
        self.cfg = cfg
        self.stream = model.streams["monitoring"]
        us_present = model.scenario_config.united_states.leads_monitoring
        # Coverage from contributions: without the US lead, its share is missing.
        self.base_coverage = (cfg.coverage * (1.0 - (0.0 if us_present else cfg.us_lead_share))
                              if cfg.enabled else 0.0)
        self.surge_until = -1
        self.in_transit: deque[Report] = deque()
        self.seen_weeks: deque[int] = deque()  # weeks of violations seen (G3 cessation)
        self._update()

    # --- state derived from coverage --------------------------------------------
    def _update(self) -> None:
        cov = self.coverage
        intel = self.model.scenario_config.cooperation.intelligence_sharing
        cfg = self.cfg
        self.p_seen = {
            Action.PROBE: 1.0 - (1.0 - cfg.public_visibility_probe) * (1.0 - cov) ** SEVERITY[Action.PROBE],
            Action.LIMITED: 1.0 - (1.0 - cfg.public_visibility_limited) * (1.0 - cov) ** SEVERITY[Action.LIMITED],
            Action.MAJOR: 1.0,  # a renewed armed attack is self-evident
        }
        self.accuracy = (min(0.99, 0.5 + (cfg.attribution_accuracy - 0.5) * math.sqrt(cov) * (0.8 + 0.4 * intel))
                         if cfg.enabled else 0.5)
        # G1 + G5: coverage and intelligence sharing take away surprise.
        self.early_warning = EARLY_WARNING_WEIGHT * cov * (0.5 + intel)

    @property
    def coverage(self) -> float:
        surge = self.cfg.surge_coverage if self.model.week < self.surge_until else 0.0
        return min(1.0, self.base_coverage + surge) if self.cfg.enabled else 0.0

    def surge(self, week: int) -> None:
        """Corrective measure (G1): more monitors for a while."""
        if not self.cfg.enabled:
            return
        self.surge_until = week + self.cfg.surge_weeks
        self._update()

    # --- weekly ------------------------------------------------------------------
    def observe(self, violations: list[Violation], week: int) -> list[Report]:
        """Detect this week's violations; return the reports due this week."""
        if week == self.surge_until:
            self._update()
        log = self.model.events
        for v in violations:
            seen = v.level == Action.MAJOR or self.stream.random() < self.p_seen[v.level]
            if not seen:
                continue
            self.seen_weeks.append(week)
            self.model.note_seen(v)
            if not self.cfg.enabled:
                continue
            correct = v.level == Action.MAJOR or self.stream.random() < self.accuracy
            other = UKRAINE if v.perpetrator == RUSSIA else RUSSIA
            attributed = v.perpetrator if correct else other
            log.add(week, "detection", "MonitoringMechanism", v.level.label, Clause.G1,
                    f"{v.level.label} violation by {v.perpetrator} detected; report attributes it to {attributed}")
            self.in_transit.append(Report(week + self.cfg.latency_weeks, v, attributed, v.level, correct))
        if self.cfg.enabled and self.stream.random() < self.cfg.false_alarm_rate:
            blamed = RUSSIA if self.stream.random() < 0.5 else UKRAINE
            log.add(week, "false_alarm", "MonitoringMechanism", "probe", Clause.G1,
                    f"report of a probe that did not happen, blaming {blamed}")
            self.seen_weeks.append(week)
            self.in_transit.append(Report(week + self.cfg.latency_weeks, None, blamed, Action.PROBE, False))
        due = []
        while self.in_transit and self.in_transit[0].week <= week:
            due.append(self.in_transit.popleft())
        return due

    def seen_in_window(self, week: int, window: int) -> int:
        while self.seen_weeks and self.seen_weeks[0] <= week - window:
            self.seen_weeks.popleft()
        return len(self.seen_weeks)


@dataclass(slots=True)
class Case:
    report: Report
    decide_week: int


@dataclass(slots=True)
class Decision:
    """What the commission (or, with none, self-evidence) decided, and when to act."""

    week: int
    level: Action
    attributed_to: str
    respond_week: int
    violation: Violation | None
    ad_hoc: bool = False


class SpecialCommission(mesa.Agent):
    """Attributes responsibility and determines corrective measures (G1)."""

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.cfg = model.scenario_config.commission
        self.stream = model.streams["commission"]
        self.pending: deque[Case] = deque()
        self.decisions = 0
        self.cleared = 0  # cases closed without attribution
        self.correct = 0
        self.wrong = 0

    def deliberation_weeks(self) -> int:
        return self.model.delay(self.cfg.deliberation_weeks)

    def receive(self, reports: list[Report], week: int) -> None:
        for r in reports:
            weeks = self.model.expedite(self.cfg.deliberation_weeks, "deliberation", r.level.label)
            self.pending.append(Case(r, week + weeks))

    def deliberate(self, week: int) -> list[Decision]:
        """Decide the cases whose deliberation ends this week."""
        out: list[Decision] = []
        log = self.model.events
        while self.pending and self.pending[0].decide_week <= week:
            case = self.pending.popleft()
            r = case.report
            if not self.cfg.enabled:
                self.model.note_unanswered(r.violation, week)
                continue
            mean = self.model.monitoring.accuracy if r.correct else WRONG_EVIDENCE_MEAN
            evidence = min(1.0, max(0.0, self.stream.normal(mean, EVIDENCE_SD)))
            if r.level == Action.MAJOR:
                evidence = 1.0
            if evidence < self.cfg.evidence_threshold:
                self.cleared += 1
                log.add(week, "attribution", "SpecialCommission", r.level.label, Clause.G1,
                        f"evidence {evidence:.2f} below threshold {self.cfg.evidence_threshold:.2f}: not attributed")
                self.model.note_unanswered(r.violation, week)
                continue
            if not self.model.coalition.vote(evidence, self.cfg.decision_rule):
                self.cleared += 1
                log.add(week, "decision", "SpecialCommission", r.level.label, Clause.G1,
                        f"{self.cfg.decision_rule.replace('_', ' ')} not reached: no corrective measures")
                self.model.note_unanswered(r.violation, week)
                continue
            self.decisions += 1
            if r.correct and r.violation is not None:
                self.correct += 1
            else:
                self.wrong += 1
            truth = r.violation.perpetrator if r.violation else "nobody"
            log.add(week, "attribution", "SpecialCommission", r.level.label, Clause.G1,
                    f"attributed to {r.attributed_to} (evidence {evidence:.2f}; perpetrator: {truth})")
            if r.attributed_to == UKRAINE and r.violation is not None and r.violation.perpetrator == RUSSIA:
                self.model.note_unanswered(r.violation, week)  # misattributed: Russia goes unpunished
            measures = ", ".join(self.cfg.corrective_measures.get(r.level.label, [])) or "none"
            log.add(week, "decision", "SpecialCommission", r.level.label, Clause.G1,
                    f"corrective measures against {r.attributed_to}: {measures}")
            respond = self.model.expedite(self.model.scenario_config.commitments.response_delay_weeks,
                                          "response", r.level.label)
            out.append(Decision(week, r.level, r.attributed_to, week + respond, r.violation))
        return out
