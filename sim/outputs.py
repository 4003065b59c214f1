"""Tidy outputs: one table a grain, every column declared once here.

``docs/OUTPUTS.md`` documents these columns; a test checks the two agree.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.ladder import RESPONSE_TYPES, Action

# name -> (pandas dtype after a plain read_csv, unit, meaning)
Column = tuple[str, str, str]

RUN_COLUMNS: dict[str, Column] = {
    "run_id": ("int64", "", "Run identifier, unique within an output folder."),
    "scenario": ("object", "", "Scenario name."),
    "seed": ("int64", "", "Integer seed of the run (drives every random stream)."),
    "horizon_weeks": ("int64", "weeks", "Weeks simulated."),
    "escalated": ("bool", "", "Russia carried out a renewed armed attack (major) before the horizon."),
    "escalation_week": ("float64", "weeks", "Week of the first major attack; empty when censored."),
    "survival_weeks": ("int64", "weeks", "Escalation week, or the horizon when censored (survival time)."),
    "violations_probe": ("int64", "count", "Russian grey-zone violations (probes)."),
    "violations_limited": ("int64", "count", "Russian limited offensives."),
    "violations_major": ("int64", "count", "Russian renewed armed attacks."),
    "ukraine_violations": ("int64", "count", "Minor violations by Ukrainian units."),
    "detected": ("int64", "count", "Violations detected by the monitoring mechanism (G1)."),
    "false_alarms": ("int64", "count", "Reports of violations that did not happen (G1)."),
    "attributed_correctly": ("int64", "count", "Commission attributions to the true perpetrator (G1)."),
    "misattributed": ("int64", "count", "Commission attributions to the wrong party or a false alarm (G1)."),
    "not_attributed": ("int64", "count", "Cases closed without attribution: weak evidence or no vote (G1)."),
    "decisions": ("int64", "count", "Decisions ordering corrective measures, ad hoc ones included."),
    **{f"responses_{t}": ("int64", "count", f"Member activations of {t} responses (G4).") for t in RESPONSE_TYPES},
    "members_acted": ("int64", "count", "States (the US included) that responded at least once."),
    "median_response_delay_weeks": ("float64", "weeks", "Median weeks from violation to response; empty if none."),
    "ratified_members": ("int64", "count", "Members whose commitment is legally binding at the end (G0)."),
    "us_ratified": ("bool", "", "The US Congress ratified the US commitment (G0)."),
    "us_backstop": ("bool", "", "The US backs the force in this run (G3, drawn once)."),
    "force_phase": ("object", "", "Force phase at the end: not_requested, requested, deploying, deployed (G3)."),
    "force_deployed_week": ("float64", "weeks", "Week the force was fully deployed; empty if never (G3)."),
    "stockpile_surges": ("int64", "count", "Stockpile surges that reached Ukraine (G2)."),
    "credibility_probe": ("float64", "0-1", "Russia's final believed response share at the probe level."),
    "credibility_limited": ("float64", "0-1", "Russia's final believed response share at the limited level."),
    "credibility_major": ("float64", "0-1", "Russia's final believed response share at the major level."),
    "russia_strength": ("float64", "strength units", "Russia's final military strength."),
    "ukraine_defence": ("float64", "strength units", "Ukraine's final effective defence (P1)."),
    "sanctions_cost": ("float64", "index", "Russia's final accumulated sanctions cost."),
    "attack_outcome": ("object", "", "none, repelled, stalemate or territory_lost."),
    "war_weeks": ("int64", "weeks", "Weeks of renewed war fought."),
    "territory_lost_pct": ("float64", "%", "Share of held territory lost to limited and major attacks."),
}

STEP_COLUMNS: dict[str, Column] = {
    "run_id": ("int64", "", "Run identifier (joins runs.csv)."),
    "week": ("int64", "weeks", "Week after the ceasefire (0 = entry into force, G0)."),
    "escalation_level": ("int64", "0-3", "Russia's action: 0 comply, 1 probe, 2 limited, 3 major."),
    "at_war": ("bool", "", "Renewed war is under way."),
    "p_major": ("float64", "probability", "Russia's logit probability of a major attack this week."),
    "credibility_probe": ("float64", "0-1", "Believed response share at the probe level."),
    "credibility_limited": ("float64", "0-1", "Believed response share at the limited level."),
    "credibility_major": ("float64", "0-1", "Believed response share at the major level."),
    "russia_strength": ("float64", "strength units", "Russia's military strength."),
    "russia_ambition": ("float64", "x baseline", "Russia's revisionist ambition."),
    "sanctions_cost": ("float64", "index", "Russia's accumulated sanctions cost."),
    "ukraine_defence": ("float64", "strength units", "Ukraine's effective defence (P1)."),
    "ukraine_strength": ("float64", "strength units", "Ukraine's force strength (G2)."),
    "fortification": ("float64", "0-1", "Fortification level (G2)."),
    "coverage": ("float64", "share", "Monitoring coverage (G1)."),
    "force_phase": ("object", "", "Phase of the Multinational Force (G3)."),
    "force_strength": ("float64", "strength units", "Deployed force strength, all domains (G3)."),
    "mean_member_resolve": ("float64", "0-1", "Mean resolve of coalition members."),
    "ratified_share": ("float64", "share", "Share of members with a binding commitment (G0)."),
    "territory_lost_pct": ("float64", "%", "Territory lost so far."),
}

EVENT_COLUMNS: dict[str, Column] = {
    "run_id": ("int64", "", "Run identifier (joins runs.csv)."),
    "week": ("int64", "weeks", "Week of the event."),
    "kind": ("object", "", "violation, detection, false_alarm, attribution, decision, response, "
                           "corrective_measure, ratification, request, deployment, escalation, surge, war_end, "
                           "coordination."),
    "actor": ("object", "", "Who acted: Russia, Ukraine, a member, the US, an institution."),
    "level": ("object", "", "Ladder level concerned (probe, limited, major) or empty."),
    "clause": ("object", "", "Clause of the declaration that acted (P1, G0-G5, C1) or A (assumption)."),
    "detail": ("object", "", "What happened, in words."),
}


@dataclass
class RunResult:
    """Everything one run produced."""

    run: dict[str, Any]
    steps: dict[str, list]  # column -> values (week included)
    events: list[tuple]  # (week, kind, actor, level, clause, detail)


def run_record(model: Any) -> dict[str, Any]:
    """The runs.csv row of a finished model (run_id filled in by the caller)."""
    import numpy as np

    coal, counts = model.coalition, model.events.counts
    commission = model.commission
    esc = model.escalation_week
    delays = model.detection_to_response
    outcome = "none"
    if esc is not None:
        if model.at_war:
            outcome = "territory_lost" if model.territory_lost_pct >= 5.0 else "stalemate"
        else:
            outcome = "repelled"
    n = coal.n_members
    row: dict[str, Any] = {
        "run_id": 0,
        "scenario": model.scenario_config.name,
        "seed": model.seed,
        "horizon_weeks": model.horizon,
        "escalated": esc is not None,
        "escalation_week": float(esc) if esc is not None else None,
        "survival_weeks": esc if esc is not None else model.horizon,
        "violations_probe": model.violations[Action.PROBE],
        "violations_limited": model.violations[Action.LIMITED],
        "violations_major": model.violations[Action.MAJOR],
        "ukraine_violations": model.ukraine.violations_committed,
        "detected": counts["detection"],
        "false_alarms": counts["false_alarm"],
        "attributed_correctly": commission.correct,
        "misattributed": commission.wrong,
        "not_attributed": commission.cleared,
        "decisions": commission.decisions + model.ad_hoc_decisions,
        **{f"responses_{t}": int(coal.activations[t].sum()) for t in RESPONSE_TYPES},
        "members_acted": int(coal.ever_acted.sum()),
        "median_response_delay_weeks": float(np.median(delays)) if delays else None,
        "ratified_members": int(coal.ratified[:n].sum()),
        "us_ratified": bool(coal.ratified[coal.us]),
        "us_backstop": bool(model.force.backstop),
        "force_phase": model.force.phase.label,
        "force_deployed_week": (float(model.force.deployed_week)
                                if model.force.deployed_week is not None else None),
        "stockpile_surges": model.ukraine.surges_received,
        "credibility_probe": model.credibility_probe,
        "credibility_limited": model.credibility_limited,
        "credibility_major": model.credibility_major,
        "russia_strength": model.russia.strength,
        "ukraine_defence": model.ukraine.defence,
        "sanctions_cost": model.russia.sanctions_cost,
        "attack_outcome": outcome,
        "war_weeks": model.total_war_weeks,
        "territory_lost_pct": model.territory_lost_pct,
    }
    assert list(row) == list(RUN_COLUMNS), "runs.csv columns out of sync with RUN_COLUMNS"
    return row


# --- writing -------------------------------------------------------------------------

def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(round(v, 10))
    return v


def csv_text(header: list[str], rows: list[list] | list[tuple]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(v) for v in r])
    return buf.getvalue()


def atomic_write(path: Path, text: str) -> None:
    """Write a whole file or nothing: a crash never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("mesa", "numpy", "pandas", "pydantic", "pyyaml", "scipy", "lifelines", "SALib", "dask",
                "paris-guarantees-sim"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def write_manifest(path: Path, content: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(content, indent=2, sort_keys=False, default=str) + "\n")
