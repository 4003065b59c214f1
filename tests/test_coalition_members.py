"""Coalition members one by one (issue 18, item 6): menus and constitutional limits from the members
file, the finalisation of the G4 commitments, national decisions with lags and votes on troops, EU
sanctions as one package of the 27, and Russia's reading of the same rules.

Statistical checks use fixed seeds and state their tolerance next to the assertion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.agents.sanctions import EUUnanimity
from sim.chain import Decision
from sim.config import ConfigError, data_file_path, load_scenario, with_overrides
from sim.config.datafiles import EU_VETO_PLAYERS, MEMBERS, read_table
from sim.data import read_eu_veto_players, read_members
from sim.ladder import RUSSIA, Action, Intent, Violation, Week
from sim.model import DeterrenceModel
from sim.responses import (
    activation_probability,
    structural_activation,
    structural_eu_package,
    vote_probability,
)
from sim.outputs import run_record

PARIS = load_scenario("paris_declaration")
NO_MILITARY = {"Ireland", "Austria", "Japan", "Iceland", "Cyprus"}


def make(overrides: dict | None = None, seed: int = 0, **kw) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(PARIS, overrides or {}), seed, **kw)


def attack(model: DeterrenceModel, weeks: int = 30, level: Action = Action.MAJOR, decided: int = 0) -> None:
    """A renewed attack in week 0 decided in week ``decided``: the responses run their course."""
    v = Violation(0, RUSSIA, level, 1)
    model.responses.schedule([Decision(decided, level, RUSSIA, decided, v, True, 1, 1)])
    for week in range(weeks):
        model.responses.week(week)


def unanimity(p_hold: float = 0.0, weeks: tuple[int, int] = (0, 0), p_veto: float = 0.0) -> EUUnanimity:
    table = pd.DataFrame({"iso3": ["HUN"], "country": ["Hungary"], "p_hold_out": [p_hold],
                          "hold_out_weeks_low": [weeks[0]], "hold_out_weeks_high": [weeks[1]], "p_veto": [p_veto],
                          "record": [""], "source": [""]})
    return EUUnanimity(table, 1.0)


# --- the members file ---------------------------------------------------------------------

def test_members_file_has_the_34_members_and_their_limits():
    table = read_members(data_file_path("coalition_members.csv"))
    assert len(table) == 34 and "MKD" not in set(table.iso3)  # not a member per The Hill's list
    assert int(table.eu_member.sum()) == 24  # the EU-27 less Hungary, Slovakia, Malta
    by = table.set_index("iso3")
    assert set(by.index[by.neutral]) == {"AUT", "IRL"}
    for code in ("AUT", "IRL", "JPN", "ISL", "CYP"):
        assert "military" not in by.at[code, "pledgeable"].split(";"), code
    assert "sanctions" not in by.at["TUR", "pledgeable"]
    assert by.at["DEU", "troops_need_vote"] and not by.at["FRA", "troops_need_vote"]
    assert (by.military_lag_low_weeks <= by.military_lag_weeks).all()
    assert (by.military_lag_weeks <= by.military_lag_high_weeks).all()


@pytest.mark.parametrize("edit, words", [
    (lambda t: t.replace("Austria,AUT,europe,0,0,4.9,522,78,0.5,1,1,1,2,1,4,diplomacy;sanctions;intelligence;logistics",
                         "Austria,AUT,europe,0,0,4.9,522,78,0.5,1,1,1,2,1,4,diplomacy;military"),
     ["neutral member cannot pledge a military response", "pledgeable"]),
    (lambda t: t.replace("Germany,DEU,europe,0,0,88.5,4660,39,0.1,1,0,1,2,1,4,",
                         "Germany,DEU,europe,0,0,88.5,4660,39,0.1,1,0,1,5,1,4,"),
     ["military lags out of order", "military_lag_weeks"]),
    (lambda t: t.replace("Japan,JPN,non_europe,0,0,55.3,4026,52,0.25,0,0,0,0,0,0,diplomacy;",
                         "Japan,JPN,non_europe,0,0,55.3,4026,52,0.25,0,0,0,0,0,0,troops;"),
     ["pledgeable", "not an allowed value"]),
])
def test_members_file_limits_are_checked(tmp_path, edit, words):
    text = data_file_path("coalition_members.csv").read_text()
    spoiled = edit(text)
    assert spoiled != text
    path = tmp_path / "members.csv"
    path.write_text(spoiled)
    with pytest.raises(ConfigError) as err:
        read_table(path, MEMBERS)
    for w in words:
        assert w in str(err.value), str(err.value)


def test_veto_players_file_is_checked(tmp_path):
    text = data_file_path("eu_veto_players.csv").read_text()
    path = tmp_path / "veto.csv"
    path.write_text(text.replace("HUN,Hungary,0.1,3,6,0.05", "HUN,Hungary,0.97,6,3,0.05"))
    with pytest.raises(ConfigError) as err:
        read_table(path, EU_VETO_PLAYERS)
    assert "hold-out lengths out of order" in str(err.value) and "add up to more than 1" in str(err.value)


# --- menus: the scenario's menu intersected with what each member can pledge ---------------

def test_members_act_only_on_what_they_can_pledge():
    acted = {t: set() for t in ("military", "sanctions")}
    for seed in range(10):
        model = make({"ratification.in_force_at_ceasefire": True, "commitments.automaticity": 1.0}, seed)
        attack(model)
        coal = model.coalition
        for t in acted:
            acted[t] |= {coal.names[i] for i in np.flatnonzero(coal.activations[t])}
    # Automatic binding commitments: every member that can pledge acts; the others never do.
    assert acted["military"].isdisjoint(NO_MILITARY)
    assert len(acted["military"]) == 34 - len(NO_MILITARY)
    assert "Turkey" not in acted["sanctions"] and len(acted["sanctions"]) == 33
    # And a scenario menu without military at the major level leaves every member without it.
    model = make({"ratification.in_force_at_ceasefire": True, "commitments.automaticity": 1.0,
                  "commitments.response_menu": {"probe": ["diplomacy"], "limited": ["diplomacy"],
                                                "major": ["diplomacy", "sanctions"]}})
    attack(model)
    coal = model.coalition
    assert coal.activations["military"].sum() == 0 and coal.activations["sanctions"].sum() > 0
    assert coal.pledged_capacity["military"][[coal.names.index(n) for n in NO_MILITARY]].sum() == 0.0


# --- G4 "will finalise" -------------------------------------------------------------------

def test_commitments_bind_only_after_finalisation_and_ratification():
    for weeks in (0, 26, 80):
        model = make({"commitments.finalisation_weeks": weeks}, seed=4)
        coal = model.coalition
        n = coal.n_members
        assert coal.finalised_week == weeks
        pending = coal.ratification_week[:n][coal.ratification_week[:n] >= 0]
        assert pending.size and pending.min() >= weeks + 1  # ratification follows finalisation
        model.run(weeks + 1)  # to the week of finalisation: nothing ratified yet, so nothing binds
        assert not coal.binding(Action.MAJOR).any()
    # In force at the ceasefire: finalised and binding from week 0, as before.
    model = make({"ratification.in_force_at_ceasefire": True})
    assert model.coalition.finalised_week == 0 and model.coalition.binding(Action.MAJOR)[:-1].all()


def test_finalisation_is_logged_and_opens_ratification():
    model = make({"commitments.finalisation_weeks": 10}, seed=2)
    model.run(60)
    kinds = [(e.week, e.kind) for e in model.events.rows if e.kind in ("finalisation", "ratification")]
    assert kinds[0] == (10, "finalisation")
    assert all(w > 10 for w, k in kinds if k == "ratification")


# --- national decisions with lags; votes on troops ------------------------------------------

def test_responses_take_effect_after_each_members_lag():
    model = make({"ratification.in_force_at_ceasefire": True, "commitments.automaticity": 1.0}, seed=1)
    coal = model.coalition
    attack(model, decided=2)
    military = [e for e in model.events.rows if e.kind == "response" and "military" in e.items]
    assert len(military) == 29
    for e in military:
        i = coal.names.index(e.actor)
        low, mode, high = (a[i] for a in coal.military_lag)
        assert e.week - e.weeks == 2  # the lag counts from the decision
        assert round(low) <= e.weeks <= round(high) + 1, (e.actor, e.weeks, low, high)
        assert e.cause_id == 1 and e.case_id == 1  # case: the violation; cause: the decision
    # Effects arrive over weeks, not at once.
    assert len({e.week for e in military}) >= 3
    # Longer lags delay the military responses (the same draws, scaled).
    slow = make({"ratification.in_force_at_ceasefire": True, "commitments.automaticity": 1.0,
                 "members.military_lag_multiplier": 3.0}, seed=1)
    attack(slow, decided=2)
    late = [e.weeks for e in slow.events.rows if e.kind == "response" and "military" in e.items]
    assert np.mean(late) > 2.0 * np.mean([e.weeks for e in military])


def test_automaticity_does_not_bypass_a_parliamentary_vote():
    """Automatic binding commitments: members without a vote always send forces; where troops need a vote,
    the parliament decides by the members' rule without automaticity (binding pull included)."""
    seeds = 60
    with_vote, without_vote = [], []
    expected = []
    for seed in range(seeds):
        model = make({"ratification.in_force_at_ceasefire": True, "commitments.automaticity": 1.0,
                      "members.binding_pull": 0.0}, seed)
        coal = model.coalition
        coal.resolve[:] = 0.3  # a reluctant parliament: the rule gives it a small chance
        attack(model, weeks=20)
        acted = coal.activations["military"] > 0
        can = coal.can_pledge["military"][: coal.n_members]
        vote = coal.needs_vote[: coal.n_members]
        with_vote.append(acted[: coal.n_members][can & vote].mean())
        without_vote.append(acted[: coal.n_members][can & ~vote].mean())
        c, m = model.scenario_config.commitments, model.scenario_config.members
        # At share 0 the vote passes with this probability; the cascade's share only raises it.
        expected.append(vote_probability(0.3 + c.threat_pull["major"] - m.activation_threshold,
                                         c.response_costs["military"], m.activation_noise))
    assert np.mean(without_vote) == 1.0
    # ~1,000 votes: the refusal rate is far from 0 (automaticity would give 0) and at least the share-0 rule's
    # chance of refusal less the bandwagon (which can only help): generous bounds of several standard errors.
    assert 0.05 < np.mean(with_vote) < 0.95
    assert np.mean(with_vote) >= np.mean(expected) - 0.05


