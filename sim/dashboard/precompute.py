"""``python -m sim.dashboard.precompute``: make the outcomes the dashboard ships for its shipped designs.

Every shipped scenario at its default levers, seeds 0 to 1999 (Compare's largest cap), and its runs in
Compare's plausible worlds (10 worlds drawn from the shipped plausible set, 200 seeds each): about
40,000 runs, written to ``sim/dashboard/shipped_outcomes.csv.gz`` with the key of the model that made
them (:func:`sim.dashboard.outcomes.model_key`). A server reads them only while that key holds, so run
this again after any change of the model (``--check`` says whether the shipped file is current).

    python -m sim.dashboard.precompute               # 2 workers; about half an hour on 2 loaded cores
    python -m sim.dashboard.precompute --check       # exit 0 if current, 1 if the model changed since
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from sim.config import Scenario
from sim.dashboard import compare as CMP
from sim.dashboard import outcomes as O
from sim.dashboard.controls import named_design, scenario_names


def requests() -> list[tuple[str, Scenario, range]]:
    """(label, design, seeds) of what ships: each shipped design, then its plausible worlds (one entry per design
    key: a design shipped under two names is made once)."""
    wanted: dict[str, tuple[str, Scenario, range]] = {}
    shipped = [(name, named_design(name).scenario) for name in scenario_names()]
    for name, scenario in shipped:
        wanted.setdefault(O.design_key(scenario), (name, scenario, range(CMP.DEFAULT_CAP)))
    for name, scenario in shipped:
        for i, world in enumerate(CMP.world_scenarios(scenario, posterior=CMP.CALIBRATION_POSTERIOR)):
            wanted.setdefault(O.design_key(world), (f"{name}, world {i + 1}", world, range(CMP.WORLD_PAIRS)))
    return list(wanted.values())


def make(path: Path, workers: int) -> O.ShippedOutcomes:
    asked = requests()
    store = O.Outcomes(workers=workers)
    total = sum(len(seeds) for _, _, seeds in asked)
    start, last = time.perf_counter(), [0.0]

    def progress(done: int, all_: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10 or done == all_:
            last[0] = now
            print(f"  {done} of {all_} runs ({now - start:.0f} s)", file=sys.stderr, flush=True)

    print(f"{len(asked)} designs, {total} runs, {store.workers} workers", file=sys.stderr, flush=True)
    rows = store.ensure_all([(scenario, seeds) for _, scenario, seeds in asked], progress=progress)
    assert rows is not None
    store.close()
    files = O.modules_of_a_run()  # the source a run executes
    tables = {O.design_key(scenario): (np.asarray(seeds, np.int64), got)
              for (_, scenario, seeds), got in zip(asked, rows)}
    O.write_shipped(path, tables, sorted(files) + O.data_files(),
                    note=f"{len(tables)} designs: each shipped scenario at its default levers, seeds 0-"
                         f"{CMP.DEFAULT_CAP - 1}, and in {CMP.WORLDS} plausible worlds, seeds 0-{CMP.WORLD_PAIRS - 1}")
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} kB) in {time.perf_counter() - start:.0f} s",
          file=sys.stderr)
    return O.read_shipped(path)


def check(path: Path) -> int:
    got = O.read_shipped(path)
    if not got.current:
        print(f"{path}: {got.reason}", file=sys.stderr)
        return 1
    missing = [label for label, scenario, seeds in requests()
               if len(got.designs.get(O.design_key(scenario), ((),))[0]) < len(seeds)]
    if missing:
        print(f"{path}: current, but without {len(missing)} designs the dashboard ships "
              f"({', '.join(missing[:4])}...): python -m sim.dashboard.precompute", file=sys.stderr)
        return 1
    print(f"{path}: current ({got.describe()})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.dashboard.precompute", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="processes making the runs (default 2)")
    parser.add_argument("--out", type=Path, default=O.SHIPPED_FILE, help=f"the file (default {O.SHIPPED_FILE})")
    parser.add_argument("--check", action="store_true", help="only say whether the file is current (exit 1 if not)")
    args = parser.parse_args(argv)
    if args.workers < 0:
        parser.error(f"--workers {args.workers}: give 0 (in this process) or more processes")
    if args.check:
        return check(args.out)
    got = make(args.out, args.workers)
    print(got.describe())
    return 0 if got.current else 1


if __name__ == "__main__":
    sys.exit(main())
