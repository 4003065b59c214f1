"""The dashboard's levers and how they become a scenario (pure functions, tested without a browser).

A design is a named scenario plus the student's lever settings. Rule: a **select**
left on "as in scenario", or a **slider** at the scenario's own value, changes
nothing; anything else overrides the scenario (:func:`overrides_from_controls`).
Sliders start at the chosen scenario's values, so the value a slider shows is the
value in effect. Every text the student reads names a lever by its sidebar label
(:func:`friendly_error`, :func:`design_label`, :func:`design_rows`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sim.config import ConfigError, Scenario, load_scenario, shipped_scenarios, with_overrides

AS_SCENARIO = "as in scenario"
BASELINE = "paris_declaration"

# Select controls: value shown -> overrides (dotted path -> value).
MONITORING = {
    AS_SCENARIO: {},
    "on": {"monitoring.enabled": True},
    "off": {"monitoring.enabled": False},
}
COMMISSION = {
    AS_SCENARIO: {},
    "US-led (the US decides)": {"commission.enabled": True, "commission.decision_rule": "us_led"},
    "the US and two thirds": {"commission.enabled": True, "commission.decision_rule": "us_and_qualified_majority"},
    "two thirds of the Coalition": {"commission.enabled": True, "commission.decision_rule": "qualified_majority"},
    "consensus": {"commission.enabled": True, "commission.decision_rule": "consensus"},
    "no commission": {"commission.enabled": False},
}
FORCE_POSTURE = {
    AS_SCENARIO: {},
    "rear (reassurance)": {"force.enabled": True, "force.posture": "rear"},
    "forward (tripwire)": {"force.enabled": True, "force.posture": "forward"},
    "no force": {"force.enabled": False},
}
COMMITMENTS = {
    AS_SCENARIO: {},
    "ratified (legally binding)": {"commitments.binding": True, "ratification.seek_ratification": True,
                                   "ratification.in_force_at_ceasefire": False},
    "political only": {"ratification.seek_ratification": False, "ratification.in_force_at_ceasefire": False},
    "binding from day one": {"commitments.binding": True, "ratification.in_force_at_ceasefire": True},
}
US_BACKSTOP = {
    AS_SCENARIO: {},
    "US backs the force": {"united_states.backstop_probability": 1.0},
    "no US backstop": {"united_states.backstop_probability": 0.0},
}
COORDINATION_CELL = {
    AS_SCENARIO: {},
    "on": {"coordination_cell.enabled": True},
    "off": {"coordination_cell.enabled": False},
}
ALL_WARNING_MEASURES = ["stockpile_prepositioning", "force_alert", "diplomatic_warning", "sanctions_threat"]
WARNING_MEASURES = {
    AS_SCENARIO: {},
    "on": {"warning.measures": ALL_WARNING_MEASURES},
    "off": {"warning.measures": []},
}
SNAPBACK = {
    AS_SCENARIO: {},
    "automatic": {"sanctions.snapback": "automatic"},
    "commission vote": {"sanctions.snapback": "commission_vote"},
    "none": {"sanctions.snapback": "none"},
}


@lru_cache(maxsize=1)
def _us_withdrawal() -> list[dict[str, Any]]:
    """The shipped scenario us_withdraws_2029's scripted shock (the lever and the scenario stay one)."""
    return [shock.model_dump() for shock in load_scenario("us_withdraws_2029").shocks]


def us_role_choices() -> dict[str, dict[str, Any]]:
    """The US role as the shipped scenarios give it: paris_declaration (as written), paris_us_bilateral,
    us_withdraws_2029. The lever replaces the scenario's scripted shocks (the shipped ones are all the US's)."""
    return {
        AS_SCENARIO: {},
        "as written (no US pledge)": {"united_states.pledges_response": False, "shocks": []},
        "with US bilateral guarantee": {"united_states.pledges_response": True, "shocks": []},
        "US withdraws in 2029": {"united_states.pledges_response": False, "shocks": _us_withdrawal()},
    }