def test_refused_votes_are_logged_with_the_decision_as_cause():
    model = make({"commitments.automaticity": 0.0}, seed=3)
    model.coalition.resolve[:] = 0.45
    attack(model)
    votes = [e for e in model.events.rows if e.kind == "troops_vote"]
    assert votes and {e.outcome for e in votes} <= {"approved", "refused"}
    for e in votes:
        assert e.cause_id == 1 and e.weeks == e.week
        responded = [r for r in model.events.rows if r.kind == "response" and r.actor == e.actor
                     and "military" in r.items]
        assert bool(responded) == (e.outcome == "approved")
    assert model.responses.votes_refused == sum(e.outcome == "refused" for e in votes)


# --- the two forms of the rule agree ------------------------------------------------------

def test_the_two_forms_agree_with_votes():
    """The cascade's decision times the vote, and Russia's reading of all states at once, at share 0."""
    model = make(seed=3)
    coal = model.coalition
    m, c = PARIS.members, PARIS.commitments
    for ratified in (True, False):
        coal.ratified[:] = ratified
        bound = coal.binding(Action.MAJOR)
        base = coal.resolve + c.threat_pull["major"] - m.activation_threshold + m.binding_pull * bound
        cost = c.response_costs["military"]
        one_by_one = np.array([activation_probability(b, cost, c.automaticity if k else 0.0, m.activation_noise)
                               * (vote_probability(b, cost, m.activation_noise) if v else 1.0)
                               for b, k, v in zip(base, bound, coal.needs_vote)])
        x = (coal.resolve + c.threat_pull["major"] - m.activation_threshold - cost) / m.activation_noise
        _, _, at_once = structural_activation(x[None, :], bound.astype(float)[None, :], c.automaticity,
                                              m.binding_pull, m.activation_noise,
                                              coal.needs_vote.astype(float)[None, :], [0])
        assert np.allclose(one_by_one, at_once[0], rtol=0, atol=1e-12)


