"""Coalition members and the United States: ratification (G0), politics, responses (G4).

The pledging states' state lives in arrays (one row a member, the US in the last
row) so that weekly politics are one vector operation; each ``CoalitionMember``
and the ``UnitedStates`` agent is a named view onto its row.

Political time: elections come from a dated data file; a change of government
shifts resolve, and a new, less supportive government may drop a *political*
pledge; a *ratified* commitment survives it (G0). Fatigue lowers resolve while no
threat is seen; warnings and attributed violations rally it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd
from scipy.special import expit

from sim.clauses import Clause
from sim.ladder import RESPONSE_TYPES, Action
from sim.ladder import VIOLATIONS as LEVELS

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

# US figures from the same sources as the members file (SIPRI 2025, IMF WEO 2025): data, not behaviour.
US_DEFENCE_USD_BN = 997.0
US_GDP_USD_BN = 29180.0
US_ISO3 = "USA"
FAR = 1 << 30


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


_SCHEDULES: dict[tuple, tuple] = {}


def _election_schedule(elections: pd.DataFrame, index_of: dict[str, int], us_row: int, n1: int, sc) -> tuple:
    """Elections on their weeks, and the expected political time Russia reads from calendars and polls."""
    m = sc.members
    horizon = sc.horizon_weeks + sc.campaigns.lookahead_weeks + 1
    index = np.array([index_of.get(code, -1) for code in elections.iso3])
    days = np.array([d.toordinal() for d in elections.date]) - sc.ceasefire_date.toordinal()
    weeks = days // 7
    keep = (index >= 0) & (weeks >= 1) & (weeks < horizon)
    p = np.minimum(1.0, elections.p_government_change.to_numpy(float) * m.government_change_scale)
    shift = elections.resolve_shift.to_numpy(float)
    office = elections.office.to_numpy()
    order = np.lexsort((index, weeks))
    dates = list(elections.date)
    rows = [(int(weeks[k]), int(index[k]), office[k], float(p[k]), float(shift[k]), dates[k])
            for k in order if keep[k]]
    election_weeks: dict[int, list[tuple]] = {}
    for r in rows:
        election_weeks.setdefault(r[0], []).append(r)
    # Cumulative expected resolve shift and expected loss of political pledges, per state and week.
    sel = order[keep[order]]
    w, i, pk, sk = weeks[sel], index[sel], p[sel], shift[sel]
    sd = max(m.election_shock, 1e-9)
    p_less = pk * 0.5 * np.array([math.erfc(x / sd / math.sqrt(2.0)) for x in sk])  # to a less supportive one
    is_us = i == us_row
    drop_p = np.where(is_us, sc.united_states.withdrawal_on_change, m.political_drop_probability)
    shift_m = np.zeros((n1, horizon))
    drop_m = np.zeros((n1, horizon))
    us_withdraw = np.zeros(horizon)
    np.add.at(shift_m, (i, w), pk * sk)
    np.add.at(drop_m, (i, w), p_less * drop_p)
    np.add.at(us_withdraw, w, np.where(is_us & (office[sel] == "presidential"),
                                       p_less * sc.united_states.withdrawal_on_change, 0.0))
    for a in (shift_m, drop_m):
        a.flags.writeable = False
    expected_shift = np.cumsum(shift_m, axis=1)
    expected_drop = np.minimum(1.0, np.cumsum(drop_m, axis=1))
    expected_us_withdrawal = np.minimum(1.0, np.cumsum(us_withdraw))
    for a in (expected_shift, expected_drop, expected_us_withdrawal):
        a.flags.writeable = False  # shared across runs: read only
    return horizon, rows, election_weeks, expected_shift, expected_drop, expected_us_withdrawal


class Coalition:
    """Array state of every pledging state (members, then the US as the last row)."""

    def __init__(self, model: DeterrenceModel, table: pd.DataFrame, elections: pd.DataFrame) -> None:
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
        self.iso3 = [*table.iso3.tolist(), US_ISO3]
        self.index_of = {code: i for i, code in enumerate(self.iso3)}
        self.is_europe = np.append(table.region.to_numpy() == "europe", False)
        self.frontline = np.append(table.borders_russia.to_numpy(bool), False)
        # Capacities by response type, as a share of the coalition total (the US beside it).
        self.capacity: dict[str, np.ndarray] = {
            "diplomacy": g_share, "sanctions": g_share,
            "intelligence": d_share, "logistics": d_share, "military": d_share,
        }
        self.framework_nation = np.append(table.framework_nation.to_numpy(bool), False)
        # G4: who pledges. The declaration's commitments are the Coalition's; the US pledges only
        # under a bilateral guarantee (united_states.pledges_response).
        self.pledges = np.ones(n + 1, dtype=bool)
        self.pledges[self.us] = sc.united_states.pledges_response
        self.pledged_at_ceasefire = self.pledges.copy()
        # Politics: resolve anchored on region, drifting.
        m = sc.members
        anchor = np.clip(m.resolve_mean + m.frontline_bonus * self.frontline
                         + self.stream.normal(0.0, m.resolve_spread, n + 1), 0.0, 1.0)
        anchor[self.us] = sc.united_states.resolve
        self.resolve_anchor = anchor
        self.resolve = anchor.copy()
        weights = np.append(g_share[:n], 0.0)
        self.aid_weights = weights / weights.sum()
        self.rally = np.zeros(n + 1)  # expected tripwire rally per state (the force sets it)
        self._noise_stream = np.random.default_rng(self.stream.integers(1 << 62))  # weekly drift of resolve
        self._noise_until = 0
        self._pull, self._shock = np.empty(n + 1), np.empty(n + 1)  # buffers of the weekly drift
        # G0: ratification of each commitment.
        self.ratified = np.zeros(n + 1, dtype=bool)
        self.ratification_week = np.full(n + 1, -1, dtype=np.int64)
        self.ratification_fails = np.zeros(n + 1, dtype=bool)
        self.failure_probability = np.zeros(n + 1)
        self.next_ratification = FAR
        self._schedule_ratification(table)
        self._schedule_elections(elections)
        self.governments_changed = np.zeros(n + 1, dtype=np.int64)
        self.pledges_dropped = 0
        # What each state did (outputs and dashboard tiles).
        self.activations = {t: np.zeros(n + 1, dtype=np.int64) for t in RESPONSE_TYPES}
        self.ever_acted = np.zeros(n + 1, dtype=bool)
        self.refresh_pledges()

    # --- G0: ratification ------------------------------------------------------
    def _schedule_ratification(self, table: pd.DataFrame) -> None:
        sc = self.model.scenario_config
        r = sc.ratification
        fail = np.append(table.ratification_failure_probability.to_numpy(float),
                         r.us_congress_failure_probability)
        self.failure_probability = np.minimum(1.0, fail * np.append(np.full(self.n_members, r.failure_multiplier), 1.0))
        # The draws are made whatever the design, so that designs share random numbers.
        lags = np.append(table.ratification_lag_weeks.to_numpy(float) * r.lag_multiplier,
                         float(r.us_congress_lag_weeks))
        jitter = self.stream.lognormal(0.0, r.jitter_sd, self.n_members + 1)
        fails = self.stream.random(self.n_members + 1) < self.failure_probability
        if not sc.commitments.binding:
            return
        if r.in_force_at_ceasefire:
            self.ratified[:] = self.pledges  # only a pledge can be in force (the US has none unless bilateral)
            return
        if not r.seek_ratification:
            return
        self.ratification_week = np.where(self.pledges, np.maximum(1, np.rint(lags * jitter)), -1).astype(np.int64)
        self.ratification_fails = fails
        due = self.ratification_week[self.ratification_week > 0]
        self.next_ratification = int(due.min()) if due.size else FAR

    def _advance_ratification(self, week: int) -> bool:
        if week < self.next_ratification:
            return False
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
        self.next_ratification = int(later.min()) if later.size else FAR
        return True

    # --- political time: elections and changes of government ---------------------
    def _schedule_elections(self, elections: pd.DataFrame) -> None:
        sc = self.model.scenario_config
        m, us = sc.members, sc.united_states
        # A pure function of the data and these parameters: computed once per process and design.
        key = (id(elections), tuple(self.iso3), sc.ceasefire_date, sc.horizon_weeks, sc.campaigns.lookahead_weeks,
               m.government_change_scale, m.political_drop_probability, m.election_shock, us.withdrawal_on_change)
        cached = _SCHEDULES.get(key)
        if cached is None or cached[0] is not elections:
            cached = (elections, _election_schedule(elections, self.index_of, self.us, self.n_members + 1, sc))
            if len(_SCHEDULES) >= 64:
                _SCHEDULES.clear()
            _SCHEDULES[key] = cached
        (self.projection_weeks, _, self.election_weeks, self.expected_shift, self.expected_drop,
         self.expected_us_withdrawal) = cached[1]

    def advance_politics(self, week: int) -> bool:
        """Step 0 (G0 and political time): legal procedures, elections, changes of government.

        Returns True when something happened that Russia re-assesses at once (a change of
        government in a framework nation or in the US, or a ratification).
        """
        changed = False
        if self._advance_ratification(week):
            self._refresh_binding()
        for _, i, office, p, shift, day in self.election_weeks.get(week, ()):
            changed |= self._election(week, i, office, p, shift, day)
        if changed:
            self.refresh_pledges()
        return changed

    def _election(self, week: int, i: int, office: str, p: float, shift: float, day) -> bool:
        m = self.model.scenario_config.members
        log = self.model.events
        # Always three draws, so that designs share random numbers.
        u_change, noise, u_drop = self.stream.random(), self.stream.normal(0.0, m.election_shock), self.stream.random()
        what = {"presidential": "presidential election", "midterm": "midterm elections",
                "legislative": "legislative elections"}[office]
        if u_change >= p:
            self._shift(i, noise)
            log.add(week, "election", self.names[i], "", Clause.ASSUMPTION,
                    f"{what} ({day.isoformat()}): no change of government")
            return False
        self.governments_changed[i] += 1
        delta = shift + noise
        self._shift(i, delta)
        mood = "less" if delta < -0.02 else "more" if delta > 0.02 else "about as"
        who = "the other party wins Congress" if office == "midterm" else "a new government"
        log.add(week, "government_change", self.names[i], "", Clause.ASSUMPTION,
                f"{what} ({day.isoformat()}): {who}, {mood} supportive of Ukraine (resolve {delta:+.2f})")
        us_change = i == self.us and office == "presidential"
        if delta >= 0.0:
            return bool(self.framework_nation[i]) or us_change
        if us_change:
            self.model.united_states.administration_changes(week, u_drop)
        if self.pledges[i]:
            drop_p = (self.model.scenario_config.united_states.withdrawal_on_change if i == self.us
                      else m.political_drop_probability)
            if self.ratified[i]:
                log.add(week, "pledge", self.names[i], "major", Clause.G0,
                        "the ratified commitment binds the new government: it survives")
            elif u_drop < drop_p:
                self.pledges[i] = False
                self.pledges_dropped += 1
                self.ratification_week[i] = -1  # the bill is withdrawn with the pledge
                log.add(week, "pledge", self.names[i], "major", Clause.G0,
                        "the new government drops its predecessor's political pledge (unratified)")
        return bool(self.framework_nation[i]) or us_change

    def _shift(self, i: int, delta: float) -> None:
        self.resolve_anchor[i] = min(1.0, max(0.0, self.resolve_anchor[i] + delta))
        self.resolve[i] = min(1.0, max(0.0, self.resolve[i] + delta))

    def rally_all(self, amount: float) -> None:
        """A threat seen (a warning, an attributed violation) restores resolve worn by fatigue."""
        if amount > 0.0:
            np.minimum(self.resolve + amount, 1.0, out=self.resolve)
            np.minimum(self.resolve_anchor + amount, 1.0, out=self.resolve_anchor)

    def struck(self, week: int, hit: np.ndarray, rally: float, ally_share: float, contributors: np.ndarray) -> None:
        """The tripwire acts through members: a nation whose troops are struck rallies, its allies less."""
        if not hit.any():
            return
        boost = np.where(hit, rally, np.where(contributors, ally_share * rally, 0.0))
        np.minimum(self.resolve + boost, 1.0, out=self.resolve)
        self.model.events.add(week, "casualties", "MultinationalForce", "major", Clause.G3,
                              "troops of " + ", ".join(self.names[i] for i in np.flatnonzero(hit))
                              + " struck: those nations rally (resolve +" + f"{rally:.2f}), their allies too")

    # --- G4: what is pledged and how credible it looks ---------------------------
    def refresh_pledges(self) -> None:
        """Pledged power per level from the pledged response types (G4), then Russia's reading."""
        sc = self.model.scenario_config
        c = sc.commitments
        menu = c.response_menu
        pledge = self.pledges.astype(float)
        self.binding_levels = {Action[lvl.upper()] for lvl in c.binding_levels}
        self.level_types: dict[Action, list[str]] = {}
        self.pledged_power: dict[Action, float] = {}
        for level in LEVELS:
            types = list(menu.get(level.label, []))
            self.level_types[level] = types
            power = sum((c.response_weights[t] * self.capacity[t] for t in types),
                        np.zeros(self.n_members + 1)) * pledge
            self.pledged_power[level] = float(power.sum())
        self.military_power = (float((self.capacity["military"] * pledge).sum())
                               if "military" in menu.get("major", []) else 0.0)
        self.pledged_capacity = {t: cap * pledge for t, cap in self.capacity.items()}
        self._build_assessment()
        if not hasattr(self, "structural_credibility"):
            self.assess()  # later, Russia re-reads at its own decision points

    def _refresh_binding(self) -> None:
        """Legal status changed (a ratification): only the binding rows of the reading change."""
        offsets, weights, _, starts, levels, is_major, is_military = self.assessment
        rows = [self.binding(lvl) for lvl in levels for _ in self.level_types[lvl]]
        binding = np.array(rows, dtype=float) if rows else np.zeros((0, self.n_members + 1))
        self.assessment = (offsets, weights, binding, starts, levels, is_major, is_military)

    def binding(self, level: Action) -> np.ndarray:
        """States whose commitment legally binds them at this level (G0 + G4)."""
        if not self.model.scenario_config.commitments.binding or level not in self.binding_levels:
            return np.zeros(self.n_members + 1, dtype=bool)
        return self.ratified

    def activation_probability(self, level: Action, rtype: str, share: float = 0.0) -> np.ndarray:
        """Chance each state activates a response type: legal duty, resolve, threat, cascade."""
        sc = self.model.scenario_config
        m, c = sc.members, sc.commitments
        binding = self.binding(level)
        x = (self.resolve + c.threat_pull[level.label] - m.activation_threshold + m.binding_pull * binding
             + m.bandwagon_weight * share - c.response_costs[rtype])
        automatic = c.automaticity * binding
        return automatic + (1.0 - automatic) / (1.0 + np.exp(-x / m.activation_noise))

    def _build_assessment(self) -> None:
        """Rows (level, type) of Russia's reading; rebuilt when legal status or pledges change."""
        sc = self.model.scenario_config
        m, c = sc.members, sc.commitments
        offsets, weights, starts, levels, is_major, is_military = [], [], [], [], [], []
        for level in LEVELS:
            # Probes and limited attacks are acted on only if a commission attributes them (G1).
            if self.pledged_power[level] <= 0.0 or (level != Action.MAJOR and not sc.commission.enabled):
                continue
            starts.append(len(offsets))
            levels.append(level)
            for t in self.level_types[level]:
                offsets.append(c.threat_pull[level.label] - m.activation_threshold - c.response_costs[t])
                weights.append(c.response_weights[t] * self.pledged_capacity[t])
                is_major.append(level == Action.MAJOR)
                is_military.append(level == Action.MAJOR and t == "military")
        binding = np.array([self.binding(lvl) for lvl in levels for _ in self.level_types[lvl]], dtype=float)
        rows = np.flatnonzero(is_major)
        self._major_rows = slice(int(rows[0]), int(rows[-1]) + 1) if rows.size else None
        mil = np.flatnonzero(np.array(is_military, bool)[rows]) if rows.size else np.array([], int)
        self._military_row = int(mil[0]) if mil.size else None
        self._zeros = np.zeros(self.n_members + 1)
        self._no_sensitivity = {k: self._zeros for k in ("g", "h", "k", "gm", "hm", "km")}
        self.assessment = (np.array(offsets)[:, None] if offsets else np.zeros((0, 1)),
                           np.array(weights) if weights else np.zeros((0, self.n_members + 1)),
                           binding.reshape(len(offsets), -1) if offsets else np.zeros((0, self.n_members + 1)),
                           starts, levels, np.array(is_major, bool), np.array(is_military, bool))

    def assess(self) -> None:
        """Russia's structural reading: the expected share of pledged power acting, per level.

        It is the members' own activation rule at share 0, with the tripwire rally a
        deployed force would add at the major level. Russia re-reads it at each decision
        point and corrects it with what it learns (Russia.credibility). Also the first-order
        sensitivities Russia uses to project the major level forward (windows).
        """
        offsets, weights, binding, starts, levels, is_major, is_military = self.assessment
        self._projection = None
        self.structural_credibility = dict.fromkeys(LEVELS, 0.0)
        self.acting_major = self.acting_military = 0.0
        if not levels:
            self.sensitivity = self._no_sensitivity
            return
        sc = self.model.scenario_config
        m = sc.members
        auto = sc.commitments.automaticity
        noise = m.activation_noise
        x = self.resolve + offsets
        major = self._major_rows
        if major is not None:
            x[major] += self.rally
        x /= noise
        p_free = expit(x)
        p_bound_free = expit(x + m.binding_pull / noise)
        p = np.where(binding > 0.0, auto + (1.0 - auto) * p_bound_free, p_free)
        acting = (weights * p).sum(axis=1)
        for level, total in zip(levels, np.add.reduceat(acting, starts)):
            self.structural_credibility[level] = float(total) / self.pledged_power[level]
        if major is None:
            self.sensitivity = self._no_sensitivity
            return
        self.acting_major = float(acting[major].sum())
        r = self._military_row
        self.acting_military = float(acting[major][r]) if r is not None else 0.0
        self._major_state = (binding[major], weights[major], p_free[major], p_bound_free[major], p[major], auto, noise)
        self.sensitivity = None  # computed when a projection needs it

    def _sensitivities(self) -> dict[str, np.ndarray]:
        """First-order sensitivities of the major level's acting power to resolve, binding, pledges."""
        b, w, pf, pbf, pm, auto, noise = self._major_state
        free = 1.0 - b
        grad = w * (b * ((1.0 - auto) / noise) * pbf * (1.0 - pbf) + free * (pf * (1.0 - pf) / noise))
        gain = w * ((auto + (1.0 - auto) * pbf) - pf) * free
        loss = w * pm * free
        s = {"g": grad.sum(0), "h": gain.sum(0), "k": loss.sum(0)}
        r = self._military_row
        if r is not None:
            s["gm"], s["hm"], s["km"] = grad[r], gain[r], loss[r]
        else:
            s["gm"] = s["hm"] = s["km"] = self._zeros
        return s

    def _prepare_projection(self, week: int) -> None:
        """Sensitivities times scheduled political time, once per reading (cheap lookups after)."""
        sc = self.model.scenario_config
        last = self.projection_weeks
        start = min(week, last - 1)
        stop = min(last, start + sc.campaigns.lookahead_weeks + sc.campaigns.preparation_weeks_major + 1)
        if self.sensitivity is None:
            self.sensitivity = self._sensitivities()
        s = self.sensitivity
        shift = self.expected_shift[:, start:stop]
        drop = self.expected_drop[:, start:stop]
        span = shift.shape[1]
        bind = np.zeros((2, span))
        if Action.MAJOR in self.binding_levels and sc.commitments.binding:
            due = np.flatnonzero((~self.ratified) & (self.ratification_week > week)
                                 & (self.ratification_week - start < span))
            if due.size:
                cols = self.ratification_week[due] - start
                value = 1.0 - self.failure_probability[due]
                np.add.at(bind[0], cols, s["h"][due] * value)
                np.add.at(bind[1], cols, s["hm"][due] * value)
                bind = np.cumsum(bind, axis=1)
        self._projection = (start, s["g"] @ shift - s["k"] @ drop + bind[0],
                            s["gm"] @ shift - s["km"] @ drop + bind[1],
                            float(s["g"].sum()), float(s["gm"].sum()),
                            float(s["g"] @ self.model.force.base_rally), float(s["gm"] @ self.model.force.base_rally))

    def projected_major(self, week: int, target: int, ramp_gain: float) -> tuple[float, float]:
        """Expected acting power (all types, military) at the major level in week ``target``.

        First-order projection from the current reading: scheduled elections' expected resolve
        shifts and dropped political pledges, fatigue, ratifications due (at their expected
        success), and the rally of a force still deploying (``ramp_gain``).
        """
        if self.acting_major <= 0.0:
            return 0.0, 0.0
        if self._projection is None:
            self._prepare_projection(week)
        start, total_t, mil_t, g_sum, gm_sum, g_rally, gm_rally = self._projection
        last = len(total_t) - 1
        i0, i1 = min(week - start, last), min(target - start, last)
        fatigue = self.model.scenario_config.members.fatigue_per_year * (target - week) / 52.0
        total = self.acting_major + total_t[i1] - total_t[i0] - fatigue * g_sum + g_rally * ramp_gain
        military = self.acting_military + mil_t[i1] - mil_t[i0] - fatigue * gm_sum + gm_rally * ramp_gain
        return max(0.0, float(total)), max(0.0, float(military))

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
        sc = self.model.scenario_config
        m, c = sc.members, sc.commitments
        automaticity = c.automaticity
        binding = self.binding(level)
        order = self.stream.permutation(self.n_members + 1).tolist()
        draws = self.stream.random((self.n_members + 1, len(types))).tolist()
        # Python floats for the loop (the same values as the arrays; much faster to index).
        resolve, bound, pledged = self.resolve.tolist(), binding.tolist(), self.pledges.tolist()
        capacity = {t: self.capacity[t].tolist() for t in types}
        costs = [c.response_costs[t] for t in types]
        weights = [c.response_weights[t] for t in types]
        acting_power = 0.0
        pull = c.threat_pull[level.label]
        for i in order:
            if not pledged[i]:
                continue
            share = acting_power / total
            base = (resolve[i] + pull + m.bandwagon_weight * share - m.activation_threshold
                    + (m.binding_pull if bound[i] else 0.0))
            auto = automaticity if bound[i] else 0.0
            done = []
            row = draws[i]
            for j, t in enumerate(types):
                p = auto + (1.0 - auto) / (1.0 + math.exp(-(base - costs[j]) / m.activation_noise))
                if row[j] < p:
                    done.append(t)
                    self.activations[t][i] += 1
                    acted_power[t] += capacity[t][i]
                    acting_power += weights[j] * capacity[t][i]
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
        noise = self.model.scenario_config.commission.vote_noise
        approve_p = _sigmoid((self.resolve + evidence - 1.0) / noise)
        votes = self.stream.random(self.n_members + 1) < approve_p
        if rule == "us_led":
            return bool(votes[self.us])
        coalition = votes[: self.n_members]
        if rule == "consensus":
            return bool(coalition.all())
        return coalition.mean() >= 2.0 / 3.0

    # --- politics ----------------------------------------------------------------
    def drift(self) -> None:
        """Resolve reverts to its anchor and drifts; fatigue wears the anchor down."""
        m = self.model.scenario_config.members
        week = self.model.week
        if week >= self._noise_until:  # drawn a year at a time: one call instead of 52
            self._noise = self._noise_stream.standard_normal((52, self.n_members + 1))
            self._noise_start, self._noise_until = week, week + 52
        resolve, anchor, pull, shock = self.resolve, self.resolve_anchor, self._pull, self._shock
        # resolve += reversion * (anchor - resolve) + drift * noise, without temporaries
        np.subtract(anchor, resolve, out=pull)
        pull *= m.resolve_reversion
        np.multiply(self._noise[week - self._noise_start], m.resolve_drift, out=shock)
        pull += shock
        resolve += pull
        np.minimum(np.maximum(resolve, 0.0, out=resolve), 1.0, out=resolve)
        if m.fatigue_per_year > 0.0:
            anchor -= m.fatigue_per_year / 52.0
            np.maximum(anchor, 0.0, out=anchor)

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
    def pledged(self) -> bool:
        return bool(self.model.coalition.pledges[self.index])

    @property
    def ratification_status(self) -> str:
        c = self.model.coalition
        i = self.index
        if c.ratified[i]:
            return "ratified"
        if not c.pledged_at_ceasefire[i]:
            return "no pledge"
        if not c.pledges[i]:
            return "dropped"
        if c.ratification_week[i] < 0:
            return "political"
        if c.ratification_fails[i] and self.model.week >= c.ratification_week[i]:
            return "failed"
        return "pending"

    @property
    def responses(self) -> dict[str, int]:
        return {t: int(a[self.index]) for t, a in self.model.coalition.activations.items()}


