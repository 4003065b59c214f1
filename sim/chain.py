"""The commission's chain (G1): a violation, its detection and report, attribution and decision.

Steps 3 and 4 of the week. The US-led monitoring and verification mechanism sees
violations (by coverage and severity) and reports them with an attribution that can be
wrong; the special commission weighs the evidence, votes under its decision rule and
decides corrective measures; its decisions go to the responses (``sim.responses``) and
what Russia sees go unanswered goes to Russia's learning. With no commission only a
self-evident major attack is acted on (ad hoc). Every event of a chain belongs to the
case of its violation (``case_id``) and names the event before it (``cause_id``).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.agents.coordination import expedite
from sim.clauses import Clause
from sim.ladder import RUSSIA, UKRAINE, Action, Violation

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


@dataclass(slots=True)
class Report:
    """A report to the commission; ``violation`` is None for a false alarm."""

    week: int  # the week it reaches the commission
    violation: Violation | None
    attributed_to: str
    level: Action
    correct: bool
    case: int = 0
    event_id: int = 0  # the detection (or false alarm) event


@dataclass(slots=True)
class Decision:
    """What the commission (or, with none, self-evidence) decided, and when to act."""

    week: int
    level: Action
    attributed_to: str
    respond_week: int
    violation: Violation | None
    ad_hoc: bool = False
    case: int = 0
    event_id: int = 0  # the decision event


@dataclass(slots=True)
class Outcome:
    """What the commission's week produced: decisions, and violations Russia saw go unanswered."""

    decisions: list[Decision] = field(default_factory=list)
    unanswered: list[tuple[int, Action]] = field(default_factory=list)  # (week Russia learns, level)


