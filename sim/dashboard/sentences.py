"""One plain sentence an event, written from the event's typed fields (``sim.events.Event``).

The model's own ``detail`` column is for the CSV reader; the dashboard writes its sentences
from the fields (outcome codes, parties, counts, weeks, values, names), so nothing here
parses prose. A kind this module does not know is shown with its label, its outcome and
its names.
"""

from __future__ import annotations

import datetime as dt

from sim.dashboard.words import LEVEL_NOUNS, RUSSIA, UKRAINE, actor_name, day_text, kind_info, weeks_text
from sim.events import CAMPAIGN_ENDS, COORDINATION_STAGES, OFFICES, STOCKPILE_REASONS, WARNING_MEASURES, Event

# Russia's choice at a decision point (the assessment event's outcome), in words.
CHOICES = {"comply": "keep the ceasefire", "pressure": "start a grey-zone pressure campaign",
           "prepare_limited": "prepare a limited offensive", "prepare_major": "prepare a renewed armed attack",
           "launch": "launch the attack", "stand_down": "stand down", "proceed": "go on without surprise",
           "abort": "abort"}
DECISION_POINTS = {"assessment": "periodic assessment", "go_no_go": "go or no-go (the preparation is complete)",
                   "exposure": "exposure (a warning revealed the preparation)"}
WAR_ENDS = {"repelled": "the attack is broken off after {weeks}: Russia is exhausted",
            "ceasefire": "a new ceasefire after {weeks}",
            "negotiated": "the front stalls: a negotiated end after {weeks}"}

PROBE_DURING = {"compliant": " (incidental)", "pressure": " (pressure campaign)",
                "preparing": " (while preparing an offensive)"}
SECTION_WORDS = {"united_states": "US", "force": "force", "monitoring": "monitoring", "sanctions": "sanctions",
                 "warning": "warning", "commission": "commission", "support": "support",
                 "commitments": "commitments", "cooperation": "cooperation", "ratification": "ratification",
                 "coordination_cell": "coordination cell"}
DEMARCHE_TO_UKRAINE = {UKRAINE: "a violation by Ukrainian units", RUSSIA: "a misattribution: the violation was "
                       "Russia's", "": "a false alarm", "nobody": "a false alarm"}


