"""G3: the Multinational Force for Ukraine, European-led, at Ukraine's request.

Built nation by nation from public statements (scenarios/force_contributions.csv):
troops, combat aircraft and ships as low-high ranges read at ``force.contribution_level``
(an uncertainty: most sizes were withheld), and where each nation bases them (rear hubs
in Ukraine, outside Ukraine, or forward). The tripwire acts through members: if an
attack strikes a nation's troops, that nation (and, less, its allies) rallies.

Whether the force fights is set by its rules of engagement (``force.rules_of_engagement``):
``reassurance`` (no combat role: it defends nothing but itself by withdrawing),
``self_defence`` (a contingent fights once its own troops are struck; the declaration's
"reassurance measures", far from the front) or ``forward_defence`` (every contingent in
Ukraine defends against an attack). Only troops based in Ukraine can defend it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from sim.clauses import Clause
from sim.data import columns

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


NOT_REQUESTED, REQUESTED, DEPLOYING, DEPLOYED = ForcePhase  # module names: quicker than the enum's (Python 3.11)


class MultinationalForce(mesa.Agent):
    def __init__(self, model: DeterrenceModel, contributions: pd.DataFrame) -> None:
        super().__init__(model)
        coal = model.coalition
        n1 = coal.n_members + 1
        self.troops = np.zeros(n1)
        self.aircraft = np.zeros(n1)
        self.ships = np.zeros(n1)
        self.basing = ["none"] * n1
        # Each domain read within its low-high range (0 low, 1 high, 0.5 the midpoint), in whole units
        # (rounded half up: a nation sends a ship or not).
        level = model.params.force.contribution_level
        read = {}
        cols = columns(contributions)
        for d in ("troops", "aircraft", "ships"):
            low, high = cols[f"{d}_low"].astype(float), cols[f"{d}_high"].astype(float)
            read[d] = np.floor(low + level * (high - low) + 0.5)
        for k, (code, basing) in enumerate(zip(cols["iso3"].tolist(), cols["basing"].tolist())):
            i = coal.index_of.get(code)
            if i is None or i == coal.us:  # the US offers support, not a contingent (see backstop)
                continue
            self.troops[i], self.aircraft[i], self.ships[i] = read["troops"][k], read["aircraft"][k], read["ships"][k]
            self.basing[i] = basing
        self.contributors = (self.troops + self.aircraft + self.ships) > 0
        self.pledged = (self.troops.copy(), self.aircraft.copy(), self.ships.copy())  # before national decisions
        self.committed = self.contributors.copy()
        self.decision_draw = np.zeros(n1)  # drawn at the national decisions
        self.ever_sent = np.zeros(n1, dtype=bool)  # nations that sent their contingent at some deployment
        self.contingents_withdrawn = 0
        self.next_request = 0
        self.lead_nations = [n for n, lead in zip(coal.names, coal.framework_nation) if lead]
        self.stream = model.streams["force"]
        self.phase = NOT_REQUESTED
        self.request_event: int | None = None  # Ukraine's request: the case of the deployment
        self.deployment_event: int | None = None
        self.ramp = 0.0
        self.deployed_week: int | None = None
        self.alert_until = -1
        self.engaged = np.zeros(n1, dtype=bool)  # contingents in combat in the current war (self-defence)
        self.refresh()

    # --- strength and exposure --------------------------------------------------------
    def refresh(self) -> None:
        """Targets by domain and each nation's exposure, from the scenario (also after a shock)."""
        f = self.model.params.force
        us = self.model.united_states
        scale = f.size if f.enabled else 0.0
        forward = f.posture == "forward"
        self.target = {
            "land": float(self.troops.sum()) / 1000.0 * f.strength_per_1000_troops * scale,
            "air": float(self.aircraft.sum()) * f.strength_per_aircraft * scale
            + (self.model.params.united_states.backstop_air * f.size if us.backs_force and f.enabled else 0.0),
            "sea": float(self.ships.sum()) * f.strength_per_ship * scale,
        }
        troops = self.troops * scale
        # Chance an attack strikes each nation's troops: forward for certain, rear bases sometimes.
        in_ukraine = np.array([b in ("rear", "forward") for b in self.basing]) & (troops > 0)
        based_forward = np.array([b == "forward" for b in self.basing])
        self.in_ukraine = in_ukraine
        # Each nation's land strength in Ukraine at full deployment, and how much of it defends
        # against a major or a limited attack where it stands (forward near the line, or rear hubs).
        land = troops / 1000.0 * f.strength_per_1000_troops * in_ukraine
        at_front = forward | based_forward
        self.land_major = land * np.where(at_front, f.forward_defence, f.rear_defence)
        self.land_limited = land * np.where(at_front, f.limited_defence_forward, f.limited_defence_rear)
        self.exposure = np.where(in_ukraine, np.where(at_front, 1.0, f.rear_exposure), 0.0)
        self._land_major_total = float(self.land_major.sum())  # read at every projection of an attack
        self._land_major_exposed = float((self.land_major * self.exposure).sum())
        any_hit = 1.0 - float(np.prod(1.0 - self.exposure))
        self.base_rally = f.casualty_rally * (self.exposure + f.ally_rally_share * (1.0 - self.exposure)
                                              * any_hit * self.contributors)
        self._update()

    def _update(self) -> None:
        f = self.model.params.force
        land, air, sea = (self.target[d] * self.ramp for d in ("land", "air", "sea"))
        self.strength = {"land": land, "air": air, "sea": sea}
        self.air_denial = min(f.air_denial_cap, f.air_denial_per_unit * air)  # air policing cuts strikes' payoff
        self.sea_denial = min(f.sea_denial_cap, f.sea_denial_per_unit * sea)
        alert = 1.0 + (self.model.params.warning.force_alert_boost if self.on_alert else 0.0)
        roe = f.rules_of_engagement
        engaged = self.in_ukraine if roe == "forward_defence" else self.engaged if roe == "self_defence" else None
        scale = self.ramp * alert
        self.major_defence = (float(self.land_major[engaged].sum()) * scale if engaged is not None else 0.0) + (
            f.air_defence_share * air * alert if roe == "forward_defence" else 0.0)
        # A limited offensive strikes no contingent: only a force that defends Ukraine meets it.
        self.limited_defence = float(self.land_limited.sum()) * scale if roe == "forward_defence" else 0.0
        self.rally = self.base_rally * self.ramp  # the tripwire rally an attack would cause now, per state

    def projected(self, weeks_ahead: int, request_in: int | None = None) -> float:
        """The ramp Russia expects in ``weeks_ahead`` weeks (the deployment schedule is public); before
        Ukraine's request, from a request expected in ``request_in`` weeks (None: none expected)."""
        build_up = self.model.params.force.build_up_weeks
        if self.phase in (REQUESTED, DEPLOYING):
            return min(1.0, self.ramp + weeks_ahead / build_up)
        if self.phase == NOT_REQUESTED and request_in is not None:
            return min(1.0, max(0, weeks_ahead - request_in) / build_up)
        return self.ramp

    def request_expected_in(self, held_back_weeks: int = 0) -> int | None:
        """Weeks until Ukraine's request as Russia projects it; None if none is to come.

        The request comes once the violations counted have stayed low over a full window
        (G3's credible cessation): at once if they already have, a window after any pressure
        Russia keeps up for ``held_back_weeks`` (so pressure holds the force back), and
        never before Ukraine may ask again.
        """
        f = self.model.params.force
        if self.phase != NOT_REQUESTED or not (f.enabled and f.ukraine_requests):
            return None
        week = self.model.week
        window = f.credible_cessation_window_weeks
        # A window of calm counts the week of the request itself.
        if held_back_weeks > 0:
            calm = held_back_weeks + window - 1
        else:
            calm = 0 if self.credible_cessation(week) else window - 1
        return max(calm, self.next_request - week, 0)

    def major_defence_at(self, ramp: float) -> float:
        """Defence against a major attack at a given build-up, before any alert (Russia's projection).

        Under self-defence Russia expects the contingents its attack would strike to fight.
        """
        f = self.model.params.force
        roe = f.rules_of_engagement
        if roe == "reassurance":
            return 0.0
        if roe == "self_defence":
            return self._land_major_exposed * ramp
        return (self._land_major_total + f.air_defence_share * self.target["air"]) * ramp

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
        return int(round(float(self.troops.sum()) * self.model.params.force.size * self.ramp))

    # --- events ---------------------------------------------------------------------
    def alert(self, week: int, warning: int | None) -> None:
        """A warning's pre-agreed measure (G3): the deployed force goes on alert."""
        if self.ramp <= 0.0:
            return
        self.alert_until = week + self.model.params.warning.duration_weeks
        self._update()
        self.model.events.add(week, "warning_measure", "MultinationalForce", "", Clause.G3, case=warning,
                              cause=warning, outcome="force_alert")

    def strike(self) -> np.ndarray:
        """A renewed armed attack: which nations' troops it strikes (by exposure and deployment).

        Under self-defence the struck contingents fight for the rest of the war.
        """
        draws = self.stream.random(self.exposure.size)
        hit = (draws < self.exposure * self.ramp) & (self.troops > 0)
        self.engaged = hit.copy()
        self._update()
        return hit

    def war_over(self) -> None:
        """The war has ended: contingents stand down to their peacetime role."""
        self.engaged[:] = False
        self._update()

    def credible_cessation(self, week: int) -> bool:
        """Ceasefire violations, a week on average over the window, stayed at or below the threshold, as the
        monitors estimate them in the OSCE SMM's unit (their count corrected for the coverage they had)."""
        f = self.model.params.force
        window = f.credible_cessation_window_weeks
        if week + 1 < window:
            return False
        return self.model.monitoring.estimated_per_week(window) <= f.credible_cessation_threshold

    def _nations_decide(self, week: int, case: int | None) -> bool:
        """Each contributing nation decides whether to send its contingent (by its resolve, now).

        The force is European-led (G3): without a framework nation it does not deploy, and
        Ukraine can ask again after ``force.request_retry_weeks``.
        """
        f = self.model.params.force
        coal = self.model.coalition
        # One draw a nation, kept: a later review keeps the contingent while its resolve still clears the bar.
        self.decision_draw = self.stream.random(self.contributors.size)
        self.committed = self.contributors & (self.decision_draw < self._p_commit())
        self.ever_sent |= self.committed & (self.committed & coal.framework_nation).any()
        sent = [coal.names[i] for i in np.flatnonzero(self.committed)]
        if not (self.committed & coal.framework_nation).any():
            self.phase = NOT_REQUESTED
            self.next_request = week + f.request_retry_weeks
            self.model.events.add(week, "deployment", "MultinationalForce", "", Clause.G3, case=case, cause=case,
                                  outcome="declined", items=tuple(sent), weeks=f.request_retry_weeks)
            return False
        self._send(self.committed)
        return True

    def _send(self, nations: np.ndarray) -> None:
        """The force is the pledged contingents of these nations."""
        troops, aircraft, ships = self.pledged
        self.troops, self.aircraft, self.ships = troops * nations, aircraft * nations, ships * nations
        self.refresh()

    def _p_commit(self) -> np.ndarray:
        """Each nation's chance to send (or keep) its contingent, by its resolve now: higher without the
        US support to the force that the lead nations made their condition."""
        sc = self.model.params
        f = sc.force
        bar = f.commitment_bar + (0.0 if self.backstop else f.backstop_bar_rise)
        return 1.0 / (1.0 + np.exp(-(self.model.coalition.resolve - bar) / sc.members.activation_noise))

    def review(self, week: int, nations: np.ndarray, why: str, case: int | None = None) -> bool:
        """Contributing governments review their contingents when a condition of their decision changes (an
        election, the US support withdrawn): a contingent stays while its resolve still clears the bar. Without
        a framework nation the force withdraws, and Ukraine can ask again (G3). No contingent leaves a war.

        Returns True when a contingent leaves (Russia re-assesses at once)."""
        if self.phase not in (DEPLOYING, DEPLOYED) or self.model.war.at_war:
            return False
        leaving = self.committed & nations & (self.decision_draw >= self._p_commit())
        if not leaving.any():
            return False
        coal = self.model.coalition
        f = self.model.params.force
        self.committed = self.committed & ~leaving
        self.contingents_withdrawn += int(leaving.sum())
        names = tuple(coal.names[i] for i in np.flatnonzero(leaving))
        if (self.committed & coal.framework_nation).any():
            outcome = "contingents_withdrawn"
        else:  # European-led or not at all: the rest go home; a new request asks every contributor again
            self.contingents_withdrawn += int(self.committed.sum())
            self.committed = self.contributors.copy()
            self.phase = NOT_REQUESTED
            self.ramp = 0.0
            self.next_request = week + f.request_retry_weeks
            outcome = "withdrawn"
        self._send(self.committed)
        self.model.events.add(week, "deployment", "MultinationalForce", "", Clause.G3, case=case, cause=case,
                              outcome=outcome, items=names, note=why, weeks=f.request_retry_weeks)
        return True

    def advance(self, week: int, at_war: bool) -> None:
        """Step 8: request once cessation is credible, then build up to deployment."""
        f = self.model.params.force
        if week == self.alert_until:
            self._update()
        if not f.enabled or at_war:
            return
        log = self.model.events
        if self.phase == NOT_REQUESTED:
            if f.ukraine_requests and week >= self.next_request and self.credible_cessation(week):
                self.phase = REQUESTED
                self.request_event = log.add(week, "request", "Ukraine", "", Clause.G3, outcome="requested",
                                             window_weeks=f.credible_cessation_window_weeks,
                                             value=self.model.monitoring.estimated_per_week(
                                                 f.credible_cessation_window_weeks))
            return
        case = self.request_event
        if self.phase == REQUESTED:
            if not self._nations_decide(week, case):
                return
            self.phase = DEPLOYING
            self.deployment_event = log.add(
                week, "deployment", "MultinationalForce", "", Clause.G3, case=case, cause=case, outcome="begins",
                items=tuple(self.lead_nations), troops=int(self.troops.sum() * f.size),
                aircraft=int(self.aircraft.sum() * f.size), ships=int(self.ships.sum() * f.size),
                posture=f.posture, us_support=bool(self.backstop))
        if self.phase == DEPLOYING:
            self.ramp = min(1.0, self.ramp + 1.0 / f.build_up_weeks)
            if self.ramp >= 1.0:
                self.phase = DEPLOYED
                if self.deployed_week is None:  # the first full deployment (runs.csv)
                    self.deployed_week = week
                log.add(week, "deployment", "MultinationalForce", "", Clause.G3, case=case,
                        cause=self.deployment_event, outcome="fully_deployed", land=self.target["land"],
                        air=self.target["air"], sea=self.target["sea"])
            self._update()
