"""The dashboard's controls and how they become a scenario.

Every lever a student can move is one keyword-only parameter of
:class:`DashboardModel`, so Mesa's SolaraViz can rebuild the model from the
sidebar (``Reset``). :func:`overrides_from_controls` turns control values into
dotted-path overrides for :func:`sim.config.with_overrides`; it is a pure
function (tested without a browser).

Rule for a student: a **select** left on "as in scenario", or a **slider** left
at its starting position, keeps the chosen scenario's own value. Anything else
replaces it. The story page lists the design in effect, lever by lever.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sim.config import ConfigError, Scenario, load_scenario, shipped_scenarios, with_overrides
from sim.model import DeterrenceModel

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
    "qualified majority": {"commission.enabled": True, "commission.decision_rule": "qualified_majority"},
    "consensus": {"commission.enabled": True, "commission.decision_rule": "consensus"},
    "US-led": {"commission.enabled": True, "commission.decision_rule": "us_led"},
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


@dataclass(frozen=True)
class Control:
    """One sidebar control: its kwarg, label, widget, clause, and what it sets."""

    name: str
    label: str
    kind: str  # "Select" | "SliderFloat" | "SliderInt"
    clause: str
    path: str | None = None  # sliders: the scenario parameter they set
    choices: dict[str, dict[str, Any]] | None = None  # selects: value -> overrides
    min: float = 0.0
    max: float = 1.0
    step: float = 0.05


CONTROLS: tuple[Control, ...] = (
    Control("monitoring", "Monitoring (G1)", "Select", "G1", choices=MONITORING),
    Control("monitoring_coverage", "Monitoring coverage (G1)", "SliderFloat", "G1",
            path="monitoring.coverage", min=0.0, max=1.0, step=0.05),
    Control("commission", "Commission rule (G1)", "Select", "G1", choices=COMMISSION),
    Control("evidence_threshold", "Evidence threshold (G1)", "SliderFloat", "G1",
            path="commission.evidence_threshold", min=0.0, max=1.0, step=0.05),
    Control("support_volume", "Support volume, x 2025 aid (G2)", "SliderFloat", "G2",
            path="support.volume", min=0.0, max=3.0, step=0.1),
    Control("force_posture", "Multinational force (G3)", "Select", "G3", choices=FORCE_POSTURE),
    Control("force_size", "Force size, x pledges (G3)", "SliderFloat", "G3",
            path="force.size", min=0.0, max=3.0, step=0.25),
    Control("us_backstop", "US backstop of the force (G3)", "Select", "G3", choices=US_BACKSTOP),
    Control("commitments", "Commitments (G0, G4)", "Select", "G0", choices=COMMITMENTS),
    Control("coordination_cell", "Coordination cell (C1)", "Select", "C1", choices=COORDINATION_CELL),
)
CONTROLS_BY_NAME = {c.name: c for c in CONTROLS}
SEED_MAX = 999


@lru_cache(maxsize=1)
def _baseline() -> Scenario:
    return load_scenario(BASELINE)


def _get(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node


def slider_start(control: Control) -> float:
    """Starting position of a slider: the baseline scenario's value (read, never hard-coded)."""
    return float(_get(_baseline(), control.path))


def default_controls() -> dict[str, Any]:
    """Control values a fresh page starts with (every control keyword of DashboardModel)."""
    out: dict[str, Any] = {"scenario_name": BASELINE, "seed": 0}
    for c in CONTROLS:
        out[c.name] = AS_SCENARIO if c.kind == "Select" else slider_start(c)
    return out


def scenario_names() -> list[str]:
    names = list(shipped_scenarios())
    return [BASELINE, *[n for n in names if n != BASELINE]]


