"""Dated shocks change exactly the roles they name, on their week."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.config import load_scenario, with_overrides
from sim.model import DeterrenceModel
from tests.model.drive import PARIS, kinds, make


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
