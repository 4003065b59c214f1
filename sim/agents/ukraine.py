"""Ukraine: its own defence is the first layer of deterrence (P1), fed by G2 and G5."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa

from sim.agents.monitoring import UKRAINE, Violation
from sim.clauses import Clause
from sim.ladder import Action

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

# Weekly rates in strength units (assumptions calibrated in docs/VALIDATION.md).
OWN_EFFORT = 0.0035  # P1: what Ukraine funds itself
AID_PER_VOLUME = 0.003  # G2: programmes and financing at volume 1 and resolve 0.5
CO_PRODUCTION = 0.001  # G5: joint production, independent of yearly will
MAINTENANCE = 0.005  # wear and demobilisation
FORT_OWN, FORT_ASSISTED, FORT_BONUS = 0.002, 0.006, 0.5  # G2 fortifications
QUALITY_CEILING, TRAINING_RATE = 1.6, 0.004  # G5 training
ASSISTANCE_DECAY = 0.03  # intelligence/logistics responses fade
RETALIATION_WEEKS = 4


class Ukraine(mesa.Agent):
    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        cfg = model.scenario_config.ukraine
        self.cfg = cfg
        self.stream = model.streams["ukraine"]
        self.strength = cfg.initial_strength
        self.quality = cfg.initial_quality
        self.fortification = 0.0
        self.assistance = 0.0  # G4 intelligence and logistics responses in force
        self.surges: deque[tuple[int, float]] = deque()  # G2 stockpile surges in transit
        self.surges_received = 0
        self.last_probed = -(1 << 30)
        self.violations_committed = 0
        self.defence = 0.0
        self._update_defence()

    def _update_defence(self) -> None:
        self.defence = (self.strength * self.quality * (1.0 + FORT_BONUS * self.fortification)
                        + self.assistance)

    def violate(self, week: int) -> Violation | None:
        """Step 2: Ukraine's own minor violations, more often just after being probed."""
        p = self.cfg.violation_rate
        if week - self.last_probed <= RETALIATION_WEEKS:
            p += self.cfg.retaliation_boost
        if p > 0.0 and self.stream.random() < p:
            self.violations_committed += 1
            self.model.events.add(week, "violation", "Ukraine", "probe", Clause.ASSUMPTION,
                                  "minor violation by Ukrainian units")
            return Violation(week, UKRAINE, Action.PROBE)
        return None

    def schedule_surge(self, week: int) -> None:
        """G2: access to defence stockpiles; the surge arrives after a delay."""
        s = self.model.scenario_config.support
        if not s.stockpile_access or s.surge_size <= 0.0:
            return
        self.surges.append((week + s.surge_delay_weeks, s.surge_size))
        self.model.events.add(week, "corrective_measure", "Coalition", "", Clause.G2,
                              f"stockpile release: {s.surge_size:.2f} strength due in week {week + s.surge_delay_weeks}")

    def add_assistance(self, amount: float) -> None:
        self.assistance += amount
        self._update_defence()

    def evolve(self, week: int) -> None:
        """Step 7: aid flows, co-production, training, fortifications, surges."""
        sc = self.model.scenario_config
        own = OWN_EFFORT * (1.0 if sc.support.budget_cooperation else 1.0 - self.cfg.budget_gap)
        aid = AID_PER_VOLUME * sc.support.volume * self.model.coalition.aid_resolve() / 0.5
        co_production = CO_PRODUCTION * sc.cooperation.co_production
        self.strength += own + aid + co_production - MAINTENANCE * self.strength
        self.quality += TRAINING_RATE * sc.cooperation.training * (QUALITY_CEILING - self.quality) / QUALITY_CEILING
        build = FORT_OWN + FORT_ASSISTED * sc.support.fortification_assistance
        if not self.model.at_war:
            self.fortification += build * (1.0 - self.fortification)
        while self.surges and self.surges[0][0] <= week:
            _, size = self.surges.popleft()
            self.strength += size
            self.surges_received += 1
            self.model.events.add(week, "surge", "Ukraine", "", Clause.G2,
                                  f"stockpile surge arrived: +{size:.2f} strength")
        self.assistance *= 1.0 - ASSISTANCE_DECAY
        self._update_defence()
