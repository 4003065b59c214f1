"""Building models and scripting Russia for the mechanism tests.

Models are built as ``DeterrenceModel(with_overrides(load_scenario(...), {...}), seed)``; where a
mechanism can be isolated, Russia's weekly act is replaced by a script and the rest of the week
runs as usual.
"""

from __future__ import annotations

from sim.config import load_scenario, with_overrides
from sim.ladder import RUSSIA, Action, Intent, Violation, Week
from sim.model import DeterrenceModel

PARIS = load_scenario("paris_declaration")


def make(overrides: dict | None = None, seed: int = 0, scenario=PARIS, **kw) -> DeterrenceModel:
    """A model of ``scenario`` (paris_declaration) with ``overrides`` (dotted paths)."""
    return DeterrenceModel(with_overrides(scenario, overrides or {}), seed, **kw)


def force_actions(model: DeterrenceModel, plan, volume: int = 0) -> None:
    """Replace Russia's campaigns by ``plan(week) -> Action`` (the rest of the week runs as usual);
    ``volume``: ceasefire violations by Russia's side each week it does not comply."""
    russia = model.russia

    def act(week: int) -> Week:
        if russia.intent == Intent.AT_WAR:
            return Week([])
        action = plan(week)
        russia.action = action
        if action == Action.COMPLY:
            return Week([])
        russia.violations[action] += 1  # Russia keeps the record of its own violations
        if action == Action.MAJOR:
            russia.intent = Intent.AT_WAR
            return Week([Violation(week, RUSSIA, action)], launched_war=True)
        return Week([Violation(week, RUSSIA, action)], volume=volume)

    russia.act = act


def scripted_indicators(model: DeterrenceModel, weeks_with_signs, n: int = 4) -> None:
    """Russia shows ``n`` indicators in each of ``weeks_with_signs`` and does nothing else."""
    def act(week: int) -> Week:
        return Week([], indicators=n if week in weeks_with_signs else 0)

    model.russia.act = act


def probing(model: DeterrenceModel, from_week: int) -> None:
    """Russia probes every week from ``from_week`` on."""
    def act(week: int) -> Week:
        return Week([Violation(week, RUSSIA, Action.PROBE)] if week >= from_week else [])

    model.russia.act = act


def kinds(model: DeterrenceModel, kind: str) -> list[tuple]:
    """The model's events of one kind."""
    return [e for e in model.events.rows if e.kind == kind]


def weeks_of(events, kind: str) -> list[int]:
    """The weeks of the events of one kind (event rows of a run or of a model)."""
    return [e.week for e in events if e.kind == kind]
