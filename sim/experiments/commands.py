"""``python -m sim sweep`` and ``python -m sim analyze``."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sim.config.posterior import use_posterior
from sim.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, FolderError, UsageError
from sim.executors import Executing, default_workers, scheduler_address
from sim.experiments.analysis import analyze_directory
from sim.experiments.columnar import parquet_available
from sim.experiments.config import Experiment, load_experiment
from sim.experiments.folders import Plan, check_size, estimate_bytes, size_text, sweep_into
from sim.experiments.reading import load_sweep
from sim.experiments.spec import Replications
from sim.experiments.sweep import existing_status, partial_folder
from sim.outfolder import (
    ANALYSIS_FILES,
    MANIFEST,
    holding,
    is_write_error,
    owned,
    read_manifest,
    record_files,
    writable,
    write_failure,
)

def with_replications(exp: Experiment, count: int) -> Experiment:
    """The experiment with ``count`` replicates a design point instead of its file's (its fingerprint changes)."""
    reps = Replications(count=count)
    return dataclasses.replace(exp, replications=reps, config={**exp.config, "replications": reps.model_dump()})


def sweep(args: argparse.Namespace) -> int:
    """Check everything, run into DIR.partial/, analyse, then move the result to DIR at once."""

    exp = load_experiment(args.experiment)
    if getattr(args, "posterior", None) is not None:
        exp = dataclasses.replace(exp, posterior=use_posterior(args.posterior, args.posterior_draws,
                                                               exp.master_seed))
    if getattr(args, "replications", None) is not None:  # `questions --replications N`: a smaller run of the file
        exp = with_replications(exp, args.replications)
    for note in exp.collapsed:  # grid points that are one design run once (sim.experiments.duplicates)
        print(f"note: {note}", file=sys.stderr)
    out = Path(args.out) if args.out is not None else Path("results") / exp.name
    # The outputs' format: the experiment's, or --format (it does not change the experiment's fingerprint).
    fmt = getattr(args, "format", None) or exp.outputs.format
    if fmt != "csv" and not parquet_available():
        raise UsageError(f"{args.experiment}: format {fmt} needs pyarrow: pip install "
                         f"'paris-guarantees-sim[parquet]' (or --format csv)")
    if fmt != exp.outputs.format:
        exp = dataclasses.replace(exp, outputs=exp.outputs.model_copy(update={"format": fmt}))
    # Size: capped before anything starts (and before the folder is looked at).
    planned, most = check_size(exp, str(args.experiment), max_runs=getattr(args, "max_runs", None),
                               max_gb=getattr(args, "max_gb", None))
    if args.scheduler is not None:
        scheduler_address(args.scheduler)  # a malformed address is bad input, found before anything runs
        if args.workers:
            print("note: --workers is ignored with --scheduler (the cluster's workers run the sweep)",
                  file=sys.stderr)
    workers = args.workers or default_workers()
    more = f" (up to {most:,})" if exp.rule.adaptive else ""

    def announce(ex: Executing, plan: Plan) -> None:
        where = (f"Dask at {args.scheduler} ({ex.slots} threads)" if args.scheduler
                 else f"{ex.slots} local worker{'s' if ex.slots > 1 else ''}")
        print(f"{exp.name}: {len(exp.points)} design points ({exp.design}), {planned:,} runs{more}, "
              f"about {size_text(estimate_bytes(exp, planned))} on disk, on {where}"
              f"{' (resuming)' if plan.resume else ''} -> {plan.work}/, then {out}/", file=sys.stderr)

    work = partial_folder(out)
    try:
        done = sweep_into(exp, out, overwrite=getattr(args, "overwrite", False), resume=args.resume,
                          workers=workers, scheduler=args.scheduler, purpose=f"sweep {args.experiment}",
                          log=lambda m: print(m, file=sys.stderr), announce=announce)
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
    if done.report is None:
        print(f"{out}: the sweep of {exp.name!r} is complete; nothing to resume", file=sys.stderr)
        return EXIT_OK
    print(f"complete: {out}/", file=sys.stderr)
    return EXIT_OK


def analyze(args: argparse.Namespace) -> int:
    """Tables and plots from runs.csv; never overwrites a file of the same name it did not write."""

    directory = Path(args.directory)
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such folder (give a sweep's output folder, e.g. results/quick)")
    if not (directory / "runs.csv").is_file():
        raise UsageError(f"{directory}: no runs.csv here; run `python -m sim sweep EXPERIMENT` first")
    load_sweep(directory)  # every input checked before anything is written (and again under the lock)
    with holding(directory, flag="DIR", purpose=f"analyze {directory}"):
        load_sweep(directory)
        manifest = read_manifest(directory)
        if manifest is None and (directory / MANIFEST).exists():
            raise FolderError(f"{directory}/{MANIFEST}: not a manifest this tool wrote; analyze records there what "
                              f"it writes and never overwrites a file it did not write: move it away")
        mine = owned(manifest)
        clash = [n for n in ANALYSIS_FILES if (directory / n).exists() and n not in mine]
        if clash:  # the user's, whatever the flags (the folder contract): never replaced
            many = len(clash) > 1
            raise FolderError(f"{directory}: {', '.join(clash)} here {'were' if many else 'was'} not written by this "
                              f"tool (manifest.json does not list {'them' if many else 'it'}); analyze never replaces "
                              f"a file it did not write, --overwrite or not: move {'them' if many else 'it'} away")
        if not writable(directory):
            raise FolderError(f"{directory}: the folder is read-only")
        if manifest is not None and manifest.get("status") == "partial":
            print(f"note: {directory} holds an unfinished sweep ({manifest.get('runs_done', '?')} of "
                  f"{manifest.get('runs_planned', '?')} runs): the tables cover the runs so far", file=sys.stderr)
        try:
            record_files(directory, ANALYSIS_FILES)  # claimed before written: a kill leaves no unowned file
            analyze_directory(directory)  # prints the headline table and what it wrote
        except OSError as exc:
            if not is_write_error(exc):
                raise
            raise FolderError(write_failure(exc, directory, "writing the tables")) from None
    return EXIT_OK
