"""The escalation ladder and the response types (MODEL.md, G4)."""

from __future__ import annotations

from enum import IntEnum


class Action(IntEnum):
    """Russia's weekly choice, ordered by severity."""

    COMPLY = 0
    PROBE = 1  # grey-zone violations: shelling, drones, sabotage
    LIMITED = 2  # local offensive, seizure
    MAJOR = 3  # renewed armed attack: escalation

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {a: a.name.lower() for a in Action}  # a dict lookup: labels are read in every event
LEVEL_NAMES: tuple[str, ...] = tuple(a.label for a in Action)
VIOLATION_LEVELS: tuple[str, ...] = LEVEL_NAMES[1:]
VIOLATIONS: tuple[Action, ...] = (Action.PROBE, Action.LIMITED, Action.MAJOR)

# G4: "military capabilities, intelligence and logistics support, diplomatic
# initiatives, additional sanctions".
RESPONSE_TYPES: tuple[str, ...] = ("diplomacy", "sanctions", "intelligence", "logistics", "military")
