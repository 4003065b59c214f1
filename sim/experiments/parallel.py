"""The analysis of a large sweep in parallel: per design point statistics on chunks of design points.

Kaplan-Meier fits (lifelines) cost some milliseconds each, one a design point: 5,000 design
points are most of a minute on one core. They are independent, so chunks of design points go
to a process pool and the tables are put back together in design-point order: the same table,
to the last bit, whatever the number of workers.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from typing import Any, Callable, Sequence

import pandas as pd

PARALLEL_FROM = 400  # design points: below this, a pool costs more than it saves
MAX_WORKERS = 16


def analysis_workers(groups: int, workers: int | None = None) -> int:
    """Workers for an analysis of ``groups`` design points: ``workers`` if given, else every core
    (at most MAX_WORKERS) from PARALLEL_FROM design points, else 1. ``SIM_ANALYSIS_WORKERS`` overrides."""
    if workers is None:
        env = os.environ.get("SIM_ANALYSIS_WORKERS", "")
        workers = int(env) if env.isdigit() and int(env) > 0 else None
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if groups >= PARALLEL_FROM else 1
    return max(1, int(workers))


def by_design_point(fn: Callable[..., pd.DataFrame], runs: pd.DataFrame, *args: Any, workers: int = 1,
                    column: str = "design_point", shared: Any = None, **kw: Any) -> pd.DataFrame:
    """``fn(runs, *args, **kw)`` computed on chunks of design points in ``workers`` processes, concatenated
    in order. ``fn`` must treat each design point on its own (``shared``: a design point every chunk
    also gets, such as the reference of paired differences, which ``fn`` must leave out of its rows)
    and return its rows sorted by ``column``."""
    points = pd.unique(runs[column])
    if workers <= 1 or len(points) < 2 * workers:
        return fn(runs, *args, **kw)
    points = sorted(points)
    n_chunks = min(len(points), workers * 4)
    bounds = [points[(i * len(points)) // n_chunks] for i in range(n_chunks)] + [None]
    chunks: list[pd.DataFrame] = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        mask = runs[column] >= lo if hi is None else (runs[column] >= lo) & (runs[column] < hi)
        if shared is not None:
            mask |= runs[column] == shared
        chunks.append(runs[mask])
    ctx = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
    with cf.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        parts = list(pool.map(_call, [(fn, chunk, args, kw) for chunk in chunks]))
    return pd.concat(parts, ignore_index=True)


def _call(job: tuple[Callable[..., pd.DataFrame], pd.DataFrame, Sequence[Any], dict[str, Any]]) -> pd.DataFrame:
    fn, chunk, args, kw = job
    return fn(chunk, *args, **kw)