def test_the_eu_package_agrees_with_its_reading():
    """Russia's reading of the EU package (chance adopted x discount of its delay) and the packages the
    members' rule produces from proposers drawn at share 0 (political commitments)."""
    discount = 0.97
    for resolve in (0.35, 0.5):
        for u in (unanimity(), unanimity(0.5, (2, 6), 0.2)):
            model = make({"ratification.seek_ratification": False}, seed=0)
            coal = model.coalition
            sc = model.scenario_config
            m, c = sc.members, sc.commitments
            model.sanctions.unanimity = u
            eu = np.flatnonzero(coal.eu)
            base = resolve + c.threat_pull["major"] - m.activation_threshold
            p = activation_probability(base, c.response_costs["sanctions"], 0.0, m.activation_noise)
            expected = float(structural_eu_package(np.full(len(eu), p), np.full(len(eu), p), u, discount,
                                                   sc.sanctions.eu_package_weeks))
            values = []
            for _ in range(600):
                coal.resolve[:] = resolve
                proposers = [i for i in eu if coal.stream.random() < p]
                if not proposers:
                    values.append(0.0)
                    continue
                power = model.responses._eu_package(Action.MAJOR, 0, 1, 1, proposers, c.threat_pull["major"],
                                                    c.response_costs["sanctions"], np.zeros(coal.n_members + 1), 0)
                values.append(power / coal.pledged_capacity["sanctions"][eu].sum())
            # 600 packages: standard error below 0.02; the reading counts a Coalition hold-out as one week
            # (the rule lets it give way later, rarely): 0.04 of tolerance.
            assert np.mean(values) == pytest.approx(expected, abs=0.04), (resolve, np.mean(values), expected)


