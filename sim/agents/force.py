"""G3: the Multinational Force for Ukraine, European-led, at Ukraine's request."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import mesa

from sim.clauses import Clause

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

US_BACKSTOP_AIR = 0.2  # G3 "proposed US support": air and enablers
US_BACKSTOP_TRIPWIRE = 1.5  # a US-backed force is a more certain tripwire


class ForcePhase(IntEnum):
    NOT_REQUESTED = 0
    REQUESTED = 1
    DEPLOYING = 2
    DEPLOYED = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class MultinationalForce(mesa.Agent):
    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.cfg = model.scenario_config.force
        coal = model.coalition
        scale = self.cfg.size * self.cfg.strength_per_share if self.cfg.enabled else 0.0
        self.backstop = model.united_states.backstops_force
        self.target = {dom: float(coal.mnf[dom].sum()) * scale for dom in ("land", "air", "sea")}
        if self.backstop and self.cfg.enabled:
            self.target["air"] += US_BACKSTOP_AIR * self.cfg.size
        self.lead_nations = [n for n, lead in zip(coal.names, coal.framework_nation) if lead]
        self.phase = ForcePhase.NOT_REQUESTED
        self.ramp = 0.0
        self.deployed_week: int | None = None
        self.strength = {dom: 0.0 for dom in self.target}
        self._update()

    def _update(self) -> None:
        p = self.model.scenario_config.payoffs
        land, air, sea = (self.target[d] * self.ramp for d in ("land", "air", "sea"))
        self.strength = {"land": land, "air": air, "sea": sea}
        forward = self.cfg.posture == "forward"
        self.air_denial = min(0.5, 0.3 * air)  # air policing cuts the payoff of strikes
        self.sea_denial = min(0.5, 0.5 * sea)
        self.limited_defence = land * (0.5 if forward else 0.2)
        self.major_defence = land * (1.0 if forward else 0.6) + 0.3 * air
        exposure = 1.0 if forward else p.rear_tripwire_share
        self.tripwire = (p.tripwire_cost * land * exposure
                         * (US_BACKSTOP_TRIPWIRE if self.backstop else 1.0))

    @property
    def total_strength(self) -> float:
        return self.strength["land"] + self.strength["air"] + self.strength["sea"]

    def credible_cessation(self, week: int) -> bool:
        """Detected violations stayed at or below the threshold over the whole window."""
        window = self.cfg.credible_cessation_window_weeks
        if week + 1 < window or self.model.at_war:
            return False
        seen = self.model.monitoring.seen_in_window(week, window)
        return seen <= self.cfg.credible_cessation_threshold

    def advance(self, week: int) -> None:
        """Step 8: request once cessation is credible, then build up to deployment."""
        if not self.cfg.enabled or self.model.at_war:
            return
        log = self.model.events
        if self.phase == ForcePhase.NOT_REQUESTED:
            if self.cfg.ukraine_requests and self.credible_cessation(week):
                self.phase = ForcePhase.REQUESTED
                log.add(week, "request", "Ukraine", "", Clause.G3,
                        "credible cessation holds: Ukraine requests the Multinational Force")
            return
        if self.phase == ForcePhase.REQUESTED:
            self.phase = ForcePhase.DEPLOYING
            leads = " and ".join(self.lead_nations) or "European members"
            log.add(week, "deployment", "MultinationalForce", "", Clause.G3,
                    f"deployment begins, led by {leads}; {self.cfg.posture} posture"
                    + ("; US backstop" if self.backstop else "; no US backstop"))
        if self.phase == ForcePhase.DEPLOYING:
            self.ramp = min(1.0, self.ramp + 1.0 / self.cfg.build_up_weeks)
            if self.ramp >= 1.0:
                self.phase = ForcePhase.DEPLOYED
                self.deployed_week = week
                log.add(week, "deployment", "MultinationalForce", "", Clause.G3,
                        f"fully deployed: land {self.target['land']:.2f}, air {self.target['air']:.2f}, "
                        f"sea {self.target['sea']:.2f}")
            self._update()
