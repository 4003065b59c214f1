"""``python -m sim validate-model [--quick] [--out DIR] [--workers N]``.

Runs ``experiments/validation.yaml`` through the sweep layer (process pool, common random
numbers), judges the six patterns of ``sim.validation.patterns``
(every run in a plausible world of the calibration: ``--posterior plausible``, 20 points), prints the verdicts and
writes tables and figures. Exit code 0 when every pattern passes, 1 when any fails.

``python -m sim.validation DIR [--quick]`` judges the runs already in ``DIR/runs/`` again
(tables and figures only, no new runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config import EXPERIMENTS_DIR
from sim.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from sim.executors import default_workers, executor
from sim.experiments.config import load_experiment
from sim.experiments.spec import Replications
from sim.experiments.sweep import run_sweep
from sim.config.posterior import use_posterior
from sim.files import atomic_write, git_commit, write_manifest
from sim.outfolder import staged
from sim.provenance import package_info
from sim.validation import patterns as P
from sim.validation import report, response_timing

EXPERIMENT = Path(EXPERIMENTS_DIR) / "validation.yaml"
# Model v1's --quick also ran 2,500 pairs of pattern 6's close pair (experiments/
# validation_close_pair.yaml). Under Model v2 the pair differs by about 0.1 point and no affordable
# sample decides it, so --quick judges every pair on the same 400 replicates; the file stays for a
# sweep of the pair alone.
QUICK_REPLICATES = 400  # --quick: replicates 0..399 of every scenario (the full run: the file's count)


POSTERIOR_DRAWS = 20  # replicate k runs in plausible point k % 20 of the shipped plausible set
TIMING_SEEDS = {True: 60, False: 200}  # pattern 6's seeded replicates (quick, full)


def load(quick: bool, experiment: Path = EXPERIMENT) -> Any:
    """The validation experiment over the calibration's plausible set; ``quick`` keeps its first
    QUICK_REPLICATES replicates."""
    exp = load_experiment(experiment)
    if quick:
        exp = dataclasses.replace(exp, replications=Replications(count=QUICK_REPLICATES))
    return dataclasses.replace(exp, posterior=use_posterior("plausible", POSTERIOR_DRAWS, exp.master_seed))


def timing_table(out: Path, quick: bool) -> pd.DataFrame:
    """Pattern 6's table: read from ``out/response_timing.csv`` when a run wrote it, else measured and written."""
    path = out / "response_timing.csv"
    if path.is_file():
        return pd.read_csv(path)
    frame = response_timing.compare(TIMING_SEEDS[quick])
    atomic_write(path, frame.to_csv(index=False, float_format="%.6g", lineterminator="\n"))
    return frame


def run(exp: Any, runs_dir: Path, workers: int) -> float:
    """Every run of the experiment, fresh (never resumed: the point is to test today's code)."""
    started = time.perf_counter()
    with executor(workers) as ex:
        run_sweep(exp, runs_dir, ex.executor, slots=ex.slots, executor_name=ex.name)
    return time.perf_counter() - started


def judge(runs: pd.DataFrame, out: Path, meta: dict[str, Any], *, figures: bool = True) -> list[P.PatternResult]:
    """Evaluate every pattern, write the tables (and figures), return the results."""
    quick = meta["mode"] == "quick"
    results = P.evaluate_all(runs, quick=quick, timing=timing_table(out, quick))
    if not quick:
        n = P.smallest_deciding_pairs(runs, *P.CLOSE_PAIR)
        meta["close_pair_deciding_pairs"] = n
    horizon = int(runs["horizon_weeks"].max())
    written = report.write_figures(results, runs, out, horizon) if figures else {}
    report.write_tables(results, out, meta, written, runs)
    return results


def replicates_by_scenario(runs: pd.DataFrame) -> dict[str, int]:
    """Paired replicates each scenario actually ran (the close pair runs more in --quick)."""
    return {str(k): int(v) for k, v in runs.groupby("scenario", sort=True)["replicate"].nunique().items()}


