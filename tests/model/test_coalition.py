"""The coalition: activation of commitments (G0, G4), ratification, pledges through changes of
government, the US pledge."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.config import load_scenario, with_overrides
from sim.ladder import Action
from sim.model import DeterrenceModel
from sim.responses import activation_probability, structural_activation
from sim.runner import simulate
from tests.model.drive import PARIS, kinds, make, weeks_of

# --- G0 + G4: ratified commitments activate more often --------------------------------

def _activation(coal, level, rtype, sc=PARIS):
    """Each state's probability of acting on ``rtype`` at ``level`` at share 0, by the members' rule."""
    m, c = sc.members, sc.commitments
    bound = coal.binding(level)
    base = coal.resolve + c.threat_pull[level.label] - m.activation_threshold + m.binding_pull * bound
    return np.array([activation_probability(b, c.response_costs[rtype], c.automaticity if k else 0.0,
                                            m.activation_noise) for b, k in zip(base, bound)])


def test_activation_probability_higher_when_ratified():
    model = make(seed=3)
    coal = model.coalition
    coal.ratified[:] = True
    bound = _activation(coal, Action.MAJOR, "military")
    coal.ratified[:] = False
    political = _activation(coal, Action.MAJOR, "military")
    assert np.all(bound > political)
    assert bound.mean() > political.mean() + 0.3
    # Binding covers the levels in commitments.binding_levels only (paris: major).
    coal.ratified[:] = True
    probe_bound = _activation(coal, Action.PROBE, "diplomacy")
    coal.ratified[:] = False
    assert np.allclose(probe_bound, _activation(coal, Action.PROBE, "diplomacy"))


def test_the_two_forms_of_the_activation_rule_agree():
    """Members deciding one by one and Russia reading them all at once apply the same rule."""
    model = make(seed=3)
    coal = model.coalition
    m, c = PARIS.members, PARIS.commitments
    for ratified in (True, False):
        coal.ratified[:] = ratified
        for rtype in ("military", "sanctions", "diplomacy"):
            one_by_one = _activation(coal, Action.MAJOR, rtype)
            x = (coal.resolve + c.threat_pull["major"] - m.activation_threshold - c.response_costs[rtype]) \
                / m.activation_noise
            _, _, at_once = structural_activation(x, coal.binding(Action.MAJOR).astype(float), c.automaticity,
                                                  m.binding_pull, m.activation_noise)
            assert np.allclose(one_by_one, at_once, rtol=0, atol=1e-12)


def test_ratified_members_respond_with_military_more_often():
    calls = 150
    means = {}
    for ratified in (True, False):
        model = make(seed=5)
        coal = model.coalition
        coal.ratified[:] = ratified
        coal.refresh_pledges()
        resolve = coal.resolve.copy()
        counts = []
        for _ in range(calls):
            coal.resolve[:] = resolve  # each call sees the same politics
            before = coal.activations["military"].sum()
            model.responses.members_respond(Action.MAJOR, 0, 1, 1)
            for week in range(13):  # responses take effect after each member's lag (and vote)
                model.responses.week(week)
            counts.append(coal.activations["military"].sum() - before)
        means[ratified] = (np.mean(counts), np.std(counts))
    (m_r, s_r), (m_p, s_p) = means[True], means[False]
    # 150 calls: standard errors are s/sqrt(150) (< 0.5 activations here); demand a gap of
    # 5 activations and 10 standard errors of the difference.
    se = np.hypot(s_r, s_p) / np.sqrt(calls)
    assert m_r - m_p > max(5.0, 10 * se), means


# --- G0: ratification --------------------------------------------------------------------

def test_in_force_at_ceasefire_ratifies_everyone_at_week_zero():
    model = make({"ratification.in_force_at_ceasefire": True}, seed=3)
    coal = model.coalition
    n = coal.n_members
    assert coal.ratified[:n].all() and not coal.ratified[coal.us]  # the US holds no pledge in paris
    assert model.ratified_share == 1.0
    model.run(52)
    assert coal.ratified[:n].all()
    assert model.events.counts["ratification"] == 0


def test_no_ratification_sought_none_ever():
    sc = with_overrides(PARIS, {"ratification.seek_ratification": False})
    for seed in range(5):
        res = simulate(sc, seed)
        assert max(res.steps["ratified_share"]) == 0.0
        assert res.run["ratified_members"] == 0 and not res.run["us_ratified"]
        assert not weeks_of(res.events, "ratification")


def test_ratification_failure_follows_each_members_data():
    """Failure is drawn per member from the data file (ratification_failure_probability)."""
    seeds = 300
    fails = None
    for seed in range(seeds):
        coal = make(seed=seed).coalition
        fails = coal.ratification_fails.astype(int) if fails is None else fails + coal.ratification_fails
    n = coal.n_members
    p = coal.failure_probability[:n]
    rate = fails[:n] / seeds
    # Binomial standard error at p=0.5 and 300 runs is 0.029: 4.5 standard errors of tolerance.
    assert np.all(np.abs(rate - p) < 0.13), list(zip(coal.names, p, rate))
    assert rate[p >= 0.4].mean() > rate[p <= 0.05].mean() + 0.3
    never = make({"ratification.failure_multiplier": 0.0}, seed=1)
    assert not never.coalition.ratification_fails[:n].any()


def test_longer_lags_ratify_later():
    means = []
    for mult in (0.5, 1.0, 2.0):
        weeks = []
        for seed in range(8):
            model = make({"ratification.lag_multiplier": mult}, seed)
            coal = model.coalition
            # Lags count from the finalisation of the commitments (G4 "will finalise").
            weeks += list(coal.ratification_week[: coal.n_members] - coal.finalised_week)
        means.append(np.mean(weeks))
    assert means[0] < means[1] < means[2], means
    # Lags scale with the multiplier (jitter is common to the three): about x2 per doubling.
    assert means[2] / means[1] == pytest.approx(2.0, rel=0.1)


def test_ratification_events_come_later_with_longer_lags():
    def mean_week(mult):
        weeks = []
        for seed in range(6):
            m = make({"ratification.lag_multiplier": mult, "ratification.failure_multiplier": 0.0},
                     seed, collect_steps=False).run(200)
            weeks += [e.week for e in m.events.rows if e.kind == "ratification" and e.actor != "United States"]
        return np.mean(weeks)

    assert mean_week(0.5) < mean_week(1.0) < mean_week(2.0)


def test_structural_credibility_rises_when_members_ratify():
    model = make(seed=3)
    coal = model.coalition
    n = coal.n_members
    before = model.russia.reading.structural_credibility[Action.MAJOR]
    # The first successful ratification, applied by the model's own weekly procedure.
    order = np.argsort(coal.ratification_week[:n])
    first = next(i for i in order if not coal.ratification_fails[i])
    week = int(coal.ratification_week[first])
    coal.advance_politics(week)
    reading = model.russia.reading
    reading.reassess(noise=False)
    assert coal.ratified[first]
    after_one = reading.structural_credibility[Action.MAJOR]
    assert after_one > before  # binding members raise the prior (failures leave it alone)
    coal.ratified[:n] = True
    coal.refresh_pledges()
    reading.reassess(noise=False)
    assert reading.structural_credibility[Action.MAJOR] > max(before, after_one) + 0.1
    # And Russia's belief (before any learning) follows the prior.
    assert reading.credibility(Action.MAJOR) == pytest.approx(reading.structural_credibility[Action.MAJOR])


# --- pledges through changes of government ---------------------------------------------

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


def test_pledged_power_follows_every_dropped_pledge():
    """A pledge dropped by a new government lowers the pledged power at once, framework nation or
    not (Russia's reading rebuilds from it); it was refreshed only after a framework nation's or
    the US's change."""
    from sim.ladder import VIOLATIONS as LEVELS

    model = make({"members.political_drop_probability": 1.0, "members.government_change_scale": 3.0,
                  "ratification.seek_ratification": False}, seed=6, collect_steps=False)
    coal = model.coalition
    c = model.scenario_config.commitments
    dropped_by_others = 0
    for _ in range(150):
        before = coal.pledges.copy()
        model.step()
        lost = np.flatnonzero(before & ~coal.pledges)
        dropped_by_others += int((~coal.framework_nation[lost]).sum())
        for level in LEVELS:
            expected = sum(c.response_weights[t] * (coal.capacity[t] * coal.pledges * coal.can_pledge[t]).sum()
                           for t in c.response_menu.get(level.label, []))
            assert coal.pledged_power[level] == pytest.approx(expected), (model.week, level)
    assert dropped_by_others >= 3  # the case was exercised
