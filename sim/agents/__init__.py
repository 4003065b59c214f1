"""The agents of the model (MODEL.md): the actors of the declaration and their own state.

Mesa agents: Russia, Ukraine, each coalition member and the US, the coordination cell
(here), the monitoring mechanism and the special commission (``sim.chain``, the
submodel they carry out) and the Multinational Force. Rules that involve several
actors live in the submodel that names them: ``sim.decisions`` (where Russia decides),
``sim.war``, ``sim.chain``, ``sim.warning``, ``sim.responses``.
"""

from sim.agents.coalition import Coalition, CoalitionMember
from sim.agents.coordination import CoordinationCell
from sim.agents.force import ForcePhase, MultinationalForce
from sim.agents.russia import Russia
from sim.agents.sanctions import SanctionsRegime
from sim.agents.ukraine import Ukraine
from sim.agents.united_states import UnitedStates
from sim.ladder import Intent

__all__ = [
    "Coalition",
    "CoalitionMember",
    "CoordinationCell",
    "ForcePhase",
    "Intent",
    "MultinationalForce",
    "Russia",
    "SanctionsRegime",
    "Ukraine",
    "UnitedStates",
]
