"""C1: the US-Ukraine-Coalition coordination cell in Paris."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.clauses import Clause

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class CoordinationCell(mesa.Agent):
    """Cuts the delays between detection, decision, warning and response."""

    def shorten(self, weeks: int) -> int:
        return int(round(weeks * (1.0 - self.model.scenario_config.coordination_cell.delay_reduction)))


def expedite(model: DeterrenceModel, weeks: int, stage: str | None, level: str) -> int:
    """A delay, shortened by the coordination cell if there is one (C1); logged for real cases."""
    cell = model.cell
    if cell is None:
        return weeks
    short = cell.shorten(weeks)
    if stage is not None and short < weeks:
        model.events.add(model.week, "coordination", "CoordinationCell", level, Clause.C1,
                         f"{stage} in {short} week{'s' if short != 1 else ''} instead of {weeks}")
    return short
