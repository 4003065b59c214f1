"""One CSV cell format for every file the tool writes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.files import csv_cell, csv_text


@pytest.mark.parametrize("value, cell", [
    (None, ""), (math.nan, ""), (np.float64("nan"), ""), (True, "True"), (np.bool_(False), "False"),
    (3, 3), (np.int64(7), 7), (0.1 + 0.2, "0.3"), (np.float64(2.5), "2.5"), (1 / 3, "0.3333333333"),
    (["limited", "major"], '["limited","major"]'), ({"military": 0.5}, '{"military":0.5}'), ("rear", "rear"),
])
def test_cells(value, cell):
    assert csv_cell(value) == cell


def test_six_decimals_for_the_analysis_tables():
    assert csv_cell(1 / 3, decimals=6) == "0.333333"
    assert csv_cell(2.3e-10, exact=True) == "2.3e-10" and float(csv_cell(1 / 3, exact=True)) == 1 / 3
    assert csv_cell(2, decimals=6) == 2 and csv_cell(True, decimals=6) == "True" and csv_cell(None, decimals=6) == ""


def test_the_text_reads_back_as_written():
    text = csv_text(["a", "b", "c"], [[1, 0.5, None], [np.int64(2), np.float64(0.25), "x"]])
    assert text == "a,b,c\n1,0.5,\n2,0.25,x\n"
    frame = pd.read_csv(__import__("io").StringIO(text))
    assert list(frame["a"]) == [1, 2] and frame["c"].isna().iloc[0]
