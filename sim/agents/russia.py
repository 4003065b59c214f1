"""Russia: its intent, its campaigns, its capacity and what it has learned.

Russia is in one intent state at a time (compliant, grey-zone pressure campaign,
preparing an offensive, carrying out a limited offensive, at war). This module holds
that state, its transitions and what a week of the current campaign produces
(violations, indicators of a preparation). *Where Russia decides* is
``sim.decisions``: its decision points and choice (``choice``), the value of each
option (``outlook``) and its reading of the coalition (``reading``). No clause: Russia
is the party the guarantees deter; its rules are assumptions (docs/ODD.md).
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.clauses import Clause
from sim.decisions.choice import Decisions
from sim.decisions.outlook import Outlook
from sim.decisions.reading import CoalitionReading
from sim.ladder import (
    ATTACKING,
    COMPLIANT,
    COMPLY,
    LIMITED,
    MAJOR,
    PREPARING,
    PRESSURE,
    PROBE,
    RUSSIA,
    Action,
    Intent,
    Violation,
    Week,
)

if TYPE_CHECKING:
    from sim.config.schema import Campaigns
    from sim.model import DeterrenceModel



class Russia(mesa.Agent):
    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        sc = model.params
        self.stream = model.streams["russia"]
        self.strength = sc.russia.initial_strength
        # Drawn once a run (frailty): the ambition this ceasefire faces, around the scenario's.
        spread = sc.russia.ambition_spread
        self.ambition_anchor = sc.russia.ambition * (math.exp(spread * self.stream.normal()) if spread > 0 else 1.0)
        self.ambition = self.ambition_anchor
        self._noise_stream = np.random.default_rng(self.stream.integers(1 << 62))  # weekly drift of ambition
        self._noise_until = 0
        self._volume_stream = model.streams["volume"]  # its own stream: volumes never shift Russia's choices
        self._volume_until = 0
        self._episode = 0.0  # log-intensity of violations (episodes)
        self.intent = Intent.COMPLIANT
        self.objective: Action | None = None  # LIMITED or MAJOR while preparing or attacking
        self.campaign_start = 0
        self.campaign_end = 0  # week the current campaign or preparation ends
        self.campaign_case: int | None = None  # the event that started the current campaign
        self.exposed = False  # a warning was issued while preparing
        self.exposed_by: int | None = None  # that warning's event
        self.trigger: str | None = None  # a triggering event: decide this week
        self.trigger_case: int | None = None  # that event's id (the cause of the assessment it triggers)
        self.action = Action.COMPLY  # the highest rung this week (steps.csv)
        self.campaigns = {"pressure": 0, "prepare_limited": 0, "prepare_major": 0, "aborted": 0,
                          "stood_down": 0}
        self.preparation_weeks = {Action.LIMITED: 0, Action.MAJOR: 0}
        self.violations = {lvl: 0 for lvl in Action}
        self.first_attack_warned = False
        self.to_learn: deque[tuple[int, Action, float]] = deque()  # (week Russia learns, level, share acted)
        self.reading = CoalitionReading(model, self)
        self.outlook = Outlook(model, self)
        self.decisions = Decisions(model, self)

    def act(self, week: int) -> Week:
        """Step 1: a decision point if one is due (``sim.decisions``), then a week of the campaign."""
        return self.decisions.act(week)

    # --- a week of the current campaign -------------------------------------------------
    def campaign_week(self, week: int) -> Week:
        c = self.model.params.campaigns
        intent = self.intent
        rate = (c.compliant_probe_rate if intent == COMPLIANT else c.pressure_probe_rate
                if intent == PRESSURE else c.preparation_probe_rate if intent == PREPARING else 0.0)
        out = Week(cause=self.campaign_case)
        self.action = COMPLY
        if intent == ATTACKING:
            self.action = LIMITED
        elif rate > 0.0 and self.stream.random() < 1.0 - math.exp(-rate):  # a rate per week
            eid = self.model.events.add(week, "violation", "Russia", "probe", Clause.ASSUMPTION,
                                        cause=self.campaign_case, perpetrator=RUSSIA, intent=intent.label)
            out.violations.append(Violation(week, RUSSIA, PROBE, eid))
            self.violations[PROBE] += 1
            self.action = PROBE
        final_weeks = False
        if intent == PREPARING:
            self.preparation_weeks[self.objective] += 1
            w = self.model.params.warning
            if self.objective == MAJOR:
                final_weeks = self.campaign_end - week <= w.tactical_weeks
                strategic, tactical = w.indicators_per_week_major, w.tactical_per_week_major if final_weeks else 0.0
            else:
                strategic, tactical = 0.0, w.tactical_per_week_limited
            out.indicators = int(self.stream.poisson(strategic)) if strategic > 0.0 else 0
            out.tactical = int(self.stream.poisson(tactical)) if tactical > 0.0 else 0
            if out.indicators + out.tactical:
                out.indicator_event = self.model.events.add(
                    week, "indicator", "Russia", self.objective.label, Clause.ASSUMPTION, case=self.campaign_case,
                    cause=self.campaign_case, count=out.indicators + out.tactical, intent=intent.label,
                    outcome="tactical" if out.tactical else "strategic")
        out.volume = self._volume(week, intent, final_weeks, c)
        out.obstruct = intent == PRESSURE or intent == PREPARING
        return out

    def _volume(self, week: int, intent: Intent, final_weeks: bool, c: Campaigns | None = None) -> int:
        """Ceasefire violations by Russia's side this week: a mean by intent, in episodes (a persistent
        log-normal intensity), with the spike of the last weeks before a renewed war."""
        if c is None:
            c = self.model.params.campaigns
        mean = (c.volume_compliant if intent == COMPLIANT else c.volume_pressure if intent == PRESSURE
                else c.volume_preparing * (c.volume_spike if final_weeks else 1.0) if intent == PREPARING
                else 0.0)
        if week >= self._volume_until:  # drawn a year at a time: one call instead of 52
            self._volume_noise = self._volume_stream.standard_normal(52).tolist()
            self._volume_start, self._volume_until = week, week + 52
        rho, sd = c.volume_persistence, c.volume_shock_sd
        self._episode = rho * self._episode + sd * self._volume_noise[week - self._volume_start]
        # Mean-preserving: exp(x) has mean exp(var / 2) for the stationary variance of x.
        return int(round(mean * math.exp(self._episode - 0.5 * sd * sd / (1.0 - rho * rho))))

    # --- transitions ----------------------------------------------------------------------
    def start(self, week: int, intent: Intent, objective: Action | None, weeks: int) -> None:
        log = self.model.events
        if self.intent == Intent.PRESSURE:
            log.add(week, "campaign", "Russia", "probe", Clause.ASSUMPTION, case=self.campaign_case,
                    cause=self.campaign_case, outcome="pressure_ends_to_prepare", intent=self.intent.label)
        self.intent, self.objective = intent, objective
        self.campaign_start, self.campaign_end = week, week + weeks
        self.exposed, self.exposed_by = False, None
        why = self.decisions.decision_event
        if intent == Intent.PRESSURE:
            self.campaigns["pressure"] += 1
            self.campaign_case = log.add(week, "campaign", "Russia", "probe", Clause.ASSUMPTION, cause=why,
                                         outcome="pressure_starts", weeks=weeks, intent=intent.label)
        else:
            self.campaigns[f"prepare_{objective.label}"] += 1
            self.campaign_case = log.add(week, "campaign", "Russia", objective.label, Clause.ASSUMPTION, cause=why,
                                         outcome="preparation_starts", weeks=weeks, intent=intent.label)

    def end_campaign(self, week: int, outcome: str | None = None) -> None:
        level, ended = {Intent.PRESSURE: ("probe", "pressure_ends"),
                        Intent.ATTACKING: ("limited", "limited_offensive_ends")}[self.intent]
        self.model.events.add(week, "campaign", "Russia", level, Clause.ASSUMPTION, case=self.campaign_case,
                              cause=self.campaign_case, outcome=outcome or ended, intent=self.intent.label)
        self.to_compliance(week)

    def stand_down(self, week: int) -> None:
        """The preparation is complete but the attack no longer pays: the preparation is sunk."""
        self.campaigns["stood_down"] += 1
        self.model.events.add(week, "campaign", "Russia", self.objective.label, Clause.ASSUMPTION,
                              case=self.campaign_case, cause=self.decisions.decision_event, outcome="stood_down",
                              weeks=week - self.campaign_start, intent=self.intent.label)
        self.to_compliance(week)

    def proceed_exposed(self, week: int) -> None:
        self.model.events.add(week, "campaign", "Russia", self.objective.label, Clause.ASSUMPTION,
                              case=self.campaign_case, cause=self.decisions.decision_event, outcome="proceeds_exposed",
                              intent=self.intent.label)

    def abort(self, week: int) -> None:
        self.campaigns["aborted"] += 1
        self.model.events.add(week, "campaign", "Russia", self.objective.label, Clause.ASSUMPTION,
                              case=self.campaign_case, cause=self.decisions.decision_event, outcome="aborted",
                              weeks=week - self.campaign_start, intent=self.intent.label)
        self.to_compliance(week)

    def to_compliance(self, week: int) -> None:
        self.intent, self.objective, self.exposed = Intent.COMPLIANT, None, False
        self.campaign_case = self.exposed_by = self.trigger_case = None
        self.trigger = "campaign ended"

    def launch(self, week: int, level: Action) -> Week:
        self.action = level
        launch = self.model.events.add(
            week, "campaign", "Russia", level.label, Clause.ASSUMPTION, case=self.campaign_case,
            cause=self.decisions.decision_event, intent=self.intent.label,
            outcome="launched_after_warning" if self.exposed else "launched_by_surprise")
        violation = Violation(week, RUSSIA, level)  # its event: the war's (sim.war)
        self.violations[level] += 1
        if level == Action.MAJOR:
            if self.model.war.escalation_week is None:
                self.first_attack_warned = self.exposed
            self.intent = Intent.AT_WAR
            return Week([violation], launched_war=True, cause=launch)
        self.intent = Intent.ATTACKING
        self.campaign_start = week
        self.campaign_end = week + self.model.params.campaigns.limited_offensive_weeks
        return Week([violation], cause=launch)

    def war_ended(self, week: int) -> None:
        """A renewed war has ended: Russia complies, and reconstitutes before its next assessment."""
        self.intent, self.objective = Intent.COMPLIANT, None
        self.campaign_case = self.exposed_by = None
        self.decisions.pause_until(week + self.model.params.campaigns.post_war_pause_weeks)

    def on_warning(self, warning: int | None) -> None:
        """A public warning: if a preparation is under way, it is exposed (a decision point)."""
        if self.intent == Intent.PREPARING and not self.exposed:
            self.exposed, self.exposed_by = True, warning
            self.trigger = "exposed"

    def notice(self, why: str, case: int | None = None) -> None:
        """A triggering event (a change of government, a withdrawal, a shock), event ``case``: decide this week."""
        self.trigger, self.trigger_case = why, case

    # --- learning (step 6) -----------------------------------------------------------------
    def will_learn(self, week: int, level: Action, acted_share: float) -> None:
        """Russia will see, in ``week``, how much of the pledged power acted on its violation."""
        self.to_learn.append((week, level, acted_share))

    def learn(self, week: int) -> None:
        q = self.to_learn
        while q and q[0][0] <= week:
            _, level, share = q.popleft()
            self.reading.observe(level, share)

    # --- capacity ----------------------------------------------------------------------------
    def take_losses(self, amount: float) -> None:
        self.strength = max(self.model.params.war.strength_floor, self.strength - amount)

    def evolve(self, at_war: bool, sanctions_level: float) -> None:
        """Step 9: production under the sanctions drain, drifting ambition."""
        r = self.model.params.russia
        if not at_war:  # industry re-equips the forces, less what sanctions drain, up to the ceiling
            ceiling = 1.0 + r.max_strength_gain
            if self.strength < ceiling:
                gain = r.production_per_year / 52.0 * (1.0 - min(r.sanctions_drain_cap, sanctions_level))
                self.strength = min(ceiling, self.strength + gain)
        week = self.model.week
        if week >= self._noise_until:  # drawn a year at a time: one call instead of 52
            self._noise = self._noise_stream.standard_normal(52).tolist()
            self._noise_start, self._noise_until = week, week + 52
        self.ambition += (r.ambition_reversion * (self.ambition_anchor - self.ambition)
                          + r.ambition_drift * self._noise[week - self._noise_start])
        self.ambition = min(r.ambition_ceiling, max(0.0, self.ambition))
