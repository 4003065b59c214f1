"""Coalition members and the United States: what they pledge (G4), ratification (G0), politics.

The pledging states' state lives in arrays (one row a member, the US in the last
row) so that weekly politics are one vector operation; each ``CoalitionMember``
and the ``UnitedStates`` agent (``sim.agents.united_states``: its roles and their
withdrawal) is a named view onto its row. After an election, a contributor to the
Multinational Force reviews its contingent (``MultinationalForce.review``).

Members one by one (G0, "in accordance with each member's legal and constitutional
provisions"): each member's menu is the scenario's menu at a level intersected with what it
can pledge (the members file: neutral states, Japan and Iceland pledge no military response;
Turkey no sanctions); EU members' sanctions go through one EU package (``sim.responses``);
a military response takes effect after the member's own lag (its parliament's vote where
troops need one). The binding commitments "will finalise" (G4): none is in force before
``commitments.finalisation_weeks``, and ratification starts only then.

Political time: elections come from a dated data file; a change of government
shifts resolve, and a new, less supportive government may drop a *political*
pledge; a *ratified* commitment survives it (G0). Fatigue lowers resolve while no
threat is seen; warnings and attributed violations rally it. How members decide to act on
a decision is ``sim.responses``; how Russia reads their credibility is
``sim.decisions.reading``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from sim.clauses import Clause
from sim.data import columns
from sim.ladder import RESPONSE_TYPES, Action
from sim.ladder import VIOLATIONS as LEVELS

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

# US figures from the same sources as the members file (SIPRI 2025, IMF WEO 2025): data, not behaviour.
US_DEFENCE_USD_BN = 997.0
US_GDP_USD_BN = 29180.0
US_ISO3 = "USA"
FAR = 1 << 30


def triangular_quantile(u: np.ndarray | float, low: np.ndarray | float, mode: np.ndarray | float,
                        high: np.ndarray | float) -> np.ndarray:
    """The ``u`` quantile of a triangular distribution (low, mode, high); a point where low == high.

    Both the members' lag draws (``u`` uniform) and Russia's reading of them (a grid of ``u``) use it.
    """
    u, low, mode, high = (np.asarray(a, float) for a in (u, low, mode, high))
    width = np.maximum(high - low, 1e-12)
    split = (mode - low) / width
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(high - low <= 0.0, low, np.where(u < split, left, right))


# Russia reads a member's military lag from this many quantiles of its distribution.
LAG_QUANTILES = (np.arange(32) + 0.5) / 32


_SCHEDULES: dict[tuple, tuple] = {}
_LIMITS: dict[tuple, tuple] = {}


def _limits(table: pd.DataFrame, lag_scale: float, us_lag: float) -> tuple:
    """Each state's legal and constitutional limits from the members table (G0), the US in the last row:
    what it can pledge by type, EU membership, neutrality, a vote for troops, military lags (low, mode,
    high; the US: no prior vote, 0 to twice its mode). A pure function of the table and two parameters:
    computed once per process, read only."""
    key = (id(table), lag_scale, us_lag)
    cached = _LIMITS.get(key)
    if cached is not None and cached[0] is table:
        return cached[1]
    menus = [set(text.split(";")) for text in table.pledgeable]
    can_pledge = {t: np.append(np.array([t in menu for menu in menus], dtype=bool), True) for t in RESPONSE_TYPES}
    flags = [np.append(table[col].to_numpy(bool), False) for col in ("eu_member", "neutral", "troops_need_vote")]
    lags = tuple(np.append(table[col].to_numpy(float), us) * lag_scale for col, us in (
        ("military_lag_low_weeks", 0.0), ("military_lag_weeks", us_lag), ("military_lag_high_weeks", 2 * us_lag)))
    for a in (*can_pledge.values(), *flags, *lags):
        a.flags.writeable = False
    limits = (can_pledge, *flags, lags, list(zip(*(a.tolist() for a in lags))), {}, {})
    if len(_LIMITS) >= 16:
        _LIMITS.clear()
    _LIMITS[key] = (table, limits)
    return limits


def _election_schedule(elections: pd.DataFrame, index_of: dict[str, int], us_row: int, n1: int, sc) -> tuple:
    """Elections on their weeks, those held before the ceasefire (the initial state), and the expected
    political time Russia reads from calendars and polls."""
    m = sc.members
    horizon = sc.horizon_weeks + sc.campaigns.lookahead_weeks + 1
    index = np.array([index_of.get(code, -1) for code in elections.iso3])
    days = np.array([d.toordinal() for d in elections.date]) - sc.ceasefire_date.toordinal()
    weeks = days // 7
    keep = (index >= 0) & (days >= 0) & (weeks < horizon)  # in-run: on or after the ceasefire date
    before = (index >= 0) & (days < 0)  # held before the ceasefire: part of the state at t = 0
    p = np.minimum(1.0, elections.p_government_change.to_numpy(float) * m.government_change_scale)
    # The shift of a change of government within its row's range (no partisan assumption for the US:
    # its rows are 0 +/- spread); the levels are uncertainties, 0.5 the central value.
    level = np.where(index == us_row, sc.united_states.election_shift_level, m.election_shift_level)
    shift = (elections.resolve_shift.to_numpy(float)
             + (2.0 * level - 1.0) * elections.resolve_shift_spread.to_numpy(float))
    office = elections.office.to_numpy()
    order = np.lexsort((index, weeks))
    dates = list(elections.date)
    rows = [(int(weeks[k]), int(index[k]), office[k], float(p[k]), float(shift[k]), dates[k])
            for k in order if keep[k]]
    initial = tuple((int(index[k]), float(p[k]), float(shift[k])) for k in order if before[k])
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
    return horizon, rows, election_weeks, expected_shift, expected_drop, expected_us_withdrawal, initial


class Coalition:
    """Array state of every pledging state (members, then the US as the last row)."""

    def __init__(self, model: DeterrenceModel, table: pd.DataFrame, elections: pd.DataFrame) -> None:
        sc = model.params
        self.model = model
        self.stream = model.streams["members"]
        n = len(table)
        self.n_members = n
        self.us = n  # row of the United States
        cols = columns(table)
        defence = np.append(cols["defence_spending_usd_bn"].astype(float), US_DEFENCE_USD_BN)
        gdp = np.append(cols["gdp_usd_bn"].astype(float), US_GDP_USD_BN)
        d_share = defence / defence[:n].sum()
        g_share = gdp / gdp[:n].sum()
        self.names = [*cols["name"].tolist(), "United States"]
        self.iso3 = [*cols["iso3"].tolist(), US_ISO3]
        self.index_of = {code: i for i, code in enumerate(self.iso3)}
        self.is_europe = np.append(cols["region"] == "europe", False)
        self.frontline = np.append(cols["borders_russia"].astype(bool), False)
        # Capacities by response type, as a share of the coalition total (the US beside it).
        self.capacity: dict[str, np.ndarray] = {
            "diplomacy": g_share, "sanctions": g_share,
            "intelligence": d_share, "logistics": d_share, "military": d_share,
        }
        self.framework_nation = np.append(cols["framework_nation"].astype(bool), False)
        # G0: each member's legal and constitutional limits (members file; read only, shared across runs).
        c = sc.commitments
        limits = _limits(table, sc.members.military_lag_multiplier, c.us_military_lag_weeks)
        self.can_pledge, self.eu, self.neutral, self.needs_vote, self.military_lag = limits[:5]
        self._military_lags, self._lag_discounts, self._menus = limits[5:]
        self.national_lag = {t: int(round(c.response_lag_weeks.get(t, 0.0))) for t in RESPONSE_TYPES if t != "military"}
        self.capacity_lists = {t: cap.tolist() for t, cap in self.capacity.items()}  # for the cascade's loop
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
        # Resolve and its anchor are the two rows of one array (changed in place only, never rebound), so
        # that the weekly drift clips both in one call.
        self._politics = np.stack([anchor, anchor])
        self.resolve, self.resolve_anchor = self._politics
        weights = np.append(g_share[:n], 0.0)
        self.aid_weights = weights / weights.sum()
        self._noise_stream = np.random.default_rng(self.stream.integers(1 << 62))  # weekly drift of resolve
        self._noise_until = 0
        self._pull = np.empty(n + 1)  # buffer of the weekly drift
        self._drift_steps, self._drift_scale = None, None  # drift x noise, a year at a time
        # G0: ratification of each commitment.
        self.ratified = np.zeros(n + 1, dtype=bool)
        self.ratification_week = np.full(n + 1, -1, dtype=np.int64)
        self.ratification_fails = np.zeros(n + 1, dtype=bool)
        self.failure_probability = np.zeros(n + 1)
        self.next_ratification = FAR
        self._schedule_ratification(table)
        # Decisions' lags, votes and the EU's unanimity draw from streams of their own (spawned here, so the
        # weekly drift and the elections keep their draws whatever the responses do).
        self._lag_seed, self._eu_seed = (int(x) for x in self.stream.integers(1 << 62, size=2))
        self._lag_stream = self._eu_stream = None  # made on first use (most runs never need the EU's)
        self._schedule_elections(elections)
        self.governments_changed = np.zeros(n + 1, dtype=np.int64)
        self.pledges_dropped = 0
        self.pledges_version = self.binding_version = 0  # bumped when pledges or legal status change
        # What each state did (outputs and dashboard tiles).
        self.activations = {t: np.zeros(n + 1, dtype=np.int64) for t in RESPONSE_TYPES}  # in effect
        self.ever_acted = np.zeros(n + 1, dtype=bool)
        self.refresh_pledges()

    # --- G0: ratification ------------------------------------------------------
    def _schedule_ratification(self, table: pd.DataFrame) -> None:
        sc = self.model.params
        r = sc.ratification
        cols = columns(table)
        fail = np.append(cols["ratification_failure_probability"].astype(float),
                         r.us_congress_failure_probability)
        self.failure_probability = np.minimum(1.0, fail * np.append(np.full(self.n_members, r.failure_multiplier), 1.0))
        # The draws are made whatever the design, so that designs share random numbers.
        lags = np.append(cols["ratification_lag_weeks"].astype(float) * r.lag_multiplier,
                         float(r.us_congress_lag_weeks))
        jitter = self.stream.lognormal(0.0, r.jitter_sd, self.n_members + 1)
        fails = self.stream.random(self.n_members + 1) < self.failure_probability
        # G4: the members "will finalise" the binding commitments; none binds before (FAR: never).
        self.finalised_week = FAR
        if not sc.commitments.binding:
            return
        if r.in_force_at_ceasefire:
            self.finalised_week = 0
            self.ratified[:] = self.pledges  # only a pledge can be in force (the US has none unless bilateral)
            return
        self.finalised_week = sc.commitments.finalisation_weeks
        if not r.seek_ratification:
            return
        # Ratification follows finalisation: each member's legal lag counts from it.
        self.ratification_week = np.where(self.pledges, self.finalised_week + np.maximum(1, np.rint(lags * jitter)),
                                          -1).astype(np.int64)
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
                log.add(week, "ratification", self.names[i], "", Clause.G0, outcome="failed")
            else:
                self.ratified[i] = True
                log.add(week, "ratification", self.names[i], "", Clause.G0, outcome="ratified")
        later = self.ratification_week[self.ratification_week > week]
        self.next_ratification = int(later.min()) if later.size else FAR
        return True

    # --- political time: elections and changes of government ---------------------
    def _schedule_elections(self, elections: pd.DataFrame) -> None:
        sc = self.model.scenario_config
        m, us = sc.members, sc.united_states
        # A pure function of the data and these parameters: computed once per process and design.
        key = (id(elections), tuple(self.iso3), sc.ceasefire_date, sc.horizon_weeks, sc.campaigns.lookahead_weeks,
               m.government_change_scale, m.political_drop_probability, m.election_shock, us.withdrawal_on_change,
               m.election_shift_level, us.election_shift_level)
        cached = _SCHEDULES.get(key)
        if cached is None or cached[0] is not elections:
            cached = (elections, _election_schedule(elections, self.index_of, self.us, self.n_members + 1, sc))
            if len(_SCHEDULES) >= 64:
                _SCHEDULES.clear()
            _SCHEDULES[key] = cached
        (self.projection_weeks, _, self.election_weeks, self.expected_shift, self.expected_drop,
         self.expected_us_withdrawal, initial) = cached[1]
        # Elections held before the ceasefire date are the initial state, not events of the run: drawn as an
        # in-run election is, they move the initial resolve; no event, no pledge dropped (the government they
        # produced is the one that pledges at the ceasefire).
        for i, p, shift in initial:
            u_change, noise = self.stream.random(), self.stream.normal(0.0, m.election_shock)
            self._shift(i, noise + (shift if u_change < p else 0.0))

    def advance_politics(self, week: int) -> int | None:
        """Step 0 (G0 and political time): legal procedures, elections, changes of government.

        Returns the event of the latest election that Russia re-assesses on at once (a change of
        government in a framework nation or in the US, or a contingent taken out of the force), or None.
        """
        trigger = None
        if week == self.finalised_week and week > 0:
            self.model.events.add(week, "finalisation", "Coalition", "", Clause.G4, outcome="finalised", weeks=week)
        if self._advance_ratification(week):
            self.binding_version += 1
        dropped = self.pledges_dropped
        for _, i, office, p, shift, day in self.election_weeks.get(week, ()):
            case = self._election(week, i, office, p, shift, day)
            if case is not None:
                trigger = case
        # Any dropped pledge changes the pledged power (and Russia's reading, which rebuilds from it),
        # whoever dropped it; Russia re-assesses at once only for a framework nation or the US. A change of
        # government that drops no pledge leaves them as they were (no rebuild).
        if self.pledges_dropped != dropped:
            self.refresh_pledges()
        return trigger

    def _election(self, week: int, i: int, office: str, p: float, shift: float, day) -> int | None:
        """One election; returns its event when Russia re-assesses on it at once, else None."""
        m = self.model.params.members
        log = self.model.events
        # Always three draws, so that designs share random numbers.
        u_change, noise, u_drop = self.stream.random(), self.stream.normal(0.0, m.election_shock), self.stream.random()
        if u_change >= p:
            self._shift(i, noise)
            case = log.add(week, "election", self.names[i], "", Clause.ASSUMPTION, outcome="no_change",
                           office=office, note=day.isoformat() if log.record else "", value=noise)
            return case if self._review_contingent(week, i, case) else None
        self.governments_changed[i] += 1
        delta = shift + noise
        self._shift(i, delta)
        case = log.add(week, "government_change", self.names[i], "", Clause.ASSUMPTION, outcome="change",
                       office=office, note=day.isoformat() if log.record else "", value=delta)
        us_change = i == self.us and office == "presidential"
        left = self._review_contingent(week, i, case)
        trigger = case if self.framework_nation[i] or us_change or left else None
        if delta >= 0.0:
            return trigger
        if us_change:
            self.model.united_states.administration_changes(week, u_drop, case)
        if self.pledges[i]:
            drop_p = (self.model.params.united_states.withdrawal_on_change if i == self.us
                      else m.political_drop_probability)
            if self.ratified[i]:
                log.add(week, "pledge", self.names[i], "major", Clause.G0, case=case, cause=case, outcome="survives")
            elif u_drop < drop_p:
                self.pledges[i] = False
                self.pledges_dropped += 1
                self.ratification_week[i] = -1  # the bill is withdrawn with the pledge
                log.add(week, "pledge", self.names[i], "major", Clause.G0, case=case, cause=case, outcome="dropped")
        return trigger

    def _review_contingent(self, week: int, i: int, case: int | None) -> bool:
        """After an election a contributing government reviews its contingent in the force (Tago 2009)."""
        force = self.model.force
        if not force.committed[i]:
            return False
        return force.review(week, np.arange(force.committed.size) == i, "a review after the election", case)

    def _shift(self, i: int, delta: float) -> None:
        self.resolve_anchor[i] = min(1.0, max(0.0, self.resolve_anchor[i] + delta))
        self.resolve[i] = min(1.0, max(0.0, self.resolve[i] + delta))

    def rally_all(self, amount: float) -> None:
        """A threat seen (a warning, an attributed violation) restores resolve worn by fatigue."""
        if amount > 0.0:
            np.minimum(self.resolve + amount, 1.0, out=self.resolve)
            np.minimum(self.resolve_anchor + amount, 1.0, out=self.resolve_anchor)

    def tire_all(self, amount: float) -> None:
        """Acting on a warning costs every member some resolve (the cost of false alarms)."""
        if amount > 0.0:
            np.maximum(self.resolve - amount, 0.0, out=self.resolve)
            np.maximum(self.resolve_anchor - amount, 0.0, out=self.resolve_anchor)

    def struck(self, week: int, hit: np.ndarray, rally: float, ally_share: float, contributors: np.ndarray,
               case: int) -> None:
        """The tripwire acts through members: a nation whose troops are struck rallies, its allies less."""
        if not hit.any():
            return
        boost = np.where(hit, rally, np.where(contributors, ally_share * rally, 0.0))
        np.minimum(self.resolve + boost, 1.0, out=self.resolve)
        self.model.events.add(week, "casualties", "MultinationalForce", "major", Clause.G3, case=case, cause=case,
                              items=tuple(self.names[i] for i in np.flatnonzero(hit)), value=rally)

    @property
    def lag_stream(self) -> np.random.Generator:
        """Draws of the members' lags and parliamentary votes."""
        if self._lag_stream is None:
            self._lag_stream = np.random.default_rng(self._lag_seed)
        return self._lag_stream

    @property
    def eu_stream(self) -> np.random.Generator:
        """Draws of the EU's unanimity: Coalition hold-outs and the veto players."""
        if self._eu_stream is None:
            self._eu_stream = np.random.default_rng(self._eu_seed)
        return self._eu_stream

    def decided(self, i: int, n_types: int, menu_size: int) -> None:
        """State ``i`` decided to act with ``n_types`` of the ``menu_size`` types of its menu: deciding costs
        resolve (the political cost is paid when the government commits, whatever the lags)."""
        cost = self.model.params.members.response_cost
        self.resolve[i] = max(0.0, self.resolve[i] - cost * n_types / menu_size)

    def took_effect(self, i: int, types: tuple[str, ...]) -> None:
        """State ``i``'s responses of ``types`` are in effect (outputs and tiles count them here)."""
        for t in types:
            self.activations[t][i] += 1
        self.ever_acted[i] = True

    def menu(self, level: Action) -> list[np.ndarray]:
        """Per type of the scenario's menu at ``level``, the states that can pledge it (G0, G4)."""
        return [self.can_pledge[t] for t in self.level_types[level]]

    def draw_lag(self, i: int, t: str) -> int:
        """Weeks from state ``i``'s decision to its ``t`` response in effect (national responses)."""
        if t != "military":
            return self.national_lag[t]
        low, mode, high = self._military_lags[i]
        u = self.lag_stream.random()
        if high <= low:
            return int(round(low))
        if u < (mode - low) / (high - low):  # the triangular quantile (as triangular_quantile, one number)
            return int(np.rint(low + math.sqrt(u * (high - low) * (mode - low))))
        return int(np.rint(high - math.sqrt((1.0 - u) * (high - low) * (high - mode))))

    def lag_discount(self, discount: float) -> dict[str, np.ndarray]:
        """Per type, each state's expected ``discount`` ** lag: how Russia discounts late responses (the EU
        members' sanctions apart: 1, the EU package's own discount is read separately). Shared, read only."""
        key = (discount, tuple(sorted(self.national_lag.items())))
        out = self._lag_discounts.get(key)
        if out is None:
            grid = triangular_quantile(LAG_QUANTILES[:, None], *(a[None, :] for a in self.military_lag))
            out = {t: np.full(self.n_members + 1, discount ** lag) for t, lag in self.national_lag.items()}
            out["military"] = (discount ** np.rint(grid)).mean(axis=0)
            out["sanctions"] = np.where(self.eu, 1.0, out["sanctions"])
            for a in out.values():
                a.flags.writeable = False
            self._lag_discounts[key] = out
        return out

    def keep_us_pledge(self, allowed: bool) -> None:
        """A shock changed the US terms: its pledge stays only if still offered or already ratified."""
        self.pledges[self.us] = self.pledges[self.us] and (allowed or bool(self.ratified[self.us]))

    # --- G4: what is pledged and how credible it looks ---------------------------
    def refresh_pledges(self) -> None:
        """Pledged power per level from the pledged response types (G4)."""
        sc = self.model.params
        c = sc.commitments
        menu = c.response_menu
        pledge = self.pledges.astype(float)
        # What each state pledges of a type: its capacity if it pledges and can pledge the type (G0).
        self.pledged_capacity = {t: cap * pledge * self.can_pledge[t] for t, cap in self.capacity.items()}
        self.binding_levels = {Action[lvl.upper()] for lvl in c.binding_levels}
        self.level_types: dict[Action, list[str]] = {}
        self.pledged_power: dict[Action, float] = {}
        self.level_menus: dict[Action, list[tuple[int, ...]]] = {}
        for level in LEVELS:
            types = list(menu.get(level.label, []))
            self.level_types[level] = types
            self.pledged_power[level] = float(sum(c.response_weights[t] * self.pledged_capacity[t].sum()
                                                  for t in types))
            self.level_menus[level] = self._menu_indices(tuple(types))
        self.pledges_version += 1

    def _menu_indices(self, types: tuple[str, ...]) -> list[tuple[int, ...]]:
        """Each state's menu among ``types``: the indices of the types it can pledge (G0; shared, read only)."""
        menus = self._menus.get(types)
        if menus is None:
            can = [self.can_pledge[t].tolist() for t in types]
            menus = self._menus[types] = [tuple(j for j in range(len(types)) if can[j][i])
                                          for i in range(self.n_members + 1)]
        return menus

    def binding(self, level: Action) -> np.ndarray:
        """States whose commitment legally binds them at this level (G0 + G4): ratified, which only a
        finalised commitment can be."""
        if not self.model.params.commitments.binding or level not in self.binding_levels:
            return np.zeros(self.n_members + 1, dtype=bool)
        return self.ratified

    # --- politics ----------------------------------------------------------------
    def drift(self) -> None:
        """Resolve reverts to its anchor and drifts; fatigue wears the anchor down."""
        m = self.model.params.members
        week = self.model.week
        if week >= self._noise_until:  # drawn a year at a time: one call instead of 52
            self._noise = self._noise_stream.standard_normal((52, self.n_members + 1))
            self._noise_start, self._noise_until = week, week + 52
            self._drift_scale = None
        if self._drift_scale != m.resolve_drift:  # drift x noise for the year at once (a shock may change it)
            self._drift_scale = m.resolve_drift
            self._drift_steps = self._noise * m.resolve_drift
        resolve, anchor, pull = self.resolve, self.resolve_anchor, self._pull
        # resolve += reversion * (anchor - resolve) + drift * noise, without temporaries
        np.subtract(anchor, resolve, out=pull)
        pull *= m.resolve_reversion
        pull += self._drift_steps[week - self._noise_start]
        resolve += pull
        if m.fatigue_per_year > 0.0:
            anchor -= m.fatigue_per_year / 52.0
            np.maximum(self._politics, 0.0, out=self._politics)  # resolve and anchor at once
        else:
            np.maximum(resolve, 0.0, out=resolve)
        np.minimum(resolve, 1.0, out=resolve)

    def aid_resolve(self) -> float:
        """Finance-weighted resolve of the coalition (drives G2 aid flows)."""
        return float(self.resolve.dot(self.aid_weights))  # the same product as @, a quicker call


class CoalitionMember(mesa.Agent):
    """A member of the Coalition of the Willing (G0, G1, G3, G4)."""

    def __init__(self, model: DeterrenceModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name = model.coalition.names[index]

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
