"""Fingerprint of the model's outputs and of their analysis: 230 runs across every shipped scenario,
and 72 runs of the declaration under other decision rules, snapback rules and without the cell.

A refactor that must not change results (for example moving a rule to another file)
keeps this fingerprint: runs.csv and steps.csv byte for byte, events.csv equal in
content (week, kind, actor, level, clause and detail of every event; within a week of a
run the events are compared as a sorted list, so that two events of the same week may
swap places, for example when a cause must be logged before its effect). A change
of the model that is meant to change results updates it, in the same commit. The analysis of each
sweep (summary.csv, differences.csv) is kept byte for byte too, and, apart, the sensitivity indices
of a small Latin hypercube (sensitivity.csv, with SALib):

    python -m tests.fingerprint --update      # rewrites tests/data/fingerprint.json
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORED = ROOT / "tests" / "data" / "fingerprint.json"
EVENT_CONTENT = ("run_id", "week", "kind", "actor", "level", "clause", "detail")
EXPERIMENTS = {"scenarios": """\
name: fingerprint
description: Every shipped scenario, 23 seeded runs each, with steps and events (the outputs fingerprint).
scenarios: all
design: scenarios
replications: 23
master_seed: 17
outputs:
  steps: true
  events: true
""", "rules": """\
name: fingerprint_rules
description: The declaration under other rules (the outputs fingerprint's second part).
scenarios: paris_declaration
design: grid
levers:
  commission.decision_rule: [consensus, qualified_majority, us_led]
  sanctions.snapback: [automatic, commission_vote, none]
  coordination_cell.enabled: [false]
replications: 8
master_seed: 18
outputs:
  steps: true
  events: true
"""}
LHS_EXPERIMENT = """\
name: fingerprint_lhs
description: A small Latin hypercube of levers and an uncertainty (the sensitivity indices' fingerprint).
scenarios: paris_declaration
design: lhs
samples: 24
levers:
  monitoring.coverage: {low: 0.0, high: 1.0}
  force.size: {low: 0.0, high: 2.0}
uncertainties:
  russia.ambition: {low: 0.5, high: 2.5}
replications: 3
horizon_weeks: 104
master_seed: 17
"""
SENSITIVITY = "sensitivity"  # the key of the indices' part in fingerprint.json


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compute() -> dict[str, dict[str, str | int]]:
    """Run the fingerprint sweeps and hash what they wrote."""
    return {name: _sweep(text) for name, text in EXPERIMENTS.items()}


def _run(experiment: str, tmp: str) -> Path:
    exp = Path(tmp) / "fingerprint.yaml"
    exp.write_text(experiment)
    out = Path(tmp) / "out"
    subprocess.run([sys.executable, "-m", "sim", "sweep", str(exp), "--out", str(out), "--workers", "1"],
                   check=True, capture_output=True, cwd=tmp)
    return out


def _sweep(experiment: str) -> dict[str, str | int]:
    """Run one sweep in a temporary folder and hash what it wrote and its analysis."""
    with tempfile.TemporaryDirectory() as tmp:
        out = _run(experiment, tmp)
        digest = hashlib.sha256()
        events = 0
        week: list[str] = []
        key = None
        with open(out / "events.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if (row["run_id"], row["week"]) != key:
                    digest.update("".join(sorted(week)).encode())
                    week, key = [], (row["run_id"], row["week"])
                week.append("\x1f".join(row[c] for c in EVENT_CONTENT) + "\x1e")
                events += 1
        digest.update("".join(sorted(week)).encode())
        runs = (out / "runs.csv").read_bytes()
        return {"runs": runs.count(b"\n") - 1, "runs.csv": _sha(runs),
                "steps.csv": _sha((out / "steps.csv").read_bytes()),
                "events": events, "events content": digest.hexdigest(),
                "summary.csv": _sha((out / "summary.csv").read_bytes()),
                "differences.csv": _sha((out / "differences.csv").read_bytes())}


def compute_sensitivity() -> dict[str, str]:
    """The sensitivity indices (SALib) of a small LHS sweep, hashed."""
    with tempfile.TemporaryDirectory() as tmp:
        return {"sensitivity.csv": _sha((_run(LHS_EXPERIMENT, tmp) / "sensitivity.csv").read_bytes())}


def stored() -> dict[str, str | int]:
    return json.loads(STORED.read_text())


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.fingerprint --update")
    STORED.parent.mkdir(parents=True, exist_ok=True)
    STORED.write_text(json.dumps({**compute(), SENSITIVITY: compute_sensitivity()}, indent=2) + "\n")
    print(STORED.read_text(), end="")
