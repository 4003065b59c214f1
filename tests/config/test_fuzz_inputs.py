"""Property-based fuzzing (Hypothesis) of the surfaces issue 20 hardened: dated shocks, calendar
dates, posterior files, a study's data files and the Python API's arguments. Any input gives a
result or a clear error (``BadInput``: exit 2 on the command line), never another exception and
never a hang; a date is accepted only when the calendar has it. Bounded as tests/config/test_fuzz.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="fuzzing needs Hypothesis: pip install -e '.[dev]'")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim import api  # noqa: E402
from sim.config import ConfigError, Scenario, load_scenario, parameter_catalogue  # noqa: E402
from sim.config.datafiles import ELECTIONS, FORCE_CONTRIBUTIONS, MEMBERS, check_codes, read_table  # noqa: E402
from sim.config.limits import SEED_MAX  # noqa: E402
from sim.config.posterior import Posterior, fitted_names, load_posterior  # noqa: E402
from sim.errors import BadInput  # noqa: E402
from tests.helpers import ROOT  # noqa: E402

FUZZ = settings(max_examples=30, deadline=10_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

PATHS = sorted(parameter_catalogue())
FITTED = fitted_names()
ODD = ["nan", "inf", "-1", "1e400", "7_3", "0x10", " 1 ", "", "yes", "no", "~", "null", "1,5", "١", "\ufeff1"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz_inputs")


def _clear(exc: BaseException, *names: str) -> None:
    text = str(exc)
    assert text.strip() and "Traceback" not in text
    assert any(n in text for n in names), text


# --- dates ---------------------------------------------------------------------------------------

day_texts = st.tuples(st.integers(1900, 2200), st.integers(0, 13), st.integers(0, 32)).map(
    lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}")


def _real(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@FUZZ
@given(day=day_texts)
def test_a_ceasefire_date_is_accepted_only_when_real(folder, day):
    path = folder / "cease.yaml"
    path.write_text(f"extends: paris_declaration\nceasefire_date: {day}\n")
    try:
        scenario = load_scenario(path)
    except ConfigError as exc:
        _clear(exc, "cease.yaml:2")
        assert "ceasefire_date" in str(exc) and day in str(exc)
    else:
        assert _real(day) and scenario.ceasefire_date == dt.date.fromisoformat(day)


# --- shocks --------------------------------------------------------------------------------------

values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2), st.just(float("nan")),
                   st.sampled_from(ODD), st.lists(st.integers(0, 3), max_size=2))
shock = st.fixed_dictionaries(
    {"set": st.dictionaries(st.one_of(st.sampled_from(PATHS), st.text(max_size=10)), values, max_size=3)},
    optional={"date": day_texts, "week": st.one_of(st.integers(-3, 3000), st.sampled_from(ODD)),
              "description": st.text(max_size=20)})


@FUZZ
@given(shocks=st.lists(shock, max_size=4))
def test_any_shock_is_valid_or_a_clear_error(folder, shocks):
    import yaml

    path = folder / "shock.yaml"
    path.write_text(yaml.safe_dump({"extends": "paris_declaration", "shocks": shocks}, allow_unicode=True))
    try:
        scenario = load_scenario(path)
    except ConfigError as exc:
        _clear(exc, "shock.yaml")
        return
    assert isinstance(scenario, Scenario) and len(scenario.shocks) == len(shocks)
    for s in scenario.shocks:
        for key, value in s.set.items():  # strict: a switch is a bool, a number no string
            spec = parameter_catalogue().get(key)
            if spec is not None and spec.kind == "bool":
                assert isinstance(value, bool)
            if spec is not None and spec.kind in ("int", "float"):
                assert isinstance(value, (int, float)) and not isinstance(value, bool)


# --- posterior files -------------------------------------------------------------------------------

cells = st.one_of(st.floats(0, 20).map(repr), st.integers(-3, 20).map(str), st.sampled_from(ODD), st.text(max_size=6))
headers = st.lists(st.one_of(st.sampled_from(FITTED + ["weight", "particle", "horizon_weeks", "monitoring.coverage",
                                                       "stat_x"]), st.text(max_size=8)),
                   min_size=1, max_size=4)


@FUZZ
@given(header=headers, rows=st.lists(st.lists(cells, min_size=1, max_size=5), max_size=4),
       bom=st.booleans())
def test_any_posterior_file_loads_or_is_a_clear_error(folder, header, rows, bom):
    path = folder / "posterior.csv"
    text = "\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))
    try:
        post = load_posterior(path)
    except ConfigError as exc:
        _clear(exc, "posterior.csv")
        return
    assert isinstance(post, Posterior) and set(post.names) <= set(FITTED)  # only calibrated constants


# --- a study's data files ---------------------------------------------------------------------------

SHIPPED = ROOT / "scenarios"
MEMBER_TABLE = read_table(SHIPPED / "coalition_members.csv", MEMBERS)


@FUZZ
@given(which=st.sampled_from([("elections.csv", ELECTIONS), ("force_contributions.csv", FORCE_CONTRIBUTIONS)]),
       row=st.integers(0, 30), column=st.integers(0, 8),
       cell=st.one_of(st.sampled_from(ODD + ["GRB", "USA", "MKD", "2029-02-30", "2031-13-01", "2028-02-29"]),
                      day_texts, st.text(max_size=8)),
       bom=st.booleans())
def test_any_edit_of_a_data_file_reads_or_is_a_clear_error(folder, which, row, column, cell, bom):
    name, spec = which
    lines = (SHIPPED / name).read_text(encoding="utf-8").splitlines()
    data = [i for i, line in enumerate(lines) if line and not line.startswith("#")][1:]
    i = data[row % len(data)]
    import csv
    import io

    parts = next(csv.reader([lines[i]]))
    parts[column % len(parts)] = cell
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(parts)
    lines[i] = buf.getvalue()
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
    try:
        table = read_table(path, spec)
        check_codes(path, spec, table, MEMBER_TABLE, "coalition_members.csv")
    except ConfigError as exc:
        _clear(exc, name)
        return
    codes = set(MEMBER_TABLE["iso3"]) | {"USA"}
    assert set(table["iso3"]) <= codes  # never a code the members file does not know
    if "date" in table:
        assert all(isinstance(d, dt.date) for d in table["date"])


# --- the API's arguments -------------------------------------------------------------------------------

anything = st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.integers(SEED_MAX - 1, SEED_MAX + 2),
                     st.floats(allow_nan=True), st.text(max_size=6), st.binary(max_size=4),
                     st.lists(st.integers(), max_size=2), st.just(Path("/dev/zero")), st.just(Path("/")))


@FUZZ
@given(seed=anything, weeks=anything, posterior=anything)
def test_run_experiment_arguments(seed, weeks, posterior):
    try:
        out = api.run_experiment(seed=seed, weeks=weeks, posterior=posterior, scenario="budapest_memorandum")
    except BadInput as exc:
        _clear(exc, "seed", "weeks", "posterior", "horizon_weeks", "/dev/zero", "/")
        return
    assert 0 <= seed <= SEED_MAX and "escalated" in out


@FUZZ
@given(workers=anything, max_runs=st.one_of(st.booleans(), st.integers(-2, 10**6), st.floats(allow_nan=True),
                                            st.text(max_size=4)),
       max_gb=anything, draws=anything, overwrite=anything)
def test_sweep_arguments_are_checked_before_any_run(workers, max_runs, max_gb, draws, overwrite):
    big = {"scenarios": "budapest_memorandum", "design": "lhs", "samples": 1_000, "replications": 90_000,
           "levers": {"monitoring.coverage": {"low": 0.0, "high": 1.0}}}
    try:
        api.sweep(big, workers=workers, max_runs=max_runs, max_gb=max_gb, posterior_draws=draws,
                  overwrite=overwrite)
    except BadInput as exc:
        assert str(exc).strip()
    else:
        pytest.fail("9e7 runs must be refused by an argument check or the size cap")
