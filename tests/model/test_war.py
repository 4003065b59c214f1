"""The war submodel (sim/war.py), tested directly: contests, limited offensives, the start of a
renewed war and its consequences, a week of fighting, how wars end, the bounded territory, and
the force's rules of engagement."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_scenario, with_overrides
from sim.ladder import RUSSIA, Action, Intent, Violation, Week
from sim.model import DeterrenceModel
from sim.war import BEYOND_THE_LINE_PCT, contest

PARIS = load_scenario("paris_declaration")


def make(overrides: dict | None = None, seed: int = 0, scenario=PARIS) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(scenario, overrides or {}), seed, collect_steps=False)


def test_contest_is_a_tullock_share():
    assert contest(1.0, 1.0, 1.0) == pytest.approx(0.5)
    assert contest(2.0, 1.0, 1.0) == pytest.approx(2 / 3)
    assert contest(2.0, 1.0, 2.0) == pytest.approx(0.8)  # a higher exponent makes superiority more decisive
    assert contest(0.0, 1.0, 1.0) == 0.0
    assert contest(1.0, 0.5, 1.0) > contest(1.0, 1.0, 1.0) > contest(1.0, 2.0, 1.0)


def test_a_limited_offensive_costs_both_sides_and_seizes_ground_only_when_it_wins():
    won = held = 0
    for seed in range(40):
        m = make(seed=seed)
        w = m.scenario_config.war
        ru0, ua0 = m.russia.strength, m.ukraine.strength
        v = Violation(0, RUSSIA, Action.LIMITED)
        out = m.war.week(Week([v], cause=None), 0)
        assert out == [v] and m.war.armed_attack_week == 0
        event = m.events.rows[0]
        assert event.event_id == v.event_id and event.kind == "violation" and event.level == "limited"
        assert m.russia.strength == pytest.approx(ru0 - w.attrition)
        assert m.ukraine.strength == pytest.approx(ua0 - w.attrition)
        # An armed attack opens the stockpiles (G2), whatever its size.
        assert any(e.outcome == "stockpiles_opened" and e.cause_id == v.event_id for e in m.events.rows)
        if event.outcome == "seized_ground":
            won += 1
            assert m.war.territory_seized_pct == pytest.approx(w.limited_gain_pct) == event.value
        else:
            held += 1
            assert m.war.territory_seized_pct == 0.0
        assert not m.war.at_war and m.war.escalation_week is None  # an armed attack, not a renewed war
    assert won > 5 and held > 5


def _start(m: DeterrenceModel, week: int = 0) -> Violation:
    m.russia.intent = Intent.AT_WAR
    attack = Violation(week, RUSSIA, Action.MAJOR)
    m.war.week(Week([attack], launched_war=True, cause=None), week)
    return attack


def test_a_renewed_attack_starts_the_war_opens_stockpiles_and_may_strike_the_force():
    m = make({"force.posture": "forward"}, seed=1)
    f = m.force
    f.phase, f.ramp = type(f.phase).DEPLOYED, 1.0
    f.refresh()
    before = m.coalition.resolve.copy()
    attack = _start(m, week=5)
    assert m.war.at_war and m.war.escalation_week == m.war.armed_attack_week == 5
    assert m.events.rows[0].kind == "escalation" and attack.event_id == m.events.rows[0].event_id
    stockpiles = [e for e in m.events.rows if e.outcome == "stockpiles_opened"]
    assert stockpiles and stockpiles[0].case_id == attack.event_id
    struck = [e for e in m.events.rows if e.kind == "casualties"]
    assert struck and struck[0].cause_id == attack.event_id  # forward troops are struck for certain
    assert (m.coalition.resolve >= before).all() and (m.coalition.resolve > before).any()


def test_a_week_of_war_follows_the_attrition_rule_and_the_front_follows_superiority():
    m = make(seed=2)
    w = m.scenario_config.war
    _start(m)
    ru, ua = m.russia.strength, m.ukraine.strength
    defence = m.war.defence()
    m.war.week(Week(), 1)
    assert m.war.weeks == 1
    assert m.russia.strength == pytest.approx(ru - w.attrition * defence / (ru + defence) * 2)
    assert m.ukraine.strength == pytest.approx(ua - w.attrition * ru / (ru + defence) * 2)
    # A stronger Russia advances, faster against open ground than against fortified lines.
    moved = {}
    for fort in (0.0, 1.0):
        m = make({"ukraine.initial_fortification": fort, "ukraine.initial_strength": 0.2}, seed=2)
        _start(m)
        m.war.week(Week(), 1)
        moved[fort] = m.war.territory_seized_pct
    assert moved[0.0] > 10 * moved[1.0] > 0.0


def test_territory_is_bounded_by_what_russia_can_hold_and_by_ukraine_itself():
    for seed in range(10):
        m = make({"ukraine.initial_fortification": 0.0, "ukraine.initial_strength": 0.1, "russia.initial_strength": 3.0,
                  "war.ceasefire_hazard": 0.0, "war.stalemate_hazard": 0.0, "support.stockpile_access": False},
                 seed=seed)
        _start(m)
        seized = []
        for week in range(1, 60):
            m.war.week(Week(), week)
            seized.append(m.war.territory_seized_pct)
            assert 0.0 <= m.war.territory_seized_pct <= min(BEYOND_THE_LINE_PCT, m.war.holdable_pct()) + 1e-9
        assert max(seized) > 0.5 * m.war.holdable_pct()  # an overwhelming attack takes most of what it can hold


def test_support_reaches_the_field_only_during_a_war():
    m = make(seed=3)
    m.war.add_support(0.5)
    assert m.war.support == 0.0
    _start(m)
    m.war.add_support(0.5)
    assert m.war.support == 0.5


def test_an_exhausted_attacker_breaks_off_the_war():
    m = make({"war.exhaustion_share": 0.05, "war.ceasefire_hazard": 0.0, "war.stalemate_hazard": 0.0}, seed=4)
    _start(m)
    start = m.russia.strength
    week = 0
    while m.war.at_war and week < 100:
        week += 1
        m.war.week(Week(), week)
    assert not m.war.at_war and m.war.outcome == "repelled"
    assert m.russia.strength < 0.95 * start
    end = m.events.rows[-1] if m.events.rows[-1].kind == "war_end" else next(
        e for e in reversed(m.events.rows) if e.kind == "war_end")
    assert end.outcome == "repelled" and end.weeks == week and end.case_id == m.war.escalation_event
    assert m.russia.intent == Intent.COMPLIANT and m.war.support == 0.0
    # After a war Russia reconstitutes before it decides anything again.
    assert m.russia.decisions.paused_until == week + m.scenario_config.campaigns.post_war_pause_weeks


def test_wars_end_by_a_process_and_their_durations_spread():
    """No fixed minimum: durations of many wars have a spread, and each names how it ended."""
    durations, reasons = [], set()
    for seed in range(120):
        m = make({"payoffs.base_cost_major": 1.0, "campaigns.preparation_weeks_major": 4}, seed=seed,
                 scenario=load_scenario("budapest_memorandum"))
        m.run()
        durations += m.war.durations
        reasons |= {e.outcome for e in m.events.rows if e.kind == "war_end"}
    assert len(durations) >= 40
    q10, q90 = np.percentile(durations, [10, 90])
    assert min(durations) < 8 and q90 > 3 * q10 and max(durations) > 52  # short wars and long ones both occur
    assert reasons >= {"repelled", "ceasefire"}


@pytest.mark.parametrize("roe, engaged", [("reassurance", False), ("forward_defence", True)])
def test_rules_of_engagement_decide_whether_the_force_defends(roe, engaged):
    m = make({"force.rules_of_engagement": roe}, seed=5)
    f = m.force
    f.phase, f.ramp = type(f.phase).DEPLOYED, 1.0
    f.refresh()
    assert (f.major_defence > 0) == engaged
    assert (f.limited_defence > 0) == engaged


def test_under_self_defence_only_struck_contingents_fight_and_only_troops_in_ukraine_defend():
    m = make({"force.rules_of_engagement": "self_defence", "force.posture": "rear"}, seed=6)
    f = m.force
    f.phase, f.ramp = type(f.phase).DEPLOYED, 1.0
    f.refresh()
    assert f.major_defence == 0.0  # nobody struck yet
    hit = f.strike()
    assert f.major_defence == pytest.approx(float(f.land_major[hit].sum()))
    assert not (f.land_major[~f.in_ukraine] > 0).any()  # contingents based outside Ukraine do not defend it
    f.war_over()
    assert f.major_defence == 0.0


def test_no_run_loses_more_than_everything():
    for name in ("budapest_memorandum", "minsk_analogue"):
        sc = with_overrides(load_scenario(name), {"payoffs.base_cost_major": 2.0})
        for seed in range(40):
            m = DeterrenceModel(sc, seed, collect_steps=False, record_events=False).run()
            assert 0.0 <= m.war.territory_seized_pct <= BEYOND_THE_LINE_PCT
            assert m.russia.strength >= sc.war.strength_floor and m.ukraine.strength >= sc.war.strength_floor