# --- EU sanctions: one package of the 27 ----------------------------------------------------

def test_eu_members_sanction_only_through_the_package():
    model = make({"ratification.in_force_at_ceasefire": True, "commitments.automaticity": 1.0}, seed=2)
    model.sanctions.unanimity = unanimity(p_veto=1.0)
    attack(model)
    coal = model.coalition
    sanctioned = {coal.names[i] for i in np.flatnonzero(coal.activations["sanctions"])}
    eu = {coal.names[i] for i in np.flatnonzero(coal.eu)}
    assert sanctioned and sanctioned.isdisjoint(eu)  # vetoed: only national regimes (UK, Canada, Japan ...)
    packages = [e for e in model.events.rows if e.kind == "eu_package"]
    assert [e.outcome for e in packages] == ["vetoed"] and packages[0].items == ("Hungary",)
    assert model.sanctions.eu_packages["vetoed"] == 1

    held = make({"ratification.in_force_at_ceasefire": True, "commitments.automaticity": 1.0}, seed=2)
    held.sanctions.unanimity = unanimity(p_hold=1.0, weeks=(5, 5))
    attack(held)
    package = [e for e in held.events.rows if e.kind == "eu_package"]
    assert [e.outcome for e in package] == ["adopted_after_hold_out"] and "Hungary" in package[0].items
    assert package[0].week == 5 + held.scenario_config.sanctions.eu_package_weeks
    eu_sanctions = [e for e in held.events.rows if e.kind == "response" and "sanctions" in e.items
                    and held.coalition.eu[held.coalition.names.index(e.actor)]]
    assert eu_sanctions and {e.week for e in eu_sanctions} == {package[0].week}


def test_veto_players_hold_out_and_veto_at_their_recorded_rates():
    table = read_eu_veto_players(data_file_path("eu_veto_players.csv"))
    u = EUUnanimity(table, 1.0)
    rng = np.random.default_rng(7)
    draws = [u.draw(rng) for _ in range(20000)]
    vetoed = np.mean([bool(v) for v, _, _ in draws])
    held = np.mean([w > 0 for v, w, _ in draws if not v])
    # 20,000 packages: standard errors below 0.003.
    assert vetoed == pytest.approx(1 - u.p_no_veto, abs=0.01)
    assert held == pytest.approx(1 - u.hold_cdf[0], abs=0.01)
    assert max(w for _, w, _ in draws) <= table.hold_out_weeks_high.max()
    none = EUUnanimity(table, 0.0)
    assert none.p_no_veto == 1.0 and not any(none.draw(rng)[0] or none.draw(rng)[1] for _ in range(100))


def test_snapback_of_eu_sanctions_needs_the_27():
    def run(rule, veto):
        model = make({"sanctions.snapback": rule, "sanctions.relief_per_year": 1.0}, seed=1)
        model.coalition.resolve[:] = 1.0  # the commission's snapback vote passes
        model.sanctions.unanimity = unanimity(p_veto=veto)
        s = model.sanctions
        s.relieved = 0.5
        s.week(1, False, war_started=99)  # an attack: the snapback rule applies
        for week in range(2, 6):
            s.week(week, True, None)
        return s

    eu = run("automatic", 1.0)
    assert eu.relieved == 0.0  # pre-legislated: no new unanimity needed
    voted = run("commission_vote", 1.0)
    assert voted.snapbacks == 1  # the commission's vote passed, the EU's share stays relieved (vetoed)
    assert 0.2 < voted.eu_share < 0.8
    assert voted.relieved == pytest.approx(0.5 * voted.eu_share) and voted.eu_packages["vetoed"] == 1
    adopted = run("commission_vote", 0.0)
    assert adopted.snapbacks == 1 and adopted.relieved == 0.0 and adopted.eu_packages["adopted"] == 1


# --- Russia reads the same rules ------------------------------------------------------------

