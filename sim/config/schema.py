"""Typed schema of a scenario: every parameter with its range, unit and role.

Roles follow the XLRM framing of robust decision making:
``lever`` (a design choice of the guarantees), ``uncertainty`` (nobody controls
it) and ``constant`` (a model constant). A constant given ``fitted=(low, high)`` is
calibrated by history matching against the calibration targets (``python -m sim calibrate``,
docs/CALIBRATION.md); every other number says its source or "assumption".
Experiment files may vary levers and uncertainties; the role is checked.
Defaults are the Paris Declaration as written (scenario ``paris_declaration``).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.clauses import Clause
from sim.ladder import LEVEL_NAMES, RESPONSE_TYPES, VIOLATION_LEVELS

Role = Literal["lever", "uncertainty", "constant"]
Level = Literal["probe", "limited", "major"]
ResponseType = Literal["diplomacy", "sanctions", "intelligence", "logistics", "military"]
NationalResponseType = Literal["diplomacy", "sanctions", "intelligence", "logistics"]  # military lags: members file
CorrectiveMeasure = Literal["demarche", "monitoring_surge", "stockpile_release"]
WarningMeasure = Literal["stockpile_prepositioning", "force_alert", "diplomatic_warning", "sanctions_threat"]


def _param(default: Any, role: Role, clause: Clause, unit: str, doc: str, source: str = "assumption",
           initial_only: bool = False, fitted: tuple[float, float] | None = None, **bounds: Any) -> Any:
    extra = {"role": role, "unit": unit, "clause": clause.value, "source": source}
    if fitted is not None:
        # Calibrated by history matching against the calibration targets only (python -m sim
        # calibrate); the pair is the uniform prior box. The default is a representative plausible
        # point (the plausible set's medians, checked by simulation not to be implausible:
        # docs/CALIBRATION.md). The anchor the prior rests on stays in the source.
        extra["fitted"] = True
        extra["prior"] = [float(fitted[0]), float(fitted[1])]
        extra["source"] = (f"calibrated by history matching (docs/CALIBRATION.md): prior uniform "
                           f"{fitted[0]:g}..{fitted[1]:g}, default the representative plausible point"
                           + ("" if source == "assumption" else f"; anchored on {source}"))
    if initial_only:
        extra["initial_only"] = True  # read at week 0 only: a dated shock cannot change it
    if isinstance(default, (dict, list)):
        return Field(default_factory=lambda d=default: copy.deepcopy(d), description=doc,
                     json_schema_extra=extra, **bounds)
    return Field(default, description=doc, json_schema_extra=extra, **bounds)


def lever(default: Any, clause: Clause, unit: str, doc: str, **kw: Any) -> Any:
    return _param(default, "lever", clause, unit, doc, **kw)


def uncertainty(default: Any, clause: Clause, unit: str, doc: str, **kw: Any) -> Any:
    return _param(default, "uncertainty", clause, unit, doc, **kw)


def constant(default: Any, clause: Clause, unit: str, doc: str, **kw: Any) -> Any:
    return _param(default, "constant", clause, unit, doc, **kw)


A = Clause.ASSUMPTION


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Ratification(Section):
    """G0: a member's commitment is political until its legal procedure completes."""

    seek_ratification: bool = lever(
        True, Clause.G0, "switch",
        "Members put their commitments to their parliaments (false: all stay political).",
        initial_only=True)
    in_force_at_ceasefire: bool = lever(
        False, Clause.G0, "switch",
        "Every commitment is legally binding from week 0 (no lag, no failure).", initial_only=True)
    lag_multiplier: float = uncertainty(
        1.0, Clause.G0, "x member lag",
        "Scales every member's legal lag from the members data file.", ge=0.1, le=5.0,
        initial_only=True)
    failure_multiplier: float = uncertainty(
        1.0, Clause.G0, "x member probability",
        "Scales every member's chance that ratification fails (members data file, "
        "ratification_failure_probability; capped at 1).", ge=0.0, le=10.0, initial_only=True)
    jitter_sd: float = constant(
        0.3, Clause.G0, "sd of log lag", "Spread of each member's legal lag around the data file's value.",
        ge=0.0, le=2.0, initial_only=True)
    us_congress_lag_weeks: int = uncertainty(
        52, Clause.G0, "weeks", "Mean lag of the US Congress vote on a US guarantee.", ge=0, le=520,
        initial_only=True)
    us_congress_failure_probability: float = uncertainty(
        0.5, Clause.G0, "probability", "Chance that the US Congress does not ratify a US guarantee.",
        ge=0.0, le=1.0, initial_only=True)


class Monitoring(Section):
    """G1: US-led ceasefire monitoring and verification mechanism."""

    enabled: bool = lever(True, Clause.G1, "switch", "A monitoring mechanism exists.", initial_only=True)
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
        0.1, A, "probability", "Chance a serious violation is seen with no monitoring (press, OSINT).",
        ge=0.0, le=1.0)
    obstruction_campaign: float = uncertainty(
        0.3, A, "share of coverage",
        "Coverage that obstruction denies while Russia pressures or prepares (jamming of drones, denied access, "
        "fire at monitors): routine for the OSCE SMM, whose long-range drones were jammed on 75% of missions.",
        ge=0.0, le=0.9,
        source="OSCE SMM spokesperson via DAN (2019): jamming on 75% of LR-UAV missions; SMM daily reports 2021-22")
    obstruction_calm: float = uncertainty(
        0.1, A, "share of coverage", "Coverage obstruction denies while Russia complies.", ge=0.0, le=0.9)
    wrong_evidence_mean: float = constant(
        0.4, A, "evidence score 0-1", "Mean evidence score of a wrong attribution or a false alarm.",
        ge=0.0, le=1.0)
    evidence_sd: float = constant(
        0.2, A, "evidence score 0-1", "Spread of evidence scores.", ge=0.01, le=1.0)
    accuracy_cap: float = constant(
        0.99, A, "probability", "Highest attribution accuracy, whatever the coverage and intelligence.",
        ge=0.5, le=1.0)
    accuracy_without_intelligence: float = constant(
        0.8, Clause.G5, "x accuracy gain",
        "Share of the attribution gain over chance (at full coverage) reached with no intelligence picture.",
        ge=0.0, le=2.0)
    accuracy_from_intelligence: float = constant(
        0.4, Clause.G5, "x accuracy gain",
        "Share of that gain added by a complete intelligence picture (G5).", ge=0.0, le=2.0)
    false_alarm_blames_russia: float = constant(
        0.5, A, "probability", "Chance a false alarm blames Russia (else Ukraine).", ge=0.0, le=1.0)


class Commission(Section):
    """G1: the special commission that attributes and decides corrective measures."""

    enabled: bool = lever(True, Clause.G1, "switch", "The commission has attribution authority.",
                          initial_only=True)
    decision_rule: Literal["us_led", "us_and_qualified_majority", "consensus", "qualified_majority"] = lever(
        "us_led", Clause.G1, "rule",
        "How the US-led commission, the Coalition represented, decides: us_led (the US decides), "
        "us_and_qualified_majority (the US and two thirds of the Coalition), consensus (every member and the US), "
        "qualified_majority (two thirds of the Coalition; the rule when the US has left). The text does not say: "
        "us_led is the nearest reading of 'US-led'.")
    self_evident_delay_weeks: int = lever(
        0, Clause.G1, "weeks", "Time to attribute an offensive by regular forces (self-evident: a limited offensive "
        "or a renewed war).", ge=0, le=26)
    armed_attack_bar: float = uncertainty(
        0.5, Clause.G4, "resolve",
        "Resolve a representative needs to call a limited offensive an 'armed attack' under G4 (a political "
        "judgement: the guarantee's hardest question).", ge=0.0, le=1.5)
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
        "Measures the commission orders itself, per attributed level (member responses are in "
        "commitments.response_menu).")
    vote_noise: float = constant(
        0.1, A, "resolve", "Spread of a member's vote on an attribution (logistic scale).",
        ge=0.01, le=1.0)


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
        0.25, Clause.G2, "strength units", "Strength one release of the stockpiles sends (if that much is in stock).",
        ge=0.0, le=2.0)
    stockpile_size: float = lever(
        0.25, Clause.G2, "strength units", "Defence stockpiles held for Ukraine in case of an armed attack (finite).",
        ge=0.0, le=3.0)
    stockpile_replenish_per_week: float = lever(
        0.005, Clause.G2, "strength units per week",
        "Restocking after a release (about a year to refill the default stock); paid out of the aid budget.",
        ge=0.0, le=0.1)
    surge_delay_weeks: int = lever(
        4, Clause.G2, "weeks", "Delay from the release decision to the surge's arrival.", ge=0, le=52)
    fortification_assistance: float = lever(
        1.0, Clause.G2, "x baseline build rate", "Help building defensive fortifications.",
        ge=0.0, le=3.0)


