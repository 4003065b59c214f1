"""G1: the US-led monitoring and verification mechanism, early warning (G1, G5), and the
special commission.

The mechanism sees violations (by coverage and severity) and attributes them, with
errors; it also watches for *indicators* of a preparation (build-ups, logistics),
together with intelligence (G5), and issues a warning when enough are detected in a
window. The commission attributes reported violations and decides corrective measures.
Agents return what they saw and decided; the model routes it (no call-backs).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa

from sim.agents.coordination import expedite
from sim.clauses import Clause
from sim.ladder import Action

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

RUSSIA, UKRAINE = "Russia", "Ukraine"


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


@dataclass(slots=True)
class Decision:
    """What the commission (or, with none, self-evidence) decided, and when to act."""

    week: int
    level: Action
    attributed_to: str
    respond_week: int
    violation: Violation | None
    ad_hoc: bool = False


@dataclass(slots=True)
class Outcome:
    """What the commission's week produced: decisions, and violations Russia saw go unanswered."""

    decisions: list[Decision] = field(default_factory=list)
    unanswered: list[tuple[int, Action]] = field(default_factory=list)  # (week Russia learns, level)


class MonitoringMechanism(mesa.Agent):
    """Detects violations and indicators, attributes violations with errors, warns (G1, G5)."""

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.stream = model.streams["monitoring"]
        self.surge_until = -1
        self.in_transit: deque[Report] = deque()
        self.seen_weeks: deque[int] = deque()  # weeks of violations seen (G3 cessation)
        self.indicator_weeks: deque[int] = deque()  # weeks of indicators detected
        self.indicators_detected = 0
        self.false_indicators = 0
        self.warning_due: int | None = None  # week the warning's measures take effect
        self.warning_until = -1
        self.warnings = 0
        self.refresh()

    # --- state derived from coverage and the US role ----------------------------------
    def refresh(self) -> None:
        sc = self.model.scenario_config
        cfg = sc.monitoring
        self.enabled = cfg.enabled
        us_present = self.model.united_states.leads_monitoring
        # Coverage from contributions: without the US lead, its share is missing.
        self.base_coverage = cfg.coverage * (1.0 - (0.0 if us_present else cfg.us_lead_share)) if cfg.enabled else 0.0
        cov = self.coverage
        self.p_seen = {
            Action.PROBE: 1.0 - (1.0 - cfg.public_visibility_probe) * (1.0 - cov),
            Action.LIMITED: 1.0 - (1.0 - cfg.public_visibility_limited) * (1.0 - cov) ** cfg.severity_limited,
            Action.MAJOR: 1.0,  # a renewed armed attack is self-evident
        }
        intel = self.intelligence_picture
        self.accuracy = (min(0.99, 0.5 + (cfg.attribution_accuracy - 0.5) * math.sqrt(cov) * (0.8 + 0.4 * intel))
                         if cfg.enabled else 0.5)
        self.p_indicator = self.indicator_detection(cov, intel)

    @property
    def intelligence_picture(self) -> float:
        """Share of the intelligence picture reaching the coalition (G5); US sharing is part of it."""
        sc = self.model.scenario_config
        w = sc.united_states.intelligence_weight
        us = 1.0 if self.model.united_states.shares_intelligence else 0.0
        return sc.cooperation.intelligence_sharing * ((1.0 - w) + w * us)

    def indicator_detection(self, coverage: float, intel: float) -> float:
        """Chance an indicator is detected by monitoring (G1) or intelligence (G5)."""
        w = self.model.scenario_config.warning
        return 1.0 - (1.0 - w.monitoring_detection * coverage) * (1.0 - w.intelligence_detection * intel)

    @property
    def coverage(self) -> float:
        if not self.enabled:
            return 0.0
        surge = self.model.scenario_config.monitoring.surge_coverage if self.model.week < self.surge_until else 0.0
        return min(1.0, self.base_coverage + surge)

    @property
    def warned(self) -> bool:
        return self.model.week < self.warning_until

    def surge(self, week: int) -> None:
        """Corrective measure (G1): more monitors for a while."""
        if not self.enabled:
            return
        self.surge_until = week + self.model.scenario_config.monitoring.surge_weeks
        self.refresh()

    # --- weekly: violations --------------------------------------------------------
    def observe(self, violations: list[Violation], week: int) -> tuple[list[Report], list[Violation]]:
        """Detect this week's violations; return the reports due this week and what was seen."""
        if week == self.surge_until:
            self.refresh()
        cfg = self.model.scenario_config.monitoring
        log = self.model.events
        seen_now: list[Violation] = []
        for v in violations:
            seen = v.level == Action.MAJOR or self.stream.random() < self.p_seen[v.level]
            if not seen:
                continue
            self.seen_weeks.append(week)
            seen_now.append(v)
            if not self.enabled:
                continue
            correct = v.level == Action.MAJOR or self.stream.random() < self.accuracy
            other = UKRAINE if v.perpetrator == RUSSIA else RUSSIA
            attributed = v.perpetrator if correct else other
            log.add(week, "detection", "MonitoringMechanism", v.level.label, Clause.G1,
                    f"{v.level.label} violation by {v.perpetrator} detected; report attributes it to {attributed}")
            self.in_transit.append(Report(week + cfg.latency_weeks, v, attributed, v.level, correct))
        if self.enabled and self.stream.random() < cfg.false_alarm_rate:
            blamed = RUSSIA if self.stream.random() < 0.5 else UKRAINE
            log.add(week, "false_alarm", "MonitoringMechanism", "probe", Clause.G1,
                    f"report of a probe that did not happen, blaming {blamed}")
            self.seen_weeks.append(week)
            self.in_transit.append(Report(week + cfg.latency_weeks, None, blamed, Action.PROBE, False))
        due = []
        while self.in_transit and self.in_transit[0].week <= week:
            due.append(self.in_transit.popleft())
        return due, seen_now

    def seen_in_window(self, week: int, window: int) -> int:
        while self.seen_weeks and self.seen_weeks[0] <= week - window:
            self.seen_weeks.popleft()
        return len(self.seen_weeks)

    # --- weekly: indicators and warning (G1, G5, C1) --------------------------------------
    def watch(self, indicators: int, week: int) -> bool:
        """Detect indicators of a preparation (and false ones); True when a warning takes effect."""
        p = self.p_indicator
        # One draw per possible indicator, plus one for a false indicator: designs share draws.
        if not indicators:
            u = self.stream.random()
            # The usual week: nothing to detect, no false sign, nothing counted, no warning due.
            if (not self.indicator_weeks and self.warning_due is None
                    and not (p > 0.0 and u < (1.0 - math.exp(-self.model.scenario_config.warning.false_indicator_rate)) * p)):
                return False
            draws = (u,)
        else:
            draws = self.stream.random(indicators + 1)
        w = self.model.scenario_config.warning
        log = self.model.events
        for k in range(indicators):
            if draws[k] < p:
                self.indicators_detected += 1
                self.indicator_weeks.append(week)
                log.add(week, "indicator_detected", self._detector(), "", self._clause(),
                        "sign of an offensive being prepared detected (build-up, logistics)")
        false_p = 1.0 - math.exp(-w.false_indicator_rate)
        if p > 0.0 and draws[-1] < false_p * p:
            self.false_indicators += 1
            self.indicator_weeks.append(week)
            log.add(week, "indicator_detected", self._detector(), "", self._clause(),
                    "reported sign of preparation that is not one (false positive)")
        while self.indicator_weeks and self.indicator_weeks[0] <= week - w.window_weeks:
            self.indicator_weeks.popleft()
        if self.warning_due is None and not self.warned and len(self.indicator_weeks) >= w.threshold:
            delay = expedite(self.model, w.delay_weeks, "warning", "")
            self.warning_due = week + delay
            log.add(week, "warning", self._detector(), "", self._clause(),
                    f"{len(self.indicator_weeks)} signs in {w.window_weeks} weeks: warning issued; "
                    f"pre-agreed measures in {delay} week{'s' if delay != 1 else ''}")
        if self.warning_due is not None and week >= self.warning_due:
            self.warning_due = None
            self.warning_until = week + w.duration_weeks
            self.warnings += 1
            self.indicator_weeks.clear()
            return True
        return False

    def _detector(self) -> str:
        return "MonitoringMechanism" if self.enabled else "Intelligence"

    def _clause(self) -> Clause:
        return Clause.G1 if self.enabled else Clause.G5


