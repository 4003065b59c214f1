"""Tidy outputs: one table a grain, every column declared once here.

``docs/OUTPUTS.md`` documents these columns; a test checks the two agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sim.events import EVENT_KINDS, FIELDS, Event
from sim.ladder import RESPONSE_TYPES, Action

# name -> (pandas dtype after a plain read_csv, unit, meaning)
Column = tuple[str, str, str]

RUN_COLUMNS: dict[str, Column] = {
    "run_id": ("int64", "", "Run identifier, unique within an output folder."),
    "scenario": ("object", "", "Scenario name."),
    "seed": ("int64", "", "Integer seed of the run (drives every random stream)."),
    "horizon_weeks": ("int64", "weeks", "Weeks simulated."),
    "ceasefire_date": ("object", "date", "Date the ceasefire entered into force (week 0), YYYY-MM-DD; the date of "
                       "week w is this date + 7w days (pd.to_datetime(ceasefire_date) + pd.to_timedelta(w, 'W'))."),
    "armed_attack": ("bool", "", "Russia carried out an armed attack (a limited offensive or a renewed war) before the "
                     "horizon: the broadest of the three outcome levels."),
    "armed_attack_week": ("float64", "weeks", "Week of the first armed attack; empty when censored."),
    "armed_attack_date": ("object", "date", "Date of that week, YYYY-MM-DD; empty when censored."),
    "escalated": ("bool", "", "Russia launched a renewed war (a major attack: the G4 commitments' trigger) before "
                  "the horizon."),
    "escalation_week": ("float64", "weeks", "Week of the first major attack; empty when censored."),
    "escalation_date": ("object", "date", "Date of that week, YYYY-MM-DD; empty when censored."),
    "survival_weeks": ("int64", "weeks", "Escalation week, or the horizon when censored (survival time)."),
    "territory_seized_pct": ("float64", "% of Ukraine", "Share of Ukraine's whole area (603,550 km2) Russia seized "
                             "after the ceasefire and still held at the horizon (bounded by what lay beyond the line "
                             "and by what Russia can hold)."),
    "violations_probe": ("int64", "count", "Russian grey-zone violations (probes)."),
    "violations_limited": ("int64", "count", "Russian limited offensives."),
    "violations_major": ("int64", "count", "Russian renewed armed attacks."),
    "pressure_campaigns": ("int64", "count", "Grey-zone pressure campaigns Russia started."),
    "preparations_limited": ("int64", "count", "Preparations of a limited offensive Russia started."),
    "preparations_major": ("int64", "count", "Preparations of a renewed armed attack Russia started."),
    "preparations_aborted": ("int64", "count", "Preparations Russia aborted once a warning exposed them."),
    "preparations_stood_down": ("int64", "count", "Preparations completed but not launched (go/no-go)."),
    "indicators_detected": ("int64", "count", "Indicators of a preparation detected (G1 monitoring, G5 intelligence)."),
    "false_indicators": ("int64", "count", "Detected indicators when nothing was being prepared (G5)."),
    "warnings": ("int64", "count", "Warnings whose pre-agreed measures took effect (G1, G5, C1)."),
    "attack_warned": ("bool", "", "The first major attack came after a warning exposed it (false if none came)."),
    "ukraine_violations": ("int64", "count", "Minor violations by Ukrainian units."),
    "ceasefire_violations": ("int64", "count", "Ceasefire violations by both sides over the run (each explosion, burst "
                             "or flash: the OSCE SMM's unit), counted or not."),
    "ceasefire_violations_counted": ("int64", "count", "Of those, what the monitors counted (coverage less "
                                     "obstruction, G1)."),
    "armed_attack_rulings": ("int64", "count", "Limited offensives the commission ruled an armed attack under G4."),
    "detected": ("int64", "count", "Violations detected by the monitoring mechanism (G1)."),
    "false_alarms": ("int64", "count", "Reports of violations that did not happen (G1)."),
    "attributed_correctly": ("int64", "count", "Commission attributions to the true perpetrator (G1)."),
    "misattributed": ("int64", "count", "Commission attributions to the wrong party or a false alarm (G1)."),
    "not_attributed": ("int64", "count", "Cases closed without attribution: weak evidence or no vote (G1)."),
    "decisions": ("int64", "count", "Decisions ordering corrective measures, ad hoc ones included."),
    **{f"responses_{t}": ("int64", "count", f"Member activations of {t} responses (G4).") for t in RESPONSE_TYPES},
    "members_acted": ("int64", "count", "States (the US included) whose response took effect at least once."),
    "members_military_4w": ("float64", "count", "Members (the US apart) whose military response to the first major "
                            "attack took effect within 4 weeks of it (decision chain, lags and votes included; "
                            "G0, G4); empty if no major attack."),
    "members_military_8w": ("float64", "count", "The same within 8 weeks."),
    "members_military_12w": ("float64", "count", "The same within 12 weeks."),
    "troops_votes_refused": ("int64", "count", "Parliamentary votes that refused the troops a government decided to "
                             "send (G0: a binding commitment does not bypass the vote)."),
    "eu_packages_adopted": ("int64", "count", "EU sanctions packages adopted by the 27 (G4 responses and snapbacks), "
                            "after a hold-out or not."),
    "eu_packages_held": ("int64", "count", "EU packages adopted only after a hold-out (a veto player outside the "
                         "Coalition or a Coalition member)."),
    "eu_packages_held_by_veto_players": ("int64", "count", "EU packages adopted only after Hungary, Slovakia or Malta "
                                         "(outside the Coalition) held them up."),
    "eu_packages_vetoed": ("int64", "count", "EU packages vetoed (not adopted) by a veto player."),
    "median_response_delay_weeks": ("float64", "weeks", "Median weeks from violation to response; empty if none."),
    "ratified_members": ("int64", "count", "Members whose commitment is legally binding at the end (G0)."),
    "government_changes": ("int64", "count", "Changes of government after elections, members and the US."),
    "pledges_dropped": ("int64", "count", "Political (unratified) pledges dropped by a new government (G0)."),
    "us_pledged": ("bool", "", "The US holds a G4 pledge at the end (a bilateral guarantee)."),
    "us_ratified": ("bool", "", "The US Congress ratified a US guarantee (G0)."),
    "us_backstop": ("bool", "", "The US backs the force at the end of the run (G3)."),
    "us_roles_withdrawn_week": ("float64", "weeks", "Week the US withdrew its roles; empty if never."),
    "force_phase": ("object", "", "Force phase at the end: not_requested, requested, deploying, deployed (G3)."),
    "force_deployed_week": ("float64", "weeks", "Week the force was first fully deployed; empty if never (G3)."),
    "contingents_withdrawn": ("int64", "count", "Contingents withdrawn from the force at a review (an election, the "
                              "US support withdrawn), the force's own withdrawal included (G3)."),
    "force_troops": ("int64", "troops", "Troops of the force deployed at the end (G3)."),
    "stockpile_surges": ("int64", "count", "Stockpile surges that reached Ukraine (G2)."),
    "credibility_probe": ("float64", "0-1", "Russia's final believed response share at the probe level."),
    "credibility_limited": ("float64", "0-1", "Russia's final believed response share at the limited level."),
    "credibility_major": ("float64", "0-1", "Russia's final believed response share at the major level."),
    "russia_strength": ("float64", "strength units", "Russia's final military strength."),
    "ukraine_defence": ("float64", "strength units", "Ukraine's final effective defence (P1)."),
    "sanctions_level": ("float64", "sanctions level", "Sanctions on Russia at the end: ceasefire level less relief, plus G4 sanctions."),
    "snapbacks": ("int64", "count", "Times relieved sanctions snapped back (G4)."),
    "attack_outcome": ("object", "", "How the last renewed war ended: none (no war), repelled (Russia exhausted), "
                       "ceasefire (a new ceasefire brokered), negotiated (after the front stalled), or ongoing."),
    "war_weeks": ("int64", "weeks", "Weeks of renewed war fought (all wars)."),
    "wars": ("int64", "count", "Renewed wars started."),
    "first_war_weeks": ("float64", "weeks", "Duration of the first renewed war; empty if none ended."),
}

STEP_COLUMNS: dict[str, Column] = {
    "run_id": ("int64", "", "Run identifier (joins runs.csv)."),
    "week": ("int64", "weeks", "Week after the ceasefire (0 = entry into force, G0)."),
    "date": ("object", "date", "Calendar date of the week, YYYY-MM-DD."),
    "russia_intent": ("object", "", "Russia's intent: compliant, pressure, preparing, attacking (limited), at_war."),
    "escalation_level": ("int64", "0-3", "Russia's highest rung this week: 0 comply, 1 probe, 2 limited, 3 major."),
    "at_war": ("bool", "", "Renewed war is under way."),
    "credibility_probe": ("float64", "0-1", "Believed response share at the probe level."),
    "credibility_limited": ("float64", "0-1", "Believed response share at the limited level."),
    "credibility_major": ("float64", "0-1", "Believed response share at the major level."),
    "window_value": ("float64", "utility", "Russia's value of waiting for a later attack (0: no window ahead)."),
    "russia_strength": ("float64", "strength units", "Russia's military strength."),
    "russia_ambition": ("float64", "x baseline", "Russia's revisionist ambition."),
    "sanctions_level": ("float64", "sanctions level", "Sanctions on Russia."),
    "ukraine_defence": ("float64", "strength units", "Ukraine's effective defence (P1)."),
    "ukraine_strength": ("float64", "strength units", "Ukraine's force strength (G2)."),
    "fortification": ("float64", "0-1", "Fortification level (G2)."),
    "coverage": ("float64", "share", "Monitoring coverage (G1), before obstruction."),
    "violations_counted": ("int64", "count", "Ceasefire violations the monitors counted this week (the OSCE SMM's "
                           "unit; 0 in a war)."),
    "warning_in_force": ("bool", "", "A warning's measures are in force (G1, G5)."),
    "indicators_detected": ("int64", "count", "Indicators detected so far (G1, G5)."),
    "force_phase": ("object", "", "Phase of the Multinational Force (G3)."),
    "force_strength": ("float64", "strength units", "Deployed force strength, all domains (G3)."),
    "force_troops": ("int64", "troops", "Troops of the force deployed (G3)."),
    "mean_member_resolve": ("float64", "0-1", "Mean resolve of coalition members."),
    "ratified_share": ("float64", "share", "Share of members with a binding commitment (G0)."),
    "pledged_share": ("float64", "share", "Share of members still holding their pledge (G0, G4)."),
    "us_roles": ("object", "", "US roles held: monitoring, force, intelligence, pledge, joined by '+', or none."),
    "territory_seized_pct": ("float64", "% of Ukraine", "Share of Ukraine seized after the ceasefire, held now."),
}

EVENT_COLUMNS: dict[str, Column] = {
    "run_id": ("int64", "", "Run identifier (joins runs.csv)."),
    "event_id": ("int64", "", "Event identifier, 1, 2, ... in the order events happened within the run."),
    "week": ("int64", "weeks", "Week of the event."),
    "date": ("object", "date", "Calendar date of the event's week, YYYY-MM-DD."),
    "kind": ("object", "", ", ".join(EVENT_KINDS) + "."),
    "actor": ("object", "", "Who acted: Russia, Ukraine, a member, the US, an institution."),
    "level": ("object", "", "Ladder level concerned (probe, limited, major) or empty."),
    "clause": ("object", "", "Clause of the declaration that acted (P1, G0-G5, C1) or A (assumption)."),
    "case_id": ("int64", "", "The case the event belongs to: the event_id of its first event (a violation and its "
                "commission's chain, a campaign, a warning, an election, Ukraine's request for the force); a case's "
                "first event is its own case."),
    "cause_id": ("float64", "", "The event_id of the event that set this one off; empty when nothing in the run did."),
    "outcome": ("object", "", "What happened, as a code of the kind's vocabulary (see the table of event kinds)."),
    "intent": ("object", "", "Russia's intent when it acted (violations, indicators and campaign events)."),
    "office": ("object", "", "Elections: presidential, midterm or legislative."),
    "perpetrator": ("object", "", "Who committed the violation: Russia, Ukraine, or nobody (a false alarm)."),
    "attributed_to": ("object", "", "To whom a report, an attribution, a decision or a demarche assigns it."),
    "evidence": ("float64", "0-1", "Attribution: the strength of the evidence (G1)."),
    "threshold": ("float64", "0-1", "Attribution: the commission's evidence threshold (G1)."),
    "count": ("float64", "count", "A number of things: indicators seen this week, signs in the warning window, "
              "violations seen in the cessation window, attributions in the snapback window."),
    "weeks": ("float64", "weeks", "A delay, duration or time elapsed (see the table of event kinds)."),
    "window_weeks": ("float64", "weeks", "The window a count is taken over (warning, credible cessation)."),
    "baseline_weeks": ("float64", "weeks", "Coordination: the delay the coordination cell (C1) shortened."),
    "value": ("float64", "", "A size: strength units (surges), resolve (elections, casualties), sanctions level "
              "or share (sanctions, warning measures)."),
    "troops": ("float64", "troops", "Deployment of the force: land troops (G3)."),
    "aircraft": ("float64", "count", "Deployment of the force: combat aircraft (G3)."),
    "ships": ("float64", "count", "Deployment of the force: ships (G3)."),
    "posture": ("object", "", "Deployment of the force: rear or forward (G3)."),
    "us_support": ("object", "", "Deployment of the force: True if the US backs it (G3)."),
    "land": ("float64", "strength units", "Full deployment: the force's land strength (G3)."),
    "air": ("float64", "strength units", "Full deployment: the force's air strength (G3)."),
    "sea": ("float64", "strength units", "Full deployment: the force's sea strength (G3)."),
    "gain": ("float64", "utility", "Russia's decision point (assessment): what the attack weighed would gain "
             "(ambition x stake x odds, less what air or sea presence denies)."),
    "p_win": ("float64", "0-1", "Russia's decision point: the attack's odds of success as Russia reads the balance."),
    "losses": ("float64", "utility", "Russia's decision point: its expected losses in the fighting."),
    "punishment": ("float64", "utility", "Russia's decision point: the coalition's responses as Russia reads them, "
                   "discounted for their delay."),
    "sanctions_cost": ("float64", "utility", "Russia's decision point: sanctions restored (snapback) or threatened."),
    "domestic_cost": ("float64", "utility", "Russia's decision point: mobilisation and its politics, preparation, "
                      "a public warning's audience cost."),
    "wait_value": ("float64", "utility", "Russia's decision point: what waiting for a better window is worth."),
    "force_held_back": ("float64", "utility", "Russia's assessment before Ukraine's request for the force: what a "
                        "pressure campaign's holding the force back is worth (its later attack eased, the presence "
                        "avoided; G3)."),
    "noise": ("float64", "utility", "Russia's decision point: the random draw between the choice and its best "
              "alternative (value holds the margin without it)."),
    "items": ("object", "", "Names, joined by '; ': response types, corrective measures, lead or struck nations, "
              "US roles, changed parameters."),
    "note": ("object", "", "A name from the inputs: the decision rule, a shock's description, an election's date, "
             "a snapback rule."),
    "detail": ("object", "", "What happened, in words (rendered from the fields above; never parsed)."),
}


@dataclass
class RunResult:
    """Everything one run produced."""

    run: dict[str, Any]
    steps: dict[str, list]  # column -> values (week included)
    events: list[Event]
    ceasefire: datetime.date = datetime.date(2026, 7, 1)

    def event_rows(self, run_id: int) -> list[tuple]:
        """events.csv rows (EVENT_COLUMNS): the run id, the event with its week's date, and its detail."""
        dates: dict[int, str] = {}
        out = []
        for e in self.events:
            day = dates.get(e.week)
            if day is None:
                day = dates[e.week] = (self.ceasefire + datetime.timedelta(weeks=e.week)).isoformat()
            fields = e[6:]
            out.append((run_id, e.event_id, e.week, day, e.kind, e.actor, e.level, e.clause, *fields[:-2],
                        "; ".join(e.items), e.note, e.detail))
        return out


