"""Monitoring (G1): detection rises with coverage, the US share of it; warning and its measures (P1)."""

from __future__ import annotations

import pytest

from sim.ladder import RUSSIA, Action, Violation
from tests.model.drive import PARIS, kinds, make, scripted_indicators

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


# --- warning and its measures ------------------------------------------------------------

ALL_MEASURES = ["stockpile_prepositioning", "force_alert", "diplomatic_warning", "sanctions_threat"]


def test_warning_triggers_its_measures_and_readiness():
    model = make({"warning.threshold": 3, "warning.delay_weeks": 0, "monitoring.coverage": 1.0,
                  "cooperation.intelligence_sharing": 1.0, "warning.measures": ALL_MEASURES}, seed=1,
                 collect_steps=False)
    scripted_indicators(model, {40, 41})
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
    scripted_indicators(model, {20})
    model.run(30)
    assert kinds(model, "warning")
    assert {e.actor for e in kinds(model, "warning_measure")} == {"Ukraine"}  # only readiness
    assert not any(e.outcome == "stockpiles_prepositioned" for e in kinds(model, "corrective_measure"))