def test_reading_discounts_late_responses_and_reads_menus():
    def credibility(overrides):
        model = make({"ratification.in_force_at_ceasefire": True, **overrides}, seed=3)
        model.russia.reading.reassess(noise=False)
        return model.russia.reading.structural_credibility[Action.MAJOR]

    base = credibility({})
    assert credibility({"members.military_lag_multiplier": 4.0}) < base - 0.01  # late military help is worth less
    assert credibility({"sanctions.eu_hold_out_scale": 5.0}) < base  # hold-outs and vetoes
    # Before finalisation the reading is the political one.
    early = make({"commitments.finalisation_weeks": 52}, seed=3)
    early.russia.reading.reassess(noise=False)
    political = make({"ratification.seek_ratification": False, "commitments.finalisation_weeks": 52}, seed=3)
    political.russia.reading.reassess(noise=False)
    assert early.russia.reading.structural_credibility == political.russia.reading.structural_credibility


def test_reading_agrees_with_what_members_deliver():
    """Russia's structural reading at the major level against the discounted share of pledged power the
    cascade delivers, at share 0 (no bandwagon), over many attacks."""
    for overrides in ({"ratification.seek_ratification": False}, {"ratification.in_force_at_ceasefire": True}):
        model = make({**overrides, "members.bandwagon_weight": 0.0}, seed=5)
        coal = model.coalition
        reading = model.russia.reading
        reading.reassess(noise=False)
        expected = reading.structural_credibility[Action.MAJOR]
        resolve = coal.resolve.copy()
        shares = []
        for k in range(300):
            coal.resolve[:] = resolve
            shares.append(model.responses.members_respond(Action.MAJOR, 0, 1, 1))
        # 300 cascades: standard error about 0.005; the reading's EU hold-outs count one week: 0.03.
        assert np.mean(shares) == pytest.approx(expected, abs=0.03), (overrides, np.mean(shares), expected)


# --- runs.csv -------------------------------------------------------------------------------

def launch_at(model: DeterrenceModel, attack_week: int) -> None:
    """Russia complies, then launches a renewed armed attack in ``attack_week`` (the rest runs as usual)."""
    russia = model.russia

    def act(week: int) -> Week:
        if russia.intent == Intent.AT_WAR or week != attack_week:
            russia.action = Action.COMPLY
            return Week([])
        russia.action = Action.MAJOR
        russia.violations[Action.MAJOR] += 1
        russia.intent = Intent.AT_WAR
        return Week([Violation(week, RUSSIA, Action.MAJOR)], launched_war=True)

    russia.act = act


def test_run_columns_count_military_responses_and_eu_packages():
    counts = {}
    for name in ("political_only", "paris_declaration"):
        for seed in range(6):
            model = DeterrenceModel(with_overrides(load_scenario(name), {"horizon_weeks": 80}), seed, collect_steps=False)
            launch_at(model, 60)
            model.run()
            run, events = run_record(model), model.events.rows
            packages = [e.outcome for e in events if e.kind == "eu_package"]
            assert run["eu_packages_adopted"] == sum(o != "vetoed" for o in packages)
            assert run["eu_packages_held"] == packages.count("adopted_after_hold_out")
            assert run["eu_packages_held_by_veto_players"] == sum(
                e.kind == "eu_package" and e.outcome == "adopted_after_hold_out"
                and bool({"Hungary", "Slovakia", "Malta"} & set(e.items)) for e in events)
            assert run["eu_packages_vetoed"] == packages.count("vetoed")
            assert run["troops_votes_refused"] == sum(e.kind == "troops_vote" and e.outcome == "refused"
                                                      for e in events)
            assert run["escalation_week"] == 60
            within = [run[f"members_military_{k}w"] for k in (4, 8, 12)]
            assert within == sorted(within) and within[-1] <= 34 - len(NO_MILITARY)
            # The same count from the event log: members (not the US) with military in effect by 60 + 12.
            logged = {e.actor for e in events if e.kind == "response" and "military" in e.items
                      and e.level == "major" and e.week <= 72 and e.actor != "United States"}
            assert within[-1] == len(logged)
            counts.setdefault(name, []).append(within[-1])
        # Without an attack the columns are empty.
        quiet = DeterrenceModel(with_overrides(load_scenario(name), {"horizon_weeks": 20}), 0, collect_steps=False)
        launch_at(quiet, 99)
        assert run_record(quiet.run())["members_military_4w"] is None
    # Ratification by week 60 (after finalisation) makes the answer to an attack broader than political pledges.
    assert np.mean(counts["paris_declaration"]) > np.mean(counts["political_only"]) + 3, counts
