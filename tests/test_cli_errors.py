"""The command line and every bad input, through a real subprocess (`python -m sim ...`).

Bad input exits 2 with a message, never a traceback; the message reads like a good compiler's:
file, line (where known), key path, the value given and what is allowed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sim.config import shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(shipped_scenarios())


def sim(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def assert_bad_input(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    assert proc.stderr.strip(), "bad input must explain itself on stderr"
    return proc.stderr


def line_of(message: str, filename: str) -> int | None:
    m = re.search(re.escape(filename) + r":(\d+)", message)
    return int(m.group(1)) if m else None


# --- bad scenario files -------------------------------------------------------------------
# (file name, text, must appear in the message, line expected or None when unknown)

CASES = {
    "unknown_key": ("unknown.yaml", """
        extends: paris_declaration
        monitoring:
          coverag: 0.5
        """, ["monitoring.coverag", "unknown key", "did you mean 'coverage'", "allowed:", "latency_weeks"], 3),
    "wrong_type": ("wrongtype.yaml", """
        extends: paris_declaration
        monitoring:
          coverage: high
        """, ["monitoring.coverage", "wrong type", "'high'", "0.0 to 1.0"], 3),
    "out_of_range": ("range.yaml", """
        extends: paris_declaration
        description: coverage too high
        monitoring:
          coverage: 1.5
        """, ["monitoring.coverage", "out of range", "1.5", "0.0 to 1.0"], 4),
    "choice": ("choice.yaml", """
        commission:
          decision_rule: unanimity
        """, ["commission.decision_rule", "'unanimity'", "consensus", "qualified_majority", "us_led"], 2),
    "missing_extends": ("missing.yaml", """
        extends: paris_declaraton
        """, ["extends", "'paris_declaraton'", "not found", "did you mean 'paris_declaration'",
              "budapest_memorandum"], 1),
    "yaml_syntax_mid_file": ("syntax.yaml", """
        monitoring:
          coverage: 0.5
         latency_weeks: 2
        """, ["YAML syntax error"], 3),
    "duplicate_key": ("dup.yaml", """
        monitoring:
          coverage: 0.5
          coverage: 0.6
        """, ["duplicate key 'coverage'", "line 2"], 3),
    "empty_file": ("empty.yaml", "", ["empty", "mapping"], None),
    "comments_only": ("comments.yaml", "# nothing here\n", ["empty", "mapping"], None),
    "top_level_list": ("list.yaml", """
        - monitoring
        - commission
        """, ["mapping", "list"], 1),
    "commission_without_monitoring": ("incoherent.yaml", """
        monitoring:
          enabled: false
        commission:
          enabled: true
        """, ["commission.enabled", "monitoring.enabled"], None),
    "extends_not_a_name": ("extends_list.yaml", """
        extends: [paris_declaration, article5_like]
        """, ["extends", "one scenario", "paris_declaration"], 1),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_scenario_file(tmp_path, case, command):
    name, text, expected, line = CASES[case]
    write(tmp_path, name, text)
    args = ["validate", name] if command == "validate" else ["run", name, "--out", "out"]
    message = assert_bad_input(sim(*args, cwd=tmp_path))
    assert name in message
    for part in expected:
        assert part in message, (part, message)
    if line is not None:
        assert line_of(message, name) == line, message
    if command == "run":
        assert not (tmp_path / "out").exists()  # nothing written for a bad scenario


def test_yaml_syntax_error_at_end_points_inside_the_file(tmp_path):
    # An unclosed bracket on line 2 of a 2-line file: PyYAML only notices at the end of the
    # stream (line 3, past the text); a good compiler also points to where the '[' opened.
    write(tmp_path, "unclosed.yaml", """
        monitoring:
          coverage: [0.5
        """)
    message = assert_bad_input(sim("validate", "unclosed.yaml", cwd=tmp_path))
    assert "YAML syntax error" in message and "unclosed.yaml" in message
    assert line_of(message, "unclosed.yaml") == 2 or "line 2" in message, message


def test_extends_cycle(tmp_path):
    write(tmp_path, "cyc_a.yaml", "extends: cyc_b\n")
    write(tmp_path, "cyc_b.yaml", "extends: cyc_a.yaml\n")
    message = assert_bad_input(sim("validate", "cyc_a.yaml", cwd=tmp_path))
    assert "cycle" in message and "extends" in message
    assert "cyc_a.yaml -> cyc_b.yaml -> cyc_a.yaml" in message


def test_self_extension_is_a_cycle(tmp_path):
    write(tmp_path, "selfish.yaml", "extends: selfish\n")
    message = assert_bad_input(sim("validate", "selfish.yaml", cwd=tmp_path))
    assert "cycle" in message and "selfish.yaml" in message


def test_error_in_parent_is_reported_in_the_parent(tmp_path):
    write(tmp_path, "parent.yaml", """
        extends: paris_declaration
        force:
          build_up_weeks: 0
        """)
    write(tmp_path, "child.yaml", """
        extends: parent
        description: a child of a broken parent
        monitoring:
          coverage: 0.5
        """)
    message = assert_bad_input(sim("validate", "child.yaml", cwd=tmp_path))
    assert line_of(message, "parent.yaml") == 3, message
    assert "force.build_up_weeks" in message and "given: 0" in message and "1 to 104" in message


def test_child_error_points_to_child_even_when_parent_sets_the_key(tmp_path):
    write(tmp_path, "parent.yaml", """
        extends: paris_declaration
        monitoring:
          coverage: 0.5
        """)
    write(tmp_path, "child.yaml", """
        extends: parent
        monitoring:
          coverage: 2.0
        """)
    message = assert_bad_input(sim("validate", "child.yaml", cwd=tmp_path))
    assert line_of(message, "child.yaml") == 3 and "parent.yaml" not in message, message


def test_missing_file_and_unknown_scenario(tmp_path):
    message = assert_bad_input(sim("validate", "nowhere.yaml", cwd=tmp_path))
    assert "nowhere.yaml" in message and "not found" in message
    message = assert_bad_input(sim("run", "paris_declaraton", cwd=tmp_path))
    assert "did you mean 'paris_declaration'" in message


def test_every_problem_in_a_file_is_reported(tmp_path):
    write(tmp_path, "two.yaml", """
        monitoring:
          coverage: 1.5
        force:
          size: -1
        """)
    message = assert_bad_input(sim("validate", "two.yaml", cwd=tmp_path))
    assert "monitoring.coverage" in message and "force.size" in message
    assert line_of(message, "two.yaml") is not None


# --- validate ------------------------------------------------------------------------------

def test_validate_every_shipped_scenario():
    proc = sim("validate", *(f"scenarios/{n}.yaml" for n in SHIPPED))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("ok:") == len(SHIPPED) == 9
    for name in SHIPPED:
        assert f"{name}.yaml" in proc.stdout


def test_validate_shipped_scenarios_by_name():
    proc = sim("validate", *SHIPPED)
    assert proc.returncode == 0, proc.stderr
    assert [ln.split()[1] for ln in proc.stdout.splitlines()] == SHIPPED


def test_validate_several_files_reports_each(tmp_path):
    write(tmp_path, "good.yaml", "extends: paris_declaration\nmonitoring:\n  coverage: 0.5\n")
    write(tmp_path, "bad1.yaml", "monitoring:\n  coverage: 1.5\n")
    write(tmp_path, "bad2.yaml", "force:\n  posture: sideways\n")
    proc = sim("validate", "bad1.yaml", "good.yaml", "bad2.yaml", cwd=tmp_path)
    assert_bad_input(proc)
    assert "ok: good.yaml" in proc.stdout
    assert "bad1.yaml:2" in proc.stderr and "bad2.yaml:2" in proc.stderr
    assert "'sideways'" in proc.stderr and "rear" in proc.stderr and "forward" in proc.stderr


# --- scenarios ----------------------------------------------------------------------------

def test_scenarios_lists_the_nine_with_descriptions():
    proc = sim("scenarios")
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    expected = {"paris_declaration", "minsk_analogue", "budapest_memorandum", "no_us_backstop",
                "political_only", "forward_tripwire", "article5_like", "paris_us_bilateral", "us_withdraws_2029"}
    names = {ln.split()[0] for ln in lines}
    assert names == expected and len(lines) == 9
    for ln in lines:
        assert len(ln.split(None, 1)) == 2 and len(ln.split(None, 1)[1]) > 20, ln  # a description
    assert "Assurances only (1994)" in proc.stdout


# --- run ----------------------------------------------------------------------------------

def test_run_writes_four_files_and_summarises(tmp_path):
    proc = sim("run", "budapest_memorandum", "--seed", "3", "--weeks", "120", "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    for name in ("runs.csv", "steps.csv", "events.csv", "manifest.json"):
        assert (tmp_path / "o" / name).is_file() and (tmp_path / "o" / name).stat().st_size > 0
    out = proc.stdout.lower()
    for word in ("escalat", "violations", "responses", "seed 3"):
        assert word in out, (word, proc.stdout)
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["weeks"] == 120 and manifest["seed"] == 3
    assert len((tmp_path / "o" / "steps.csv").read_text().splitlines()) == 121


def test_run_default_out_is_results_scenario(tmp_path):
    proc = sim("run", "paris_declaration", "--weeks", "5", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "results" / "paris_declaration" / "runs.csv").is_file()


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
def test_help_of_each_subcommand(command):
    proc = sim(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert f"usage: python -m sim {command}" in proc.stdout
    for option in HELP_OPTIONS[command]:
        assert option in proc.stdout, (option, proc.stdout)


def test_top_level_help_lists_commands():
    proc = sim("--help")
    assert proc.returncode == 0
    for command in HELP_OPTIONS:
        assert command in proc.stdout


def test_no_command_and_unknown_command_exit_2():
    for args in ([], ["frobnicate"]):
        assert_bad_input(sim(*args))


def test_out_pointing_to_a_file_is_refused_and_the_file_untouched(tmp_path):
    target = tmp_path / "results.txt"
    target.write_bytes(b"precious results\n")
    message = assert_bad_input(sim("run", "paris_declaration", "--weeks", "5", "--out", target))
    assert "results.txt" in message and "folder" in message
    assert target.read_bytes() == b"precious results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.txt"]


def test_out_below_a_file_is_refused(tmp_path):
    target = tmp_path / "results.txt"
    target.write_bytes(b"precious results\n")
    message = assert_bad_input(sim("run", "paris_declaration", "--weeks", "5", "--out", target / "sub"))
    assert "results.txt" in message
    assert target.read_bytes() == b"precious results\n"


def test_failed_run_leaves_earlier_results_intact(tmp_path):
    out = tmp_path / "o"
    assert sim("run", "paris_declaration", "--weeks", "10", "--out", out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write(tmp_path, "bad.yaml", "monitoring:\n  coverage: 7\n")
    assert_bad_input(sim("run", tmp_path / "bad.yaml", "--out", out))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("args,words", [
    (["--weeks", "0"], ["--weeks", "0", "at least 1"]),
    (["--weeks", "ten"], ["--weeks", "'ten'", "whole number"]),
    (["--seed", "-1"], ["--seed", "-1", "at least 0"]),
    (["--seed", "1.5"], ["--seed", "'1.5'", "whole number"]),
])
def test_bad_run_options(tmp_path, args, words):
    message = assert_bad_input(sim("run", "paris_declaration", *args, "--out", tmp_path / "o"))
    for w in words:
        assert w in message, (w, message)
    assert not (tmp_path / "o").exists()
