"""The commission's chain (sim/chain.py) as written: violations at the OSCE SMM's volumes, obstruction,
the credible cessation in the same unit, a US-led decision rule, self-evident offensives, and whether a
limited offensive calls on G4."""

from __future__ import annotations

from sim.config import parameter_catalogue

import numpy as np
import pytest

from sim.config import load_scenario, with_overrides
from sim.ladder import RUSSIA, Action, Intent, Violation, Week
from sim.model import DeterrenceModel

PARIS = load_scenario("paris_declaration")


def make(overrides: dict | None = None, seed: int = 0, scenario=PARIS) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(scenario, overrides or {}), seed, collect_steps=False)


def _weekly_volume(intent: Intent, weeks: int = 520, seed: int = 1, **over) -> np.ndarray:
    m = make(over, seed)
    ru = m.russia
    ru.intent = intent
    out = []
    for week in range(weeks):
        out.append(ru._volume(week, intent, False))
    return np.array(out)


def test_volumes_by_intent_are_those_of_the_osce_record():
    """Mean weekly ceasefire violations (Russia's side) match the calibrated means; they come in episodes."""
    for intent, mean in ((Intent.COMPLIANT, PARIS.campaigns.volume_compliant),
                         (Intent.PRESSURE, PARIS.campaigns.volume_pressure)):
        v = _weekly_volume(intent, weeks=5200)
        assert v.mean() == pytest.approx(mean, rel=0.15)  # log-AR(1): 5,200 weeks give a few per cent
        # Episodes: weeks of more than twice the mean occur, and a bad week tends to follow a bad week.
        assert (v > 2 * mean).mean() > 0.05
        assert np.corrcoef(np.log1p(v[:-1]), np.log1p(v[1:]))[0, 1] > 0.5
    both = 1 + PARIS.ukraine.return_fire_share
    # The calm volume is calibrated against what the SMM *counted* (about 250 a week after July 2020;
    # observers count a share: sim/calibration/record.py), so the default lies in its prior box;
    # under pressure both sides fire thousands a week.
    lo, hi = parameter_catalogue()["campaigns.volume_compliant"].prior
    assert lo <= PARIS.campaigns.volume_compliant <= hi
    assert 1000 < PARIS.campaigns.volume_pressure * both < 16000


def test_the_spike_before_a_renewed_war():
    m = make(seed=2)
    ru = m.russia
    ru.intent, ru.objective = Intent.PREPARING, Action.MAJOR
    ru.campaign_start, ru.campaign_end = 0, 16
    counts = [ru.campaign_week(week).volume for week in range(16)]
    early, late = np.mean(counts[:10]), np.mean(counts[-PARIS.warning.tactical_weeks:])
    assert late > 3 * early


def test_obstruction_denies_coverage_and_the_count():
    m = make({"monitoring.obstruction_campaign": 0.5, "monitoring.obstruction_calm": 0.0}, 3)
    mon = m.monitoring
    mon.count(1000, False, 0, False)
    calm = mon.volume_week
    mon.count(1000, True, 1, False)
    assert mon.volume_week == pytest.approx(calm * 0.5, abs=1)
    assert mon.p_seen[Action.PROBE] < make(seed=3).monitoring.p_seen[Action.PROBE]


def _estimate(model, volume: int, obstructed: bool = False) -> float:
    """The cessation estimate after a full window of ``volume`` violations a week by Russia's side."""
    window = PARIS.force.credible_cessation_window_weeks
    for week in range(window):
        model.monitoring.count(volume, obstructed, week, False)
    return model.monitoring.estimated_per_week(window)


def test_credible_cessation_reads_the_level_in_the_smm_unit():
    # The monitors correct their count for the coverage they had: the estimate is what the SMM would have
    # counted (reference coverage less calm obstruction), whatever the mechanism's size, the US lead or
    # obstruction (v3.1: a wider mechanism no longer delays the force, nor does losing the US hasten it).
    sc = PARIS
    reference = sc.force.credible_cessation_reference_coverage * (1.0 - sc.monitoring.obstruction_calm)
    both = 1.0 + sc.ukraine.return_fire_share
    level = _estimate(make(seed=4), 1000)
    assert level == pytest.approx(round(1000 * both) * reference)
    for overrides, obstructed in (({"monitoring.coverage": 0.25}, False), ({"monitoring.coverage": 1.0}, False),
                                  ({"united_states.leads_monitoring": False}, False), ({}, True)):
        m = make(overrides, seed=4)
        assert _estimate(m, 1000, obstructed) == pytest.approx(level), overrides
    # The count itself (steps.csv, the OSCE target) still grows with coverage: only the test corrects it.
    wide, narrow = make({"monitoring.coverage": 1.0}, seed=4), make({"monitoring.coverage": 0.25}, seed=4)
    _estimate(wide, 1000)
    _estimate(narrow, 1000)
    assert wide.monitoring.volume_week > 3 * narrow.monitoring.volume_week


