"""Strategic warning as written (sim/warning.py): who sees which indicators, what a warning leaves
behind (nothing lasting), and what false alarms cost."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load_scenario, with_overrides
from sim.ladder import Week
from sim.model import DeterrenceModel
from sim.runner import replicate_seed

PARIS = load_scenario("paris_declaration")


def make(overrides: dict | None = None, seed: int = 0) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(PARIS, overrides or {}), seed, collect_steps=False)


def test_the_baseline_has_only_what_the_text_has():
    assert PARIS.warning.measures == []  # no measures agreed in advance


def test_monitors_see_tactical_indicators_only_and_us_intelligence_adds_to_strategic_ones():
    base = make()
    no_monitors = make({"monitoring.coverage": 0.0})
    strategic, tactical = base.warning.p_detect
    assert no_monitors.warning.p_detect[0] == pytest.approx(strategic)  # the build-up in depth: intelligence only
    assert no_monitors.warning.p_detect[1] < tactical
    shared = make({"united_states.shares_intelligence": True})
    alone = make({"united_states.shares_intelligence": False})
    assert shared.warning.p_detect[0] > alone.warning.p_detect[0]


def _false_alarm(model: DeterrenceModel, week: int, signs: int = 6) -> None:
    """Intelligence reports signs of a preparation that is not under way (Russia complies throughout)."""
    def act(w: int) -> Week:
        model.russia.action = 0
        return Week(indicators=signs if w == week else 0)
    model.russia.act = act


def test_a_false_alarm_leaves_no_strength_behind():
    """Readiness rises while warned, then the strength is no higher than without the warning."""
    over = {"warning.threshold": 1, "warning.delay_weeks": 0, "cooperation.intelligence_sharing": 1.0,
            "warning.measures": ["stockpile_prepositioning"], "warning.false_indicator_rate": 0.0,
            "united_states.shares_intelligence": False}
    for seed in range(5):
        warned, quiet = make(over, seed), make({**over, "warning.coalition_intelligence_detection": 0.0}, seed)
        _false_alarm(warned, 20)
        _false_alarm(quiet, 20)
        warned.run(21)
        quiet.run(21)
        assert warned.warning.warnings == 1 and quiet.warning.warnings == 0
        assert warned.ukraine.prepositioned > 0.0 and warned.ukraine.defence > quiet.ukraine.defence
        warned.run(60)
        quiet.run(60)
        assert warned.ukraine.prepositioned == 0.0
        assert warned.ukraine.stockpile == pytest.approx(quiet.ukraine.stockpile)  # the stock went back
        assert warned.ukraine.strength <= quiet.ukraine.strength + 1e-12  # readiness wore, nothing added
        assert warned.warning.false_alarms == 1


def test_false_alarms_cost_resolve_and_make_the_next_warning_harder():
    over = {"warning.threshold": 1, "warning.delay_weeks": 0, "cooperation.intelligence_sharing": 1.0,
            "warning.false_indicator_rate": 0.0, "members.threat_rally": 0.0, "members.resolve_drift": 0.0,
            "united_states.shares_intelligence": False}
    warned, quiet = make(over, 3), make({**over, "warning.coalition_intelligence_detection": 0.0}, 3)
    for m in (warned, quiet):
        _false_alarm(m, 10)
        m.run(30)
    assert warned.coalition.resolve.mean() < quiet.coalition.resolve.mean()
    assert warned.warning.false_alarms == 1
    assert warned.warning.threshold() == 1 + PARIS.warning.false_alarm_threshold_step


@pytest.mark.slow
def test_more_false_alarms_do_not_make_ukraine_safer():
    """Paired runs (common random numbers) at a false-indicator rate ten times the default: the risk of an
    armed attack is no lower. 600 pairs; a drop of more than 2 points would be significant at about 3 sd."""
    n = 600
    attacks = {}
    for rate in (0.05, 0.5):
        sc = with_overrides(PARIS, {"warning.false_indicator_rate": rate})
        attacks[rate] = np.array([DeterrenceModel(sc, replicate_seed(9, k), collect_steps=False,
                                                  record_events=False).run().war.armed_attack_week is not None
                                  for k in range(n)])
    assert attacks[0.5].mean() >= attacks[0.05].mean() - 0.02, (attacks[0.5].mean(), attacks[0.05].mean())
