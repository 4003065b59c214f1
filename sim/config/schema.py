"""Typed schema of a scenario: every parameter with its range, unit and role.

Roles follow the XLRM framing of robust decision making:
``lever`` (a design choice of the guarantees), ``uncertainty`` (nobody controls
it) and ``constant`` (a calibrated model constant, see docs/VALIDATION.md).
Experiment files may vary levers and uncertainties; the role is checked.
Defaults are the Paris Declaration as written (scenario ``paris_declaration``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.clauses import Clause
from sim.ladder import LEVEL_NAMES, RESPONSE_TYPES, VIOLATION_LEVELS

Role = Literal["lever", "uncertainty", "constant"]
Level = Literal["probe", "limited", "major"]
ResponseType = Literal["diplomacy", "sanctions", "intelligence", "logistics", "military"]
CorrectiveMeasure = Literal["demarche", "monitoring_surge", "stockpile_release"]


def _param(default: Any, role: Role, clause: Clause, unit: str, doc: str, **bounds: Any) -> Any:
    return Field(
        default,
        description=doc,
        json_schema_extra={"role": role, "unit": unit, "clause": clause.value},
        **bounds,
    )


def lever(default: Any, clause: Clause, unit: str, doc: str, **bounds: Any) -> Any:
    return _param(default, "lever", clause, unit, doc, **bounds)


def uncertainty(default: Any, clause: Clause, unit: str, doc: str, **bounds: Any) -> Any:
    return _param(default, "uncertainty", clause, unit, doc, **bounds)


def constant(default: Any, clause: Clause, unit: str, doc: str, **bounds: Any) -> Any:
    return _param(default, "constant", clause, unit, doc, **bounds)


A = Clause.ASSUMPTION


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Ratification(Section):
    """G0: a member's commitment is political until its legal procedure completes."""

    seek_ratification: bool = lever(
        True, Clause.G0, "switch",
        "Members put their commitments to their parliaments (false: all stay political).")
    in_force_at_ceasefire: bool = lever(
        False, Clause.G0, "switch",
        "Every commitment is legally binding from week 0 (no lag, no failure).")
    lag_multiplier: float = uncertainty(
        1.0, Clause.G0, "x member lag",
        "Scales every member's legal lag from the members data file.", ge=0.1, le=5.0)
    failure_probability: float = uncertainty(
        0.08, Clause.G0, "probability",
        "Chance that a member's ratification fails.", ge=0.0, le=1.0)
    us_congress_lag_weeks: int = uncertainty(
        52, Clause.G0, "weeks", "Mean lag of the US Congress vote.", ge=0, le=520)
    us_congress_failure_probability: float = uncertainty(
        0.5, Clause.G0, "probability", "Chance that the US Congress does not ratify.",
        ge=0.0, le=1.0)


class Monitoring(Section):
    """G1: US-led ceasefire monitoring and verification mechanism."""

    enabled: bool = lever(True, Clause.G1, "switch", "A monitoring mechanism exists.")
    coverage: float = lever(
        0.75, Clause.G1, "share of the contact line",
        "Coverage when every pledged contribution (US lead share included) is present.",
        ge=0.0, le=1.0)
    latency_weeks: int = lever(
        1, Clause.G1, "weeks", "Delay from a detected violation to its report.", ge=0, le=26)
    us_lead_share: float = lever(
        0.5, Clause.G1, "share", "Share of coverage provided by the US lead.", ge=0.0, le=1.0)
    attribution_accuracy: float = lever(
        0.9, Clause.G1, "probability",
        "Probability a detected violation is attributed to the right party at full coverage.",
        ge=0.5, le=1.0)
    false_alarm_rate: float = uncertainty(
        0.01, Clause.G1, "per week", "Reports of a violation that did not happen.",
        ge=0.0, le=0.5)
    surge_coverage: float = lever(
        0.15, Clause.G1, "share", "Extra coverage of a monitoring surge (corrective measure).",
        ge=0.0, le=1.0)
    surge_weeks: int = lever(12, Clause.G1, "weeks", "Duration of a monitoring surge.", ge=0, le=104)
    public_visibility_probe: float = constant(
        0.1, A, "probability", "Chance a probe is seen with no monitoring (press, OSINT).",
        ge=0.0, le=1.0)
    public_visibility_limited: float = constant(
        0.6, A, "probability", "Chance a limited offensive is seen with no monitoring.",
        ge=0.0, le=1.0)


