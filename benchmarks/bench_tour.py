"""Wall-clock times of the README's and the how-tos' jobs, with the load they ran under.

    python benchmarks/bench_tour.py                       # the main job and the tour's quick commands
    python benchmarks/bench_tour.py --jobs main,tests     # some of them (names: --list)
    python benchmarks/bench_tour.py --out results/bench   # where the jobs write (default: a temporary folder)

Each job runs as the README gives it (``python -m sim ...`` with this interpreter), at nice 10 like every
heavy command on a shared machine, in a fresh output folder. Printed: a Markdown table of the job, its
wall time, the runs it made and its runs/s where it says, and the load average (1 min) before it started
and the highest seen while it ran (sampled every 2 s; ``os.getloadavg``), with the number of cores. The
times in README.md and docs/howto/ are copied from this table with the date and the load: a time means
nothing without the load it ran under.

Jobs too long to time on a shared machine (the design sweep, the calibration) are given as an estimate:
their planned runs over the runs/s the main job measured in the same session, said as such. The design
sweep can be timed whole by naming it: ``--jobs design-whole`` (about 40 minutes on 2 shared cores).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

# name -> (what, argv after `python`, folder argument or None)
JOBS: dict[str, tuple[str, list[str]]] = {
    "main": ("main job, `sweep experiments/quick.yaml --workers 2`",
             ["-m", "sim", "sweep", "experiments/quick.yaml", "--workers", "2", "--out", "{out}/quick"]),
    "run": ("one run, `run paris_declaration --seed 1`",
            ["-m", "sim", "run", "paris_declaration", "--seed", "1", "--out", "{out}/run"]),
    "validate-model": ("`validate-model --quick --workers 2`",
                       ["-m", "sim", "validate-model", "--quick", "--workers", "2", "--out", "{out}/validation"]),
    "validate-history": ("`validate-history --quick --workers 2`",
                         ["-m", "sim", "validate-history", "--quick", "--workers", "2", "--out", "{out}/history"]),
    "sensitivity": ("`sensitivity --quick --workers 2`",
                    ["-m", "sim", "sensitivity", "--quick", "--workers", "2", "--out", "{out}/sensitivity"]),
    "tests": ("the README's test command, `pytest` (the fast set)", ["-m", "pytest", "-q", "-p", "no:cacheprovider"]),
    # The design sweep timed whole (about 40 minutes on 2 shared cores): only when named, as `design-whole`.
    "design-whole": ("design sweep, `sweep experiments/design_sweep.yaml --workers 2`, timed whole",
                     ["-m", "sim", "sweep", "experiments/design_sweep.yaml", "--workers", "2", "--out", "{out}/design"]),
}
ESTIMATED = {  # name -> (what, planned runs at least, at most)
    "design": ("design sweep, `sweep experiments/design_sweep.yaml --workers 2`", "experiments/design_sweep.yaml"),
}


class LoadWatch(threading.Thread):
    """The highest 1-minute load average seen while a job runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = os.getloadavg()[0]
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(2.0):
            self.peak = max(self.peak, os.getloadavg()[0])

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak


def time_job(name: str, out: Path) -> dict[str, object]:
    what, argv = JOBS[name]
    argv = [a.replace("{out}", str(out)) for a in argv]
    before = os.getloadavg()[0]
    watch = LoadWatch()
    watch.start()
    t0 = time.perf_counter()
    done = subprocess.run([PY, *argv], cwd=ROOT, capture_output=True, text=True,
                          preexec_fn=lambda: os.nice(10))  # noqa: PLW1509 - POSIX only, like the shared machine
    seconds = time.perf_counter() - t0
    peak = watch.stop()
    text = done.stdout + done.stderr
    m = re.search(r"(\d+) runs in ([\d.]+)s", text)
    runs, rate = (int(m.group(1)), int(m.group(1)) / float(m.group(2))) if m else (None, None)
    m = re.search(r"(\d+) passed", text)
    return dict(name=name, what=what, seconds=seconds, code=done.returncode, runs=runs, rate=rate,
                tests=int(m.group(1)) if m else None, before=before, peak=peak)


def planned_runs(experiment: str) -> tuple[int, int]:
    sys.path.insert(0, str(ROOT))
    from sim.experiments.config import load_experiment

    exp = load_experiment(experiment)
    rule = exp.rule
    return len(exp.points) * rule.initial, len(exp.points) * (rule.cap if rule.adaptive else rule.initial)


def fmt(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", default="main,run,validate-model,validate-history,sensitivity,design")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    if args.list:
        for k, (what, _) in {**JOBS, **ESTIMATED}.items():
            print(f"{k:<18} {what}")
        return 0
    names = [n.strip() for n in args.jobs.split(",") if n.strip()]
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_tour_"))
    rows = []
    for n in names:
        if n in JOBS:
            r = time_job(n, out)
            rows.append(r)
            print(f"{n}: {fmt(r['seconds'])} (exit {r['code']})", file=sys.stderr)
    rate = next((r["rate"] for r in rows if r["name"] == "main" and r["rate"]), None)
    print(f"\n{datetime.date.today()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, at nice 10; load average (1 min) before each job and the highest while it ran\n")
    print("| job | time | runs (runs/s) | load before / peak | exit |")
    print("|---|---|---|---|---|")
    for r in rows:
        made = (f"{r['runs']:,} ({r['rate']:.0f}/s)" if r["runs"] else f"{r['tests']} tests" if r["tests"] else "")
        print(f"| {r['what']} | {fmt(r['seconds'])} | {made} | {r['before']:.1f} / {r['peak']:.1f} | {r['code']} |")
    for n in names:
        if n in ESTIMATED and rate:
            what, exp = ESTIMATED[n]
            lo, hi = planned_runs(exp)
            print(f"| {what} | estimated {fmt(lo / rate)} to {fmt(hi / rate)} from the main job's {rate:.0f} runs/s | "
                  f"{lo:,} to {hi:,} (adaptive) | (as the main job) | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
