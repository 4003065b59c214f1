"""``python -m sim validate-history``: the pre-registered history check as a command (the runs are
``sim.validation.history``, the statistics ``history_scores``, the tables and the figure ``history_report``).

Writes history.csv, history_scores.csv, history_tests.csv, history_tables.md, history_reliability.png and
manifest.json into a staged folder (nothing is left half-written), with the commit that added the cases file
beside the run's own, so that the order of the two shows the pre-registration.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sim.config import load_scenario_files
from sim.config.library import using_study
from sim.config.posterior import use_posterior
from sim.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from sim.executors import default_workers
from sim.files import write_manifest
from sim.outfolder import staged
from sim.provenance import file_record, git_state, package_info, scenario_inputs
from sim.validation import history_report as report
from sim.validation.history import (GUARANTEES_OFF, MASTER_SEED, QUICK_REPLICATES, REPLICATES, WINDOW_WEEKS,
                                    cases_path, check_inputs, load_cases, run)


def preregistration(path: Path) -> str | None:
    """The commit that added the cases file and its date (``git log``), or None outside a git work tree (a wheel):
    the order of this commit and the run's shows that the cases were fixed before the forecasts."""
    if git_state()[0] is None:
        return None
    try:
        found = subprocess.run(["git", "-C", str(path.resolve().parent), "log", "--diff-filter=A", "--format=%h %ad",
                                "--date=format:(%Y-%m-%d %H:%M)", "--", path.name],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = found.stdout.split("\n") if found.returncode == 0 else []
    lines = [x for x in lines if x.strip()]
    return lines[-1] if lines else None


def validate_history(args: argparse.Namespace) -> int:
    """``python -m sim validate-history``: exit 0 with the tables written, 2 on bad input."""
    out = Path(args.out) if args.out is not None else Path("results") / "history"
    workers = args.workers or default_workers()
    replicates = args.replicates or (QUICK_REPLICATES if args.quick else REPLICATES)
    command = ("python -m sim validate-history" + (" --quick" if args.quick else "")
               + (f" --replicates {args.replicates}" if args.replicates else "")
               + (f" --out {args.out}" if args.out is not None else "")
               + (f" --posterior {args.posterior} --posterior-draws {args.posterior_draws}"
                  if getattr(args, "posterior", None) is not None else ""))
    use = None
    if getattr(args, "posterior", None) is not None:  # the plausible worlds: replicate k uses draw k % N
        use = use_posterior(args.posterior, args.posterior_draws, MASTER_SEED)
    draws = [dict(v) for v in use.values] if use is not None else None
    with using_study(None):  # shipped scenarios and cases only, as validate-model
        path = cases_path()
        cases = load_cases(path)
        check_inputs(cases, draws)
        scored = [c for c in cases if c.scored]
        print(f"validate-history: {len(scored)} cases ({sum(c.sample == 'out_of_sample' for c in scored)} out of "
              f"sample) x {replicates} replicates x 2 model forecasters on {workers} worker(s) -> {out}/",
              file=sys.stderr)
        try:
            with staged(out, overwrite=getattr(args, "overwrite", False)) as work:
                result = run(cases, replicates, workers, draws=draws)
                meta = {"master_seed": MASTER_SEED, "seconds": result.seconds,
                        "workers": f"{workers} worker{'s' if workers > 1 else ''}", "command": command,
                        "git_commit": (package_info().get("git_commit") or "")[:7],
                        "date": time.strftime("%Y-%m-%d", time.localtime()),
                        "posterior": use.record() if use is not None else None,
                        "preregistered": preregistration(path)}
                tables = report.write(work, result, meta)
                scenarios = {}
                for name in sorted({c.scenario for c in scored}):
                    scenario, chain = load_scenario_files(name)
                    scenarios[name] = scenario_inputs(chain, scenario)
                write_manifest(work / "manifest.json", {
                    "command": "validate-history", "mode": "quick" if args.quick else "full",
                    "invocation": command, "files": list(report.OUTPUT_FILES),
                    "cases": len(cases), "scored": len(scored), "replicates": replicates, "runs": result.runs,
                    "configurations": result.configurations, "window_weeks": WINDOW_WEEKS,
                    "base_rates": result.rates,
                    "case_type_rates": {f"{k}/{lvl}": v for (k, lvl), v in result.kind_rates.items()},
                    "master_seed": MASTER_SEED,
                    "seeds": "replicate k of every case and forecaster uses sim.runner.replicate_seed(master_seed, k) "
                             "(common random numbers)",
                    "guarantees_off": GUARANTEES_OFF, "preregistered": preregistration(path),
                    "package": package_info(),
                    "git_commit": package_info().get("git_commit"), "seconds": round(result.seconds, 1),
                    "workers": workers,
                    "inputs": {"cases_file": file_record(path), "scenarios": scenarios},
                    **({"posterior": use.record()} if use is not None else {}),
                    "date": time.strftime("%Y-%m-%d %H:%M", time.localtime())})
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except BrokenProcessPool as exc:
            print(f"error: a worker process died ({exc})", file=sys.stderr)
            return EXIT_FAILED
    print(report.console(result, tables))
    if args.quick:
        print(f"note: --quick is a smoke test of the whole chain ({replicates} replicates a case): its scores are "
              f"too noisy to decide anything; run without --quick for the published ones")
    print(f"wrote {', '.join(report.OUTPUT_FILES)} and manifest.json to {out}/")
    return EXIT_OK

