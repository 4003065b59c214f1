"""Coalition members and the United States: ratification (G0), responses (G4), politics.

The pledging states' state lives in arrays (one row a member, the US in the last
row) so that weekly politics are one vector operation; each ``CoalitionMember``
and the ``UnitedStates`` agent is a named view onto its row.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from sim.clauses import Clause
from sim.ladder import RESPONSE_TYPES, Action
from sim.ladder import VIOLATIONS as LEVELS

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

# Weight of a unit of each response type in Russia's cost (assumption, docs/ODD.md 7).
RESPONSE_WEIGHTS: dict[str, float] = {
    "diplomacy": 0.2, "sanctions": 1.0, "intelligence": 0.3, "logistics": 0.3, "military": 1.0,
}
# Pull of the threat itself on a member's decision to act, per level (assumption).
THREAT_PULL: dict[Action, float] = {Action.PROBE: 0.2, Action.LIMITED: 0.35, Action.MAJOR: 0.5}
# Political cost of each response type to the state that takes it (assumption): a
# statement is cheap, putting military capabilities at stake is not.
RESPONSE_COST: dict[str, float] = {
    "diplomacy": 0.0, "sanctions": 0.1, "intelligence": 0.1, "logistics": 0.15, "military": 0.45,
}
# US figures from the same sources as the members file (SIPRI 2025, IMF WEO 2025).
US_DEFENCE_USD_BN = 997.0
US_GDP_USD_BN = 29180.0
ELECTION_CYCLE_WEEKS = 208
REQUIRED_COLUMNS = (
    "name", "iso3", "region", "borders_russia", "framework_nation", "defence_spending_usd_bn",
    "gdp_usd_bn", "mnf_land", "mnf_air", "mnf_sea", "ratification_lag_weeks",
)


class MembersFileError(ValueError):
    pass


@lru_cache(maxsize=8)
def read_members(path: Path) -> pd.DataFrame:
    """The members table, checked (cached: sweeps read it once per process)."""
    from sim.config.datafiles import MEMBERS, read_table  # the columns are declared there

    return read_table(path, MEMBERS)


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


class Coalition:
    """Array state of every pledging state (members, then the US as the last row)."""

    def __init__(self, model: DeterrenceModel, table: pd.DataFrame) -> None:
        sc = model.scenario_config
        self.model = model
        self.stream = model.streams["members"]
        n = len(table)
        self.n_members = n
        self.us = n  # row of the United States
        defence = np.append(table.defence_spending_usd_bn.to_numpy(float), US_DEFENCE_USD_BN)
        gdp = np.append(table.gdp_usd_bn.to_numpy(float), US_GDP_USD_BN)
        d_share = defence / defence[:n].sum()
        g_share = gdp / gdp[:n].sum()
        self.names = [*table.name.tolist(), "United States"]
        self.is_europe = np.append(table.region.to_numpy() == "europe", False)
        self.frontline = np.append(table.borders_russia.to_numpy(bool), False)
        # Capacities by response type, as a share of the coalition total (the US beside it).
        self.capacity: dict[str, np.ndarray] = {
            "diplomacy": g_share, "sanctions": g_share,
            "intelligence": d_share, "logistics": d_share, "military": d_share,
        }
        # G3: contributions to the force by domain (the US is not a contributor; see backstop).
        self.mnf = {
            dom: np.append(table[f"mnf_{dom}"].to_numpy(float), 0.0) * d_share
            for dom in ("land", "air", "sea")
        }
        self.framework_nation = np.append(table.framework_nation.to_numpy(bool), False)
        # G4: who pledges. The US pledges unless the scenario says it does not.
        self.pledges = np.ones(n + 1, dtype=bool)
        self.pledges[self.us] = sc.united_states.pledges_response
        # Politics: resolve anchored on region, drifting; elections every four years.
        m = sc.members
        anchor = np.clip(m.resolve_mean + m.frontline_bonus * self.frontline
                         + self.stream.normal(0.0, 0.05, n + 1), 0.0, 1.0)
        anchor[self.us] = sc.united_states.resolve
        self.resolve_anchor = anchor
        self.resolve = anchor.copy()
        self.election_week = self.stream.integers(0, ELECTION_CYCLE_WEEKS, n + 1)
        self.elections = {int(w): np.flatnonzero(self.election_week == w) for w in np.unique(self.election_week)}
        weights = np.append(g_share[:n], 0.0)
        self.aid_weights = weights / weights.sum()
        # G0: ratification of each commitment.
        self.ratified = np.zeros(n + 1, dtype=bool)
        self.ratification_week = np.full(n + 1, -1, dtype=np.int64)
        self.ratification_fails = np.zeros(n + 1, dtype=bool)
        self.next_ratification = 1 << 30
        self._schedule_ratification(table)
        # What each state did (outputs and dashboard tiles).
        self.activations = {t: np.zeros(n + 1, dtype=np.int64) for t in RESPONSE_TYPES}
        self.ever_acted = np.zeros(n + 1, dtype=bool)
        self._refresh_pledged_power()

    # --- G0: ratification ------------------------------------------------------
    def _schedule_ratification(self, table: pd.DataFrame) -> None:
        sc = self.model.scenario_config
        r = sc.ratification
        if not sc.commitments.binding:
            return
        if r.in_force_at_ceasefire:
            self.ratified[:] = True
            return
        if not r.seek_ratification:
            return
        lags = np.append(table.ratification_lag_weeks.to_numpy(float) * r.lag_multiplier,
                         float(r.us_congress_lag_weeks))
        jitter = self.stream.lognormal(0.0, 0.3, self.n_members + 1)
        self.ratification_week = np.maximum(1, np.rint(lags * jitter)).astype(np.int64)
        fail_p = np.full(self.n_members + 1, r.failure_probability)
        fail_p[self.us] = r.us_congress_failure_probability
        self.ratification_fails = self.stream.random(self.n_members + 1) < fail_p
        self.next_ratification = int(self.ratification_week.min())

    def advance_ratification(self, week: int) -> None:
        """G0: legal procedures that complete this week make commitments binding (or fail)."""
        if week < self.next_ratification:
            return
        due = np.flatnonzero(self.ratification_week == week)
        log = self.model.events
        for i in due:
            if self.ratification_fails[i]:
                log.add(week, "ratification", self.names[i], "", Clause.G0,
                        "ratification failed: the commitment stays political")
            else:
                self.ratified[i] = True
                body = "Congress" if i == self.us else "parliament"
                log.add(week, "ratification", self.names[i], "", Clause.G0,
                        f"{body} ratified: the commitment is legally binding")
        later = self.ratification_week[self.ratification_week > week]
        self.next_ratification = int(later.min()) if later.size else 1 << 30
        self._build_assessment()
        self.assess()

    # --- G4: what is pledged and how credible it looks ---------------------------
    def _refresh_pledged_power(self) -> None:
        """Pledged power per level: capacities of the pledged response types, weighted (G4)."""
        sc = self.model.scenario_config
        menu = sc.commitments.response_menu
        pledge = self.pledges.astype(float)
        self.binding_levels = {Action[lvl.upper()] for lvl in sc.commitments.binding_levels}
        self.level_types: dict[Action, list[str]] = {}
        self.pledged_power: dict[Action, float] = {}
        for level in LEVELS:
            types = list(menu.get(level.label, []))
            self.level_types[level] = types
            power = sum((RESPONSE_WEIGHTS[t] * self.capacity[t] for t in types),
                        np.zeros(self.n_members + 1)) * pledge
            self.pledged_power[level] = float(power.sum())
        self.military_power = (float((self.capacity["military"] * pledge).sum())
                               if "military" in menu.get("major", []) else 0.0)
        self.pledged_capacity = {t: c * pledge for t, c in self.capacity.items()}
        self._build_assessment()
        self.assess()

    def binding(self, level: Action) -> np.ndarray:
        """States whose commitment legally binds them at this level (G0 + G4)."""
        if not self.model.scenario_config.commitments.binding or level not in self.binding_levels:
            return np.zeros(self.n_members + 1, dtype=bool)
        return self.ratified

    def _willingness(self, level: Action) -> tuple[np.ndarray, np.ndarray]:
        """Each state's willingness to act before the cost of a type, and its automaticity."""
        sc = self.model.scenario_config
        m = sc.members
        binding = self.binding(level)
        base = self.resolve + (THREAT_PULL[level] - m.activation_threshold) + m.binding_pull * binding
        return base, sc.commitments.automaticity * binding

    def activation_probability(self, level: Action, rtype: str, share: float = 0.0) -> np.ndarray:
        """Chance each state activates a response type: legal duty, resolve, threat, cascade."""
        m = self.model.scenario_config.members
        base, automatic = self._willingness(level)
        x = base + (m.bandwagon_weight * share - RESPONSE_COST[rtype])
        political = 1.0 / (1.0 + np.exp(-x / m.activation_noise))
        return automatic + (1.0 - automatic) * political

    def _build_assessment(self) -> None:
        """Rows (level, type) of Russia's reading; rebuilt when legal status changes."""
        sc = self.model.scenario_config
        m = sc.members
        offsets, automatic, weights, starts, levels = [], [], [], [], []
        self.military_row = None
        for level in LEVELS:
            # Probes and limited attacks are acted on only if a commission attributes them (G1).
            if self.pledged_power[level] <= 0.0 or (level != Action.MAJOR and not sc.commission.enabled):
                continue
            binding = self.binding(level)
            starts.append(len(offsets))
            levels.append(level)
            for t in self.level_types[level]:
                if level == Action.MAJOR and t == "military":
                    self.military_row = len(offsets)
                offsets.append(THREAT_PULL[level] - m.activation_threshold + m.binding_pull * binding
                               - RESPONSE_COST[t])
                automatic.append(sc.commitments.automaticity * binding)
                weights.append(RESPONSE_WEIGHTS[t] * self.pledged_capacity[t])
        self.assessment = (np.array(offsets), np.array(automatic), np.array(weights), starts, levels)

    def assess(self) -> None:
        """Russia's reading of the coalition (its prior): expected share of pledged power acting.

        Refreshed monthly and at every ratification: Russia watches legal status and
        politics, then corrects with what it learns from responses (Russia.credibility).
        It is the members' own activation rule (``activation_probability``) at share 0.
        """
        offsets, automatic, weights, starts, levels = self.assessment
        self.structural_credibility = dict.fromkeys(LEVELS, 0.0)
        self.military_credibility = 0.0
        if not levels:
            return
        noise = self.model.scenario_config.members.activation_noise
        p = automatic + (1.0 - automatic) / (1.0 + np.exp(-(self.resolve + offsets) / noise))
        acting = (weights * p).sum(axis=1)
        for level, total in zip(levels, np.add.reduceat(acting, starts)):
            self.structural_credibility[level] = float(total) / self.pledged_power[level]
        if self.military_row is not None and self.military_power > 0.0:
            self.military_credibility = (float(acting[self.military_row])
                                         / RESPONSE_WEIGHTS["military"] / self.military_power)

    # --- G4: responding to a decision -------------------------------------------
    def respond(self, level: Action, week: int) -> tuple[float, dict[str, float]]:
        """Each state decides, type by type, whether to act on an attributed violation.

        States decide in random order and see who already acts (a cascade: both
        free-riding and bandwagoning can emerge). Returns the share of pledged power
        that acted and the capacity activated by type.
        """
        types = self.level_types[level]
        acted_power = {t: 0.0 for t in types}
        total = self.pledged_power[level]
        if not types or total <= 0.0:
            return 0.0, acted_power
        m = self.model.scenario_config.members
        automaticity = self.model.scenario_config.commitments.automaticity
        binding = self.binding(level)
        order = self.stream.permutation(self.n_members + 1)
        draws = self.stream.random((self.n_members + 1, len(types)))
        acting_power = 0.0
        pull = THREAT_PULL[level]
        for i in order:
            if not self.pledges[i]:
                continue
            share = acting_power / total
            base = (self.resolve[i] + pull + m.bandwagon_weight * share - m.activation_threshold
                    + (m.binding_pull if binding[i] else 0.0))
            auto = automaticity if binding[i] else 0.0
            done = []
            for j, t in enumerate(types):
                p = auto + (1.0 - auto) / (1.0 + math.exp(-(base - RESPONSE_COST[t]) / m.activation_noise))
                if draws[i, j] < p:
                    done.append(t)
                    self.activations[t][i] += 1
                    acted_power[t] += float(self.capacity[t][i])
                    acting_power += RESPONSE_WEIGHTS[t] * float(self.capacity[t][i])
            if not done:
                continue
            self.ever_acted[i] = True
            self.resolve[i] = max(0.0, self.resolve[i] - m.response_cost * len(done) / len(types))
            kind = "binding" if binding[i] else "political"
            self.model.events.add(week, "response", self.names[i], level.label, Clause.G4,
                                  f"{kind} commitment: {', '.join(done)}")
        return min(1.0, acting_power / total), acted_power

    def vote(self, evidence: float, rule: str) -> bool:
        """G1: the special commission's decision rule over members' willingness."""
        approve_p = _sigmoid((self.resolve + evidence - 1.0) / 0.1)
        votes = self.stream.random(self.n_members + 1) < approve_p
        if rule == "us_led":
            return bool(votes[self.us])
        coalition = votes[: self.n_members]
        if rule == "consensus":
            return bool(coalition.all())
        return coalition.mean() >= 2.0 / 3.0

    # --- politics ----------------------------------------------------------------
    def drift(self, week: int) -> None:
        """Resolve reverts to its anchor, drifts, tires, and jumps at elections."""
        m = self.model.scenario_config.members
        resolve, anchor = self.resolve, self.resolve_anchor
        resolve += 0.02 * (anchor - resolve) + self.stream.normal(0.0, m.resolve_drift, resolve.size)
        anchor -= m.fatigue_per_year / 52.0
        voting = self.elections.get(week % ELECTION_CYCLE_WEEKS)
        if voting is not None:
            shock = self.stream.normal(0.0, m.election_shock, voting.size)
            anchor[voting] += shock
            resolve[voting] += shock
        np.minimum(np.maximum(anchor, 0.0, out=anchor), 1.0, out=anchor)
        np.minimum(np.maximum(resolve, 0.0, out=resolve), 1.0, out=resolve)

    def aid_resolve(self) -> float:
        """Finance-weighted resolve of the coalition (drives G2 aid flows)."""
        return float(self.resolve @ self.aid_weights)


