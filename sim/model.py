"""The deterrence model: one step is one week after the ceasefire (G0: t = 0).

Read ``step()`` top to bottom: it is the weekly order of docs/ODD.md (section 3).
Each mechanism lives with its actor (``sim/agents/``), the war in ``sim/war.py``,
decisions' consequences in ``sim/responses.py``; the model orders the week and
holds what the actors share.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from typing import Any

import mesa
import numpy as np

from sim import responses, shocks
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
from sim.agents.coalition import Coalition
from sim.agents.monitoring import Decision, Outcome
from sim.agents.outlook import Outlook
from sim.agents.sanctions import SanctionsRegime
from sim.config import Scenario, data_file_path
from sim.config.overrides import scenario_from_kwargs
from sim.data import read_elections, read_force_contributions, read_members
from sim.events import EventLog
from sim.ladder import Action
from sim.reporters import RUN_REPORTERS
from sim.war import War

# Independent random streams, one per mechanism, so that switching one mechanism
# off does not shift the draws of the others (common random numbers across designs).
STREAMS = ("russia", "ukraine", "members", "monitoring", "commission", "us", "force")

STEP_REPORTERS = (
    "date", "russia_intent", "escalation_level", "at_war", "credibility_probe", "credibility_limited",
    "credibility_major", "window_value", "russia_strength", "russia_ambition", "sanctions_level",
    "ukraine_defence", "ukraine_strength", "fortification", "coverage", "warning_in_force",
    "indicators_detected", "force_phase", "force_strength", "force_troops", "mean_member_resolve",
    "ratified_share", "pledged_share", "us_roles", "territory_lost_pct",
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
        sc = self.scenario_config
        self.seed = seed
        self.week = 0
        self.horizon = sc.horizon_weeks
        self.events = EventLog(record_events)
        self.collect_steps = collect_steps
        self.step_period = max(1, step_period)
        self.violations = {lvl: 0 for lvl in Action}
        self.learning_queue: deque[tuple[int, Action, float]] = deque()
        self.pending_decisions: list[Decision] = []
        self.detection_to_response: list[int] = []
        self.shocks = shocks.schedule(self)

        # Agents (MODEL.md). Coalition members and elections come from the data files (G0).
        self.coalition = Coalition(self, read_members(data_file_path(sc.members.data_file)),
                                   read_elections(data_file_path(sc.members.elections_file)))
        self.members = [CoalitionMember(self, i) for i in range(self.coalition.n_members)]
        self.united_states = UnitedStates(self, self.coalition.us)
        self.cell = CoordinationCell(self) if sc.coordination_cell.enabled else None
        self.monitoring = MonitoringMechanism(self)
        self.commission = SpecialCommission(self)
        self.ukraine = Ukraine(self)
        self.force = MultinationalForce(self, read_force_contributions(data_file_path(sc.force.contributions_file)))
        self.sanctions = SanctionsRegime(self)
        self.war = War(self)
        self.russia = Russia(self)
        self.outlook = Outlook(self)
        self.response_discount = sc.russia.weekly_discount ** self.total_response_delay()
        self.datacollector = mesa.DataCollector(model_reporters={**{k: k for k in STEP_REPORTERS},
                                                                 **RUN_REPORTERS})

    # --- the week ------------------------------------------------------------------
    def step(self) -> None:
        week = self.week
        if week in self.shocks:                              # 0. scripted shocks,
            shocks.apply(self, week, self.shocks[week])
        if self.coalition.advance_politics(week):            #    legal procedures (G0), elections
            self.russia.trigger = "politics"
        moves = self.russia.act(week)                        # 1. Russia: decision points, campaigns
        violations = self.carry_out(moves, week)
        ukrainian = self.ukraine.violate(week)               # 2. Ukraine's own minor violations
        if ukrainian is not None:
            violations.append(ukrainian)
        reports, seen = self.monitoring.observe(violations, week)  # 3. detection, attribution (G1)
        if self.monitoring.watch(moves.indicators, week):    #    indicators and warning (G1, G5)
            responses.warning_measures(self, week)
        if reports or seen or self.commission.pending:       # 4. commission decides (G1)
            outcome = Outcome()
            self.commission.receive(reports, seen, week, outcome)
            self.commission.deliberate(week, outcome)
            self.pending_decisions += outcome.decisions
            self.learning_queue.extend((w, lvl, 0.0) for w, lvl in outcome.unanswered)
        responses.respond(self, week)                        # 5. members respond (G4), sanctions
        sc_sanctions = self.scenario_config.sanctions
        self.sanctions.week(week, self.war.at_war,
                            self.commission.attributed_to_russia_within(week, sc_sanctions.snapback_window_weeks),
                            moves.launched_war)
        self.learn(week)                                     # 6. Russia updates its beliefs
        self.ukraine.evolve(week, self.war.at_war)           # 7. Ukraine's forces (P1, G2, G5)
        self.force.advance(week, self.war.at_war)            # 8. the force (G3)
        self.russia.evolve(self.war.at_war, self.sanctions.level)  # 9. capacities and politics evolve
        self.coalition.drift()
        if week == self.horizon - 1 or (self.collect_steps and week % self.step_period == 0):
            self.datacollector.collect(self)
        self.week += 1
        if self.week >= self.horizon:
            self.running = False

    def run(self, weeks: int | None = None) -> DeterrenceModel:
        for _ in range(weeks if weeks is not None else self.horizon - self.week):
            self.step()
        return self

    # --- 1. Russia's moves ---------------------------------------------------------
    def carry_out(self, moves, week: int) -> list:
        """Count Russia's violations, fight a limited offensive, start or fight a war."""
        if self.war.at_war:
            if self.war.fight(week):
                self.russia.war_ended(week)
            return []
        for v in moves.violations:
            self.violations[v.level] += 1
            if v.level == Action.PROBE:
                self.ukraine.last_probed = week
            elif v.level == Action.LIMITED:
                self.ukraine.last_probed = week
                self.war.limited_offensive(week, responses.limited_contest(self))
        if moves.launched_war:
            self.war.start(week)
            self.ukraine.schedule_surge(week, "stockpiles opened after the armed attack")
            hit = self.force.strike(week, self.streams["force"])
            f = self.scenario_config.force
            self.coalition.struck(week, hit, f.casualty_rally, f.ally_rally_share, self.force.contributors)
        return list(moves.violations)

    # --- 6. learning ------------------------------------------------------------------
    def learn(self, week: int) -> None:
        q = self.learning_queue
        while q and q[0][0] <= week:
            _, level, share = q.popleft()
            self.russia.observe(level, share)

    def total_response_delay(self) -> int:
        """Weeks from a violation to the response Russia expects."""
        sc = self.scenario_config
        if not sc.commission.enabled:
            return self.cell.shorten(sc.commitments.ad_hoc_delay_weeks) if self.cell else sc.commitments.ad_hoc_delay_weeks
        return (sc.monitoring.latency_weeks + self.commission.deliberation_weeks()
                + (self.cell.shorten(sc.commitments.response_delay_weeks) if self.cell
                   else sc.commitments.response_delay_weeks))

    # --- model-level measures (steps.csv, dashboard) -----------------------------------
    @property
    def at_war(self) -> bool:
        return self.war.at_war

    @property
    def escalation_week(self) -> int | None:
        return self.war.escalation_week

    @property
    def date(self) -> str:
        return self.scenario_config.date_of(self.week).isoformat()

    def date_of(self, week: int) -> dt.date:
        return self.scenario_config.date_of(week)

    @property
    def russia_intent(self) -> str:
        return self.russia.intent.label

    @property
    def escalation_level(self) -> int:
        return int(self.russia.action)

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
    def window_value(self) -> float:
        return self.russia.window_value

    @property
    def russia_strength(self) -> float:
        return self.russia.strength

    @property
    def russia_ambition(self) -> float:
        return self.russia.ambition

    @property
    def sanctions_level(self) -> float:
        return self.sanctions.level

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
    def warning_in_force(self) -> bool:
        return self.monitoring.warned

    @property
    def indicators_detected(self) -> int:
        return self.monitoring.indicators_detected

    @property
    def force_phase(self) -> str:
        return self.force.phase.label

    @property
    def force_strength(self) -> float:
        return self.force.total_strength

    @property
    def force_troops(self) -> int:
        return self.force.troops_deployed

    @property
    def mean_member_resolve(self) -> float:
        return float(self.coalition.resolve[: self.coalition.n_members].mean())

    @property
    def ratified_share(self) -> float:
        return float(self.coalition.ratified[: self.coalition.n_members].mean())

    @property
    def pledged_share(self) -> float:
        return float(self.coalition.pledges[: self.coalition.n_members].mean())

    @property
    def us_roles(self) -> str:
        us = self.united_states
        roles = [name for name, held in (("monitoring", us.leads_monitoring), ("force", us.backs_force),
                                          ("intelligence", us.shares_intelligence),
                                          ("pledge", bool(self.coalition.pledges[self.coalition.us]))) if held]
        return "+".join(roles) or "none"

    @property
    def territory_lost_pct(self) -> float:
        return self.war.territory_lost_pct
