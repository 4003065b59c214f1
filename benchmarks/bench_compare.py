"""Compare: seconds to a verdict for every pair of shipped designs (issue 23, deliver 4: under 10 s on 2 cores).

For each pair (your design, the reference) of the shipped scenarios, the time from pressing
'Run comparison' to the finished verdict, as the page computes it (``compare.adaptive`` with
the page's defaults: 5 years, target ±1 percentage point, cap 2,000 pairs), on the server's
pool of ``--workers`` processes:

* cold: no run of either design made yet on this server (the pool already started);
* warm: after the server's idle warm-up has made the shipped designs' runs (what a class
  meets once the server has been up a few minutes, or after a restart, from the disk cache).

    python benchmarks/bench_compare.py              # every pair, cold and warm
    python benchmarks/bench_compare.py --pairs 6    # the first six pairs only
    python benchmarks/bench_compare.py --pair political_only:paris_declaration \
        --pair paris_declaration:minsk_analogue      # named pairs (the warm-up makes only their designs)

Prints a Markdown table for docs/PERFORMANCE.md (the browser adds about 0.2 s to draw the verdict).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--pair", action="append", default=[], metavar="DESIGN:REFERENCE",
                        help="a named pair of shipped designs (repeatable); the warm-up then makes only their runs")
    args = parser.parse_args()

    from sim.dashboard import compare as CMP
    from sim.dashboard.controls import named_design, scenario_names, scenario_title
    from sim.dashboard.outcomes import Outcomes

    names = scenario_names()
    pairs = list(itertools.combinations(names, 2))[: args.pairs]
    if args.pair:
        pairs = [tuple(p.split(":", 1)) for p in args.pair]
        unknown = sorted({n for p in pairs for n in p} - set(names)) + [p for p in args.pair if ":" not in p]
        if unknown:
            parser.error(f"--pair: not a shipped design or not DESIGN:REFERENCE: {', '.join(unknown)}; "
                         f"shipped: {', '.join(names)}")
        names = list(dict.fromkeys(n for p in pairs for n in p))
    load = os.getloadavg()[0]
    store = Outcomes(workers=args.workers, cache=Path(tempfile.mkdtemp(prefix="bench-compare-")))
    store.ensure(named_design(names[0]).scenario, range(2 * args.workers))  # start the pool's processes
    rows = []
    for a, b in pairs:
        store.forget()
        if store.cache is not None:
            for f in store.cache.glob("*.npz"):
                f.unlink()
        d, r = named_design(a), named_design(b)
        start = time.perf_counter()
        p = list(CMP.adaptive(d, r, store, horizon=260, target=CMP.DEFAULT_TARGET, cap=CMP.DEFAULT_CAP))[-1]
        cold = time.perf_counter() - start
        rows.append([a, b, cold, p])
        print(f"{scenario_title(a)} vs {scenario_title(b)}: {cold:.1f} s cold, {p.n} pairs", file=sys.stderr)
    # warm: every shipped design's runs made once (the server's idle warm-up), then each pair again
    start = time.perf_counter()
    store.ensure_all([(named_design(n).scenario, range(CMP.DEFAULT_CAP)) for n in names], urgent=False)
    warmup = time.perf_counter() - start
    for row in rows:
        start = time.perf_counter()
        list(CMP.adaptive(named_design(row[0]), named_design(row[1]), store, horizon=260, target=CMP.DEFAULT_TARGET,
                          cap=CMP.DEFAULT_CAP))
        row.append(time.perf_counter() - start)
    store.close()
    print(f"Compare, {len(rows)} pairs of shipped designs ({len(names)} designs), {args.workers} workers, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores, load {load:.1f} before, {os.getloadavg()[0]:.1f} after\n")
    print("| your design | reference | pairs of runs | verdict | cold | warm |\n|---|---|---|---|---|---|")
    for a, b, cold, p, warm in rows:
        verdict = CMP.verdict(p).split(":")[0]
        print(f"| {scenario_title(a)} | {scenario_title(b)} | {p.n} | {verdict} ({CMP.pp(p.diff)}) | "
              f"{cold:.1f} s | {warm:.2f} s |")
    colds = [r[2] for r in rows]
    print(f"\nCold: median {statistics.median(colds):.1f} s, slowest {max(colds):.1f} s, "
          f"{sum(c < 10 for c in colds)} of {len(colds)} under 10 s. Warm: slowest {max(r[4] for r in rows):.2f} s. "
          f"The warm-up ({len(names)} designs' {CMP.DEFAULT_CAP} runs each) took {warmup:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