class Force(Section):
    """G3: the Multinational Force for Ukraine, built from each nation's contribution."""

    enabled: bool = lever(True, Clause.G3, "switch", "The force is part of the guarantees.")
    size: float = lever(
        1.0, Clause.G3, "x pledged contributions", "Scales every nation's contribution.",
        ge=0.0, le=5.0)
    posture: Literal["rear", "forward"] = lever(
        "rear", Clause.G3, "posture",
        "rear: land troops at their reported bases away from the contact line; forward: near it.")
    build_up_weeks: int = lever(
        12, Clause.G3, "weeks", "Time from Ukraine's request to full deployment.", ge=1, le=104)
    credible_cessation_threshold: float = lever(
        300.0, Clause.G3, "ceasefire violations counted a week",
        "Most ceasefire violations a week, on average over the window, for the cessation of hostilities to be "
        "credible, as the monitors estimate them at the reference coverage (the OSCE SMM's unit: after the July "
        "2020 measures it counted about 250 a week; in ordinary periods of 2018-21 1,000-5,000).",
        ge=0.0, le=20000.0,
        source="OSCE SMM daily reports (2020-21), via UNIAN; assumption for the threshold itself")
    credible_cessation_reference_coverage: float = constant(
        0.3, Clause.G3, "share of the contact line",
        "Coverage at which the threshold is counted: the OSCE SMM's (the minsk_analogue scenario's), less calm "
        "obstruction. The monitors correct their count for the coverage they had (their own, the US share, "
        "obstruction), as the SMM reported restrictions beside its counts, so the test reads the level of "
        "violations in the SMM's unit, not the size of the mechanism (before v3.1 a wider mechanism counted "
        "more and delayed the force, and losing the US lead hastened it).", ge=0.01, le=1.0,
        source="OSCE SMM reports (counts with the restrictions of access that limited them); the minsk_analogue "
               "coverage, an assumption, is the one the calm-count target is calibrated at")
    credible_cessation_window_weeks: int = lever(
        8, Clause.G3, "weeks", "Window over which cessation must hold.", ge=1, le=104)
    ukraine_requests: bool = lever(
        True, Clause.G3, "switch", "Ukraine requests the force once cessation is credible.")
    commitment_bar: float = uncertainty(
        0.35, Clause.G3, "resolve",
        "Resolve a contributing government needs to send its contingent when Ukraine asks (the national decision "
        "the pledge leaves open), and to keep it when it reviews the deployment at an election (Tago 2009: "
        "elections drive exits from coalitions); logistic with members.activation_noise.", ge=0.0, le=1.5,
        source="Tago (2009), Journal of Peace Research 46(2): 16 of 37 partners left the Iraq coalition, elections "
               "speeding exits; Mello (2020): also after a change of leadership; the bar is an assumption")
    backstop_bar_rise: float = uncertainty(
        0.1, Clause.G3, "resolve",
        "How much more resolve a contributing government needs to send, or keep, its contingent without the "
        "'proposed US support' (G3): the force's lead nations made a US backstop their condition. A withdrawal "
        "of that support has each contributor review its contingent; the number is an assumption.",
        ge=0.0, le=1.0,
        source="Starmer after the Paris meeting of 17 Feb 2025 ('there must be a US backstop') and on BBC News, "
               "2 Mar 2025 ('it would not be a guarantee without it'); the size is an assumption")
    request_retry_weeks: int = lever(
        26, Clause.G3, "weeks", "If no framework nation sends its contingent, Ukraine asks again after this long.",
        ge=1, le=260)
    rules_of_engagement: Literal["reassurance", "self_defence", "forward_defence"] = lever(
        "self_defence", Clause.G3, "rules",
        "reassurance: no combat role; self_defence: a contingent fights once its own troops are struck (the "
        "declaration's 'reassurance measures' far from the front); forward_defence: every contingent in "
        "Ukraine defends against an attack. Only troops based in Ukraine can defend it.")
    contributions_file: str = constant(
        "force_contributions.csv", Clause.G3, "file in scenarios/",
        "Contributions by nation: low-high ranges of troops, combat aircraft and ships, basing, status "
        "(pledged, reported, assumed, none) and sources in the file.", initial_only=True)
    contribution_level: float = uncertainty(
        0.5, Clause.G3, "0-1 of each range",
        "Where every nation's contribution lies in its low-high range in the contributions file: 0 every "
        "low end, 1 every high end, 0.5 the midpoints (the central reading). Governments withheld sizes, "
        "so most ranges are assumptions.", ge=0.0, le=1.0, initial_only=True,
        source="scenarios/force_contributions.csv (ranges; each row's *_basis says stated, reported or assumed)")
    strength_per_1000_troops: float = constant(
        0.012, Clause.G3, "strength units",
        "Combat strength of 1,000 deployed troops (Russia's strength at the ceasefire is 1.0).",
        ge=0.0, le=1.0)
    strength_per_aircraft: float = constant(
        0.004, Clause.G3, "strength units", "Strength of one combat aircraft on station.", ge=0.0, le=0.1)
    strength_per_ship: float = constant(
        0.02, Clause.G3, "strength units", "Strength of one ship on station.", ge=0.0, le=0.5)
    forward_defence: float = constant(
        1.0, Clause.G3, "x land strength", "Share of land strength that defends against a major attack "
        "when forward (rear troops defend less: rear_defence).", ge=0.0, le=2.0)
    rear_defence: float = constant(
        0.6, Clause.G3, "x land strength", "Share of land strength that defends against a major attack "
        "from rear bases.", ge=0.0, le=2.0)
    limited_defence_forward: float = constant(
        0.5, Clause.G3, "x land strength", "Share of land strength that meets a limited offensive, forward.",
        ge=0.0, le=2.0)
    limited_defence_rear: float = constant(
        0.2, Clause.G3, "x land strength", "Share of land strength that meets a limited offensive, rear.",
        ge=0.0, le=2.0)
    air_defence_share: float = constant(
        0.3, Clause.G3, "x air strength", "Share of air strength that adds to defence against a major attack.",
        ge=0.0, le=2.0)
    air_denial_per_unit: float = constant(
        0.3, Clause.G3, "share per strength unit", "Air policing cuts the payoff of strikes (capped at air_denial_cap).",
        ge=0.0, le=2.0)
    sea_denial_per_unit: float = constant(
        0.5, Clause.G3, "share per strength unit", "Maritime presence cuts the payoff of a limited offensive "
        "(capped at sea_denial_cap).", ge=0.0, le=2.0)
    air_denial_cap: float = constant(
        0.5, Clause.G3, "share", "Most of the payoff of strikes that air policing can deny.", ge=0.0, le=1.0)
    sea_denial_cap: float = constant(
        0.5, Clause.G3, "share", "Most of the payoff of a limited offensive that maritime presence can deny.",
        ge=0.0, le=1.0)
    air_denial_major_share: float = constant(
        0.5, Clause.G3, "x air denial",
        "How much of air denial also cuts the payoff of a renewed war (strikes are part of it).", ge=0.0, le=1.0)
    rear_exposure: float = constant(
        0.35, Clause.G3, "probability",
        "Chance a major attack strikes troops at rear bases (missiles, drones); forward troops are struck "
        "for certain.", ge=0.0, le=1.0)
    casualty_rally: float = uncertainty(
        0.4, Clause.G3, "resolve",
        "Resolve a nation gains when its troops are struck (the tripwire acts through members; "
        "Schelling 1966, Reiter & Poast 2021).", ge=0.0, le=2.0)
    ally_rally_share: float = uncertainty(
        0.25, Clause.G3, "share",
        "Share of that rally felt by the other contributing nations.", ge=0.0, le=1.0)


