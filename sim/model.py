"""The deterrence model: one step is one week after the ceasefire (G0: t = 0).

Read ``step()`` top to bottom: it is the weekly order of docs/ODD.md (section 3).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.agents import (
    CoalitionMember,
    CoordinationCell,
    MonitoringMechanism,
    MultinationalForce,
    Russia,
    SpecialCommission,
    Ukraine,
    UnitedStates,
)
from sim.agents.coalition import Coalition, read_members
from sim.agents.monitoring import RUSSIA, Decision, Violation
from sim.agents.russia import contest
from sim.clauses import Clause
from sim.config import SCENARIOS_DIR, Scenario
from sim.config.overrides import scenario_from_kwargs
from sim.events import EventLog
from sim.ladder import Action
from sim.reporters import RUN_REPORTERS

# Independent random streams, one per mechanism, so that switching one mechanism
# off does not shift the draws of the others (common random numbers across designs).
STREAMS = ("russia", "ukraine", "members", "monitoring", "commission", "us")

# War (assumptions, docs/ODD.md 7): weekly attrition, advance and the repel test.
ATTRITION = 0.01
ADVANCE_PCT = 1.0  # % of territory per week at full superiority
REPEL_RATIO = 0.8
MIN_WAR_WEEKS = 8
LIMITED_GAIN_PCT = 0.2
ASSESSMENT_PERIOD = 4  # weeks between Russia's readings of coalition politics

STEP_REPORTERS = (
    "escalation_level", "at_war", "p_major", "credibility_probe", "credibility_limited",
    "credibility_major", "russia_strength", "russia_ambition", "sanctions_cost",
    "ukraine_defence", "ukraine_strength", "fortification", "coverage", "force_phase",
    "force_strength", "mean_member_resolve", "ratified_share", "territory_lost_pct",
)


class DeterrenceModel(mesa.Model):
    """Post-ceasefire deterrence under a design of the Paris guarantees."""

    def __init__(self, scenario: Scenario | str = "paris_declaration", seed: int = 0, *,
                 record_events: bool = True, collect_steps: bool = True, step_period: int = 1,
                 **overrides: Any) -> None:
        """``overrides``: schema parameters with ``__`` for dots (``monitoring__coverage=0.5``)."""
        children = np.random.SeedSequence(seed).spawn(len(STREAMS) + 1)
        super().__init__(rng=int(children[0].generate_state(1)[0]))
        self.streams = {name: np.random.default_rng(c) for name, c in zip(STREAMS, children[1:])}
        self.scenario_config = scenario_from_kwargs(scenario, overrides, seed=seed)
        self.seed = seed
        self.week = 0
        self.horizon = self.scenario_config.horizon_weeks
        self.events = EventLog(record_events)
        self.collect_steps = collect_steps
        self.step_period = max(1, step_period)
        # War and escalation state.
        self.at_war = False
        self.escalation_week: int | None = None
        self.war_weeks = 0  # weeks of the current war
        self.total_war_weeks = 0
        self.ad_hoc_decisions = 0
        self.territory_lost_pct = 0.0
        self.war_support = 0.0  # G4 military responses in the field
        self.violations = {lvl: 0 for lvl in Action}
        self.false_blames = 0
        self.learning_queue: deque[tuple[int, Action, float]] = deque()
        self.pending_decisions: list[Decision] = []
        self.detection_to_response: list[int] = []

        # Agents (MODEL.md). Coalition members come from the data file (G0).
        table = read_members(Path(SCENARIOS_DIR) / self.scenario_config.members.data_file)
        self.coalition = Coalition(self, table)
        self.members = [CoalitionMember(self, i) for i in range(self.coalition.n_members)]
        self.united_states = UnitedStates(self, self.coalition.us)
        self.cell = CoordinationCell(self) if self.scenario_config.coordination_cell.enabled else None
        self.monitoring = MonitoringMechanism(self)
        self.commission = SpecialCommission(self)
        self.ukraine = Ukraine(self)
        self.force = MultinationalForce(self)
        self.russia = Russia(self)
        self.response_discount = self.scenario_config.russia.weekly_discount ** self.total_response_delay()
        self.datacollector = mesa.DataCollector(model_reporters={**{k: k for k in STEP_REPORTERS},
                                                                 **RUN_REPORTERS})

    # --- the week ------------------------------------------------------------------
    def step(self) -> None:
        week = self.week
        self.coalition.advance_ratification(week)          # 0. legal procedures (G0)
        violations = self.carry_out(self.russia.decide())  # 1. Russia decides on the ladder
        ukrainian = self.ukraine.violate(week)             # 2. Ukraine's own minor violations
        if ukrainian is not None:
            violations.append(ukrainian)
        reports = self.monitoring.observe(violations, week)  # 3. detection, attribution (G1)
        self.commission.receive(reports, week)
        self.pending_decisions += self.commission.deliberate(week)  # 4. commission decides (G1)
        self.respond(week)                                  # 5. members and the US respond (G4)
        self.learn(week)                                    # 6. Russia updates its beliefs
        self.ukraine.evolve(week)                           # 7. Ukraine's forces (P1, G2, G5)
        self.force.advance(week)                            # 8. the force (G3)
        self.russia.evolve()                                # 9. capacities and politics evolve
        self.coalition.drift(week)
        if week % ASSESSMENT_PERIOD == 0:
            self.coalition.assess()
        if week == self.horizon - 1 or (self.collect_steps and week % self.step_period == 0):
            self.datacollector.collect(self)
        self.week += 1
        if self.week >= self.horizon:
            self.running = False

    def run(self, weeks: int | None = None) -> DeterrenceModel:
        for _ in range(weeks if weeks is not None else self.horizon - self.week):
            self.step()
        return self

    # --- 1. Russia's action --------------------------------------------------------
    def carry_out(self, action: Action) -> list[Violation]:
        week = self.week
        if self.at_war:
            self.fight(week)
            return []
        if action == Action.COMPLY:
            return []
        self.violations[action] += 1
        violation = Violation(week, RUSSIA, action)
        log = self.events
        if action == Action.PROBE:
            self.ukraine.last_probed = week
            log.add(week, "violation", "Russia", "probe", Clause.ASSUMPTION,
                    "grey-zone violation: shelling, drones or sabotage")
        elif action == Action.LIMITED:
            self.ukraine.last_probed = week
            defence = self.ukraine.defence + self.force.limited_defence
            p_win = contest(self.russia.strength, defence, self.scenario_config.payoffs.contest_exponent)
            won = self.russia.stream.random() < p_win
            self.russia.strength = max(0.05, self.russia.strength - ATTRITION)
            self.ukraine.strength = max(0.05, self.ukraine.strength - ATTRITION)
            if won:
                self.territory_lost_pct += LIMITED_GAIN_PCT
            log.add(week, "violation", "Russia", "limited", Clause.P1,
                    "local offensive " + ("seized ground" if won else "held by Ukraine's defence"))
        else:
            self.at_war = True
            if self.escalation_week is None:
                self.escalation_week = week
            self.war_weeks = 0
            self.ukraine.schedule_surge(week)  # G2: stockpiles "in case of a future armed attack"
            log.add(week, "escalation", "Russia", "major", Clause.G4,
                    "renewed armed attack: the G4 commitments are called on")
        return [violation]

    def fight(self, week: int) -> None:
        """A week of renewed war: attrition, advance, and whether Russia is repelled."""
        ru, ua = self.russia, self.ukraine
        defence = ua.defence + self.force.major_defence + self.war_support
        s = ru.strength
        self.war_weeks += 1
        self.total_war_weeks += 1
        self.territory_lost_pct += ADVANCE_PCT * max(0.0, s - defence) / (s + defence)
        ru.strength = max(0.05, s - ATTRITION * defence / (s + defence) * 2.0)
        ua.strength = max(0.05, ua.strength - ATTRITION * s / (s + defence) * 2.0)
        if self.war_weeks >= MIN_WAR_WEEKS and ru.strength < REPEL_RATIO * defence:
            self.at_war = False
            self.war_support = 0.0
            self.events.add(week, "war_end", "Ukraine", "major", Clause.P1,
                            f"attack repelled after {self.war_weeks} weeks")

    # --- 5. responses ---------------------------------------------------------------
    def respond(self, week: int) -> None:
        due = [d for d in self.pending_decisions if d.respond_week <= week]
        if not due:
            return
        self.pending_decisions = [d for d in self.pending_decisions if d.respond_week > week]
        log = self.events
        measures_by_level = self.scenario_config.commission.corrective_measures
        for d in due:
            if d.attributed_to != RUSSIA:
                log.add(week, "corrective_measure", "SpecialCommission", d.level.label, Clause.G1,
                        "demarche to Ukraine")
                continue
            measures = [] if d.ad_hoc else measures_by_level.get(d.level.label, [])
            if "demarche" in measures:
                log.add(week, "corrective_measure", "SpecialCommission", d.level.label, Clause.G1,
                        "demarche to Russia")
            if "monitoring_surge" in measures:
                self.monitoring.surge(week)
                log.add(week, "corrective_measure", "MonitoringMechanism", d.level.label, Clause.G1,
                        f"monitoring surge for {self.scenario_config.monitoring.surge_weeks} weeks")
            if "stockpile_release" in measures:
                self.ukraine.schedule_surge(week)
            share, power = self.coalition.respond(d.level, week)
            self.russia.punish(power.get("sanctions", 0.0))
            self.ukraine.add_assistance(0.2 * (power.get("intelligence", 0.0) + power.get("logistics", 0.0)))
            if self.at_war:
                self.war_support += self.scenario_config.payoffs.military_effect * power.get("military", 0.0)
            if d.violation is not None:
                self.detection_to_response.append(week - d.violation.week)
            if d.violation is None or d.violation.perpetrator != RUSSIA:
                self.false_blames += 1
            self.learning_queue.append((week, d.level, share))

    # --- 6. learning ------------------------------------------------------------------
    def learn(self, week: int) -> None:
        q = self.learning_queue
        while q and q[0][0] <= week:
            _, level, share = q.popleft()
            self.russia.observe(level, share)

    # --- hooks used by the monitoring chain ---------------------------------------------
    def note_seen(self, v: Violation) -> None:
        """A violation was seen. With no commission, only a major attack is acted on."""
        if v.perpetrator != RUSSIA or not self.commission_absent():
            return
        if v.level == Action.MAJOR:
            delay = self.expedite(self.scenario_config.commitments.ad_hoc_delay_weeks,
                                  "ad hoc response", v.level.label)
            self.ad_hoc_decisions += 1
            self.events.add(v.week, "decision", "Coalition", "major", Clause.ASSUMPTION,
                            f"no commission: the attack is self-evident; ad hoc responses in {delay} weeks")
            self.pending_decisions.append(Decision(v.week, v.level, RUSSIA, v.week + delay, v, ad_hoc=True))
        else:
            delay = self.delay(self.scenario_config.commitments.ad_hoc_delay_weeks)
            self.learning_queue.append((v.week + delay, v.level, 0.0))

    def note_unanswered(self, v: Violation | None, week: int) -> None:
        """A Russian violation was seen and went unpunished: Russia learns it."""
        if v is not None and v.perpetrator == RUSSIA:
            self.learning_queue.append((week, v.level, 0.0))

    def commission_absent(self) -> bool:
        return not self.scenario_config.commission.enabled

    # --- delays (C1) ------------------------------------------------------------------
    def delay(self, weeks: int) -> int:
        return self.cell.shorten(weeks) if self.cell is not None else weeks

    def response_delay(self) -> int:
        return self.delay(self.scenario_config.commitments.response_delay_weeks)

    def expedite(self, weeks: int, stage: str, level: str) -> int:
        """A delay for a real case: shortened, and logged, by the coordination cell (C1)."""
        return self.cell.expedite(weeks, stage, level) if self.cell is not None else weeks

    def total_response_delay(self) -> int:
        """Weeks from a violation to the response Russia expects."""
        if self.commission_absent():
            return self.delay(self.scenario_config.commitments.ad_hoc_delay_weeks)
        return (self.scenario_config.monitoring.latency_weeks + self.commission.deliberation_weeks()
                + self.response_delay())

    # --- model-level measures (steps.csv, dashboard) -----------------------------------
    @property
    def false_blame_rate(self) -> float:
        return self.false_blames / (self.week + 52.0)

    @property
    def escalation_level(self) -> int:
        return int(self.russia.action)

    @property
    def p_major(self) -> float:
        return self.russia.probabilities[Action.MAJOR]

    @property
    def credibility_probe(self) -> float:
        return self.russia.credibility(Action.PROBE)

    @property
    def credibility_limited(self) -> float:
        return self.russia.credibility(Action.LIMITED)

    @property
    def credibility_major(self) -> float:
        return self.russia.credibility(Action.MAJOR)

    @property
    def russia_strength(self) -> float:
        return self.russia.strength

    @property
    def russia_ambition(self) -> float:
        return self.russia.ambition

    @property
    def sanctions_cost(self) -> float:
        return self.russia.sanctions_cost

    @property
    def ukraine_defence(self) -> float:
        return self.ukraine.defence

    @property
    def ukraine_strength(self) -> float:
        return self.ukraine.strength

    @property
    def fortification(self) -> float:
        return self.ukraine.fortification

    @property
    def coverage(self) -> float:
        return self.monitoring.coverage

    @property
    def force_phase(self) -> str:
        return self.force.phase.label

    @property
    def force_strength(self) -> float:
        return self.force.total_strength

    @property
    def mean_member_resolve(self) -> float:
        return float(self.coalition.resolve[: self.coalition.n_members].mean())

    @property
    def ratified_share(self) -> float:
        return float(self.coalition.ratified[: self.coalition.n_members].mean())