@dataclass(frozen=True)
class Control:
    """One sidebar lever: its name, title, widget, clauses, and what it sets. Its label names the
    clauses it acts through, and the design card shows the same clause badges."""

    name: str
    title: str
    kind: str  # "Select" | "SliderFloat"
    clauses: tuple[str, ...]
    help: str
    path: str | None = None  # sliders: the scenario parameter they set
    choices: dict[str, dict[str, Any]] | None = None  # selects: value -> overrides
    min: float = 0.0
    max: float = 1.0
    step: float = 0.05

    @property
    def label(self) -> str:
        return f"{self.title} ({', '.join(self.clauses)})"

    def paths(self) -> list[str]:
        if self.path:
            return [self.path]
        return list(dict.fromkeys(p for ov in (self.choices or {}).values() for p in ov))


CONTROLS: tuple[Control, ...] = (
    Control("monitoring", "Monitoring", "Select", ("G1",),
            "US-led monitoring and verification of the ceasefire.", choices=MONITORING),
    Control("monitoring_coverage", "Monitoring coverage", "SliderFloat", ("G1",),
            "Share of the line watched: more coverage, more violations seen and attributed right.",
            path="monitoring.coverage", min=0.0, max=1.0, step=0.05),
    Control("commission", "Commission rule", "Select", ("G1",),
            "How the US-led special commission decides: the US alone, the US with two thirds of the Coalition, "
            "two thirds of the Coalition (the rule once the US has left), or every member.", choices=COMMISSION),
    Control("evidence_threshold", "Evidence threshold", "SliderFloat", ("G1",),
            "Evidence the commission needs to attribute a violation (0-1).",
            path="commission.evidence_threshold", min=0.0, max=1.0, step=0.05),
    Control("warning_measures", "Warning measures", "Select", ("G1",),
            "What a warning sets off besides Ukraine's readiness: stockpile pre-positioning (G2), the force on "
            "alert (G3), a public diplomatic warning, a sanctions threat (G4). Off: the warning alone.",
            choices=WARNING_MEASURES),
    Control("support_volume", "Support volume, x 2025 aid", "SliderFloat", ("G2",),
            "Military aid to Ukraine, as a multiple of the 2025 level.",
            path="support.volume", min=0.0, max=3.0, step=0.1),
    Control("force_posture", "Multinational force", "Select", ("G3",),
            "Where the European-led force stands: rear hubs or forward (a tripwire).", choices=FORCE_POSTURE),
    Control("force_size", "Force size, x pledges", "SliderFloat", ("G3",),
            "Size of the force as a multiple of what each nation pledged (troops, aircraft, ships).",
            path="force.size", min=0.0, max=3.0, step=0.25),
    Control("us_backstop", "US backstop of the force", "Select", ("G3",),
            "Whether the US backs the force (the text says 'proposed support').", choices=US_BACKSTOP),
    Control("us_role", "US role", "Select", ("G1", "G3", "G4"),
            "As written: the US leads monitoring and offers support to the force, but makes no G4 pledge. "
            "With a US bilateral guarantee (put to Congress). Or a new US administration withdraws the US "
            "roles on 20 January 2029 (a scripted shock).", choices=us_role_choices()),
    Control("commitments", "Commitments", "Select", ("G0", "G4"),
            "Legal status of the commitments: ratified by parliaments, political only, or binding at once.",
            choices=COMMITMENTS),
    Control("snapback", "Sanctions snapback", "Select", ("G4",),
            "What brings relieved sanctions back after attributed Russian violations or an attack: automatic, "
            "a new vote of the commission, or nothing.", choices=SNAPBACK),
    Control("relief_per_year", "Sanctions relief a year", "SliderFloat", ("A",),
            "Share of the ceasefire sanctions lifted per year while Russia complies (part of the deal).",
            path="sanctions.relief_per_year", min=0.0, max=1.0, step=0.05),
    Control("coordination_cell", "Coordination cell", "Select", ("C1",),
            "The US-Ukraine-Coalition cell in Paris that shortens delays.", choices=COORDINATION_CELL),
)
CONTROLS_BY_NAME = {c.name: c for c in CONTROLS}
SEED_MAX = 99_999  # five digits; Compare runs seeds 0 to 1,999
_ACRONYMS = {"us": "US", "article5": "Article 5", "nato": "NATO", "eu": "EU"}


@lru_cache(maxsize=32)
def scenario(name: str) -> Scenario:
    return load_scenario(name)


def scenario_names() -> list[str]:
    names = list(shipped_scenarios())
    return [BASELINE, *[n for n in names if n != BASELINE]]