@dataclass(slots=True)
class Case:
    report: Report
    decide_week: int


class SpecialCommission(mesa.Agent):
    """Attributes responsibility and determines corrective measures (G1).

    With no commission (``commission.enabled: false``) the agent still stands for the
    coalition's ad hoc reaction: only a self-evident major attack is acted on.
    """

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.stream = model.streams["commission"]
        self.pending: deque[Case] = deque()
        self.decisions = 0
        self.ad_hoc_decisions = 0
        self.cleared = 0  # cases closed without attribution
        self.correct = 0
        self.wrong = 0
        self.attributed_russia_weeks: deque[int] = deque()  # for snapback (sanctions track)

    @property
    def enabled(self) -> bool:
        return self.model.scenario_config.commission.enabled

    def deliberation_weeks(self) -> int:
        return expedite(self.model, self.model.scenario_config.commission.deliberation_weeks, None, "")

    def receive(self, reports: list[Report], seen: list[Violation], week: int, out: Outcome) -> None:
        """Queue reports; with no commission, only a self-evident major attack is acted on."""
        if self.enabled:
            for r in reports:
                weeks = expedite(self.model, self.model.scenario_config.commission.deliberation_weeks,
                                 "deliberation", r.level.label)
                self.pending.append(Case(r, week + weeks))
            return
        c = self.model.scenario_config.commitments
        for v in seen:
            if v.perpetrator != RUSSIA:
                continue
            if v.level == Action.MAJOR:
                delay = expedite(self.model, c.ad_hoc_delay_weeks, "ad hoc response", v.level.label)
                self.ad_hoc_decisions += 1
                self.model.events.add(v.week, "decision", "Coalition", "major", Clause.ASSUMPTION,
                                      f"no commission: the attack is self-evident; ad hoc responses in {delay} weeks")
                out.decisions.append(Decision(v.week, v.level, RUSSIA, v.week + delay, v, ad_hoc=True))
            else:
                out.unanswered.append((v.week + expedite(self.model, c.ad_hoc_delay_weeks, None, ""), v.level))

    def deliberate(self, week: int, out: Outcome) -> None:
        """Decide the cases whose deliberation ends this week."""
        sc = self.model.scenario_config
        cfg, mon = sc.commission, sc.monitoring
        log = self.model.events
        while self.pending and self.pending[0].decide_week <= week:
            case = self.pending.popleft()
            r = case.report
            russian = r.violation is not None and r.violation.perpetrator == RUSSIA
            mean = self.model.monitoring.accuracy if r.correct else mon.wrong_evidence_mean
            evidence = min(1.0, max(0.0, self.stream.normal(mean, mon.evidence_sd)))
            if r.level == Action.MAJOR:
                evidence = 1.0
            if evidence < cfg.evidence_threshold:
                self.cleared += 1
                log.add(week, "attribution", "SpecialCommission", r.level.label, Clause.G1,
                        f"evidence {evidence:.2f} below threshold {cfg.evidence_threshold:.2f}: not attributed")
                if russian:
                    out.unanswered.append((week, r.level))
                continue
            if not self.model.coalition.vote(evidence, cfg.decision_rule):
                self.cleared += 1
                log.add(week, "decision", "SpecialCommission", r.level.label, Clause.G1,
                        f"{cfg.decision_rule.replace('_', ' ')} not reached: no corrective measures")
                if russian:
                    out.unanswered.append((week, r.level))
                continue
            self.decisions += 1
            if r.correct and r.violation is not None:
                self.correct += 1
            else:
                self.wrong += 1
            truth = r.violation.perpetrator if r.violation else "nobody"
            log.add(week, "attribution", "SpecialCommission", r.level.label, Clause.G1,
                    f"attributed to {r.attributed_to} (evidence {evidence:.2f}; perpetrator: {truth})")
            if r.attributed_to == RUSSIA:
                self.attributed_russia_weeks.append(week)
            elif russian:
                out.unanswered.append((week, r.level))  # misattributed: Russia goes unpunished
            measures = ", ".join(cfg.corrective_measures.get(r.level.label, [])) or "none"
            log.add(week, "decision", "SpecialCommission", r.level.label, Clause.G1,
                    f"corrective measures against {r.attributed_to}: {measures}")
            respond = expedite(self.model, sc.commitments.response_delay_weeks, "response", r.level.label)
            out.decisions.append(Decision(week, r.level, r.attributed_to, week + respond, r.violation))

    def attributed_to_russia_within(self, week: int, window: int) -> int:
        q = self.attributed_russia_weeks
        while q and q[0] <= week - window:
            q.popleft()
        return len(q)
