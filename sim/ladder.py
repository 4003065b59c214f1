"""The escalation ladder: Russia's rungs, its intent states, and what a week of its conduct
produces (violations, indicators); the response types of G4 (MODEL.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
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

RUSSIA, UKRAINE = "Russia", "Ukraine"


class Intent(IntEnum):
    """Russia's intent: one state at a time, changed only at decision points (sim.decisions)."""

    COMPLIANT = 0
    PRESSURE = 1  # grey-zone pressure campaign
    PREPARING = 2  # preparing an offensive (limited or major)
    ATTACKING = 3  # a limited offensive under way
    AT_WAR = 4  # a renewed armed attack (major) under way

    @property
    def label(self) -> str:
        return self.name.lower()


# The members as module names, for the weekly loop: on Python 3.11 ``Intent.AT_WAR`` goes through the enum
# metaclass's ``__getattr__`` hook (about 150 ns, ten times a global name), dozens of times a week.
COMPLY, PROBE, LIMITED, MAJOR = Action
COMPLIANT, PRESSURE, PREPARING, ATTACKING, AT_WAR = Intent


@dataclass(slots=True)
class Violation:
    week: int
    perpetrator: str
    level: Action
    event_id: int = 0  # the violation's event: the case of its commission's chain


@dataclass(slots=True)
class Week:
    """What Russia did this week: violations, indicators, whether it launched a war, and why."""

    violations: list[Violation] = field(default_factory=list)
    indicators: int = 0  # strategic indicators of a preparation (a build-up in depth)
    tactical: int = 0  # tactical indicators (forces moving up to the line)
    indicator_event: int | None = None
    launched_war: bool = False
    cause: int | None = None  # the event behind this week's moves (a launch, a campaign)
    volume: int = 0  # ceasefire violations by Russia's side this week (the OSCE SMM's unit)
    obstruct: bool = False  # Russia obstructs the monitors this week
