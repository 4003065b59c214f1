"""Russia: campaigns with a beginning and an end, chosen at decision points.

Russia is in one intent state at a time (compliant, grey-zone pressure campaign,
preparing an offensive, carrying out a limited offensive, at war). It moves between
them only at decision points: its periodic assessment, the end of a campaign, the
end of a preparation (go or no-go) and a public warning that exposes a preparation
(proceed or abort). At each point it compares options by expected utility with a
logit (quantal response), and compares acting now with waiting for a better window
(shifting power: Fearon 1995, Powell 2006). Its reading of coalition resolve is
noisy (misperception, Jervis 1976) and corrected by what it observes. No clause:
Russia is the party the guarantees deter; its rules are assumptions (docs/ODD.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.agents.monitoring import RUSSIA, Violation
from sim.clauses import Clause
from sim.ladder import Action
from sim.ladder import VIOLATIONS as LEVELS

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

WINDOW_STEP_WEEKS = 26  # spacing of the later start dates Russia compares with acting now
WINDOW_REFRESH_WEEKS = 13  # Russia re-plans its windows quarterly (or at once after a triggering event)


class Intent(IntEnum):
    COMPLIANT = 0
    PRESSURE = 1  # grey-zone pressure campaign
    PREPARING = 2  # preparing an offensive (limited or major)
    ATTACKING = 3  # a limited offensive under way
    AT_WAR = 4  # a renewed armed attack (major) under way

    @property
    def label(self) -> str:
        return self.name.lower()


class Option(IntEnum):
    COMPLY = 0
    PRESSURE = 1
    PREPARE_LIMITED = 2
    PREPARE_MAJOR = 3


def contest(strength: float, defence: float, exponent: float) -> float:
    """Probability the attacker succeeds (Tullock contest success function)."""
    a = strength**exponent
    return a / (a + defence**exponent) if a > 0 else 0.0


def poisson_at_least(mean: float, k: int) -> float:
    """P(N >= k) for N ~ Poisson(mean)."""
    if mean <= 0.0:
        return 0.0 if k > 0 else 1.0
    term = total = math.exp(-mean)
    for i in range(1, k):
        term *= mean / i
        total += term
    return max(0.0, 1.0 - total)


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1.0 - 1e-9)
    return math.log(p / (1.0 - p))


@dataclass(slots=True)
class Week:
    """What Russia did this week: violations, indicators, and whether it launched a war."""

    violations: list[Violation]
    indicators: int = 0
    launched_war: bool = False


class Russia(mesa.Agent):
    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        sc = model.scenario_config
        self.stream = model.streams["russia"]
        self.strength = sc.russia.initial_strength
        # Drawn once a run (frailty): the ambition this ceasefire faces, around the scenario's.
        spread = sc.russia.ambition_spread
        self.ambition_anchor = sc.russia.ambition * (math.exp(spread * self.stream.normal()) if spread > 0 else 1.0)
        self.ambition = self.ambition_anchor
        self._noise_stream = np.random.default_rng(self.stream.integers(1 << 62))  # weekly drift of ambition
        self._noise_until = 0
        self.intent = Intent.COMPLIANT
        self.objective: Action | None = None  # LIMITED or MAJOR while preparing or attacking
        self.campaign_start = 0
        self.campaign_end = 0  # week the current campaign or preparation ends
        self.exposed = False  # a warning was issued while preparing
        self.next_assessment = 0
        self.trigger: str | None = None  # a triggering event: decide this week
        self.action = Action.COMPLY  # the highest rung this week (steps.csv)
        self.campaigns = {"pressure": 0, "prepare_limited": 0, "prepare_major": 0, "aborted": 0,
                          "stood_down": 0}
        self.preparation_weeks = {Action.LIMITED: 0, Action.MAJOR: 0}
        self.first_attack_warned = False
        # Learned evidence about resolve, per level (alpha: punished, beta: unpunished).
        self.alpha = {lvl: 0.0 for lvl in LEVELS}
        self.beta = {lvl: 0.0 for lvl in LEVELS}
        # Noisy reading of the coalition's structural credibility (refreshed at assessments).
        self.reading_noise = {lvl: 0.0 for lvl in LEVELS}
        self.readings = dict(model.coalition.structural_credibility)
        self.window_value = 0.0  # value of waiting for a later attack (continuation)
        self.window_until = 0
        self.world_changed = False  # a triggering event: the window is re-computed at once
        self.motive = 0.0  # private motive of the current campaign (its random-utility shock)

    # --- beliefs -------------------------------------------------------------------
    def reading(self, level: Action) -> float:
        """Russia's (noisy) reading of the coalition's structural credibility at a level."""
        return self.readings[level]

    def credibility(self, level: Action) -> float:
        """Believed share of pledged power that would act on an attributed violation."""
        k = self.model.scenario_config.russia.prior_weight
        a, b = self.alpha[level], self.beta[level]
        return (k * self.reading(level) + a) / (k + a + b)

    def learned_ratio(self, level: Action) -> float:
        """How much experience has moved belief away from the structural reading."""
        prior = self.reading(level)
        return self.credibility(level) / prior if prior > 0.0 else 0.0

    def observe(self, level: Action, acted_share: float) -> None:
        """Learn from a seen violation: the share of pledged power that acted (0: unpunished)."""
        w = self.model.scenario_config.russia.learning_spillover
        for lvl in LEVELS:
            weight = 1.0 if lvl == level else w
            self.alpha[lvl] += weight * acted_share
            self.beta[lvl] += weight * (1.0 - acted_share)

    def _reassess_reading(self, noise: bool = True) -> None:
        """Re-read the coalition (its politics and legal status now), with misperception."""
        coalition = self.model.coalition
        coalition.assess()
        sd = self.model.scenario_config.russia.misperception
        for lvl in LEVELS:
            if noise and sd > 0.0:
                self.reading_noise[lvl] = sd * self.stream.normal()
            true = coalition.structural_credibility[lvl]
            e = self.reading_noise[lvl]
            self.readings[lvl] = true if e == 0.0 or true <= 0.0 else 1.0 / (1.0 + math.exp(-(_logit(true) + e)))

    # --- the week ------------------------------------------------------------------
    def act(self, week: int) -> Week:
        """Step 1: decide if this is a decision point, then carry out the current intent."""
        if self.intent == Intent.AT_WAR:
            self.action = Action.MAJOR
            return Week([])
        if self.intent in (Intent.PRESSURE, Intent.ATTACKING) and week >= self.campaign_end:
            self._end_campaign(week)
        if self.intent == Intent.PREPARING:
            if week >= self.campaign_end:
                return self._go_or_no_go(week)
            if self.trigger == "exposed":
                self.trigger = None
                self.world_changed = True
                self._proceed_or_abort(week)
        elif week >= self.next_assessment or self.trigger is not None:
            self.world_changed |= self.trigger is not None
            self.trigger = None
            self._assess(week)
        return self._carry_out(week)

    def _carry_out(self, week: int) -> Week:
        c = self.model.scenario_config.campaigns
        intent = self.intent
        rate = (c.compliant_probe_rate if intent == Intent.COMPLIANT else c.pressure_probe_rate
                if intent == Intent.PRESSURE else c.preparation_probe_rate if intent == Intent.PREPARING else 0.0)
        out = Week([])
        self.action = Action.COMPLY
        if self.intent == Intent.ATTACKING:
            self.action = Action.LIMITED
        elif rate > 0.0 and self.stream.random() < 1.0 - math.exp(-rate):  # a rate per week
            out.violations.append(Violation(week, RUSSIA, Action.PROBE))
            self.action = Action.PROBE
            self.model.events.add(week, "violation", "Russia", "probe", Clause.ASSUMPTION,
                                  f"grey-zone violation ({self.intent.label}): shelling, drones or sabotage")
        if self.intent == Intent.PREPARING:
            self.preparation_weeks[self.objective] += 1
            w = self.model.scenario_config.warning
            mean = w.indicators_per_week_major if self.objective == Action.MAJOR else w.indicators_per_week_limited
            out.indicators = int(self.stream.poisson(mean)) if mean > 0.0 else 0
            if out.indicators:
                self.model.events.add(week, "indicator", "Russia", self.objective.label, Clause.ASSUMPTION,
                                      f"{out.indicators} observable sign(s) of preparation: build-up, "
                                      "logistics, intensified violations")
        return out

    # --- decision points -----------------------------------------------------------
    def _assess(self, week: int) -> None:
        """The periodic assessment: comply, pressure, or prepare an offensive.

        A random-utility choice (the logit): each option's value plus a Gumbel shock, the best
        wins. An offensive's exact value is costly to project, so it is computed only when an
        upper bound on it (the gain if it surely succeeds, less its certain costs) plus its
        shock could still win: the choice is the same as computing every value.
        """
        c = self.model.scenario_config.campaigns
        self.next_assessment = week + c.assessment_interval_weeks
        self._reassess_reading()
        outlook = self.model.outlook
        shock = self._shocks(4)
        wait = self._window(week)
        u = [outlook.comply_value() + wait, outlook.pressure_value() + wait, None, None]
        best = max(u[0] + shock[0], u[1] + shock[1])
        for i, level, weeks, extra in ((2, Action.LIMITED, c.preparation_weeks_limited, wait),
                                       (3, Action.MAJOR, c.preparation_weeks_major, 0.0)):
            if outlook.attack_upper_bound(level, weeks) + extra + shock[i] > best:
                u[i] = outlook.attack_value(level, weeks, prepared=0) + extra
                best = max(best, u[i] + shock[i])
        scores = [v + e if v is not None else -math.inf for v, e in zip(u, shock)]
        choice = Option(scores.index(max(scores)))
        self.motive = float(shock[choice] - shock[0])
        if choice == Option.PRESSURE and self.intent != Intent.PRESSURE:
            self._start(week, Intent.PRESSURE, None, max(1, int(round(self.stream.exponential(c.pressure_weeks)))))
        elif choice == Option.COMPLY and self.intent == Intent.PRESSURE:
            self._end_campaign(week, "Russia ends its pressure campaign early")
        elif choice in (Option.PREPARE_LIMITED, Option.PREPARE_MAJOR):
            level = Action.LIMITED if choice == Option.PREPARE_LIMITED else Action.MAJOR
            weeks = c.preparation_weeks_limited if level == Action.LIMITED else c.preparation_weeks_major
            self._start(week, Intent.PREPARING, level, weeks)

    def _go_or_no_go(self, week: int) -> Week:
        """The preparation is complete: launch, or stand down (the preparation is sunk)."""
        level = self.objective
        outlook = self.model.outlook
        self._reassess_reading(noise=False)
        launch = outlook.attack_value(level, 0, prepared=0, warned=self.exposed)
        stand_down = self._window(week)
        if self._follow_through(launch, stand_down):
            return self._launch(week, level)
        self.campaigns["stood_down"] += 1
        self.model.events.add(week, "campaign", "Russia", level.label, Clause.ASSUMPTION,
                              f"preparation complete after {week - self.campaign_start} weeks: Russia stands "
                              "down (the attack no longer pays)")
        self._to_compliance(week)
        return self._carry_out(week)

    def _proceed_or_abort(self, week: int) -> None:
        """A public warning exposed the preparation: go on without surprise, or abort."""
        level = self.objective
        outlook = self.model.outlook
        self._reassess_reading(noise=False)
        remaining = max(0, self.campaign_end - week)
        proceed = outlook.attack_value(level, remaining, prepared=week - self.campaign_start, warned=True)
        abort = self._window(week)
        if self._follow_through(proceed, abort):
            self.model.events.add(week, "campaign", "Russia", level.label, Clause.ASSUMPTION,
                                  "preparation exposed by a warning: Russia goes on without surprise")
            return
        self.campaigns["aborted"] += 1
        self.model.events.add(week, "campaign", "Russia", level.label, Clause.ASSUMPTION,
                              f"preparation exposed by a warning: Russia aborts after {week - self.campaign_start} "
                              "weeks")
        self._to_compliance(week)

    def _window(self, week: int) -> float:
        """Value of waiting for a later attack; re-computed quarterly or when the world changes.

        Zero without projecting when even a sure success would not pay (the upper bound).
        """
        if week >= self.window_until or self.world_changed:
            outlook = self.model.outlook
            weeks = self.model.scenario_config.campaigns.preparation_weeks_major
            self.window_value = (max(0.0, outlook.best_later_attack(week))
                                 if outlook.attack_upper_bound(Action.MAJOR, weeks) > 0.0 else 0.0)
            self.window_until = week + WINDOW_REFRESH_WEEKS
            self.world_changed = False
        return self.window_value

    def _shocks(self, n: int) -> list[float]:
        """Gumbel shocks of a random-utility choice, scaled by 1/rationality (the logit)."""
        lam = self.model.scenario_config.russia.rationality
        return [-math.log(-math.log(u)) / lam for u in self.stream.random(n)]

    def _follow_through(self, value: float, alternative: float) -> bool:
        """Go on with the campaign if its updated value, with the motive that started it, still wins."""
        return value + self.motive >= alternative

    # --- transitions -----------------------------------------------------------------
    def _start(self, week: int, intent: Intent, objective: Action | None, weeks: int) -> None:
        if self.intent == Intent.PRESSURE:
            self.model.events.add(week, "campaign", "Russia", "probe", Clause.ASSUMPTION,
                                  "pressure campaign ends: Russia turns to preparing an offensive")
        self.intent, self.objective = intent, objective
        self.campaign_start, self.campaign_end = week, week + weeks
        self.exposed = False
        if intent == Intent.PRESSURE:
            self.campaigns["pressure"] += 1
            text = f"Russia starts a grey-zone pressure campaign (about {weeks} weeks)"
            level = "probe"
        else:
            self.campaigns[f"prepare_{objective.label}"] += 1
            what = "a renewed armed attack" if objective == Action.MAJOR else "a limited offensive"
            text = f"Russia starts preparing {what}, ready in {weeks} weeks"
            level = objective.label
        self.model.events.add(week, "campaign", "Russia", level, Clause.ASSUMPTION, text)

    def _end_campaign(self, week: int, text: str | None = None) -> None:
        what = {Intent.PRESSURE: ("probe", "pressure campaign ends"),
                Intent.ATTACKING: ("limited", "limited offensive ends")}[self.intent]
        self.model.events.add(week, "campaign", "Russia", what[0], Clause.ASSUMPTION, text or what[1])
        self._to_compliance(week)

    def _to_compliance(self, week: int) -> None:
        self.intent, self.objective, self.exposed = Intent.COMPLIANT, None, False
        self.trigger = "campaign ended"

    def _launch(self, week: int, level: Action) -> Week:
        surprise = "" if self.exposed else " (not warned of: surprise)"
        self.action = level
        violation = Violation(week, RUSSIA, level)
        if level == Action.MAJOR:
            if self.model.war.escalation_week is None:
                self.first_attack_warned = self.exposed
            self.intent = Intent.AT_WAR
            self.model.events.add(week, "campaign", "Russia", "major", Clause.ASSUMPTION,
                                  f"Russia launches a renewed armed attack{surprise}")
            return Week([violation], launched_war=True)
        self.intent = Intent.ATTACKING
        self.campaign_start = week
        self.campaign_end = week + self.model.scenario_config.campaigns.limited_offensive_weeks
        self.model.events.add(week, "campaign", "Russia", "limited", Clause.ASSUMPTION,
                              f"Russia launches a limited offensive{surprise}")
        return Week([violation])

    def war_ended(self, week: int) -> None:
        self.intent, self.objective = Intent.COMPLIANT, None
        self.trigger = "war ended"

    def on_warning(self) -> None:
        """A public warning: if a preparation is under way, it is exposed (a decision point)."""
        if self.intent == Intent.PREPARING and not self.exposed:
            self.exposed = True
            self.trigger = "exposed"

    # --- capacity ------------------------------------------------------------------
    def evolve(self, at_war: bool, sanctions_level: float) -> None:
        """Step 9: reconstitution under sanctions drain, drifting ambition."""
        r = self.model.scenario_config.russia
        if not at_war:
            ceiling = 1.0 + r.max_strength_gain
            self.strength += r.reconstitution_rate * (ceiling - self.strength) * (1.0 - min(0.9, sanctions_level))
        week = self.model.week
        if week >= self._noise_until:  # drawn a year at a time: one call instead of 52
            self._noise = self._noise_stream.standard_normal(52).tolist()
            self._noise_start, self._noise_until = week, week + 52
        self.ambition += (r.ambition_reversion * (self.ambition_anchor - self.ambition)
                          + r.ambition_drift * self._noise[week - self._noise_start])
        self.ambition = min(3.0, max(0.0, self.ambition))