def test_credible_cessation_against_the_threshold():
    threshold = PARIS.force.credible_cessation_threshold
    window = PARIS.force.credible_cessation_window_weeks
    m = make(seed=4)
    per_unit = _estimate(make(seed=4), 1000) / 1000  # estimate per violation of Russia's side
    for week in range(window):
        m.monitoring.count(int(threshold / per_unit * 1.1), False, week, False)
    assert not m.force.credible_cessation(window)
    for week in range(window, 2 * window):
        m.monitoring.count(int(threshold / per_unit / 3), False, week, False)
    assert m.force.credible_cessation(2 * window)
    m.monitoring.count(0, False, 2 * window, True)  # a war: no ceasefire to count
    assert not m.force.credible_cessation(2 * window + 1)


def test_the_force_deploys_in_some_runs_and_not_others_by_a_date():
    deployed = []
    for seed in range(60):
        m = make(seed=seed)
        m.run(52)
        deployed.append(m.force.phase.label == "deployed")
    share = np.mean(deployed)
    assert 0.05 < share < 0.99, share


def test_self_evident_offensives_are_attributed_without_deliberation():
    m = make({"commission.deliberation_weeks": 6}, seed=5)
    v = Violation(0, RUSSIA, Action.LIMITED)
    m.war.week(Week([v]), 0)
    reports, seen = m.monitoring.observe([v], 0)
    assert reports and reports[0].week == 0
    out = m.commission.week(reports, seen, 0)
    assert out.decisions and out.decisions[0].week == 0


@pytest.mark.parametrize("rule", ["us_led", "us_and_qualified_majority", "consensus", "qualified_majority"])
def test_the_decision_rule_names_the_us_and_falls_back_without_it(rule):
    m = make({"commission.decision_rule": rule}, seed=6)
    assert m.commission.rule() == rule
    m.united_states.leads_monitoring = False
    assert m.commission.rule() == ("qualified_majority" if rule.startswith("us_") else rule)


def test_votes_follow_the_rule():
    m = make(seed=7)
    coal = m.coalition
    yes = np.full(coal.n_members + 1, 5.0)
    no = np.full(coal.n_members + 1, -5.0)
    only_us = no.copy()
    only_us[coal.us] = 5.0
    assert m.commission.vote(only_us, "us_led")
    assert not m.commission.vote(only_us, "us_and_qualified_majority")
    assert not m.commission.vote(only_us, "qualified_majority")
    assert m.commission.vote(yes, "consensus") and not m.commission.vote(only_us, "consensus")
    all_but_us = yes.copy()
    all_but_us[coal.us] = -5.0
    assert m.commission.vote(all_but_us, "qualified_majority") and not m.commission.vote(all_but_us, "us_led")


@pytest.mark.parametrize("response, expected", [("limited_menu", 0.0), ("armed_attack", 1.0)])
def test_whether_a_limited_offensive_calls_on_g4(response, expected):
    m = make({"commitments.limited_attack_response": response}, seed=8)
    assert m.commission.p_armed_attack() == expected


def test_the_commission_rules_on_limited_offensives_by_its_vote():
    """A lower bar or a higher resolve makes a ruling of 'armed attack' likelier; Russia reads it."""
    low = make({"commission.armed_attack_bar": 0.2}, seed=9).commission.p_armed_attack()
    high = make({"commission.armed_attack_bar": 0.8}, seed=9).commission.p_armed_attack()
    assert low > 0.9 > 0.1 > high
    rulings = 0
    m = make({"commission.armed_attack_bar": 0.2, "commitments.limited_attack_response": "commission_decides"}, 9)
    for week in range(40):
        rulings += m.commission.limited_is_armed_attack("commission_decides", "us_led")
    assert rulings > 30