class Commitments(Section):
    """G4: commitments to respond to a future armed attack by Russia."""

    binding: bool = lever(
        True, Clause.G4, "switch",
        "Commitments are meant to be legally binding (they become so on ratification, G0).",
        initial_only=True)
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
    limited_attack_response: Literal["limited_menu", "commission_decides", "armed_attack"] = lever(
        "commission_decides", Clause.G4, "rule",
        "Does a limited offensive call on the G4 commitments? limited_menu: never (the limited level's responses); "
        "commission_decides: the commission rules whether it is an 'armed attack' (a vote against armed_attack_bar); "
        "armed_attack: always (the major level's responses, binding where ratified).")
    finalisation_weeks: int = uncertainty(
        26, Clause.G4, "weeks after the ceasefire",
        "The members 'will finalise' the binding commitments: until then every commitment is political "
        "and no ratification can start (ratification lags count from here). 0: finalised at the ceasefire.",
        source="analogue: the G7 Joint Declaration of Support for Ukraine (Vilnius, 12 Jul 2023) announced "
               "bilateral security commitments; the first, the UK's, was signed 12 Jan 2024, 26 weeks later "
               "(Euromaidan Press, 14 Jan 2024), others over the following months (Lithuania began work in "
               "Jan 2024, Ukrinform via MENAFN); counted from the ceasefire, which activates the guarantees "
               "(assumption)", ge=0, le=260, initial_only=True)
    response_lag_weeks: dict[NationalResponseType, float] = constant(
        {"diplomacy": 0.0, "sanctions": 1.0, "intelligence": 0.0, "logistics": 1.0}, Clause.G0, "weeks",
        "Weeks from a member's decision to its response in effect, by type, for national responses "
        "(military: each member's lag in the members data file; EU members' sanctions: the EU package, "
        "sanctions.eu_package_weeks).",
        source="assumption anchored on the 2022 record: national sanctions and arms announced within days "
               "of 24 Feb 2022 (first deliveries announced 26-28 Feb: AFP, AP; Kiel Ukraine Support Tracker "
               "Release 29, scenarios/kiel_2022_response_timing.csv)", initial_only=True)
    us_military_lag_weeks: float = constant(
        1.0, Clause.G4, "weeks",
        "Mode of the lag from a US decision to a military response in effect (a bilateral guarantee only; "
        "triangular from 0 to twice this; no prior vote of Congress, War Powers Resolution).",
        source="2022 record: a USD 350m drawdown announced 26 Feb 2022, two days after the invasion (AFP, "
               "Blinken); the spread is an assumption", ge=0.0, le=26.0, initial_only=True)
    ad_hoc_delay_weeks: int = lever(
        4, A, "weeks",
        "Without a commission, delay before a self-evident major attack is acted on.", ge=0, le=52)
    response_weights: dict[ResponseType, float] = constant(
        {"diplomacy": 0.2, "sanctions": 1.0, "intelligence": 0.3, "logistics": 0.3, "military": 1.0},
        Clause.G4, "weight per unit capacity", "Weight of a unit of each response type in Russia's cost.")
    response_costs: dict[ResponseType, float] = constant(
        {"diplomacy": 0.0, "sanctions": 0.1, "intelligence": 0.1, "logistics": 0.15, "military": 0.45},
        Clause.G4, "resolve", "Political cost of each response type to the state that takes it.")
    threat_pull: dict[Level, float] = constant(
        {"probe": 0.2, "limited": 0.35, "major": 0.5}, A, "resolve",
        "Pull of the threat itself on a member's decision to act, per level.")
    assistance_per_unit: float = constant(
        0.2, Clause.G4, "strength units per unit",
        "Defence Ukraine gains per unit of intelligence and logistics responses.", ge=0.0, le=2.0)
    sanctions_per_unit: float = constant(
        0.15, Clause.G4, "sanctions level per unit",
        "Sanctions level added per unit of sanctions responses activated.", ge=0.0, le=2.0)


    @model_validator(mode="after")
    def _lags_in_range(self) -> Commitments:
        for t, lag in self.response_lag_weeks.items():
            if not 0.0 <= lag <= 52.0:
                raise ValueError(f"@commitments.response_lag_weeks.{t}|out of range (given: {lag!r})|"
                                 "weeks from 0 to 52 (rounded to whole weeks)")
        return self


class Cooperation(Section):
    """G5: long-term defence cooperation."""

    training: float = lever(1.0, Clause.G5, "x baseline", "Training of Ukraine's forces.", ge=0.0, le=3.0)
    co_production: float = lever(
        1.0, Clause.G5, "x baseline", "Joint production: aid that does not depend on yearly will.",
        ge=0.0, le=3.0)
    intelligence_sharing: float = lever(
        0.5, Clause.G5, "share 0-1",
        "Coalition intelligence cooperation: raises attribution accuracy and the detection of "
        "indicators.", ge=0.0, le=1.0)


class CoordinationCell(Section):
    """C1: US-Ukraine-Coalition coordination cell in Paris."""

    enabled: bool = lever(True, Clause.C1, "switch", "The coordination cell exists.", initial_only=True)
    delay_reduction: float = lever(
        0.5, Clause.C1, "share", "Share of deliberation, response and warning delays it removes.",
        ge=0.0, le=0.95)


class UnitedStates(Section):
    """The US as the final text gives it: monitoring lead (G1), proposed support to the force
    (G3), the coordination cell (C1); not a formal signatory and no G4 pledge unless a bilateral
    guarantee is added. US intelligence and logistics participation, in the drafts, did not
    survive: US intelligence sharing is a lever, off in the baseline."""

    leads_monitoring: bool = lever(True, Clause.G1, "switch", "The US leads and staffs monitoring.")
    backstop_probability: float = uncertainty(
        0.6, Clause.G3, "probability",
        "Chance, drawn once a run, that the 'proposed US support' to the force materialises.",
        ge=0.0, le=1.0)
    shares_intelligence: bool = lever(
        False, Clause.G5, "switch",
        "The US shares intelligence (indicators, attribution). Off as written: the drafts' 'US capabilities "
        "such as intelligence and logistics' were dropped from the final text.",
        source="European Pravda 7 Jan 2026 (eurointegration.com.ua/eng/news/2026/01/7/7228560); FT 6 Jan 2026 "
               "(draft text); final text: 'proposed US support' only (seed 002)")
    within_term_withdrawal_per_year: float = uncertainty(
        0.05, A, "per year",
        "Hazard that the sitting US administration withdraws the US roles (monitoring lead, force support, "
        "intelligence sharing; an unratified pledge) between elections. Plausible range 0 to 0.10 a year, "
        "symmetric about 0.05: 0.05 a year gives about 22% over five years, near the ~25% of alliance "
        "commitments not honoured when invoked.", ge=0.0, le=1.0,
        source="assumption, anchored on: the US paused military aid (3 Mar 2025) and intelligence sharing "
               "(5 Mar 2025) to Ukraine within a term, lifted 11 Mar 2025 (overtdefense.com 11 Mar 2025); the "
               "memorandum of 7 Jan 2026 withdrawing the US from 66 international organisations (anews.com.tr "
               "8 Jan 2026); alliances reliable 74.5% of the time (Leeds, Long & Mitchell 2000, JCR 44(5); "
               "Leeds 2003, IO 57(4))")
    election_shift_level: float = uncertainty(
        0.5, A, "0-1 of each range",
        "Where a change of US control shifts US resolve within the US rows' symmetric range in the elections "
        "file: 0 the low (less supportive) end, 1 the high end, 0.5 the central 0 (no partisan assumption).",
        ge=0.0, le=1.0, source="scenarios/elections.csv (US rows: 0 +/- 0.10 midterms, 0 +/- 0.15 presidential; "
                               "assumption)")
    intelligence_weight: float = constant(
        0.5, Clause.G5, "share", "Share of the coalition's intelligence picture that US sharing provides.",
        ge=0.0, le=1.0)
    backstop_air: float = constant(
        0.2, Clause.G3, "strength units", "Air and enablers the US adds to the force when it backs it.",
        ge=0.0, le=2.0)
    pledges_response: bool = lever(
        False, Clause.G4, "switch",
        "The US pledges G4 responses (a bilateral guarantee; not in the declaration, which the US did not sign).")
    resolve: float = uncertainty(0.5, A, "0-1", "The US's initial resolve.", ge=0.0, le=1.0,
                                 initial_only=True)
    withdrawal_on_change: float = uncertainty(
        0.5, A, "probability",
        "Chance that a change of US administration withdraws its roles (monitoring lead, force "
        "support, intelligence) and drops a political pledge.", ge=0.0, le=1.0)


