"""Russia: its beliefs learn from punished and unpunished probes; its campaigns (preparations,
indicators, aborts); windows of opportunity."""

from __future__ import annotations

from collections import Counter

import pytest

from sim.config import load_scenario
from sim.ladder import Action, Intent
from tests.model.drive import PARIS, kinds, make, weeks_of

# --- beliefs -------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 5, 20])
def test_unpunished_probes_erode_and_punished_probes_restore_belief(n):
    low, high = make(seed=2), make(seed=2)
    before = {lvl: low.russia.reading.credibility(lvl) for lvl in Action if lvl}
    for _ in range(n):
        low.russia.reading.observe(Action.PROBE, 0.0)
        high.russia.reading.observe(Action.PROBE, 1.0)
    fall = {lvl: before[lvl] - low.russia.reading.credibility(lvl) for lvl in before}
    rise = {lvl: high.russia.reading.credibility(lvl) - before[lvl] for lvl in before}
    assert fall[Action.PROBE] > 0 and fall[Action.MAJOR] > 0
    assert rise[Action.PROBE] > 0 and rise[Action.MAJOR] > 0
    # Spillover (0.15): the major level moves less, relative to where it started.
    assert low.russia.reading.learned_ratio(Action.PROBE) < low.russia.reading.learned_ratio(Action.MAJOR) < 1.0
    assert rise[Action.MAJOR] < rise[Action.PROBE]
    assert (fall[Action.MAJOR] / before[Action.MAJOR]) < (fall[Action.PROBE] / before[Action.PROBE])


def test_belief_moves_monotonically_with_evidence():
    model = make(seed=2)
    values = [model.russia.reading.credibility(Action.PROBE)]
    for _ in range(10):
        model.russia.reading.observe(Action.PROBE, 0.0)
        values.append(model.russia.reading.credibility(Action.PROBE))
    assert all(b < a for a, b in zip(values, values[1:]))
    for _ in range(40):
        model.russia.reading.observe(Action.PROBE, 1.0)
        values.append(model.russia.reading.credibility(Action.PROBE))
    assert all(b > a for a, b in zip(values[11:], values[12:]))
    assert values[-1] > values[0]


def test_no_spillover_leaves_other_levels_alone():
    model = make({"russia.learning_spillover": 0.0}, seed=2)
    before = model.russia.reading.credibility(Action.MAJOR)
    for _ in range(10):
        model.russia.reading.observe(Action.PROBE, 0.0)
    assert model.russia.reading.credibility(Action.MAJOR) == pytest.approx(before)


# --- campaigns -----------------------------------------------------------------------------

def test_a_major_preparation_produces_indicators_at_its_rate():
    """Indicators come only while preparing, at indicators_per_week_major (Poisson)."""
    rate = PARIS.warning.indicators_per_week_major
    weeks = indicators = 0
    for seed in range(40):
        # Strategic indicators only (no tactical ones in the last weeks): their rate is the whole rate.
        model = make({"payoffs.base_cost_major": 3.0, "warning.tactical_per_week_major": 0.0,
                      "warning.tactical_per_week_limited": 0.0}, seed, collect_steps=False).run(104)
        weeks += model.russia.preparation_weeks[Action.MAJOR]
        indicators += sum(e.count for e in kinds(model, "indicator") if e.level == "major")
        # Indicators name the objective being prepared, nothing else.
        assert {e.level for e in kinds(model, "indicator")} <= {"major", "limited"}
    assert weeks > 200
    # Poisson mean over >200 weeks: standard error below 0.09; tolerance 0.3.
    assert indicators / weeks == pytest.approx(rate, abs=0.3)
    quiet = make({"payoffs.base_cost_major": 100.0, "payoffs.base_cost_limited": 50.0}, 1,
                 collect_steps=False).run(104)
    assert quiet.russia.preparation_weeks[Action.MAJOR] == 0 and not kinds(quiet, "indicator")


def test_campaigns_have_a_start_and_an_end():
    """Every campaign started ends: pressure ends, a preparation is launched, stood down or aborted."""
    for seed in range(20):
        model = make({"payoffs.base_cost_major": 4.0}, seed, collect_steps=False).run()
        events = kinds(model, "campaign")
        text = [e.outcome for e in events]
        launched = ("launched_by_surprise", "launched_after_warning")
        # A limited offensive's launch ends its preparation and starts the offensive.
        starts = sum(e.outcome in ("pressure_starts", "preparation_starts")
                     or (e.outcome in launched and e.level == "limited") for e in events)
        ends = sum(e.outcome in ("pressure_ends", "pressure_ends_early", "pressure_ends_to_prepare",
                                 "limited_offensive_ends", "stood_down", "aborted", *launched) for e in events)
        open_now = model.russia.intent in (Intent.PRESSURE, Intent.PREPARING, Intent.ATTACKING, Intent.AT_WAR)
        assert starts - ends in ((1, 0) if open_now else (0,)) or (
            model.russia.intent == Intent.AT_WAR and starts - ends == 0), (seed, text)


