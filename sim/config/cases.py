"""The history cases file (``scenarios/history_cases.csv``, ``validate-history``'s input): its columns,
the checks of each case (dates in order, a shipped scenario, valid settings) and the settings a case
gives its scenario."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from sim.config.datafiles import DATA_FILES, Col, TableSpec
from sim.config.errors import Problem, did_you_mean
from sim.config.overrides import base_scenario, override_problems
from sim.config.scenarios import shipped_scenarios

HISTORY_CUTOFF = dt.date(2026, 1, 6)  # the Paris Declaration: the cases are observed up to it
SETTINGS_ALLOWED = ("dotted.key=value pairs separated by ';' (e.g. force.posture=forward;force.size=0.2), "
                    "each key a schema parameter (python -m sim scenarios; docs/ODD.md), each value as in a "
                    "scenario YAML file")
SET_BY_EVALUATION = ("horizon_weeks", "ceasefire_date")  # the evaluation sets these itself


def parse_settings(text: str) -> tuple[dict[str, Any], list[str]]:
    """``"force.enabled=true;force.size=0.2"`` -> ({"force.enabled": True, "force.size": 0.2}, problems).

    Values are read as YAML scalars or flow lists/mappings (safe loader), as in a scenario file:
    ``true``, ``0.2``, ``forward``, ``[limited, major]``. Each problem is one line of text.
    """
    out: dict[str, Any] = {}
    problems: list[str] = []
    for part in (p.strip() for p in (text or "").split(";")):
        if not part:
            continue
        key, sep, raw = part.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            problems.append(f"{part!r} is not key=value")
            continue
        if key in out:
            problems.append(f"{key} is given twice")
            continue
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            problems.append(f"{key}: the value {raw!r} is not a YAML value")
            continue
        if value is None:
            problems.append(f"{key}: the value {raw!r} is empty")
            continue
        out[key] = value
    return out, problems


def check_cases(file: str, rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """Dates in order, outcome and renewed_war_date agree, a shipped scenario, valid settings."""
    shipped = sorted(shipped_scenarios())
    problems: list[Problem] = []
    for line, row in rows:
        start, renewed, until = row["ceasefire_date"], row["renewed_war_date"], row["observed_until"]
        if renewed is not None and renewed <= start:
            problems.append(Problem(file, "the renewed war comes on or before the ceasefire", line,
                                    "renewed_war_date", given=renewed.isoformat(), has_given=True,
                                    allowed=f"a date after ceasefire_date ({start.isoformat()})"))
        if until <= start or until > HISTORY_CUTOFF:
            problems.append(Problem(file, "outside the observed period", line, "observed_until",
                                    given=until.isoformat(), has_given=True,
                                    allowed=f"a date after ceasefire_date ({start.isoformat()}) and not after "
                                            f"{HISTORY_CUTOFF.isoformat()}"))
        elif renewed is not None and renewed > until:
            problems.append(Problem(file, "the renewed war comes after the end of observation", line,
                                    "renewed_war_date", given=renewed.isoformat(), has_given=True,
                                    allowed=f"a date up to observed_until ({until.isoformat()})"))
        if (row["outcome"] == "renewed_war") != (renewed is not None):
            problems.append(Problem(file, f"outcome {row['outcome']} with renewed_war_date "
                                          f"{'given' if renewed is not None else 'empty'}", line, "outcome",
                                    allowed="renewed_war with a renewed_war_date, or holding with it empty"))
        scenario = row["scenario"]
        if scenario not in shipped:
            problems.append(Problem(file, f"not a shipped scenario{did_you_mean(scenario, shipped)}", line,
                                    "scenario", given=scenario, has_given=True, allowed=", ".join(shipped)))
            continue
        settings, wrong = parse_settings(row["settings"] or "")
        for text in wrong:
            problems.append(Problem(file, text, line, "settings", allowed=SETTINGS_ALLOWED))
        for key in [k for k in settings if k in SET_BY_EVALUATION]:
            settings.pop(key)
            problems.append(Problem(file, f"{key} is set by the evaluation, not by a case", line, "settings",
                                    allowed=SETTINGS_ALLOWED))
        if settings:
            found, _ = override_problems(base_scenario(scenario), settings, file)
            for p in found:
                problems.append(Problem(file, f"{p.key}: {p.message}" if p.key else p.message, line, "settings",
                                        given=p.given, has_given=p.has_given, allowed=p.allowed or SETTINGS_ALLOWED))
    return problems


HISTORY_CASES = TableSpec("history cases file", (
    Col("case_id", "text", pattern=r"[a-z][a-z0-9_]{0,39}", doc="Short name of the case (lower case, digits, _)."),
    Col("name", "text", doc="The ceasefire or guarantee regime, in words."),
    Col("parties", "text", doc="The belligerents (the guarantors are in `guarantees`)."),
    Col("ceasefire_date", "date", doc="Day the ceasefire (or the guarantee regime) was signed or took effect; `mapping_note` says which."),
    Col("renewed_war_date", "date", required=False,
        doc="First day of the renewed war; empty while the ceasefire holds."),
    Col("observed_until", "date",
        doc="End of observation: the renewed war's date, or 2026-01-06 (the Paris Declaration) if holding."),
    Col("outcome", "text", choices=("renewed_war", "holding"), doc="What happened by observed_until."),
    Col("scenario", "text", doc="The shipped scenario whose guarantees the case resembles most."),
    Col("settings", "text", required=False, default="",
        doc="Overrides of that scenario: `dotted.key=value` pairs separated by `;` "
            "(e.g. `force.posture=forward;force.size=0.15`); empty for none."),
    Col("guarantees", "text", doc="What guaranteed it: monitors, force, binding pledge, guarantors."),
    Col("sources", "text", doc="Sources, separated by `;` (treaty texts, UN mission pages, datasets)."),
    Col("mapping_note", "text", doc="Why this scenario and these settings; uncertain dates."),
), unique=("case_id",), check=check_cases)


# Every table the tool reads, by its usual file name, for `python -m sim validate FILE.csv`.
TABLES: dict[str, TableSpec] = {**DATA_FILES, "history_cases.csv": HISTORY_CASES}