class Russia(Section):
    """Russia's traits: all uncertainties or constants (no clause)."""

    ambition: float = uncertainty(
        1.0, A, "x baseline", "Revisionist ambition (weight of gains).", ge=0.0, le=3.0, initial_only=True)
    ambition_spread: float = uncertainty(
        0.618, A, "sd of log ambition",
        "Spread of Russia's ambition across runs (drawn once a run): some ceasefires face a more "
        "revisionist Russia than others (Fortna 2004: frailty).", ge=0.0, le=2.0, initial_only=True,
        fitted=(0.1, 1.2))
    ambition_drift: float = uncertainty(
        0.02, A, "per week (sd)", "Random-walk drift of ambition.", ge=0.0, le=0.5)
    ambition_reversion: float = constant(
        0.01, A, "per week", "Pull of ambition back to this run's anchor.", ge=0.0, le=1.0)
    risk_tolerance: float = uncertainty(
        1.0, A, "x baseline", "Divides the weight of expected costs.", ge=0.2, le=5.0)
    production_per_year: float = uncertainty(
        0.15, A, "strength units per year",
        "What Russia's industry adds to its forces a year (before the sanctions drain), up to its ceiling: new-built "
        "tanks alone re-equip about 13% of the active fleet a year; refurbishment from finite storage adds more "
        "while it lasts.", ge=0.0, le=1.0,
        source="NATO (Rutte, Jun 2025): 1,500 tanks and 3,000 armoured vehicles in 2025; Janes: about 400 new "
        "tanks a year; DDIS (Feb 2025): a regional war within 2 years, a large-scale one within 5")
    rationality: float = uncertainty(
        4.64, A, "logit precision", "Quantal-response precision of Russia's choices at decision points.",
        ge=0.05, le=20.0,
        fitted=(3.0, 12.0))
    misperception: float = uncertainty(
        0.3, A, "sd of log-odds",
        "Noise in Russia's reading of coalition resolve at each assessment (Jervis 1976).",
        ge=0.0, le=3.0)
    balance_misperception: float = uncertainty(
        0.233, A, "sd of log defence",
        "Error in Russia's reading of the defence it would meet, drawn at each assessment (misperception of the "
        "balance, not only of resolve: Jervis 1976; Russia overestimated its odds in 2022).", ge=0.0, le=2.0,
        fitted=(0.0, 0.6))
    initial_strength: float = uncertainty(
        1.0, A, "strength units", "Strength at the ceasefire (ceiling is 1.0 + max_strength_gain).",
        ge=0.1, le=3.0, initial_only=True)
    max_strength_gain: float = constant(
        1.0, A, "strength units", "Room to regenerate above 1.0.", ge=0.0, le=3.0)
    prior_weight: float = constant(
        8.0, A, "pseudo-observations", "Weight of Russia's prior about coalition resolve.",
        ge=0.5, le=100.0)
    learning_spillover: float = uncertainty(
        0.15, A, "weight",
        "Weight of an observation at one level on beliefs about the others (between Press 2005: none, "
        "and Weisiger & Yarhi-Milo 2015: some).", ge=0.0, le=1.0)
    weekly_discount: float = constant(
        0.97, A, "per week", "Discount of delayed punishment.", ge=0.5, le=1.0)
    sanctions_drain_cap: float = constant(
        0.9, A, "share", "Most of Russia's reconstitution that sanctions can drain.", ge=0.0, le=1.0)
    ambition_ceiling: float = constant(
        3.0, A, "x baseline", "Highest ambition its drift can reach (the top of ambition's range).",
        ge=0.0, le=3.0)
    defence_projection_floor: float = constant(
        0.5, A, "x today's defence",
        "Russia never projects Ukraine's defence below this share of today's (a falling trend is read as "
        "temporary).", ge=0.0, le=1.0)
    blame_prior_weeks: float = constant(
        52.0, A, "weeks",
        "Weeks of blame-free record Russia assumes before the ceasefire when it estimates how often a compliant "
        "Russia is blamed.", ge=1.0, le=520.0)


class Campaigns(Section):
    """Russia's campaigns: intent states, decision points, preparation and windows (assumption)."""

    assessment_interval_weeks: int = uncertainty(
        4, A, "weeks", "Time between Russia's periodic assessments (its regular decision points).",
        ge=1, le=52)
    triggered_assessment_redraws: bool = constant(
        True, A, "switch",
        "An assessment between the periodic ones (one an event triggers: a change of government, a withdrawal, a "
        "shock; or the one at a campaign's end) draws Russia's random terms afresh (true: the calibrated model), or "
        "keeps those of the period's periodic assessment and its calendar (false: one draw a period, so an event "
        "changes only the values; a check that an event's effect does not come from an extra draw, "
        "docs/VALIDATION.md).")
    compliant_probe_rate: float = uncertainty(
        0.03, A, "per week", "Serious violations by local units while Russia complies.", ge=0.0, le=2.0)
    volume_compliant: float = uncertainty(
        540.0, A, "ceasefire violations a week (Russian side)",
        "Ceasefire violations (each explosion, burst or flash, the OSCE SMM's unit) while Russia complies, seen or "
        "not: what the SMM counted of them with Ukraine's return fire, about 250 a week in the calm after the July "
        "2020 measures, is the calibration target (observers count a share).", ge=0.0, le=5000.0,
        source="OSCE SMM via UNIAN (Jan 2021): 6,294 violations from 27 Jul 2020 to mid-Jan 2021",
        fitted=(50.0, 1500.0))
    volume_pressure: float = uncertainty(
        2000.0, A, "ceasefire violations a week (Russian side)",
        "Ceasefire violations during a pressure campaign: about 3,400 a week with return fire, the ordinary-to-bad "
        "periods of 2017-21 (1,000 to 16,000 a week).", ge=0.0, le=50000.0,
        source="OSCE SMM (Hug, Dec 2017): almost 400,000 in 2017, over 16,000 in a bad week")
    volume_preparing: float = uncertainty(
        600.0, A, "ceasefire violations a week (Russian side)",
        "Ceasefire violations while an offensive is prepared, before its last weeks.", ge=0.0, le=50000.0)
    volume_spike: float = uncertainty(
        12.3, A, "x volume_preparing",
        "The spike of the last weeks of a major preparation: in the week before 24 February 2022 the SMM counted "
        "about 10,000 a week, 10-25 times January's level.", ge=1.0, le=50.0,
        source="OSCE SMM daily reports 37-43/2022: 591 (16 Feb) to 1,927 (21 Feb) a day, against 83 on 19 Jan",
        fitted=(1.5, 25.0))
    volume_persistence: float = constant(
        0.8, A, "per week", "Week-to-week persistence of the intensity of violations (episodes).", ge=0.0, le=0.99)
    volume_shock_sd: float = constant(
        0.5, A, "sd of log intensity", "Week-to-week shocks to the intensity of violations (weeks of +40% occur).",
        ge=0.0, le=3.0)
    post_war_pause_weeks: int = uncertainty(
        26, A, "weeks", "After a renewed war ends, Russia's next assessment comes no sooner than this (it "
        "reconstitutes first).", ge=0, le=260)
    pressure_probe_rate: float = uncertainty(
        0.5, A, "per week", "Grey-zone violations during a pressure campaign.", ge=0.0, le=5.0)
    pressure_weeks: int = uncertainty(
        10, A, "weeks", "Mean duration of a pressure campaign.", ge=1, le=104)
    preparation_probe_rate: float = uncertainty(
        0.3, A, "per week",
        "Violations that intensify while an offensive is prepared (OSCE SMM before 24 Feb 2022).",
        ge=0.0, le=5.0)
    preparation_weeks_limited: int = uncertainty(
        4, A, "weeks", "Time to prepare a limited offensive.", ge=1, le=52)
    preparation_weeks_major: int = uncertainty(
        16, A, "weeks",
        "Time to prepare a renewed armed attack (2021-22: build-ups from spring, again from autumn).",
        ge=1, le=104)
    preparation_cost_per_week: float = constant(
        0.05, A, "utility per week", "Cost of keeping a force ready to attack.", ge=0.0, le=5.0)
    limited_offensive_weeks: int = uncertainty(
        3, A, "weeks", "Duration of a limited offensive.", ge=1, le=26)
    lookahead_weeks: int = uncertainty(
        104, A, "weeks",
        "How far ahead Russia compares acting now with waiting (shifting power: Fearon 1995, "
        "Powell 2006).", ge=0, le=260)
    planning_discount_per_year: float = uncertainty(
        0.8, A, "per year", "How much a gain a year later is worth to Russia now.", ge=0.1, le=1.0)
    surprise_bonus: float = uncertainty(
        0.338, A, "x strength", "Extra effective strength of an attack that was not warned of (Betts 1982).",
        ge=0.0, le=2.0,
        fitted=(0.0, 1.0))
    window_step_weeks: int = constant(
        26, A, "weeks", "Spacing of the later start dates Russia compares with acting now.", ge=1, le=104)
    window_refresh_weeks: int = constant(
        13, A, "weeks", "Russia re-plans its windows this often (or at once after a triggering event).",
        ge=1, le=104)
    trend_window_weeks: int = constant(
        8, A, "weeks", "Weeks over which Russia reads Ukraine's build-up (its trend).", ge=1, le=104,
        initial_only=True)


