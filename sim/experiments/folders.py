"""A sweep's folders under the output-folder contract (``sim.outfolder``): the runs stream into
``DIR.partial/`` (resumable), the finished and analysed sweep moves to ``DIR`` at once.

One code path for ``python -m sim sweep`` and ``sim.api.sweep(out=...)``: the size limits
before anything starts, the folder's lock before any decision, and a refusal names the
flag (or the API's argument) that changes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sim.config.limits import MAX_GB, MAX_RUNS
from sim.errors import BadInput, FolderError, ResumeError, UsageError
from sim.executors import executor
from sim.experiments import sizes
from sim.experiments.analysis import SweepTables, analyze_and_write
from sim.experiments.columnar import convert_folder
from sim.experiments.config import Experiment
from sim.experiments.sweep import SweepReport, check_resumable, existing_status, partial_folder, run_sweep
from sim.outfolder import (
    ANALYSIS_FILES,
    MANIFEST,
    check_target,
    holding,
    inspect,
    is_write_error,
    publish,
    record_files,
    refuse_if_held,
    remove_owned,
)

# Rough sizes of what a run writes (measured on the shipped scenarios, 260 weeks).


@dataclass(frozen=True)
class Words:
    """How messages name the options: the command line's flags, or the API's arguments."""

    out: str = "--out"
    overwrite: str = "--overwrite"
    resume: str = "--resume"
    max_runs: str = "--max-runs"
    max_gb: str = "--max-gb"


CLI = Words()
API = Words("out", "overwrite=True", "resume=True", "max_runs", "max_gb")


def estimate_bytes(exp: Experiment, runs: int, fmt: str | None = None) -> int:
    """About how much a sweep of ``runs`` runs writes to disk, in its outputs' format (measured sizes:
    sim/experiments/sizes.py)."""
    return sizes.estimate_bytes(exp, runs, fmt or exp.outputs.format)


def size_text(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


def check_size(exp: Experiment, source: str, *, max_runs: float | None = MAX_RUNS, max_gb: float | None = MAX_GB,
               words: Words = CLI) -> tuple[int, int]:
    """(runs planned, most runs) of ``exp``; UsageError when it exceeds the caps (before anything starts)."""
    per_point = exp.rule.cap if exp.rule.adaptive else exp.rule.initial
    most = len(exp.points) * per_point
    if max_runs is not None and most > max_runs:
        raise UsageError(f"{source}: {len(exp.points):,} design points x {per_point:,} replicates = {most:,} runs, "
                         f"more than {words.max_runs} {max_runs:,}; raise {words.max_runs} if this is meant")
    est = estimate_bytes(exp, most)
    if max_gb is not None and est > max_gb * 1e9:
        raise UsageError(f"{source}: the sweep would write about {size_text(est)} (steps and events included), more "
                         f"than {words.max_gb} {max_gb:g}; raise {words.max_gb}, or keep fewer steps "
                         f"(outputs.step_period) or no events")
    return len(exp.points) * exp.rule.initial, most


@dataclass(frozen=True)
class Plan:
    """What a sweep does with its folders, decided from what they hold."""

    work: Path  # DIR.partial
    resume: bool
    discard: bool  # an unfinished sweep in DIR.partial is discarded first (--overwrite)
    overwrite: bool  # DIR's earlier result may be replaced once the new sweep is complete
    complete: bool = False  # --resume on a sweep that is already complete: nothing to do


def plan(exp: Experiment, out: Path, *, overwrite: bool, resume: bool, words: Words = CLI) -> Plan:
    """Decide from what ``out`` and ``out.partial`` hold; raise what refuses them. Writes nothing."""
    work = partial_folder(out)
    target = check_target(out, overwrite=True, flag=words.out, overwrite_flag=words.overwrite)
    if work.exists() and not work.is_dir():
        raise FolderError(f"{work}: a file where the sweep keeps its unfinished runs ({out.name}.partial/); move "
                          f"it, or pick another {words.out}")
    unfinished = inspect(work, words.out)
    if unfinished.manifest is None and (work / MANIFEST).is_file():
        raise FolderError(f"{work / MANIFEST}: damaged or not this tool's (it cannot be read), so what {work.name}/ "
                          f"holds cannot be told apart from your files; move {work.name}/ away, or pick another "
                          f"{words.out}")
    if unfinished.foreign:
        raise FolderError(f"{work}: holds files this tool did not write ({', '.join(unfinished.foreign[:5])}); "
                          f"the sweep streams its runs there: move them, or pick another {words.out}")
    prior = unfinished.manifest if unfinished.exists and not unfinished.empty else None
    if unfinished.exists and unfinished.ours and prior is None:
        prior = {}
    if resume:
        if prior is None:
            if target.manifest and target.manifest.get("fingerprint") == exp.fingerprint() \
                    and target.manifest.get("status") == "complete":
                return Plan(work, True, False, overwrite, complete=True)
            raise ResumeError(f"{out}: no unfinished sweep to resume ({work} does not exist); start one without "
                              f"{words.resume}")
        check_resumable(exp, work, words.resume)
        overwrite = overwrite or bool(prior.get("overwrite"))
    elif prior is not None and not overwrite:
        raise UsageError(
            f"{work} holds an unfinished sweep of {prior.get('experiment')!r} ({prior.get('runs_done', '?')} of "
            f"{prior.get('runs_planned', '?')} runs saved); finish it with {words.resume}, or give "
            f"{words.overwrite} to discard it")
    if target.ours and not overwrite:
        raise FolderError(f"{out}: holds {target.describe()}; give {words.overwrite} to replace it once the new "
                          f"sweep is complete, or pick another {words.out}")
    return Plan(work, resume, not resume and prior is not None, overwrite)


@dataclass
class Swept:
    """A finished sweep: the run report and the analysis (None when there was nothing to resume)."""

    report: SweepReport | None
    tables: SweepTables | None
    plan: Plan


def sweep_into(exp: Experiment, out: Path, *, overwrite: bool = False, resume: bool = False, workers: int = 1,
               scheduler: str | None = None, words: Words = CLI, quiet: bool = False, purpose: str = "sweep",
               log: Callable[[str], None] | None = None,
               announce: Callable[[Any, Plan], None] | None = None) -> Swept:
    """Stream ``exp``'s runs into ``out.partial/``, analyse them there, then publish them to ``out``.

    Lock first, then decide (``plan``); an unfinished sweep discarded by ``overwrite`` loses only
    the files its manifest lists. A full disk stops the sweep with the runs saved so far kept for
    ``resume``. ``quiet``: no progress and no tables printed. ``announce(executing, plan)`` is
    called once the workers are up, before the first run.
    """
    out = Path(out)
    try:
        first = plan(exp, out, overwrite=overwrite, resume=resume, words=words)  # a refusal costs nothing
    except BadInput:
        refuse_if_held(out, words.out)  # a writer busy there is what the user must hear first
        raise
    if first.complete:
        return Swept(None, None, first)
    with holding(out, flag=words.out, purpose=purpose) as hold:
        decided = plan(exp, out, overwrite=overwrite, resume=resume, words=words)  # under the lock
        if decided.complete:
            return Swept(None, None, decided)
        work = decided.work
        try:
            with executor(workers, scheduler) as ex:  # a cluster out of reach fails before anything is changed
                if decided.discard and not remove_owned(work):
                    raise FolderError(f"{work}: holds files this tool did not write besides the unfinished sweep, "
                                      f"which was removed; move them, or pick another {words.out}")
                try:
                    work.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise FolderError(f"{work}: cannot create the folder ({exc.strerror})") from None
                if announce is not None:
                    announce(ex, decided)
                report = run_sweep(exp, work, ex.executor, slots=ex.slots, resume=decided.resume,
                                   executor_name=ex.name, quiet=quiet,
                                   manifest_extra={"overwrite": decided.overwrite, "result_folder": str(out)})
            if log is not None:
                rate = (f" ({report.ran_now / report.seconds:.0f} runs/s)"
                        if report.seconds > 0 and report.ran_now else "")
                log(f"{report.ran_now} runs in {report.seconds:.1f}s{rate}; {report.runs_done} runs in "
                    f"{work}/runs.csv")
            record_files(work, ANALYSIS_FILES)
            tables = analyze_and_write(work, quiet=quiet, shown_as=out, max_workers=max(1, workers))
            convert_folder(work, exp.outputs.format)  # Parquet when the experiment asks (outputs.format)
        except OSError as exc:
            if not is_write_error(exc):
                raise
            status = existing_status(work) or {}
            raise FolderError(
                f"{work}: writing the sweep failed: {exc.strerror or exc}"
                + (f" ({exc.filename})" if exc.filename else "")
                + f"; the runs saved so far ({status.get('runs_done', '?')} of {status.get('runs_planned', '?')}) "
                  f"are kept there: free some space and finish with {words.resume}; {out} is unchanged") from None
        publish(work, out, overwrite=decided.overwrite, flag=words.out, overwrite_flag=words.overwrite, hold=hold)
    return Swept(report, tables, decided)


__all__ = ["API", "CLI", "Plan", "Swept", "Words", "check_size", "estimate_bytes", "plan",
           "size_text", "sweep_into"]
