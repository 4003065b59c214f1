"""What decisions and warnings set in motion (G1 corrective measures, G2, G3, G4).

The commission's decisions (or ad hoc ones) come due after their delay: corrective
measures, then each member's responses; their effects reach Russia (sanctions), Ukraine
(assistance, stockpiles) and the war (military responses). A warning's pre-agreed
measures act at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.agents.monitoring import RUSSIA
from sim.agents.russia import contest
from sim.clauses import Clause
from sim.ladder import Action

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


def respond(model: DeterrenceModel, week: int) -> None:
    """Step 5: decisions whose delay has run out are carried out."""
    if not model.pending_decisions:
        return
    due = [d for d in model.pending_decisions if d.respond_week <= week]
    if not due:
        return
    model.pending_decisions = [d for d in model.pending_decisions if d.respond_week > week]
    sc = model.scenario_config
    log = model.events
    for d in due:
        if d.attributed_to != RUSSIA:
            why = ("a violation by Ukrainian units" if d.violation is not None and d.violation.perpetrator != RUSSIA
                   else "a misattribution: the violation was Russia's" if d.violation is not None
                   else "a false alarm")
            log.add(week, "corrective_measure", "SpecialCommission", d.level.label, Clause.G1,
                    f"demarche to Ukraine ({why})")
            continue
        measures = [] if d.ad_hoc else sc.commission.corrective_measures.get(d.level.label, [])
        if "demarche" in measures:
            log.add(week, "corrective_measure", "SpecialCommission", d.level.label, Clause.G1,
                    "demarche to Russia" + (" (the G4 responses follow from the members)" if d.level == Action.MAJOR
                                            else ""))
        if "monitoring_surge" in measures:
            model.monitoring.surge(week)
            log.add(week, "corrective_measure", "MonitoringMechanism", d.level.label, Clause.G1,
                    f"more monitors for {sc.monitoring.surge_weeks} weeks (monitoring surge)")
        if "stockpile_release" in measures:
            model.ukraine.schedule_surge(week, "stockpile release ordered by the commission")
        share, power = model.coalition.respond(d.level, week)
        model.sanctions.add(power.get("sanctions", 0.0))
        model.ukraine.add_assistance(sc.commitments.assistance_per_unit
                                     * (power.get("intelligence", 0.0) + power.get("logistics", 0.0)))
        if model.war.at_war:
            model.war.support += sc.payoffs.military_effect * power.get("military", 0.0)
        if d.violation is not None:
            model.detection_to_response.append(week - d.violation.week)
        if d.violation is not None and d.violation.perpetrator == RUSSIA:
            model.coalition.rally_all(sc.members.threat_rally)
        model.learning_queue.append((week, d.level, share))


def warning_measures(model: DeterrenceModel, week: int) -> None:
    """A warning takes effect: Ukraine's readiness (P1) and the pre-agreed measures."""
    sc = model.scenario_config
    measures = sc.warning.measures
    model.ukraine.raise_readiness(week)
    if "stockpile_prepositioning" in measures:
        model.ukraine.schedule_surge(week, "stockpiles pre-positioned on warning")
    if "force_alert" in measures:
        model.force.alert(week)
    if "diplomatic_warning" in measures:
        model.events.add(week, "warning_measure", "Coalition", "", Clause.ASSUMPTION,
                         "public diplomatic warning to Russia: an attack now would cost it more")
    if "sanctions_threat" in measures:
        model.events.add(week, "warning_measure", "Coalition", "", Clause.G4,
                         f"sanctions threatened if the attack comes (level {sc.warning.sanctions_threat:.2f})")
    model.coalition.rally_all(sc.members.threat_rally)
    model.russia.on_warning()


def limited_contest(model: DeterrenceModel) -> bool:
    """Does a limited offensive seize ground against Ukraine's and the force's defence?"""
    ru = model.russia
    defence = model.ukraine.defence + model.force.limited_defence
    p_win = contest(ru.strength, defence, model.scenario_config.payoffs.contest_exponent)
    won = ru.stream.random() < p_win
    model.events.add(model.week, "violation", "Russia", "limited", Clause.P1,
                     "local offensive " + ("seized ground" if won else "held by Ukraine's defence"))
    return won
