"""Reading a sweep folder: a damaged runs.csv is refused with file, line and column, and nothing is
written from it."""

from __future__ import annotations

import shutil

import pytest

from sim.errors import UsageError
from sim.experiments.analysis import analyze_directory
from tests.helpers import tree


def test_missing_runs_csv_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no runs.csv"):
        analyze_directory(tmp_path)


def _set_cell(text: str, column: str, value: str) -> str:
    lines = text.splitlines(keepends=True)
    i = lines[0].rstrip("\n").split(",").index(column)
    cells = lines[1].rstrip("\n").split(",")
    cells[i] = value
    lines[1] = ",".join(cells) + "\n"
    return "".join(lines)


ANALYZE_CASES = {
    "empty": (lambda t: "", ["empty"]),
    "header_only": (lambda t: t.splitlines(keepends=True)[0], ["no runs"]),
    "short_line": (lambda t: t[: len(t) // 2 + (3 if t[len(t) // 2 - 1] == "\n" else 0)], ["runs.csv:"]),
    "text_in_number": (lambda t: _set_cell(t, "survival_weeks", "soon"), ["runs.csv:2", "survival_weeks",
                                                                            "not the declared type", "'soon'"]),
    "not_a_flag": (lambda t: _set_cell(t, "escalated", "maybe"), ["runs.csv:2", "escalated", "True or False"]),
    "out_of_range": (lambda t: _set_cell(t, "survival_weeks", "999"), ["runs.csv:2", "out of range"]),
    "missing_column": (lambda t: "\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != 4)
                                           for line in t.splitlines()) + "\n", ["missing column"]),
    "binary": (lambda t: "\x00\x01garbage", ["binary"]),
    "duplicate_run": (lambda t: t + t.splitlines(keepends=True)[1], ["appears twice"]),
}


@pytest.mark.parametrize("case", sorted(ANALYZE_CASES))
def test_analyze_on_a_damaged_runs_csv(small_sweep, tmp_path, case, bad_input):
    spoil, words = ANALYZE_CASES[case]
    folder = tmp_path / "d"
    shutil.copytree(small_sweep[1], folder)
    runs = folder / "runs.csv"
    runs.write_text(spoil(runs.read_text()))
    before = tree(folder)
    err = bad_input("analyze", folder)
    assert "runs.csv" in err
    for w in words:
        assert w in err, (w, err)
    assert tree(folder) == before  # nothing written from a damaged file
