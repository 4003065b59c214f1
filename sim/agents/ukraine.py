"""Ukraine: its own defence is the first layer of deterrence (P1), fed by G2 and G5.

Defence = strength x quality x (1 + fortification bonus x fortification) x readiness
+ assistance, and strength = manpower x equipment (x the strength at the ceasefire).
Manpower is the army the peace allows: it moves to the cap (``ukraine.army_cap_thousands``),
demobilising at ``demobilisation_per_week``, and re-mobilises in a war. Equipment per
soldier grows with what Ukraine funds itself, the coalition's aid (G2, scaled by the
members' resolve) and joint production (G5), spread over the soldiers under arms, less
wear: so a smaller army is better equipped, and more aid always means more strength.
Fortifications start from the lines of 2023-25 and are built up (G2). Training (G5)
raises quality.

G2 stockpiles are finite: a stock (``support.stockpile_size``) is released when Russia
attacks ("in case of a future armed attack") and arrives after a delay; it is
replenished at a rate, and the money for restocking comes out of the aid budget.
A warning may pre-position the stock (a measure to test, not in the text): an attack
during the warning then gets it at once; otherwise it goes back. A warning leaves no
strength behind; its readiness costs wear and interrupts training (false alarms cost).
"""

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
        sc = model.params
        cfg = sc.ukraine
        self.stream = model.streams["ukraine"]
        self.base_strength = cfg.initial_strength  # strength per unit of manpower and equipment
        self.manpower = 1.0  # share of the personnel under arms at the ceasefire
        self.equipment = 1.0  # equipment per soldier, relative to the ceasefire
        self.quality = cfg.initial_quality
        self.fortification = cfg.initial_fortification
        self.assistance = 0.0  # G4 intelligence and logistics responses in force
        self.stockpile = sc.support.stockpile_size if sc.support.stockpile_access else 0.0  # G2, in the depots
        self.prepositioned = 0.0  # stock moved forward on a warning
        self.surges: deque[tuple[int, float, int, int]] = deque()  # G2 surges in transit: (due, size, case, order)
        self.surges_received = 0
        self.stockpile_released = 0.0
        self.last_probed = -(1 << 30)
        self.violations_committed = 0
        self.ready_until = -1  # P1: readiness raised by a warning
        self.readiness_weeks = 0
        self.defence = 0.0
        self.history: deque[float] = deque(maxlen=sc.campaigns.trend_window_weeks + 1)
        self.refresh()
        self._update_defence()

    @property
    def strength(self) -> float:
        return self.base_strength * self.manpower * self.equipment

    @strength.setter
    def strength(self, value: float) -> None:
        """Losses and deliveries change the equipment of the soldiers under arms."""
        self.equipment = value / (self.base_strength * self.manpower)

    @property
    def ready(self) -> bool:
        return self.model.week < self.ready_until

    def _update_defence(self) -> None:
        cfg = self.model.params.ukraine
        readiness = 1.0 + (self.model.params.warning.readiness_boost if self.ready else 0.0)
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
        cfg = self.model.params.ukraine
        p = cfg.violation_rate
        if week - self.last_probed <= cfg.retaliation_weeks:
            p += cfg.retaliation_boost
        if p > 0.0 and self.stream.random() < p:
            self.violations_committed += 1
            eid = self.model.events.add(week, "violation", "Ukraine", "probe", Clause.ASSUMPTION, perpetrator=UKRAINE)
            return Violation(week, UKRAINE, Action.PROBE, eid)
        return None

    # --- G2: stockpiles ------------------------------------------------------------------
    def attacked(self, week: int, attack: int) -> None:
        """An armed attack: the stockpiles open (G2), at once if they were pre-positioned."""
        self.release_stockpile(week, "stockpiles_opened", attack, attack, at_once=self.prepositioned > 0.0)

    def release_stockpile(self, week: int, reason: str, case: int | None, cause: int | None,
                          at_once: bool = False) -> None:
        """G2: access to defence stockpiles: what is in stock is sent; it arrives after a delay.

        ``reason``: stockpiles_opened (an armed attack), stockpile_release (the commission).
        """
        s = self.model.params.support
        size = min(s.surge_size, self.stockpile + self.prepositioned)
        if not s.stockpile_access or size <= 0.0:
            return
        from_forward = min(size, self.prepositioned)
        self.prepositioned -= from_forward
        self.stockpile -= size - from_forward
        self.stockpile_released += size
        delay = 0 if at_once else s.surge_delay_weeks
        eid = self.model.events.add(week, "corrective_measure", "Coalition", "", Clause.G2, case=case, cause=cause,
                                    outcome=reason, value=size, weeks=delay)
        self.surges.append((week + delay, size, eid if case is None else case, eid))

    def preposition(self, week: int, warning: int | None) -> None:
        """A warning's measure (to test; not in the text): stock moved forward for the warning's duration."""
        s = self.model.params.support
        size = min(s.surge_size, self.stockpile)
        if not s.stockpile_access or size <= 0.0:
            return
        self.stockpile -= size
        self.prepositioned += size
        self.model.events.add(week, "corrective_measure", "Coalition", "", Clause.G2, case=warning, cause=warning,
                              outcome="stockpiles_prepositioned", value=size,
                              weeks=self.model.params.warning.duration_weeks)

    def raise_readiness(self, week: int, warning: int | None) -> None:
        """P1: a warning raises readiness for the warning's duration."""
        self.ready_until = week + self.model.params.warning.duration_weeks
        self._update_defence()
        self.model.events.add(week, "warning_measure", "Ukraine", "", Clause.P1, case=warning, cause=warning,
                              outcome="readiness")

    def add_assistance(self, amount: float) -> None:
        self.assistance += amount
        self._update_defence()

    def take_losses(self, amount: float) -> None:
        self.strength = max(self.model.params.war.strength_floor, self.strength - amount)

    def refresh(self) -> None:
        """Weekly rates from the scenario (at the start and after a shock)."""
        sc = self.model.params
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
        cap = cfg.army_cap_thousands
        self._manpower_target = min(1.0, cap / cfg.personnel_thousands) if cap > 0 else 1.0
        self._manpower_rate = cfg.demobilisation_per_week
        self._strength_floor = sc.war.strength_floor
        self._readiness_cost = cfg.readiness_cost_per_week
        s = sc.support
        self._stockpiles = (s.stockpile_access, s.stockpile_size, s.stockpile_replenish_per_week)

    def evolve(self, week: int, at_war: bool) -> None:
        """Step 7: manpower to the army the peace allows, aid, production, training, fortification, surges."""
        # Manpower: demobilise to the cap in peace, re-mobilise in a war (demobilised soldiers take their
        # equipment to the reserve; new ones are equipped at the force's level).
        target = 1.0 if at_war else self._manpower_target
        if self.manpower != target:
            step = min(self._manpower_rate, abs(target - self.manpower))
            self.manpower += step if target > self.manpower else -step
        # G2 stockpiles are restocked out of the same aid budget.
        restock = 0.0
        access, size, replenish = self._stockpiles
        if access and self.stockpile + self.prepositioned < size:
            restock = min(replenish, size - self.stockpile - self.prepositioned)
            self.stockpile += restock
        aid = max(0.0, self._aid * self.model.coalition.aid_resolve() / self._aid_reference - restock)
        ready = week < self.ready_until
        if ready:
            self.readiness_weeks += 1
        inflow = self._own + aid + self._co_production - (self._readiness_cost if ready else 0.0)
        # Equipment per soldier: what comes in, spread over the soldiers under arms, less wear.
        per_soldier = self.base_strength * self.manpower
        self.equipment += inflow / per_soldier - self._maintenance * self.equipment
        floor = self._strength_floor / per_soldier
        if self.equipment < floor:
            self.equipment = floor
        if not ready:  # units on alert do not train
            self.quality += self._training * (self._ceiling - self.quality) / self._ceiling
        if not at_war:
            self.fortification += self._build * (1.0 - self.fortification)
        if self.prepositioned > 0.0 and not ready:  # the warning is over: the stock goes back
            self.stockpile += self.prepositioned
            self.prepositioned = 0.0
        while self.surges and self.surges[0][0] <= week:
            _, size, case, cause = self.surges.popleft()
            self.strength += size
            self.surges_received += 1
            self.model.events.add(week, "surge", "Ukraine", "", Clause.G2, case=case, cause=cause, value=size)
        self.assistance *= self._decay
        base = self.base_strength * self.manpower * self.equipment * self.quality * (
            1.0 + self._fort_bonus * self.fortification)
        readiness = 1.0 + (self._readiness if ready else 0.0)
        self.defence = base * readiness + self.assistance
        self.history.append(base)
