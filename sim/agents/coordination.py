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
        return int(round(weeks * (1.0 - self.model.params.coordination_cell.delay_reduction)))


def expedite(model: DeterrenceModel, weeks: int, stage: str | None = None, level: str = "",
             case: int | None = None, cause: int | None = None) -> int:
    """A delay, shortened by the coordination cell if there is one (C1).

    With a ``stage`` (an outcome code of ``coordination`` events) the shortening is logged,
    in the case it serves and after the event that set the delay.
    """
    cell = model.cell
    if cell is None:
        return weeks
    short = cell.shorten(weeks)
    if stage is not None and short < weeks:
        model.events.add(model.week, "coordination", "CoordinationCell", level, Clause.C1, case=case, cause=cause,
                         outcome=stage, weeks=short, baseline_weeks=weeks)
    return short
