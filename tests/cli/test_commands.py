"""The command line: validate, scenarios, run, help, the options' checks and the exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.config import shipped_scenarios
from tests.helpers import ROOT, assert_bad_input, sim_process

SHIPPED = sorted(shipped_scenarios())


# --- validate ------------------------------------------------------------------------------

def test_validate_every_shipped_scenario(run_cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    done = run_cli("validate", *(f"scenarios/{n}.yaml" for n in SHIPPED))
    assert done.code == 0, done.err
    assert done.out.count("ok:") == len(SHIPPED) == 10
    for name in SHIPPED:
        assert f"{name}.yaml" in done.out


def test_validate_shipped_scenarios_by_name(run_cli):
    done = run_cli("validate", *SHIPPED)
    assert done.code == 0, done.err
    assert [ln.split()[1] for ln in done.out.splitlines()] == SHIPPED


# --- scenarios ----------------------------------------------------------------------------

def test_scenarios_lists_the_ten_with_descriptions(run_cli):
    done = run_cli("scenarios")
    assert done.code == 0, done.err
    lines = [ln for ln in done.out.splitlines() if ln.strip()]
    expected = {"paris_declaration", "minsk_analogue", "budapest_memorandum", "no_us_backstop",
                "political_only", "forward_tripwire", "article5_like", "paris_us_bilateral", "us_withdraws_2029",
                "ceasefire_reference"}
    names = {ln.split()[0] for ln in lines}
    assert names == expected and len(lines) == 10
    for ln in lines:
        assert len(ln.split(None, 1)) == 2 and len(ln.split(None, 1)[1]) > 20, ln  # a description
    assert "Assurances only (1994)" in done.out


# --- run ----------------------------------------------------------------------------------

def test_run_writes_four_files_and_summarises(tmp_path):
    # A real process: what a user runs, output and exit code included.
    proc = sim_process("run", "budapest_memorandum", "--seed", "3", "--weeks", "120", "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    for name in ("runs.csv", "steps.csv", "events.csv", "manifest.json"):
        assert (tmp_path / "o" / name).is_file() and (tmp_path / "o" / name).stat().st_size > 0
    out = proc.stdout.lower()
    for word in ("escalat", "violations", "responses", "seed 3"):
        assert word in out, (word, proc.stdout)
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["weeks"] == 120 and manifest["seed"] == 3
    assert len((tmp_path / "o" / "steps.csv").read_text().splitlines()) == 121


def test_run_default_out_is_results_scenario(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = run_cli("run", "paris_declaration", "--weeks", "5")
    assert done.code == 0, done.err
    assert (tmp_path / "results" / "paris_declaration" / "runs.csv").is_file()


@pytest.mark.parametrize("args,words", [
    (["--weeks", "0"], ["--weeks", "0", "at least 1"]),
    (["--weeks", "ten"], ["--weeks", "'ten'", "whole number"]),
    (["--seed", "-1"], ["--seed", "-1", "at least 0"]),
    (["--seed", "1.5"], ["--seed", "'1.5'", "whole number"]),
])
def test_bad_run_options(tmp_path, bad_input, args, words):
    message = bad_input("run", "paris_declaration", *args, "--out", tmp_path / "o")
    for w in words:
        assert w in message, (w, message)
    assert not (tmp_path / "o").exists()


def test_seed_range(tmp_path, run_cli, bad_input):
    err = bad_input("run", "paris_declaration", "--seed", str(10**29), "--out", tmp_path / "o")
    assert "--seed" in err and "9223372036854775807" in err and not (tmp_path / "o").exists()
    code, _, err = run_cli("run", "paris_declaration", "--seed", str(2**63 - 1), "--weeks", "3",
                           "--out", tmp_path / "o")
    assert code == 0, err
    runs = pd.read_csv(tmp_path / "o" / "runs.csv")
    assert runs["seed"].dtype == "int64" and int(runs["seed"].iloc[0]) == 2**63 - 1


@pytest.mark.parametrize("command", ["sweep", "validate-model"])
def test_workers_are_capped(command, bad_input):
    args = ["sweep", "experiments/quick.yaml"] if command == "sweep" else ["validate-model"]
    err = bad_input(*args, "--workers", "1000")
    assert "--workers" in err and "1000" in err and "cores" in err


# --- help and exit codes ---------------------------------------------------------------------

HELP_OPTIONS = {
    "run": ["--seed", "--weeks", "--out", "SCENARIO"],
    "validate": ["FILE"],
    "scenarios": ["-h"],
    "sweep": ["--workers", "--scheduler", "--out", "--resume", "EXPERIMENT"],
    "analyze": ["DIR"],
    "dashboard": ["--port", "--host"],
    "validate-model": ["--quick", "--out", "--workers"],
    "sensitivity": ["--quick", "--samples", "--replicates", "--top", "--confirm-replicates", "--out", "--overwrite",
                    "--workers"],
}


@pytest.mark.parametrize("command", sorted(HELP_OPTIONS))
def test_help_of_each_subcommand(command, run_cli):
    done = run_cli(command, "--help")
    assert done.code == 0, done.err
    assert f"usage: python -m sim {command}" in done.out
    for option in HELP_OPTIONS[command]:
        assert option in done.out, (option, done.out)


def test_top_level_help_lists_commands(run_cli):
    done = run_cli("--help")
    assert done.code == 0
    for command in HELP_OPTIONS:
        assert command in done.out


def test_no_command_and_unknown_command_exit_2():
    for args in ([], ["frobnicate"]):  # a real process: the exit code the shell sees
        assert_bad_input(sim_process(*args))


def test_exit_codes_are_documented(run_cli):
    code, out, _ = run_cli("--help")
    out = " ".join(out.split())
    assert code == 0 and "0 success" in out and "1 validate-model" in out and "2 bad input" in out
    readme = (ROOT / "README.md").read_text()
    assert "Exit codes" in readme and "refused output folder" in readme
    outputs = (ROOT / "docs" / "OUTPUTS.md").read_text()
    assert "## Output folders" in outputs and "--overwrite" in outputs