class WarningSystem(Section):
    """G5, G1 and C1: indicators of a preparation, who detects them, the warning and what it costs."""

    indicators_per_week_major: float = uncertainty(
        2.99, A, "per week",
        "Strategic indicators (a build-up in depth, in Russia and Belarus) while preparing a renewed war: "
        "2021-22 saw months of observable massing.", ge=0.0, le=20.0,
        fitted=(0.25, 4.0))
    tactical_per_week_major: float = uncertainty(
        2.0, A, "per week", "Tactical indicators (forward deployment, the spike of violations) in the last weeks of a "
        "major preparation.", ge=0.0, le=20.0)
    tactical_per_week_limited: float = uncertainty(
        1.0, A, "per week", "Tactical indicators while a limited offensive is prepared (local preparation only).",
        ge=0.0, le=20.0)
    tactical_weeks: int = uncertainty(
        4, A, "weeks", "Last weeks of a major preparation in which forces move up to the line.", ge=1, le=26,
        source="OSCE SMM daily reports: the spike of 16-22 February 2022, 8 days before the attack")
    coalition_intelligence_detection: float = uncertainty(
        0.5, Clause.G5, "probability at full sharing",
        "Chance the coalition's own national intelligence (UK, France first), pooled by G5 cooperation, detects a "
        "strategic indicator; times cooperation.intelligence_sharing.", ge=0.0, le=1.0,
        source="UK intelligence warned publicly in Jan-Feb 2022 (assumption for the number)")
    us_intelligence_detection: float = uncertainty(
        0.8, Clause.G5, "probability",
        "Chance US intelligence detects a strategic indicator, when the US shares it (united_states."
        "shares_intelligence).", ge=0.0, le=1.0,
        source="US warning of 3 Dec 2021, 83 days before the attack (Washington Post); assumption for the number")
    monitoring_detection: float = uncertainty(
        0.5, Clause.G1, "probability at full coverage",
        "Chance the monitoring mechanism detects a tactical indicator, times its coverage left by obstruction; "
        "monitors do not see strategic indicators (the OSCE SMM did not see the 2021-22 build-up).",
        ge=0.0, le=1.0)
    false_indicator_rate: float = uncertainty(
        0.05, Clause.G5, "per week", "Indicators intelligence reports when nothing is being prepared.",
        ge=0.0, le=5.0)
    threshold: int = lever(
        3, Clause.G5, "detected indicators", "Indicators within the window that issue a warning.",
        ge=1, le=50)
    window_weeks: int = lever(
        6, Clause.G5, "weeks", "Window over which detected indicators are counted.", ge=1, le=52)
    delay_weeks: int = lever(
        1, Clause.C1, "weeks", "From the threshold to the warning's measures (before C1).", ge=0, le=26)
    duration_weeks: int = lever(
        8, Clause.G5, "weeks", "How long a warning's measures stay in force.", ge=1, le=104)
    measures: list[WarningMeasure] = lever(
        [], A, "measures",
        "Measures agreed in advance that a warning triggers. The declaration agrees none: these are designs to "
        "test (stockpile_prepositioning, force_alert, diplomatic_warning, sanctions_threat).")
    readiness_boost: float = lever(
        0.15, Clause.P1, "x defence", "Ukraine's extra defence while warned (readiness).", ge=0.0, le=2.0)
    force_alert_boost: float = lever(
        0.5, Clause.G3, "x force strength", "Extra defence of a deployed force on alert.", ge=0.0, le=2.0)
    sanctions_threat: float = lever(
        0.2, Clause.G4, "sanctions level", "Sanctions level the coalition threatens if the attack comes.",
        ge=0.0, le=2.0)
    diplomatic_cost: float = constant(
        0.3, A, "utility", "Cost to Russia of attacking after a public warning (audience, isolation).",
        ge=0.0, le=10.0)
    alarm_fatigue: float = uncertainty(
        0.01, A, "resolve", "Resolve every member loses to a warning (the cost of acting on it), against the rally "
        "of threat_rally.", ge=0.0, le=0.5)
    false_alarm_threshold_step: int = uncertainty(
        1, A, "detected indicators", "After a warning no attack followed, the analysts ask for this many more signs "
        "before the next (crying wolf).", ge=0, le=10)


