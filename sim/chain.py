"""The commission's chain (G1): a violation, its detection and report, attribution and decision.

Steps 3 and 4 of the week. Two units of violation are kept apart, as the OSCE Special
Monitoring Mission kept them: **ceasefire violations** (every explosion, burst of fire or
flash the monitors count: hundreds a week in calm periods, thousands in bad ones, about
10,000 in the week before 24 February 2022) and **serious violations** (an attack with
casualties, sabotage, a drone strike: the cases the commission attributes). The US-led
monitoring and verification mechanism counts the first by its coverage, less what
obstruction denies it (jamming, denied access: routine in 2016-22), which is also the
measure of a "credible cessation" (G3); it sees serious violations by coverage and
severity and reports them with an attribution that can be wrong. An offensive by regular
forces (a limited offensive or a renewed war) is self-evident: seen at once, reported at
once and attributed without deliberation (``commission.self_evident_delay_weeks``).

The special commission is US-led, with the Coalition represented (G1): its decision rule
is a lever that names the US (``us_led``, ``us_and_qualified_majority``, ``consensus`` of all;
``qualified_majority`` of the Coalition alone, which it falls back to when the US leaves).
Whether a limited offensive is an "armed attack" that calls on the G4 commitments is the
guarantee's hardest question: ``commitments.limited_attack_response`` says whether it never
is, always is, or whether the commission decides (a political vote). Decisions go to the
responses (``sim.responses``) and what Russia sees go unanswered to Russia's learning.
With no commission only a self-evident attack is acted on (ad hoc). Every event of a
chain belongs to the case of its violation (``case_id``) and names the event before it
(``cause_id``).
"""

from __future__ import annotations

import bisect
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