def scenario_title(name: str) -> str:
    """'paris_declaration' -> 'Paris declaration', 'no_us_backstop' -> 'No US backstop'."""
    words = [_ACRONYMS.get(w, w) for w in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def get(s: Scenario, path: str) -> Any:
    """A parameter by its dotted path (``shocks``: the list as plain data, comparable with a lever's)."""
    if path == "shocks":
        return [shock.model_dump() for shock in s.shocks]
    node: Any = s
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _key(scenario_name: str, overrides: dict[str, Any]) -> tuple[str, str]:
    """Hashable and canonical: the same settings give the same key (lists and dates included)."""
    return scenario_name, json.dumps(overrides, sort_keys=True, default=str)


def default_controls(scenario_name: str = BASELINE) -> dict[str, Any]:
    """Lever values that change nothing: selects 'as in scenario', sliders at the scenario's values."""
    base = scenario(scenario_name)
    return {c.name: AS_SCENARIO if c.kind == "Select" else float(get(base, c.path)) for c in CONTROLS}


def overrides_from_controls(controls: dict[str, Any], scenario_name: str = BASELINE) -> dict[str, Any]:
    """Dotted-path overrides for ``with_overrides``; unknown levers or values raise ``ValueError``."""
    base = scenario(scenario_name)
    out: dict[str, Any] = {}
    for name, value in controls.items():
        c = CONTROLS_BY_NAME.get(name)
        if c is None:
            raise ValueError(f"unknown lever {name!r}")
        if c.kind == "Select":
            if value not in c.choices:
                raise ValueError(f"{c.label}: {value!r} is not one of {list(c.choices)}")
            out.update(c.choices[value])
        elif abs(float(value) - float(get(base, c.path))) > 1e-9:
            out[c.path] = round(float(value), 6)
    return out


@dataclass(frozen=True)
class Design:
    """A design ready to run: the scenario, a readable name, and the levers behind it."""

    key: tuple  # hashable: scenario name and its overrides as canonical JSON
    label: str
    scenario: Scenario
    base_name: str
    overrides: dict[str, Any]


def build_design(scenario_name: str, controls: dict[str, Any]) -> tuple[Design | None, str | None]:
    """(design, None), or (None, message in the sidebar's words) for a combination not allowed."""
    overrides = overrides_from_controls(controls, scenario_name)
    try:
        s = with_overrides(scenario(scenario_name), overrides, source="levers")
    except ConfigError as exc:
        return None, friendly_error(exc)
    base = scenario(scenario_name)
    changes = {p: v for p, v in overrides.items() if get(base, p) != v}  # a setting the scenario has: no change
    return Design(_key(scenario_name, changes), design_label(scenario_name, controls), s, scenario_name,
                  overrides), None


def named_design(name: str) -> Design:
    return Design(_key(name, {}), scenario_title(name), scenario(name), name, {})


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v).replace("_", " ")


def design_label(scenario_name: str, controls: dict[str, Any]) -> str:
    """'Paris declaration + Commitments (G0, G4): political only' (only levers that change something)."""
    base = scenario(scenario_name)
    changes = []
    for c in CONTROLS:
        v = controls.get(c.name)
        if v is None:
            continue
        if c.kind == "Select":
            if v != AS_SCENARIO and any(get(base, p) != x for p, x in c.choices[v].items()):
                changes.append(f"{c.label}: {v}")
        elif abs(float(v) - float(get(base, c.path))) > 1e-9:
            changes.append(f"{c.label}: {_fmt(float(v))}")
    title = scenario_title(scenario_name)
    return title + (" + " + "; ".join(changes) if changes else "")


