"""The deterrence model: one step is one week after the ceasefire (G0: t = 0).

Read ``step()`` top to bottom: it is the weekly order of docs/ODD.md (section 3), and
each line names the module where its submodel lives. Actors keep their own state
(``sim/agents/``); rules that involve several actors live in the submodel that names
them. The model only orders the week and routes what one submodel hands the next.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import mesa
import numpy as np

from sim import shocks
from sim.agents import (
    Coalition,
    CoalitionMember,
    CoordinationCell,
    ForcePhase,
    MultinationalForce,
    Russia,
    SanctionsRegime,
    Ukraine,
    UnitedStates,
)
from sim.chain import MonitoringMechanism, SpecialCommission
from sim.config import Scenario, data_file_path
from sim.config.schema import ParameterView, parameter_view
from sim.config.overrides import scenario_from_kwargs
from sim.data import read_elections, read_eu_veto_players, read_force_contributions, read_members
from sim.events import EventLog
from sim.ladder import Action
from sim.reporters import RUN_REPORTERS
from sim.responses import Responses
from sim.war import War
from sim.warning import WarningSystem

# Independent random streams, one per mechanism, so that switching one mechanism
# off does not shift the draws of the others (common random numbers across designs).
STREAMS = ("russia", "ukraine", "members", "monitoring", "commission", "us", "force", "war", "volume")
# Streams that only ever draw uniforms (a few a week each): drawn ahead in blocks (``UniformDraws``).
UNIFORM_STREAMS = ("ukraine", "monitoring")


class UniformDraws:
    """A random stream that draws only uniforms on [0, 1), drawn ahead a block at a time.

    ``Generator.random(n)`` yields the numbers n calls of ``Generator.random()`` would, in order, so the
    draws are the same as one call each; a call here costs a list lookup instead of a call into numpy.
    Any other kind of draw is an error (AttributeError): it would shift the numbers that follow.
    """

    __slots__ = ("_generator", "_block", "_next")
    BLOCK = 256

    def __init__(self, generator: np.random.Generator) -> None:
        self._generator = generator
        self._block: list[float] = []
        self._next = 0

    def random(self, size: int | None = None) -> float | list[float]:
        """One uniform (``size`` None) or a list of ``size`` of them, as ``Generator.random`` would draw them."""
        if size is not None:
            return [self.random() for _ in range(size)]
        try:
            x = self._block[self._next]
        except IndexError:
            self._block, self._next = self._generator.random(self.BLOCK).tolist(), 0
            x = self._block[0]
        self._next += 1
        return x

DEPLOYED = ForcePhase.DEPLOYED  # the force's last phase: from then on it only changes on alert

STEP_REPORTERS = (
    "date", "russia_intent", "escalation_level", "at_war", "credibility_probe", "credibility_limited",
    "credibility_major", "window_value", "russia_strength", "russia_ambition", "sanctions_level",
    "ukraine_defence", "ukraine_strength", "fortification", "coverage", "violations_counted", "warning_in_force",
    "indicators_detected", "force_phase", "force_strength", "force_troops", "mean_member_resolve",
    "ratified_share", "pledged_share", "us_roles", "territory_seized_pct",
)


class DeterrenceModel(mesa.Model):
    """Post-ceasefire deterrence under a design of the Paris guarantees."""

    def __init__(self, scenario: Scenario | str = "paris_declaration", seed: int | None = None, *,
                 rng: int | None = None, record_events: bool = True, collect_steps: bool = True,
                 step_period: int = 1, **overrides: Any) -> None:
        """``overrides``: schema parameters with ``__`` for dots (``monitoring__coverage=0.5``).

        ``seed`` (or ``rng``, the name Mesa 3.5's ``batch_run(rng=...)`` and Mesa 4 pass): a whole
        number makes the run reproducible; none draws a fresh one, as ``mesa.Model`` does, so
        ``mesa.batch_run(iterations=N)`` gives N different runs. The seed used is ``self.seed``.
        """
        if rng is not None:
            if seed is not None and seed != rng:
                raise ValueError(f"DeterrenceModel: seed={seed} and rng={rng} disagree; give one of them")
            seed = rng
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)  # fresh entropy, < 2**63
        sc = scenario_from_kwargs(scenario, overrides, seed=seed)  # checks the seed too
        children = np.random.SeedSequence(seed).spawn(len(STREAMS) + 1)
        super().__init__(rng=int(children[0].generate_state(1)[0]))
        self.streams = {name: np.random.default_rng(c) for name, c in zip(STREAMS, children[1:])}
        for name in UNIFORM_STREAMS:
            self.streams[name] = UniformDraws(self.streams[name])
        self.scenario_config = sc
        self.seed = seed
        self.week = 0
        self.horizon = sc.horizon_weeks
        self.events = EventLog(record_events)
        self.collect_steps = collect_steps
        self.step_period = max(1, step_period)
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
        self.sanctions = SanctionsRegime(self, read_eu_veto_players(
            data_file_path(sc.sanctions.eu_veto_players_file)))  # EU unanimity (G4)
        self.war = War(self)
        self.warning = WarningSystem(self)
        self.responses = Responses(self)
        self.russia = Russia(self)
        self.datacollector = mesa.DataCollector(model_reporters={**{k: k for k in STEP_REPORTERS},
                                                                 **RUN_REPORTERS})
        # Every agent is built: Mesa 3.3's class-level id counter (Agent._ids, keyed by model; mesa#3179, fixed
        # by mesa#3180) would keep this model, and all it holds, alive for the life of the process.
        getattr(mesa.Agent, "_ids", {}).pop(self, None)

    @property
    def scenario_config(self) -> Scenario:
        """The scenario this run follows (a shock replaces it). Submodels read its values through
        ``params``, the same values as plain attributes (quicker to read than the pydantic model's)."""
        return self._scenario

    @scenario_config.setter
    def scenario_config(self, scenario: Scenario) -> None:
        self._scenario = scenario
        self.params: ParameterView = parameter_view(scenario)

    # --- the week ------------------------------------------------------------------
    def step(self) -> None:
        # Most weeks are quiet: a submodel is called only when it has something to do this week (the
        # guards say when; each skipped call would have returned at once, drawing nothing).
        week = self.week
        coalition, russia, war, force = self.coalition, self.russia, self.war, self.force
        if week in self.shocks:                                   # 0. scripted shocks (sim/shocks.py),
            shocks.apply(self, week, self.shocks[week])
        if ((week >= coalition.next_ratification or week == coalition.finalised_week  # ratification,
             or week in coalition.election_weeks)                                          # elections
                and (case := coalition.advance_politics(week)) is not None):  # (agents/coalition)
            russia.notice("politics", case)
        if (case := self.united_states.advance(week)) is not None:  # a US withdrawal within the term (idem)
            russia.notice("politics", case)
        moves = russia.act(week)                                  # 1. Russia decides and acts (sim/decisions)
        violations = (war.week(moves, week) if war.at_war or moves.violations  # attacks contested, war
                      else [])                                    #    fought (sim/war.py)
        if war.armed_attack_week == week:
            self.warning.attack_seen()
        ukrainian = self.ukraine.violate(week, violations)        # 2. Ukraine's own minor violations
        if ukrainian is not None:
            violations.append(ukrainian)
        self.monitoring.count(moves.volume, moves.obstruct, week, war.at_war)  # 3. violations counted,
        reports, seen = self.monitoring.observe(violations, week)  # detected, attributed (sim/chain.py)
        if self.warning.watch(moves.indicators, moves.tactical, moves.indicator_event, week):  # (sim/warning.py)
            self.warning.take_effect(week)
        commission = self.commission
        if reports or seen or commission.pending:
            decided = commission.week(reports, seen, week)        # 4. the commission decides (sim/chain.py)
            self.responses.schedule(decided.decisions)
            for learn_week, level in decided.unanswered:          #    Russia will see these go unanswered
                russia.will_learn(learn_week, level, 0.0)
        responses = self.responses
        if responses.pending or week >= responses.next_effect:
            responses.week(week)                                  # 5. responses (sim/responses.py)
        self.sanctions.week(week, war.at_war,                     #    sanctions: relief and snapback
                            war.escalation_event if moves.launched_war else None)
        if russia.to_learn:
            russia.learn(week)                                    # 6. Russia updates its beliefs
        self.ukraine.evolve(week, war.at_war)                     # 7. Ukraine's forces (P1, G2, G5)
        if force.phase != DEPLOYED or week == force.alert_until:
            force.advance(week, war.at_war)                       # 8. the force (G3)
        russia.evolve(war.at_war, self.sanctions.level)           # 9. capacities and politics evolve
        coalition.drift()
        if week == self.horizon - 1 or (self.collect_steps and week % self.step_period == 0):
            self.datacollector.collect(self)
        self.week += 1
        if self.week >= self.horizon:
            self.running = False

    def run(self, weeks: int | None = None) -> DeterrenceModel:
        for _ in range(weeks if weeks is not None else self.horizon - self.week):
            self.step()
        return self

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
        return self.russia.reading.credibility(Action.PROBE)

    @property
    def credibility_limited(self) -> float:
        return self.russia.reading.credibility(Action.LIMITED)

    @property
    def credibility_major(self) -> float:
        return self.russia.reading.credibility(Action.MAJOR)

    @property
    def window_value(self) -> float:
        return self.russia.decisions.window_value

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
    def violations_counted(self) -> int:
        return self.monitoring.volume_week

    @property
    def warning_in_force(self) -> bool:
        return self.warning.warned

    @property
    def indicators_detected(self) -> int:
        return self.warning.indicators_detected

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
    def territory_seized_pct(self) -> float:
        return self.war.territory_seized_pct