QUALIFIED_MAJORITY = 2.0 / 3.0  # of the Coalition's representatives


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
    armed_attack: bool = False  # a limited offensive the commission judged an armed attack under G4


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
        self.version = 0  # bumped whenever coverage or the intelligence picture changes
        self.obstructed = False  # Russia obstructs the monitors while it pressures or prepares
        self.volume_estimated: deque[float] = deque()  # their level at the reference coverage (G3 cessation)
        self.volume_total = 0  # ceasefire violations committed (both sides), whether seen or not
        self.volume_detected = 0
        self.volume_week = 0  # counted this week (steps.csv)
        self.refresh()

    def refresh(self) -> None:
        """Coverage, visibility and accuracy from the scenario, the US role and obstruction (at start, on change)."""
        sc = self.model.params
        cfg = sc.monitoring
        self.enabled = cfg.enabled
        us_present = self.model.united_states.leads_monitoring
        # Coverage from contributions: without the US lead, its share is missing.
        self.base_coverage = cfg.coverage * (1.0 - (0.0 if us_present else cfg.us_lead_share)) if cfg.enabled else 0.0
        cov = self.effective_coverage(self.obstructed)
        self.p_seen = {
            Action.PROBE: 1.0 - (1.0 - cfg.public_visibility_probe) * (1.0 - cov),
            Action.LIMITED: 1.0,  # an offensive by regular forces is self-evident
            Action.MAJOR: 1.0,
        }
        intel = self.intelligence_picture
        self.refreshed = (cov, intel)  # what the derived quantities (and warning's detection) were computed from
        self._counting()
        self.accuracy = (min(cfg.accuracy_cap, 0.5 + (cfg.attribution_accuracy - 0.5) * math.sqrt(cov)
                             * (cfg.accuracy_without_intelligence + cfg.accuracy_from_intelligence * intel))
                         if cfg.enabled else 0.5)  # 0.5: a coin toss between the two parties
        self.version += 1

    @property
    def intelligence_picture(self) -> float:
        """Share of the intelligence picture reaching the coalition (G5); US sharing is part of it."""
        sc = self.model.params
        w = sc.united_states.intelligence_weight
        us = 1.0 if self.model.united_states.shares_intelligence else 0.0
        return sc.cooperation.intelligence_sharing * ((1.0 - w) + w * us)

    @property
    def coverage(self) -> float:
        """Coverage of the contact line, surge included, before obstruction."""
        if not self.enabled:
            return 0.0
        surge = self.model.params.monitoring.surge_coverage if self.model.week < self.surge_until else 0.0
        return min(1.0, self.base_coverage + surge)

    def effective_coverage(self, obstructed: bool) -> float:
        """Coverage left once obstruction (jamming, denied access, fire at drones) has denied its share."""
        cfg = self.model.params.monitoring
        return self.coverage * (1.0 - (cfg.obstruction_campaign if obstructed else cfg.obstruction_calm))

    def _counting(self) -> None:
        """What share of both sides' violations is counted, obstructed or not (kept until coverage changes)."""
        share = 1.0 + self.model.params.ukraine.return_fire_share
        self._counted = ({True: self.effective_coverage(True), False: self.effective_coverage(False)}
                         if self.enabled else {True: 0.0, False: 0.0})
        self._both_sides = share
        sc = self.model.params
        self._reference = sc.force.credible_cessation_reference_coverage * (1.0 - sc.monitoring.obstruction_calm)

    def count(self, russian_volume: int, obstructed: bool, week: int, at_war: bool) -> None:
        """Ceasefire violations this week (both sides: Ukraine's units return fire) and how many are counted.

        In a war there is no ceasefire to violate: the count starts again when it ends.
        """
        if week == self.surge_until or obstructed != self.obstructed:
            self.obstructed = obstructed
            self.refresh()
        if at_war:
            self.volume_estimated.clear()
            self.volume_week = 0
            return
        total = int(round(russian_volume * self._both_sides))
        seen = int(round(total * self._counted[obstructed]))
        self.volume_total += total
        self.volume_detected += seen
        self.volume_week = seen
        # The monitors know the coverage they had (restrictions are reported beside the counts): corrected for
        # it, the count is the level; the threshold reads it at the SMM's coverage (force.credible_cessation_*).
        self.volume_estimated.append(total * self._reference)

    def estimated_per_week(self, window: int) -> float:
        """Mean ceasefire violations a week over the last ``window`` weeks, as the monitors estimate them at
        the reference coverage (G3's cessation test); infinite until ``window`` weeks of ceasefire have passed
        (after the ceasefire or a war)."""
        q = self.volume_estimated
        while len(q) > window:
            q.popleft()
        return sum(q) / len(q) if len(q) == window else math.inf

    def surge(self, week: int) -> None:
        """Corrective measure (G1): more monitors for a while."""
        if not self.enabled:
            return
        self.surge_until = week + self.model.params.monitoring.surge_weeks
        self.refresh()

    def observe(self, violations: list[Violation], week: int) -> tuple[list[Report], list[Violation]]:
        """Step 3: detect this week's serious violations; return the reports due this week and what was seen."""
        if week == self.surge_until:
            self.refresh()
        cfg = self.model.params.monitoring
        log = self.model.events
        seen_now: list[Violation] = []
        for v in violations:
            evident = v.level != Action.PROBE  # an offensive is self-evident: seen, attributed, reported at once
            seen = evident or self.stream.random() < self.p_seen[v.level]
            if not seen:
                continue
            seen_now.append(v)
            if not self.enabled:
                continue
            correct = evident or self.stream.random() < self.accuracy
            other = UKRAINE if v.perpetrator == RUSSIA else RUSSIA
            attributed = v.perpetrator if correct else other
            eid = log.add(week, "detection", "MonitoringMechanism", v.level.label, Clause.G1,
                          case=v.event_id, cause=v.event_id, perpetrator=v.perpetrator, attributed_to=attributed)
            due = week if evident else week + cfg.latency_weeks
            self.in_transit.append(Report(due, v, attributed, v.level, correct, v.event_id, eid))
        if self.enabled and self.stream.random() < cfg.false_alarm_rate:
            blamed = RUSSIA if self.stream.random() < cfg.false_alarm_blames_russia else UKRAINE
            eid = log.add(week, "false_alarm", "MonitoringMechanism", "probe", Clause.G1, attributed_to=blamed)
            self.in_transit.append(Report(week + cfg.latency_weeks, None, blamed, Action.PROBE, False, eid, eid))
        due = []
        while self.in_transit and self.in_transit[0].week <= week:
            due.append(self.in_transit.popleft())
        return due, seen_now


@dataclass(slots=True, order=True)
class Case:
    decide_week: int
    order: int  # arrival order: cases due the same week are decided first in, first out
    report: Report = field(compare=False)