class Sanctions(Section):
    """Sanctions at the ceasefire, their relief as part of the deal, and snapback (G4: additional sanctions)."""

    in_force_at_ceasefire: float = uncertainty(
        0.3, A, "sanctions level", "Sanctions level at the ceasefire (drains Russia's reconstitution).",
        ge=0.0, le=1.0, initial_only=True)
    relief_per_year: float = lever(
        0.15, A, "share of the ceasefire level per year",
        "Relief of the ceasefire sanctions per year of compliance, as part of the deal.", ge=0.0, le=1.0)
    snapback: Literal["automatic", "commission_vote", "none"] = lever(
        "commission_vote", Clause.G4, "rule",
        "automatic: relieved sanctions return on attributed violations; commission_vote: only if the "
        "commission's vote passes again; none: no snapback (the Iran deal's template is automatic).")
    snapback_threshold: int = lever(
        3, Clause.G4, "attributed violations",
        "Russian violations attributed within 26 weeks that trigger snapback.", ge=1, le=50)
    snapback_window_weeks: int = lever(
        26, Clause.G4, "weeks", "Window over which attributed violations count towards snapback.", ge=1, le=260)
    relief_pause_weeks: int = lever(
        52, A, "weeks", "After a snapback, relief resumes only after this long.", ge=0, le=520)
    decay_per_week: float = constant(
        0.01, A, "per week", "Erosion of additional sanctions as they are evaded.", ge=0.0, le=0.5)
    failed_vote_pause_share: float = constant(
        0.25, A, "x relief_pause_weeks", "After a failed snapback vote, relief pauses for this share of the pause.",
        ge=0.0, le=1.0)
    eu_package_weeks: int = constant(
        1, Clause.G4, "weeks",
        "Weeks from the decision to an EU sanctions package adopted when all 27 agree at once.",
        source="2022 record: the 2nd package adopted 25 Feb 2022, the 3rd 28 Feb-2 Mar 2022, 1-6 days after the "
               "invasion (EPRS ATA(2022)729289; Irish Times 28 Feb 2022)", ge=0, le=26)
    eu_veto_players_file: str = constant(
        "eu_veto_players.csv", Clause.G4, "file in scenarios/",
        "EU members outside the Coalition whose unanimity an EU package needs (Hungary, Slovakia, Malta): chance "
        "and length of a hold-out, chance of a veto, per package, from the 2022-2026 record (sources in the file).",
        initial_only=True)
    eu_hold_out_scale: float = uncertainty(
        1.0, Clause.G4, "x data file",
        "Scales the veto players' chances of holding out and of vetoing (capped at 1). The file's rates come from "
        "every package 2022-2026; the first packages after the invasion had no hold-out, and Hungary reportedly "
        "changed government in April 2026: both argue for less than 1.", ge=0.0, le=5.0, initial_only=True)
    cost_weight: float = constant(
        3.0, A, "utility per sanctions level",
        "Weight in Russia's utility of sanctions restored or added by an attack.", ge=0.0, le=50.0)


class Ukraine(Section):
    """Ukraine (P1): its own defence is the first layer of deterrence."""

    initial_strength: float = uncertainty(
        0.7, Clause.P1, "strength units", "Force strength at the ceasefire.", ge=0.1, le=3.0,
        initial_only=True)
    initial_quality: float = uncertainty(1.0, Clause.P1, "multiplier", "Force quality.", ge=0.1, le=3.0,
                                         initial_only=True)
    initial_fortification: float = uncertainty(
        0.6, Clause.G2, "0-1", "Fortification of the line at the ceasefire: the defensive belts of 2023-25.",
        ge=0.0, le=1.0, initial_only=True)
    personnel_thousands: float = uncertainty(
        880.0, Clause.P1, "thousand personnel", "Ukraine's forces at the ceasefire.", ge=100.0, le=2000.0,
        initial_only=True, source="Zelensky (Jan 2025): about 880,000 (secondary)")
    army_cap_thousands: float = lever(
        800.0, Clause.P1, "thousand personnel (0: no cap)",
        "The army the peace allows: 800,000 'in peacetime' in the European counter-proposal and the 20-point plan, "
        "600,000 in the US 28-point draft; the declaration sets none.", ge=0.0, le=2000.0,
        source="28-point draft (Nov 2025); E3 counter-proposal; 20-point plan (Zelensky, 24 Dec 2025)")
    demobilisation_per_week: float = lever(
        0.005, Clause.P1, "share of the ceasefire force per week",
        "Speed of demobilisation to the cap (and of re-mobilisation in a war); no demobilisation law exists until "
        "martial law ends.", ge=0.0, le=0.1)
    return_fire_share: float = uncertainty(
        0.7, A, "x Russian-side violations", "Ukraine's side of the ceasefire violations (return fire).",
        ge=0.0, le=2.0)
    readiness_cost_per_week: float = constant(
        0.001, Clause.P1, "strength units per week", "Wear of a week on alert (fuel, spares, rotations).",
        ge=0.0, le=0.05)
    budget_gap: float = uncertainty(
        0.3, Clause.G2, "share", "Share of the defence budget unfunded without cooperation.",
        ge=0.0, le=1.0)
    violation_rate: float = uncertainty(
        0.01, A, "per week", "Ukraine's own minor violations (probes).", ge=0.0, le=0.5)
    retaliation_boost: float = uncertainty(
        0.1, A, "per week", "Extra violation chance in the weeks after being probed.",
        ge=0.0, le=1.0)
    retaliation_weeks: int = constant(
        4, A, "weeks", "Weeks after a probe in which Ukrainian units retaliate more.", ge=0, le=52)
    own_effort: float = constant(
        0.002, Clause.P1, "strength units per week",
        "What Ukraine funds itself (about as much as the aid: about half of its 2025 defence spending came from "
        "partners). With aid and co-production at their baseline, equipment per soldier tends to about 1.35 times "
        "the ceasefire level.", ge=0.0, le=0.1, source="Kiel Institute Ukraine Support Tracker; assumption")
    aid_per_volume: float = constant(
        0.0018, Clause.G2, "strength units per week",
        "G2 programmes and financing at volume 1 and coalition resolve aid_reference_resolve.", ge=0.0, le=0.1)
    aid_reference_resolve: float = constant(
        0.5, Clause.G2, "resolve 0-1", "Coalition resolve at which aid flows at aid_per_volume (aid scales with it).",
        ge=0.05, le=1.0)
    co_production_rate: float = constant(
        0.0006, Clause.G5, "strength units per week", "Joint production at co_production 1.", ge=0.0, le=0.1)
    maintenance: float = constant(
        0.005, A, "per week", "Wear and obsolescence of equipment (share lost a week).", ge=0.0, le=0.1)
    fortification_own: float = constant(
        0.002, Clause.G2, "per week", "Fortification built without help.", ge=0.0, le=0.1)
    fortification_assisted: float = constant(
        0.006, Clause.G2, "per week", "Fortification built with help at assistance 1.", ge=0.0, le=0.1)
    fortification_bonus: float = constant(
        0.5, Clause.G2, "x defence", "Defence added by complete fortification.", ge=0.0, le=3.0)
    quality_ceiling: float = constant(
        1.3, Clause.G5, "multiplier",
        "Quality training approaches (a battle-hardened force: modest gains from training).", ge=0.1, le=5.0)
    training_rate: float = constant(
        0.004, Clause.G5, "per week", "Speed of training at training 1.", ge=0.0, le=0.1)
    assistance_decay: float = constant(
        0.03, A, "per week", "Fading of intelligence and logistics responses.", ge=0.0, le=1.0)


