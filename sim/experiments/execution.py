"""The one pure function every executor calls: ``run_tasks(tasks) -> outcomes``.

A task is small (a scenario reference, a few overrides, a seed); the worker resolves
the scenario itself and caches it per process. An outcome carries its CSV lines already
formatted with ``sim.files.csv_cell``, so the bytes on disk are the same
whichever executor (process pool, Dask, in-process) produced them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sim.config import load_scenario, using_study, with_overrides
from sim.files import csv_rows
from sim.outputs import RUN_COLUMNS, STEP_COLUMNS
from sim.runner import replicate_seed, simulate

RUN_VALUE_COLUMNS = tuple(c for c in RUN_COLUMNS if c != "run_id")
STEP_VALUE_COLUMNS = tuple(c for c in STEP_COLUMNS if c != "run_id")


@dataclass(frozen=True)
class Task:
    """One seeded run of one design point."""

    run_id: int
    design_point: int
    replicate: int
    scenario: str  # shipped scenario name or absolute path
    overrides: tuple[tuple[str, Any], ...]  # (dotted path, value), in the runs.csv column order
    master_seed: int  # the run's seed is replicate_seed(master_seed, replicate): common random numbers
    weeks: int | None = None
    steps: bool = False
    events: bool = False
    step_period: int = 1
    study: str | None = None  # the study folder names and data files resolve in (the sweep's)
    constants: tuple[tuple[str, Any], ...] = ()  # a posterior draw's constants (under the overrides)
    posterior_draw: int | None = None  # which draw: a runs.csv column when the sweep uses a posterior


@dataclass(frozen=True)
class Outcome:
    """What one run wrote: CSV lines, and what the adaptive rule needs."""

    run_id: int
    design_point: int
    replicate: int
    escalated: bool
    runs_line: str
    steps_text: str = ""
    events_text: str = ""


def runs_header(parameters: tuple[str, ...], posterior: bool = False) -> list[str]:
    return ["run_id", "design_point", "replicate", *(["posterior_draw"] if posterior else []), *parameters,
            *RUN_VALUE_COLUMNS]


@lru_cache(maxsize=4096)
def _scenario(ref: str, overrides_json: str, study: str | None = None) -> Any:
    base = _base(ref, study)
    return with_overrides(base, dict(json.loads(overrides_json))) if overrides_json != "[]" else base


@lru_cache(maxsize=64)
def _base(ref: str, study: str | None = None) -> Any:
    return load_scenario(ref)


def run_task(task: Task) -> Outcome:
    """Run one task. Pure: the same task gives the same outcome, bytes included."""
    seed = replicate_seed(task.master_seed, task.replicate)
    # The sweep's study folder, not this process's: names and data files resolve as they did there.
    with using_study(task.study):
        # A posterior draw's constants first: the design point's own values win where both set a key.
        scenario = _scenario(task.scenario, json.dumps(task.constants + task.overrides), task.study)
        try:
            result = simulate(scenario, seed, weeks=task.weeks, steps=task.steps, events=task.events,
                              step_period=task.step_period)
        except Exception as exc:  # a model bug: say which run, so it can be replayed with `sim run`
            raise RuntimeError(
                f"run {task.run_id} failed (design point {task.design_point}, replicate {task.replicate}, "
                f"scenario {task.scenario}, seed {seed}, overrides {dict(task.constants + task.overrides)}): "
                f"{type(exc).__name__}: {exc}") from exc
    run = result.run
    draw = [] if task.posterior_draw is None else [task.posterior_draw]
    row = [task.run_id, task.design_point, task.replicate, *draw, *(v for _, v in task.overrides),
           *(run[c] for c in RUN_VALUE_COLUMNS)]
    steps_text = events_text = ""
    if task.steps and result.steps:
        cols = [result.steps[c] for c in STEP_VALUE_COLUMNS]
        steps_text = csv_rows([task.run_id, *vals] for vals in zip(*cols))
    if task.events and result.events:
        events_text = csv_rows(result.event_rows(task.run_id))
    return Outcome(task.run_id, task.design_point, task.replicate, bool(run["escalated"]),
                   csv_rows([row]), steps_text, events_text)


def run_tasks(tasks: list[Task]) -> list[Outcome]:
    """Run a chunk of tasks (one executor submission): fewer round trips for short runs."""
    return [run_task(t) for t in tasks]
