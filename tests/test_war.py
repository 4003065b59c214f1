"""The war submodel (sim/war.py), tested directly: contests, limited offensives, the start of a
renewed war and its consequences, a week of fighting, the repel test and the outcome."""

from __future__ import annotations

import pytest

from sim.config import load_scenario, with_overrides
from sim.ladder import RUSSIA, Action, Intent, Violation, Week
from sim.model import DeterrenceModel
from sim.war import contest

PARIS = load_scenario("paris_declaration")


def make(overrides: dict | None = None, seed: int = 0) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(PARIS, overrides or {}), seed, collect_steps=False)


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
        assert out == [v] and v.event_id == m.events.last_id
        event = m.events.rows[-1]
        assert event.kind == "violation" and event.level == "limited" and event.outcome in ("seized_ground", "held")
        assert m.russia.strength == pytest.approx(ru0 - w.attrition)
        assert m.ukraine.strength == pytest.approx(ua0 - w.attrition)
        if event.outcome == "seized_ground":
            won += 1
            assert m.war.territory_lost_pct == pytest.approx(w.limited_gain_pct)
        else:
            held += 1
            assert m.war.territory_lost_pct == 0.0
        assert not m.war.at_war
    # Russia (1.0) against Ukraine's defence (about 0.7) wins about 0.6 of contests: both outcomes occur.
    assert won > 10 and held > 5


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
    assert m.war.at_war and m.war.escalation_week == 5
    kinds = [e.kind for e in m.events.rows]
    assert kinds[0] == "escalation" and attack.event_id == m.events.rows[0].event_id == m.war.escalation_event
    stockpiles = [e for e in m.events.rows if e.outcome == "stockpiles_opened"]
    assert stockpiles and stockpiles[0].case_id == attack.event_id
    struck = [e for e in m.events.rows if e.kind == "casualties"]
    assert struck and struck[0].cause_id == attack.event_id  # forward troops are struck for certain
    assert (m.coalition.resolve >= before).all() and (m.coalition.resolve > before).any()


def test_a_week_of_war_follows_the_attrition_and_advance_rules():
    m = make(seed=2)
    w = m.scenario_config.war
    _start(m)
    ru, ua = m.russia.strength, m.ukraine.strength
    defence = m.ukraine.defence + m.force.major_defence + m.war.support
    m.war.week(Week(), 1)
    assert m.war.weeks == 1
    assert m.russia.strength == pytest.approx(ru - w.attrition * defence / (ru + defence) * 2)
    assert m.ukraine.strength == pytest.approx(ua - w.attrition * ru / (ru + defence) * 2)
    assert m.war.territory_lost_pct == pytest.approx(w.advance_pct * max(0.0, ru - defence) / (ru + defence))


def test_support_reaches_the_field_only_during_a_war():
    m = make(seed=3)
    m.war.add_support(0.5)
    assert m.war.support == 0.0
    _start(m)
    m.war.add_support(0.5)
    assert m.war.support == 0.5


def test_russia_is_repelled_only_after_the_minimum_and_below_the_ratio():
    m = make({"war.min_weeks": 3, "war.repel_ratio": 5.0}, seed=4)
    _start(m)
    for week in (1, 2):
        m.war.week(Week(), week)
        assert m.war.at_war  # ratio met at once, but not before the minimum
    m.war.week(Week(), 3)
    assert not m.war.at_war and m.war.outcome == "repelled"
    end = m.events.rows[-1]
    assert end.kind == "war_end" and end.weeks == 3 and end.case_id == m.war.escalation_event
    assert m.russia.intent == Intent.COMPLIANT and m.russia.trigger == "war ended"
    assert m.war.support == 0.0


def test_a_war_that_goes_on_ends_the_run_as_stalemate_or_territory_lost():
    m = make({"war.repel_ratio": 0.0}, seed=5)
    _start(m)
    for week in range(1, 30):
        m.war.week(Week(), week)
    assert m.war.at_war
    lost = m.scenario_config.war.territory_lost_outcome_pct
    assert m.war.outcome == ("territory_lost" if m.war.territory_lost_pct >= lost else "stalemate")
    assert m.russia.strength >= m.scenario_config.war.strength_floor
    assert m.ukraine.strength >= m.scenario_config.war.strength_floor