class CoalitionMember(mesa.Agent):
    """A member of the Coalition of the Willing (G0, G1, G3, G4)."""

    def __init__(self, model: DeterrenceModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name = model.coalition.names[index]

    @property
    def is_european(self) -> bool:
        return bool(self.model.coalition.is_europe[self.index])

    @property
    def resolve(self) -> float:
        return float(self.model.coalition.resolve[self.index])

    @property
    def ratified(self) -> bool:
        return bool(self.model.coalition.ratified[self.index])

    @property
    def ratification_status(self) -> str:
        c = self.model.coalition
        i = self.index
        if c.ratified[i]:
            return "ratified"
        if c.ratification_week[i] < 0:
            return "political"
        if c.ratification_fails[i] and self.model.week >= c.ratification_week[i]:
            return "failed"
        return "pending"

    @property
    def responses(self) -> dict[str, int]:
        return {t: int(a[self.index]) for t, a in self.model.coalition.activations.items()}


class UnitedStates(CoalitionMember):
    """The US: monitoring lead (G1), proposed support to the force (G3), responses (G4)."""

    def __init__(self, model: DeterrenceModel, index: int) -> None:
        super().__init__(model, index)
        us = model.scenario_config.united_states
        self.leads_monitoring = us.leads_monitoring
        # G3: "proposed US support", drawn once a run.
        self.backstops_force = bool(model.streams["us"].random() < us.backstop_probability)

    @property
    def is_european(self) -> bool:
        return False