def run_record(model: Any) -> dict[str, Any]:
    """The runs.csv row of a finished model (run_id filled in by the caller)."""
    import numpy as np

    coal, counts = model.coalition, model.events.counts
    commission, ru, warning, us = model.commission, model.russia, model.warning, model.united_states
    esc = model.escalation_week
    attack = model.war.armed_attack_week
    sc = model.scenario_config
    delays = model.responses.delays
    packages = model.sanctions.eu_packages
    n = coal.n_members
    row: dict[str, Any] = {
        "run_id": 0,
        "scenario": model.scenario_config.name,
        "seed": model.seed,
        "horizon_weeks": model.horizon,
        "ceasefire_date": model.scenario_config.ceasefire_date.isoformat(),
        "armed_attack": attack is not None,
        "armed_attack_week": float(attack) if attack is not None else None,
        "armed_attack_date": sc.date_of(attack).isoformat() if attack is not None else None,
        "escalated": esc is not None,
        "escalation_week": float(esc) if esc is not None else None,
        "escalation_date": sc.date_of(esc).isoformat() if esc is not None else None,
        "survival_weeks": esc if esc is not None else model.horizon,
        "territory_seized_pct": model.war.territory_seized_pct,
        "violations_probe": ru.violations[Action.PROBE],
        "violations_limited": ru.violations[Action.LIMITED],
        "violations_major": ru.violations[Action.MAJOR],
        "pressure_campaigns": ru.campaigns["pressure"],
        "preparations_limited": ru.campaigns["prepare_limited"],
        "preparations_major": ru.campaigns["prepare_major"],
        "preparations_aborted": ru.campaigns["aborted"],
        "preparations_stood_down": ru.campaigns["stood_down"],
        "indicators_detected": warning.indicators_detected,
        "false_indicators": warning.false_indicators,
        "warnings": warning.warnings,
        "attack_warned": bool(ru.first_attack_warned),
        "ukraine_violations": model.ukraine.violations_committed,
        "ceasefire_violations": model.monitoring.volume_total,
        "ceasefire_violations_counted": model.monitoring.volume_detected,
        "armed_attack_rulings": commission.armed_attack_rulings,
        "detected": counts["detection"],
        "false_alarms": counts["false_alarm"],
        "attributed_correctly": commission.correct,
        "misattributed": commission.wrong,
        "not_attributed": commission.cleared,
        "decisions": commission.decisions + commission.ad_hoc_decisions,
        **{f"responses_{t}": int(coal.activations[t].sum()) for t in RESPONSE_TYPES},
        "members_acted": int(coal.ever_acted.sum()),
        **_military_within(model.responses, esc),
        "troops_votes_refused": model.responses.votes_refused,
        "eu_packages_adopted": packages["adopted"] + packages["adopted_after_hold_out"],
        "eu_packages_held": packages["adopted_after_hold_out"],
        "eu_packages_held_by_veto_players": packages["held_by_veto_player"],
        "eu_packages_vetoed": packages["vetoed"],
        "median_response_delay_weeks": float(np.median(delays)) if delays else None,
        "ratified_members": int(coal.ratified[:n].sum()),
        "government_changes": int(coal.governments_changed.sum()),
        "pledges_dropped": coal.pledges_dropped,
        "us_pledged": bool(coal.pledges[coal.us]),
        "us_ratified": bool(coal.ratified[coal.us] and coal.pledges[coal.us]),
        "us_backstop": bool(us.backs_force),
        "us_roles_withdrawn_week": float(us.withdrew_week) if us.withdrew_week is not None else None,
        "force_phase": model.force.phase.label,
        "force_deployed_week": (float(model.force.deployed_week)
                                if model.force.deployed_week is not None else None),
        "contingents_withdrawn": model.force.contingents_withdrawn,
        "force_troops": model.force.troops_deployed,
        "stockpile_surges": model.ukraine.surges_received,
        "credibility_probe": model.credibility_probe,
        "credibility_limited": model.credibility_limited,
        "credibility_major": model.credibility_major,
        "russia_strength": ru.strength,
        "ukraine_defence": model.ukraine.defence,
        "sanctions_level": model.sanctions.level,
        "snapbacks": model.sanctions.snapbacks,
        "attack_outcome": model.war.outcome,
        "war_weeks": model.war.total_weeks,
        "wars": model.war.wars,
        "first_war_weeks": float(model.war.durations[0]) if model.war.durations else None,
    }
    assert list(row) == list(RUN_COLUMNS), "runs.csv columns out of sync with RUN_COLUMNS"
    return row


def _military_within(responses: Any, attack_week: int | None) -> dict[str, float | None]:
    """Members with a military response to the first major attack in effect within 4, 8 and 12 weeks."""
    return {f"members_military_{k}w": (float(responses.military_within(attack_week, k))
                                       if attack_week is not None else None) for k in (4, 8, 12)}
