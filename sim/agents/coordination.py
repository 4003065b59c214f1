"""C1: the US-Ukraine-Coalition coordination cell in Paris."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class CoordinationCell(mesa.Agent):
    """Cuts the delays between detection, decision and response."""

    def __init__(self, model: DeterrenceModel) -> None:
        super().__init__(model)
        self.delay_reduction = model.scenario_config.coordination_cell.delay_reduction

    def shorten(self, weeks: int) -> int:
        return int(round(weeks * (1.0 - self.delay_reduction)))