def test_exposed_preparations_can_be_aborted_and_unseen_ones_cannot():
    """A warning exposes a preparation; Russia may abort. Without any warning nothing is aborted.

    What a warning buys by itself (the loss of surprise, Ukraine's readiness) deters a cheap war
    only a little; measures agreed in advance (not in the text: levers to test) deter far more."""
    # A Russia eager to prepare (war cheap), so that many preparations meet a warning.
    eager = {"payoffs.base_cost_major": 2.0, "campaigns.surprise_bonus": 1.0, "warning.diplomatic_cost": 3.0}
    sharp = {"warning.threshold": 2, "united_states.shares_intelligence": True, "cooperation.intelligence_sharing": 1.0}
    measures = ["stockpile_prepositioning", "force_alert", "diplomatic_warning", "sanctions_threat"]
    counts = {"seen": Counter(), "blind": Counter(), "measures": Counter()}
    for seed in range(60):
        seen = make({**eager, **sharp}, seed, collect_steps=False).run(156)
        blind = make({**eager, "warning.monitoring_detection": 0.0, "warning.coalition_intelligence_detection": 0.0,
                      "warning.us_intelligence_detection": 0.0},
                     seed, collect_steps=False).run(156)
        armed = make({**eager, **sharp, "warning.measures": measures}, seed, collect_steps=False).run(156)
        assert blind.warning.warnings == 0
        for key, model in (("seen", seen), ("blind", blind), ("measures", armed)):
            counts[key].update(model.russia.campaigns)
    assert counts["blind"]["aborted"] == 0
    assert counts["seen"]["aborted"] >= 3
    assert counts["blind"]["prepare_major"] > counts["seen"]["prepare_major"] > 3 * counts["measures"]["prepare_major"]


# --- windows -------------------------------------------------------------------------------

def test_waiting_value_rises_when_a_favourable_change_is_scheduled():
    """Windows: Russia values waiting more when a US withdrawal is likely within its horizon."""
    values = {}
    for p in (0.0, 1.0):
        model = make({"united_states.withdrawal_on_change": p, "members.government_change_scale": 3.0},
                     seed=2, collect_steps=False)
        model.run(100)  # the 2028 US election is about week 123: within two years
        model.russia.reading.assess()
        values[p] = model.russia.outlook.best_later_attack(model.week)
    assert values[1.0] > values[0.0]


def test_a_deploying_force_closes_the_window():
    """The force's deployment schedule is public: an attack after deployment is worth less."""
    model = make(seed=3, collect_steps=False)
    model.run(30)
    force = model.force
    assert force.phase.label in ("deploying", "deployed", "requested")
    model.russia.reading.assess()
    now = model.russia.outlook.attack_value(Action.MAJOR, 0, prepared=16, warned=False)
    model.force.phase = type(force.phase).DEPLOYING
    model.force.ramp = 0.0
    model.force._update()
    later = model.russia.outlook.attack_value(Action.MAJOR, 52, prepared=16, warned=False)
    none_later = make({"force.enabled": False}, seed=3, collect_steps=False)
    none_later.run(30)
    none_later.russia.reading.assess()
    assert later < now or later < none_later.russia.outlook.attack_value(Action.MAJOR, 52, prepared=16, warned=False)


@pytest.mark.parametrize("redraws", [True, False])
def test_a_triggered_assessment_redraws_only_when_the_switch_says_so(redraws):
    """An event between periodic assessments makes Russia decide at once. As calibrated it draws its random
    terms afresh (a second draw in the period); with the switch off it keeps the period's draws and
    calendar, so an event can move the decision only through the values."""
    model = make({"campaigns.triggered_assessment_redraws": redraws}, seed=5, collect_steps=False)
    model.run(2)  # the week-0 assessment is done; the next periodic one is due at week 4
    ru, d = model.russia, model.russia.decisions
    assert ru.intent == Intent.COMPLIANT and d.next_assessment == 4
    shocks, noise, balance = list(d.period_shocks), dict(ru.reading.noise), ru.reading.balance
    ru.notice("politics")
    model.step()  # week 2: the triggered assessment
    assert weeks_of(model.events.rows, "assessment").count(2) == 1
    if redraws:
        assert d.period_shocks != shocks and d.next_assessment == 6
        assert ru.reading.noise != noise and ru.reading.balance != balance
    else:
        assert d.period_shocks == shocks and d.next_assessment == 4
        assert ru.reading.noise == noise and ru.reading.balance == balance


def test_a_triggered_assessment_names_the_event_that_triggered_it():
    """'Why did Russia decide this week?': an assessment an event triggers carries that event as its cause (a
    change of government or an election whose review took a contingent out, a US withdrawal, a shock), from the
    same week; a periodic one has none."""
    causes = Counter()
    for seed in range(12):
        model = make(seed=seed, scenario=load_scenario("us_withdraws_2029"), collect_steps=False).run()
        by_id = {e.event_id: e for e in model.events.rows}
        for e in kinds(model, "assessment"):
            if e.note != "assessment" or e.cause_id is None:
                continue
            cause = by_id[e.cause_id]
            assert cause.week == e.week and cause.kind in ("government_change", "election", "us_roles", "shock")
            causes[cause.kind] += 1
    assert causes["government_change"] > 0 and causes["shock"] > 0  # the 2029 shock triggers one in most runs