class Members(Section):
    """Coalition members' politics: resolve, elections, government changes, fatigue."""

    data_file: str = constant(
        "coalition_members.csv", Clause.G0, "file in scenarios/",
        "Members table: names, regions, capacities, legal lags and failure chances.", initial_only=True)
    elections_file: str = constant(
        "elections.csv", A, "file in scenarios/",
        "National election dates 2026-2032 of every member and the US, with the chance and size of a "
        "change of government's shift in resolve (sources in the file).", initial_only=True)
    resolve_mean: float = uncertainty(0.5, A, "0-1", "Mean initial resolve.", ge=0.0, le=1.0,
                                      initial_only=True)
    resolve_spread: float = uncertainty(
        0.05, A, "sd", "Spread of members' initial resolve around the mean.", ge=0.0, le=0.5, initial_only=True)
    frontline_bonus: float = uncertainty(
        0.2, A, "0-1", "Extra resolve of members bordering Russia or Belarus.", ge=0.0, le=1.0,
        initial_only=True)
    resolve_drift: float = uncertainty(0.01, A, "per week (sd)", "Random drift of resolve.", ge=0.0, le=0.2)
    resolve_reversion: float = constant(
        0.02, A, "per week", "Pull of resolve back to its anchor.", ge=0.0, le=1.0)
    election_shock: float = uncertainty(
        0.05, A, "sd", "Resolve noise at any election, beyond the data file's expected shift.",
        ge=0.0, le=1.0)
    government_change_scale: float = uncertainty(
        1.0, A, "x data file", "Scales every election's chance of a change of government.", ge=0.0, le=3.0)
    election_shift_level: float = uncertainty(
        0.5, A, "0-1 of each range",
        "Where a member's change of government shifts resolve within its row's range in the elections file: "
        "0 the low (less supportive) end, 1 the high end, 0.5 the central resolve_shift.", ge=0.0, le=1.0,
        source="scenarios/elections.csv (resolve_shift +/- resolve_shift_spread; every range an assumption)")
    political_drop_probability: float = uncertainty(
        0.5, Clause.G0, "probability",
        "Chance a new, less supportive government drops its predecessor's political (unratified) "
        "pledge; a ratified one survives (seed texts: ratify 'to avoid any later political challenge').",
        ge=0.0, le=1.0)
    fatigue_per_year: float = uncertainty(
        0.03, A, "resolve per year", "Erosion of resolve over time while no threat is seen.",
        ge=0.0, le=0.5)
    threat_rally: float = uncertainty(
        0.02, A, "resolve", "Resolve every member gains from a warning or an attributed Russian violation.",
        ge=0.0, le=0.5)
    response_cost: float = uncertainty(
        0.03, A, "resolve", "Resolve a member loses each time it acts.", ge=0.0, le=0.5)
    bandwagon_weight: float = constant(
        0.5, A, "weight", "Pull of the share of others already acting (cascade).", ge=0.0, le=3.0)
    activation_threshold: float = constant(
        0.8, A, "resolve", "Resolve plus pull needed for a political response.", ge=0.0, le=3.0)
    binding_pull: float = constant(
        1.22, Clause.G0, "resolve",
        "Extra pull of a legal obligation on a member with a ratified commitment.", ge=0.0, le=3.0,
        fitted=(0.0, 2.0))
    activation_noise: float = constant(
        0.1, A, "resolve", "Spread of the activation decision (logistic scale).", ge=0.01, le=1.0)
    military_lag_multiplier: float = uncertainty(
        1.0, Clause.G0, "x member lag",
        "Scales every member's lag from a decision to a military response in effect (the members data file's "
        "military_lag_* columns: the parliamentary vote where troops need one; the week numbers are "
        "assumptions, the procedures sourced).", ge=0.1, le=5.0, initial_only=True)


class Payoffs(Section):
    """Russia's payoffs per campaign (constants; docs/VALIDATION.md says which are fitted)."""

    gain_pressure: float = constant(
        1.0, A, "utility", "Value of a pressure campaign (coercive leverage).", ge=0.0, le=20.0)
    gain_limited: float = constant(2.5, A, "utility", "Value of a successful local offensive.", ge=0.0, le=50.0)
    gain_major: float = constant(5.0, A, "utility", "Value of a successful renewed war.", ge=0.0, le=100.0)
    base_cost_pressure: float = constant(
        3.71, A, "utility", "Intrinsic cost of a pressure campaign.", ge=0.0, le=50.0,
        fitted=(0.5, 6.0))
    force_presence_cost: float = uncertainty(
        1.0, Clause.G3, "utility a year",
        "What the presence of the Western force in Ukraine costs Russia a year, beyond the later attack it makes "
        "harder: Moscow declares it foreign intervention and its troops legitimate targets. Weighed when a pressure "
        "campaign would hold the force back (G3's credible cessation); its size is an assumption.",
        ge=0.0, le=10.0, source="Russian MFA (Zakharova), 8 Jan 2026, TASS: the stated position; assumption for the size")
    base_cost_limited: float = constant(4.84, A, "utility", "Intrinsic cost of a limited offensive.", ge=0.0, le=50.0,
        fitted=(0.5, 8.0))
    base_cost_major: float = constant(5.81, A, "utility", "Intrinsic cost of renewed war.", ge=0.0, le=100.0,
                                      fitted=(1.0, 12.0))
    combat_cost: float = constant(
        0.5, Clause.P1, "utility per defence/strength", "Cost of fighting a stronger defender.",
        ge=0.0, le=50.0)
    punishment_weight: float = constant(
        0.171, Clause.G4, "utility per pledged unit", "Cost to Russia of one unit of pledged response.",
        ge=0.0, le=50.0, fitted=(0.0, 0.5))
    military_effect: float = constant(
        0.165, Clause.G4, "defence per unit", "Defence added per unit of coalition military power acting.",
        ge=0.0, le=5.0, fitted=(0.0, 0.5))
    contest_exponent: float = constant(
        1.0, Clause.P1, "exponent", "Decisiveness of the strength ratio in the contest function.",
        ge=0.5, le=10.0)
    limited_combat_share: float = constant(
        0.5, Clause.P1, "x combat_cost", "Share of the combat cost of a renewed war that a limited offensive pays.",
        ge=0.0, le=1.0)


class War(Section):
    """The war submodel: attrition, the front, and how a war ends (sources per constant)."""

    attrition: float = constant(
        0.01, A, "strength units per week",
        "Losses of each side at even odds (about 4% a month: the order of Russia's losses in 2024-25, about "
        "30,000 a month of about 700,000 in Ukraine).", ge=0.0, le=0.5,
        source="UK Defence Intelligence via CNN (June 2025): about 1,000 Russian casualties a day; CSIS (2025)")
    strength_floor: float = constant(
        0.05, A, "strength units", "No force is ever destroyed below this strength (a remnant always remains).",
        ge=0.0, le=1.0)
    advance_open_pct: float = constant(
        7.0, A, "% of Ukraine per week at full superiority",
        "How fast the front moves against open ground (unfortified lines): February-March 2022, about 18% of "
        "Ukraine in five weeks at a superiority of about one half.", ge=0.0, le=20.0,
        source="Danube Institute (2023) on War Mapper data: +17.86% of Ukraine in Feb-Mar 2022; ISW maps")
    advance_fortified_pct: float = constant(
        0.1, A, "% of Ukraine per week at full superiority",
        "How fast the front moves against fortified lines: 2024-25, 0.66-0.94% of Ukraine a year at a modest "
        "superiority.", ge=0.0, le=5.0,
        source="AFP on ISW data: 3,985 km2 in 2024, over 5,600 km2 in 2025 (0.94% of Ukraine)")
    holdable_pct_per_strength: float = constant(
        15.0, A, "% of Ukraine per strength unit",
        "Ground beyond the ceasefire line Russia can take and hold per unit of its strength (occupation needs "
        "troops): in 2022 Russia culminated at 22-25% from 7% and lost a quarter of it within weeks.",
        ge=0.0, le=81.0, source="The Times (Feb 2023) on ISW maps: peak 22% (25% with contested areas); assumption")
    exhaustion_share: float = constant(
        0.3, A, "share of the attacking strength",
        "The attack is broken off (repelled) once Russia has lost this share of the strength it attacked with: "
        "the rule of thumb that a force below about 70% of its strength can no longer attack.", ge=0.05, le=1.0)
    ceasefire_hazard: float = constant(
        0.01, A, "per week", "Chance a new ceasefire is brokered in any week of war (outside powers, "
        "exhaustion of both).", ge=0.0, le=1.0)
    stalemate_hazard: float = constant(
        0.03, A, "per week", "Extra chance of a negotiated end once the front has stalled: battlefield information "
        "converges expectations (Slantchev 2004, Reiter 2009).", ge=0.0, le=1.0)
    hazard_spread: float = constant(
        1.0, A, "sd of log hazard",
        "Each war's chance of ending a week is drawn around the hazards above (frailty): across the Correlates of "
        "War interstate wars since 1946 durations spread from days to years (median 103 days, middle half 35-401), "
        "the chance of ending falling the longer a war lasts (Weibull shape 0.62).", ge=0.0, le=3.0,
        source="COW Inter-State War Data v4.0 (Sarkees & Wayman 2010), computed (docs/VALIDATION.md)")
    stall_pct_per_week: float = constant(
        0.02, A, "% of Ukraine per week", "The front has stalled while it moves less than this (about 120 km2).",
        ge=0.0, le=5.0)
    stall_weeks: int = constant(
        8, A, "weeks", "Weeks of a stalled front before both sides read it as a stalemate.", ge=1, le=104)
    limited_gain_pct: float = constant(
        0.2, A, "% of Ukraine", "Ground a successful limited offensive seizes (about 1,200 km2, a district: the "
        "May 2024 Kharkiv offensive took a few hundred km2 in weeks).", ge=0.0, le=10.0)


