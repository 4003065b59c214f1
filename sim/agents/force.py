"""G3: the Multinational Force for Ukraine, European-led, at Ukraine's request.

Built nation by nation from public pledges (scenarios/force_contributions.csv):
troops, combat aircraft and ships, and where each nation bases them (rear hubs in
Ukraine, outside Ukraine, or forward). The tripwire acts through members: if an
attack strikes a nation's troops, that nation (and, less, its allies) rallies.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from sim.clauses import Clause

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class ForcePhase(IntEnum):
    NOT_REQUESTED = 0
    REQUESTED = 1
    DEPLOYING = 2
    DEPLOYED = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class MultinationalForce(mesa.Agent):
    def __init__(self, model: DeterrenceModel, contributions: pd.DataFrame) -> None:
        super().__init__(model)
        coal = model.coalition
        n1 = coal.n_members + 1
        self.troops = np.zeros(n1)
        self.aircraft = np.zeros(n1)
        self.ships = np.zeros(n1)
        self.basing = ["none"] * n1
        for code, troops, aircraft, ships, basing in zip(contributions.iso3, contributions.land_troops,
                                                         contributions.combat_aircraft, contributions.ships,
                                                         contributions.basing):
            i = coal.index_of.get(code)
            if i is None or i == coal.us:  # the US offers support, not a contingent (see backstop)
                continue
            self.troops[i], self.aircraft[i], self.ships[i], self.basing[i] = troops, aircraft, ships, basing
        self.contributors = (self.troops + self.aircraft + self.ships) > 0
        self.lead_nations = [n for n, lead in zip(coal.names, coal.framework_nation) if lead]
        self.stream = model.streams["force"]
        self.phase = ForcePhase.NOT_REQUESTED
        self.request_event: int | None = None  # Ukraine's request: the case of the deployment
        self.deployment_event: int | None = None
        self.ramp = 0.0
        self.deployed_week: int | None = None
        self.alert_until = -1
        self.refresh()

    # --- strength and exposure --------------------------------------------------------
    def refresh(self) -> None:
        """Targets by domain and each nation's exposure, from the scenario (also after a shock)."""
        f = self.model.scenario_config.force
        us = self.model.united_states
        scale = f.size if f.enabled else 0.0
        forward = f.posture == "forward"
        self.target = {
            "land": float(self.troops.sum()) / 1000.0 * f.strength_per_1000_troops * scale,
            "air": float(self.aircraft.sum()) * f.strength_per_aircraft * scale
            + (self.model.scenario_config.united_states.backstop_air * f.size if us.backs_force and f.enabled else 0.0),
            "sea": float(self.ships.sum()) * f.strength_per_ship * scale,
        }
        troops = self.troops * scale
        land = float(troops.sum())
        self.forward_share = 1.0 if forward else (
            float(troops[[b == "forward" for b in self.basing]].sum()) / land if land > 0 else 0.0)
        # Chance an attack strikes each nation's troops: forward for certain, rear bases sometimes.
        in_ukraine = np.array([b in ("rear", "forward") for b in self.basing]) & (troops > 0)
        based_forward = np.array([b == "forward" for b in self.basing])
        self.exposure = np.where(in_ukraine, np.where(forward | based_forward, 1.0, f.rear_exposure), 0.0)
        any_hit = 1.0 - float(np.prod(1.0 - self.exposure))
        self.base_rally = f.casualty_rally * (self.exposure + f.ally_rally_share * (1.0 - self.exposure)
                                              * any_hit * self.contributors)
        self._update()

    def _update(self) -> None:
        f = self.model.scenario_config.force
        land, air, sea = (self.target[d] * self.ramp for d in ("land", "air", "sea"))
        self.strength = {"land": land, "air": air, "sea": sea}
        fs = self.forward_share
        self.air_denial = min(f.air_denial_cap, f.air_denial_per_unit * air)  # air policing cuts strikes' payoff
        self.sea_denial = min(f.sea_denial_cap, f.sea_denial_per_unit * sea)
        alert = 1.0 + (self.model.scenario_config.warning.force_alert_boost if self.on_alert else 0.0)
        self.limited_defence = land * (fs * f.limited_defence_forward + (1 - fs) * f.limited_defence_rear) * alert
        self.major_defence = (land * (fs * f.forward_defence + (1 - fs) * f.rear_defence)
                              + f.air_defence_share * air) * alert
        self.rally = self.base_rally * self.ramp  # the tripwire rally an attack would cause now, per state

    def projected(self, weeks_ahead: int) -> float:
        """The ramp Russia expects in ``weeks_ahead`` weeks (the deployment schedule is public)."""
        if self.phase in (ForcePhase.REQUESTED, ForcePhase.DEPLOYING):
            return min(1.0, self.ramp + weeks_ahead / self.model.scenario_config.force.build_up_weeks)
        return self.ramp

    def major_defence_at(self, ramp: float) -> float:
        """Defence against a major attack at a given build-up, before any alert (Russia's projection)."""
        f = self.model.scenario_config.force
        fs = self.forward_share
        return (self.target["land"] * (fs * f.forward_defence + (1 - fs) * f.rear_defence)
                + f.air_defence_share * self.target["air"]) * ramp

    @property
    def on_alert(self) -> bool:
        return self.model.week < self.alert_until

    @property
    def total_strength(self) -> float:
        return self.strength["land"] + self.strength["air"] + self.strength["sea"]

    @property
    def backstop(self) -> bool:
        return self.model.united_states.backs_force

    @property
    def troops_deployed(self) -> int:
        return int(round(float(self.troops.sum()) * self.model.scenario_config.force.size * self.ramp))

    # --- events ---------------------------------------------------------------------
    def alert(self, week: int, warning: int | None) -> None:
        """A warning's pre-agreed measure (G3): the deployed force goes on alert."""
        if self.ramp <= 0.0:
            return
        self.alert_until = week + self.model.scenario_config.warning.duration_weeks
        self._update()
        self.model.events.add(week, "warning_measure", "MultinationalForce", "", Clause.G3, case=warning,
                              cause=warning, outcome="force_alert")

    def strike(self) -> np.ndarray:
        """A renewed armed attack: which nations' troops it strikes (by exposure and deployment)."""
        draws = self.stream.random(self.exposure.size)
        return (draws < self.exposure * self.ramp) & (self.troops > 0)

    def credible_cessation(self, week: int) -> bool:
        """Detected violations stayed at or below the threshold over the whole window."""
        f = self.model.scenario_config.force
        window = f.credible_cessation_window_weeks
        if week + 1 < window:
            return False
        return self.model.monitoring.seen_in_window(week, window) <= f.credible_cessation_threshold

    def advance(self, week: int, at_war: bool) -> None:
        """Step 8: request once cessation is credible, then build up to deployment."""
        f = self.model.scenario_config.force
        if week == self.alert_until:
            self._update()
        if not f.enabled or at_war:
            return
        log = self.model.events
        if self.phase == ForcePhase.NOT_REQUESTED:
            if f.ukraine_requests and self.credible_cessation(week):
                self.phase = ForcePhase.REQUESTED
                self.request_event = log.add(week, "request", "Ukraine", "", Clause.G3, outcome="requested",
                                             window_weeks=f.credible_cessation_window_weeks,
                                             count=self.model.monitoring.seen_in_window(
                                                 week, f.credible_cessation_window_weeks))
            return
        case = self.request_event
        if self.phase == ForcePhase.REQUESTED:
            self.phase = ForcePhase.DEPLOYING
            self.deployment_event = log.add(
                week, "deployment", "MultinationalForce", "", Clause.G3, case=case, cause=case, outcome="begins",
                items=tuple(self.lead_nations), troops=int(self.troops.sum() * f.size),
                aircraft=int(self.aircraft.sum() * f.size), ships=int(self.ships.sum() * f.size),
                posture=f.posture, us_support=bool(self.backstop))
        if self.phase == ForcePhase.DEPLOYING:
            self.ramp = min(1.0, self.ramp + 1.0 / f.build_up_weeks)
            if self.ramp >= 1.0:
                self.phase = ForcePhase.DEPLOYED
                self.deployed_week = week
                log.add(week, "deployment", "MultinationalForce", "", Clause.G3, case=case,
                        cause=self.deployment_event, outcome="fully_deployed", land=self.target["land"],
                        air=self.target["air"], sea=self.target["sea"])
            self._update()
