"""``python -m sim sweep`` and ``python -m sim analyze``."""

from __future__ import annotations

import argparse
import concurrent.futures as cf
from concurrent.futures.process import BrokenProcessPool
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


SCHEDULER_ALLOWED = "tcp://HOST:PORT (or HOST:PORT), e.g. tcp://10.0.0.5:8786"


def scheduler_address(text: str) -> tuple[str, str, int]:
    """(address, host, port) of a Dask scheduler address; UsageError when it is not one."""
    from urllib.parse import urlsplit

    raw = text.strip()
    if raw.startswith("inproc://") and len(raw) > len("inproc://"):  # a cluster in this very process
        return raw, "", 0
    full = raw if "://" in raw else f"tcp://{raw}"
    try:
        parts = urlsplit(full)
        port = parts.port
    except ValueError:
        port = None
        parts = None
    if not raw or parts is None or parts.scheme not in ("tcp", "tls", "ws", "wss", "ucx") or not parts.hostname or port is None \
            or not 1 <= port <= 65535 or parts.path not in ("", "/"):
        raise _usage_error(f"--scheduler {text!r}: not a scheduler address; allowed: {SCHEDULER_ALLOWED}")
    return full, parts.hostname, port


def _connect(client_cls: Any, address: str, timeout: float) -> Any:
    """A Dask client, or TimeoutError: Dask's own timeout does not cover a peer that accepts the
    connection and never answers (any other server on that port), so wait in a daemon thread."""
    import threading

    box: dict[str, Any] = {}

    def connect() -> None:
        try:
            box["client"] = client_cls(address, timeout=f"{timeout:g}s", set_as_default=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=connect, name="dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 2)
    if "error" in box:
        raise box["error"]
    if "client" not in box:
        raise TimeoutError(f"no answer within {timeout + 2:g} s (is this port a Dask scheduler?)")
    return box["client"]


@contextmanager
def dask_executor(address: str, connect_timeout: float = 5.0,
                  handshake_timeout: float = 10.0) -> Iterator[tuple[cf.Executor, int]]:
    import socket

    full, host, port = scheduler_address(address)
    try:
        from distributed import Client
    except ImportError:
        raise _usage_error("--scheduler needs Dask distributed: pip install 'paris-guarantees-sim[cluster]' "
                           "(or pip install 'dask[distributed]')") from None
    # A plain connection first: a wrong host or port fails in seconds, with no Dask traceback.
    try:
        if port:
            socket.create_connection((host, port), timeout=connect_timeout).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise _usage_error(f"--scheduler {address}: cannot reach a scheduler at {host}:{port} ({reason}); "
                           f"is it running? allowed: {SCHEDULER_ALLOWED}") from None
    import logging

    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # Dask logs its own traceback before raising
    try:
        client = _connect(Client, full, handshake_timeout)
    except Exception as exc:  # noqa: BLE001 - Dask raises many kinds (OSError, TimeoutError, CommClosedError)
        raise _usage_error(f"--scheduler {address}: no Dask scheduler answered at {full} "
                           f"({type(exc).__name__}: {exc})") from None
    finally:
        quiet.setLevel(level)
    try:
        slots = max(1, sum(client.nthreads().values()))
        with client.get_executor(pure=False) as executor:
            yield executor, slots
    finally:
        client.close()


# Rough sizes of what a run writes (measured on the shipped scenarios, 260 weeks).
RUN_ROW_BYTES, PARAM_CELL_BYTES, STEP_ROW_BYTES, EVENT_BYTES_PER_WEEK = 450, 12, 200, 120


def estimate_bytes(exp: Experiment, runs: int) -> int:
    """About how much a sweep of ``runs`` runs writes to disk."""
    weeks = exp.horizon_weeks or 260
    per_run = RUN_ROW_BYTES + PARAM_CELL_BYTES * len(exp.parameters)
    if exp.outputs.steps:
        per_run += STEP_ROW_BYTES * (weeks // exp.outputs.step_period + 1)
    if exp.outputs.events:
        per_run += EVENT_BYTES_PER_WEEK * weeks
    return per_run * runs


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


def sweep(args: argparse.Namespace) -> int:
    """Check everything, run into DIR.partial/, analyse, then move the result to DIR at once."""
    import shutil

    from sim.experiments.sweep import partial_folder
    from sim.outfolder import FolderError, check_target, inspect, publish, record_files, ANALYSIS_FILES

    exp = load_experiment(args.experiment)
    if getattr(args, "posterior", None) is not None:
        import dataclasses

        from sim.calibration.posterior import use_posterior

        exp = dataclasses.replace(exp, posterior=use_posterior(args.posterior, args.posterior_draws,
                                                               exp.master_seed))
    out = Path(args.out) if args.out is not None else Path("results") / exp.name
    work = partial_folder(out)
    overwrite = getattr(args, "overwrite", False)
    resume = args.resume

    # The finished folder: files the tool did not write are never touched; a result needs --overwrite.
    target = check_target(out, overwrite=True)
    # The unfinished one beside it.
    unfinished = inspect(work)
    if unfinished.foreign:
        raise FolderError(f"{work}: holds files this tool did not write ({', '.join(unfinished.foreign[:5])}); "
                          f"the sweep streams its runs there: move them, or pick another --out")
    prior = unfinished.manifest if unfinished.exists and not unfinished.empty else None
    if unfinished.exists and unfinished.ours and prior is None:
        prior = {}
    if resume:
        if prior is None:
            if target.manifest and target.manifest.get("fingerprint") == exp.fingerprint() \
                    and target.manifest.get("status") == "complete":
                print(f"{out}: the sweep of {exp.name!r} is complete; nothing to resume", file=sys.stderr)
                return EXIT_OK
            raise _usage_error(f"{out}: no unfinished sweep to resume ({work} does not exist); "
                               f"run without --resume to start one")
        try:
            check_resumable(exp, work)
        except ResumeError as exc:
            raise _usage_error(str(exc)) from None
        overwrite = overwrite or bool(prior.get("overwrite"))
    elif prior is not None:
        if not overwrite:
            raise _usage_error(
                f"{work} holds an unfinished sweep of {prior.get('experiment')!r} ({prior.get('runs_done', '?')} "
                f"of {prior.get('runs_planned', '?')} runs saved); finish it with --resume, or give --overwrite "
                f"to discard it")
    if target.ours and not overwrite:
        raise FolderError(f"{out}: holds {target.describe()}; give --overwrite to replace it once the new "
                          f"sweep is complete, or pick another --out")

    # Size: shown, and capped, before anything starts.
    most = len(exp.points) * (exp.rule.cap if exp.rule.adaptive else exp.rule.initial)
    est = estimate_bytes(exp, most)
    max_runs = getattr(args, "max_runs", None)
    max_gb = getattr(args, "max_gb", None)
    if max_runs is not None and most > max_runs:
        raise _usage_error(f"{args.experiment}: {len(exp.points):,} design points x "
                           f"{exp.rule.cap if exp.rule.adaptive else exp.rule.initial:,} replicates = {most:,} runs, "
                           f"more than --max-runs {max_runs:,}; raise --max-runs if this is meant")
    if max_gb is not None and est > max_gb * 1e9:
        raise _usage_error(f"{args.experiment}: the sweep would write about {_size(est)} (steps and events "
                           f"included), more than --max-gb {max_gb:g}; raise --max-gb, or keep fewer steps "
                           f"(outputs.step_period) or no events")

    if args.scheduler is not None:
        scheduler_address(args.scheduler)  # a malformed address is bad input, found before anything runs
        if args.workers:
            print("note: --workers is ignored with --scheduler (the cluster's workers run the sweep)",
                  file=sys.stderr)
        context: Any = dask_executor(args.scheduler)
    else:
        workers = args.workers or default_workers()
        context = _pool_context(workers)

    planned = len(exp.points) * exp.rule.initial
    more = f" (up to {most:,})" if exp.rule.adaptive else ""
    try:
        with context as (executor, slots):
            if not resume:
                if prior is not None:  # --overwrite: the unfinished sweep is discarded (the tool wrote it)
                    shutil.rmtree(work)
                try:
                    work.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise FolderError(f"{work}: cannot create the folder ({exc.strerror})") from None
            with _locked(work):
                where = (f"Dask at {args.scheduler} ({slots} threads)" if args.scheduler
                         else f"{slots} local worker{'s' if slots > 1 else ''}")
                print(f"{exp.name}: {len(exp.points)} design points ({exp.design}), {planned:,} runs{more}, "
                      f"about {_size(estimate_bytes(exp, planned))} on disk, on {where}"
                      f"{' (resuming)' if resume else ''} -> {work}/, then {out}/", file=sys.stderr)
                report = run_sweep(exp, work, executor, slots=slots, resume=resume,
                                   executor_name=("dask " + args.scheduler) if args.scheduler
                                   else f"process pool ({slots} workers)",
                                   manifest_extra={"overwrite": overwrite, "result_folder": str(out)})
    except ResumeError as exc:
        raise _usage_error(str(exc)) from None
    except KeyboardInterrupt:
        status = existing_status(work) or {}
        print(f"\ninterrupted: {status.get('runs_done', '?')} of {status.get('runs_planned', '?')} runs are saved "
              f"in {work}/; finish with: python -m sim sweep {args.experiment} --out {out} --resume"
              + (f" --study {args.study}" if getattr(args, "study", None) else ""), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenProcessPool as exc:
        print(f"error: a worker process died ({exc}); the runs done so far are saved in {work}/; "
              f"finish with --resume", file=sys.stderr)
        return EXIT_FAILED
    except RuntimeError as exc:
        if "failed (design point" not in str(exc):
            raise
        print(f"error: {exc}\nthe runs done so far are saved in {work}/", file=sys.stderr)
        return EXIT_FAILED
    print(f"{report.ran_now} runs in {report.seconds:.1f}s"
          + (f" ({report.ran_now / report.seconds:.0f} runs/s)" if report.seconds > 0 and report.ran_now else "")
          + f"; {report.runs_done} runs in {work}/runs.csv", file=sys.stderr)
    record_files(work, ANALYSIS_FILES)
    code = _analyze_and_print(work, exp, shown_as=out)
    publish(work, out, overwrite=overwrite)
    print(f"complete: {out}/", file=sys.stderr)
    return code


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One sweep at a time in a folder (an advisory lock; none where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    from sim.outfolder import FolderError

    with (folder / ".lock").open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FolderError(f"{folder}: another sweep is writing there now; wait for it or pick "
                              f"another --out") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def _pool_context(workers: int) -> Iterator[tuple[cf.Executor, int]]:
    with local_pool(workers) as pool:
        yield pool, workers


def analyze(args: argparse.Namespace) -> int:
    """Tables and plots from runs.csv; never overwrites a file of the same name it did not write."""
    from sim.experiments.analysis import load_sweep
    from sim.outfolder import ANALYSIS_FILES, MANIFEST, FolderError, owned, read_manifest, record_files, writable

    directory = Path(args.directory)
    if not directory.is_dir():
        raise _usage_error(f"{directory}: no such folder (give a sweep's output folder, e.g. results/quick)")
    if not (directory / "runs.csv").is_file():
        raise _usage_error(f"{directory}: no runs.csv here; run `python -m sim sweep EXPERIMENT` first")
    load_sweep(directory)  # every input checked before anything is written
    manifest = read_manifest(directory)
    if manifest is None and (directory / MANIFEST).exists():
        raise FolderError(f"{directory}/{MANIFEST}: not a manifest this tool wrote; analyze records there what "
                          f"it writes and never overwrites a file it did not write: move it away")
    mine = owned(manifest)
    clash = [n for n in ANALYSIS_FILES if (directory / n).exists() and n not in mine]
    if clash and not getattr(args, "overwrite", False):
        raise FolderError(f"{directory}: {', '.join(clash)} here {'were' if len(clash) > 1 else 'was'} not written "
                          f"by this tool; analyze would replace {'them' if len(clash) > 1 else 'it'}: give "
                          f"--overwrite if that is meant, or move {'them' if len(clash) > 1 else 'it'} away")
    if not writable(directory):
        raise FolderError(f"{directory}: the folder is read-only")
    record_files(directory, ANALYSIS_FILES)  # claimed before written: a kill leaves no unowned file
    return _analyze_and_print(directory, None)


def _analyze_and_print(out: Path, exp: Experiment | None, shown_as: Path | None = None) -> int:
    try:
        from sim.experiments.analysis import analyze_directory
    except ImportError as exc:
        print(f"note: the analysis module is not available ({exc}); runs.csv is written, "
              f"summary and plots are not", file=sys.stderr)
        print(headline(out))
        return EXIT_OK
    analyze_directory(out, shown_as=shown_as)  # prints the headline table and what it wrote
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
    width = max([len("design")] + [len(r[0]) for r in rows if r])  # never cut (distinct labels stay distinct)
    lines.append(f"{'design':<{width}}  {'runs':>6}  {'P(escalation) [95% CI]':<24}  median weeks to escalation")
    for r in shown:
        if r is None:
            lines.append(f"{'...':<{width}}")
            continue
        label, n, p, lo, hi, med = r
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