class Commission(Section):
    """G1: the special commission that attributes and decides corrective measures."""

    enabled: bool = lever(True, Clause.G1, "switch", "The commission has attribution authority.")
    decision_rule: Literal["consensus", "qualified_majority", "us_led"] = lever(
        "qualified_majority", Clause.G1, "rule",
        "consensus: every member agrees; qualified_majority: two thirds; us_led: the US decides.")
    evidence_threshold: float = lever(
        0.55, Clause.G1, "evidence score 0-1",
        "Minimum strength of evidence to attribute a violation.", ge=0.0, le=1.0)
    deliberation_weeks: int = lever(
        3, Clause.G1, "weeks", "Time from a report to a decision (before C1).", ge=0, le=52)
    corrective_measures: dict[Level, list[CorrectiveMeasure]] = lever(
        {"probe": ["demarche", "monitoring_surge"],
         "limited": ["demarche", "monitoring_surge", "stockpile_release"],
         "major": ["demarche"]},
        Clause.G1, "measures",
        "Measures the commission orders itself, per attributed level (member responses are in commitments.response_menu).")


class Support(Section):
    """G2: long-term support to Ukraine's armed forces."""

    volume: float = lever(
        1.0, Clause.G2, "x 2025 aid level",
        "Weekly aid programmes and financing, relative to the 2025 level.", ge=0.0, le=3.0)
    budget_cooperation: bool = lever(
        True, Clause.G2, "switch", "Budget cooperation closes Ukraine's defence budget gap.")
    stockpile_access: bool = lever(
        True, Clause.G2, "switch", "Ukraine has access to defence stockpiles after an attack.")
    surge_size: float = lever(
        0.25, Clause.G2, "strength units", "Strength added by a stockpile surge.", ge=0.0, le=2.0)
    surge_delay_weeks: int = lever(
        4, Clause.G2, "weeks", "Delay from the release decision to the surge's arrival.", ge=0, le=52)
    fortification_assistance: float = lever(
        1.0, Clause.G2, "x baseline build rate", "Help building defensive fortifications.",
        ge=0.0, le=3.0)


class Force(Section):
    """G3: the Multinational Force for Ukraine."""

    enabled: bool = lever(True, Clause.G3, "switch", "The force is part of the guarantees.")
    size: float = lever(
        1.0, Clause.G3, "x pledged contributions", "Scales every member's contribution.",
        ge=0.0, le=3.0)
    posture: Literal["rear", "forward"] = lever(
        "rear", Clause.G3, "posture",
        "rear: reassurance away from the contact line; forward: a tripwire near it.")
    build_up_weeks: int = lever(
        12, Clause.G3, "weeks", "Time from Ukraine's request to full deployment.", ge=1, le=104)
    credible_cessation_threshold: int = lever(
        2, Clause.G3, "detected violations",
        "Most detected violations in the window for cessation to count as credible.", ge=0, le=50)
    credible_cessation_window_weeks: int = lever(
        8, Clause.G3, "weeks", "Window over which cessation must hold.", ge=1, le=104)
    strength_per_share: float = constant(
        0.5, Clause.G3, "strength units",
        "Force strength per unit share of coalition defence spending contributed.", ge=0.0, le=5.0)
    ukraine_requests: bool = lever(
        True, Clause.G3, "switch", "Ukraine requests the force once cessation is credible.")


class Commitments(Section):
    """G4: commitments to respond to a future armed attack by Russia."""

    binding: bool = lever(
        True, Clause.G4, "switch",
        "Commitments are meant to be legally binding (they become so on ratification, G0).")
    binding_levels: list[Level] = lever(
        ["major"], Clause.G4, "levels", "Levels of violation the binding commitments cover.")
    automaticity: float = lever(
        0.5, Clause.G4, "probability",
        "Chance a binding commitment acts regardless of the member's current resolve.",
        ge=0.0, le=1.0)
    response_menu: dict[Level, list[ResponseType]] = lever(
        {"probe": ["diplomacy"],
         "limited": ["diplomacy", "sanctions", "intelligence"],
         "major": ["diplomacy", "sanctions", "intelligence", "logistics", "military"]},
        Clause.G4, "response types", "Responses each member pledges per attributed level.")
    response_delay_weeks: int = lever(
        2, Clause.G4, "weeks", "Time from a decision to the members' responses (before C1).",
        ge=0, le=52)
    ad_hoc_delay_weeks: int = lever(
        4, A, "weeks",
        "Without a commission, delay before a self-evident major attack is acted on.", ge=0, le=52)