def overrides_from_controls(controls: dict[str, Any]) -> dict[str, Any]:
    """Dotted-path overrides for ``with_overrides`` from control values.

    Selects on "as in scenario" and sliders at their starting position add nothing.
    Unknown control names or select values raise ``ValueError``.
    """
    out: dict[str, Any] = {}
    for name, value in controls.items():
        if name in ("scenario_name", "seed"):
            continue
        c = CONTROLS_BY_NAME.get(name)
        if c is None:
            raise ValueError(f"unknown control {name!r}")
        if c.kind == "Select":
            if value not in c.choices:
                raise ValueError(f"{c.label}: {value!r} is not one of {list(c.choices)}")
            out.update(c.choices[value])
        elif abs(float(value) - slider_start(c)) > 1e-9:
            out[c.path] = round(float(value), 6)
    return out


def build_scenario(controls: dict[str, Any]) -> tuple[Scenario, str | None, dict[str, Any]]:
    """(scenario to run, error text or None, overrides applied).

    An invalid combination never raises: the named scenario runs unchanged and the
    ConfigError's text is returned for the page to show inline.
    """
    base = load_scenario(controls.get("scenario_name", BASELINE))
    overrides = overrides_from_controls(controls)
    try:
        return with_overrides(base, overrides), None, overrides
    except ConfigError as exc:
        return base, str(exc), {}


def model_params() -> dict[str, dict[str, Any]]:
    """SolaraViz ``model_params``: one input per DashboardModel keyword."""
    params: dict[str, dict[str, Any]] = {
        "scenario_name": {"type": "Select", "value": BASELINE, "values": scenario_names(),
                          "label": "Scenario"},
        "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": SEED_MAX, "step": 1, "label": "Seed"},
    }
    for c in CONTROLS:
        if c.kind == "Select":
            params[c.name] = {"type": "Select", "value": AS_SCENARIO, "values": list(c.choices),
                              "label": c.label}
        else:
            params[c.name] = {"type": c.kind, "value": slider_start(c), "min": c.min, "max": c.max,
                              "step": c.step, "label": c.label}
    return params


# What the story page lists as "the design in effect": (label, path, clause).
DESIGN_ROWS: tuple[tuple[str, str, str], ...] = (
    ("monitoring", "monitoring.enabled", "G1"),
    ("coverage", "monitoring.coverage", "G1"),
    ("commission", "commission.enabled", "G1"),
    ("decision rule", "commission.decision_rule", "G1"),
    ("evidence threshold", "commission.evidence_threshold", "G1"),
    ("support volume", "support.volume", "G2"),
    ("force", "force.enabled", "G3"),
    ("posture", "force.posture", "G3"),
    ("force size", "force.size", "G3"),
    ("US backstop probability", "united_states.backstop_probability", "G3"),
    ("seek ratification", "ratification.seek_ratification", "G0"),
    ("binding from day one", "ratification.in_force_at_ceasefire", "G0"),
    ("commitments binding", "commitments.binding", "G4"),
    ("coordination cell", "coordination_cell.enabled", "C1"),
)


def design_rows(scenario: Scenario, overrides: dict[str, Any]) -> list[dict[str, Any]]:
    """The levers of a scenario as rows: label, value, clause, changed by the student."""
    return [{"lever": label, "value": _get(scenario, path), "clause": clause, "changed": path in overrides}
            for label, path, clause in DESIGN_ROWS]


class DashboardModel(DeterrenceModel):
    """DeterrenceModel built from the dashboard's controls (keyword-only, all defaulted)."""

    def __init__(self, *, scenario_name: str = BASELINE, seed: int = 0,
                 monitoring: str = AS_SCENARIO, monitoring_coverage: float | None = None,
                 commission: str = AS_SCENARIO, evidence_threshold: float | None = None,
                 support_volume: float | None = None, force_posture: str = AS_SCENARIO,
                 force_size: float | None = None, us_backstop: str = AS_SCENARIO,
                 commitments: str = AS_SCENARIO, coordination_cell: str = AS_SCENARIO) -> None:
        controls = {k: v for k, v in locals().items() if k not in ("self", "__class__")}
        for c in CONTROLS:
            if controls[c.name] is None:
                controls[c.name] = slider_start(c)
        self.controls = controls
        design, self.config_error, self.overrides = build_scenario(controls)
        super().__init__(design, int(seed))

    @property
    def design(self) -> Scenario:
        """The scenario this model runs (the named scenario plus the student's changes)."""
        return self.scenario_config
