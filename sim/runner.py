"""One run as a pure function: (scenario, seed) -> outcomes.

The single-run command, the sweep executors (process pool, Dask) and the
dashboard's comparison page all meet the model here.
"""

from __future__ import annotations

import numpy as np

from sim.config import Scenario, with_overrides
from sim.model import STEP_REPORTERS, DeterrenceModel
from sim.outputs import RunResult, run_record


def simulate(scenario: Scenario, seed: int, *, weeks: int | None = None, steps: bool = True,
             events: bool = True, step_period: int = 1) -> RunResult:
    """Run one seeded replicate of a scenario to its horizon (or ``weeks``)."""
    if weeks is not None and weeks != scenario.horizon_weeks:
        scenario = with_overrides(scenario, {"horizon_weeks": weeks}, source="the run's horizon (weeks)")
    model = DeterrenceModel(scenario, seed, record_events=events, collect_steps=steps,
                            step_period=step_period)
    model.run()
    step_table: dict[str, list] = {}
    if steps:
        data = model.datacollector.model_vars
        weeks_col = [w for w in range(model.horizon) if w % model.step_period == 0 or w == model.horizon - 1]
        step_table = {"week": weeks_col, **{k: data[k] for k in STEP_REPORTERS}}
    return RunResult(run=run_record(model), steps=step_table, events=model.events.rows,
                     ceasefire=scenario.ceasefire_date)


def replicate_seed(master_seed: int, replicate: int) -> int:
    """Seed of replicate k: the same for every design point (common random numbers)."""
    return int(np.random.SeedSequence([master_seed, replicate]).generate_state(1, np.uint32)[0])
