"""Limits of every input, in one place: the command line, the Python API and the files check the same.

A value outside its limit is refused before any work starts, with a message naming the flag or
argument, the value given and what is allowed (``ConfigError``, exit code 2).
"""

from __future__ import annotations

import numbers
import os
from typing import Any

from sim.config.errors import ConfigError
from sim.config.schema import MAX_SHOCKS  # dated shocks of one scenario (the schema checks them)

SEED_MAX = 2**63 - 1  # seeds are stored as signed 64-bit integers
MAX_WORKERS_PER_CORE = 4  # more processes than this only thrash the machine
MAX_RUNS = 1_000_000  # default cap of a sweep or study (--max-runs, max_runs=)
MAX_GB = 20.0  # default cap of a sweep's estimated output (--max-gb, max_gb=)
MAX_POSTERIOR_DRAWS = 100_000  # parameter sets drawn from a posterior (each is kept in memory)


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def whole_number(value: Any, name: str, *, low: int, high: int | None = None, source: str = "arguments",
                 what: str = "a whole number", wrong: str = "") -> int:
    """``value`` as an int within [low, high], or ConfigError naming ``name`` (a flag or an argument)."""
    if type(value).__module__ == "numpy" and isinstance(value, numbers.Integral):
        value = int(value)
    allowed = f"{what}, {low} or more" if high is None else f"{what} from {low} to {high:,}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError.single(source, wrong or "not a whole number", key=name, given=value, has_given=True,
                                 allowed=allowed)
    if value < low or (high is not None and value > high):
        raise ConfigError.single(source, wrong or "out of range", key=name, given=value, has_given=True, allowed=allowed)
    return value


def seed(value: Any, name: str = "seed", source: str = "arguments") -> int:
    return whole_number(value, name, low=0, high=SEED_MAX, source=source, what="a whole number", wrong="not a seed")


def workers(value: Any, name: str = "workers", source: str = "arguments") -> int:
    cap = MAX_WORKERS_PER_CORE * cores()
    return whole_number(value, name, low=1, high=cap, source=source,
                        what=f"worker processes ({MAX_WORKERS_PER_CORE} x the {cores()} cores at most)")


def posterior_draws(value: Any, name: str = "posterior_draws", source: str = "arguments") -> int:
    return whole_number(value, name, low=1, high=MAX_POSTERIOR_DRAWS, source=source,
                        what="a number of parameter sets")


def positive(value: Any, name: str, source: str = "arguments") -> float:
    """A finite number above 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (0 < float(value) < float("inf")):
        raise ConfigError.single(source, "not a positive number", key=name, given=value, has_given=True,
                                 allowed="a finite number above 0")
    return float(value)
