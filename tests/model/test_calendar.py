"""Political time: weeks are dated, elections fall on their dated weeks."""

from __future__ import annotations

import datetime as dt

from sim.config import with_overrides
from sim.runner import simulate
from tests.model.drive import PARIS, kinds, make


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