def effect(control: Control, s: Scenario) -> str:
    """What a lever amounts to in a scenario, in the lever's own words."""
    if control.kind != "Select":
        return _fmt(float(get(s, control.path)))
    if control.name == "commitments":
        if not s.commitments.binding:
            return "political only (not meant to be binding)"
        if s.ratification.in_force_at_ceasefire:
            return "binding from day one"
        return "ratified (legally binding)" if s.ratification.seek_ratification else "political only"
    if control.name == "us_backstop":
        p = s.united_states.backstop_probability
        if 0.0 < p < 1.0:
            return f"uncertain ({p:.0%} chance the US backs it)"
    if control.name == "us_role":
        pledge = "with US bilateral guarantee" if s.united_states.pledges_response else "as written (no US pledge)"
        us_shocks = [sh for sh in s.shocks if any(k.startswith("united_states.") for k in sh.set)]
        if not us_shocks:
            return pledge
        withdraws = "US withdraws in 2029" if get(s, "shocks") == _us_withdrawal() else "US roles change by a shock"
        return withdraws if not s.united_states.pledges_response else f"{pledge}, then {withdraws}"
    if control.name == "warning_measures":
        measures = list(s.warning.measures)
        if not measures:
            return "off"
        if sorted(measures) == sorted(ALL_WARNING_MEASURES):
            return "on"
        return "on: " + ", ".join(m.replace("_", " ") for m in measures)
    for choice, ov in control.choices.items():
        if choice != AS_SCENARIO and all(get(s, p) == v for p, v in ov.items()):
            return choice
    return ", ".join(f"{p.split('.')[-1].replace('_', ' ')} {_fmt(get(s, p))}" for p in control.paths())


def design_rows(s: Scenario, base: Scenario) -> list[dict[str, Any]]:
    """The levers of a design: sidebar label, value in effect, clause, changed from the named scenario."""
    return [{"lever": c.label, "value": effect(c, s), "clauses": c.clauses,
             "changed": effect(c, s) != effect(c, base)} for c in CONTROLS]


# --------------------------------------------------------------------------- #
# Errors in the sidebar's words
# --------------------------------------------------------------------------- #
@lru_cache(maxsize=1)
def _words() -> tuple[dict[str, str], dict[tuple[str, Any], tuple[str, str]]]:
    labels: dict[str, str] = {}
    values: dict[tuple[str, Any], tuple[str, str]] = {}
    for c in CONTROLS:
        if c.path:
            labels.setdefault(c.path, c.label)
        for choice, ov in (c.choices or {}).items():
            for p, v in ov.items():
                labels.setdefault(p, c.label)
                if isinstance(v, (bool, int, float, str)):  # lists (shocks, measures) are not named in errors
                    values.setdefault((p, v), (c.label, choice))
    return labels, values


def in_sidebar_words(text: str) -> str:
    """Replace dotted parameter paths (and 'path: value') by the sidebar's labels and choices."""
    labels, values = _words()

    def pair(m: re.Match) -> str:
        path, raw = m.group(1), m.group(2)
        v: Any = {"true": True, "false": False}.get(raw.lower(), raw)
        if not isinstance(v, bool):
            try:
                v = float(raw)
            except ValueError:
                pass
        if (path, v) in values:
            label, choice = values[(path, v)]
            return f"{label} set to '{choice}'"
        return f"{labels[path]} at {raw}" if path in labels else m.group(0)

    text = re.sub(r"\b([a-z_]+(?:\.[a-z_]+)+): (true|false|True|False|-?\d+(?:\.\d+)?)\b", pair, text)
    return re.sub(r"\b([a-z_]+(?:\.[a-z_]+)+)\b",
                  lambda m: labels.get(m.group(1), m.group(1).split(".")[-1].replace("_", " ")), text)


def friendly_error(exc: ConfigError) -> str:
    parts = []
    for p in exc.problems:
        text = in_sidebar_words(p.message)
        if p.allowed:
            text += ". Allowed: " + in_sidebar_words(p.allowed)
        parts.append(text[:1].upper() + text[1:] + ".")
    return " ".join(parts)


def scenario_description(name: str) -> str:
    """What a shipped scenario represents, in its own file's words."""
    return scenario(name).description


def parse_seed(text: object) -> tuple[int | None, str | None]:
    """(seed, None) for a whole number in 0..SEED_MAX, else (None, what is allowed)."""
    allowed = f"A seed is a whole number from 0 to {SEED_MAX:,}."
    try:
        value = float(str(text).strip().replace(",", "").replace("_", ""))
    except ValueError:
        return None, f"'{text}' is not a number. {allowed}"
    if not value.is_integer():
        return None, f"{text} is not a whole number. {allowed}"
    if not 0 <= value <= SEED_MAX:
        return None, f"{int(value):,} is out of range. {allowed}"
    return int(value), None
