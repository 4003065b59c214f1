"""Ukraine: its own defence is the first layer of deterrence (P1), fed by G2 and G5."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa

from sim.clauses import Clause
from sim.ladder import RUSSIA, UKRAINE, Action, Violation

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class Ukraine(mesa.Agent):
    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        cfg = model.scenario_config.ukraine
        self.stream = model.streams["ukraine"]
        self.strength = cfg.initial_strength
        self.quality = cfg.initial_quality
        self.fortification = 0.0
        self.assistance = 0.0  # G4 intelligence and logistics responses in force
        self.surges: deque[tuple[int, float, int, int]] = deque()  # G2 surges in transit: (due, size, case, order)
        self.surges_received = 0
        self.last_probed = -(1 << 30)
        self.violations_committed = 0
        self.ready_until = -1  # P1: readiness raised by a warning
        self.defence = 0.0
        self.history: deque[float] = deque(maxlen=model.scenario_config.campaigns.trend_window_weeks + 1)
        self.refresh()
        self._update_defence()

    @property
    def ready(self) -> bool:
        return self.model.week < self.ready_until

    def _update_defence(self) -> None:
        cfg = self.model.scenario_config.ukraine
        readiness = 1.0 + (self.model.scenario_config.warning.readiness_boost if self.ready else 0.0)
        self.defence = (self.strength * self.quality * (1.0 + cfg.fortification_bonus * self.fortification)
                        * readiness + self.assistance)

    @property
    def trend(self) -> float:
        """Weekly change of defence over the last weeks, without temporary readiness."""
        h = self.history
        return (h[-1] - h[0]) / (len(h) - 1) if len(h) > 1 else 0.0

    def violate(self, week: int, violations: list[Violation]) -> Violation | None:
        """Step 2: Ukraine's own minor violations, more often just after being probed or attacked."""
        for v in violations:
            if v.perpetrator == RUSSIA and v.level in (Action.PROBE, Action.LIMITED):
                self.last_probed = week
        cfg = self.model.scenario_config.ukraine
        p = cfg.violation_rate
        if week - self.last_probed <= cfg.retaliation_weeks:
            p += cfg.retaliation_boost
        if p > 0.0 and self.stream.random() < p:
            self.violations_committed += 1
            eid = self.model.events.add(week, "violation", "Ukraine", "probe", Clause.ASSUMPTION, perpetrator=UKRAINE)
            return Violation(week, UKRAINE, Action.PROBE, eid)
        return None

    def schedule_surge(self, week: int, reason: str, case: int | None, cause: int | None) -> None:
        """G2: access to defence stockpiles; the surge arrives after a delay.

        ``reason``: stockpiles_opened (an armed attack), stockpile_release (the commission),
        stockpiles_prepositioned (a warning's measure).
        """
        s = self.model.scenario_config.support
        if not s.stockpile_access or s.surge_size <= 0.0:
            return
        eid = self.model.events.add(week, "corrective_measure", "Coalition", "", Clause.G2, case=case, cause=cause,
                                    outcome=reason, value=s.surge_size, weeks=s.surge_delay_weeks)
        self.surges.append((week + s.surge_delay_weeks, s.surge_size, eid if case is None else case, eid))

    def raise_readiness(self, week: int, warning: int | None) -> None:
        """P1: a warning raises readiness for the warning's duration."""
        self.ready_until = week + self.model.scenario_config.warning.duration_weeks
        self._update_defence()
        self.model.events.add(week, "warning_measure", "Ukraine", "", Clause.P1, case=warning, cause=warning,
                              outcome="readiness")

    def take_losses(self, amount: float) -> None:
        self.strength = max(self.model.scenario_config.war.strength_floor, self.strength - amount)

    def add_assistance(self, amount: float) -> None:
        self.assistance += amount
        self._update_defence()

    def refresh(self) -> None:
        """Weekly rates from the scenario (at the start and after a shock)."""
        sc = self.model.scenario_config
        cfg = sc.ukraine
        self._own = cfg.own_effort * (1.0 if sc.support.budget_cooperation else 1.0 - cfg.budget_gap)
        self._aid = cfg.aid_per_volume * sc.support.volume
        self._aid_reference = cfg.aid_reference_resolve
        self._co_production = cfg.co_production_rate * sc.cooperation.co_production
        self._maintenance = cfg.maintenance
        self._training = cfg.training_rate * sc.cooperation.training
        self._ceiling = cfg.quality_ceiling
        self._build = cfg.fortification_own + cfg.fortification_assisted * sc.support.fortification_assistance
        self._decay = 1.0 - cfg.assistance_decay
        self._fort_bonus = cfg.fortification_bonus
        self._readiness = sc.warning.readiness_boost

    def evolve(self, week: int, at_war: bool) -> None:
        """Step 7: aid flows, co-production, training, fortifications, surges."""
        aid = self._aid * self.model.coalition.aid_resolve() / self._aid_reference
        self.strength += self._own + aid + self._co_production - self._maintenance * self.strength
        self.quality += self._training * (self._ceiling - self.quality) / self._ceiling
        if not at_war:
            self.fortification += self._build * (1.0 - self.fortification)
        while self.surges and self.surges[0][0] <= week:
            _, size, case, cause = self.surges.popleft()
            self.strength += size
            self.surges_received += 1
            self.model.events.add(week, "surge", "Ukraine", "", Clause.G2, case=case, cause=cause, value=size)
        self.assistance *= self._decay
        base = self.strength * self.quality * (1.0 + self._fort_bonus * self.fortification)
        readiness = 1.0 + (self._readiness if self.model.week < self.ready_until else 0.0)
        self.defence = base * readiness + self.assistance
        self.history.append(base)
