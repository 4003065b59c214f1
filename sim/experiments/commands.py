"""``python -m sim sweep`` and ``python -m sim analyze``."""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sim.config.posterior import use_posterior
from sim.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, FolderError, UsageError
from sim.executors import default_workers, executor, scheduler_address
from sim.experiments.analysis import analyze_directory
from sim.experiments.config import Experiment, load_experiment
from sim.experiments.reading import load_sweep
from sim.experiments.sweep import check_resumable, existing_status, partial_folder, run_sweep
from sim.outfolder import (
    ANALYSIS_FILES,
    MANIFEST,
    check_target,
    inspect,
    owned,
    publish,
    read_manifest,
    record_files,
    writable,
)

try:
    import fcntl  # POSIX: the advisory lock of a sweep's folder
except ImportError:  # pragma: no cover - Windows has none
    fcntl = None

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

    exp = load_experiment(args.experiment)
    if getattr(args, "posterior", None) is not None:

        exp = dataclasses.replace(exp, posterior=use_posterior(args.posterior, args.posterior_draws,
                                                               exp.master_seed))
    for note in exp.collapsed:  # grid points that are one design run once (sim.experiments.duplicates)
        print(f"note: {note}", file=sys.stderr)
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
            raise UsageError(f"{out}: no unfinished sweep to resume ({work} does not exist); "
                             f"run without --resume to start one")
        check_resumable(exp, work)
        overwrite = overwrite or bool(prior.get("overwrite"))
    elif prior is not None:
        if not overwrite:
            raise UsageError(
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
        raise UsageError(f"{args.experiment}: {len(exp.points):,} design points x "
                         f"{exp.rule.cap if exp.rule.adaptive else exp.rule.initial:,} replicates = {most:,} runs, "
                         f"more than --max-runs {max_runs:,}; raise --max-runs if this is meant")
    if max_gb is not None and est > max_gb * 1e9:
        raise UsageError(f"{args.experiment}: the sweep would write about {_size(est)} (steps and events "
                         f"included), more than --max-gb {max_gb:g}; raise --max-gb, or keep fewer steps "
                         f"(outputs.step_period) or no events")

    if args.scheduler is not None:
        scheduler_address(args.scheduler)  # a malformed address is bad input, found before anything runs
        if args.workers:
            print("note: --workers is ignored with --scheduler (the cluster's workers run the sweep)",
                  file=sys.stderr)
    workers = args.workers or default_workers()

    planned = len(exp.points) * exp.rule.initial
    more = f" (up to {most:,})" if exp.rule.adaptive else ""
    try:
        with executor(workers, args.scheduler) as ex:
            if not resume:
                if prior is not None:  # --overwrite: the unfinished sweep is discarded (the tool wrote it)
                    shutil.rmtree(work)
                try:
                    work.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise FolderError(f"{work}: cannot create the folder ({exc.strerror})") from None
            with _locked(work):
                where = (f"Dask at {args.scheduler} ({ex.slots} threads)" if args.scheduler
                         else f"{ex.slots} local worker{'s' if ex.slots > 1 else ''}")
                print(f"{exp.name}: {len(exp.points)} design points ({exp.design}), {planned:,} runs{more}, "
                      f"about {_size(estimate_bytes(exp, planned))} on disk, on {where}"
                      f"{' (resuming)' if resume else ''} -> {work}/, then {out}/", file=sys.stderr)
                report = run_sweep(exp, work, ex.executor, slots=ex.slots, resume=resume, executor_name=ex.name,
                                   manifest_extra={"overwrite": overwrite, "result_folder": str(out)})
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
    analyze_directory(work, shown_as=out)  # prints the headline table and what it wrote
    publish(work, out, overwrite=overwrite)
    print(f"complete: {out}/", file=sys.stderr)
    return EXIT_OK


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One sweep at a time in a folder (an advisory lock; none where fcntl is missing)."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
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


def analyze(args: argparse.Namespace) -> int:
    """Tables and plots from runs.csv; never overwrites a file of the same name it did not write."""

    directory = Path(args.directory)
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such folder (give a sweep's output folder, e.g. results/quick)")
    if not (directory / "runs.csv").is_file():
        raise UsageError(f"{directory}: no runs.csv here; run `python -m sim sweep EXPERIMENT` first")
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
    analyze_directory(directory)  # prints the headline table and what it wrote
    return EXIT_OK


