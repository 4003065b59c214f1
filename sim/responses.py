"""The responses (step 5): decisions carried out, and the members' rule for acting on them.

A decision of the commission (or an ad hoc one) comes due after its delay. Its corrective
measures (G1: démarches, a monitoring surge, a stockpile release under G2) are carried
out, then each pledging state decides, type by type, whether to act (G4: diplomacy,
sanctions, intelligence, logistics, military), among the types its menu holds (the
scenario's menu at the level, intersected with what the state can pledge: G0, the members
file). What a state decides takes effect after its own lag ("in accordance with each
member's legal and constitutional provisions", G0): a military response after the
member's lag, and only if its parliament votes for it where troops need a vote (the vote
is the member's rule without automaticity: a binding commitment does not bypass it);
other types after short national lags. The EU members' sanctions become one EU package
that needs all 27: the Coalition's EU members agree by their rule (a hold-out re-decides
each week, seeing who agreed), the veto players outside the Coalition hold out or veto
(``sim.agents.sanctions.EUUnanimity``). The effects reach Russia (sanctions), Ukraine
(assistance) and the war (military responses in the field) when they take effect, each
through that actor's own method; the response events are logged then.

The members' activation rule is written here once, in two forms that agree: one state
deciding in the cascade (``activation_probability``, ``vote_probability``) and every state
at once at a share of zero (``structural_activation``, ``structural_eu_package``), which is
how Russia reads the coalition's credibility (``sim.decisions.reading``). A state acts on a
response type with probability

    a + (1 - a) * logistic((resolve + threat pull + bandwagon * share - threshold
                            + binding pull * bound - cost) / noise)

where ``a`` is the automaticity of a binding commitment (0 for a political one); a
parliament votes for troops with the same probability at ``a = 0``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from sim.chain import Decision
from sim.clauses import Clause
from sim.ladder import RUSSIA, Action

if TYPE_CHECKING:
    from sim.agents.sanctions import EUUnanimity
    from sim.model import DeterrenceModel

# The most weeks a Coalition EU member may hold an EU package out before it counts as a veto
# (a safeguard: by the rule, a hold-out facing everyone else's agreement gives way within weeks).
MAX_EU_ROUNDS = 26
# Order of what takes effect in one week: votes, then EU packages, then the states' responses.
_VOTE, _PACKAGE, _RESPONSE = 0, 1, 2


def activation_probability(base: float, cost: float, automatic: float, noise: float) -> float:
    """One state, one response type: ``base`` is resolve + pull + bandwagon - threshold (+ binding pull)."""
    return automatic + (1.0 - automatic) / (1.0 + math.exp(-(base - cost) / noise))


def vote_probability(base: float, cost: float, noise: float) -> float:
    """A parliament's vote on sending the troops its government decided to send (G0): the same rule with no
    automaticity; a binding commitment's pull is in ``base``."""
    return activation_probability(base, cost, 0.0, noise)