class SpecialCommission(mesa.Agent):
    """Attributes responsibility and determines corrective measures (G1).

    With no commission (``commission.enabled: false``) the agent still stands for the
    coalition's ad hoc reaction: only a self-evident major attack is acted on.
    """

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.stream = model.streams["commission"]
        self.pending: list[Case] = []  # kept in the order of their decision weeks
        self.received = 0
        self.decisions = 0
        self.ad_hoc_decisions = 0
        self.cleared = 0  # cases closed without attribution
        self.correct = 0
        self.wrong = 0
        self.attributed_russia: deque[tuple[int, int]] = deque()  # (week, attribution event): snapback
        self.armed_attack_rulings = 0  # limited offensives ruled an armed attack under G4

    @property
    def enabled(self) -> bool:
        return self.model.params.commission.enabled

    def week(self, reports: list[Report], seen: list[Violation], week: int) -> Outcome:
        """Step 4: receive this week's reports and decide the cases whose deliberation ends."""
        out = Outcome()
        if reports or seen or self.pending:
            self.receive(reports, seen, week, out)
            self.deliberate(week, out)
        return out

    def receive(self, reports: list[Report], seen: list[Violation], week: int, out: Outcome) -> None:
        """Queue reports; with no commission, only a self-evident attack is acted on (ad hoc)."""
        sc = self.model.params
        if self.enabled:
            for r in reports:
                if r.level != Action.PROBE:  # an offensive is self-evident: no deliberation of the facts
                    weeks = sc.commission.self_evident_delay_weeks
                else:
                    weeks = expedite(self.model, sc.commission.deliberation_weeks, "deliberation", r.level.label,
                                     r.case, r.event_id)
                self.received += 1
                bisect.insort(self.pending, Case(week + weeks, self.received, r))
            return
        c = sc.commitments
        log = self.model.events
        for v in seen:
            if v.perpetrator != RUSSIA:
                continue
            armed = v.level == Action.MAJOR or (v.level == Action.LIMITED and c.limited_attack_response == "armed_attack")
            if armed:
                self.ad_hoc_decisions += 1
                delay = expedite(self.model, c.ad_hoc_delay_weeks)
                eid = log.add(v.week, "decision", "Coalition", v.level.label, Clause.ASSUMPTION,
                              case=v.event_id, cause=v.event_id, outcome="ad_hoc", attributed_to=RUSSIA, weeks=delay)
                expedite(self.model, c.ad_hoc_delay_weeks, "ad_hoc_response", v.level.label, v.event_id, eid)
                out.decisions.append(Decision(v.week, v.level, RUSSIA, v.week + delay, v, True, v.event_id, eid,
                                              armed_attack=v.level == Action.LIMITED))
            else:
                out.unanswered.append((v.week + expedite(self.model, c.ad_hoc_delay_weeks), v.level))

    def deliberate(self, week: int, out: Outcome) -> None:
        """Decide the cases whose deliberation ends this week."""
        sc = self.model.params
        cfg, mon = sc.commission, sc.monitoring
        log = self.model.events
        while self.pending and self.pending[0].decide_week <= week:
            case = self.pending.pop(0)
            r = case.report
            russian = r.violation is not None and r.violation.perpetrator == RUSSIA
            truth = r.violation.perpetrator if r.violation else "nobody"
            if r.level != Action.PROBE:
                evidence = 1.0  # an offensive by regular forces is self-evident
            else:
                mean = self.model.monitoring.accuracy if r.correct else mon.wrong_evidence_mean
                evidence = min(1.0, max(0.0, self.stream.normal(mean, mon.evidence_sd)))
            if evidence < cfg.evidence_threshold:
                self.cleared += 1
                log.add(week, "attribution", "SpecialCommission", r.level.label, Clause.G1, case=r.case,
                        cause=r.event_id, outcome="not_attributed", evidence=evidence,
                        threshold=cfg.evidence_threshold, perpetrator=truth)
                if russian:
                    out.unanswered.append((week, r.level))
                continue
            rule = self.rule()
            if not self.vote(self.model.coalition.resolve + evidence - 1.0, rule):
                self.cleared += 1
                log.add(week, "decision", "SpecialCommission", r.level.label, Clause.G1, case=r.case,
                        cause=r.event_id, outcome="not_reached", note=rule, perpetrator=truth)
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
            armed = (r.level == Action.LIMITED and r.attributed_to == RUSSIA
                     and self.limited_is_armed_attack(sc.commitments.limited_attack_response, rule))
            if armed:
                self.armed_attack_rulings += 1
            measures = tuple(cfg.corrective_measures.get(r.level.label, []))
            decision = log.add(week, "decision", "SpecialCommission", r.level.label,
                               Clause.G4 if armed else Clause.G1, case=r.case, cause=attribution,
                               outcome="armed_attack" if armed else "corrective_measures",
                               attributed_to=r.attributed_to, items=measures, perpetrator=truth, note=rule)
            respond = expedite(self.model, sc.commitments.response_delay_weeks, "response", r.level.label,
                               r.case, decision)
            out.decisions.append(Decision(week, r.level, r.attributed_to, week + respond, r.violation, False,
                                          r.case, decision, armed_attack=armed))

    # --- the decision rule (G1): US-led, the Coalition represented -----------------------------
    def rule(self) -> str:
        """The scenario's rule; without the US in the lead, the Coalition decides by qualified majority."""
        rule = self.model.params.commission.decision_rule
        if rule in ("us_led", "us_and_qualified_majority") and not self.model.united_states.leads_monitoring:
            return "qualified_majority"
        return rule

    def _approve(self, propensity) -> np.ndarray:
        noise = self.model.params.commission.vote_noise
        return 1.0 / (1.0 + np.exp(-(propensity / noise)))

    def vote(self, propensity, rule: str) -> bool:
        """Each representative approves with logistic(propensity / noise); the rule counts the votes.

        ``propensity`` is each state's (the US in the last row) resolve, shifted by what is asked:
        evidence - 1 for an attribution, minus the bar of calling an offensive an armed attack.
        """
        coal = self.model.coalition
        votes = coal.stream.random(coal.n_members + 1) < self._approve(propensity)
        coalition = votes[: coal.n_members]
        if rule == "us_led":
            return bool(votes[coal.us])
        if rule == "consensus":
            return bool(coalition.all()) and (bool(votes[coal.us]) or not self.model.united_states.leads_monitoring)
        majority = coalition.mean() >= QUALIFIED_MAJORITY
        if rule == "us_and_qualified_majority":
            return bool(votes[coal.us]) and bool(majority)
        return bool(majority)

    def limited_is_armed_attack(self, response: str, rule: str) -> bool:
        """Does a limited offensive call on the G4 commitments? Never, always, or the commission's vote."""
        if response != "commission_decides":
            return response == "armed_attack"
        bar = self.model.params.commission.armed_attack_bar
        return self.vote(self.model.coalition.resolve - bar, rule)

    def p_armed_attack(self) -> float:
        """Chance that a limited offensive would be ruled an armed attack now (Russia's reading of the vote)."""
        response = self.model.params.commitments.limited_attack_response
        if response != "commission_decides":
            return 1.0 if response == "armed_attack" else 0.0
        if not self.enabled:
            return 0.0
        coal = self.model.coalition
        p = self._approve(coal.resolve - self.model.params.commission.armed_attack_bar)
        rule = self.rule()
        members = p[: coal.n_members]
        need = int(np.ceil(QUALIFIED_MAJORITY * coal.n_members - 1e-9))
        mean, var = float(members.sum()), float((members * (1.0 - members)).sum())
        # The number approving is a sum of Bernoullis: a normal approximation with continuity correction.
        majority = 0.5 * math.erfc((need - 0.5 - mean) / math.sqrt(2.0 * var)) if var > 0 else float(mean >= need)
        us = float(p[coal.us])
        if rule == "us_led":
            return us
        if rule == "us_and_qualified_majority":
            return us * majority
        if rule == "consensus":
            return float(np.prod(members)) * (us if self.model.united_states.leads_monitoring else 1.0)
        return majority

    def attributed_to_russia_within(self, week: int, window: int) -> tuple[int, int | None]:
        """Russian violations attributed in the window, and the latest attribution's event (snapback)."""
        q = self.attributed_russia
        while q and q[0][0] <= week - window:
            q.popleft()
        return len(q), (q[-1][1] if q else None)
