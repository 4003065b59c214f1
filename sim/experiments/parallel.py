"""The analysis of a large sweep in parallel, where it helps.

The per-design-point tables (summary, differences, comparison) are computed for every design point at
once (``sim.experiments.tables``): about a second of one core for 5,000 design points. A process pool
costs more than that to start (each worker imports pandas, scipy and lifelines: seconds of CPU, and much
more wall time on a loaded machine; docs/PERFORMANCE.md), so they run in one process unless workers are
asked for (``workers=``, ``SIM_ANALYSIS_WORKERS``). Asked for, chunks of design points go to a pool and
the tables are put back together in design-point order: the same tables, to the last bit.

SALib's delta index is the one heavy part: a kernel density estimate per bin and bootstrap resample, one
job an input and output. Its jobs go to a pool over every core when their work is large enough to repay
the pool (``delta_workers``); after a sweep, over no more processes than the sweep's workers.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from typing import Any, Callable, Sequence

import pandas as pd

MAX_WORKERS = 16
# Work of the delta index's jobs (design points x (resamples + 1), summed over the jobs) from which they
# run in a pool over every core: about 3 us of one core a unit (measured: 8 jobs x 500 points x 101 take
# about 1.2 s), so 1,500,000 units is about 5 s on one core, above what a pool of two takes to start.
DELTA_PARALLEL_FROM = 1_500_000


def _asked(workers: int | None) -> int | None:
    if workers is None:
        env = os.environ.get("SIM_ANALYSIS_WORKERS", "")
        workers = int(env) if env.isdigit() and int(env) > 0 else None
    return workers


def analysis_workers(groups: int, workers: int | None = None) -> int:
    """Processes for the per-design-point tables of ``groups`` design points: ``workers`` if given, else
    ``SIM_ANALYSIS_WORKERS``, else 1 (vectorised, they cost less than a pool's start)."""
    workers = _asked(workers)
    return max(1, int(workers)) if workers is not None else 1


def delta_workers(work: int, workers: int | None = None, *, cap: int | None = None) -> int:
    """Processes for the delta index's jobs of ``work`` units (DELTA_PARALLEL_FROM): ``workers`` if given,
    else ``SIM_ANALYSIS_WORKERS``, else every core (at most MAX_WORKERS, and at most ``cap``: after a sweep,
    the sweep's workers) from DELTA_PARALLEL_FROM, else 1."""
    workers = _asked(workers)
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS, cap or MAX_WORKERS) if work >= DELTA_PARALLEL_FROM else 1
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
