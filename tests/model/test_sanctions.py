"""Sanctions (G4): relief over time and snapback on attributed violations."""

from __future__ import annotations

import pytest

from tests.model.drive import kinds, make, probing


@pytest.mark.parametrize("rule", ["automatic", "none"])
def test_snapback_fires_on_attributed_violations(rule):
    over = {"sanctions.snapback": rule, "sanctions.snapback_threshold": 1, "sanctions.relief_per_year": 0.5,
            "monitoring.coverage": 1.0, "monitoring.attribution_accuracy": 1.0, "commission.evidence_threshold": 0.0,
            "commission.decision_rule": "us_led", "united_states.resolve": 1.0,
            "monitoring.false_alarm_rate": 0.0, "ukraine.violation_rate": 0.0, "ukraine.retaliation_boost": 0.0}
    model = make(over, seed=3, collect_steps=False)
    probing(model, 60)
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