class MonitoringMechanism(mesa.Agent):
    """Detects violations and attributes them, with errors (G1); intelligence cooperation helps (G5)."""

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.stream = model.streams["monitoring"]
        self.surge_until = -1
        self.in_transit: deque[Report] = deque()
        self.seen_weeks: deque[int] = deque()  # weeks of violations seen (G3 cessation)
        self.version = 0  # bumped whenever coverage or the intelligence picture changes
        self.refresh()

    def refresh(self) -> None:
        """Coverage, visibility and accuracy from the scenario and the US role (at start, shocks, surges)."""
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
        self.refreshed = (cov, intel)  # what the derived quantities (and warning's detection) were computed from
        self.accuracy = (min(cfg.accuracy_cap, 0.5 + (cfg.attribution_accuracy - 0.5) * math.sqrt(cov)
                             * (cfg.accuracy_without_intelligence + cfg.accuracy_from_intelligence * intel))
                         if cfg.enabled else 0.5)  # 0.5: a coin toss between the two parties
        self.version += 1

    @property
    def intelligence_picture(self) -> float:
        """Share of the intelligence picture reaching the coalition (G5); US sharing is part of it."""
        sc = self.model.scenario_config
        w = sc.united_states.intelligence_weight
        us = 1.0 if self.model.united_states.shares_intelligence else 0.0
        return sc.cooperation.intelligence_sharing * ((1.0 - w) + w * us)

    @property
    def coverage(self) -> float:
        if not self.enabled:
            return 0.0
        surge = self.model.scenario_config.monitoring.surge_coverage if self.model.week < self.surge_until else 0.0
        return min(1.0, self.base_coverage + surge)

    def surge(self, week: int) -> None:
        """Corrective measure (G1): more monitors for a while."""
        if not self.enabled:
            return
        self.surge_until = week + self.model.scenario_config.monitoring.surge_weeks
        self.refresh()

    def observe(self, violations: list[Violation], week: int) -> tuple[list[Report], list[Violation]]:
        """Step 3: detect this week's violations; return the reports due this week and what was seen."""
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
            eid = log.add(week, "detection", "MonitoringMechanism", v.level.label, Clause.G1,
                          case=v.event_id, cause=v.event_id, perpetrator=v.perpetrator, attributed_to=attributed)
            self.in_transit.append(Report(week + cfg.latency_weeks, v, attributed, v.level, correct, v.event_id, eid))
        if self.enabled and self.stream.random() < cfg.false_alarm_rate:
            blamed = RUSSIA if self.stream.random() < cfg.false_alarm_blames_russia else UKRAINE
            eid = log.add(week, "false_alarm", "MonitoringMechanism", "probe", Clause.G1, attributed_to=blamed)
            self.seen_weeks.append(week)
            self.in_transit.append(Report(week + cfg.latency_weeks, None, blamed, Action.PROBE, False, eid, eid))
        due = []
        while self.in_transit and self.in_transit[0].week <= week:
            due.append(self.in_transit.popleft())
        return due, seen_now

    def seen_in_window(self, week: int, window: int) -> int:
        while self.seen_weeks and self.seen_weeks[0] <= week - window:
            self.seen_weeks.popleft()
        return len(self.seen_weeks)


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
        self.attributed_russia: deque[tuple[int, int]] = deque()  # (week, attribution event): snapback

    @property
    def enabled(self) -> bool:
        return self.model.scenario_config.commission.enabled

    def week(self, reports: list[Report], seen: list[Violation], week: int) -> Outcome:
        """Step 4: receive this week's reports and decide the cases whose deliberation ends."""
        out = Outcome()
        if reports or seen or self.pending:
            self.receive(reports, seen, week, out)
            self.deliberate(week, out)
        return out

    def receive(self, reports: list[Report], seen: list[Violation], week: int, out: Outcome) -> None:
        """Queue reports; with no commission, only a self-evident major attack is acted on."""
        if self.enabled:
            for r in reports:
                weeks = expedite(self.model, self.model.scenario_config.commission.deliberation_weeks,
                                 "deliberation", r.level.label, r.case, r.event_id)
                self.pending.append(Case(r, week + weeks))
            return
        c = self.model.scenario_config.commitments
        log = self.model.events
        for v in seen:
            if v.perpetrator != RUSSIA:
                continue
            if v.level == Action.MAJOR:
                self.ad_hoc_decisions += 1
                delay = expedite(self.model, c.ad_hoc_delay_weeks)
                eid = log.add(v.week, "decision", "Coalition", "major", Clause.ASSUMPTION,
                              case=v.event_id, cause=v.event_id, outcome="ad_hoc", attributed_to=RUSSIA, weeks=delay)
                expedite(self.model, c.ad_hoc_delay_weeks, "ad_hoc_response", v.level.label, v.event_id, eid)
                out.decisions.append(Decision(v.week, v.level, RUSSIA, v.week + delay, v, True, v.event_id, eid))
            else:
                out.unanswered.append((v.week + expedite(self.model, c.ad_hoc_delay_weeks), v.level))

    def deliberate(self, week: int, out: Outcome) -> None:
        """Decide the cases whose deliberation ends this week."""
        sc = self.model.scenario_config
        cfg, mon = sc.commission, sc.monitoring
        log = self.model.events
        while self.pending and self.pending[0].decide_week <= week:
            case = self.pending.popleft()
            r = case.report
            russian = r.violation is not None and r.violation.perpetrator == RUSSIA
            truth = r.violation.perpetrator if r.violation else "nobody"
            mean = self.model.monitoring.accuracy if r.correct else mon.wrong_evidence_mean
            evidence = min(1.0, max(0.0, self.stream.normal(mean, mon.evidence_sd)))
            if r.level == Action.MAJOR:
                evidence = 1.0  # a renewed armed attack is self-evident
            if evidence < cfg.evidence_threshold:
                self.cleared += 1
                log.add(week, "attribution", "SpecialCommission", r.level.label, Clause.G1, case=r.case,
                        cause=r.event_id, outcome="not_attributed", evidence=evidence,
                        threshold=cfg.evidence_threshold, perpetrator=truth)
                if russian:
                    out.unanswered.append((week, r.level))
                continue
            if not self.vote(evidence, cfg.decision_rule):
                self.cleared += 1
                log.add(week, "decision", "SpecialCommission", r.level.label, Clause.G1, case=r.case,
                        cause=r.event_id, outcome="not_reached", note=cfg.decision_rule, perpetrator=truth)
                if russian:
                    out.unanswered.append((week, r.level))
                continue
            self.decisions += 1
            if r.correct and r.violation is not None:
                self.correct += 1
            else:
                self.wrong += 1
            attribution = log.add(week, "attribution", "SpecialCommission", r.level.label, Clause.G1, case=r.case,
                                  cause=r.event_id, outcome="attributed", attributed_to=r.attributed_to,
                                  evidence=evidence, perpetrator=truth)
            if r.attributed_to == RUSSIA:
                self.attributed_russia.append((week, attribution))
            elif russian:
                out.unanswered.append((week, r.level))  # misattributed: Russia goes unpunished
            measures = tuple(cfg.corrective_measures.get(r.level.label, []))
            decision = log.add(week, "decision", "SpecialCommission", r.level.label, Clause.G1, case=r.case,
                               cause=attribution, outcome="corrective_measures", attributed_to=r.attributed_to,
                               items=measures, perpetrator=truth)
            respond = expedite(self.model, sc.commitments.response_delay_weeks, "response", r.level.label,
                               r.case, decision)
            out.decisions.append(Decision(week, r.level, r.attributed_to, week + respond, r.violation, False,
                                          r.case, decision))

    def vote(self, evidence: float, rule: str) -> bool:
        """The decision rule over members' willingness to act on the evidence (G1)."""
        coal = self.model.coalition
        noise = self.model.scenario_config.commission.vote_noise
        approve_p = 1.0 / (1.0 + np.exp(-((coal.resolve + evidence - 1.0) / noise)))
        votes = coal.stream.random(coal.n_members + 1) < approve_p
        if rule == "us_led":
            return bool(votes[coal.us])
        coalition = votes[: coal.n_members]
        if rule == "consensus":
            return bool(coalition.all())
        return coalition.mean() >= 2.0 / 3.0

    def attributed_to_russia_within(self, week: int, window: int) -> tuple[int, int | None]:
        """Russian violations attributed in the window, and the latest attribution's event (snapback)."""
        q = self.attributed_russia
        while q and q[0][0] <= week - window:
            q.popleft()
        return len(q), (q[-1][1] if q else None)
