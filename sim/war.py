"""The war submodel (assumption): a renewed armed attack, fought week by week.

Attrition on both sides, an advance proportional to Russia's superiority, and the
repel test after a minimum duration. Defence is Ukraine's own (P1), the force's
(G3) and the coalition's military responses in the field (G4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.clauses import Clause

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class War:
    def __init__(self, model: DeterrenceModel) -> None:
        self.model = model
        self.at_war = False
        self.escalation_week: int | None = None
        self.weeks = 0  # weeks of the current war
        self.total_weeks = 0
        self.territory_lost_pct = 0.0
        self.support = 0.0  # G4 military responses in the field

    def start(self, week: int) -> None:
        self.at_war = True
        self.weeks = 0
        if self.escalation_week is None:
            self.escalation_week = week
        self.model.events.add(week, "escalation", "Russia", "major", Clause.G4,
                              "renewed armed attack: the G4 commitments are called on")

    def limited_offensive(self, week: int, won: bool) -> None:
        w = self.model.scenario_config.war
        ru, ua = self.model.russia, self.model.ukraine
        ru.strength = max(0.05, ru.strength - w.attrition)
        ua.strength = max(0.05, ua.strength - w.attrition)
        if won:
            self.territory_lost_pct += w.limited_gain_pct

    def fight(self, week: int) -> bool:
        """A week of war; True when Russia is repelled this week."""
        w = self.model.scenario_config.war
        m = self.model
        ru, ua = m.russia, m.ukraine
        defence = ua.defence + m.force.major_defence + self.support
        s = ru.strength
        self.weeks += 1
        self.total_weeks += 1
        self.territory_lost_pct += w.advance_pct * max(0.0, s - defence) / (s + defence)
        ru.strength = max(0.05, s - w.attrition * defence / (s + defence) * 2.0)
        ua.strength = max(0.05, ua.strength - w.attrition * s / (s + defence) * 2.0)
        if self.weeks >= w.min_weeks and ru.strength < w.repel_ratio * defence:
            self.at_war = False
            self.support = 0.0
            m.events.add(week, "war_end", "Ukraine", "major", Clause.P1,
                         f"attack repelled after {self.weeks} weeks")
            return True
        return False

    @property
    def outcome(self) -> str:
        if self.escalation_week is None:
            return "none"
        if self.at_war:
            lost = self.model.scenario_config.war.territory_lost_outcome_pct
            return "territory_lost" if self.territory_lost_pct >= lost else "stalemate"
        return "repelled"
