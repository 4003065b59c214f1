"""``python -m sim sweep`` and ``python -m sim analyze``."""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import math
import multiprocessing as mp
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sim.experiments.config import Experiment, load_experiment
from sim.experiments.sweep import ResumeError, check_resumable, existing_status, run_sweep

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130


def _usage_error(message: str) -> Exception:
    from sim.cli import UsageError

    return UsageError(message)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@contextmanager
def local_pool(workers: int) -> Iterator[cf.Executor]:
    """A process pool whose workers start from a clean interpreter (forkserver where available)."""
    from sim.experiments.execution import worker_init

    methods = mp.get_all_start_methods()
    ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["sim.experiments.execution", "sim.runner"])
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=worker_init,
                                  initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_workers(pool)
        raise
    else:
        pool.shutdown(wait=True)


def _stop_workers(pool: cf.ProcessPoolExecutor) -> None:
    """After Ctrl-C, end our own workers now rather than wait for the runs in flight."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    for proc in procs:
        proc.join(timeout=5)


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[cf.Executor, int]]:
    try:
        from distributed import Client
    except ImportError:
        raise _usage_error("--scheduler needs Dask distributed: pip install 'paris-guarantees-sim[cluster]' "
                           "(or pip install 'dask[distributed]')") from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise _usage_error(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        with client.get_executor(pure=False) as executor:
            yield executor, slots
    finally:
        client.close()


def sweep(args: argparse.Namespace) -> int:
    exp = load_experiment(args.experiment)
    out = Path(args.out) if args.out is not None else Path("results") / exp.name
    if out.exists() and not out.is_dir():
        raise _usage_error(f"{out}: --out must be a folder, and this is a file")
    old = existing_status(out)
    if not args.resume and old is not None and old.get("status") == "partial" and old.get("runs_done"):
        raise _usage_error(
            f"{out} holds an unfinished sweep of {old.get('experiment')!r} ({old.get('runs_done')} of "
            f"{old.get('runs_planned')} runs); finish it with --resume, or delete the folder / pick another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _usage_error(f"{out}: cannot create the output folder ({exc.strerror})") from None

    if args.resume:
        try:
            check_resumable(exp, out)
        except ResumeError as exc:
            raise _usage_error(str(exc)) from None
    planned = len(exp.points) * exp.rule.initial
    more = "+" if exp.rule.adaptive else ""
    if args.scheduler:
        if args.workers:
            print("note: --workers is ignored with --scheduler (the cluster's workers run the sweep)",
                  file=sys.stderr)
        context: Any = dask_executor(args.scheduler)
    else:
        workers = args.workers or default_workers()
        context = _pool_context(workers)
    try:
        with context as (executor, slots):
            where = f"Dask at {args.scheduler} ({slots} threads)" if args.scheduler else f"{slots} local worker{'s' if slots > 1 else ''}"
            print(f"{exp.name}: {len(exp.points)} design points ({exp.design}), {planned}{more} runs on {where}"
                  f"{' (resuming)' if args.resume else ''} -> {out}/", file=sys.stderr)
            report = run_sweep(exp, out, executor, slots=slots, resume=args.resume,
                               executor_name=("dask " + args.scheduler) if args.scheduler
                               else f"process pool ({slots} workers)")
    except ResumeError as exc:
        raise _usage_error(str(exc)) from None
    except KeyboardInterrupt:
        status = existing_status(out) or {}
        print(f"\ninterrupted: {status.get('runs_done', '?')} of {status.get('runs_planned', '?')} runs are saved "
              f"in {out}/; finish with: python -m sim sweep {args.experiment} --out {out} --resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except cf.process.BrokenProcessPool as exc:
        print(f"error: a worker process died ({exc}); the runs done so far are saved; "
              f"finish with --resume", file=sys.stderr)
        return EXIT_FAILED
    except RuntimeError as exc:
        if "failed (design point" not in str(exc):
            raise
        print(f"error: {exc}\nthe runs done so far are saved in {out}/", file=sys.stderr)
        return EXIT_FAILED
    print(f"{report.ran_now} runs in {report.seconds:.1f}s"
          + (f" ({report.ran_now / report.seconds:.0f} runs/s)" if report.seconds > 0 and report.ran_now else "")
          + f"; {report.runs_done} runs in {out}/runs.csv", file=sys.stderr)
    return _analyze_and_print(out, exp)


@contextmanager
def _pool_context(workers: int) -> Iterator[tuple[cf.Executor, int]]:
    with local_pool(workers) as pool:
        yield pool, workers


def analyze(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        raise _usage_error(f"{directory}: no such folder (give a sweep's output folder, e.g. results/quick)")
    if not (directory / "runs.csv").exists():
        raise _usage_error(f"{directory}: no runs.csv here; run `python -m sim sweep EXPERIMENT` first")
    return _analyze_and_print(directory, None)


def _analyze_and_print(out: Path, exp: Experiment | None) -> int:
    try:
        from sim.experiments.analysis import analyze_directory
    except ImportError as exc:
        print(f"note: the analysis module is not available ({exc}); runs.csv is written, "
              f"summary and plots are not", file=sys.stderr)
        print(headline(out))
        return EXIT_OK
    analyze_directory(out)  # prints the headline table and what it wrote
    return EXIT_OK


# --- the headline table ----------------------------------------------------------------------

def headline(out: Path) -> str:
    """Design label, runs, P(escalation) with its 95% interval, median weeks to escalation.

    The fallback when the analysis module is unavailable: computed from runs.csv and
    design_points.csv alone (Wilson interval, Kaplan-Meier median, censored at the horizon).
    """
    import pandas as pd

    runs = pd.read_csv(out / "runs.csv", usecols=["design_point", "escalated", "survival_weeks"])
    points_file = out / "design_points.csv"
    labels = (pd.read_csv(points_file, usecols=["design_point", "label"]).set_index("design_point")["label"]
              if points_file.exists() else pd.Series(dtype=object))
    ref = _reference_id(out)
    lines = []
    rows = []
    for dp, g in runs.groupby("design_point", sort=True):
        n, k = len(g), int(g["escalated"].sum())
        lo, hi = _wilson(k, n)
        med = _km_median(g["survival_weeks"].to_numpy(), g["escalated"].to_numpy(bool))
        rows.append((str(labels.get(dp, dp)) + (" (reference)" if dp == ref else ""), n, k / n, lo, hi, med))
    rows.sort(key=lambda r: -r[2])
    shown = rows if len(rows) <= 30 else rows[:15] + [None] + rows[-15:]
    width = min(60, max([len("design")] + [len(r[0]) for r in rows if r]))
    lines.append(f"{'design':<{width}}  {'runs':>6}  {'P(escalation) [95% CI]':<24}  median weeks to escalation")
    for r in shown:
        if r is None:
            lines.append(f"{'...':<{width}}")
            continue
        label, n, p, lo, hi, med = r
        label = label if len(label) <= width else label[: width - 3] + "..."
        med_text = f"{med:.0f}" if med is not None else "not reached"
        lines.append(f"{label:<{width}}  {n:>6}  {p:5.3f} [{lo:.3f}, {hi:.3f}]{'':<6}  {med_text}")
    if len(rows) > 30:
        lines.append(f"({len(rows)} design points; highest and lowest 15 shown; all in summary.csv)")
    return "\n".join(lines)


def _reference_id(out: Path) -> int | None:
    import json

    try:
        return int(json.loads((out / "manifest.json").read_text())["reference"]["design_point"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _km_median(times: Any, events: Any) -> float | None:
    """Kaplan-Meier median survival time (None when survival never drops to one half)."""
    import numpy as np

    order = np.argsort(times, kind="stable")
    t, e = np.asarray(times)[order], np.asarray(events)[order]
    at_risk, s = len(t), 1.0
    for time_ in np.unique(t):
        mask = t == time_
        d = int(e[mask].sum())
        if d:
            s *= 1 - d / at_risk
            if s <= 0.5:
                return float(time_)
        at_risk -= int(mask.sum())
    return None
