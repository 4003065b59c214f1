"""The dashboard's vocabulary: what each event kind, lane, step column and term is called and how
it is drawn. Pure data and small functions; nothing here runs the model.

An event kind or step column not listed here is shown with a generic label, so a model that adds
mechanisms plugs in by extending :data:`KINDS`, :data:`SERIES` and :data:`GLOSSARY`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sim.clauses import Clause

RUSSIA, UKRAINE, NOBODY = "Russia", "Ukraine", "nobody"

WORLDS_EXPLAINED = (
    "The model's fitted constants (how much a binding pledge weighs with Russia, the base cost of a renewed war, "
    "the military effect of support, the weight Russia gives punishment) are known only within ranges: the "
    "calibration keeps the sets consistent with the historical record. A plausible world is one such set. Both "
    "designs run in each world on the same seeds; how far the difference moves from world to world is the "
    "uncertainty the interval from chance leaves out.")

# --------------------------------------------------------------------------- #
# What a run is: the first minute on the page
# --------------------------------------------------------------------------- #
WHAT_A_RUN_IS = (
    "This is a simulation, not a forecast. A run is one possible future of a design: the model plays "
    "five years after the ceasefire week by week, and chance (the seed) decides what Russia, Ukraine, "
    "the coalition's governments and the monitors do. The same design with another seed can end "
    "differently. To say whether a design is safer, the Compare tab counts many runs.")
WHAT_THE_REFERENCE_IS = (
    "The reference is a second design run with the same seed, so it meets the same luck: drawn dashed on "
    "the charts, it shows what your change did in this run. Compare uses it as the baseline.")
OUTCOME_LEVELS = (  # the model's three outcome levels of a run (runs.csv)
    ("an armed attack", "a limited offensive or worse: Russia attacks to seize ground (whether a limited offensive "
                        "calls on the G4 commitments is the design's ruling)"),
    ("a renewed war", "a renewed armed attack: the war starts again (Compare's verdict counts these)"),
    ("territory seized", "how much of Ukraine Russia holds at the end of the run, in % of its area"),
)
LADDER = (  # Russia's action week by week (the ladder chart)
    ("probe", "a grey-zone violation of the ceasefire (shelling, drones, sabotage): the ceasefire still holds"),
    ("limited", "a limited offensive: a local attack to seize ground"),
    ("major", "a renewed armed attack: the war starts again"),
)
# The three questions of a first visit, and where the page answers them.
GUIDED_PATH = (
    ("What if commitments stay political?",
     "Set Commitments (G0, G4) to 'political only': the member tiles turn grey, some pledges are dropped by new "
     "governments. Then open Compare designs and run it: how much riskier is it, over many runs?"),
    ("Is the Paris design safer than the Minsk agreements?",
     "Choose 'Minsk analogue' as the reference, open Compare designs and run it."),
    ("In a run where war breaks out, why did it happen?",
     "Press 'Next run with a war', then open 'Why? The story of this run': from Russia's intent to the signs "
     "monitoring saw, the warning, the commission and the states' answers."),
)
RUNS_EXPLAINED = (
    "A run is one simulated future of five years (260 weeks: weeks 0-259). Compare plays both designs with the "
    "same seeds (run 0 of your design and run 0 of the reference meet the same luck) and counts, in how many runs "
    "Russia launched a renewed armed attack.")
POINTS_EXPLAINED = (
    "Percentage points (pp) measure the distance between two percentages: a risk of 3% and a risk of 5% differ by "
    "2 percentage points (not by 2%).")
CHANCE_EXPLAINED = (
    "The 95% interval shows only the uncertainty from chance, run to run, with this model and these parameters. "
    "It does not include the uncertainty of the model's own assumptions.")

# --------------------------------------------------------------------------- #
# Glossary
# --------------------------------------------------------------------------- #
GLOSSARY: dict[str, str] = {
    "run": "One simulated future of five years, drawn by chance (the seed): one possible future, not a forecast.",
    "probe": "Grey-zone violation of the ceasefire: shelling, drones or sabotage. Level 1 of Russia's ladder.",
    "limited": "Limited offensive: a local attack to seize ground. Level 2 of the ladder.",
    "major": "Renewed armed attack: the war starts again and the G4 commitments are called on. Level 3.",
    "comply": "Russia keeps the ceasefire this week. Level 0.",
    "strength units": "Military strength on one scale for every side: Russia's strength at the ceasefire is 1.",
    "believed resolve": "What Russia believes: the share of the coalition's pledged power that would act "
                        "if it violated at that level. It learns from what happens after each violation.",
    "political commitment": "A pledge not (yet) ratified: each government decides when the day comes, "
                            "and a new government can drop it.",
    "ratified commitment": "A commitment approved by parliament (or Congress): legally binding for the levels it "
                           "covers (in the Paris design, a renewed armed attack), it survives a change of "
                           "government and acts more automatically (G0).",
    "detected": "The monitoring mission (G1) saw the violation; its report names who it thinks did it.",
    "attributed": "The special commission (G1) weighed the evidence and named a party. Evidence below "
                  "the threshold, or a failed vote, leaves the case unattributed.",
    "misattribution": "The report or the commission blamed the wrong party. A Russian violation blamed on "
                      "Ukraine goes unpunished: Russia learns that violating is cheap.",
    "false alarm": "A report of a violation that did not happen (G1).",
    "decided": "The commission ordered corrective measures (a demarche, a monitoring surge, a stockpile release).",
    "responded": "Coalition states acted under G4: diplomacy, sanctions, intelligence, logistics, military.",
    "demarche": "A formal diplomatic protest. It is the commission's own measure; the weight of an answer "
                "comes from the states' G4 responses.",
    "monitoring surge": "More monitors for some weeks: more violations are seen (G1).",
    "stockpile release": "Access to defence stockpiles after an attack: Ukraine's strength rises after a delay (G2).",
    "week and date": "Week 0 is the ceasefire's entry into force (1 Jul 2026 in the shipped scenarios, an "
                     "assumption); each week is shown with the date it starts, so an event dated 20 Jan 2029 "
                     "falls in the week of 17 Jan 2029. Five years are weeks 0-259.",
    "reference design": "The design drawn dashed on the story charts and used as the baseline on the Compare page.",
    "seed": "Fixes the dice. Two designs run with the same seed meet the same luck (common random numbers).",
    "percentage point": POINTS_EXPLAINED,
    "plausible world": WORLDS_EXPLAINED,
    "Russia's intent": "What Russia is doing, week by week: compliant, a pressure campaign, preparing an "
                       "offensive, attacking (a limited offensive), or at war. It changes only at decision "
                       "points (its periodic assessment, the end of a campaign, a warning that exposes it).",
    "decision point": "A moment Russia decides (model v3 records each one): its periodic assessment (comply, press, "
                      "prepare an offensive), go or no-go when a preparation is complete, and what to do when a warning "
                      "exposes it. Each records the margin of the choice without chance, the random draw, the value "
                      "of waiting, before Ukraine asks for the Multinational Force the value of holding that request "
                      "back by pressure (G3), and the attack weighed: its gain at the odds Russia reads, its losses, "
                      "the punishment and sanctions it expects, and its cost at home.",
    "campaign": "A Russian campaign: weeks of grey-zone pressure (probes) or of preparing an offensive, with a "
                "start and an end. A preparation ends in a launch, or Russia stands down or aborts.",
    "indicator": "A sign that an offensive is being prepared (build-ups, logistics, intensified violations). "
                 "Russia produces them while preparing; monitoring (G1) and intelligence (G5) detect some, and "
                 "report false ones now and then.",
    "warning": "Enough indicators detected within a few weeks: a warning is issued (G1, G5). Ukraine raises its "
               "readiness (P1), the pre-agreed warning measures follow, and a preparation is exposed: Russia "
               "loses surprise and may abort.",
    "warning measures": "Pre-agreed measures a warning sets off: stockpile pre-positioning (G2), the force on "
                        "alert (G3), a public diplomatic warning, a sanctions threat (G4).",
    "window of opportunity": "Russia compares attacking now with attacking later, given what it expects to "
                             "change: elections, a US withdrawal, sanctions relief, the force deploying, "
                             "ratifications completing. A window opens when waiting looks worse.",
    "election": "A dated national election in a member or the US (the scenario's election calendar).",
    "government change": "A new government: its resolve shifts, and political (not ratified) commitments can be dropped.",
    "pledge dropped": "A new, less supportive government withdrew its predecessor's political pledge: that state "
                      "no longer responds under G4. A ratified commitment survives a change of government (G0).",
    "no pledge": "The state makes no G4 pledge: in the declaration as written the US leads monitoring (G1), "
                 "offers 'proposed support' to the force (G3) and sits in the coordination cell (C1), but the "
                 "binding commitments are the Coalition's. 'With US bilateral guarantee' adds a US pledge.",
    "US roles": "Monitoring lead (G1), support to the force (G3), intelligence sharing (G5; off as written); a "
                "new US administration, the sitting one within its term, or a scripted shock, can withdraw them "
                "(only the roles that act in the design).",
    "sanctions level": "Sanctions on Russia: those in force at the ceasefire, less the relief of the deal, plus "
                       "the G4 sanctions of the responses. It slows Russia's reconstitution.",
    "relief pace": "Share of the ceasefire sanctions lifted per year while Russia complies (part of the deal).",
    "snapback": "Relieved sanctions return after enough attributed Russian violations, or at an attack: "
                "automatically, after a new vote of the commission, or never (the rule is a lever).",
    "tripwire rally": "If an attack strikes a nation's troops in the force, that nation's resolve to respond "
                      "jumps (its allies' less): the force deters through the members, not by a fixed cost (G3).",
    "shock": "A scripted, dated event of the scenario (for example the US withdrawing its roles in 2029).",
}

# --------------------------------------------------------------------------- #
# Event kinds and timeline lanes
# --------------------------------------------------------------------------- #
# Custom marker shapes (ECharts 'path://', a 100 x 100 box); the page's key draws the same paths.
STAR = "path://M50,2 L62,37 L98,37 L69,59 L80,95 L50,73 L20,95 L31,59 L2,37 L38,37 Z"
CROSS = "path://M36,2 H64 V36 H98 V64 H64 V98 H36 V64 H2 V36 H36 Z"
HEXAGON = "path://M25,5 H75 L98,50 L75,95 H25 L2,50 Z"


@dataclass(frozen=True)
class Kind:
    """How one event kind is shown: label, timeline lane, glossary term, colour, marker shape.
    No two kinds share a shape and a look-alike colour (tested)."""

    label: str
    lane: str
    term: str = ""
    colour: str = "#78909c"
    symbol: str = "circle"


RUSSIA_LANE, MONITORING_LANE, COMMISSION_LANE = "Russia did", "Monitoring saw", "Commission decided"
NO_COMMISSION_LANE = "States decided (no commission)"
RESPONSE_LANE, POLITICS_LANE, FORCE_LANE = "Coalition responded", "Politics", "Force and support"
UKRAINE_LANE = "Ukraine, wrong blame"  # Ukraine's violations, false alarms, misattributions
OTHER_LANE = "Other events"
KINDS: dict[str, Kind] = {
    "assessment": Kind("Russia decides", RUSSIA_LANE, "decision point", "#4a148c", HEXAGON),
    "violation": Kind("Violation", RUSSIA_LANE, "probe", "#c62828", "triangle"),
    "escalation": Kind("Renewed armed attack", RUSSIA_LANE, "major", "#6d0000", "diamond"),
    "campaign": Kind("Campaign", RUSSIA_LANE, "campaign", "#ad1457", "rect"),
    "indicator": Kind("Signs of preparation", RUSSIA_LANE, "indicator", "#ef6c00", "arrow"),
    "war_end": Kind("War ends", RUSSIA_LANE, "", "#558b2f", STAR),
    "detection": Kind("Detected", MONITORING_LANE, "detected", "#1565c0", "triangle"),
    "false_alarm": Kind("False alarm", MONITORING_LANE, "false alarm", "#f9a825", CROSS),
    "indicator_detected": Kind("Indicator detected", MONITORING_LANE, "indicator", "#00838f", "emptyArrow"),
    "warning": Kind("Warning", MONITORING_LANE, "warning", "#0277bd", "pin"),
    "attribution": Kind("Attribution", COMMISSION_LANE, "attributed", "#6a1b9a", "diamond"),
    "decision": Kind("Decision", COMMISSION_LANE, "decided", "#e65100", "rect"),
    "corrective_measure": Kind("Corrective measure", RESPONSE_LANE, "decided", "#8d6e63", "roundRect"),
    "response": Kind("States responded", RESPONSE_LANE, "responded", "#2e7d32", "circle"),
    "warning_measure": Kind("Warning measure", RESPONSE_LANE, "warning measures", "#0288d1", STAR),
    "sanctions": Kind("Sanctions", RESPONSE_LANE, "snapback", "#4e342e", CROSS),
    "coordination": Kind("Coordination cell", RESPONSE_LANE, "", "#546e7a", "emptyRoundRect"),
    # (assessments and coordination are listed in the event log and told in the Why tab, not drawn on the
    # timeline: about 70 decision points a run would hide everything else)
    "ratification": Kind("Ratification", POLITICS_LANE, "ratified commitment", "#00897b", HEXAGON),
    "election": Kind("Election", POLITICS_LANE, "election", "#7e57c2", "emptyCircle"),
    "government_change": Kind("Government change", POLITICS_LANE, "government change", "#311b92", "emptyRect"),
    "pledge": Kind("Pledge dropped or kept", POLITICS_LANE, "pledge dropped", "#d84315", "emptyTriangle"),
    "us_roles": Kind("US roles", POLITICS_LANE, "US roles", "#283593", "emptyDiamond"),
    "shock": Kind("Scripted shock", POLITICS_LANE, "shock", "#37474f", "emptyPin"),
    "request": Kind("Force requested", FORCE_LANE, "", "#00acc1", "circle"),
    "deployment": Kind("Force deployment", FORCE_LANE, "", "#004d40", "rect"),
    "casualties": Kind("Force troops struck", FORCE_LANE, "tripwire rally", "#b71c1c", "pin"),
    "surge": Kind("Stockpile surge arrived", FORCE_LANE, "stockpile release", "#43a047", "triangle"),
    "troops_vote": Kind("Parliament votes on troops", RESPONSE_LANE, "responded", "#827717", "emptyCircle"),
    "eu_package": Kind("EU sanctions package", RESPONSE_LANE, "snapback", "#bf360c", "emptyDiamond"),
    "finalisation": Kind("Commitments finalised", POLITICS_LANE, "ratified commitment", "#006064", CROSS),
}
# Timeline lanes, top to bottom; a lane an unknown kind names is added below these.
LANES: tuple[str, ...] = (RUSSIA_LANE, MONITORING_LANE, COMMISSION_LANE, RESPONSE_LANE, UKRAINE_LANE,
                          POLITICS_LANE, FORCE_LANE)
# Bands drawn from step columns above and among the event lanes of the timeline.
INTENT_LANE = "Russia's intent"  # the step column russia_intent
WARNING_LANE = "Warning in force"  # the step column warning_in_force
INTENTS: dict[str, tuple[str, str]] = {  # russia_intent -> (words, colour); compliant is not drawn
    "pressure": ("pressure campaign (grey-zone probes)", "#f9a825"),
    "preparing": ("preparing an offensive", "#ef6c00"),
    "attacking": ("limited offensive under way", "#d32f2f"),
    "at_war": ("at war", "#7b1fa2"),
}

ACTORS: dict[str, str] = {
    "SpecialCommission": "Special commission (G1)",
    "MonitoringMechanism": "Monitoring mission (G1)",
    "MultinationalForce": "Multinational Force (G3)",
    "CoordinationCell": "Coordination cell (C1)",
    "Coalition": "Coalition",
    "Intelligence": "Intelligence (G5)",
    "Scenario": "Scripted in the scenario",
}


def kind_info(kind: str) -> Kind:
    """The display of an event kind; an unknown kind gets its own words and the 'other' lane."""
    return KINDS.get(kind) or Kind(kind.replace("_", " ").capitalize(), OTHER_LANE, kind.replace("_", " "))


def lane_of(kind: str, commission: bool) -> str:
    """The timeline lane of an event kind in a design (without a commission, states decide ad hoc)."""
    lane = kind_info(kind).lane
    return NO_COMMISSION_LANE if lane == COMMISSION_LANE and not commission else lane


def lanes_of(commission: bool) -> tuple[str, ...]:
    return tuple(NO_COMMISSION_LANE if ln == COMMISSION_LANE and not commission else ln for ln in LANES)


def timeline_lanes(story: Any) -> list[str]:
    """Lanes top to bottom: Russia's intent (a band), what it did, what monitoring saw, the warning
    in force (a band), then the commission, responses, Ukraine's acts and wrong blame, politics, the force."""
    base = lanes_of(story.scenario.commission.enabled)
    lanes = list(base) + sorted({ln for ln in story.events["lane"] if ln not in base})
    if OTHER_LANE in lanes:
        lanes.remove(OTHER_LANE)
        lanes.append(OTHER_LANE)
    if "warning_in_force" in story.steps.columns:
        lanes.insert(lanes.index(MONITORING_LANE) + 1, WARNING_LANE)
    if "russia_intent" in story.steps.columns:
        lanes.insert(0, INTENT_LANE)
    return lanes


