"""Run an experiment through any ``concurrent.futures.Executor`` and stream results to disk.

- Bounded submissions: at most a few chunks per worker in flight, nothing kept after it
  is written, so memory stays flat however many runs a study has.
- Crash safety: a chunk's steps and events are written and flushed before its runs.csv
  lines; runs.csv is the record of what is done, and the manifest is rewritten after every
  chunk (``runs_done``). ``resume`` truncates a torn last line, drops orphan steps/events
  rows, and runs only what is missing.
- One order: chunks are written in the order they were handed out (``ReplicateScheduler``),
  whichever finishes first, so the files are byte-identical for any number of workers.
- The same outcomes whichever executor ran them: see ``sim.experiments.execution``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import csv
import io
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO

from tqdm import tqdm

from sim.errors import ResumeError
from sim.executors import in_order
from sim.experiments.config import Experiment
from sim.experiments.design import RUN_ID_STRIDE, ReplicateScheduler, run_id
from sim.experiments.execution import Outcome, Task, run_tasks, runs_header
from sim.files import atomic_write, csv_text, git_commit, versions, write_manifest
from sim.outputs import EVENT_COLUMNS, STEP_COLUMNS
from sim.provenance import package_info

RUNS, STEPS, EVENTS, POINTS, MANIFEST = "runs.csv", "steps.csv", "events.csv", "design_points.csv", "manifest.json"


@dataclass
class SweepReport:
    out: Path
    status: str  # 'complete' | 'partial'
    runs_done: int
    runs_planned: int
    ran_now: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


# --- the folder -------------------------------------------------------------------------

def design_points_text(exp: Experiment) -> str:
    header = ["design_point", "label", "scenario", *exp.parameters]
    rows = [[p.id, p.label, p.scenario, *p.values] for p in exp.points]
    return csv_text(header, rows)


def _truncate_torn(path: Path) -> None:
    """Cut a file back to its last complete line (a kill can tear the last write)."""
    if not path.exists():
        return
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb+") as f:
        pos, tail = size, b""
        while pos > 0:
            step = min(65536, pos)
            f.seek(pos - step)
            tail = f.read(step)
            nl = tail.rfind(b"\n")
            if nl >= 0:
                f.truncate(pos - step + nl + 1)
                return
            pos -= step
        f.truncate(0)


def _damaged(path: Path, line: int | None, what: str) -> ResumeError:
    where = f"{path}:{line}" if line else str(path)
    return ResumeError(f"{where}: {what}; the unfinished sweep cannot be resumed from a damaged file: give "
                       f"--overwrite (overwrite=True) to start it again, discarding the runs saved so far")


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV file the sweep wrote; a damaged file raises ResumeError naming it."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f, strict=True)
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError as exc:
        raise _damaged(path, None, f"not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise _damaged(path, None, f"not a well-formed CSV file ({exc})") from None
    except OSError as exc:
        raise _damaged(path, None, f"cannot be read ({exc.strerror})") from None


def read_done(path: Path) -> dict[int, dict[int, bool]]:
    """design_point -> {replicate: escalated} for every complete row of runs.csv (ResumeError if damaged)."""
    done: dict[int, dict[int, bool]] = {}
    if not path.exists():
        return done
    rows = _rows(path)
    first = next(rows, None)
    if first is None or not first[1]:
        return done
    header = first[1]
    missing = [c for c in ("design_point", "replicate", "escalated") if c not in header]
    if missing:
        raise _damaged(path, 1, f"no column {', '.join(missing)} in the header")
    i_dp, i_rep, i_esc = header.index("design_point"), header.index("replicate"), header.index("escalated")
    for line, row in rows:
        if not row:
            continue
        if len(row) != len(header):
            raise _damaged(path, line, f"{len(row)} cells where the header has {len(header)}")
        try:
            dp, rep = int(row[i_dp]), int(row[i_rep])
        except ValueError:
            raise _damaged(path, line, f"design_point {row[i_dp]!r} or replicate {row[i_rep]!r} is not a whole "
                                       f"number") from None
        if row[i_esc] not in ("True", "False") or dp < 0 or rep < 0:
            raise _damaged(path, line, f"not a run this sweep wrote (design_point {row[i_dp]!r}, replicate "
                                       f"{row[i_rep]!r}, escalated {row[i_esc]!r})")
        if rep in done.get(dp, {}):
            raise _damaged(path, line, f"design point {dp}, replicate {rep} appears twice")
        done.setdefault(dp, {})[rep] = row[i_esc] == "True"
    return done


def _drop_orphans(path: Path, done_ids: set[int], header: list[str]) -> int:
    """Remove steps/events rows of runs that never reached runs.csv. Returns rows dropped."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    rows = _rows(path)
    first = next(rows, None)
    if first is not None and first[1] != header:
        raise _damaged(path, 1, "its header is not the columns this sweep writes")
    orphans = 0
    for line, row in rows:
        if not row:
            continue
        try:
            orphans += int(row[0]) not in done_ids
        except ValueError:
            raise _damaged(path, line, f"run_id {row[0]!r} is not a whole number") from None
    if not orphans:
        return 0
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with path.open(newline="", encoding="utf-8") as src, os.fdopen(fd, "w", newline="", encoding="utf-8") as dst:
            reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
            writer.writerow(next(reader))
            for row in reader:
                if row and int(row[0]) in done_ids:
                    writer.writerow(row)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return orphans


