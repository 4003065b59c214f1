"""Model v2 mechanisms: campaigns and windows, warning, political time, sanctions, the US role,
the force by nation, dated shocks. Each test asserts the direction or the rule the ODD states."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from sim.ladder import RUSSIA, Intent, Violation, Week
from sim.config import ConfigError, data_file_path, load_scenario, with_overrides
from sim.data import read_force_contributions
from sim.ladder import Action
from sim.model import DeterrenceModel
from sim.runner import simulate

PARIS = load_scenario("paris_declaration")


def make(overrides: dict | None = None, seed: int = 0, scenario=PARIS, **kw) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(scenario, overrides or {}), seed, **kw)


def kinds(model, kind):
    return [e for e in model.events.rows if e.kind == kind]


# --- Russia's campaigns ---------------------------------------------------------------

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


# --- warning and its measures ------------------------------------------------------------

def _scripted_indicators(model, weeks_with_signs, n=4):
    russia = model.russia

    def act(week: int) -> Week:
        return Week([], indicators=n if week in weeks_with_signs else 0)

    russia.act = act


ALL_MEASURES = ["stockpile_prepositioning", "force_alert", "diplomatic_warning", "sanctions_threat"]


def test_warning_triggers_its_measures_and_readiness():
    model = make({"warning.threshold": 3, "warning.delay_weeks": 0, "monitoring.coverage": 1.0,
                  "cooperation.intelligence_sharing": 1.0, "warning.measures": ALL_MEASURES}, seed=1,
                 collect_steps=False)
    _scripted_indicators(model, {40, 41})
    model.run(40)
    defence_before = model.ukraine.defence
    model.run(3)
    assert kinds(model, "warning"), "enough signs detected: a warning is issued"
    measures = {e.actor for e in kinds(model, "warning_measure")}
    assert "Ukraine" in measures  # readiness (P1)
    assert model.ukraine.ready
    assert model.ukraine.defence > defence_before * (1 + 0.8 * PARIS.warning.readiness_boost)
    assert any(e.outcome == "stockpiles_prepositioned" for e in kinds(model, "corrective_measure"))
    if model.force.ramp > 0:
        assert model.force.on_alert and "MultinationalForce" in measures
    assert model.warning.warnings == 1


def test_no_warning_measures_when_none_are_agreed():
    model = make({"warning.threshold": 1, "warning.measures": [], "monitoring.coverage": 1.0,
                  "cooperation.intelligence_sharing": 1.0}, seed=1, collect_steps=False)
    _scripted_indicators(model, {20})
    model.run(30)
    assert kinds(model, "warning")
    assert {e.actor for e in kinds(model, "warning_measure")} == {"Ukraine"}  # only readiness
    assert not any(e.outcome == "stockpiles_prepositioned" for e in kinds(model, "corrective_measure"))


# --- political time --------------------------------------------------------------------

def test_weeks_map_to_calendar_dates():
    sc = with_overrides(PARIS, {"ceasefire_date": dt.date(2027, 3, 1)})
    res = simulate(sc, 0, weeks=20)
    assert res.steps["date"][0] == "2027-03-01"
    assert res.steps["date"][10] == "2027-05-10"
    rows = res.event_rows(7)
    for run_id, _, week, day, *_ in rows:
        assert run_id == 7
        assert dt.date.fromisoformat(day) == dt.date(2027, 3, 1) + dt.timedelta(weeks=week)
    assert res.run["ceasefire_date"] == "2027-03-01"


def test_elections_fall_on_their_dated_weeks():
    model = make(seed=4, collect_steps=False).run(260)
    for e in kinds(model, "election") + kinds(model, "government_change"):
        day = dt.date.fromisoformat(e.note)
        assert model.scenario_config.week_of(day) == e.week
    # The US presidential election of 7 November 2028 is in week 122 of a 1 July 2026 ceasefire.
    us = [e for e in model.events.rows if e.actor == "United States" and e.office == "presidential"]
    assert [e.week for e in us] == [PARIS.week_of(dt.date(2028, 11, 7))]


def test_ratified_commitment_survives_a_change_of_government_and_political_one_can_be_dropped():
    model = make({"members.political_drop_probability": 1.0}, seed=1, collect_steps=False)
    coal = model.coalition
    i = coal.index_of["FRA"]
    coal.ratified[i] = True
    coal._election(10, i, "presidential", 1.0, -0.5, dt.date(2027, 4, 25))
    assert coal.pledges[i], "a ratified commitment binds the new government"
    j = coal.index_of["GBR"]
    coal.ratified[j] = False
    coal._election(11, j, "legislative", 1.0, -0.5, dt.date(2029, 8, 15))
    assert not coal.pledges[j], "a political pledge is dropped by a less supportive government"
    assert coal.pledges_dropped == 1
    outcomes = {e.outcome for e in kinds(model, "pledge")}
    assert outcomes == {"survives", "dropped"}


def test_political_only_loses_pledges_paris_keeps_ratified_ones():
    dropped = {"political_only": 0, "paris_declaration": 0}
    ratified_dropped = 0
    for name in dropped:
        sc = load_scenario(name)
        for seed in range(30):
            model = DeterrenceModel(sc, seed, collect_steps=False).run()
            coal = model.coalition
            dropped[name] += coal.pledges_dropped
            ratified_dropped += int((~coal.pledges & coal.ratified).sum())
    assert ratified_dropped == 0
    assert dropped["political_only"] > dropped["paris_declaration"]
    assert dropped["political_only"] >= 10


# --- the US role -------------------------------------------------------------------------

def test_paris_as_written_has_no_us_pledge_and_the_bilateral_variant_does():
    paris = make(seed=0)
    assert not paris.coalition.pledges[paris.coalition.us]
    assert paris.united_states.leads_monitoring
    bilateral = DeterrenceModel(load_scenario("paris_us_bilateral"), 0)
    assert bilateral.coalition.pledges[bilateral.coalition.us]
    assert bilateral.coalition.pledged_power[Action.MAJOR] > paris.coalition.pledged_power[Action.MAJOR] * 1.5


def test_us_withdrawal_shock_removes_exactly_the_roles_it_names():
    base = {"united_states.backstop_probability": 1.0, "united_states.withdrawal_on_change": 0.0,
            "united_states.shares_intelligence": True, "united_states.within_term_withdrawal_per_year": 0.0}
    only_monitoring = with_overrides(PARIS, {**base, "shocks": [
        {"week": 60, "set": {"united_states.leads_monitoring": False}}]})
    model = DeterrenceModel(only_monitoring, 2, collect_steps=False)
    model.run(60)
    assert model.united_states.leads_monitoring and model.united_states.backs_force
    cov_before = model.monitoring.base_coverage
    model.run(1)
    us = model.united_states
    assert not us.leads_monitoring
    assert us.backs_force and us.shares_intelligence  # untouched
    assert model.monitoring.base_coverage == pytest.approx(cov_before * (1 - PARIS.monitoring.us_lead_share))
    assert kinds(model, "shock") and kinds(model, "shock")[0].week == 60
    full = DeterrenceModel(with_overrides(load_scenario("us_withdraws_2029"), base), 2, collect_steps=False)
    week = full.scenario_config.week_of(dt.date(2029, 1, 20))
    full.run(week)
    assert full.united_states.leads_monitoring and full.united_states.shares_intelligence
    full.run(1)
    us = full.united_states
    assert not (us.leads_monitoring or us.backs_force or us.shares_intelligence)
    assert full.monitoring.intelligence_picture < make(base, 2).monitoring.intelligence_picture


# --- sanctions -------------------------------------------------------------------------

def _probing(model, from_week):
    russia = model.russia

    def act(week: int) -> Week:
        return Week([Violation(week, RUSSIA, Action.PROBE)] if week >= from_week else [])

    russia.act = act


@pytest.mark.parametrize("rule", ["automatic", "none"])
def test_snapback_fires_on_attributed_violations(rule):
    over = {"sanctions.snapback": rule, "sanctions.snapback_threshold": 1, "sanctions.relief_per_year": 0.5,
            "monitoring.coverage": 1.0, "monitoring.attribution_accuracy": 1.0, "commission.evidence_threshold": 0.0,
            "commission.decision_rule": "us_led", "united_states.resolve": 1.0,
            "monitoring.false_alarm_rate": 0.0, "ukraine.violation_rate": 0.0, "ukraine.retaliation_boost": 0.0}
    model = make(over, seed=3, collect_steps=False)
    _probing(model, 60)
    model.run(60)
    relieved = model.sanctions.relieved
    assert relieved > 0.4  # about a year of relief at 0.5 a year
    model.run(20)
    attributed = [e for e in kinds(model, "attribution") if e.outcome == "attributed" and e.attributed_to == "Russia"]
    assert attributed
    if rule == "automatic":
        assert model.sanctions.snapbacks >= 1 and model.sanctions.relieved < relieved
        snap = [e for e in kinds(model, "sanctions") if e.outcome == "snapback"]
        assert snap and snap[0].week >= attributed[0].week and snap[0].clause == "G4"
        assert snap[0].cause_id in {e.event_id for e in attributed}  # the attribution that tipped it
    else:
        assert model.sanctions.snapbacks == 0 and model.sanctions.relieved >= relieved


# --- the force by nation, the tripwire through members --------------------------------------

def test_force_is_built_from_each_nations_contribution():
    model = make(seed=0)
    f = model.force
    coal = model.coalition
    table = read_force_contributions(data_file_path(PARIS.force.contributions_file))
    for row in table.itertuples():  # the central reading: the middle of each nation's range
        if row.iso3 in coal.index_of and row.iso3 != "USA":
            i = coal.index_of[row.iso3]
            assert f.troops[i] == (row.troops_low + row.troops_high + 1) // 2  # whole units, half up
            assert f.ships[i] == (row.ships_low + row.ships_high + 1) // 2
    assert f.troops[coal.index_of["GBR"]] == 5500  # 3,500 to 7,500: 'fewer than 7,500' is the upper bound
    assert f.troops[coal.us] == 0
    assert f.target["land"] == pytest.approx(f.troops.sum() / 1000 * PARIS.force.strength_per_1000_troops)
    bigger = make({"force.size": 2.0}, seed=0).force
    assert bigger.target["land"] == pytest.approx(2 * f.target["land"])


def test_an_attack_strikes_forward_troops_and_their_nations_rally():
    hits = {"forward": 0, "rear": 0}
    rallied = True
    for posture in hits:
        for seed in range(30):
            model = make({"force.posture": posture, "force.enabled": True}, seed, collect_steps=False)
            f = model.force
            f.phase, f.ramp = type(f.phase).DEPLOYED, 1.0
            f._update()
            before = model.coalition.resolve.copy()
            hit = f.strike()
            model.coalition.struck(0, hit, PARIS.force.casualty_rally, PARIS.force.ally_rally_share, f.contributors,
                                   case=1)
            hits[posture] += int(hit.sum())
            gain = model.coalition.resolve - before
            rallied &= bool(np.all(gain[hit] > 0)) and bool(np.all(gain[~f.contributors] == 0))
    assert rallied
    contributors_in_ukraine = int(((make().force.exposure > 0)).sum())
    assert hits["forward"] == 30 * contributors_in_ukraine  # forward troops are struck for certain
    assert 0 < hits["rear"] < hits["forward"]


# --- shocks are validated like every other key ---------------------------------------------

BAD_SHOCKS = {
    "unknown_key": ("  - week: 10\n    set:\n      united_states.leads_monitorin: false\n",
                    "shocks.0.set.united_states.leads_monitorin", "did you mean"),
    "outside_horizon": ("  - date: 2040-01-20\n    set:\n      united_states.leads_monitoring: false\n",
                        "shocks.0.date", "outside the horizon"),
    "initial_only": ("  - week: 10\n    set:\n      ukraine.initial_strength: 1.0\n",
                     "shocks.0.set.ukraine.initial_strength", "cannot change later"),
}


@pytest.mark.parametrize("case", sorted(BAD_SHOCKS))
def test_bad_shock_is_rejected_with_file_line_and_key(tmp_path, case):
    body, key, words = BAD_SHOCKS[case]
    path = tmp_path / "bad.yaml"
    path.write_text("extends: paris_declaration\nshocks:\n" + body)
    with pytest.raises(ConfigError) as err:
        load_scenario(path)
    text = str(err.value)
    assert key in text and words in text and "bad.yaml:" in text
    out = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and key in out.stderr
    line = int(out.stderr.split("bad.yaml:")[1].split(":")[0])
    assert 3 <= line <= 6


# --- every behavioural number lives in the schema ---------------------------------------------

def test_every_parameter_has_unit_role_clause_and_source():
    from sim.config import parameter_catalogue
    cat = parameter_catalogue()
    assert len(cat) > 150
    for path, spec in cat.items():
        assert spec.role in ("lever", "uncertainty", "constant"), path
        assert spec.unit, path
        assert spec.clause in ("P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1", "A"), path
        assert spec.source, path


def test_event_kinds_of_a_paris_run_tell_a_campaign_story():
    """From first indicator to the end: the log names campaigns, indicators, warnings, elections."""
    seen = Counter()
    for seed in range(20):
        model = make({"payoffs.base_cost_major": 5.0}, seed, collect_steps=False).run()
        seen.update(e.kind for e in model.events.rows)
    for kind in ("campaign", "indicator", "indicator_detected", "warning", "election", "government_change",
                 "ratification", "sanctions"):
        assert seen[kind] > 0, (kind, seen)