def actor_name(actor: str) -> str:
    """'SpecialCommission' -> 'Special commission (G1)'; unknown CamelCase split into words."""
    if actor in ACTORS:
        return ACTORS[actor]
    if not actor or not actor.isalpha() or not actor[0].isupper() or actor.isupper():
        return actor
    words = [actor[0]]
    for ch in actor[1:]:
        if ch.isupper():
            words.append(ch)
        else:
            words[-1] += ch
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if len(words) > 1 else actor


# --------------------------------------------------------------------------- #
# Step columns
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Series:
    """A step column as charted: label, unit, chart it belongs to."""

    label: str
    unit: str
    chart: str


# Step columns the story charts draw; any other numeric column goes to "More measures".
SERIES: dict[str, Series] = {
    "escalation_level": Series("Russia's action", "level 0-3", "ladder"),
    "russia_intent": Series("Russia's intent", "state", "timeline"),
    "warning_in_force": Series("warning in force", "yes/no", "timeline"),
    "at_war": Series("renewed war under way", "yes/no", "balance"),
    "credibility_probe": Series("believed resolve if probe", "share 0-1", "resolve"),
    "credibility_limited": Series("believed resolve if limited", "share 0-1", "resolve"),
    "credibility_major": Series("believed resolve if major", "share 0-1", "resolve"),
    "russia_strength": Series("Russia's strength", "strength units", "balance"),
    "ukraine_defence": Series("Ukraine's effective defence", "strength units", "balance"),
    "force_strength": Series("force strength", "strength units", "force"),
    "force_phase": Series("force phase", "phase", "force"),
    "sanctions_level": Series("sanctions level on Russia", "level", "sanctions"),
    "mean_member_resolve": Series("members' mean resolve", "share 0-1", "sanctions"),
    "force_troops": Series("force troops deployed", "troops", "more"),
    "window_value": Series("value to Russia of waiting for a better window", "utility", "more"),
    "indicators_detected": Series("indicators detected so far", "count", "more"),
    "pledged_share": Series("share of members still pledging (G4)", "share", "more"),
    "us_roles": Series("US roles held", "roles", "more"),
    "p_major": Series("Russia's chance of a major attack this week", "probability", "more"),
    "russia_ambition": Series("Russia's ambition", "x baseline", "more"),
    "sanctions_cost": Series("Russia's sanctions cost", "index", "more"),
    "ukraine_strength": Series("Ukraine's force strength", "strength units", "more"),
    "fortification": Series("fortification", "share 0-1", "more"),
    "coverage": Series("monitoring coverage", "share", "more"),
    "ratified_share": Series("share of members bound by ratification", "share", "more"),
    "territory_seized_pct": Series("territory seized", "% of Ukraine", "more"),
}
# Not week by week measures: the date (shown beside the week) and the run-level reporters.
NOT_CHARTED = {"week", "date", "run_id", "escalated", "escalation_week", "survival_weeks"}