def _append(path: Path, opened: list[TextIO]) -> TextIO:
    f = path.open("a", newline="", encoding="utf-8")
    opened.append(f)
    return f


def _ensure_header(path: Path, header: list[str]) -> None:
    if not path.exists() or path.stat().st_size == 0:
        path.write_text(csv_text(header, []), encoding="utf-8")


# --- progress ------------------------------------------------------------------------------

class Progress:
    """tqdm on a terminal; plain periodic lines otherwise (logs, CI)."""

    def __init__(self, name: str, total: int, initial: int, stream: TextIO | None = None,
                 period: float = 10.0) -> None:
        stream = stream if stream is not None else sys.stderr  # today's stderr, not the one at import
        self.name, self.total, self.done, self.stream = name, total, initial, stream
        self.start_done, self.t0, self.period, self.last = initial, time.monotonic(), period, time.monotonic()
        self.bar = None
        if stream.isatty():
            self.bar = tqdm(total=total, initial=initial, unit="run", desc=name, file=stream,
                            dynamic_ncols=True, smoothing=0.1)

    def update(self, n: int, total: int) -> None:
        self.done += n
        if self.bar is not None:
            if total != self.bar.total:
                self.bar.total = total
                self.bar.refresh()
            self.bar.update(n)
            return
        self.total = total
        now = time.monotonic()
        if now - self.last >= self.period:
            self.last = now
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        elapsed = time.monotonic() - self.t0
        rate = (self.done - self.start_done) / elapsed if elapsed > 0 else 0.0
        left = self.total - self.done
        eta = f"{left / rate:.0f}s" if rate > 0 else "?"
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return f"{self.name}: {self.done}/{self.total} runs ({pct:.0f}%), {rate:.1f} runs/s, ETA {eta}"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.done > self.start_done:
            self.stream.write(self.line() + "\n")
            self.stream.flush()


# --- the sweep ------------------------------------------------------------------------------

def run_sweep(exp: Experiment, out: Path, executor: cf.Executor, *, slots: int, resume: bool = False,
              executor_name: str = "", progress_period: float = 10.0,
              chunk_size: int | None = None, on_chunk: Callable[[int], None] | None = None,
              progress_stream: TextIO | None = None, quiet: bool = False,
              manifest_extra: dict[str, Any] | None = None) -> SweepReport:
    """Run every missing run of ``exp`` on ``executor``, streaming to ``out``.

    ``out`` is a fresh folder (or, with ``resume``, one this experiment started).
    ``slots`` is the executor's parallelism (worker processes or Dask threads): up to
    2 * slots + 2 chunks are in flight or waiting for their turn to be written, so that
    chunks are written in order (the same bytes whatever the number of workers).
    KeyboardInterrupt propagates after the files are consistent and the manifest says
    'partial'. ``quiet``: no progress lines.
    """
    started_wall = time.time()
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    header = runs_header(exp.parameters, exp.posterior is not None)
    manifest_path = out / MANIFEST
    base_manifest = {"command": "sweep", **exp.manifest(), "package": package_info(), "versions": versions(),
                     "git_commit": git_commit(), **(manifest_extra or {})}
    files = [RUNS, POINTS] + ([STEPS] if exp.outputs.steps else []) + ([EVENTS] if exp.outputs.events else [])

    if resume:
        done = _prepare_resume(exp, out)
        earlier = existing_status(out) or {}
        listed = earlier.get("files") if isinstance(earlier.get("files"), list) else []
        files += [f for f in listed if isinstance(f, str) and f not in files]  # e.g. tables analyze wrote
    else:
        there = [name for name in (RUNS, STEPS, EVENTS) if (out / name).exists()]
        if there:  # never replace runs: the caller gives a fresh folder
            raise ResumeError(f"{out} already holds {', '.join(there)}; finish it with --resume or pick "
                              f"another folder")
        done = {}
    sched = ReplicateScheduler(len(exp.points), exp.rule, done)
    done_before = sched.completed
    del done

    def manifest(status: str, seconds: float) -> None:
        write_manifest(manifest_path, {
            **base_manifest, "status": status, "files": files,
            "runs_planned": sched.planned, "runs_done": sched.completed,
            "executor": executor_name, "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started_wall)),
            "timings": {"sweep_seconds": round(seconds, 3),
                        "runs_per_second": round((sched.completed - done_before) / seconds, 2) if seconds else None},
        })

    manifest("partial", 0.0)  # the files are listed before they are written: a kill leaves none unlisted
    atomic_write(out / POINTS, design_points_text(exp))
    _ensure_header(out / RUNS, header)
    if exp.outputs.steps:
        _ensure_header(out / STEPS, list(STEP_COLUMNS))
    if exp.outputs.events:
        _ensure_header(out / EVENTS, list(EVENT_COLUMNS))

    outputs = exp.outputs
    opened: list[TextIO] = []
    ran_now = 0
    status = "partial"
    try:
        f_runs = _append(out / RUNS, opened)
        f_steps = _append(out / STEPS, opened) if outputs.steps else None
        f_events = _append(out / EVENTS, opened) if outputs.events else None
        status, ran_now = _drive(exp, executor, sched, slots=slots, chunk_size=chunk_size,
                                 write=lambda outcomes: _write(outcomes, f_runs, f_steps, f_events),
                                 progress=_progress(exp, sched, progress_period, progress_stream, quiet),
                                 on_chunk=on_chunk,
                                 checkpoint=lambda: manifest("partial", time.perf_counter() - t0))
    except BaseException:
        for f in opened:  # a full disk may refuse the last bytes too: the files stay resumable
            with contextlib.suppress(OSError):
                f.close()
        with contextlib.suppress(OSError):
            manifest("partial", time.perf_counter() - t0)
        raise
    for f in opened:
        f.close()
    seconds = time.perf_counter() - t0
    manifest(status, seconds)
    return SweepReport(out, status, sched.completed, sched.planned, ran_now, seconds)


