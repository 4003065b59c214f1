"""C1: the US-Ukraine-Coalition coordination cell in Paris."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.clauses import Clause

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class CoordinationCell(mesa.Agent):
    """Cuts the delays between detection, decision and response."""

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.delay_reduction = model.scenario_config.coordination_cell.delay_reduction

    def shorten(self, weeks: int) -> int:
        return int(round(weeks * (1.0 - self.delay_reduction)))

    def expedite(self, weeks: int, stage: str, level: str) -> int:
        """Shorten a delay and say so in the event log (C1)."""
        short = self.shorten(weeks)
        if short < weeks:
            self.model.events.add(self.model.week, "coordination", "CoordinationCell", level, Clause.C1,
                                  f"{stage} in {short} weeks instead of {weeks}")
        return short
