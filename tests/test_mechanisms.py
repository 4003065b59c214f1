"""One test group per mechanism of the model, each asserting the direction the design claims.

Models are built as ``DeterrenceModel(with_overrides(load_scenario(...), {...}), seed)`` and,
where a mechanism can be isolated, its agent is driven directly. Statistical checks use fixed
seeds and state their tolerance next to the assertion.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from sim.agents.force import ForcePhase
from sim.clauses import Clause
from sim.config import load_scenario, with_overrides
from sim.ladder import RUSSIA, Action, Intent, Violation, Week
from sim.model import DeterrenceModel
from sim.responses import activation_probability, structural_activation
from sim.runner import simulate

PARIS = load_scenario("paris_declaration")


def make(overrides: dict | None = None, seed: int = 0, scenario=PARIS, **kw) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(scenario, overrides or {}), seed, **kw)


def force_actions(model: DeterrenceModel, plan, volume: int = 0) -> None:
    """Replace Russia's campaigns by ``plan(week) -> Action`` (the rest of the week runs as usual);
    ``volume``: ceasefire violations by Russia's side each week it does not comply."""
    russia = model.russia

    def act(week: int) -> Week:
        if russia.intent == Intent.AT_WAR:
            return Week([])
        action = plan(week)
        russia.action = action
        if action == Action.COMPLY:
            return Week([])
        russia.violations[action] += 1  # Russia keeps the record of its own violations
        if action == Action.MAJOR:
            russia.intent = Intent.AT_WAR
            return Week([Violation(week, RUSSIA, action)], launched_war=True)
        return Week([Violation(week, RUSSIA, action)], volume=volume)

    russia.act = act


@pytest.fixture(scope="module")
def paris_runs():
    """30 full paris_declaration runs with their event logs (seeds 0..29)."""
    return [simulate(PARIS, seed, steps=False) for seed in range(30)]


# --- G1: detection rises with coverage -------------------------------------------------

COVERAGES = (0.0, 0.3, 0.6, 0.9, 1.0)


def test_detection_probability_rises_with_coverage_and_falls_with_obstruction():
    values = [make({"monitoring.coverage": c}).monitoring.p_seen[Action.PROBE] for c in COVERAGES]
    assert all(a < b for a, b in zip(values, values[1:])), values
    assert 0.0 <= values[0] and values[-1] <= 1.0
    # An offensive by regular forces is self-evident: always seen, whatever the coverage.
    for level in (Action.LIMITED, Action.MAJOR):
        assert make({"monitoring.coverage": 0.0}).monitoring.p_seen[level] == 1.0
    # Obstruction denies coverage: a serious violation is seen less while Russia obstructs.
    mon = make({"monitoring.obstruction_campaign": 0.6}).monitoring
    calm = mon.p_seen[Action.PROBE]
    mon.count(0, True, 0, False)
    assert mon.p_seen[Action.PROBE] < calm


@pytest.mark.parametrize("level", [Action.PROBE])
def test_detection_rate_observed_matches_p_seen_and_rises(level):
    n = 4000
    rates = []
    for c in COVERAGES:
        model = make({"monitoring.coverage": c, "monitoring.false_alarm_rate": 0.0}, seed=11)
        before = model.events.counts["detection"]
        model.monitoring.observe([Violation(0, RUSSIA, level)] * n, 0)
        rate = (model.events.counts["detection"] - before) / n
        # Binomial sd <= sqrt(0.25/4000) = 0.0079; tolerance 0.03 is > 3.7 sd.
        assert rate == pytest.approx(model.monitoring.p_seen[level], abs=0.03), (c, rate)
        rates.append(rate)
    assert rates[-1] - rates[0] > 0.3, rates
    # Strictly rising wherever p_seen differs by more than the tolerance (all steps for probes).
    p = [make({"monitoring.coverage": c}).monitoring.p_seen[level] for c in COVERAGES]
    for i in range(len(COVERAGES) - 1):
        if p[i + 1] - p[i] > 0.06:
            assert rates[i + 1] > rates[i], (COVERAGES[i], COVERAGES[i + 1], rates)


def test_without_us_lead_coverage_loses_the_us_share():
    full = make({"monitoring.coverage": 0.8, "monitoring.us_lead_share": 0.5})
    no_us = make({"monitoring.coverage": 0.8, "monitoring.us_lead_share": 0.5,
                  "united_states.leads_monitoring": False})
    assert full.monitoring.coverage == pytest.approx(0.8)
    assert no_us.monitoring.coverage == pytest.approx(0.4)
    assert no_us.monitoring.p_seen[Action.PROBE] < full.monitoring.p_seen[Action.PROBE]


# --- C1: the coordination cell shortens detection -> response ----------------------------

@pytest.mark.parametrize("deliberation,response", [(3, 2), (6, 4), (10, 8)])
def test_cell_shortens_total_response_delay(deliberation, response):
    over = {"commission.deliberation_weeks": deliberation, "commitments.response_delay_weeks": response}
    with_cell = make({**over, "coordination_cell.enabled": True})
    without = make({**over, "coordination_cell.enabled": False})
    assert with_cell.russia.outlook.total_response_delay() < without.russia.outlook.total_response_delay()
    assert without.russia.outlook.total_response_delay() == PARIS.monitoring.latency_weeks + deliberation + response


