"""Issue 20, the inputs: limits before any work, regular files only, strict types and real dates
everywhere, country codes checked against the members file, a posterior that sets only calibrated
constants, every check a run makes made by ``validate`` (exit 2), messages that name the file,
key or flag, the value and what is allowed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim import api
from sim.config import ConfigError, load_scenario
from sim.config.limits import MAX_POSTERIOR_DRAWS, SEED_MAX, cores
from sim.config.posterior import fitted_names, load_posterior
from sim.config.schema import MAX_SHOCKS
from sim.errors import BadInput
from tests.helpers import ROOT, TINY_EXPERIMENT, line_of, write

FITTED = fitted_names()[0]
SHIPPED = ROOT / "scenarios"


def posterior_file(folder: Path, header: str = f"weight,{FITTED}", rows: str = "1,7.0\n0.5,8.0\n") -> Path:
    return write(folder, "posterior.csv", header + "\n" + rows)


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


# --- hangs: limits before the work, regular files only -----------------------------------------

def test_thousands_of_shocks_are_refused_and_a_thousand_are_linear(tmp_path):
    shock = "  - week: {w}\n    set: {{monitoring.coverage: 0.5}}\n"
    many = write(tmp_path, "many.yaml", "extends: paris_declaration\nshocks:\n"
                 + "".join(shock.format(w=i % 250) for i in range(3000)))
    with pytest.raises(ConfigError, match=f"3,000 shocks.*at most {MAX_SHOCKS:,}"):
        load_scenario(many)
    ok = write(tmp_path, "ok.yaml", "extends: paris_declaration\nshocks:\n"
               + "".join(shock.format(w=i % 250) for i in range(MAX_SHOCKS)))
    assert len(load_scenario(ok).shocks) == MAX_SHOCKS  # quadratic validation would not finish in the suite


def test_sensitivity_size_is_capped_before_any_run(tmp_path, bad_input):
    pytest.importorskip("SALib")
    err = bad_input("sensitivity", "--samples", "1000000", "--replicates", "1000", "--out", tmp_path / "s")
    assert "--max-runs" in err and "runs" in err and not (tmp_path / "s").exists()
    post = posterior_file(tmp_path)
    err = bad_input("sensitivity", "--plausible", "--posterior", post, "--worlds", "100000", "--replicates", "1000",
                    "--out", tmp_path / "s")
    assert "--max-runs" in err and "--worlds" in err and not (tmp_path / "s").exists()


def test_api_sweep_size_is_capped(tmp_path):
    big = {"scenarios": "budapest_memorandum", "design": "lhs", "samples": 1_000, "replications": 90_000,
           "levers": {"monitoring.coverage": {"low": 0.0, "high": 1.0}}}
    with pytest.raises(BadInput, match="90,000,000 runs, more than max_runs 1,000,000"):
        api.sweep(big)
    with pytest.raises(BadInput, match="max_runs"):
        api.sweep(big, out=tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_fifos_devices_and_folders_are_refused_without_blocking(tmp_path, fifo, bad_input):
    err = bad_input("validate", fifo)
    assert "is a named pipe (FIFO)" in err and str(fifo) in err
    for where in (fifo, tmp_path, Path("/dev/zero")):
        err = bad_input("run", "budapest_memorandum", "--weeks", "3", "--posterior", where, "--out", tmp_path / "o")
        assert str(where) in err and ("FIFO" in err or "folder" in err or "device" in err), err
        with pytest.raises(ConfigError):
            api.run_experiment(seed=1, weeks=3, posterior=where)
    assert not (tmp_path / "o").exists()


def test_posterior_draws_and_api_limits(tmp_path, bad_input):
    post = posterior_file(tmp_path)
    err = bad_input("sweep", "quick", "--posterior", post, "--posterior-draws", "1000000000", "--out", tmp_path / "o")
    assert "--posterior-draws" in err and f"{MAX_POSTERIOR_DRAWS:,}" in err
    with pytest.raises(ConfigError, match="posterior_draws"):
        api.sweep("quick", posterior=post, posterior_draws=10**9)
    with pytest.raises(ConfigError, match=r"seed.*not a seed"):
        api.run_experiment(seed=SEED_MAX + 1)
    with pytest.raises(ConfigError, match="workers"):
        api.sweep("quick", workers=4 * cores() + 1)
    for bad in (3, b"posterior.csv", tmp_path):
        with pytest.raises(ConfigError, match="posterior"):
            api.run_experiment(seed=1, weeks=3, posterior=bad)


# --- real dates with file:line -------------------------------------------------------------------

def test_impossible_dates_in_yaml_give_file_and_line(tmp_path, bad_input):
    shock = write(tmp_path, "shock.yaml", """
        extends: paris_declaration
        shocks:
          - date: 2029-02-30
            set: {united_states.leads_monitoring: false}
        """)
    err = bad_input("validate", shock)
    assert line_of(err, "shock.yaml") == 3 and "2029-02-30" in err
    cease = write(tmp_path, "cease.yaml", "extends: paris_declaration\nceasefire_date: 2027-02-29\n")
    err = bad_input("validate", cease)
    assert line_of(err, "cease.yaml") == 2 and "2027-02-29" in err and "ceasefire_date" in err
    grid = write(tmp_path, "grid.yaml", TINY_EXPERIMENT.replace(
        "levers:\n      monitoring.coverage: [0.3, 0.9]",
        "uncertainties:\n      ceasefire_date: [2026-07-01, 2029-02-30]"))
    err = bad_input("validate", grid)
    assert line_of(err, "grid.yaml") is not None and "2029-02-30" in err


def test_impossible_date_in_a_studys_elections_csv(study, bad_input):
    path = study / "scenarios" / "elections.csv"
    lines = (SHIPPED / "elections.csv").read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line and not line.startswith(("#", "iso3")))
    cells = lines[first].split(",")
    cells[2] = "2029-02-30"
    lines[first] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for args in (("validate", path), ("validate", "paris_declaration"),
                 ("run", "paris_declaration", "--weeks", "3", "--out", study / "o")):
        err = bad_input(*args)
        assert f"elections.csv:{first + 1}" in err and "2029-02-30" in err and "not a date the calendar has" in err
    assert not (study / "o").exists()


# --- country codes against the members file -------------------------------------------------------

@pytest.mark.parametrize("name, code", [("elections.csv", "GRB"), ("force_contributions.csv", "UKK")])
def test_a_misspelt_country_code_in_study_data_is_an_error(study, bad_input, name, code):
    path = study / "scenarios" / name
    lines = (SHIPPED / name).read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("GBR,"))
    lines[row] = code + lines[row][3:]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for target in (path, "paris_declaration"):
        err = bad_input("validate", target)
        assert f"{name}:{row + 1}" in err and code in err and "coalition_members.csv" in err, err


def test_a_study_data_file_that_is_not_a_file_never_falls_back(study, bad_input):
    (study / "scenarios" / "force_contributions.csv").symlink_to("/dev/null")
    (study / "scenarios" / "elections.csv").mkdir()
    err = bad_input("validate", "paris_declaration")
    assert "force_contributions.csv" in err or "elections.csv" in err
    assert "is a device" in err or "is a folder" in err


def test_a_byte_order_mark_is_accepted_in_the_members_file(study, run_cli):
    text = (SHIPPED / "coalition_members.csv").read_bytes()
    (study / "scenarios" / "coalition_members.csv").write_bytes(b"\xef\xbb\xbf" + text)
    bom_yaml = study / "scenarios" / "bom.yaml"
    bom_yaml.write_bytes(b"\xef\xbb\xbfextends: paris_declaration\nmonitoring:\n  coverage: 0.5\n")
    elections = study / "scenarios" / "elections.csv"
    elections.write_bytes(b"\xef\xbb\xbf" + (SHIPPED / "elections.csv").read_bytes())
    done = run_cli("validate", study / "scenarios" / "coalition_members.csv", elections, bom_yaml, "paris_declaration")
    assert done.code == 0, done.err
    assert "\ufeff" not in done.err + done.out
    assert load_scenario(bom_yaml).monitoring.coverage == 0.5


# --- a posterior sets only calibrated constants, as numbers ------------------------------------------

@pytest.mark.parametrize("header, rows, words", [
    ("weight,horizon_weeks", "1,52\n", "not a calibrated constant"),
    ("weight,monitoring.coverage", "1,0.5\n", "not a calibrated constant"),
    (f"weight,{FITTED}", "1,7_3\n", "'7_3' is not a number"),
    (f"weight,{FITTED}", "1,nan\n", "'nan' is not a number"),
    (f"weight,{FITTED}", "1,infinity\n", "is not a number"),
])
def test_a_posterior_is_strict(tmp_path, bad_input, header, rows, words):
    path = posterior_file(tmp_path, header, rows)
    with pytest.raises(ConfigError, match=words):
        load_posterior(path)
    err = bad_input("run", "budapest_memorandum", "--weeks", "3", "--posterior", path, "--out", tmp_path / "o")
    assert "posterior.csv:" in err and words in err and not (tmp_path / "o").exists()


# --- shocks as strict as plain keys ------------------------------------------------------------------

@pytest.mark.parametrize("key, value", [("monitoring.coverage", '"0.5"'), ("united_states.leads_monitoring", '"no"'),
                                        ("united_states.leads_monitoring", "0"), ("monitoring.coverage", "true")])
def test_shock_values_are_as_strict_as_plain_keys(tmp_path, bad_input, key, value):
    path = write(tmp_path, "s.yaml", f"extends: paris_declaration\nshocks:\n  - week: 5\n    set:\n"
                                     f"      {key}: {value}\n")
    err = bad_input("validate", path)
    assert f"shocks.0.set.{key}" in err and "allowed:" in err and line_of(err, "s.yaml") == 5, err
    plain = write(tmp_path, "p.yaml", f"extends: paris_declaration\n{key.split('.')[0]}:\n  {key.split('.')[1]}: "
                                      f"{value}\n")
    bad_input("validate", plain)  # the same value as a plain key: refused too


def test_shock_errors_say_what_is_allowed(tmp_path, bad_input):
    path = write(tmp_path, "s.yaml", "extends: paris_declaration\nshocks:\n  - set: {monitoring.coverage: 0.5}\n")
    err = bad_input("validate", path)
    assert "exactly one of date or week" in err and "allowed: date: YYYY-MM-DD" in err


# --- every check a run makes is made by validate (exit 2); shocks after the horizon -----------------

def test_an_experiment_shorter_than_its_shock(tmp_path, run_cli):
    """validate and the sweep agree: a shock after the experiment's horizon does not happen (a note)."""
    exp = write(tmp_path, "short.yaml", "scenarios: [us_withdraws_2029, paris_declaration]\ndesign: scenarios\n"
                                     "replications: 2\nhorizon_weeks: 20\n")
    done = run_cli("validate", exp)
    assert done.code == 0 and "falls after the 20 weeks simulated" in done.err
    done = run_cli("sweep", exp, "--out", tmp_path / "o", "--workers", "1")
    assert done.code == 0, done.err
    assert not (tmp_path / "o.partial").exists() and (tmp_path / "o" / "runs.csv").is_file()
    done = run_cli("run", "us_withdraws_2029", "--weeks", "10", "--out", tmp_path / "r")
    assert done.code == 0 and "does not happen in this run" in done.err
    assert "edit" not in done.err


def test_an_experiment_horizon_a_design_point_refuses_is_found_by_validate(tmp_path, bad_input):
    exp = write(tmp_path, "long.yaml", "scenarios: [paris_declaration]\nreplications: 2\nhorizon_weeks: 9999\n")
    err = bad_input("validate", exp)
    assert "horizon_weeks" in err and "9999" in err and line_of(err, "long.yaml") == 3


# --- messages --------------------------------------------------------------------------------------

def test_a_bad_scenarios_dir_is_named(tmp_path, monkeypatch, bad_input):
    from sim.config import scenarios

    monkeypatch.setenv("SIM_SCENARIOS_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(scenarios, "SCENARIOS_DIR", tmp_path / "nowhere")
    err = bad_input("scenarios")
    assert "$SIM_SCENARIOS_DIR" in err and "nowhere" in err and "does not exist" in err


def test_init_dot_in_an_empty_folder(tmp_path, monkeypatch, run_cli):
    target = tmp_path / "empty"
    target.mkdir()
    monkeypatch.chdir(target)
    done = run_cli("init", ".")
    assert done.code == 0, done.err
    assert (target / "sim-study.yaml").is_file() and (target / "scenarios" / "my_design.yaml").is_file()
