"""The sanctions track: sanctions in force at the ceasefire, relief as part of the deal,
snapback on attributed violations, and the G4 "additional sanctions" of the responses.

Relief proceeds while Russia complies; when the commission attributes enough Russian
violations within snapback_window_weeks (or at a renewed armed attack) the relieved sanctions snap
back, automatically or after a vote, as the scenario's rule says (the 2015 Iran
agreement's snapback is the template). Relief then pauses (relief_pause_weeks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.clauses import Clause
from sim.ladder import Action

if TYPE_CHECKING:
    from sim.model import DeterrenceModel



class SanctionsRegime:
    def __init__(self, model: DeterrenceModel) -> None:
        self.model = model
        self.ceasefire_level = model.scenario_config.sanctions.in_force_at_ceasefire
        self.relieved = 0.0  # share of the ceasefire level lifted so far
        self.additional = 0.0  # G4 sanctions activated by responses (they erode as evaded)
        self.paused_until = 0
        self.snapbacks = 0

    @property
    def level(self) -> float:
        return self.ceasefire_level * (1.0 - self.relieved) + self.additional

    def restorable(self, weeks_ahead: int) -> float:
        """Sanctions level an attack in ``weeks_ahead`` weeks would bring back (Russia's view)."""
        s = self.model.scenario_config.sanctions
        if s.snapback == "none":
            return 0.0
        later = max(0, weeks_ahead - max(0, self.paused_until - self.model.week))
        relieved = min(1.0, self.relieved + s.relief_per_year * later / 52.0)
        return self.ceasefire_level * relieved

    def snapback_probability(self) -> float:
        """Russia's reading of whether the rule would restore sanctions after an attack."""
        rule = self.model.scenario_config.sanctions.snapback
        if rule == "automatic":
            return 1.0
        if rule == "none":
            return 0.0
        return self.model.russia.reading.perceived(Action.MAJOR)

    def add(self, sanctions_power: float) -> None:
        self.additional += self.model.scenario_config.commitments.sanctions_per_unit * sanctions_power

    def week(self, week: int, at_war: bool, war_started: int | None) -> None:
        """Relief while Russia complies; snapback on attributed violations or an attack.

        ``war_started``: the escalation event of an attack launched this week, if any.
        """
        s = self.model.scenario_config.sanctions
        log = self.model.events
        attributed, latest = self.model.commission.attributed_to_russia_within(week, s.snapback_window_weeks)
        self.additional *= 1.0 - s.decay_per_week
        if (war_started is not None or attributed >= s.snapback_threshold) and self.relieved > 0.0:
            cause = war_started if war_started is not None else latest
            if s.snapback == "automatic" or (
                    s.snapback == "commission_vote"
                    and self.model.commission.vote(1.0, self.model.scenario_config.commission.decision_rule)):
                log.add(week, "sanctions", "Coalition", "", Clause.G4, cause=cause, outcome="snapback",
                        note=s.snapback, value=self.ceasefire_level * self.relieved, weeks=s.relief_pause_weeks,
                        count=attributed)
                self.relieved = 0.0
                self.snapbacks += 1
                self.paused_until = week + s.relief_pause_weeks
                return
            if s.snapback == "commission_vote":
                log.add(week, "sanctions", "SpecialCommission", "", Clause.G4, cause=cause, outcome="vote_failed",
                        count=attributed)
                self.paused_until = week + int(s.relief_pause_weeks * s.failed_vote_pause_share)
        if at_war or week < self.paused_until or s.relief_per_year <= 0.0 or self.relieved >= 1.0:
            return
        before = int(self.relieved * 4)  # relief is logged by quarters of the ceasefire level
        self.relieved = min(1.0, self.relieved + s.relief_per_year / 52.0)
        if int(self.relieved * 4) > before:
            log.add(week, "sanctions", "Coalition", "", Clause.ASSUMPTION, outcome="relief", value=self.relieved)
