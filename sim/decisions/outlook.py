"""Russia's outlook: the value of each option, from explicit components, now and later.

An option's value is what Russia expects to **gain** (its ambition times the option's
stake, times its **odds** of success as it reads the balance, less what air or sea
presence denies it) less what it expects to pay, weighed by its risk tolerance: its own
**losses** in the fighting, the coalition's **punishment** (the responses it believes
would come, discounted for their delay), **sanctions** (snapback of relieved sanctions,
a threatened package) and the **domestic** cost of the campaign (mobilisation and its
politics, preparation, a public warning's audience costs). It reads the balance with
error (misperception of the balance, not only of resolve: Jervis 1976).

What Russia weighs is what it can observe or read from public calendars: its own
production under sanctions, Ukraine's build-up, the force's deployment schedule,
ratifications due, elections and their polls, a change of US administration, the
sanctions relief schedule, and whether its preparation would be seen (warning).
A window opens when these move in Russia's favour and closes when they move
against it (Fearon 1995; Powell 2006): acting now is compared with the best later
start within ``campaigns.lookahead_weeks``, discounted.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from sim.agents.coordination import expedite
from sim.ladder import LIMITED, MAJOR, PROBE, Action
from sim.war import contest

if TYPE_CHECKING:
    from sim.agents.russia import Russia
    from sim.model import DeterrenceModel


class Value(NamedTuple):
    """An option's value and its components (utility units; costs before risk tolerance divides them)."""

    total: float
    gain: float = 0.0
    p_win: float | None = None  # the odds of success Russia reads, for an attack
    losses: float = 0.0
    punishment: float = 0.0
    sanctions: float = 0.0
    domestic: float = 0.0
    force_held_back: float = 0.0  # pressure: what keeping the force out is worth (G3's credible cessation)


def poisson_at_least(mean: float, k: int) -> float:
    """P(N >= k) for N ~ Poisson(mean)."""
    if mean <= 0.0:
        return 0.0 if k > 0 else 1.0
    term = total = math.exp(-mean)
    for i in range(1, k):
        term *= mean / i
        total += term
    return max(0.0, 1.0 - total)