class UnitedStates(CoalitionMember):
    """The US as the signed text gives it: it leads monitoring (G1), offers 'proposed support'
    to the force (G3) and sits in the coordination cell (C1). It pledges G4 responses only under a
    bilateral guarantee. A new administration may withdraw these roles; a shock may too."""

    def __init__(self, model: DeterrenceModel, index: int) -> None:
        super().__init__(model, index)
        us = model.scenario_config.united_states
        self.leads_monitoring = us.leads_monitoring
        self.shares_intelligence = us.shares_intelligence
        # G3: "proposed US support", drawn once a run (drawn whatever the design: common random numbers).
        self.offers_backstop = bool(model.streams["us"].random() < us.backstop_probability)
        self.backs_force = self.offers_backstop
        self.withdrew_week: int | None = None

    def reconfigure(self) -> None:
        """A shock changed the US parameters: roles switched off stay off, backstop redrawn never."""
        us = self.model.scenario_config.united_states
        self.leads_monitoring = self.leads_monitoring and us.leads_monitoring
        self.shares_intelligence = self.shares_intelligence and us.shares_intelligence
        if us.backstop_probability == 0.0:
            self.backs_force = False
        c = self.model.coalition
        c.pledges[c.us] = c.pledges[c.us] and (us.pledges_response or bool(c.ratified[c.us]))

    def administration_changes(self, week: int, draw: float) -> None:
        """A new administration: with some chance it withdraws the US roles of the declaration."""
        if draw >= self.model.scenario_config.united_states.withdrawal_on_change:
            self.model.events.add(week, "us_roles", "United States", "", Clause.G1,
                                  "the new administration keeps the US roles (monitoring lead, force support, "
                                  "intelligence)")
            return
        self.withdraw(week, "the new administration withdraws")

    def withdraw(self, week: int, why: str) -> None:
        roles = [name for name, held in (("the monitoring lead (G1)", self.leads_monitoring),
                                          ("support to the force (G3)", self.backs_force),
                                          ("intelligence sharing (G5)", self.shares_intelligence)) if held]
        self.leads_monitoring = self.backs_force = self.shares_intelligence = False
        self.withdrew_week = week
        if roles:
            self.model.events.add(week, "us_roles", "United States", "", Clause.G1,
                                  f"{why}: " + ", ".join(roles))

    @property
    def is_european(self) -> bool:
        return False