class Cooperation(Section):
    """G5: long-term defence cooperation."""

    training: float = lever(1.0, Clause.G5, "x baseline", "Training of Ukraine's forces.", ge=0.0, le=3.0)
    co_production: float = lever(
        1.0, Clause.G5, "x baseline", "Joint production: aid that does not depend on yearly will.",
        ge=0.0, le=3.0)
    intelligence_sharing: float = lever(
        0.5, Clause.G5, "share 0-1", "Raises attribution accuracy and early warning.", ge=0.0, le=1.0)


class CoordinationCell(Section):
    """C1: US-Ukraine-Coalition coordination cell in Paris."""

    enabled: bool = lever(True, Clause.C1, "switch", "The coordination cell exists.")
    delay_reduction: float = lever(
        0.5, Clause.C1, "share", "Share of deliberation and response delays it removes.",
        ge=0.0, le=0.95)


class UnitedStates(Section):
    """The US: monitoring lead (G1), proposed support to the force (G3), responses (G4)."""

    leads_monitoring: bool = lever(True, Clause.G1, "switch", "The US leads and staffs monitoring.")
    backstop_probability: float = uncertainty(
        0.6, Clause.G3, "probability", "Chance, drawn once a run, that the US backs the force.",
        ge=0.0, le=1.0)
    pledges_response: bool = lever(True, Clause.G4, "switch", "The US pledges G4 responses.")
    resolve: float = uncertainty(0.5, A, "0-1", "The US's initial resolve.", ge=0.0, le=1.0)


class Russia(Section):
    """Russia's traits: all uncertainties or calibrated constants (no clause)."""

    ambition: float = uncertainty(
        1.0, A, "x baseline", "Revisionist ambition (weight of gains).", ge=0.0, le=3.0)
    ambition_spread: float = uncertainty(
        0.5, A, "sd of log ambition",
        "Spread of Russia's ambition across runs (drawn once a run): some ceasefires face a more "
        "revisionist Russia than others.", ge=0.0, le=2.0)
    ambition_drift: float = uncertainty(
        0.02, A, "per week (sd)", "Random-walk drift of ambition.", ge=0.0, le=0.5)
    risk_tolerance: float = uncertainty(
        1.0, A, "x baseline", "Divides the weight of expected costs.", ge=0.2, le=5.0)
    reconstitution_rate: float = uncertainty(
        0.006, A, "per week", "Speed at which strength returns towards its ceiling.",
        ge=0.0, le=0.1)
    rationality: float = uncertainty(
        1.0, A, "logit precision", "Quantal-response precision of the ladder choice.",
        ge=0.05, le=20.0)
    initial_strength: float = uncertainty(
        1.0, A, "strength units", "Strength at the ceasefire (ceiling is 1.0 + max_strength_gain).",
        ge=0.1, le=3.0)
    max_strength_gain: float = constant(
        1.0, A, "strength units", "Room to regenerate above 1.0.", ge=0.0, le=3.0)
    prior_weight: float = constant(
        8.0, A, "pseudo-observations", "Weight of Russia's prior about coalition resolve.",
        ge=0.5, le=100.0)
    learning_spillover: float = constant(
        0.15, A, "weight", "Weight of an observation at one level on beliefs about the others.",
        ge=0.0, le=1.0)
    weekly_discount: float = constant(
        0.97, A, "per week", "Discount of delayed punishment.", ge=0.5, le=1.0)


class Ukraine(Section):
    """Ukraine (P1): its own defence is the first layer of deterrence."""

    initial_strength: float = uncertainty(
        0.7, Clause.P1, "strength units", "Force strength at the ceasefire.", ge=0.1, le=3.0)
    initial_quality: float = uncertainty(1.0, Clause.P1, "multiplier", "Force quality.", ge=0.1, le=3.0)
    budget_gap: float = uncertainty(
        0.3, Clause.G2, "share", "Share of the defence budget unfunded without cooperation.",
        ge=0.0, le=1.0)
    violation_rate: float = uncertainty(
        0.01, A, "per week", "Ukraine's own minor violations (probes).", ge=0.0, le=0.5)
    retaliation_boost: float = uncertainty(
        0.1, A, "per week", "Extra violation chance in the weeks after being probed.",
        ge=0.0, le=1.0)