def test_cell_shortens_observed_detection_to_response():
    delays = {True: [], False: []}
    medians = {True: [], False: []}
    for enabled in (True, False):
        sc = with_overrides(PARIS, {"coordination_cell.enabled": enabled})
        for seed in range(12):
            model = DeterrenceModel(sc, seed, collect_steps=False, record_events=False).run()
            # Every response comes exactly the expected delay after its violation (an offensive: at once).
            outlook = model.russia.outlook
            assert set(model.responses.delays) <= {outlook.total_response_delay(Action.PROBE),
                                                   outlook.total_response_delay(Action.LIMITED)}
            delays[enabled] += model.responses.delays
            run = simulate(sc, seed, steps=False, events=False).run
            medians[enabled].append(run["median_response_delay_weeks"])
    assert len(delays[True]) > 50 and len(delays[False]) > 50
    assert np.median(delays[True]) < np.median(delays[False])
    serious = {enabled: [d for d in delays[enabled] if d > PARIS.commitments.response_delay_weeks]
               for enabled in delays}  # the serious violations' chain: deliberated
    assert max(serious[True]) < min(serious[False])
    paired = [(a, b) for a, b in zip(medians[True], medians[False]) if a is not None and b is not None]
    assert len(paired) >= 10
    # Runs diverge after their first decision, so a run's mix of violations (a limited offensive's
    # response is not deliberated) can differ between the designs and tie the medians: the cell never
    # lengthens a run's median response and shortens it in at least three runs of four.
    assert all(a <= b for a, b in paired), paired
    assert sum(a < b for a, b in paired) >= 0.75 * len(paired), paired


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
            counts.append(coal.activations["military"].sum() - before)
        means[ratified] = (np.mean(counts), np.std(counts))
    (m_r, s_r), (m_p, s_p) = means[True], means[False]
    # 150 calls: standard errors are s/sqrt(150) (< 0.5 activations here); demand a gap of
    # 5 activations and 10 standard errors of the difference.
    se = np.hypot(s_r, s_p) / np.sqrt(calls)
    assert m_r - m_p > max(5.0, 10 * se), means


# --- G3: the force deploys only after credible cessation and Ukraine's request ----------

def _weeks(events, kind):
    return [e.week for e in events if e.kind == kind]


def test_force_deploys_only_after_request_and_credible_cessation(paris_runs):
    window = PARIS.force.credible_cessation_window_weeks
    threshold = PARIS.force.credible_cessation_threshold
    requested = 0
    for res in paris_runs:
        ev = res.events
        requests = [e for e in ev if e.kind == "request"]
        begins = [e for e in ev if e.kind == "deployment" and e.outcome == "begins"]
        assert len(begins) <= 1
        if not requests:
            assert not begins
            continue
        requested += 1
        for r in requests:
            assert r.week >= window - 1
            # Credible cessation: ceasefire violations counted a week, over the window, at most the threshold.
            assert r.value <= threshold, (res.run["seed"], r)
        if begins:
            assert begins[0].cause_id == requests[-1].event_id and begins[0].week > requests[-1].week
    assert requested >= 10  # the property was exercised


@pytest.mark.parametrize("window", [20, 40])
def test_longer_cessation_window_delays_the_request(window):
    for seed in range(6):
        res = simulate(with_overrides(PARIS, {"force.credible_cessation_window_weeks": window}),
                       seed, steps=False)
        for r in _weeks(res.events, "request"):
            assert r >= window - 1


def test_no_request_no_force():
    sc = with_overrides(PARIS, {"force.ukraine_requests": False})
    for seed in range(8):
        res = simulate(sc, seed)
        assert set(res.steps["force_phase"]) == {"not_requested"}
        assert not _weeks(res.events, "request") and not _weeks(res.events, "deployment")
        assert res.run["force_deployed_week"] is None
        assert max(res.steps["force_strength"]) == 0.0


def test_no_request_while_violations_are_counted():
    # Russia's side keeps firing above the threshold: the cessation is never credible.
    for seed in range(4):
        model = make({"force.credible_cessation_threshold": 200, "monitoring.coverage": 1.0}, seed,
                     collect_steps=False)
        force_actions(model, lambda week: Action.PROBE, volume=2000)
        model.run()
        assert model.russia.violations[Action.PROBE] == model.horizon
        assert model.events.counts["request"] == 0
        assert model.force.phase == ForcePhase.NOT_REQUESTED
        assert model.force.total_strength == 0.0


def test_request_follows_once_violations_stop():
    # Same set-up, but Russia's side stops firing at week 30: the request comes a window later.
    window = PARIS.force.credible_cessation_window_weeks
    model = make({"force.credible_cessation_threshold": 0, "monitoring.coverage": 1.0,
                  "monitoring.false_alarm_rate": 0.0, "ukraine.violation_rate": 0.0,
                  "ukraine.retaliation_boost": 0.0}, 1, collect_steps=False)
    force_actions(model, lambda week: Action.PROBE if week < 30 else Action.COMPLY, volume=2000)
    model.run(60)
    req = _weeks(model.events.rows, "request")
    assert req == [29 + window]