class Shock(BaseModel):
    """A dated, scripted change of parameters (for example the US ending its backstop in 2029)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date | None = Field(None, description="Calendar date of the shock (or give week).")
    week: int | None = Field(None, ge=0, description="Week after the ceasefire (or give date).")
    set: dict[str, Any] = Field(description="Dotted parameter paths and their new values.")
    description: str = Field("", description="What happens, in words (goes to the event log).")


class Scenario(BaseModel):
    """A full scenario: one design of the guarantees plus the world it meets."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    name: str = Field("unnamed", description="Scenario name (defaults to the file's stem).")
    description: str = Field("", description="One line: what this scenario represents.")
    ceasefire_date: dt.date = Field(
        dt.date(2026, 7, 1), description="Date the ceasefire enters into force (week 0, G0).",
        json_schema_extra={"role": "uncertainty", "unit": "date", "clause": "G0", "source": "assumption",
                           "initial_only": True})
    horizon_weeks: int = Field(
        260, ge=1, le=2600, description="Weeks simulated (260 = 5 years).",
        json_schema_extra={"role": "constant", "unit": "weeks", "clause": "G0", "source": "assumption",
                           "initial_only": True})
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
    campaigns: Campaigns = Campaigns()
    warning: WarningSystem = WarningSystem()
    sanctions: Sanctions = Sanctions()
    ukraine: Ukraine = Ukraine()
    members: Members = Members()
    payoffs: Payoffs = Payoffs()
    war: War = War()
    shocks: list[Shock] = Field(default_factory=list, description="Dated parameter changes.")

    @model_validator(mode="after")
    def _coherent(self) -> Scenario:
        if self.commission.enabled and not self.monitoring.enabled:
            raise ValueError(
                "@commission.enabled|commission.enabled needs monitoring.enabled: the commission "
                "attributes what monitoring reports (G1)|monitoring.enabled: true, or commission.enabled: false")
        _check_shocks(self)
        return self

    def date_of(self, week: int) -> dt.date:
        return self.ceasefire_date + dt.timedelta(weeks=week)

    def week_of(self, day: dt.date) -> int:
        return (day - self.ceasefire_date).days // 7


_SHORT = {"greater_than_equal": "out of range", "less_than_equal": "out of range", "greater_than": "out of range",
          "less_than": "out of range", "bool_type": "wrong type", "float_type": "wrong type", "int_type": "wrong type",
          "string_type": "wrong type", "literal_error": "not an allowed value", "list_type": "wrong type",
          "dict_type": "wrong type", "int_from_float": "not a whole number"}


MAX_SHOCKS = 1_000  # dated shocks of one scenario (sim.config.limits says the same)
MAX_HORIZON_WEEKS = 2600  # horizon_weeks' upper bound: no run reaches a shock after it
SHOCK_ALLOWED = ("date: YYYY-MM-DD (or week: a whole number from 0), set: {a dotted parameter path that acts during "
                 "the run: its new value}, description: text")


def _check_shocks(scenario: Scenario) -> None:
    if len(scenario.shocks) > MAX_SHOCKS:
        raise ValueError(f"@shocks|{len(scenario.shocks):,} shocks|at most {MAX_SHOCKS:,} dated shocks a scenario")
    if not scenario.shocks:
        return
    base = scenario.model_dump(exclude={"shocks"})  # once: each shock is checked against it alone (linear cost)
    for i, shock in enumerate(scenario.shocks):
        _check_shock(scenario, base, i, shock)


def _check_shock(scenario: Scenario, base: dict[str, Any], i: int, shock: Shock) -> None:
    """Errors read '@key.path|message|allowed' so the loader can point at the file's line.

    A shock after the horizon is no error: it does not happen in the run (a run shortened with
    --weeks, or an experiment's horizon_weeks, ends before it); one before the ceasefire or after
    the longest horizon any run can have is one. Its values are as strict as the keys of a file.
    """
    where = f"shocks.{i}"
    if (shock.date is None) == (shock.week is None):
        raise ValueError(f"@{where}|give exactly one of date or week|{SHOCK_ALLOWED}")
    week = shock.week if shock.week is not None else scenario.week_of(shock.date)
    if not 0 <= week < MAX_HORIZON_WEEKS:
        given = shock.date.isoformat() if shock.date is not None else str(shock.week)
        key = "date" if shock.date is not None else "week"
        last = scenario.date_of(MAX_HORIZON_WEEKS - 1)
        raise ValueError(f"@{where}.{key}|{given} is {'before the ceasefire' if week < 0 else 'after any horizon'}|"
                         f"a date from the ceasefire ({scenario.ceasefire_date.isoformat()}) to {last.isoformat()} "
                         f"(weeks 0 to {MAX_HORIZON_WEEKS - 1}); one after horizon_weeks does not happen in the run")
    if not shock.set:
        raise ValueError(f"@{where}.set|no parameter to change|a mapping of dotted parameter paths to values")
    fields: dict[str, dict[str, Any]] = {}
    for path, value in shock.set.items():
        parts = str(path).split(".")
        section = Scenario.model_fields.get(parts[0]) if len(parts) == 2 else None
        ann = section.annotation if section is not None else None
        if not (isinstance(ann, type) and issubclass(ann, Section) and parts[1] in ann.model_fields):
            raise ValueError(f"@{where}.set.{path}|unknown parameter|UNKNOWN")
        extra = ann.model_fields[parts[1]].json_schema_extra or {}
        if extra.get("initial_only"):
            raise ValueError(f"@{where}.set.{path}|is read at the ceasefire only and cannot change later|"
                             f"a parameter that acts during the run")
        fields.setdefault(parts[0], {})[parts[1]] = value
    data = dict(base)
    for section, values in fields.items():
        data[section] = {**data[section], **values}
    try:
        # strict, as a file's own keys: "0.5" is no number and 0 or "no" no switch
        Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        if err["msg"].removeprefix("Value error, ").startswith("@"):  # a check across keys
            _, message, allowed = err["msg"].removeprefix("Value error, ").split("|", 2)
            raise ValueError(f"@{where}.set|{message}|{allowed}") from None
        raise ValueError(f"@{where}.set.{loc}|{_SHORT.get(err['type'], err['msg'])} (given: {err.get('input')!r})"
                         f"|ALLOWED") from None


SECTIONS: tuple[str, ...] = tuple(
    name for name, f in Scenario.model_fields.items() if isinstance(f.default, Section)
)

assert set(VIOLATION_LEVELS) == set(Level.__args__)  # type: ignore[attr-defined]
assert set(RESPONSE_TYPES) == set(ResponseType.__args__)  # type: ignore[attr-defined]
assert LEVEL_NAMES[0] == "comply"


class ParameterView:
    """A validated scenario's sections and values as plain attributes, read only by convention.

    A pydantic model answers every attribute read through its ``__getattr__`` hook, several times the
    cost of a plain read; the model reads parameters dozens of times a week, so its submodels read this
    view (``DeterrenceModel.params``). The values are the scenario's own objects (the same numbers)."""

    def __init__(self, model: BaseModel) -> None:
        for name, value in model.__dict__.items():
            setattr(self, name, ParameterView(value) if isinstance(value, BaseModel) else value)


_VIEWS: dict[int, tuple[Scenario, ParameterView]] = {}


def parameter_view(scenario: Scenario) -> ParameterView:
    """The plain view of a scenario: built once per scenario object (a sweep's runs share it)."""
    cached = _VIEWS.get(id(scenario))
    if cached is None or cached[0] is not scenario:
        if len(_VIEWS) >= 64:
            _VIEWS.clear()
        cached = _VIEWS[id(scenario)] = (scenario, ParameterView(scenario))
    return cached[1]
