"""The agents of the model (MODEL.md): one module per actor of the declaration."""

from sim.agents.coalition import CoalitionMember, UnitedStates
from sim.agents.coordination import CoordinationCell
from sim.agents.force import ForcePhase, MultinationalForce
from sim.agents.monitoring import MonitoringMechanism, SpecialCommission
from sim.agents.russia import Intent, Russia
from sim.agents.ukraine import Ukraine

__all__ = [
    "CoalitionMember",
    "CoordinationCell",
    "ForcePhase",
    "Intent",
    "MonitoringMechanism",
    "MultinationalForce",
    "Russia",
    "SpecialCommission",
    "Ukraine",
    "UnitedStates",
]