def series_info(column: str) -> Series:
    return SERIES.get(column) or Series(column.replace("_", " "), "", "more")


# --------------------------------------------------------------------------- #
# Clauses and small phrases
# --------------------------------------------------------------------------- #
CLAUSE_REASONS: dict[tuple[str, str], str] = {
    ("violation", "A"): "no clause governs a violation itself: Russia's and Ukraine's choices are modelling assumptions",
    ("violation", "P1"): "Ukraine's own defence (P1) decides whether a limited offensive gains ground",
    ("escalation", "G4"): "a renewed armed attack calls on the binding commitments of G4",
    ("war_end", "P1"): "Ukraine's defence (P1), helped by G2 and G4, repelled the attack",
    ("decision", "A"): "with no commission, acting on a self-evident attack is a modelling assumption",
}


def clause_reason(kind: str, clause: str) -> str:
    """Why this event carries this clause id (one line)."""
    if (kind, clause) in CLAUSE_REASONS:
        return CLAUSE_REASONS[(kind, clause)]
    try:
        c = Clause(clause)
    except ValueError:
        return clause
    return c.title


def weeks_text(n: int | float) -> str:
    n = int(n)
    return f"{n} week" if n == 1 else f"{n} weeks"


def day_text(day: dt.date) -> str:
    """'9 Sep 2026': a date a student reads at a glance."""
    return f"{day.day} {day:%b %Y}"


LEVEL_NOUNS = {"probe": "probe", "limited": "limited offensive", "major": "renewed armed attack"}
