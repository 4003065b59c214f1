"""Instructions a sweep-mode run executes, counted by Valgrind's callgrind: a measure of the model's
cost that other jobs on the machine do not move (CPU time under load does move, by several percent).

    python benchmarks/bench_instructions.py              # 10 runs of paris_declaration (~3 min)
    python benchmarks/bench_instructions.py --runs 20

Needs ``valgrind`` on the PATH. The runs (seeds 1..N, steps and events off, after one warm-up run) are
bracketed by two calls of ``time.sleep(0)``; callgrind dumps its counters on entering ``time_sleep``, so
the second dump holds the runs alone, without Python's start-up and imports.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(runs: int, scenario: str) -> None:
    sys.path.insert(0, str(ROOT))
    from sim.config import load_scenario
    from sim.runner import simulate

    sc = load_scenario(scenario)
    simulate(sc, 0)  # warm caches
    time.sleep(0)  # callgrind dumps here: start-up and imports
    for seed in range(1, runs + 1):
        simulate(sc, seed, steps=False, events=False)
    time.sleep(0)  # and here: the runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--scenario", default="paris_declaration")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.runs, args.scenario)
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench_instructions: valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=time_sleep", f"--callgrind-out-file={out}",
                        sys.executable, __file__, "--child", "--runs", str(args.runs), "--scenario", args.scenario],
                       check=True, capture_output=True)
        dumps = sorted(Path(tmp).glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
        totals = [next(int(line.split()[1]) for line in d.read_text().splitlines()
                       if line.startswith(("summary:", "totals:"))) for d in dumps]
    print(f"{args.scenario}, {args.runs} sweep-mode runs: {totals[1] / args.runs / 1e6:.2f} million instructions a run")


if __name__ == "__main__":
    main()
