"""The 2022 record of response timing (sim/validation/response_timing.py): the record's counts come from
the data file, and the model's measure counts what its members' rule delivers."""

from __future__ import annotations

import numpy as np

from sim.config import data_file_path
from sim.data import read_kiel_2022
from sim.validation import response_timing as rt


def test_record_counts_come_from_the_tracker_and_the_announcements():
    table = read_kiel_2022(data_file_path(rt.RECORD_FILE))
    got = {r.weeks: (r.low, r.high, r.covered) for r in rt.record(table, (1, 4, 8, 12))}
    # The research note's figures (Kiel Ukraine Support Tracker Release 29 and dated announcements):
    # 17 within about a week, 17-23 within 4-5 weeks, 23-28 within 8-9, 28 within 12-14; of 32 covered.
    assert got == {1: (17, 23, 32), 4: (17, 23, 32), 8: (23, 28, 32), 12: (28, 28, 32)}
    # Non-lethal announcements (Ireland, Japan) do not count as military aid.
    counted = rt.record(table.assign(press_non_lethal=False), (1, 4))
    assert [r.low for r in counted] == [18, 19]  # Ireland (27 Feb) within a week, Japan (4 Mar) within four


def test_model_counts_follow_the_members_rule():
    covered = rt.covered_members(read_kiel_2022(data_file_path(rt.RECORD_FILE)))
    political = rt.model_counts(20, covered=covered)
    ratified = rt.model_counts(20, design={"ratification.in_force_at_ceasefire": True}, covered=covered)
    for counts in (political, ratified):
        effect, decided = counts["in_effect"], counts["decided"]
        assert (np.diff(effect, axis=1) >= 0).all() and (np.diff(decided, axis=1) >= 0).all()
        assert (effect <= decided).all()  # what takes effect was decided first (votes may refuse it)
        assert effect.max() <= 32 - 5  # Ireland, Austria, Japan, Cyprus, Iceland pledge no military response
    # Binding commitments in force: a broader and faster answer than political pledges, as the design claims.
    assert ratified["in_effect"][:, 1].mean() > political["in_effect"][:, 1].mean() + 5


def test_compare_reports_each_window():
    frame = rt.compare(seeds=10)
    assert list(frame.weeks) == list(rt.WEEKS)
    assert set(frame.verdict) <= {"below", "within", "above"}
    text = rt.markdown(frame)
    assert text.count("\n| ") == 2 + len(rt.WEEKS) - 1 and "2022 record (aid)" in text
