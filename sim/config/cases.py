"""The pre-registered history cases file (``scenarios/history_cases_v3.csv``, ``validate-history``'s input):
its columns, the checks of the rows (the observed window and censoring, outcomes and their dates, the split by
its stated rule, a shipped scenario and valid settings), and the mapping rule that gives each case its
scenario's settings from its guarantee features (the file's header states it in words; a test checks every
row against the code)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import yaml

from sim.config.datafiles import DATA_FILES, Col, TableSpec
from sim.config.errors import Problem, did_you_mean
from sim.config.overrides import base_scenario, override_problems
from sim.config.scenarios import shipped_scenarios

HISTORY_CUTOFF = dt.date(2026, 1, 6)  # the Paris Declaration: the cases are observed up to it
SETTINGS_ALLOWED = ("dotted.key=value pairs separated by ';' (e.g. force.posture=forward;force.size=0.2), "
                    "each key a schema parameter (python -m sim levers; docs/ODD.md), each value as in a "
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


# --- the pre-registered cases (version 3) ----------------------------------------------------------------------
#
# The inclusion rule, the split, the outcomes, the censoring rule and the mapping rule are stated in the file's
# header, before its list; the functions below are the mapping rule as code, so that a test can check every row
# against it (tests/config/test_history_cases.py).

CASES_V3_FILE = "history_cases_v3.csv"
WINDOW_DAYS = 1826  # the research's five years (its outcome definitions): renewal within 1,826 days
IN_SAMPLE_BEFORE = dt.date(1990, 1, 1)  # the calibration's record: A1 ceasefires 1946-1989
RULES = ("A1", "A2", "A3", "B")
WAR_ENDS = ("agreed", "unilateral", "withdrawal", "surrender", "de_facto", "conquest", "transformation")
NO_CEASEFIRE_ENDS = ("conquest", "transformation")  # no ceasefire to fail: excluded by the stated rule
SAMPLES = ("in_sample", "out_of_sample", "excluded")
FEATURE_LEVELS = ("yes", "partial", "no")
FEATURES = ("monitors", "peacekeepers", "dmz", "third_party_guarantee", "joint_commission",
            "outside_binding_guarantor")

# The mapping rule: every case runs the calibration scenario (a ceasefire as the post-1945 record has them) with
# the settings its guarantee features give. Values are the rule's assumptions (the header says why).
MAPPING_SCENARIO = "ceasefire_reference"
PARTIAL_MONITOR_COVERAGE = 0.15  # half the scenario's observer coverage (0.3)
PEACEKEEPER_FORCE_SIZE = 0.25  # x the pledged Multinational Force (12,225 troops central): about 3,000 troops
FULL_MENU = {"probe": ["diplomacy"], "limited": ["diplomacy", "sanctions", "intelligence"],
             "major": ["diplomacy", "sanctions", "intelligence", "logistics", "military"]}  # the Paris menu
PARTIAL_MENU = {"probe": [], "limited": ["diplomacy", "sanctions"],
                "major": ["diplomacy", "sanctions", "intelligence", "logistics"]}
GUARANTOR_SUPPORT_VOLUME = 1.0  # a treaty ally arms its protege (the Paris level; the scenario has 0.5)
NO_GUARANTEES = dict.fromkeys(FEATURES, "no")


def mapped_settings(features: Mapping[str, str]) -> dict[str, Any]:
    """The settings the mapping rule gives a case with these guarantee features (on ``MAPPING_SCENARIO``)."""
    out: dict[str, Any] = {}
    commission = features["joint_commission"] == "yes"
    if features["monitors"] == "no" and not commission:
        out["monitoring.enabled"] = False
    elif features["monitors"] != "yes":  # partial; or none, with a joint commission reading the parties' reports
        out["monitoring.coverage"] = PARTIAL_MONITOR_COVERAGE
    if features["peacekeepers"] != "no":
        out.update({"force.enabled": True, "force.posture": "forward",
                    "force.rules_of_engagement": "self_defence" if features["peacekeepers"] == "yes" else "reassurance",
                    "force.size": PEACEKEEPER_FORCE_SIZE})
    if commission:
        out.update({"commission.enabled": True, "commission.decision_rule": "consensus"})
    guarantor, third = features["outside_binding_guarantor"], features["third_party_guarantee"]
    if guarantor == "yes":
        out.update({"commitments.binding": True, "ratification.in_force_at_ceasefire": True,
                    "commitments.response_menu": FULL_MENU, "support.volume": GUARANTOR_SUPPORT_VOLUME,
                    "support.stockpile_access": True})
    elif guarantor == "partial" or third == "yes":
        out["commitments.response_menu"] = FULL_MENU
    elif third == "partial":
        out["commitments.response_menu"] = PARTIAL_MENU
    return out


def _yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


def settings_text(settings: Mapping[str, Any]) -> str:
    """``{"force.enabled": True, "force.size": 0.25}`` -> ``"force.enabled=true;force.size=0.25"`` (parse_settings
    reads it back)."""
    return ";".join(f"{k}={_yaml_value(v)}" for k, v in settings.items())


_MAPPING_WORDS = {
    ("monitors", "yes"): "monitors yes: observers as in the scenario (coverage 0.3, no authority to attribute)",
    ("monitors", "partial"): f"monitors partial: observers at half the coverage ({PARTIAL_MONITOR_COVERAGE:g})",
    ("monitors", "no"): "monitors no: no monitoring mechanism",
    ("peacekeepers", "yes"): (f"peacekeepers yes: an interposed force, forward on the line, that fights only when "
                              f"its own troops are struck (self_defence), size {PEACEKEEPER_FORCE_SIZE:g}"),
    ("peacekeepers", "partial"): (f"peacekeepers partial: a force forward on the line with no combat role "
                                  f"(reassurance), size {PEACEKEEPER_FORCE_SIZE:g}"),
    ("peacekeepers", "no"): "peacekeepers no: no force",
    ("dmz", "yes"): "dmz yes: not represented (the model has no separation zone)",
    ("dmz", "partial"): "dmz partial: not represented (the model has no separation zone)",
    ("dmz", "no"): "dmz no",
    ("joint_commission", "yes"): "joint commission yes: a commission that attributes by consensus",
    ("joint_commission", "partial"): "joint commission partial: none (a switch: a body lacking a party or authority)",
    ("joint_commission", "no"): "joint commission no: none",
}


def mapping_note(features: Mapping[str, str]) -> str:
    """The mapping rule applied to these features, in words (the file's ``mapping_note``)."""
    words = [_MAPPING_WORDS[(f, features[f])] for f in ("monitors", "peacekeepers", "joint_commission", "dmz")]
    if features["monitors"] == "no" and features["joint_commission"] == "yes":
        words[0] = (f"monitors no, but a joint commission needs reports: the parties' reports to it read as "
                    f"observers at half coverage ({PARTIAL_MONITOR_COVERAGE:g})")
    guarantor, third = features["outside_binding_guarantor"], features["third_party_guarantee"]
    if guarantor == "yes":
        words.append("outside binding guarantor yes: commitments binding and in force at the ceasefire, the full "
                     "response menu, support at the Paris level with access to stockpiles")
    elif guarantor == "partial":
        words.append("outside binding guarantor partial (assurances, not a treaty): the full response menu, political")
    elif third == "yes":
        words.append("third-party guarantee yes: the full response menu, political (nothing binding)")
    elif third == "partial":
        words.append("third-party guarantee partial: diplomacy and sanctions at the limited level, intelligence and "
                     "logistics added at the major level, political")
    else:
        words.append("no guarantee: ad hoc diplomacy and sanctions after an attack, as in the scenario")
    return "; ".join(words)


def expected_sample(rule: str, war_end: str, ceasefire: dt.date, written_for_case: bool) -> str:
    """The split rule: excluded (no ceasefire), in sample (the calibration's record, or a scenario written for the
    case), out of sample (the rest)."""
    if war_end in NO_CEASEFIRE_ENDS:
        return "excluded"
    if (rule == "A1" and ceasefire < IN_SAMPLE_BEFORE) or written_for_case:
        return "in_sample"
    return "out_of_sample"


def window_end(ceasefire: dt.date) -> dt.date:
    """Last day of the case's observed five-year window: five years on, or the cut-off if sooner."""
    return min(ceasefire + dt.timedelta(days=WINDOW_DAYS), HISTORY_CUTOFF)


def is_censored(ceasefire: dt.date, renewed_war: bool) -> bool:
    """The window was not over at the cut-off and an outcome was still open (a renewed war settles both levels)."""
    return window_end(ceasefire) < ceasefire + dt.timedelta(days=WINDOW_DAYS) and not renewed_war


def check_cases_v3(file: str, rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """The window and censoring, the outcomes and their dates, the split, a shipped scenario, valid settings."""
    problems: list[Problem] = []
    for line, row in rows:
        start, until = row["ceasefire_date"], row["observed_until"]
        end = window_end(start)
        if until != end:
            problems.append(Problem(file, "not the end of the observed five-year window", line, "observed_until",
                                    given=until.isoformat(), has_given=True,
                                    allowed=f"{end.isoformat()} (ceasefire_date + {WINDOW_DAYS} days, or "
                                            f"{HISTORY_CUTOFF.isoformat()} if sooner)"))
        censored = is_censored(start, row["renewed_war_5y"])
        if row["censored"] != censored:
            problems.append(Problem(file, "censored disagrees with the window", line, "censored",
                                    given=int(row["censored"]), has_given=True,
                                    allowed=f"{int(censored)}: 1 when the five-year window was not over on "
                                            f"{HISTORY_CUTOFF.isoformat()} and no renewed war had come (an outcome "
                                            "still open)"))
        fought, fought_on = row["renewed_fighting_5y"], row["renewed_fighting_date"]
        if fought != (fought_on is not None):
            problems.append(Problem(file, f"renewed_fighting_5y {int(fought)} with renewed_fighting_date "
                                          f"{'given' if fought_on is not None else 'empty'}", line,
                                    "renewed_fighting_date",
                                    allowed="a date with renewed_fighting_5y 1, empty with 0"))
        elif fought_on is not None and not start <= fought_on <= until:
            problems.append(Problem(file, "outside the observed window", line, "renewed_fighting_date",
                                    given=fought_on.isoformat(), has_given=True,
                                    allowed=f"a date from {start.isoformat()} to {until.isoformat()}"))
        if row["renewed_war_5y"] and not fought:
            problems.append(Problem(file, "a renewed war without renewed fighting", line, "renewed_war_5y",
                                    given=1, has_given=True, allowed="0, or renewed_fighting_5y 1 (a war is fighting)"))
        sample = expected_sample(row["rule"], row["war_end"], start, row["scenario_written_for_case"])
        if row["sample"] != sample:
            problems.append(Problem(file, "not the split the header's rule gives", line, "sample",
                                    given=row["sample"], has_given=True,
                                    allowed=f"{sample} (excluded: a war ended by conquest or transformation; in_sample: "
                                            f"an A1 ceasefire before {IN_SAMPLE_BEFORE.year} or a scenario written "
                                            "for the case; out_of_sample: the rest)"))
        problems.extend(_scenario_problems(file, line, row))
    return problems


def _scenario_problems(file: str, line: int, row: Mapping[str, Any]) -> list[Problem]:
    """A shipped scenario and settings it accepts (the evaluation's own keys refused)."""
    shipped = sorted(shipped_scenarios())
    scenario = row["scenario"]
    if scenario not in shipped:
        return [Problem(file, f"not a shipped scenario{did_you_mean(scenario, shipped)}", line, "scenario",
                        given=scenario, has_given=True, allowed=", ".join(shipped))]
    problems = []
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


def _feature(name: str, meaning: str) -> Col:
    return Col(name, "text", choices=FEATURE_LEVELS,
               doc=f"{meaning}, in place at the ceasefire or set up within 12 months (the research's coding).")


HISTORY_CASES_V3 = TableSpec("history cases file (version 3)", (
    Col("case_id", "text", pattern=r"[a-z][a-z0-9_]{0,39}", doc="Short name of the case (the research's id)."),
    Col("name", "text", doc="The ceasefire, in words."),
    Col("parties", "text", doc="The belligerents."),
    Col("rule", "text", choices=RULES, doc="The inclusion rule that brought the case in (the header states them)."),
    Col("war_end", "text", choices=WAR_ENDS,
        doc="How the war (or the fighting) ended: conquest and transformation left no ceasefire (excluded)."),
    Col("ceasefire_date", "date", doc="Day the ceasefire took effect (a COW war's end date under rule A1)."),
    Col("sample", "text", choices=SAMPLES,
        doc="in_sample (the calibration's record, or a scenario written for the case), out_of_sample, or "
            "excluded (no ceasefire); the header's rule, checked against rule, war_end and the date."),
    Col("sample_reason", "text", doc="Why the case has that mark, in words."),
    Col("scenario_written_for_case", "flag",
        doc="1 if the case's scenario was written for it (or for a record it belongs to): then it is in sample."),
    Col("observed_until", "date",
        doc=f"Last day of the observed five-year window: ceasefire_date + {WINDOW_DAYS} days, or "
            f"{HISTORY_CUTOFF.isoformat()} (the Paris Declaration) if sooner."),
    Col("censored", "flag", doc="1 if the five-year window was not over by then and no renewed war had come (an "
                                "outcome still open): scored on the weeks observed."),
    Col("renewed_fighting_5y", "flag",
        doc="Renewed fighting within the window (clashes of regular forces killing at least 25 within a year, or an "
            "offensive operation): the model's armed attack."),
    Col("renewed_fighting_date", "date", required=False,
        doc="Day the renewed fighting began (approximate where the notes say); empty if none."),
    Col("renewed_war_5y", "flag",
        doc="Renewed war within the window (a new COW war, a truce's war resumed, or a large offensive to take "
            "territory): the model's renewed war."),
    _feature("monitors", "Neutral observers of the line"),
    _feature("peacekeepers", "An armed or interposed force not party to the war"),
    _feature("dmz", "A demilitarised or buffer zone"),
    _feature("third_party_guarantee", "An explicit commitment by outside states or an organisation to uphold it"),
    _feature("joint_commission", "A body with both parties for incidents and disputes"),
    _feature("outside_binding_guarantor",
             "A treaty alliance of an outside power with the protected party covering the contested area"),
    Col("scenario", "text", doc="The shipped scenario the case runs (the mapping rule: ceasefire_reference)."),
    Col("settings", "text", required=False, default="",
        doc="Overrides of that scenario from the case's guarantee features (the mapping rule): `dotted.key=value` "
            "pairs separated by `;`; empty for none."),
    Col("mapping_note", "text", doc="The mapping rule applied to the case's features, in words; what it leaves out."),
    Col("source", "text", doc="Sources of the row (the research's)."),
    Col("notes", "text", doc="The research's notes: machine tokens first (rule=, end=, how=, conf=), then dates "
                             "and judgements."),
), unique=("case_id",), check=check_cases_v3)


# Every table the tool reads, by its usual file name, for `python -m sim validate FILE.csv`.
TABLES: dict[str, TableSpec] = {**DATA_FILES, CASES_V3_FILE: HISTORY_CASES_V3}