class Members(Section):
    """Coalition members' politics (resolve, elections, fatigue)."""

    data_file: str = constant(
        "coalition_members.csv", Clause.G0, "file in scenarios/",
        "Members table: names, regions, capacities.")
    resolve_mean: float = uncertainty(0.5, A, "0-1", "Mean initial resolve.", ge=0.0, le=1.0)
    frontline_bonus: float = uncertainty(
        0.2, A, "0-1", "Extra resolve of members bordering Russia or Belarus.", ge=0.0, le=1.0)
    resolve_drift: float = uncertainty(0.01, A, "per week (sd)", "Random drift of resolve.", ge=0.0, le=0.2)
    election_shock: float = uncertainty(
        0.1, A, "sd", "Resolve shock at a national election (every 4 years).", ge=0.0, le=1.0)
    fatigue_per_year: float = uncertainty(
        0.03, A, "per year", "Erosion of resolve from the cost of support.", ge=0.0, le=0.5)
    response_cost: float = uncertainty(
        0.03, A, "resolve", "Resolve a member loses each time it acts.", ge=0.0, le=0.5)
    bandwagon_weight: float = constant(
        0.5, A, "weight", "Pull of the share of others already acting (cascade).", ge=0.0, le=3.0)
    activation_threshold: float = constant(
        0.8, A, "resolve", "Resolve plus pull needed for a political response.", ge=0.0, le=3.0)
    binding_pull: float = constant(
        0.5, Clause.G0, "resolve",
        "Extra pull of a legal obligation on a member with a ratified commitment.", ge=0.0, le=3.0)
    activation_noise: float = constant(
        0.1, A, "resolve", "Spread of the activation decision (logistic scale).", ge=0.01, le=1.0)


class Payoffs(Section):
    """Russia's payoffs: calibrated constants (docs/VALIDATION.md)."""

    gain_probe: float = constant(0.6, A, "utility", "Value of a grey-zone probe.", ge=0.0, le=20.0)
    gain_limited: float = constant(2.5, A, "utility", "Value of a successful local offensive.", ge=0.0, le=50.0)
    gain_major: float = constant(5.0, A, "utility", "Value of a successful renewed war.", ge=0.0, le=100.0)
    base_cost_probe: float = constant(2.9, A, "utility", "Intrinsic cost of a probe.", ge=0.0, le=50.0)
    base_cost_limited: float = constant(5.8, A, "utility", "Intrinsic cost of a limited offensive.", ge=0.0, le=50.0)
    base_cost_major: float = constant(9.4, A, "utility", "Intrinsic cost of renewed war.", ge=0.0, le=100.0)
    combat_cost: float = constant(
        0.5, Clause.P1, "utility per defence/strength", "Cost of fighting a stronger defender.",
        ge=0.0, le=50.0)
    punishment_weight: float = constant(
        0.07, Clause.G4, "utility per pledged unit", "Cost to Russia of one unit of pledged response.",
        ge=0.0, le=50.0)
    tripwire_cost: float = constant(
        7.0, Clause.G3, "utility per force unit", "Cost of striking deployed coalition troops.",
        ge=0.0, le=100.0)
    rear_tripwire_share: float = constant(
        0.35, Clause.G3, "share", "Share of the tripwire cost when the force is in the rear.",
        ge=0.0, le=1.0)
    military_effect: float = constant(
        0.14, Clause.G4, "defence per unit", "Defence added per unit of coalition military power acting.",
        ge=0.0, le=5.0)
    contest_exponent: float = constant(
        1.0, Clause.P1, "exponent", "Decisiveness of the strength ratio in the contest function.",
        ge=0.5, le=10.0)


class Scenario(BaseModel):
    """A full scenario: one design of the guarantees plus the world it meets."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    name: str = Field("unnamed", description="Scenario name (defaults to the file's stem).")
    description: str = Field("", description="One line: what this scenario represents.")
    horizon_weeks: int = Field(
        260, ge=1, le=2600, description="Weeks simulated (260 = 5 years).",
        json_schema_extra={"role": "constant", "unit": "weeks", "clause": "G0"})
    ratification: Ratification = Ratification()
    monitoring: Monitoring = Monitoring()
    commission: Commission = Commission()
    support: Support = Support()
    force: Force = Force()
    commitments: Commitments = Commitments()
    cooperation: Cooperation = Cooperation()
    coordination_cell: CoordinationCell = CoordinationCell()
    united_states: UnitedStates = UnitedStates()
    russia: Russia = Russia()
    ukraine: Ukraine = Ukraine()
    members: Members = Members()
    payoffs: Payoffs = Payoffs()

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        if self.commission.enabled and not self.monitoring.enabled:
            raise ValueError(
                "commission.enabled needs monitoring.enabled: the commission attributes "
                "what monitoring reports (G1)")
        return self


SECTIONS: tuple[str, ...] = tuple(
    name for name, f in Scenario.model_fields.items() if isinstance(f.default, Section)
)

assert set(VIOLATION_LEVELS) == set(Level.__args__)  # type: ignore[attr-defined]
assert set(RESPONSE_TYPES) == set(ResponseType.__args__)  # type: ignore[attr-defined]
assert LEVEL_NAMES[0] == "comply"
