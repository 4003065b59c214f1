"""Run-level measures as Mesa model reporters, labelled as in runs.csv and steps.csv.

``week`` is the week just simulated (0 = the ceasefire's first week, as in steps.csv and
events.csv). Mesa's own step counter is one ahead of it (Mesa counts steps completed), so
``mesa.batch_run`` tables should be read by ``week``, not by Mesa's ``Step``.
Collected at every sampled week and always at the horizon, so the final row of a run
carries its run-level outcomes even with ``collect_steps=False``.
"""

from __future__ import annotations

import math
from typing import Any


def week(model: Any) -> int:
    return model.week


def seed(model: Any) -> int:
    """The run's seed, drawn when none was given: ``mesa.batch_run``'s rows name it, so any row re-runs
    exactly with ``DeterrenceModel(..., seed=row["seed"])``."""
    return model.seed


def escalated(model: Any) -> bool:
    """A renewed armed attack (major) has happened (runs.csv ``escalated``)."""
    return model.escalation_week is not None


def escalation_week(model: Any) -> float:
    """Week of the first major attack; NaN while censored (runs.csv leaves it empty)."""
    return float(model.escalation_week) if model.escalation_week is not None else math.nan


def survival_weeks(model: Any) -> int:
    """Escalation week, or the weeks simulated so far (the horizon at the end: runs.csv)."""
    return model.escalation_week if model.escalation_week is not None else model.week + 1


RUN_REPORTERS = {f.__name__: f for f in (week, seed, escalated, escalation_week, survival_weeks)}
