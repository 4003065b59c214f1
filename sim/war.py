"""The war: limited offensives contested, a renewed armed attack started, fought and ended.

Step 1, after Russia's decision. A limited offensive meets Ukraine's and the force's
defence in a contest (Tullock) and costs both sides attrition; a renewed armed attack
opens Ukraine's stockpiles (G2), may strike the force's troops (the tripwire acts
through the struck nations, G3) and calls on the G4 commitments. The war is then
fought week by week: attrition on both sides, an advance proportional to Russia's
superiority, and the repel test after a minimum duration. Defence is Ukraine's own
(P1), the force's (G3) and the coalition's military responses in the field (G4).
Every change to another actor goes through its method (losses, surges, rallies).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.clauses import Clause
from sim.ladder import Action, Violation, Week

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


def contest(strength: float, defence: float, exponent: float) -> float:
    """Probability the attacker succeeds (Tullock contest success function)."""
    a = strength**exponent
    return a / (a + defence**exponent) if a > 0 else 0.0


class War:
    def __init__(self, model: DeterrenceModel) -> None:
        self.model = model
        self.at_war = False
        self.escalation_week: int | None = None
        self.escalation_event: int | None = None  # the current war's escalation (its case)
        self.weeks = 0  # weeks of the current war
        self.total_weeks = 0
        self.territory_lost_pct = 0.0
        self.support = 0.0  # G4 military responses in the field

    def week(self, moves: Week, week: int) -> list[Violation]:
        """Step 1: a week of war, or Russia's moves carried out; returns this week's violations."""
        if self.at_war:
            self.fight(week)
            return []
        for v in moves.violations:
            if v.level == Action.LIMITED:
                v.event_id = self.limited_offensive(week, moves.cause)
        if moves.launched_war:
            self.start(week, moves.violations[-1], moves.cause)
        return list(moves.violations)

    # --- a limited offensive -------------------------------------------------------
    def limited_offensive(self, week: int, cause: int | None) -> int:
        """Does the offensive seize ground against Ukraine's and the force's defence? Both sides lose."""
        m = self.model
        w = m.scenario_config.war
        ru = m.russia
        defence = m.ukraine.defence + m.force.limited_defence
        won = ru.stream.random() < contest(ru.strength, defence, m.scenario_config.payoffs.contest_exponent)
        eid = m.events.add(week, "violation", "Russia", "limited", Clause.P1, cause=cause,
                           outcome="seized_ground" if won else "held", perpetrator="Russia", intent=ru.intent.label)
        ru.take_losses(w.attrition)
        m.ukraine.take_losses(w.attrition)
        if won:
            self.territory_lost_pct += w.limited_gain_pct
        return eid

    # --- renewed war ---------------------------------------------------------------
    def start(self, week: int, attack: Violation, cause: int | None) -> None:
        m = self.model
        self.at_war = True
        self.weeks = 0
        if self.escalation_week is None:
            self.escalation_week = week
        case = m.events.add(week, "escalation", "Russia", "major", Clause.G4, cause=cause, perpetrator="Russia")
        attack.event_id = self.escalation_event = case
        m.ukraine.schedule_surge(week, "stockpiles_opened", case, case)
        hit = m.force.strike()
        f = m.scenario_config.force
        m.coalition.struck(week, hit, f.casualty_rally, f.ally_rally_share, m.force.contributors, case)

    def add_support(self, defence: float) -> None:
        """G4 military responses reach the field (only while there is a war to fight)."""
        if self.at_war:
            self.support += defence

    def fight(self, week: int) -> None:
        """A week of war; Russia is repelled when its strength falls below the defence's threshold."""
        m = self.model
        w = m.scenario_config.war
        ru, ua = m.russia, m.ukraine
        defence = ua.defence + m.force.major_defence + self.support
        s = ru.strength
        self.weeks += 1
        self.total_weeks += 1
        self.territory_lost_pct += w.advance_pct * max(0.0, s - defence) / (s + defence)
        # Losses scale so that at even odds (defence / (s + defence) = 1/2) each side loses ``attrition``.
        ru.take_losses(w.attrition * defence / (s + defence) * 2.0)
        ua.take_losses(w.attrition * s / (s + defence) * 2.0)
        if self.weeks >= w.min_weeks and ru.strength < w.repel_ratio * defence:
            self.at_war = False
            self.support = 0.0
            m.events.add(week, "war_end", "Ukraine", "major", Clause.P1, case=self.escalation_event,
                         cause=self.escalation_event, outcome="repelled", weeks=self.weeks)
            ru.war_ended(week)

    @property
    def outcome(self) -> str:
        if self.escalation_week is None:
            return "none"
        if self.at_war:
            lost = self.model.scenario_config.war.territory_lost_outcome_pct
            return "territory_lost" if self.territory_lost_pct >= lost else "stalemate"
        return "repelled"
