"""Data files (the coalition members): every cell checked against its column's spec, errors name
the file, the line and the scenario key that pointed there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.config import ConfigError, scenarios
from tests.helpers import write


@pytest.fixture
def library(tmp_path, monkeypatch):
    """A copy of the scenarios library with its members file, used by load_scenario."""
    lib = tmp_path / "lib"
    shutil.copytree(scenarios.SCENARIOS_DIR, lib)
    monkeypatch.setattr(scenarios, "SCENARIOS_DIR", lib)
    return lib / "coalition_members.csv"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


DATA_CASES = {
    "negative_spending": (lambda p: _edit(p, "Germany,DEU,europe,0,0,88.5", "Germany,DEU,europe,0,0,-88.5"),
                          ["defence_spending_usd_bn", "out of range", "'-88.5'", "0 or more"], True),
    "text_in_number": (lambda p: _edit(p, "Germany,DEU,europe,0,0,88.5", "Germany,DEU,europe,0,0,lots"),
                       ["defence_spending_usd_bn", "not a number", "'lots'"], True),
    "empty_cell": (lambda p: _edit(p, "Germany,DEU,europe,0,0,88.5", "Germany,DEU,europe,0,0,"),
                   ["defence_spending_usd_bn", "empty cell"], True),
    "negative_lag": (lambda p: _edit(p, ",81.8,3644,26,", ",81.8,3644,-26,"),
                     ["ratification_lag_weeks", "out of range", "'-26'"], True),
    "unterminated_quote": (lambda p: _edit(p, "France,FRA", '"France,FRA'), ["quote", "never closed"], True),
    "binary": (lambda p: p.write_bytes(b"\x00\x01\x02PK"), ["binary"], False),
    "missing": (lambda p: p.unlink(), ["not found"], False),
    "directory": (lambda p: (p.unlink(), p.mkdir()), ["is a folder"], False),
    "misspelt_column": (lambda p: _edit(p, "usd_bn,gdp_usd_bn,", "usd_bn,gdp_usd_bm,"),
                        ["gdp_usd_bm", "did you mean 'gdp_usd_bn'", "missing column"], True),
}


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_members_data_file_is_validated(library, tmp_path, case, bad_input):
    spoil, words, has_line = DATA_CASES[case]
    spoil(library)
    for args in (["validate", "paris_declaration"], ["run", "paris_declaration", "--out", tmp_path / "o"]):
        err = bad_input(*args)
        assert "coalition_members.csv" in err and "members.data_file" in err, err
        for w in words:
            assert w in err, (w, err)
        if has_line:
            assert "coalition_members.csv:" in err
    assert not (tmp_path / "o").exists()


def test_data_file_error_names_the_key_that_pointed_there(library, tmp_path, bad_input):
    (library.parent / "other.csv").write_text("name,iso3\nX,XXX\n")
    write(tmp_path, "s.yaml", "extends: paris_declaration\nmembers:\n  data_file: other.csv\n")
    err = bad_input("validate", tmp_path / "s.yaml")
    assert "other.csv:1" in err and "missing column" in err and "members.data_file in" in err and "s.yaml:3" in err


def test_read_members_delegates_to_the_spec(tmp_path):
    from sim.config.datafiles import MEMBERS, read_table
    from sim.data import read_members

    shipped = scenarios.SCENARIOS_DIR / "coalition_members.csv"
    read_members.cache_clear()
    table = read_members(shipped)
    assert list(table.columns) == [c.name for c in MEMBERS.columns] and len(table) == 34  # North Macedonia removed (issue 18)
    assert table["borders_russia"].dtype == bool and table["gdp_usd_bn"].dtype == "float64"
    bad_file = tmp_path / "m.csv"
    bad_file.write_text(shipped.read_text().replace("United Kingdom,GBR", "United Kingdom,gbr"))
    with pytest.raises(ConfigError, match=r"m\.csv:\d+: iso3: not an allowed value \(given: 'gbr'\)"):
        read_members(bad_file)
    with pytest.raises(ConfigError):
        read_table(bad_file, MEMBERS)