def structural_activation(x: np.ndarray, binding: np.ndarray, automaticity: float, binding_pull: float,
                          noise: float, vote: np.ndarray | None = None,
                          vote_rows: list[int] | None = None, *,
                          vote_cells: tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None] | None = None,
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every state at once at share 0; ``x`` is (resolve + pull - threshold - cost) / noise.

    Returns the probability as a political commitment, as a binding one before its automatic
    part, and the probability that the response takes effect (binding where ``binding`` > 0).
    ``vote`` (true or > 0 where troops need a parliament's vote, on the rows ``vote_rows``, all rows
    if None): the response takes effect only if the vote passes too, by the same rule without
    automaticity. ``vote_cells`` replaces ``vote`` when the caller reads the same rows often (Russia's
    reading): where the vote's cells are free and bound (boolean masks, None if there are none), and
    ``binding > 0`` (None if no cell is bound).
    """
    p_free = expit(x)
    p_bound_free = expit(x + binding_pull / noise)
    if vote_cells is not None:
        vote_free, vote_bound, bound = vote_cells
        p = (np.where(bound, automaticity + (1.0 - automaticity) * p_bound_free, p_free) if bound is not None
             else p_free)
        if vote_free is not None:  # the vote's factor, 1 elsewhere (x * 1.0 is x: the same numbers)
            vote = np.where(vote_free, p_free, np.where(vote_bound, p_bound_free, 1.0) if vote_bound is not None
                            else 1.0)
            p = p * vote  # a new array: p may be p_free
        elif bound is None:
            p = p_free.copy()
        return p_free, p_bound_free, p
    bound = binding > 0.0
    p = np.where(bound, automaticity + (1.0 - automaticity) * p_bound_free, p_free)
    if vote is not None:
        votes = vote > 0.0 if vote.dtype != bool else vote
        for r in (vote_rows if vote_rows is not None else range(len(x))):  # few rows: basic indexing
            b = bound[r]
            p[r] *= np.where(votes[r], np.where(b, p_bound_free[r], p_free[r]) if b.any() else p_free[r], 1.0)
    return p_free, p_bound_free, p


def structural_eu_package(agree: np.ndarray, agree_pledged: np.ndarray, unanimity: EUUnanimity, discount: float,
                          weeks: int) -> np.ndarray:
    """The EU package at share 0: the chance it is proposed and adopted, times the discount of its delay.

    ``agree``: each Coalition EU member's chance of acting on sanctions by the rule (the last axis:
    the members; one row per level read); ``agree_pledged``: the same for those that pledge (a
    package is proposed when one of them acts). Hold-outs of the Coalition are read as one more
    week; the veto players as their data say.
    """
    a, b = unanimity.discount_terms(discount)
    c = unanimity.p_no_veto * discount ** weeks
    if agree.ndim == 1:
        none = np.multiply.reduce(1.0 - agree_pledged, axis=-1)  # no pledging member proposes it
        first_round = np.multiply.reduce(agree, axis=-1)
        return np.asarray((1.0 - none) * (a * first_round + b) * c)
    # A row or two (the levels read): plain floats are faster than array calls here; math.prod multiplies
    # in order, as np.multiply.reduce does (the same numbers).
    none = [math.prod(row) for row in (1.0 - agree_pledged).tolist()]
    first_round = [math.prod(row) for row in agree.tolist()]
    return np.array([(1.0 - n) * (a * f + b) * c for n, f in zip(none, first_round)])


class Responses:
    """Decisions waiting for their delay, what each decision set in motion, and what takes effect when."""

    def __init__(self, model: DeterrenceModel) -> None:
        self.model = model
        self.pending: list[Decision] = []
        self.delays: list[int] = []  # weeks from a violation to its decision's responses
        self.effects: list[tuple] = []  # (week, order, seq, what ...) waiting to take effect
        self.next_effect = math.inf  # the earliest week in effects (most weeks nothing is due)
        self._seq = 0
        # Military responses to major attacks decided and in effect: (the attack's week, state, week).
        self.military_decided: list[tuple[int, int, int]] = []
        self.military_in_effect: list[tuple[int, int, int]] = []
        self.votes_refused = 0

    def schedule(self, decisions: list[Decision]) -> None:
        self.pending += decisions

    def week(self, week: int) -> None:
        """Step 5: decisions whose delay has run out are carried out; what they set in motion takes effect."""
        if self.pending:
            due = [d for d in self.pending if d.respond_week <= week]
            if due:
                self.pending = [d for d in self.pending if d.respond_week > week]
                for d in due:
                    self._carry_out(d, week)
        if week >= self.next_effect:
            self._take_effect(week)

    def _carry_out(self, d: Decision, week: int) -> None:
        m = self.model
        sc = m.params
        log = m.events
        case, cause = d.case, d.event_id
        if d.attributed_to != RUSSIA:
            log.add(week, "corrective_measure", "SpecialCommission", d.level.label, Clause.G1, case=case, cause=cause,
                    outcome="demarche", attributed_to=d.attributed_to,
                    perpetrator=d.violation.perpetrator if d.violation is not None else "")
            return
        measures = [] if d.ad_hoc else sc.commission.corrective_measures.get(d.level.label, [])
        if "demarche" in measures:
            log.add(week, "corrective_measure", "SpecialCommission", d.level.label, Clause.G1, case=case, cause=cause,
                    outcome="demarche", attributed_to=RUSSIA)
        if "monitoring_surge" in measures:
            m.monitoring.surge(week)
            log.add(week, "corrective_measure", "MonitoringMechanism", d.level.label, Clause.G1, case=case,
                    cause=cause, outcome="monitoring_surge", weeks=sc.monitoring.surge_weeks)
        if "stockpile_release" in measures:
            m.ukraine.release_stockpile(week, "stockpile_release", case, cause)
        attack_week = d.violation.week if d.violation is not None else week
        # A limited offensive ruled an armed attack calls on the G4 commitments: the major level's responses.
        share = self.members_respond(Action.MAJOR if d.armed_attack else d.level, week, case, cause, attack_week,
                                     d.armed_attack)
        if d.violation is not None:
            self.delays.append(week - d.violation.week)
        if d.violation is not None and d.violation.perpetrator == RUSSIA:
            m.coalition.rally_all(sc.members.threat_rally)
        m.russia.will_learn(week, d.level, share)

    # --- the cascade ---------------------------------------------------------------------
    def members_respond(self, level: Action, week: int, case: int, cause: int, attack_week: int | None = None,
                        armed_attack: bool = False) -> float:
        """Each state decides, type by type, whether to act on an attributed violation (G4).

        States decide in random order and see who already acts (a cascade: both
        free-riding and bandwagoning can emerge). What they decide is scheduled to take
        effect after each one's lag (and vote). Returns what Russia learns: the share of
        pledged power that will take effect, each part discounted by its lag (Russia sees
        the decisions, the parliaments' calendars and the EU's deliberations).
        """
        coal = self.model.coalition
        types = coal.level_types[level]
        total = coal.pledged_power[level]
        if not types or total <= 0.0:
            return 0.0
        sc = self.model.params
        m, c = sc.members, sc.commitments
        automaticity = c.automaticity
        binding = coal.binding(level)
        order = coal.stream.permutation(coal.n_members + 1).tolist()
        draws = coal.stream.random((coal.n_members + 1, len(types))).tolist()
        # Python floats for the loop (the same values as the arrays; much faster to index).
        resolve, bound, pledged = coal.resolve.tolist(), binding.tolist(), coal.pledges.tolist()
        menus = coal.level_menus[level]
        capacity = [coal.capacity_lists[t] for t in types]
        eu, vote = coal.eu.tolist(), coal.needs_vote.tolist()
        costs = [c.response_costs[t] for t in types]
        weights = [c.response_weights[t] for t in types]
        discount = sc.russia.weekly_discount
        noise = m.activation_noise
        pull = c.threat_pull[level.label]
        acting_power = learned = 0.0
        totals = [0.0, 0.0, 0.0, 0.0]  # sanctions, assistance, military, military answering an armed attack
        eu_sanctions: list[int] = []  # EU members that decided sanctions: they propose the EU package
        attack = attack_week if attack_week is not None else week
        major = level == Action.MAJOR
        # Types in effect at once for every state: national, no lag (diplomacy, intelligence by default).
        instant = [t not in ("military", "sanctions") and coal.national_lag[t] == 0 for t in types]
        for i in order:
            if not pledged[i]:
                continue
            menu = menus[i]
            if not menu:
                continue
            share = acting_power / total
            base = (resolve[i] + pull + m.bandwagon_weight * share - m.activation_threshold
                    + (m.binding_pull if bound[i] else 0.0))
            auto = automaticity if bound[i] else 0.0
            done = []
            row = draws[i]
            for j in menu:
                if row[j] < activation_probability(base, costs[j], auto, noise):
                    done.append(j)
                    acting_power += weights[j] * capacity[j][i]
            if not done:
                continue
            coal.decided(i, len(done), len(menu))
            outcome = "binding" if bound[i] else "political"
            now_types, now_power = [], []  # in effect at once (most responses to probes): no queue
            later: dict[int, list[int]] | None = None
            for j in done:
                t = types[j]
                if instant[j]:
                    now_types.append(t)
                    now_power.append(capacity[j][i])
                    learned += weights[j] * capacity[j][i]
                    continue
                if t == "sanctions" and eu[i]:
                    eu_sanctions.append(i)
                    continue
                lag = coal.draw_lag(i, t)
                if t == "military":
                    if major:
                        self.military_decided.append((attack, i, week))
                    if vote[i]:  # the vote is logged before the troops it sends: both go through the queue
                        approved = coal.lag_stream.random() < vote_probability(base, costs[j], noise)
                        self._add(week + lag, _VOTE, i, approved, level, case, cause, lag)
                        if not approved:
                            continue
                        later = later or {}
                        later.setdefault(lag, []).append(j)
                        continue
                if lag == 0:
                    now_types.append(t)
                    now_power.append(capacity[j][i])
                    learned += weights[j] * capacity[j][i]
                else:
                    later = later or {}
                    later.setdefault(lag, []).append(j)
            if now_types:
                self._in_effect(week, i, tuple(now_types), tuple(now_power), outcome, level, case, cause, 0, attack,
                                armed_attack, totals)
            if later:
                for lag, js in later.items():
                    self._add(week + lag, _RESPONSE, i, tuple(types[j] for j in js),
                              tuple(capacity[j][i] for j in js), outcome, level, case, cause, lag, attack, armed_attack)
                    learned += sum(weights[j] * capacity[j][i] for j in js) * discount ** lag
        if eu_sanctions:
            j = types.index("sanctions")
            learned += self._eu_package(level, week, case, cause, eu_sanctions, pull, costs[j], binding,
                                        attack, armed_attack) * weights[j]
        self._apply(*totals)
        return min(1.0, learned / total)

    def _eu_package(self, level: Action, week: int, case: int, cause: int, proposers: list[int], pull: float,
                    cost: float, binding: np.ndarray, attack: int, armed_attack: bool = False) -> float:
        """The EU members' sanctions as one package that needs all 27 (G4).

        The Coalition's other EU members agree by the members' rule: a hold-out decides again
        each week, seeing the share of the EU that agreed; the veto players outside the Coalition
        draw a veto or a hold-out (data file). Schedules the package and the proposers'
        responses; returns the sanctions power that will take effect, discounted by the delay.
        """
        model = self.model
        coal = model.coalition
        sc = model.params
        m, c = sc.members, sc.commitments
        cap = coal.capacity_lists["sanctions"]
        members = np.flatnonzero(coal.eu).tolist()
        eu_total = sum(cap[i] for i in members)
        agreed = set(proposers)
        holdouts = [i for i in members if i not in agreed]
        held = tuple(coal.names[i] for i in holdouts)
        rounds = 0
        while holdouts and rounds < MAX_EU_ROUNDS:
            rounds += 1
            share = sum(cap[i] for i in agreed) / eu_total
            draws = coal.eu_stream.random(len(holdouts)).tolist()
            still = []
            for i, u in zip(holdouts, draws):
                bound = bool(binding[i])
                base = (float(coal.resolve[i]) + pull + m.bandwagon_weight * share - m.activation_threshold
                        + (m.binding_pull if bound else 0.0))
                if u < activation_probability(base, cost, c.automaticity if bound else 0.0, m.activation_noise):
                    agreed.add(i)
                else:
                    still.append(i)
            holdouts = still
        vetoed_by, hold, holders = model.sanctions.unanimity.draw(coal.eu_stream)
        vetoed_by += [coal.names[i] for i in holdouts]  # never gave way (a safeguard; practically never)
        start = week + sc.sanctions.eu_package_weeks
        if vetoed_by:
            self._add(start, _PACKAGE, "vetoed", 0.0, 0.0, tuple(vetoed_by), level, case, cause, start - week)
            return 0.0
        due = start + max(rounds, hold)
        outcome = "adopted_after_hold_out" if due > start else "adopted"
        power = float(coal.pledged_capacity["sanctions"][members].sum())  # the package binds every EU member
        proposed = sum(cap[i] for i in proposers)
        self._add(due, _PACKAGE, outcome, power, power - proposed, held + tuple(holders) if due > start else (),
                  level, case, cause, due - week)
        for i in proposers:
            self._add(due, _RESPONSE, i, ("sanctions",), (cap[i],), "binding" if binding[i] else "political", level,
                      case, cause, due - week, attack, armed_attack)
        return power * sc.russia.weekly_discount ** (due - week)

    def _add(self, week: int, order: int, *what) -> None:
        self._seq += 1
        self.effects.append((week, order, self._seq, *what))
        if week < self.next_effect:
            self.next_effect = week

    # --- effects -------------------------------------------------------------------------
    def _take_effect(self, week: int) -> None:
        due = [e for e in self.effects if e[0] <= week]
        if not due:
            return
        self.effects = [e for e in self.effects if e[0] > week]
        self.next_effect = min((e[0] for e in self.effects), default=math.inf)
        due.sort()
        m = self.model
        sc = m.params
        coal, log = m.coalition, m.events
        totals = [0.0, 0.0, 0.0, 0.0]
        for e in due:
            if e[1] == _VOTE:
                _, _, _, i, approved, level, case, cause, lag = e
                if not approved:
                    self.votes_refused += 1
                log.add(week, "troops_vote", coal.names[i], level.label, Clause.G0, case=case, cause=cause,
                        outcome="approved" if approved else "refused", weeks=lag)
            elif e[1] == _PACKAGE:
                _, _, _, outcome, power, rest, items, level, case, cause, lag = e
                m.sanctions.package(outcome, items)
                totals[0] += rest  # the proposers' part takes effect with their responses below
                log.add(week, "eu_package", "EU", level.label, Clause.G4, case=case, cause=cause, outcome=outcome,
                        items=items, weeks=lag, value=sc.commitments.sanctions_per_unit * power)
            else:
                self._in_effect(week, *e[3:], totals)
        self._apply(*totals)

    def _in_effect(self, week: int, i: int, types: tuple[str, ...], amounts: tuple[float, ...], outcome: str,
                   level: Action, case: int, cause: int, lag: int, attack: int, armed_attack: bool,
                   totals: list[float]) -> None:
        """State ``i``'s responses take effect: counted (``Coalition.took_effect``), logged, their power added
        to ``totals``."""
        coal = self.model.coalition
        activations = coal.activations
        for t, a in zip(types, amounts):
            activations[t][i] += 1
            if t == "sanctions":
                totals[0] += a
            elif t == "military":
                totals[3 if armed_attack else 2] += a
                if level == Action.MAJOR:
                    self.military_in_effect.append((attack, i, week))
            elif t != "diplomacy":
                totals[1] += a
        coal.ever_acted[i] = True
        log = self.model.events
        if log.record:
            log.add(week, "response", coal.names[i], level.label, Clause.G4, case=case, cause=cause, outcome=outcome,
                    items=types, weeks=lag)
        else:
            log.skip("response")  # a sweep keeps no events: counted, ids kept

    def _apply(self, sanctions: float, assistance: float, military: float, military_armed: float) -> None:
        """Responses in effect reach Russia (sanctions), Ukraine (assistance) and the war (military); with no
        war to join, military capabilities answering an armed attack go to Ukraine's forces."""
        m = self.model
        sc = m.params
        if sanctions:
            m.sanctions.add(sanctions)
        if m.war.at_war:
            military += military_armed
        else:
            assistance += military_armed
        if assistance:
            m.ukraine.add_assistance(sc.commitments.assistance_per_unit * assistance)
        if military and m.war.at_war:
            m.war.add_support(sc.payoffs.military_effect * military)

    def military_within(self, attack_week: int, weeks: int) -> int:
        """Members (the US apart) whose military response to the attack of ``attack_week`` took effect
        within ``weeks`` weeks of it."""
        us = self.model.coalition.us
        return len({i for a, i, w in self.military_in_effect if a == attack_week and i != us and w - attack_week <= weeks})