# --- Russia's beliefs --------------------------------------------------------------------

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


# --- G2: stockpile surge after an attack --------------------------------------------------

def _attack_run(overrides: dict, attack_week: int, weeks: int, seed: int = 4):
    model = make(overrides, seed, collect_steps=False)
    force_actions(model, lambda week: Action.MAJOR if week == attack_week else Action.COMPLY)
    strengths = []
    for _ in range(weeks):
        model.step()
        strengths.append(model.ukraine.strength)
    return model, strengths


@pytest.mark.parametrize("delay", [0, 4, 9])
def test_surge_arrives_after_attack_with_its_delay(delay):
    w, size = 30, 0.4
    # Enough in stock for one release, and no restocking (which would draw on the aid budget).
    over = {"support.surge_delay_weeks": delay, "support.surge_size": size, "support.stockpile_size": size,
            "support.stockpile_replenish_per_week": 0.0}
    model, strengths = _attack_run(over, w, w + delay + 3)
    _, twin = _attack_run({**over, "support.stockpile_access": False}, w, w + delay + 3)
    assert model.escalation_week == w
    surges = _weeks(model.events.rows, "surge")
    assert surges and surges[0] == w + delay
    release = [e for e in model.events.rows if e.kind == "corrective_measure" and e.clause == "G2"]
    assert release and release[0].week == w
    # Same seed, same attack: identical until the surge arrives, then +surge_size exactly.
    assert strengths[: w + delay] == pytest.approx(twin[: w + delay], abs=1e-12)
    assert strengths[w + delay] - twin[w + delay] == pytest.approx(size, abs=1e-9)
    assert model.ukraine.surges_received >= 1


def test_schedule_surge_directly():
    model = make({"support.surge_delay_weeks": 5}, seed=1, collect_steps=False)
    force_actions(model, lambda week: Action.COMPLY)
    model.run(10)
    model.ukraine.release_stockpile(10, "stockpile_release", None, None)
    model.run(4)
    assert model.ukraine.surges_received == 0
    model.run(2)
    assert _weeks(model.events.rows, "surge") == [15]
    assert model.ukraine.surges_received == 1


def test_no_surge_without_stockpile_access():
    model, _ = _attack_run({"support.stockpile_access": False}, 20, 80)
    assert model.escalation_week == 20
    assert model.ukraine.surges_received == 0
    assert not _weeks(model.events.rows, "surge")
    assert not [e for e in model.events.rows if e.clause == "G2"]


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
        assert not _weeks(res.events, "ratification")


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
            weeks += list(model.coalition.ratification_week[: model.coalition.n_members])
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


# --- Clauses in the event log -------------------------------------------------------------

ALLOWED_CLAUSES = {c.value for c in Clause}


def test_every_event_names_a_known_clause():
    assert ALLOWED_CLAUSES == {"P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1", "A"}
    from sim.config import shipped_scenarios
    for name in shipped_scenarios():
        sc = load_scenario(name)
        for seed in range(3):
            res = simulate(sc, seed, steps=False)
            bad = {e.clause for e in res.events} - ALLOWED_CLAUSES
            assert not bad, (name, seed, bad)


@pytest.mark.parametrize("clause", ["P1", "G0", "G1", "G2", "G3", "G4", "C1"])
def test_each_declaration_clause_appears_in_paris_events(paris_runs, clause):
    seen = Counter(e.clause for res in paris_runs for e in res.events)
    assert seen[clause] > 0, f"clause {clause} never named in 30 paris_declaration event logs: {dict(seen)}"


@pytest.mark.parametrize("key,low,high", [("cooperation.training", 0.0, 2.0)])
def test_g5_training_raises_force_quality(key, low, high):
    values = []
    for level in (low, 1.0, high):
        model = make({key: level}, seed=6, collect_steps=False)
        force_actions(model, lambda week: Action.COMPLY)
        q0 = model.ukraine.quality
        model.run(104)
        values.append(model.ukraine.quality - q0)
    assert values[0] == pytest.approx(0.0, abs=1e-12)  # no training, no growth
    assert 0.0 < values[1] < values[2]


def test_g5_co_production_and_intelligence_add_to_defence():
    def after(over):
        model = make(over, seed=6, collect_steps=False)
        force_actions(model, lambda week: Action.COMPLY)
        model.run(52)
        return model

    base, more = after({"cooperation.co_production": 0.0}), after({"cooperation.co_production": 2.0})
    assert more.ukraine.strength > base.ukraine.strength
    blind, sharing = after({"cooperation.intelligence_sharing": 0.0}), after({"cooperation.intelligence_sharing": 1.0})
    assert sharing.monitoring.accuracy > blind.monitoring.accuracy
    assert sharing.warning.p_detect[0] > blind.warning.p_detect[0]  # strategic indicators: intelligence
