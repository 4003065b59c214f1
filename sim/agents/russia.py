"""Russia: chooses on the escalation ladder by a logit over expected utilities.

Expected costs use Russia's *beliefs* about coalition resolve (Beta-Bernoulli per
level, learned from what it observed), not the true resolve. No clause: Russia is
the party the guarantees deter; its rules are assumptions (docs/ODD.md 7).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from sim.ladder import Action
from sim.ladder import VIOLATIONS as LEVELS

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

AMBITION_REVERSION = 0.01  # per week, towards the scenario's ambition
SANCTIONS_DECAY = 0.01  # per week: sanctions erode as they are evaded
SANCTIONS_PER_UNIT = 0.15  # sanctions cost added per unit of sanctions power activated


def contest(strength: float, defence: float, exponent: float) -> float:
    """Probability the attacker succeeds (Tullock contest success function)."""
    a = strength**exponent
    return a / (a + defence**exponent) if a > 0 else 0.0


class Russia(mesa.Agent):
    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        cfg = model.scenario_config.russia
        self.cfg = cfg
        self.payoffs = model.scenario_config.payoffs
        self.stream = model.streams["russia"]
        self.strength = cfg.initial_strength
        self.ceiling = 1.0 + cfg.max_strength_gain
        # Drawn once a run (frailty): the ambition this ceasefire faces, around the scenario's.
        self.ambition_anchor = cfg.ambition * (math.exp(cfg.ambition_spread * self.stream.normal())
                                               if cfg.ambition_spread > 0.0 else 1.0)
        self.ambition = self.ambition_anchor
        self.sanctions_cost = 0.0
        self.action = Action.COMPLY
        # Learned evidence about resolve, per level (alpha: punished, beta: unpunished).
        self.alpha = {lvl: 0.0 for lvl in LEVELS}
        self.beta = {lvl: 0.0 for lvl in LEVELS}
        self.utilities = (0.0, 0.0, 0.0, 0.0)
        self.probabilities = (1.0, 0.0, 0.0, 0.0)

    # --- beliefs -------------------------------------------------------------------
    def credibility(self, level: Action) -> float:
        """Believed share of pledged power that would act on an attributed violation."""
        k = self.cfg.prior_weight
        prior = self.model.coalition.structural_credibility[level]
        a, b = self.alpha[level], self.beta[level]
        return (k * prior + a) / (k + a + b)

    def learned_ratio(self, level: Action) -> float:
        """How much experience has moved belief away from the structural reading."""
        prior = self.model.coalition.structural_credibility[level]
        return self.credibility(level) / prior if prior > 0.0 else 0.0

    def observe(self, level: Action, acted_share: float) -> None:
        """Learn from a seen violation: the share of pledged power that acted (0: unpunished)."""
        w = self.cfg.learning_spillover
        for lvl in LEVELS:
            weight = 1.0 if lvl == level else w
            self.alpha[lvl] += weight * acted_share
            self.beta[lvl] += weight * (1.0 - acted_share)

    # --- choice --------------------------------------------------------------------
    def expected_utilities(self) -> tuple[float, float, float, float]:
        m = self.model
        p = self.payoffs
        ukr, force, mon, coal = m.ukraine, m.force, m.monitoring, m.coalition
        ambition = self.ambition
        rt = self.cfg.risk_tolerance
        strength = max(self.strength, 1e-6)
        disc = m.response_discount
        cred = {lvl: self.credibility(lvl) for lvl in LEVELS}

        def punishment(level: Action) -> float:
            return (mon.p_seen[level] * cred[level] * coal.pledged_power[level]
                    * p.punishment_weight * disc)

        denial = ukr.defence * (1.0 + mon.early_warning)  # P1: Ukraine's own defence first
        # Reassurance: a compliant Russia can still be blamed (false or wrong attributions).
        u_comply = -m.false_blame_rate * cred[Action.PROBE] * coal.pledged_power[Action.PROBE] * p.punishment_weight / rt
        u_probe = (ambition * p.gain_probe * (1.0 - force.air_denial)
                   - (p.base_cost_probe + punishment(Action.PROBE)) / rt)
        d_limited = denial + force.limited_defence
        u_limited = (ambition * p.gain_limited * (1.0 - force.sea_denial)
                     * contest(strength, d_limited, p.contest_exponent)
                     - (p.base_cost_limited + 0.5 * p.combat_cost * d_limited / strength
                        + punishment(Action.LIMITED)) / rt)
        believed_military = self.learned_ratio(Action.MAJOR) * coal.military_credibility * coal.military_power
        d_major = denial + force.major_defence + believed_military * p.military_effect
        u_major = (ambition * p.gain_major * (1.0 - 0.5 * force.air_denial)
                   * contest(strength, d_major, p.contest_exponent)
                   - (p.base_cost_major + p.combat_cost * d_major / strength
                      + punishment(Action.MAJOR) + force.tripwire) / rt)
        return u_comply, u_probe, u_limited, u_major

    def decide(self) -> Action:
        """Step 1: a quantal-response (logit) choice on the ladder."""
        if self.model.at_war:
            self.action = Action.MAJOR
            return self.action
        utilities = self.expected_utilities()
        lam = self.cfg.rationality
        top = max(utilities)
        weights = [math.exp(lam * (u - top)) for u in utilities]
        total = sum(weights)
        self.utilities = utilities
        self.probabilities = tuple(w / total for w in weights)
        r = self.stream.random() * total
        choice = Action.COMPLY
        for action, w in zip(Action, weights):
            r -= w
            if r <= 0.0:
                choice = action
                break
        else:
            choice = Action.MAJOR
        self.action = choice
        return choice

    # --- capacity ------------------------------------------------------------------
    def punish(self, sanctions_power: float) -> None:
        self.sanctions_cost += SANCTIONS_PER_UNIT * sanctions_power

    def evolve(self) -> None:
        """Step 9: reconstitution, sanctions drain, drifting ambition."""
        cfg = self.cfg
        drain = min(0.9, self.sanctions_cost)
        if not self.model.at_war:
            self.strength += cfg.reconstitution_rate * (self.ceiling - self.strength) * (1.0 - drain)
        self.sanctions_cost *= 1.0 - SANCTIONS_DECAY
        self.ambition += (AMBITION_REVERSION * (self.ambition_anchor - self.ambition)
                          + cfg.ambition_drift * self.stream.normal())
        self.ambition = min(3.0, max(0.0, self.ambition))
