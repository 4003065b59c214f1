"""Ukraine's forces: the stockpile surge after an attack (G2); training, co-production and
intelligence sharing (G5).

Ukraine's forces (sim/agents/ukraine.py) and Russia's production: the army the peace allows,
equipment from aid, finite stockpiles paid out of the aid budget, and Russia re-equipping."""

from __future__ import annotations

import pytest

from sim.config import load_scenario, with_overrides
from sim.ladder import Action
from sim.model import DeterrenceModel
from tests.model.drive import force_actions, make, weeks_of

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
    surges = weeks_of(model.events.rows, "surge")
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
    assert weeks_of(model.events.rows, "surge") == [15]
    assert model.ukraine.surges_received == 1


def test_no_surge_without_stockpile_access():
    model, _ = _attack_run({"support.stockpile_access": False}, 20, 80)
    assert model.escalation_week == 20
    assert model.ukraine.surges_received == 0
    assert not weeks_of(model.events.rows, "surge")
    assert not [e for e in model.events.rows if e.clause == "G2"]


# --- G5: defence cooperation --------------------------------------------------------------

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


PARIS = load_scenario("paris_declaration")


def quiet(overrides: dict | None = None, seed: int = 0, weeks: int = 260) -> DeterrenceModel:
    """A run in which Russia only complies (nothing but the forces' own evolution)."""
    m = DeterrenceModel(with_overrides(PARIS, overrides or {}), seed, collect_steps=False)
    from sim.ladder import Week

    def act(week):
        m.russia.action = Action.COMPLY
        return Week()
    m.russia.act = act
    return m.run(weeks)


def test_manpower_demobilises_to_the_cap_at_its_speed():
    u = PARIS.ukraine
    m = quiet(weeks=10)
    assert m.ukraine.manpower == pytest.approx(1.0 - 10 * u.demobilisation_per_week)
    m.run(250)
    assert m.ukraine.manpower == pytest.approx(u.army_cap_thousands / u.personnel_thousands)
    assert quiet({"ukraine.army_cap_thousands": 0.0}).ukraine.manpower == 1.0  # no cap: no demobilisation
    assert quiet({"ukraine.army_cap_thousands": 600.0}).ukraine.manpower == pytest.approx(600 / 880)


def test_aid_always_adds_strength_and_a_smaller_army_is_better_equipped():
    weak, base, strong = (quiet({"support.volume": v}).ukraine for v in (0.0, 1.0, 2.0))
    assert weak.strength < base.strength < strong.strength  # no ceiling makes aid inert
    small = quiet({"ukraine.army_cap_thousands": 600.0}).ukraine
    assert small.equipment > base.equipment and small.strength < base.strength


def test_five_years_of_peace_do_not_triple_ukraines_defence():
    start = DeterrenceModel(PARIS, 0).ukraine.defence
    m = quiet()
    assert 1.1 * start < m.ukraine.defence < 2.0 * start


def test_stockpiles_are_finite_and_restocked_out_of_the_aid_budget():
    s = PARIS.support
    m = quiet(weeks=5)
    u = m.ukraine
    assert u.stockpile == pytest.approx(s.stockpile_size)
    u.release_stockpile(5, "stockpile_release", None, None)
    assert u.stockpile == pytest.approx(max(0.0, s.stockpile_size - s.surge_size))
    u.release_stockpile(5, "stockpile_release", None, None)
    released = u.stockpile_released
    assert released <= s.stockpile_size + 1e-12  # nothing beyond what is in stock
    twin = quiet(weeks=5).ukraine
    m.run(20)
    twin_m = twin.model
    twin_m.run(20)
    assert u.stockpile == pytest.approx(min(s.stockpile_size, 20 * s.stockpile_replenish_per_week))
    # Restocking came out of the aid: before the released stock arrived, equipment grew less.
    assert u.equipment < twin.equipment + released / (u.base_strength * u.manpower)


def test_russia_re_equips_at_its_production_rate_less_the_sanctions_drain():
    r = PARIS.russia
    m = quiet(weeks=52)
    drain = 1.0 - min(r.sanctions_drain_cap, m.sanctions.level)
    assert m.russia.strength == pytest.approx(r.initial_strength + r.production_per_year * drain, rel=0.05)
    more = quiet({"russia.production_per_year": 0.3}, weeks=52)
    assert more.russia.strength > m.russia.strength
    capped = quiet({"russia.production_per_year": 1.0, "russia.max_strength_gain": 0.2})
    assert capped.russia.strength == pytest.approx(1.2)
