"""Ukraine's forces (sim/agents/ukraine.py) and Russia's production: the army the peace allows,
equipment from aid, finite stockpiles paid out of the aid budget, and Russia re-equipping."""

from __future__ import annotations

import pytest

from sim.config import load_scenario, with_overrides
from sim.ladder import Action
from sim.model import DeterrenceModel

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
