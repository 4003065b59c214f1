"""Bad scenario files: the message reads like a good compiler's (file, line where known, key path,
the value given and what is allowed), exit 2, never a traceback, nothing written."""

from __future__ import annotations

import json

import pytest

from sim.config import scenarios
from tests.helpers import assert_bad_input, line_of, sim_process, write


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Every test runs in its own temporary folder: the files it names are there."""
    monkeypatch.chdir(tmp_path)


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
def test_bad_scenario_file(tmp_path, case, command, bad_input):
    name, text, expected, line = CASES[case]
    write(tmp_path, name, text)
    args = ["validate", name] if command == "validate" else ["run", name, "--out", "out"]
    message = bad_input(*args)
    assert name in message
    for part in expected:
        assert part in message, (part, message)
    if line is not None:
        assert line_of(message, name) == line, message
    if command == "run":
        assert not (tmp_path / "out").exists()  # nothing written for a bad scenario


@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_input_through_a_real_process(tmp_path, command):
    """The same message from `python -m sim` in a process of its own: exit 2, no traceback."""
    name, text, expected, line = CASES["out_of_range"]
    write(tmp_path, name, text)
    args = ["validate", name] if command == "validate" else ["run", name, "--out", "out"]
    message = assert_bad_input(sim_process(*args, cwd=tmp_path))
    assert all(part in message for part in expected) and line_of(message, name) == line, message
    assert not (tmp_path / "out").exists()


def test_yaml_syntax_error_at_end_points_inside_the_file(tmp_path, bad_input):
    # An unclosed bracket on line 2 of a 2-line file: PyYAML only notices at the end of the
    # stream (line 3, past the text); a good compiler also points to where the '[' opened.
    write(tmp_path, "unclosed.yaml", """
        monitoring:
          coverage: [0.5
        """)
    message = bad_input("validate", "unclosed.yaml")
    assert "YAML syntax error" in message and "unclosed.yaml" in message
    assert line_of(message, "unclosed.yaml") == 2 or "line 2" in message, message


def test_extends_cycle(tmp_path, bad_input):
    write(tmp_path, "cyc_a.yaml", "extends: cyc_b\n")
    write(tmp_path, "cyc_b.yaml", "extends: cyc_a.yaml\n")
    message = bad_input("validate", "cyc_a.yaml")
    assert "cycle" in message and "extends" in message
    assert "cyc_a.yaml -> cyc_b.yaml -> cyc_a.yaml" in message


def test_self_extension_is_a_cycle(tmp_path, bad_input):
    write(tmp_path, "selfish.yaml", "extends: selfish\n")
    message = bad_input("validate", "selfish.yaml")
    assert "cycle" in message and "selfish.yaml" in message


def test_error_in_parent_is_reported_in_the_parent(tmp_path, bad_input):
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
    message = bad_input("validate", "child.yaml")
    assert line_of(message, "parent.yaml") == 3, message
    assert "force.build_up_weeks" in message and "given: 0" in message and "1 to 104" in message


def test_child_error_points_to_child_even_when_parent_sets_the_key(tmp_path, bad_input):
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
    message = bad_input("validate", "child.yaml")
    assert line_of(message, "child.yaml") == 3 and "parent.yaml" not in message, message


def test_missing_file_and_unknown_scenario(tmp_path, bad_input):
    message = bad_input("validate", "nowhere.yaml")
    assert "nowhere.yaml" in message and "not found" in message
    message = bad_input("run", "paris_declaraton")
    assert "did you mean 'paris_declaration'" in message


def test_every_problem_in_a_file_is_reported(tmp_path, bad_input):
    write(tmp_path, "two.yaml", """
        monitoring:
          coverage: 1.5
        force:
          size: -1
        """)
    message = bad_input("validate", "two.yaml")
    assert "monitoring.coverage" in message and "force.size" in message
    assert line_of(message, "two.yaml") is not None


def test_validate_several_files_reports_each(tmp_path, run_cli):
    write(tmp_path, "good.yaml", "extends: paris_declaration\nmonitoring:\n  coverage: 0.5\n")
    write(tmp_path, "bad1.yaml", "monitoring:\n  coverage: 1.5\n")
    write(tmp_path, "bad2.yaml", "force:\n  posture: sideways\n")
    done = run_cli("validate", "bad1.yaml", "good.yaml", "bad2.yaml")
    assert done.code == 2
    assert "ok: good.yaml" in done.out
    assert "bad1.yaml:2" in done.err and "bad2.yaml:2" in done.err
    assert "'sideways'" in done.err and "rear" in done.err and "forward" in done.err


# --- keys and types ----------------------------------------------------------------------

@pytest.mark.parametrize("text,words", [
    ("1: 2\n", ["ks.yaml:1", "a key must be text", "'1'"]),
    ("monitoring:\n  ? [a, b]\n  : 1\n", ["ks.yaml:2", "a key must be text, not a list"]),
    ("monitoring:\n  coverage: true\n", ["monitoring.coverage", "wrong type", "True", "0.0 to 1.0"]),
    ("monitoring:\n  coverage: '0.5'\n", ["monitoring.coverage", "wrong type", "'0.5'"]),
    ("force:\n  build_up_weeks: 12.5\n", ["force.build_up_weeks", "wrong type", "12.5"]),
    ("horizon_weeks: '52'\n", ["horizon_weeks", "wrong type"]),
])
def test_yaml_keys_and_strict_types(tmp_path, text, words, bad_input):
    err = bad_input("validate", write(tmp_path, "ks.yaml", text))
    for w in words:
        assert w in err, (w, err)


def test_numbers_still_read_as_numbers(tmp_path, run_cli):
    path = write(tmp_path, "n.yaml", "monitoring:\n  coverage: 5e-1\n  latency_weeks: 2\nforce:\n  size: 2\n")
    assert run_cli("validate", path).code == 0
    assert scenarios.load_scenario(path).monitoring.coverage == 0.5


# --- names and paths stay inside what they may name ---------------------------------------

@pytest.mark.parametrize("name", ["../../x", "/tmp/abs", "", "  ", "a/b", ".hidden", "-rf"])
def test_names_are_names(tmp_path, monkeypatch, name, bad_input):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    write(work, "s.yaml", f"extends: paris_declaration\nname: {json.dumps(name)}\n")
    err = bad_input("validate", "s.yaml")
    assert "s.yaml:2" in err and "name" in err and "plain name" in err
    bad_input("run", "s.yaml", "--weeks", "3")
    write(work, "e.yaml", f"name: {json.dumps(name)}\nscenarios: budapest_memorandum\ndesign: grid\n"
                          "levers: {{monitoring.coverage: [0.3, 0.9]}}\nreplications: 2\n".replace("{{", "{")
          .replace("}}", "}"))
    assert "name" in bad_input("sweep", "e.yaml")
    assert sorted(p.name for p in work.iterdir()) == ["e.yaml", "s.yaml"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "e.yaml", "s.yaml"]


def test_extends_and_data_files_are_confined(tmp_path, run_cli, bad_input):
    write(tmp_path, "e1.yaml", "extends: ../../../../etc/passwd\n")
    err = bad_input("validate", tmp_path / "e1.yaml")
    assert "e1.yaml:1" in err and "extends" in err and "../../../../etc/passwd" in err and ".yaml" in err
    write(tmp_path, "e2.yaml", "description: x\nextends: /etc/passwd.yaml\n")
    err = bad_input("validate", tmp_path / "e2.yaml")
    assert "e2.yaml:2" in err and "extends" in err and "absolute" in err
    sub = tmp_path / "sub"
    sub.mkdir()
    write(sub, "base.yaml", "extends: paris_declaration\nmonitoring:\n  coverage: 0.4\n")
    write(tmp_path, "ok.yaml", "extends: sub/base.yaml\n")
    assert run_cli("validate", tmp_path / "ok.yaml").code == 0
    write(tmp_path, "d1.yaml", "members:\n  data_file: ../../../../etc/passwd\n")
    err = bad_input("validate", tmp_path / "d1.yaml")
    assert "d1.yaml:2" in err and "members.data_file" in err and "plain file name" in err
    write(tmp_path, "e3.yaml", "scenarios: [paris_declaration, ../../etc/passwd]\ndesign: scenarios\n"
                               "replications: 2\n")
    err = bad_input("validate", tmp_path / "e3.yaml")
    assert "e3.yaml:1" in err and "scenarios.1" in err and "passwd" in err
