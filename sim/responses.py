"""The responses (step 5): decisions carried out, and the members' rule for acting on them.

A decision of the commission (or an ad hoc one) comes due after its delay. Its corrective
measures (G1: démarches, a monitoring surge, a stockpile release under G2) are carried
out, then each pledging state decides, type by type, whether to act (G4: diplomacy,
sanctions, intelligence, logistics, military). The effects reach Russia (sanctions, what
it learns), Ukraine (assistance) and the war (military responses in the field), each
through that actor's own method.

The members' activation rule is written here once, in two forms that agree: one state
deciding in the cascade (``activation_probability``) and every state at once at a share
of zero (``structural_activation``), which is how Russia reads the coalition's
credibility (``sim.decisions.reading``). A state acts on a response type with probability

    a + (1 - a) * logistic((resolve + threat pull + bandwagon * share - threshold
                            + binding pull * bound - cost) / noise)

where ``a`` is the automaticity of a binding commitment (0 for a political one).
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
    from sim.model import DeterrenceModel


def activation_probability(base: float, cost: float, automatic: float, noise: float) -> float:
    """One state, one response type: ``base`` is resolve + pull + bandwagon - threshold (+ binding pull)."""
    return automatic + (1.0 - automatic) / (1.0 + math.exp(-(base - cost) / noise))


def structural_activation(x: np.ndarray, binding: np.ndarray, automaticity: float, binding_pull: float,
                          noise: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every state at once at share 0; ``x`` is (resolve + pull - threshold - cost) / noise.

    Returns the probability as a political commitment, as a binding one before its
    automatic part, and the probability that applies (binding where ``binding`` > 0).
    """
    p_free = expit(x)
    p_bound_free = expit(x + binding_pull / noise)
    return p_free, p_bound_free, np.where(binding > 0.0, automaticity + (1.0 - automaticity) * p_bound_free, p_free)


class Responses:
    """Decisions waiting for their delay, and what each decision set in motion."""

    def __init__(self, model: DeterrenceModel) -> None:
        self.model = model
        self.pending: list[Decision] = []
        self.delays: list[int] = []  # weeks from a violation to its response

    def schedule(self, decisions: list[Decision]) -> None:
        self.pending += decisions

    def week(self, week: int) -> None:
        """Step 5: decisions whose delay has run out are carried out."""
        if not self.pending:
            return
        due = [d for d in self.pending if d.respond_week <= week]
        if not due:
            return
        self.pending = [d for d in self.pending if d.respond_week > week]
        for d in due:
            self._carry_out(d, week)

    def _carry_out(self, d: Decision, week: int) -> None:
        m = self.model
        sc = m.scenario_config
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
        # A limited offensive ruled an armed attack calls on the G4 commitments: the major level's responses.
        share, power = self.members_respond(Action.MAJOR if d.armed_attack else d.level, week, case, cause)
        m.sanctions.add(power.get("sanctions", 0.0))
        m.ukraine.add_assistance(sc.commitments.assistance_per_unit
                                 * (power.get("intelligence", 0.0) + power.get("logistics", 0.0)))
        if m.war.at_war:
            m.war.add_support(sc.payoffs.military_effect * power.get("military", 0.0))
        elif d.armed_attack:  # no war to join: military capabilities go to Ukraine's forces
            m.ukraine.add_assistance(sc.commitments.assistance_per_unit * power.get("military", 0.0))
        if d.violation is not None:
            self.delays.append(week - d.violation.week)
        if d.violation is not None and d.violation.perpetrator == RUSSIA:
            m.coalition.rally_all(sc.members.threat_rally)
        m.russia.will_learn(week, d.level, share)

    def members_respond(self, level: Action, week: int, case: int, cause: int) -> tuple[float, dict[str, float]]:
        """Each state decides, type by type, whether to act on an attributed violation (G4).

        States decide in random order and see who already acts (a cascade: both
        free-riding and bandwagoning can emerge). Returns the share of pledged power
        that acted and the capacity activated by type.
        """
        coal = self.model.coalition
        types = coal.level_types[level]
        acted_power = {t: 0.0 for t in types}
        total = coal.pledged_power[level]
        if not types or total <= 0.0:
            return 0.0, acted_power
        sc = self.model.scenario_config
        m, c = sc.members, sc.commitments
        automaticity = c.automaticity
        binding = coal.binding(level)
        order = coal.stream.permutation(coal.n_members + 1).tolist()
        draws = coal.stream.random((coal.n_members + 1, len(types))).tolist()
        # Python floats for the loop (the same values as the arrays; much faster to index).
        resolve, bound, pledged = coal.resolve.tolist(), binding.tolist(), coal.pledges.tolist()
        capacity = {t: coal.capacity[t].tolist() for t in types}
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
                if row[j] < activation_probability(base, costs[j], auto, m.activation_noise):
                    done.append(t)
                    acted_power[t] += capacity[t][i]
                    acting_power += weights[j] * capacity[t][i]
            if not done:
                continue
            coal.record_response(i, done, len(types))
            self.model.events.add(week, "response", coal.names[i], level.label, Clause.G4, case=case, cause=cause,
                                  outcome="binding" if binding[i] else "political", items=tuple(done))
        return min(1.0, acting_power / total), acted_power