class Outlook:
    def __init__(self, model: DeterrenceModel, russia: Russia) -> None:
        self.model = model
        self.russia = russia
        self.held_back_weeks = 0  # projections with the force's request held back this long (pressure)
        # Punishment comes after the chain's delays; Russia discounts it (set at the ceasefire).
        discount = model.params.russia.weekly_discount
        self.response_discount = discount ** self.total_response_delay()
        self.attack_response_discount = discount ** self.total_response_delay(Action.MAJOR)

    def total_response_delay(self, level: Action = Action.PROBE) -> int:
        """Weeks from a violation to the response Russia expects (an offensive is attributed at once)."""
        m = self.model
        sc = m.params
        if not sc.commission.enabled:
            return expedite(m, sc.commitments.ad_hoc_delay_weeks)
        if level != Action.PROBE:
            return sc.commission.self_evident_delay_weeks + expedite(m, sc.commitments.response_delay_weeks)
        return (sc.monitoring.latency_weeks + expedite(m, sc.commission.deliberation_weeks)
                + expedite(m, sc.commitments.response_delay_weeks))

    # --- projections -------------------------------------------------------------------
    def strength_in(self, weeks: int) -> float:
        m = self.model
        r = m.params.russia
        ru = self.russia
        rate = r.production_per_year / 52.0 * (1.0 - min(r.sanctions_drain_cap, m.sanctions.level))
        ceiling = 1.0 + r.max_strength_gain
        return ru.strength if ru.strength >= ceiling else min(ceiling, ru.strength + rate * weeks)

    def warning_probability(self, level: Action, prep_weeks: int, weeks_ahead: int) -> float:
        """Chance a preparation of ``prep_weeks`` would be exposed by a warning before the attack."""
        m = self.model
        warning = m.warning
        mean = warning.expected_detections(level, prep_weeks)
        withdraw = self._us_withdrawal(weeks_ahead)
        if withdraw > 0.0:  # the roles a new administration would take away
            sc = m.params
            mon = m.monitoring
            lead = sc.monitoring.us_lead_share if m.united_states.leads_monitoring else 0.0
            coverage = mon.base_coverage * (1.0 - lead) * (1.0 - sc.monitoring.obstruction_campaign)
            w = sc.warning
            without = warning.detection(coverage, w.coalition_intelligence_detection * sc.cooperation.intelligence_sharing)
            mean = (1.0 - withdraw) * mean + withdraw * warning.expected_detections(level, prep_weeks, without)
        return poisson_at_least(mean, warning.threshold())

    def _us_withdrawal(self, weeks_ahead: int) -> float:
        """Chance the US roles are gone within ``weeks_ahead`` weeks: a new administration after a scheduled
        election (the calendar and its polls), or the sitting one within its term (a constant hazard)."""
        m = self.model
        c = m.coalition
        last = c.projection_weeks - 1
        week = m.week
        if m.united_states.withdrew_week is not None or not m.united_states.holds_roles:
            return 0.0
        elected = float(c.expected_us_withdrawal[min(week + weeks_ahead, last)] - c.expected_us_withdrawal[min(week, last)])
        within = 1.0 - math.exp(-m.params.united_states.within_term_withdrawal_per_year * weeks_ahead / 52.0)
        return 1.0 - (1.0 - elected) * (1.0 - within)

    # --- values of options ---------------------------------------------------------------
    def comply_value(self) -> Value:
        """Compliance is not free: a compliant Russia can be blamed (reassurance, assumption)."""
        m = self.model
        ru = self.russia
        p = m.params.payoffs
        interval = m.params.campaigns.assessment_interval_weeks
        blame_rate = m.commission.wrong / (m.week + m.params.russia.blame_prior_weeks)
        punish = (blame_rate * interval * ru.reading.credibility(PROBE) * m.coalition.pledged_power[PROBE]
                  * p.punishment_weight)
        return Value(-punish / m.params.russia.risk_tolerance, punishment=punish)

    def pressure_value(self) -> Value:
        m = self.model
        sc = m.params
        p, c = sc.payoffs, sc.campaigns
        ru = self.russia
        probes = c.pressure_probe_rate * c.pressure_weeks
        seen = m.monitoring.p_seen[PROBE]
        punish = (probes * seen * ru.reading.credibility(PROBE) * m.coalition.pledged_power[PROBE]
                  * p.punishment_weight * self.response_discount)
        snap = 0.0
        if m.commission.enabled and sc.sanctions.snapback != "none":
            attributed = probes * seen * m.monitoring.accuracy  # an upper reading: the vote is not counted
            p_snap = min(1.0, attributed / sc.sanctions.snapback_threshold) * m.sanctions.snapback_probability()
            snap = p_snap * m.sanctions.restorable(0) * sc.sanctions.cost_weight
        gain = ru.ambition * p.gain_pressure * (1.0 - m.force.air_denial)
        held_back = self.force_held_back_value()
        return Value(gain + held_back - (p.base_cost_pressure + punish + snap) / sc.russia.risk_tolerance, gain=gain,
                     punishment=punish, sanctions=snap, domestic=p.base_cost_pressure, force_held_back=held_back)

    def force_held_back_value(self) -> float:
        """What holding the force back with a pressure campaign is worth to Russia (a spoiler's motive:
        Stedman 1997; Kydd & Walter 2002).

        Ukraine asks for the force only once violations have stayed low (G3's credible cessation), so
        violations at pressure volumes delay it: by the campaign and a window of calm after it. Russia
        gains the later attack the force would have made harder (its window with the request delayed,
        less its window with the request on schedule) and is spared, for those weeks, the presence of
        Western troops it has declared it will not accept (``payoffs.force_presence_cost``).
        """
        m = self.model
        sc = m.params
        force = m.force
        on_schedule = force.request_expected_in()
        if on_schedule is None:
            return 0.0
        c = sc.campaigns
        held_in = force.request_expected_in(c.pressure_weeks)
        held = held_in - on_schedule
        if held <= 0:
            return 0.0
        value = sc.payoffs.force_presence_cost * held / 52.0
        # The request held back reaches an attack's value only through the force's projected build-up: where
        # every later start meets the same build-up either way, the two windows are equal and add nothing.
        if self.attack_upper_bound(MAJOR, c.preparation_weeks_major) > 0.0 and any(
                force.projected(lead, on_schedule) != force.projected(lead, held_in) for lead in self.later_leads()):
            now = max(0.0, self.best_later_attack(m.week))
            self.held_back_weeks = c.pressure_weeks
            try:
                later = max(0.0, self.best_later_attack(m.week))
            finally:
                self.held_back_weeks = 0
            value += later - now
        return value

    def attack_value(self, level: Action, lead_weeks: int, prepared: int, warned: bool | None = None) -> Value:
        """Expected utility of an attack launched ``lead_weeks`` from now, with its components.

        ``prepared`` weeks of preparation are sunk; the rest (up to ``lead_weeks``) is paid.
        ``warned``: True when the preparation is already exposed; None: Russia's estimate.
        """
        m = self.model
        sc = m.params
        p, c, w = sc.payoffs, sc.campaigns, sc.warning
        ru, coal = self.russia, m.coalition
        rt = sc.russia.risk_tolerance
        prep_total = c.preparation_weeks_major if level == MAJOR else c.preparation_weeks_limited
        to_pay = max(0, min(lead_weeks, prep_total - prepared))
        if warned is None:
            p_warn = self.warning_probability(level, prep_total, lead_weeks)
        else:
            p_warn = 1.0 if warned else 0.0
        measures = w.measures
        strength = max(self.strength_in(lead_weeks), 1e-6)
        effective = strength * (1.0 + c.surprise_bonus * (1.0 - p_warn))
        ua = m.ukraine
        floor = sc.russia.defence_projection_floor
        denial = max(floor * ua.defence, ua.defence + ua.trend * lead_weeks) * (1.0 + w.readiness_boost * p_warn)
        misread = ru.reading.balance  # Russia misjudges the defence it will meet (the balance)
        if "stockpile_prepositioning" in measures and sc.support.stockpile_access:
            denial += p_warn * min(sc.support.surge_size, ua.stockpile)
        force = m.force
        ramp = force.projected(lead_weeks, force.request_expected_in(self.held_back_weeks))
        alert = 1.0 + (w.force_alert_boost * p_warn if "force_alert" in measures else 0.0)
        warned_domestic = p_warn * (w.diplomatic_cost if "diplomatic_warning" in measures else 0.0)
        warned_sanctions = p_warn * (w.sanctions_threat * sc.sanctions.cost_weight if "sanctions_threat" in measures
                                     else 0.0)
        snap = m.sanctions.snapback_probability() * m.sanctions.restorable(lead_weeks) * sc.sanctions.cost_weight
        if level == MAJOR:
            acting, military = ru.reading.projected_major(m.week, m.week + lead_weeks, ramp - force.ramp)
            learned = ru.reading.learned_ratio(MAJOR)
            d = (denial + force.major_defence_at(ramp) * alert
                 + learned * military * p.military_effect) * misread
            punish = learned * acting * p.punishment_weight * self.attack_response_discount
            odds = contest(effective, d, p.contest_exponent)
            gain = ru.ambition * p.gain_major * (1.0 - sc.force.air_denial_major_share * force.air_denial) * odds
            losses = p.combat_cost * d / strength
            sanctions = snap + warned_sanctions
            domestic = p.base_cost_major + c.preparation_cost_per_week * to_pay + warned_domestic
            return Value(gain - (losses + punish + sanctions + domestic) / rt, gain, odds, losses, punish, sanctions,
                         domestic)
        d = (denial + force.limited_defence * alert) * misread
        # Would the commission call it an armed attack (the G4 responses), or answer at the limited level?
        q = m.commission.p_armed_attack()
        punish = ((q * ru.reading.credibility(MAJOR) * coal.pledged_power[MAJOR]
                   + (1.0 - q) * ru.reading.credibility(LIMITED) * coal.pledged_power[LIMITED])
                  * p.punishment_weight * self.attack_response_discount)
        snap_share = (1.0 / sc.sanctions.snapback_threshold if m.commission.enabled else 0.0)
        odds = contest(effective, d, p.contest_exponent)
        gain = ru.ambition * p.gain_limited * (1.0 - force.sea_denial) * odds
        losses = p.limited_combat_share * p.combat_cost * d / strength
        sanctions = snap * snap_share + warned_sanctions
        domestic = p.base_cost_limited + c.preparation_cost_per_week * to_pay + warned_domestic
        return Value(gain - (losses + punish + sanctions + domestic) / rt, gain, odds, losses, punish, sanctions,
                     domestic)

    def attack_upper_bound(self, level: Action, prep_weeks: int) -> float:
        """An upper bound on ``attack_value`` for any start: the most Russia could gain, less the
        least it must pay.

        Russia's projected strength lies between today's and its ceiling, so it is at most the
        larger, and surprise at most multiplies it by (1 + surprise_bonus); denial is at least
        half of Ukraine's defence today (the projection's floor); denial rates, punishment,
        snapback and warning costs are never negative. The contest and the combat cost are
        monotone in strength and defence, so these extremes bound the value.
        """
        m = self.model
        sc = m.params
        p, c = sc.payoffs, sc.campaigns
        strength = max(self.russia.strength, 1.0 + sc.russia.max_strength_gain, 1e-6)
        defence = sc.russia.defence_projection_floor * m.ukraine.defence * self.russia.reading.balance
        best = contest(strength * (1.0 + c.surprise_bonus), defence, p.contest_exponent)
        if level == MAJOR:
            gain, base, combat = p.gain_major, p.base_cost_major, p.combat_cost
        else:
            gain, base, combat = p.gain_limited, p.base_cost_limited, p.limited_combat_share * p.combat_cost
        return (self.russia.ambition * gain * best
                - (base + c.preparation_cost_per_week * prep_weeks + combat * defence / strength)
                / sc.russia.risk_tolerance)

    def later_leads(self) -> range:
        """Weeks from now to each later start's launch that ``best_later_attack`` weighs (preparation included)."""
        c = self.model.params.campaigns
        step, prep = c.window_step_weeks, c.preparation_weeks_major
        return range(step + prep, (c.lookahead_weeks // step) * step + prep + 1, step)

    def best_later_attack(self, week: int) -> float:
        """The discounted value of the best later start of a renewed armed attack (a window)."""
        c = self.model.params.campaigns
        steps = c.lookahead_weeks // c.window_step_weeks
        if steps <= 0:
            return float("-inf")
        best = float("-inf")
        for k in range(1, steps + 1):
            later = k * c.window_step_weeks
            value = (c.planning_discount_per_year ** (later / 52.0)
                     * self.attack_value(MAJOR, later + c.preparation_weeks_major, prepared=0).total)
            best = max(best, value)
        return best
