"""The lever screen's table: every lever of the schema, what it acts through and where it can act.

One ``Entry`` per lever (``role="lever"`` in ``sim/config/schema.py``): the runs.csv column it
acts through (its *measure*) and the direction it should move it, the context in which it can
act (parameters that switch on what it needs), why, and, where the schema's range ends say
nothing about the lever, the values to compare. Every comparison is run in ``WORLD`` (a more
revisionist Russia, so that attacks and the answers to them happen) under the context.
``CHECKS`` are the named offenders of issue 19 that are not levers: an uncertainty, a dated
shock, and ratification under more frequent changes of government (an interaction).

A test fails when a lever of the schema has no entry, or an entry names no lever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.experiments.paired import Design

# The plausible world every comparison runs in, unless an entry says otherwise: a more
# revisionist Russia (issue 19's example), in which renewed war is common enough for the
# answers to an attack to be exercised.
WORLD: Mapping[str, Any] = {"russia.ambition": 2.0}

ALL_MEASURES = ["demarche", "monitoring_surge", "stockpile_release"]
ALL_TYPES = ["diplomacy", "sanctions", "intelligence", "logistics", "military"]
ALL_WARNING_MEASURES = ["stockpile_prepositioning", "force_alert", "diplomatic_warning", "sanctions_threat"]


@dataclass(frozen=True)
class Entry:
    """One lever: what it acts through and where it can act.

    ``direction``: +1 when ``measure`` should rise from the first value to the other, -1 fall,
    0 either; for a choice, a mapping from each other value to its direction against the
    schema's default. ``values``: None for the schema's range ends (a number: low and high; a
    switch: false and true; a choice: the default, then each other value).
    """

    path: str
    measure: str
    direction: int | Mapping[Any, int]
    why: str
    context: Mapping[str, Any] = field(default_factory=dict)
    values: tuple[Any, ...] | None = None
    outcome: str = "escalated"


@dataclass(frozen=True)
class Check:
    """A named comparison that is not one lever at its ends (issue 19's other offenders)."""

    name: str
    a: Design
    b: Design
    measure: str
    direction: int
    why: str
    outcome: str = "escalated"


@dataclass(frozen=True)
class InteractionCheck:
    """Does the effect of going from ``a`` to ``b`` grow when ``condition`` holds? Four designs on one seed:
    (b - a) under the condition less (b - a) without it."""

    name: str
    a: Design
    b: Design
    condition: Mapping[str, Any]
    measure: str
    why: str
    outcome: str = "escalated"


ENTRIES: tuple[Entry, ...] = (
    # --- G0 ratification
    Entry("ratification.seek_ratification", "ratified_members", +1,
          "Members put their commitments to their parliaments: ratifications complete."),
    Entry("ratification.in_force_at_ceasefire", "credibility_major", +1,
          "Every commitment binds from week 0: Russia reads the major level as more credible."),
    # --- G1 monitoring
    Entry("monitoring.enabled", "detected", +1,
          "A monitoring mechanism detects violations. The commission needs monitoring (a rule of the schema): "
          "compared with no commission.", context={"commission.enabled": False}),
    Entry("monitoring.coverage", "detected", +1, "More of the line covered: more violations detected."),
    Entry("monitoring.latency_weeks", "median_response_delay_weeks", +1,
          "Reports reach the commission later: responses come later."),
    Entry("monitoring.us_lead_share", "detected", -1,
          "The US share of coverage is lost only when the US does not lead: compared without the US lead "
          "(in the baseline it acts only in runs where the US withdraws).",
          context={"united_states.leads_monitoring": False}),
    Entry("monitoring.attribution_accuracy", "attributed_correctly", +1,
          "Violations attributed to the right party more often."),
    Entry("monitoring.surge_coverage", "detected", +1, "A corrective monitoring surge covers more of the line."),
    Entry("monitoring.surge_weeks", "detected", +1, "A corrective monitoring surge lasts longer."),
    # --- G1 the commission
    Entry("commission.enabled", "decisions", +1, "An attributing commission decides corrective measures."),
    Entry("commission.decision_rule", "armed_attack_rulings",
          {"us_and_qualified_majority": -1, "consensus": -1, "qualified_majority": -1},
          "The rule counts the representatives' votes. Votes on attributions nearly always pass at the "
          "baseline's resolve, so the rules differ on the hard vote, whether a limited offensive is an armed "
          "attack: with a keen US (resolve 0.9) the US alone rules so more often than two thirds of the "
          "Coalition. Compared where limited offensives happen: a cheap limited option "
          "(payoffs.base_cost_limited 2.0, inside the plausible set's lower quartile; at the calibrated median "
          "every attack is a renewed war).", context={"united_states.resolve": 0.9, "payoffs.base_cost_limited": 2.0}),
    Entry("commission.self_evident_delay_weeks", "members_military_4w", -1,
          "An offensive is attributed later: fewer members' military responses to a renewed war take effect "
          "within four weeks of it (the median delay of all responses is the probes')."),
    Entry("commission.evidence_threshold", "decisions", -1, "More evidence needed: fewer attributions."),
    Entry("commission.deliberation_weeks", "median_response_delay_weeks", +1,
          "Longer deliberation: responses come later."),
    Entry("commission.corrective_measures", "detected", +1,
          "No corrective measure against every measure at every level (a monitoring surge among them).",
          values=({"probe": [], "limited": [], "major": []},
                  {"probe": ALL_MEASURES, "limited": ALL_MEASURES, "major": ALL_MEASURES})),
    # --- G2 support
    Entry("support.volume", "ukraine_defence", +1, "More aid: more equipment, a stronger defence."),
    Entry("support.budget_cooperation", "ukraine_defence", +1, "The budget gap closed: more equipment."),
    Entry("support.stockpile_access", "stockpile_surges", +1, "Stockpiles released on an attack reach Ukraine."),
    Entry("support.surge_size", "stockpile_surges", +1,
          "A release sends something (size 0 sends nothing and counts no surge)."),
    Entry("support.stockpile_size", "stockpile_surges", +1, "Stock to release after an attack."),
    Entry("support.stockpile_replenish_per_week", "stockpile_surges", +1,
          "Stock restocked after a release: later releases send something."),
    Entry("support.surge_delay_weeks", "stockpile_surges", -1,
          "A release arrives later (after a war's end or the horizon: fewer surges arrive)."),
    Entry("support.fortification_assistance", "ukraine_defence", +1, "Help with fortifications: a stronger defence."),
    # --- G3 the force
    Entry("force.enabled", "force_troops", +1, "The force is part of the design and deploys."),
    Entry("force.size", "force_troops", +1, "Every contribution scaled up."),
    Entry("force.posture", "credibility_major", {"forward": +1},
          "Forward troops are struck for certain by a renewed war: the tripwire rally Russia anticipates "
          "raises its reading of the major level (and struck contingents defend under self-defence)."),
    Entry("force.build_up_weeks", "force_deployed_week", +1,
          "A slower build-up: the force is fully deployed later (runs where it never deploys are left out)."),
    Entry("force.credible_cessation_threshold", "force_troops", +1,
          "A threshold of 0 is never met: Ukraine never requests the force."),
    Entry("force.credible_cessation_window_weeks", "force_troops", -1,
          "Two years of calm needed before the request: the force deploys late, if at all."),
    Entry("force.ukraine_requests", "force_troops", +1, "Without Ukraine's request the force never deploys."),
    Entry("force.request_retry_weeks", "force_troops", -1,
          "Acts only when no framework nation sends its contingent: compared where contributing governments "
          "hesitate (commitment bar 0.55 against resolve about 0.5).", context={"force.commitment_bar": 0.55}),
    Entry("force.rules_of_engagement", "preparations_major", {"reassurance": +1, "forward_defence": -1},
          "Against self-defence (the baseline): a force that fights no one, or one whose every contingent in "
          "Ukraine defends. A force that fights adds to the defence Russia expects to meet: fewer major preparations. The "
          "pledged force is small (about 0.15 strength units against Russia's 1): compared with five times the "
          "pledged contributions.", context={"force.size": 5.0}),
    # --- G4 commitments
    Entry("commitments.binding", "credibility_major", +1,
          "Binding (ratified) commitments: Russia reads the major level as more credible."),
    Entry("commitments.binding_levels", "credibility_limited", +1,
          "No level binding against every level binding: the limited level's credibility.",
          values=([], ["probe", "limited", "major"])),
    Entry("commitments.automaticity", "credibility_major", +1,
          "At the fitted binding_pull (1.02, ten times the activation noise) a bound member acts with "
          "probability about 1 whatever its resolve, so automaticity adds nothing (inert by calibration): "
          "compared where the legal pull is weak (binding_pull 0, the low end of its prior).",
          context={"members.binding_pull": 0.0}),
    Entry("commitments.response_menu", "members_acted", +1, "No response pledged against every type at every level.",
          values=({"probe": [], "limited": [], "major": []},
                  {"probe": ALL_TYPES, "limited": ALL_TYPES, "major": ALL_TYPES})),
    Entry("commitments.response_delay_weeks", "median_response_delay_weeks", +1, "Responses come later."),
    Entry("commitments.limited_attack_response", "armed_attack_rulings", {"limited_menu": -1, "armed_attack": +1},
          "Whether a limited offensive is ruled an armed attack: never, by the commission's vote, always. "
          "Compared where limited offensives happen: a cheap limited option (payoffs.base_cost_limited 2.0, "
          "inside the plausible set's lower quartile; at the calibrated median every attack is a renewed war).",
          context={"payoffs.base_cost_limited": 2.0}),
    Entry("commitments.ad_hoc_delay_weeks", "median_response_delay_weeks", +1,
          "Acts only without a commission (the ad hoc path): compared with no commission.",
          context={"commission.enabled": False}),
    # --- G5 cooperation, C1 the cell
    Entry("cooperation.training", "ukraine_defence", +1, "Training raises the quality of Ukraine's forces."),
    Entry("cooperation.co_production", "ukraine_defence", +1, "Joint production adds equipment."),
    Entry("cooperation.intelligence_sharing", "indicators_detected", +1,
          "The Coalition's intelligence sees a preparation's strategic indicators."),
    Entry("coordination_cell.enabled", "median_response_delay_weeks", -1, "The cell shortens the chain's delays."),
    Entry("coordination_cell.delay_reduction", "median_response_delay_weeks", -1, "The cell shortens more."),
    # --- the US
    Entry("united_states.leads_monitoring", "detected", +1, "The US share of coverage is present."),
    Entry("united_states.shares_intelligence", "indicators_detected", +1, "US intelligence sees indicators too."),
    Entry("united_states.pledges_response", "members_acted", +1, "The US, pledging, acts on attributed violations."),
    # --- warning
    Entry("warning.threshold", "warnings", -1, "More detected indicators needed: fewer warnings."),
    Entry("warning.window_weeks", "warnings", +1, "Indicators counted over a longer window: more warnings."),
    Entry("warning.delay_weeks", "attack_warned", -1,
          "The warning's measures come later: fewer attacks find a warning in force."),
    Entry("warning.duration_weeks", "ukraine_defence", -1,
          "Measures in force longer: readiness wears equipment and halts training (a warning's cost)."),
    Entry("warning.measures", "preparations_major", -1,
          "No pre-agreed measure against all four: a preparation Russia expects to be seen costs more.",
          values=([], ALL_WARNING_MEASURES)),
    Entry("warning.readiness_boost", "preparations_major", -1,
          "A warned Ukraine defends better: an attack Russia expects to be seen pays less."),
    Entry("warning.force_alert_boost", "preparations_major", -1,
          "Acts only with the force_alert measure, through a deployed force that fights: compared with the "
          "measure, forward defence and five times the pledged force.",
          context={"warning.measures": ["force_alert"], "force.rules_of_engagement": "forward_defence",
                   "force.size": 5.0}),
    Entry("warning.sanctions_threat", "preparations_major", -1,
          "Acts only with the sanctions_threat measure: compared with it.",
          context={"warning.measures": ["sanctions_threat"]}),
    # --- sanctions
    Entry("sanctions.relief_per_year", "sanctions_level", -1, "Faster relief: lower sanctions."),
    Entry("sanctions.snapback", "snapbacks", {"automatic": +1, "none": -1},
          "The rule that restores relieved sanctions: a vote, automatic, never. Automatic against the vote is "
          "inert, and known to be: the commission's vote on a snapback nearly always passes at the members' "
          "resolve, so both rules restore the same sanctions; it would matter only in a divided coalition."),
    Entry("sanctions.snapback_threshold", "snapbacks", -1, "More attributed violations needed: fewer snapbacks."),
    Entry("sanctions.snapback_window_weeks", "snapbacks", +1, "Violations counted over longer: more snapbacks."),
    Entry("sanctions.relief_pause_weeks", "sanctions_level", +1, "Relief pauses longer after a snapback."),
    # --- Ukraine (P1)
    Entry("ukraine.army_cap_thousands", "ukraine_defence", +1,
          "The range ends are both 'no cap' (0 means none; 2,000 is above the 880,000 under arms): compared "
          "a cap of 600,000 (the US 28-point draft) with none.", values=(600.0, 0.0)),
    Entry("ukraine.demobilisation_per_week", "ukraine_defence", -1,
          "Faster demobilisation to the cap. Acts only under a cap (none by default): compared with a cap of "
          "600,000 (the US 28-point draft).", context={"ukraine.army_cap_thousands": 600.0}),
)

CHECKS: tuple[Check, ...] = (
    Check("united_states.withdrawal_on_change", Design(params={"united_states.withdrawal_on_change": 0.0}),
          Design(params={"united_states.withdrawal_on_change": 1.0}), "detected", -1,
          "An uncertainty (issue 19 names it): a less supportive new US administration withdraws the US roles, "
          "and monitoring loses the US share of coverage."),
    Check("us_withdraws_2029", Design("paris_declaration", {"horizon_weeks": 520}),
          Design("us_withdraws_2029", {"horizon_weeks": 520}), "detected", -1,
          "The dated shock of 20 January 2029 withdraws the US roles; over ten years (issue 19)."),
    Check("force.backstop_bar_rise", Design("us_withdraws_2029", {"horizon_weeks": 520,
                                                                  "force.backstop_bar_rise": 0.0}),
          Design("us_withdraws_2029", {"horizon_weeks": 520, "force.backstop_bar_rise": 0.5}), "force_troops", -1,
          "An uncertainty (v3.1): without the US support to the force, contributing governments need more resolve "
          "to send or keep their contingents; the 2029 withdrawal has them review (Starmer 2025: 'there must be "
          "a US backstop')."),
)

INTERACTIONS: tuple[InteractionCheck, ...] = (
    InteractionCheck("ratification x changes of government", Design("political_only"), Design("paris_declaration"),
                     {"members.government_change_scale": 3.0}, "pledges_dropped",
                     "Does ratification matter more when governments change three times as often? Ratified "
                     "pledges survive a change of government (G0); political ones may be dropped."),
)
