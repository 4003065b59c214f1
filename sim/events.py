"""The event log: one row an event, with its identity, its case, its cause and typed fields.

Every event has an ``event_id`` (1, 2, ... within a run), the ``case_id`` of the case it
belongs to (a violation and its commission's chain, a campaign, a warning, an election,
a deployment ...; a case's first event is its own case) and the ``cause_id`` of the event
that set it off (empty when nothing in the run did). What happened is in typed fields:
an ``outcome`` code and the parties, counts, weeks and values that matter
(``FIELDS``; docs/OUTPUTS.md says which kind fills which). ``detail`` is rendered from
those fields (``render``, one function per kind, at the end of this module) for people to read;
no program needs to parse it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sim.clauses import Clause

EVENT_KINDS: tuple[str, ...] = (
    "assessment", "violation", "detection", "false_alarm", "attribution", "decision", "response",
    "corrective_measure", "ratification", "request", "deployment", "escalation",
    "surge", "war_end", "coordination", "campaign", "indicator", "indicator_detected", "warning",
    "warning_measure", "election", "government_change", "pledge", "us_roles", "sanctions", "shock",
    "casualties", "troops_vote", "eu_package", "finalisation",
)


class Event(NamedTuple):
    """One event. The typed fields after ``cause_id`` are empty where a kind has no use for them."""

    event_id: int
    week: int
    kind: str
    actor: str
    level: str
    clause: str
    case_id: int
    cause_id: int | None = None
    outcome: str = ""            # what happened, as a code of the kind's vocabulary
    intent: str = ""             # Russia's intent when it acted (violations, campaigns)
    office: str = ""             # elections: presidential, midterm, legislative
    perpetrator: str = ""        # who committed the violation (Russia, Ukraine; nobody for a false alarm)
    attributed_to: str = ""      # to whom a report, attribution or decision assigns it
    evidence: float | None = None  # attribution: strength of evidence 0-1
    threshold: float | None = None  # attribution: the evidence threshold
    count: int | None = None     # a number of things: indicators, signs in a window
    weeks: int | None = None     # a delay, duration or elapsed time
    window_weeks: int | None = None  # the window a count is taken over
    baseline_weeks: int | None = None  # coordination: the delay without the cell (C1)
    value: float | None = None   # a size: strength, resolve shift, sanctions level
    troops: int | None = None    # deployment of the force (G3)
    aircraft: int | None = None
    ships: int | None = None
    posture: str = ""
    us_support: bool | None = None
    land: float | None = None    # force strength by domain at full deployment
    air: float | None = None
    sea: float | None = None
    gain: float | None = None    # Russia's decision: what the attack weighed would gain (ambition x stake x odds)
    p_win: float | None = None   # its odds of success as Russia reads the balance
    losses: float | None = None  # its expected losses in the fighting
    punishment: float | None = None  # the coalition's responses as Russia reads them, discounted
    sanctions_cost: float | None = None  # sanctions restored or threatened
    domestic_cost: float | None = None  # mobilisation and its politics, preparation, audience costs
    wait_value: float | None = None  # what waiting for a better window is worth
    force_held_back: float | None = None  # what a pressure campaign's holding the force back is worth (G3)
    noise: float | None = None   # the random draw between the choice and its best alternative
    items: tuple[str, ...] = ()  # names: response types, measures, nations, roles, parameters
    note: str = ""               # a name from the inputs: the decision rule, a shock's description, a date

    @property
    def detail(self) -> str:
        return render(self)


FIELDS: tuple[str, ...] = Event._fields[6:]

# kind -> (outcome codes, typed fields it fills, its case and cause). docs/OUTPUTS.md renders this
# table; a test checks that every event of many runs keeps to it.
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "assessment": (("comply", "pressure", "prepare_limited", "prepare_major", "launch", "stand_down", "proceed",
                    "abort"), ("intent", "note", "value", "noise", "wait_value", "force_held_back", "gain", "p_win", "losses",
                               "punishment", "sanctions_cost", "domestic_cost"),
                   "Russia's decision point (note: assessment, go_no_go, exposure): value is the margin of the choice "
                   "over its best alternative without the random term, noise the random draw between them; the "
                   "components are those of the attack weighed (level); force_held_back what pressure's holding the force "
                   "back is worth (assessments before Ukraine's request). Its own case (an assessment) or the campaign's; cause: "
                   "the event that triggered an assessment between the periodic ones (a change of government, an "
                   "election whose review took a contingent out, a US withdrawal, a shock), the campaign at go/no-go, "
                   "the warning at exposure"),
    "campaign": (("pressure_starts", "preparation_starts", "pressure_ends", "pressure_ends_early",
                  "pressure_ends_to_prepare", "limited_offensive_ends", "stood_down", "proceeds_exposed", "aborted",
                  "launched_by_surprise", "launched_after_warning"), ("intent", "weeks"),
                 "case: the campaign (its start); cause: its start, or the warning that exposed it"),
    "violation": (("", "seized_ground", "held"), ("perpetrator", "intent", "value"),
                  "its own case (the commission's chain); cause: the campaign or launch behind it"),
    "indicator": (("strategic", "tactical"), ("count", "intent"), "case and cause: the preparation"),
    "indicator_detected": (("true", "false_positive"), (),
                           "case and cause: the indicator seen (its own case for a false positive)"),
    "warning": ((), ("count", "window_weeks", "weeks"), "its own case; cause: the detection that crossed the threshold"),
    "warning_measure": (("readiness", "force_alert", "diplomatic_warning", "sanctions_threat"), ("value",),
                        "case and cause: the warning"),
    "detection": ((), ("perpetrator", "attributed_to"), "case and cause: the violation"),
    "false_alarm": ((), ("attributed_to",), "its own case"),
    "attribution": (("attributed", "not_attributed"), ("perpetrator", "attributed_to", "evidence", "threshold"),
                    "case: the violation; cause: its detection"),
    "decision": (("corrective_measures", "armed_attack", "not_reached", "ad_hoc"),
                 ("perpetrator", "attributed_to", "items", "note", "weeks"),
                 "case: the violation; cause: the attribution (the detection when not reached; the attack if ad hoc)"),
    "coordination": (("warning", "deliberation", "response", "ad_hoc_response"), ("weeks", "baseline_weeks"),
                     "the case it serves; cause: the event that set the delay"),
    "corrective_measure": (("demarche", "monitoring_surge", "stockpiles_opened", "stockpile_release",
                            "stockpiles_prepositioned"), ("perpetrator", "attributed_to", "weeks", "value"),
                           "case and cause: the decision (the attack or the warning for stockpiles)"),
    "response": (("binding", "political"), ("items", "weeks"),
                 "case: the violation; cause: the decision (logged when it takes effect, weeks after it)"),
    "troops_vote": (("approved", "refused"), ("weeks",), "case: the violation; cause: the decision"),
    "eu_package": (("adopted", "adopted_after_hold_out", "vetoed"), ("items", "weeks", "value", "note"),
                   "case: the violation (the snapback for relieved sanctions); cause: the decision (the snapback)"),
    "finalisation": (("finalised",), ("weeks",), "its own case"),
    "surge": ((), ("value",), "case: the case that ordered it; cause: the order"),
    "escalation": ((), ("perpetrator",), "its own case (the commission's chain of the attack); cause: the launch"),
    "casualties": ((), ("items", "value"), "case and cause: the attack"),
    "war_end": (("repelled", "ceasefire", "negotiated"), ("weeks", "value"), "case and cause: the attack"),
    "sanctions": (("snapback", "vote_failed", "relief"), ("note", "value", "weeks", "count"),
                  "its own case; cause: the attribution or attack that tipped a snapback"),
    "ratification": (("ratified", "failed"), (), "its own case"),
    "election": (("no_change",), ("office", "note", "value"), "its own case"),
    "government_change": (("change",), ("office", "note", "value"), "its own case"),
    "pledge": (("survives", "dropped"), (), "case and cause: the change of government"),
    "us_roles": (("kept", "withdrawn"), ("note", "items"),
                 "case and cause: the change of administration (its own case for a withdrawal within the term)"),
    "request": (("requested",), ("value", "window_weeks"), "its own case (the force's deployment)"),
    "deployment": (("declined", "begins", "fully_deployed", "contingents_withdrawn", "withdrawn"),
                   ("items", "troops", "aircraft", "ships", "posture", "us_support", "land", "air", "sea", "weeks",
                    "note"),
                   "case: the request; cause: the request, then the start of deployment; a withdrawal: case and "
                   "cause the election or the US withdrawal that led to it"),
    "shock": ((), ("note", "items"), "its own case"),
}
assert set(KINDS) == set(EVENT_KINDS)  # case_id onwards: the typed fields of events.csv
_EMPTY_COUNTS = dict.fromkeys(EVENT_KINDS, 0)


@dataclass(slots=True)
class EventLog:
    """Appends events when recording; always numbers them and counts them by kind.

    ``add`` returns the new event's id whether or not events are recorded, so that ids
    (and everything that refers to them) are the same in a sweep that keeps no events.
    """

    record: bool = True
    rows: list[Event] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict(_EMPTY_COUNTS))
    last_id: int = 0

    def skip(self, kind: str) -> int:
        """The id the event would get, counted but not kept (a sweep keeps no events): a fast path."""
        self.last_id += 1
        self.counts[kind] += 1
        return self.last_id

    def add(self, week: int, kind: str, actor: str, level: str, clause: Clause, *,
            case: int | None = None, cause: int | None = None, **fields: Any) -> int:
        self.last_id += 1
        eid = self.last_id
        self.counts[kind] += 1
        if self.record:
            self.rows.append(Event(eid, week, kind, actor, level, clause.value,
                                   eid if case is None else case, cause, **fields))
        return eid


# --- the detail column: each kind's sentence, rendered from its fields ---------------------

def _plural(n: int) -> str:
    return "s" if n != 1 else ""


def _violation(e: Event) -> str:
    if e.level == "limited":
        return "local offensive " + ("seized ground" if e.outcome == "seized_ground" else "held by Ukraine's defence")
    if e.perpetrator == "Ukraine":
        return "minor violation by Ukrainian units"
    return f"grey-zone violation ({e.intent}): shelling, drones or sabotage"


def _attribution(e: Event) -> str:
    if e.outcome == "not_attributed":
        return f"evidence {e.evidence:.2f} below threshold {e.threshold:.2f}: not attributed"
    return f"attributed to {e.attributed_to} (evidence {e.evidence:.2f}; perpetrator: {e.perpetrator})"


def _decision(e: Event) -> str:
    if e.outcome == "armed_attack":
        return (f"the limited offensive is an armed attack under G4 ({e.note.replace('_', ' ')}): the commitments "
                f"are called on; corrective measures: {', '.join(e.items) or 'none'}")
    if e.outcome == "not_reached":
        return f"{e.note.replace('_', ' ')} not reached: no corrective measures"
    if e.outcome == "ad_hoc":
        return f"no commission: the attack is self-evident; ad hoc responses in {e.weeks} weeks"
    return f"corrective measures against {e.attributed_to}: {', '.join(e.items) or 'none'}"


_DEMARCHE_TO_UKRAINE = {"Ukraine": "a violation by Ukrainian units",
                        "Russia": "a misattribution: the violation was Russia's", "": "a false alarm"}
STOCKPILE_REASONS = {"stockpiles_opened": "stockpiles opened after the armed attack",
                     "stockpile_release": "stockpile release ordered by the commission",
                     "stockpiles_prepositioned": "stockpiles pre-positioned on warning"}


def _corrective_measure(e: Event) -> str:
    if e.outcome == "demarche":
        if e.attributed_to == "Russia":
            return "demarche to Russia" + (" (the G4 responses follow from the members)" if e.level == "major" else "")
        return f"demarche to Ukraine ({_DEMARCHE_TO_UKRAINE[e.perpetrator]})"
    if e.outcome == "monitoring_surge":
        return f"more monitors for {e.weeks} weeks (monitoring surge)"
    return f"{STOCKPILE_REASONS[e.outcome]}: {e.value:.2f} strength due in week {e.week + e.weeks}"


def _deployment(e: Event) -> str:
    if e.outcome == "contingents_withdrawn":
        return f"{', '.join(e.items)} withdraw their contingents ({e.note})"
    if e.outcome == "withdrawn":
        return (f"{', '.join(e.items)} withdraw their contingents ({e.note}): no framework nation is left, the force "
                f"withdraws; Ukraine can ask again in {e.weeks} weeks")
    if e.outcome == "declined":
        sent = ", ".join(e.items) or "no nation"
        return f"no framework nation sends its contingent ({sent} would): Ukraine asks again in {e.weeks} weeks"
    if e.outcome == "fully_deployed":
        return f"fully deployed: land {e.land:.2f}, air {e.air:.2f}, sea {e.sea:.2f} strength units"
    leads = " and ".join(e.items) or "European members"
    return (f"deployment begins, led by {leads}: {e.troops:,} troops, {e.aircraft} combat aircraft, {e.ships} ships; "
            f"{e.posture} posture" + ("; US support" if e.us_support else "; no US support"))


COORDINATION_STAGES = {"warning": "warning", "deliberation": "deliberation", "response": "response",
                       "ad_hoc_response": "ad hoc response"}


def _coordination(e: Event) -> str:
    return f"{COORDINATION_STAGES[e.outcome]} in {e.weeks} week{_plural(e.weeks)} instead of {e.baseline_weeks}"


def _campaign(e: Event) -> str:
    o = e.outcome
    attack = "a renewed armed attack" if e.level == "major" else "a limited offensive"
    if o == "pressure_starts":
        return f"Russia starts a grey-zone pressure campaign (about {e.weeks} weeks)"
    if o == "preparation_starts":
        return f"Russia starts preparing {attack}, ready in {e.weeks} weeks"
    if o in ("launched_by_surprise", "launched_after_warning"):
        surprise = " (not warned of: surprise)" if o == "launched_by_surprise" else ""
        return f"Russia launches {attack}{surprise}"
    if o == "stood_down":
        return f"preparation complete after {e.weeks} weeks: Russia stands down (the attack no longer pays)"
    if o == "aborted":
        return f"preparation exposed by a warning: Russia aborts after {e.weeks} weeks"
    return CAMPAIGN_ENDS[o]


CAMPAIGN_ENDS = {"pressure_ends": "pressure campaign ends",
                 "pressure_ends_early": "Russia ends its pressure campaign early",
                 "pressure_ends_to_prepare": "pressure campaign ends: Russia turns to preparing an offensive",
                 "limited_offensive_ends": "limited offensive ends",
                 "proceeds_exposed": "preparation exposed by a warning: Russia goes on without surprise"}

WAR_ENDS = {"repelled": "attack broken off after {weeks} weeks: Russia exhausted ({seized:.1f}% of Ukraine seized)",
            "ceasefire": "a new ceasefire after {weeks} weeks ({seized:.1f}% of Ukraine seized)",
            "negotiated": "the front stalled: a negotiated end after {weeks} weeks ({seized:.1f}% of Ukraine seized)"}

OFFICES = {"presidential": "presidential election", "midterm": "midterm elections",
           "legislative": "legislative elections"}


def _government_change(e: Event) -> str:
    delta = e.value
    mood = "less" if delta < -0.02 else "more" if delta > 0.02 else "about as"
    who = "the other party wins Congress" if e.office == "midterm" else "a new government"
    return f"{OFFICES[e.office]} ({e.note}): {who}, {mood} supportive of Ukraine (resolve {delta:+.2f})"


def _warning_measure(e: Event) -> str:
    if e.outcome == "sanctions_threat":
        return f"sanctions threatened if the attack comes (level {e.value:.2f})"
    return WARNING_MEASURES[e.outcome]


WARNING_MEASURES = {"readiness": "Ukraine raises its readiness",
                    "force_alert": "force on alert: readiness raised at its bases",
                    "diplomatic_warning": "public diplomatic warning to Russia: an attack now would cost it more"}


def _sanctions(e: Event) -> str:
    if e.outcome == "snapback":
        return (f"snapback ({e.note.replace('_', ' ')}): sanctions relieved so far ({e.value:.2f}) restored; "
                "relief paused for a year")
    if e.outcome == "vote_failed":
        return "snapback vote fails: relieved sanctions stay lifted"
    return f"relief under the deal: {e.value:.0%} of the ceasefire sanctions lifted"


def _assessment(e: Event) -> str:
    why = "" if e.gain is None else (
        f" (attack weighed: {e.level}, gain {e.gain:.2f} at odds {e.p_win:.2f}; costs: losses {e.losses:.2f}, "
        f"punishment {e.punishment:.2f}, sanctions {e.sanctions_cost:.2f}, domestic {e.domestic_cost:.2f})")
    held = "" if not e.force_held_back else f"; holding the force back by pressure is worth {e.force_held_back:.2f}"
    return (f"Russia decides at its {e.note.replace('_', ' ')}: {e.outcome.replace('_', ' ')}, by {e.value:+.2f} "
            f"without chance, {e.noise:+.2f} by chance; waiting is worth {e.wait_value:.2f}{held}{why}")


def _response(e: Event) -> str:
    text = f"{e.outcome} commitment: {', '.join(e.items)}"
    return text + (f" (in effect {e.weeks} week{_plural(e.weeks)} after the decision)" if e.weeks else "")


def _troops_vote(e: Event) -> str:
    if e.outcome == "approved":
        return f"parliament approves sending troops ({e.weeks} week{_plural(e.weeks)} after the decision)"
    return "parliament refuses to send troops: no military response (the commitment does not bypass the vote)"


def _eu_package(e: Event) -> str:
    what = "EU package restoring relieved sanctions" if e.note == "snapback" else "EU sanctions package"
    if e.outcome == "vetoed":
        return f"{what} vetoed by {', '.join(e.items)}: not adopted"
    held = f", held up by {', '.join(e.items)}" if e.outcome == "adopted_after_hold_out" else ""
    return f"{what} adopted by the 27 after {e.weeks} week{_plural(e.weeks)}{held} (sanctions level +{e.value:.2f})"


RENDER: dict[str, Callable[[Event], str]] = {
    "assessment": _assessment,
    "violation": _violation,
    "detection": lambda e: (f"{e.level} violation by {e.perpetrator} detected; "
                            f"report attributes it to {e.attributed_to}"),
    "false_alarm": lambda e: f"report of a probe that did not happen, blaming {e.attributed_to}",
    "attribution": _attribution,
    "decision": _decision,
    "corrective_measure": _corrective_measure,
    "response": _response,
    "troops_vote": _troops_vote,
    "eu_package": _eu_package,
    "finalisation": lambda e: (f"binding commitments finalised, {e.weeks} weeks after the ceasefire: "
                               "national ratification can begin"),
    "ratification": lambda e: ("ratification failed: the commitment stays political" if e.outcome == "failed" else
                               ("Congress" if e.actor == "United States" else "parliament")
                               + " ratified: the commitment is legally binding"),
    "request": lambda e: (f"credible cessation holds ({e.value:.0f} violations a week, as the monitors "
                          f"estimate them, over {e.window_weeks} weeks): Ukraine requests the Multinational Force"),
    "deployment": _deployment,
    "escalation": lambda e: "renewed armed attack: the G4 commitments are called on",
    "surge": lambda e: f"stockpile surge arrived: +{e.value:.2f} strength",
    "war_end": lambda e: WAR_ENDS[e.outcome].format(weeks=e.weeks, seized=e.value),
    "coordination": _coordination,
    "campaign": _campaign,
    "indicator": lambda e: (f"{e.count} observable sign(s) of preparation: build-up, logistics, "
                            "intensified violations"),
    "indicator_detected": lambda e: ("sign of an offensive being prepared detected (build-up, logistics)"
                                     if e.outcome == "true" else
                                     "reported sign of preparation that is not one (false positive)"),
    "warning": lambda e: (f"{e.count} signs in {e.window_weeks} weeks: warning issued; "
                          f"pre-agreed measures in {e.weeks} week{_plural(e.weeks)}"),
    "warning_measure": _warning_measure,
    "election": lambda e: f"{OFFICES[e.office]} ({e.note}): no change of government",
    "government_change": _government_change,
    "pledge": lambda e: ("the ratified commitment binds the new government: it survives" if e.outcome == "survives"
                         else "the new government drops its predecessor's political pledge (unratified)"),
    "us_roles": lambda e: ("the new administration keeps the US roles (monitoring lead, force support, intelligence)"
                           if e.outcome == "kept" else f"{e.note}: " + ", ".join(e.items)),
    "sanctions": _sanctions,
    "shock": lambda e: f"{e.note}: " + ", ".join(e.items),
    "casualties": lambda e: (f"troops of {', '.join(e.items)} struck: those nations rally "
                             f"(resolve +{e.value:.2f}), their allies too"),
}


def render(e: Event) -> str:
    return RENDER[e.kind](e)
