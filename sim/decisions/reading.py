"""Russia's reading of the coalition and of the balance: how credible it believes the pledged
responses are, and how strong it believes Ukraine's defence to be.

The structural reading is the members' own activation rule (``sim.responses``) at a
share of zero, with the tripwire rally a deployed force would add at the major level:
the expected share of pledged power that would act on an attributed violation, per
level. It reads the same rules the members follow: each member's menu (what it can
pledge), binding only once finalised and ratified, a parliament's vote on troops, the EU
package's unanimity, and each response discounted by its lag (``russia.weekly_discount``
per week: a late response is worth less). Russia re-reads it at each decision point with noise (misperception, Jervis
1976) and corrects it with what it has seen (learned evidence, Beta-Bernoulli per
level, with spillover between levels: between Press 2005 and Weisiger & Yarhi-Milo
2015). For its windows it also projects the major level forward along political time
(elections, fatigue, ratifications due, the force's build-up) to first order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.ladder import VIOLATIONS as LEVELS
from sim.ladder import Action
from sim.responses import structural_activation, structural_eu_package

if TYPE_CHECKING:
    from sim.agents.russia import Russia
    from sim.model import DeterrenceModel


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1.0 - 1e-9)
    return math.log(p / (1.0 - p))


class CoalitionReading:
    def __init__(self, model: DeterrenceModel, russia: Russia) -> None:
        self.model = model
        self.russia = russia
        self._pledges_version = self._binding_version = -1
        self.assess()
        # Learned evidence about resolve, per level (alpha: punished, beta: unpunished).
        self.alpha = {lvl: 0.0 for lvl in LEVELS}
        self.beta = {lvl: 0.0 for lvl in LEVELS}
        # Noisy reading of the structural credibility (refreshed at decision points).
        self.noise = {lvl: 0.0 for lvl in LEVELS}
        self.readings = dict(self.structural_credibility)
        self.balance = 1.0  # how Russia misjudges the defence it would meet (x the true defence)

    # --- what Russia believes ------------------------------------------------------------
    def perceived(self, level: Action) -> float:
        """Russia's (noisy) reading of the coalition's structural credibility at a level."""
        return self.readings[level]

    def credibility(self, level: Action) -> float:
        """Believed share of pledged power that would act on an attributed violation."""
        k = self.model.params.russia.prior_weight
        a, b = self.alpha[level], self.beta[level]
        return (k * self.readings[level] + a) / (k + a + b)

    def learned_ratio(self, level: Action) -> float:
        """How much experience has moved belief away from the structural reading."""
        prior = self.readings[level]
        return self.credibility(level) / prior if prior > 0.0 else 0.0

    def observe(self, level: Action, acted_share: float) -> None:
        """Learn from a seen violation: the share of pledged power that acted (0: unpunished)."""
        w = self.model.params.russia.learning_spillover
        for lvl in LEVELS:
            weight = 1.0 if lvl == level else w
            self.alpha[lvl] += weight * acted_share
            self.beta[lvl] += weight * (1.0 - acted_share)

    def reassess(self, noise: bool = True) -> None:
        """Re-read the coalition (its politics and legal status now), with misperception."""
        self.assess()
        r = self.model.params.russia
        sd, sd_balance = r.misperception, r.balance_misperception
        if noise:  # one draw for each level's reading of resolve, one for the balance (always four)
            draws = self.russia.stream.standard_normal(4).tolist()
            for lvl, z in zip(LEVELS, draws):
                self.noise[lvl] = sd * z
            # misperception of the military balance (Jervis 1976), read afresh
            self.balance = math.exp(sd_balance * draws[3] - 0.5 * sd_balance * sd_balance)
        for lvl in LEVELS:
            true = self.structural_credibility[lvl]
            e = self.noise[lvl]
            self.readings[lvl] = true if e == 0.0 or true <= 0.0 else 1.0 / (1.0 + math.exp(-(_logit(true) + e)))

    # --- the structural reading -------------------------------------------------------------
    def _build(self) -> None:
        """Rows (level, type) of the reading; rebuilt when pledges or legal status change."""
        coal = self.model.coalition
        sc = self.model.params
        m, c = sc.members, sc.commitments
        offsets, weights, starts, levels, is_major, is_military = [], [], [], [], [], []
        is_vote, is_sanctions = [], []
        # Each response discounted by its lag (the EU members' sanctions by the package's, in assess).
        lag_discount = coal.lag_discount(sc.russia.weekly_discount)
        for level in LEVELS:
            # Probes and limited attacks are acted on only if a commission attributes them (G1).
            if coal.pledged_power[level] <= 0.0 or (level != Action.MAJOR and not sc.commission.enabled):
                continue
            starts.append(len(offsets))
            levels.append(level)
            for t in coal.level_types[level]:
                offsets.append(c.threat_pull[level.label] - m.activation_threshold - c.response_costs[t])
                weights.append(c.response_weights[t] * coal.pledged_capacity[t] * lag_discount[t])
                is_major.append(level == Action.MAJOR)
                is_military.append(level == Action.MAJOR and t == "military")
                is_sanctions.append(t == "sanctions")
                is_vote.append(t == "military" and coal.needs_vote.any())
        # Where troops need a vote: the rows (military) and the states (structural_activation).
        self._vote_rows = np.flatnonzero(is_vote).tolist()
        self._vote = np.outer(is_vote, coal.needs_vote) if self._vote_rows else None  # bool
        self._eu_rows = np.flatnonzero(is_sanctions) if coal.eu.any() else np.array([], dtype=int)
        self._eu_cols = np.flatnonzero(coal.eu)
        # Flat indices of (sanctions row, EU member) cells, all and pledging: read in one call each.
        self._eu_cells = (self._eu_rows[:, None] * (coal.n_members + 1) + self._eu_cols[None, :])
        self._eu_cells_pledged = self._eu_cells[:, coal.pledges[self._eu_cols]]
        self._eu_all_pledge = bool(coal.pledges[self._eu_cols].all())
        # The EU package's power per sanctions row (its weights; the package's probability multiplies them).
        weights_array = np.array(weights) if weights else np.zeros((0, coal.n_members + 1))
        self._eu_cell_weights = weights_array.take(self._eu_cells) if self._eu_rows.size else None
        self._eu_weight = self._eu_cell_weights.sum(axis=1) if self._eu_rows.size else None
        self._eu_adds = list(zip(self._eu_rows.tolist(), self._eu_weight.tolist())) if self._eu_rows.size else []
        if self._eu_rows.size:
            weights_array.put(self._eu_cells, 0.0)  # read through the package in assess, not cell by cell
        self._eu_package = np.zeros(len(self._eu_rows))
        rows = np.flatnonzero(is_major)
        self._major_rows = slice(int(rows[0]), int(rows[-1]) + 1) if rows.size else None
        mil = np.flatnonzero(np.array(is_military, bool)[rows]) if rows.size else np.array([], int)
        self._military_row = int(mil[0]) if mil.size else None
        self._zeros = np.zeros(coal.n_members + 1)
        self._no_sensitivity = {k: self._zeros for k in ("g", "h", "k", "gm", "hm", "km")}
        self._levels = levels
        self._spans = list(zip(levels, starts, [*starts[1:], len(offsets)]))  # each level's rows
        self._rows = (np.array(offsets)[:, None] if offsets else np.zeros((0, 1)), weights_array, starts)
        self._vote_major = (self._vote[self._major_rows].astype(float)
                            if self._vote is not None and self._major_rows is not None else 0.0)
        self._binding_rows()

    def _binding_rows(self) -> None:
        coal = self.model.coalition
        rows = [coal.binding(lvl) for lvl in self._levels for _ in coal.level_types[lvl]]
        self._binding = np.array(rows, dtype=float) if rows else np.zeros((0, coal.n_members + 1))
        # The vote's cells, free and bound, read at every assessment until legal status changes.
        bound = self._binding > 0.0
        vote = self._vote if self._vote is not None else np.zeros(bound.shape, dtype=bool)
        vote_free, vote_bound = vote & ~bound, vote & bound
        self._vote_cells = (vote_free if vote.any() else None, vote_bound if vote_bound.any() else None,
                            bound if bound.any() else None)

    def assess(self) -> None:
        """The structural reading: the expected share of pledged power acting, per level.

        Also the first-order sensitivities Russia uses to project the major level forward.
        """
        coal = self.model.coalition
        if self._pledges_version != coal.pledges_version:
            self._build()
        elif self._binding_version != coal.binding_version:
            self._binding_rows()
        self._pledges_version, self._binding_version = coal.pledges_version, coal.binding_version
        offsets, weights, starts = self._rows
        levels = self._levels
        self._projection = None
        self.structural_credibility = dict.fromkeys(LEVELS, 0.0)
        self.acting_major = self.acting_military = 0.0
        if not levels:
            self.sensitivity = self._no_sensitivity
            return
        sc = self.model.params
        m = sc.members
        auto = sc.commitments.automaticity
        noise = m.activation_noise
        x = coal.resolve + offsets
        major = self._major_rows
        if major is not None and self.model.force.ramp > 0.0:  # no force deployed: no rally (adds zeros)
            x[major] += self.model.force.rally
        x /= noise
        p_free, p_bound_free, p = structural_activation(x, self._binding, auto, m.binding_pull, noise,
                                                        vote_cells=self._vote_cells)
        acting = np.add.reduce(weights * p, axis=1)
        if self._eu_rows.size:  # the EU members' sanctions: one package, all 27
            agree = p.take(self._eu_cells)
            self._eu_package = structural_eu_package(
                agree, agree if self._eu_all_pledge else p.take(self._eu_cells_pledged),
                self.model.sanctions.unanimity, sc.russia.weekly_discount, sc.sanctions.eu_package_weeks)
        # Sums of a few rows in plain floats, in numpy's order (the same numbers as np.add.reduceat and
        # ndarray.sum, which cost several microseconds a call on arrays this small).
        rows = acting.tolist()
        if self._eu_adds:  # the EU package's power on its rows (distinct rows: as one by one)
            for (row, weight), package in zip(self._eu_adds, self._eu_package.tolist()):
                rows[row] += package * weight
        for level, start, stop in self._spans:  # reduceat: the first row, plus the others summed from zero
            rest = 0.0
            for v in rows[start + 1:stop]:
                rest += v
            self.structural_credibility[level] = (rows[start] + rest) / coal.pledged_power[level]
        if major is None:
            self.sensitivity = self._no_sensitivity
            return
        total = 0.0  # ndarray.sum of a short run: from zero, in order
        for v in rows[major]:
            total += v
        self.acting_major = total
        r = self._military_row
        self.acting_military = rows[major.start + r] if r is not None else 0.0
        # The major rows are sliced when a projection needs them (a few times a run).
        self._major_state = (weights, p_free, p_bound_free, p, auto, noise)
        self.sensitivity = None  # computed when a projection needs it

    # --- projecting the major level forward (windows) ----------------------------------------
    def _sensitivities(self) -> dict[str, np.ndarray]:
        """First-order sensitivities of the major level's acting power to resolve, binding, pledges."""
        weights, p_free, p_bound_free, p, auto, noise = self._major_state
        major, v = self._major_rows, self._vote_major
        b, w, pf, pbf, pm = self._binding[major], weights[major], p_free[major], p_bound_free[major], p[major]
        free = 1.0 - b
        dpf, dpbf = pf * (1.0 - pf) / noise, pbf * (1.0 - pbf) / noise
        pb = auto + (1.0 - auto) * pbf
        # Where troops need a vote the response takes effect with p * vote (the same rule twice).
        grad_free = dpf * (1.0 + v * (2.0 * pf - 1.0))
        grad_bound = (1.0 - auto) * dpbf * (1.0 + v * (pbf - 1.0)) + pb * v * dpbf
        grad = w * (b * grad_bound + free * grad_free)
        gain = w * (pb * (1.0 + v * (pbf - 1.0)) - pf * (1.0 + v * (pf - 1.0))) * free
        loss = w * pm * free
        # The EU package (its cells have no weight in w) hangs on the 27, not on one member's resolve or legal
        # status: to first order no gradient and no gain; a dropped pledge takes its part of the package away.
        start, stop = self._major_rows.start, self._major_rows.stop
        for k, row in enumerate(self._eu_rows):
            if start <= row < stop:
                cols = self._eu_cols
                loss[row - start, cols] = self._eu_cell_weights[k] * self._eu_package[k] * free[row - start, cols]
        s = {"g": grad.sum(0), "h": gain.sum(0), "k": loss.sum(0)}
        r = self._military_row
        if r is not None:
            s["gm"], s["hm"], s["km"] = grad[r], gain[r], loss[r]
        else:
            s["gm"] = s["hm"] = s["km"] = self._zeros
        return s

    def _prepare_projection(self, week: int) -> None:
        """Sensitivities times scheduled political time, once per reading (cheap lookups after)."""
        coal = self.model.coalition
        sc = self.model.params
        last = coal.projection_weeks
        start = min(week, last - 1)
        stop = min(last, start + sc.campaigns.lookahead_weeks + sc.campaigns.preparation_weeks_major + 1)
        if self.sensitivity is None:
            self.sensitivity = self._sensitivities()
        s = self.sensitivity
        shift = coal.expected_shift[:, start:stop]
        drop = coal.expected_drop[:, start:stop]
        span = shift.shape[1]
        bind = np.zeros((2, span))
        if Action.MAJOR in coal.binding_levels and sc.commitments.binding:
            due = np.flatnonzero((~coal.ratified) & (coal.ratification_week > week)
                                 & (coal.ratification_week - start < span))
            if due.size:
                cols = coal.ratification_week[due] - start
                value = 1.0 - coal.failure_probability[due]
                np.add.at(bind[0], cols, s["h"][due] * value)
                np.add.at(bind[1], cols, s["hm"][due] * value)
                bind = np.cumsum(bind, axis=1)
        base_rally = self.model.force.base_rally
        self._projection = (start, s["g"] @ shift - s["k"] @ drop + bind[0],
                            s["gm"] @ shift - s["km"] @ drop + bind[1],
                            float(s["g"].sum()), float(s["gm"].sum()),
                            float(s["g"] @ base_rally), float(s["gm"] @ base_rally))

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
        fatigue = self.model.params.members.fatigue_per_year * (target - week) / 52.0
        total = self.acting_major + total_t[i1] - total_t[i0] - fatigue * g_sum + g_rally * ramp_gain
        military = self.acting_military + mil_t[i1] - mil_t[i0] - fatigue * gm_sum + gm_rally * ramp_gain
        return max(0.0, float(total)), max(0.0, float(military))