def words(code: str) -> str:
    """An identifier as words: 'monitoring_surge' -> 'monitoring surge'."""
    return code.replace("_", " ")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_words(iso: str) -> str:
    """'2027-04-21' -> '21 Apr 2027' (a date the scenario gives); anything else as it is."""
    try:
        return day_text(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def setting(item: str) -> str:
    """A scripted shock's setting, 'united_states.leads_monitoring = False' -> 'US leads monitoring: no'."""
    path, _, value = item.partition(" = ")
    section, _, name = path.strip().partition(".")
    value = {"True": "yes", "False": "no", "true": "yes", "false": "no"}.get(value.strip(), value.strip())
    head = SECTION_WORDS.get(section, words(section))
    return f"{head} {words(name)}: {words(value)}"


def _violation(e: Event) -> str:
    if e.perpetrator == RUSSIA and e.level == "limited":
        held = "seized ground" if e.outcome == "seized_ground" else "held by Ukraine's defence"
        return f"Limited offensive by Russia: {held}."
    if e.perpetrator == RUSSIA:
        return f"Probe by Russia{PROBE_DURING.get(e.intent, '')}: shelling, drones or sabotage."
    what = "minor violation by Ukrainian units" if e.perpetrator == UKRAINE else "a violation"
    return f"{capital(LEVEL_NOUNS.get(e.level, e.level) or 'violation')} by {e.perpetrator or e.actor}: {what}."


def _detection(e: Event) -> str:
    wrong = "" if e.perpetrator == e.attributed_to else f" (wrong: it was {e.perpetrator})"
    return (f"Monitoring saw the {LEVEL_NOUNS.get(e.level, e.level)} by {e.perpetrator}; its report blames "
            f"{e.attributed_to}{wrong}.")


def _attribution(e: Event) -> str:
    if e.outcome == "not_attributed":
        return (f"Commission: not attributed, evidence {e.evidence:.2f} is below the threshold {e.threshold:.2f}; "
                "nobody is answered.")
    to, truth, ev = e.attributed_to, e.perpetrator, e.evidence
    if truth in ("", "nobody"):
        return f"Commission blames {to} for a violation that did not happen (evidence {ev:.2f})."
    if to != truth:
        return (f"Commission blames {to} for {truth}'s {e.level + ' ' if e.level else ''}violation "
                f"(evidence {ev:.2f}): a misattribution.")
    return f"Commission attributes the {e.level + ' ' if e.level else ''}violation to {to} (evidence {ev:.2f})."


def measures_words(items: tuple[str, ...]) -> str:
    return ", ".join(words(i) for i in items if i != "none") or "no measures of its own"


def _decision(e: Event) -> str:
    if e.outcome == "armed_attack":
        return (f"Commission ({words(e.note)}): the limited offensive is an armed attack under G4; the commitments are "
                f"called on; corrective measures: {measures_words(e.items)}.")
    if e.outcome == "not_reached":
        return f"Commission: the {words(e.note)} was not reached, so no corrective measures."
    if e.outcome == "ad_hoc":
        return (f"No commission: the attack is self-evident; states decide ad hoc, responses in "
                f"{weeks_text(e.weeks or 0)}.")
    text = f"Commission orders against {e.attributed_to}: {measures_words(e.items)}."
    if e.level == "major":
        text += " The weight of the answer to an attack is the states' G4 responses that follow."
    return text


def _corrective_measure(e: Event) -> str:
    if e.outcome == "demarche":
        if e.attributed_to == RUSSIA:
            return "Corrective measure: demarche to Russia" + (
                " (the G4 responses follow from the members)." if e.level == "major" else ".")
        return f"Corrective measure: demarche to Ukraine ({DEMARCHE_TO_UKRAINE.get(e.perpetrator, 'a violation')})."
    if e.outcome == "monitoring_surge":
        return f"Corrective measure: more monitors for {weeks_text(e.weeks or 0)} (monitoring surge)."
    reason = STOCKPILE_REASONS.get(e.outcome, words(e.outcome))
    return f"{capital(reason)} (G2): {e.value:.2f} strength due in week {e.week + (e.weeks or 0)}."


def _coordination(e: Event) -> str:
    stage = capital(COORDINATION_STAGES.get(e.outcome, words(e.outcome)))
    if e.baseline_weeks is None:
        return f"{stage} takes {weeks_text(e.weeks or 0)} (shortened by the coordination cell)."
    return f"{stage} takes {weeks_text(e.weeks or 0)} instead of {weeks_text(e.baseline_weeks)}."


def _campaign(e: Event) -> str:
    o = e.outcome
    attack = "a renewed armed attack" if e.level == "major" else "a limited offensive"
    if o == "pressure_starts":
        return f"Russia starts a grey-zone pressure campaign (about {weeks_text(e.weeks or 0)})."
    if o == "preparation_starts":
        return f"Russia starts preparing {attack}, ready in {weeks_text(e.weeks or 0)}."
    if o in ("launched_by_surprise", "launched_after_warning"):
        return f"Russia launches {attack}" + (" (not warned of: surprise)." if o == "launched_by_surprise" else
                                              " (after a warning: no surprise).")
    if o == "stood_down":
        return (f"Preparation complete after {weeks_text(e.weeks or 0)}: Russia stands down (the attack no longer "
                "pays).")
    if o == "aborted":
        return f"Preparation exposed by a warning: Russia aborts after {weeks_text(e.weeks or 0)}."
    return capital(CAMPAIGN_ENDS.get(o, words(o))) + "."


def _indicator(e: Event) -> str:
    n = e.count or 0
    signs = "1 sign" if n == 1 else f"{n} signs"
    seen_by = ("seen only by national intelligence" if e.outcome == "strategic" else
               "seen only if monitoring or intelligence detects them")
    kind = f"{e.outcome} " if e.outcome else ""
    return (f"Russia's preparation ({LEVEL_NOUNS.get(e.level, e.level)}) gives off {signs} ({kind}build-up, logistics, "
            f"intensified violations): {seen_by}.")


def _warning(e: Event) -> str:
    when = "at once" if not e.weeks else f"in {weeks_text(e.weeks)}"
    return (f"Warning issued: {e.count} signs of preparation in {weeks_text(e.window_weeks or 0)}; Ukraine's "
            f"readiness and the pre-agreed measures follow {when}.")


def _warning_measure(e: Event) -> str:
    if e.outcome == "sanctions_threat":
        return f"Warning measure: sanctions threatened if the attack comes (level {e.value:.2f})."
    return f"Warning measure: {WARNING_MEASURES.get(e.outcome, words(e.outcome))}."


def _sanctions(e: Event) -> str:
    if e.outcome == "snapback":
        return (f"Sanctions snapback ({words(e.note)}): the sanctions relieved so far ({e.value:.2f}) are restored; "
                "relief paused for a year.")
    if e.outcome == "vote_failed":
        return "Sanctions: the snapback vote fails; relieved sanctions stay lifted."
    return f"Sanctions: relief under the deal, {e.value:.0%} of the ceasefire sanctions lifted."


def _government_change(e: Event) -> str:
    delta = e.value or 0.0
    mood = "less" if delta < -0.02 else "more" if delta > 0.02 else "about as"
    who = "the other party wins Congress" if e.office == "midterm" else "a new government"
    return (f"{capital(OFFICES.get(e.office, words(e.office)))} ({date_words(e.note)}): {who}, {mood} supportive of "
            f"Ukraine (resolve {delta:+.2f}).")


def _deployment(e: Event) -> str:
    if e.outcome == "contingents_withdrawn":
        return f"{', '.join(e.items)} withdraw their contingents from the force ({e.note})."
    if e.outcome == "withdrawn":
        return (f"{', '.join(e.items)} withdraw their contingents ({e.note}): with no framework nation left, the "
                f"Multinational Force withdraws; Ukraine can ask again in {weeks_text(e.weeks or 0)}.")
    if e.outcome == "declined":
        sent = ", ".join(e.items) or "no nation"
        return (f"No framework nation sends its contingent ({sent} would): Ukraine asks again in "
                f"{weeks_text(e.weeks or 0)}.")
    if e.outcome == "fully_deployed":
        return f"Force fully deployed: land {e.land:.2f}, air {e.air:.2f}, sea {e.sea:.2f} strength units."
    leads = " and ".join(e.items) or "European members"
    support = "US support" if e.us_support else "no US support"
    return (f"Force deployment begins, led by {leads}: {e.troops:,} troops, {e.aircraft} combat aircraft, "
            f"{e.ships} ships; {e.posture} posture; {support}.")


def reasons(e: Event) -> str:
    """What an assessment weighed: its margin, chance, waiting, holding the force back, and the attack's
    components (model v3)."""
    text = (f"{capital(CHOICES.get(e.outcome, words(e.outcome)))}. Its margin over the best other option: "
            f"{e.value:+.2f} before chance, {e.noise:+.2f} from chance; waiting for a better moment is worth "
            f"{e.wait_value:.2f}.")
    held = e.force_held_back  # recorded at assessments before Ukraine's request for the force
    if held is not None and held == held and held != 0:  # not empty, not NaN, not nil
        text += (f" Holding back Ukraine's request for the Multinational Force (G3) by pressure is worth "
                 f"{held:.2f} to it.")
    if e.gain is not None:
        text += (f" The {LEVEL_NOUNS.get(e.level, e.level)} weighed: gain {e.gain:.2f} at odds of {e.p_win:.0%} as "
                 f"Russia reads the balance; costs: losses {e.losses:.2f}, punishment {e.punishment:.2f}, sanctions "
                 f"{e.sanctions_cost:.2f}, at home {e.domestic_cost:.2f}.")
    return text


def _assessment(e: Event) -> str:
    return f"Russia decides at its {DECISION_POINTS.get(e.note, words(e.note))}: {reasons(e)}"


def _war_end(e: Event) -> str:
    text = WAR_ENDS.get(e.outcome, words(e.outcome) + " after {weeks}").format(weeks=weeks_text(e.weeks or 0))
    seized = f" ({e.value:.1f}% of Ukraine seized)" if e.value is not None else ""
    return f"War ends: {text}{seized}."


def _request(e: Event) -> str:
    if e.value is None:
        return "Credible cessation holds: Ukraine requests the Multinational Force."
    return (f"Credible cessation holds ({e.value:.0f} violations a week, as the monitors estimate them, "
            f"over {weeks_text(e.window_weeks or 0)}): Ukraine requests the Multinational Force.")


def _eu_package(e: Event) -> str:
    what = "EU package restoring relieved sanctions" if e.note == "snapback" else "EU sanctions package"
    if e.outcome == "vetoed":
        return f"{what} vetoed by {', '.join(e.items)}: not adopted."
    held = f", held up by {', '.join(e.items)}" if e.outcome == "adopted_after_hold_out" else ""
    return f"{what} adopted by the 27 after {weeks_text(e.weeks or 0)}{held} (sanctions level +{e.value:.2f})."


def _us_roles(e: Event) -> str:
    if e.outcome == "kept":
        return "The new US administration keeps the US roles (monitoring lead, force support, intelligence)."
    return f"{capital(e.note)}: {', '.join(e.items)}." if e.note else "The US roles are withdrawn: " + ", ".join(e.items) + "."


SENTENCES = {
    "assessment": _assessment,
    "violation": _violation,
    "escalation": lambda e: "Renewed armed attack by Russia: the binding commitments (G4) are called on.",
    "detection": _detection,
    "false_alarm": lambda e: f"False alarm: a report of a probe that did not happen, blaming {e.attributed_to}.",
    "attribution": _attribution,
    "decision": _decision,
    "coordination": _coordination,
    "corrective_measure": _corrective_measure,
    "campaign": _campaign,
    "indicator": _indicator,
    "indicator_detected": lambda e: ("Reported a sign of preparation that is not one (a false positive)."
                                     if e.outcome == "false_positive" else
                                     "Detected a sign of an offensive being prepared (build-up, logistics)."),
    "warning": _warning,
    "warning_measure": _warning_measure,
    "sanctions": _sanctions,
    "shock": lambda e: f"Scripted shock: {e.note} ({'; '.join(setting(i) for i in e.items)}).",
    "casualties": lambda e: (f"The attack strikes the force: troops of {', '.join(e.items)} struck; those nations "
                             f"rally (resolve +{e.value:.2f}), their allies too (the tripwire acts through the "
                             "members)."),
    "election": lambda e: (f"{capital(OFFICES.get(e.office, words(e.office)))} ({date_words(e.note)}): no change of "
                           "government."),
    "government_change": _government_change,
    "pledge": lambda e: ("The ratified commitment binds the new government: it survives." if e.outcome == "survives"
                         else "The new government drops its predecessor's political pledge (unratified)."),
    "us_roles": _us_roles,
    "ratification": lambda e: ("Ratification failed: the commitment stays political." if e.outcome == "failed" else
                               ("Congress" if e.actor == "United States" else "Parliament")
                               + " ratified: the commitment is legally binding."),
    "request": _request,
    "deployment": _deployment,
    "surge": lambda e: f"Stockpile surge arrived: +{e.value:.2f} strength.",
    "war_end": _war_end,
    "response": lambda e: (f"{actor_name(e.actor)} responds ({e.outcome} commitment): {', '.join(e.items)}"
                           + (f" (in effect {weeks_text(e.weeks)} after the decision)." if e.weeks else ".")),
    "troops_vote": lambda e: (f"Parliament approves sending troops ({weeks_text(e.weeks or 0)} after the decision)."
                              if e.outcome == "approved" else
                              "Parliament refuses to send troops: no military response (the commitment does not "
                              "bypass the vote)."),
    "eu_package": _eu_package,
    "finalisation": lambda e: (f"Binding commitments finalised, {weeks_text(e.weeks or 0)} after the ceasefire: "
                               "national ratification can begin."),
}


def describe(e: Event) -> str:
    """One plain sentence for an event, from its fields (a kind not listed: its label, outcome and names)."""
    if e.kind in SENTENCES:
        return SENTENCES[e.kind](e)
    label = kind_info(e.kind).label
    head = f"{label} ({e.level})" if e.level else label
    parts = [words(e.outcome)] if e.outcome else []
    parts += [", ".join(words(i) for i in e.items)] if e.items else []
    parts += [weeks_text(e.weeks)] if e.weeks is not None else []
    return f"{head}: {'; '.join(parts)}." if parts else f"{head}."
