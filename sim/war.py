"""The war: limited offensives contested, a renewed armed attack started, fought and ended.

Step 1, after Russia's decision. A limited offensive meets Ukraine's (and a defending
force's) defence in a contest (Tullock) and costs both sides attrition. A renewed armed
attack opens Ukraine's stockpiles (G2), may strike the force's troops (the tripwire acts
through the struck nations, G3) and calls on the G4 commitments. The war is then fought
week by week:

* **attrition** on both sides, in proportion to the other side's share of the combat
  power (at even odds each loses ``war.attrition`` a week: about 4% a month, the order of
  Russia's losses in 2024-25);
* **the front moves** with the stronger side's superiority, fast against open ground and
  slowly against fortified lines (``advance_open_pct`` and ``advance_fortified_pct``, from
  the record of 2022 and of 2024-25), and only as far as the attacker can hold: the
  ground Russia can hold grows with its strength (``holdable_pct_per_strength``); beyond
  it the front stops, and when Russia weakens the defender takes ground back;
* **wars end by a process**, not after a fixed time: each week a new ceasefire may be
  brokered (``ceasefire_hazard``), more likely once the front has stalled and both sides
  know where it will stay (``stalemate_hazard``; Slantchev 2004, Reiter 2009), and the
  attack is broken off when Russia has lost ``exhaustion_share`` of the strength it
  attacked with (exhaustion: a force that has lost about a third is no longer fit to attack). Durations spread like the Correlates of War record (docs/VALIDATION.md).

Territory is a share of Ukraine's whole area (603,550 km2) seized after the ceasefire,
so it is bounded by what lay beyond the line (about 81%) and by what Russia can hold.
Every change to another actor goes through its method (losses, surges, rallies).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.clauses import Clause
from sim.ladder import Action, Violation, Week

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

BEYOND_THE_LINE_PCT = 81.0  # Ukraine's area Russia did not hold at the ceasefire (about 19% held, 2025)


def contest(strength: float, defence: float, exponent: float) -> float:
    """Probability the attacker succeeds (Tullock contest success function)."""
    a = strength**exponent
    return a / (a + defence**exponent) if a > 0 else 0.0


class War:
    def __init__(self, model: DeterrenceModel) -> None:
        self.model = model
        self.stream = model.streams["war"]
        self.at_war = False
        self.escalation_week: int | None = None  # the first renewed war
        self.escalation_event: int | None = None  # the current war's escalation (its case)
        self.armed_attack_week: int | None = None  # the first armed attack: a limited offensive or worse
        self.weeks = 0  # weeks of the current war
        self.total_weeks = 0
        self.wars = 0
        self.durations: list[int] = []  # weeks of each war that ended
        self.end_reason = ""  # how the last war ended: repelled, ceasefire, negotiated
        self.territory_seized_pct = 0.0
        self.support = 0.0  # G4 military responses in the field
        self.stalled_weeks = 0  # consecutive weeks in which the front hardly moved
        self.attacked_with = 0.0  # Russia's strength when the current war began
        self.hazard_scale = 1.0  # this war's frailty: how easily it ends

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

    def _attacked(self, week: int) -> None:
        if self.armed_attack_week is None:
            self.armed_attack_week = week

    # --- a limited offensive -------------------------------------------------------
    def limited_offensive(self, week: int, cause: int | None) -> int:
        """Does the offensive seize ground against Ukraine's (and a defending force's) defence?"""
        m = self.model
        w = m.params.war
        ru = m.russia
        self._attacked(week)
        defence = m.ukraine.defence + m.force.limited_defence
        won = ru.stream.random() < contest(ru.strength, defence, m.params.payoffs.contest_exponent)
        gain = min(w.limited_gain_pct, self.room()) if won else 0.0
        eid = m.events.add(week, "violation", "Russia", "limited", Clause.P1, cause=cause,
                           outcome="seized_ground" if won else "held", perpetrator="Russia", intent=ru.intent.label,
                           value=gain)
        ru.take_losses(w.attrition)
        m.ukraine.take_losses(w.attrition)
        self.territory_seized_pct += gain
        m.ukraine.attacked(week, eid)
        return eid

    def holdable_pct(self) -> float:
        """The most of Ukraine Russia can take and hold beyond the ceasefire line, at its strength now."""
        w = self.model.params.war
        return min(BEYOND_THE_LINE_PCT, w.holdable_pct_per_strength * self.model.russia.strength)

    def room(self) -> float:
        return max(0.0, self.holdable_pct() - self.territory_seized_pct)

    # --- renewed war ---------------------------------------------------------------
    def start(self, week: int, attack: Violation, cause: int | None) -> None:
        m = self.model
        self.at_war = True
        self.weeks = 0
        self.stalled_weeks = 0
        self.attacked_with = m.russia.strength
        # Each war's chance of ending is its own (frailty): some wars are easier to end than others,
        # which is why across wars the chance of ending falls the longer one lasts (CoW: Weibull shape < 1).
        spread = m.params.war.hazard_spread
        self.hazard_scale = math.exp(spread * self.stream.normal() - 0.5 * spread * spread) if spread > 0 else 1.0
        self.wars += 1
        self._attacked(week)
        if self.escalation_week is None:
            self.escalation_week = week
        case = m.events.add(week, "escalation", "Russia", "major", Clause.G4, cause=cause, perpetrator="Russia")
        attack.event_id = self.escalation_event = case
        m.ukraine.attacked(week, case)
        hit = m.force.strike()
        f = m.params.force
        m.coalition.struck(week, hit, f.casualty_rally, f.ally_rally_share, m.force.contributors, case)

    def add_support(self, defence: float) -> None:
        """G4 military responses reach the field (only while there is a war to fight)."""
        if self.at_war:
            self.support += defence

    def defence(self) -> float:
        m = self.model
        return m.ukraine.defence + m.force.major_defence + self.support

    def fight(self, week: int) -> None:
        """A week of war: losses, the front, and whether the war ends this week."""
        m = self.model
        w = m.params.war
        ru, ua = m.russia, m.ukraine
        defence = self.defence()
        s = ru.strength
        self.weeks += 1
        self.total_weeks += 1
        edge = (s - defence) / (s + defence)  # > 0: Russia advances; < 0: the defender takes ground back
        fort = ua.fortification
        rate = w.advance_open_pct * (1.0 - fort) + w.advance_fortified_pct * fort
        if edge > 0.0:
            # Slower as the seized ground nears what Russia can hold.
            moved = min(rate * edge * (1.0 - self.territory_seized_pct / max(self.holdable_pct(), 1e-9)),
                        self.room())
        else:
            moved = w.advance_fortified_pct * edge  # the defender retakes ground Russia has fortified
        moved = max(moved, -self.territory_seized_pct)
        self.territory_seized_pct += moved
        # Losses scale so that at even odds (defence / (s + defence) = 1/2) each side loses ``attrition``.
        ru.take_losses(w.attrition * defence / (s + defence) * 2.0)
        ua.take_losses(w.attrition * s / (s + defence) * 2.0)
        # What Russia can no longer hold with the forces it has left, the defender takes back.
        self.territory_seized_pct = min(self.territory_seized_pct, self.holdable_pct())
        self.stalled_weeks = self.stalled_weeks + 1 if abs(moved) < w.stall_pct_per_week else 0
        if ru.strength < (1.0 - w.exhaustion_share) * self.attacked_with:
            self.end(week, "repelled")
            return
        hazard = self.hazard_scale * (w.ceasefire_hazard
                                      + (w.stalemate_hazard if self.stalled_weeks >= w.stall_weeks else 0.0))
        if self.stream.random() < hazard:
            self.end(week, "negotiated" if self.stalled_weeks >= w.stall_weeks else "ceasefire")

    def end(self, week: int, reason: str) -> None:
        m = self.model
        self.at_war = False
        self.support = 0.0
        self.end_reason = reason
        self.durations.append(self.weeks)
        m.events.add(week, "war_end", "Ukraine" if reason == "repelled" else "Coalition", "major", Clause.P1,
                     case=self.escalation_event, cause=self.escalation_event, outcome=reason, weeks=self.weeks,
                     value=self.territory_seized_pct)
        m.force.war_over()
        m.russia.war_ended(week)

    @property
    def outcome(self) -> str:
        """none; repelled, ceasefire or negotiated (how the last war ended); ongoing at the horizon."""
        if self.escalation_week is None:
            return "none"
        return "ongoing" if self.at_war else self.end_reason