@dataclass
class MemorySweep:
    """A sweep kept in memory: the CSV text the files would hold, byte for byte."""

    runs_text: str
    steps_text: str
    events_text: str
    report: SweepReport


def run_sweep_in_memory(exp: Experiment, executor: cf.Executor, *, slots: int, chunk_size: int | None = None,
                        progress_period: float = 10.0, progress_stream: TextIO | None = None,
                        quiet: bool = True) -> MemorySweep:
    """Run every run of ``exp`` on ``executor`` and keep the results in memory (no files).

    The text is what ``run_sweep`` would write to runs.csv, steps.csv and events.csv, in
    the order the runs finished (sort by run_id for a canonical order).
    """
    t0 = time.perf_counter()
    sched = ReplicateScheduler(len(exp.points), exp.rule, {})
    runs, steps, events = io.StringIO(), io.StringIO(), io.StringIO()
    runs.write(csv_text(runs_header(exp.parameters, exp.posterior is not None), []))
    if exp.outputs.steps:
        steps.write(csv_text(list(STEP_COLUMNS), []))
    if exp.outputs.events:
        events.write(csv_text(list(EVENT_COLUMNS), []))
    status, ran_now = _drive(exp, executor, sched, slots=slots, chunk_size=chunk_size,
                             write=lambda outcomes: _write(outcomes, runs, steps if exp.outputs.steps else None,
                                                           events if exp.outputs.events else None),
                             progress=_progress(exp, sched, progress_period, progress_stream, quiet))
    report = SweepReport(Path(), status, sched.completed, sched.planned, ran_now, time.perf_counter() - t0)
    return MemorySweep(runs.getvalue(), steps.getvalue(), events.getvalue(), report)