def _meta(exp: Any, quick: bool, runs: pd.DataFrame, seconds: float, workers: int | str, command: str) -> dict:

    by = replicates_by_scenario(runs)
    counts = sorted(set(by.values()))
    return {"mode": "quick" if quick else "full", "replicates": counts[0] if counts else 0,
            "replicates_by_scenario": by,
            "more_replicates": {s: n for s, n in by.items() if n != (counts[0] if counts else 0)},
            "runs": len(runs), "horizon_weeks": int(runs["horizon_weeks"].max()), "master_seed": exp.master_seed,
            "seconds": seconds, "workers": workers, "command": command,
            "date": time.strftime("%Y-%m-%d %H:%M", time.localtime()), "git_commit": git_commit() or "unknown"}


def validate(quick: bool, out: Path, workers: int, *, figures: bool = True,
             command: str = "python -m sim validate-model") -> tuple[list[P.PatternResult], dict[str, Any]]:
    """Run and judge: what the command and the test suite call."""
    exp = load(quick)
    out.mkdir(parents=True, exist_ok=True)
    runs_dir = out / "runs"
    seconds = run(exp, runs_dir, workers)
    runs = pd.read_csv(runs_dir / "runs.csv")
    meta = _meta(exp, quick, runs, seconds, f"process pool ({workers} workers)", command)
    return judge(runs, out, meta, figures=figures), meta


def validate_model(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out is not None else Path("results") / "validation"
    workers = args.workers or default_workers()
    command = "python -m sim validate-model" + (" --quick" if args.quick else "") + \
              (f" --out {args.out}" if args.out is not None else "")
    exp = load(args.quick)
    print(f"validate-model: {len(exp.points)} scenarios x {exp.rule.initial} paired replicates on {workers} "
          f"worker(s) -> {out}/", file=sys.stderr)
    try:
        # Written beside --out and moved in place at the end: a kill leaves the old result or the new.
        with staged(out, overwrite=getattr(args, "overwrite", False)) as work:
            results, meta = validate(args.quick, work, workers, command=command)
            write_manifest(work / "manifest.json", {
                "command": "validate-model", "mode": meta["mode"], "files": sorted(
                    p.name + ("/" if p.is_dir() else "") for p in work.iterdir()),
                "replicates_by_scenario": meta["replicates_by_scenario"], "runs": meta["runs"],
                "package": package_info(), "git_commit": meta["git_commit"],
                "seconds": round(meta["seconds"], 1), "inputs": exp.inputs})
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenProcessPool as exc:
        print(f"error: a worker process died ({exc})", file=sys.stderr)
        return EXIT_FAILED
    print(report.console(results, meta))
    if meta.get("close_pair_deciding_pairs"):
        a, b = P.CLOSE_PAIR
        print(f"note: {a} > {b} is decided (Newcombe lower bound > 0 from then on) from "
              f"{meta['close_pair_deciding_pairs']} pairs")
    print(f"wrote patterns.csv, measures.csv, validation_tables.md and figures to {out}/ "
          f"({meta['runs']} runs in {meta['seconds']:.0f} s)")
    return EXIT_FAILED if report.failed(results, meta["mode"] == "quick") else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.validation DIR [--quick]``: judge the runs already in DIR/runs/ again."""
    parser = argparse.ArgumentParser(prog="python -m sim.validation",
                                     description="Judge the patterns again from DIR/runs/runs.csv (no new runs).")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--quick", action="store_true", help="apply the quick-mode rules")
    args = parser.parse_args(argv)
    runs = pd.read_csv(args.directory / "runs" / "runs.csv")
    exp = load(args.quick)
    meta = _meta(exp, args.quick, runs, float("nan"), "-", f"python -m sim.validation {args.directory}")

    manifest = args.directory / "runs" / "manifest.json"
    if manifest.is_file():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        meta["seconds"] = float(m.get("timings", {}).get("sweep_seconds") or float("nan"))
        meta["date"] = m.get("started", meta["date"]).replace("T", " ")[:16]
        meta["git_commit"] = m.get("git_commit") or meta["git_commit"]
        meta["workers"] = m.get("executor") or "-"
    results = judge(runs, args.directory, meta)
    print(report.console(results, meta))
    return EXIT_FAILED if report.failed(results, meta["mode"] == "quick") else EXIT_OK
