"""Scripted shocks: dated parameter changes listed in a scenario's ``shocks:``.

Each shock was validated with the scenario (known key, allowed value, a date within
the horizon, a parameter that acts during the run). On its week the model's scenario
is replaced by the changed one and the actors re-read what they derive from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.clauses import Clause
from sim.config import with_overrides

if TYPE_CHECKING:
    from sim.model import DeterrenceModel

# The clause a shocked section belongs to (for the event log).
SECTION_CLAUSE = {
    "monitoring": Clause.G1, "commission": Clause.G1, "support": Clause.G2, "force": Clause.G3,
    "commitments": Clause.G4, "cooperation": Clause.G5, "coordination_cell": Clause.C1,
    "united_states": Clause.G1, "ratification": Clause.G0, "warning": Clause.G1, "sanctions": Clause.G4,
}


def schedule(model: DeterrenceModel) -> dict[int, list]:
    sc = model.scenario_config
    out: dict[int, list] = {}
    for shock in sc.shocks:
        week = shock.week if shock.week is not None else sc.week_of(shock.date)
        out.setdefault(week, []).append(shock)
    return out


def apply(model: DeterrenceModel, week: int, shocks: list) -> None:
    for shock in shocks:
        changes = dict(shock.set)
        # Each shock was checked with the scenario; the changed scenario is validated without the list
        # of shocks (which did not change), so a run's cost grows linearly with the number of shocks.
        current = model.scenario_config
        changed = with_overrides(current.model_copy(update={"shocks": []}), changes, source="shock")
        model.scenario_config = changed.model_copy(update={"shocks": current.shocks})
        section = next(iter(changes)).split(".")[0]
        case = model.events.add(week, "shock", "Scenario", "", SECTION_CLAUSE.get(section, Clause.ASSUMPTION),
                                note=shock.description or "scripted change",
                                items=tuple(f"{k} = {v}" for k, v in changes.items()))
    # Actors re-read what they derive from the scenario.
    model.united_states.reconfigure()
    model.monitoring.refresh()
    model.force.refresh()
    model.ukraine.refresh()
    model.coalition.refresh_pledges()
    model.russia.notice("shock", case)  # the last shock of the week