class _Silent:
    def update(self, n: int, total: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(exp: Experiment, sched: ReplicateScheduler, period: float, stream: TextIO | None,
              quiet: bool) -> Progress | _Silent:
    if quiet:
        return _Silent()
    return Progress(exp.name, sched.planned, sched.completed, stream=stream or sys.stderr, period=period)


def _drive(exp: Experiment, executor: cf.Executor, sched: ReplicateScheduler, *, slots: int,
           chunk_size: int | None, write: Callable[[list[Outcome]], None], progress: Progress | _Silent,
           on_chunk: Callable[[int], None] | None = None,
           checkpoint: Callable[[], None] | None = None) -> tuple[str, int]:
    """Hand ``sched``'s runs to ``executor`` in chunks and ``write`` each finished chunk.

    Returns (status, runs done now); status is 'complete' unless interrupted.
    """
    params = exp.parameters
    overrides = [tuple(zip(params, p.values)) for p in exp.points]
    refs = [p.scenario_ref for p in exp.points]
    outputs = exp.outputs

    def make_task(dp: int, rep: int) -> Task:
        draw, constants = (None, ()) if exp.posterior is None else exp.posterior.for_replicate(rep)
        return Task(run_id(dp, rep), dp, rep, refs[dp], overrides[dp], exp.master_seed, exp.horizon_weeks,
                    outputs.steps, outputs.events, outputs.step_period, exp.study, constants, draw)

    # Chunks of ~1/8 of a slot's share, 1..32 runs: few round trips, small loss on a kill.
    left = sched.planned - sched.completed
    if chunk_size is None:
        chunk_size = max(1, min(32, left // (slots * 16) if left else 1))

    def next_chunk() -> list[Task] | None:
        """The next runs the scheduler hands out (None: nothing until the round's results are recorded)."""
        chunk = []
        while len(chunk) < chunk_size:
            nxt = sched.take()
            if nxt is None:
                break
            chunk.append(make_task(*nxt))
        return chunk or None

    ran_now = 0
    try:
        for _, outcomes in in_order(executor, run_tasks, next_chunk, window=2 * slots + 2):
            write(outcomes)
            for o in outcomes:
                sched.record(o.design_point, o.escalated, o.replicate)
            ran_now += len(outcomes)
            if checkpoint is not None:
                checkpoint()  # the manifest always tells how many runs are saved
            progress.update(len(outcomes), sched.planned)
            if on_chunk is not None:
                on_chunk(ran_now)
    finally:
        progress.close()
    return "complete", ran_now


def _write(outcomes: list[Outcome], f_runs: TextIO, f_steps: TextIO | None, f_events: TextIO | None) -> None:
    """Steps and events first, runs.csv last: a run is done once its runs.csv line is on disk."""
    if f_steps is not None:
        f_steps.write("".join(o.steps_text for o in outcomes))
        f_steps.flush()
    if f_events is not None:
        f_events.write("".join(o.events_text for o in outcomes))
        f_events.flush()
    f_runs.write("".join(o.runs_line for o in outcomes))
    f_runs.flush()


def check_resumable(exp: Experiment, out: Path, resume_word: str = "--resume") -> None:
    """Raise ResumeError unless ``out`` holds a sweep of this very experiment."""
    manifest_path = out / MANIFEST
    if not manifest_path.is_file() or not (out / RUNS).is_file():
        raise ResumeError(f"{out}: no sweep to resume here (no manifest.json and runs.csv); "
                          f"run without {resume_word} to start one")
    try:
        if manifest_path.stat().st_size > 50_000_000:
            raise ValueError("larger than any manifest the tool writes")
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise _damaged(manifest_path, None, f"unreadable ({exc})") from None
    if not isinstance(old, dict):
        raise _damaged(manifest_path, None, "not the JSON object the tool writes")
    if old.get("fingerprint") != exp.fingerprint():
        raise ResumeError(
            f"{out} holds a sweep of a different experiment (or the experiment file or its scenarios "
            f"changed since it started: fingerprint {old.get('fingerprint')} vs {exp.fingerprint()}); "
            f"start again without {resume_word}, or pick another folder")


def _prepare_resume(exp: Experiment, out: Path) -> dict[int, dict[int, bool]]:
    check_resumable(exp, out)
    for name in (RUNS, STEPS, EVENTS):
        _truncate_torn(out / name)
    header = runs_header(exp.parameters, exp.posterior is not None)
    first = next(_rows(out / RUNS), (1, []))[1]
    if first and first != header:
        raise _damaged(out / RUNS, 1, "its columns are not this experiment's")
    done = read_done(out / RUNS)
    bad = [dp for dp in done if dp >= len(exp.points)]
    if bad:
        raise _damaged(out / RUNS, None, f"design point {bad[0]} is not in this experiment "
                                         f"(it has {len(exp.points)})")
    limit = exp.rule.cap if exp.rule.adaptive else exp.rule.initial
    over = [(dp, rep) for dp, reps in done.items() for rep in reps if rep >= limit]
    if over:
        raise _damaged(out / RUNS, None, f"replicate {over[0][1]} of design point {over[0][0]} is beyond this "
                                         f"experiment's {limit} replicates")
    done_ids = {run_id(dp, rep) for dp, reps in done.items() for rep in reps}
    for name, columns in ((STEPS, list(STEP_COLUMNS)), (EVENTS, list(EVENT_COLUMNS))):
        _drop_orphans(out / name, done_ids, columns)
    return done


def partial_folder(out: Path) -> Path:
    """Where a sweep streams its runs until it is complete: ``DIR.partial`` beside ``DIR``."""
    return out.parent / f"{out.name}.partial"


def existing_status(out: Path) -> dict[str, Any] | None:
    """The manifest of a sweep already in ``out``, if any."""
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


__all__ = ["RUN_ID_STRIDE", "MemorySweep", "check_resumable", "SweepReport", "run_sweep",
           "run_sweep_in_memory", "read_done", "design_points_text",
           "existing_status"]
