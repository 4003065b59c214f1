"""``python -m sim.validation.levers [--page FILE] [--out DIR] [--step N] [--max-pairs N]
[--until measure|both] [--interaction-pairs N] [--workers N] [--only PATH ...]``

Runs the lever screen and writes the page (default docs/LEVERS.md), and ``levers.csv`` (one row a
comparison) and ``manifest.json`` to DIR (default docs/levers). Prints one line a comparison as
it is judged. Exit code 0 when no lever is inert or moves against its declared direction, 1
otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sim.files import git_commit
from sim.validation.levers.report import markdown, results_frame
from sim.validation.levers.screen import MASTER_SEED, Result, at_defaults, comparisons, run_interactions, screen
from sim.validation.levers.table import INTERACTIONS, WORLD

DEFAULT_OUT = Path("docs") / "levers"
DEFAULT_PAGE = Path("docs") / "LEVERS.md"


def _line(r: Result) -> str:
    c, m, o = r.comparison, r.measure, r.outcome
    return (f"[{r.verdict}]{' (at the defaults)' if c.at_defaults else ''} {c.name} {c.first} -> {c.second} ({r.pairs} pairs): {c.measure} {m.mean:+.4g} "
            f"({m.low:+.3g} to {m.high:+.3g}); {c.outcome} {o.mean:+.3f} ({o.low:+.3f} to {o.high:+.3f})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sim.validation.levers", description=__doc__.split("\n\n")[1])
    p.add_argument("--page", type=Path, default=DEFAULT_PAGE, help="the page to write (default docs/LEVERS.md)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for levers.csv and manifest.json")
    p.add_argument("--step", type=int, default=40, help="pairs added at a time (default 40)")
    p.add_argument("--max-pairs", type=int, default=400, help="most pairs a comparison gets (default 400)")
    p.add_argument("--until", choices=("measure", "both"), default="both",
                   help="add pairs until the measure is decided, or the measure and renewed war (default both)")
    p.add_argument("--interaction-pairs", type=int, default=800,
                   help="pairs of the interaction checks (0: skip them; default 800)")
    p.add_argument("--workers", type=int, default=1, help="local processes (the results do not depend on it)")
    p.add_argument("--only", nargs="*", default=None, metavar="PATH", help="screen these levers or checks only")
    args = p.parse_args(argv)
    if args.step < 1 or args.max_pairs < args.step:
        p.error("--step must be at least 1 and --max-pairs at least --step")
    selection = comparisons()
    if args.only:
        unknown = set(args.only) - {c.name for c in selection}
        if unknown:
            p.error(f"not in the screen: {', '.join(sorted(unknown))}")
        selection = [c for c in selection if c.name in args.only]
    started = time.perf_counter()
    results = screen(selection, step=args.step, max_pairs=args.max_pairs, until=args.until, workers=args.workers,
                     progress=lambda r: print(_line(r), flush=True))
    defaults, refused = at_defaults(selection)
    defaults = screen(defaults, step=args.step, max_pairs=args.max_pairs, until="measure", workers=args.workers,
                      progress=lambda r: print(_line(r), flush=True))
    interactions = (run_interactions(INTERACTIONS, pairs=args.interaction_pairs, workers=args.workers)
                    if args.interaction_pairs > 0 and not args.only else [])
    command = "python -m sim.validation.levers " + " ".join(argv if argv is not None else sys.argv[1:])
    settings = {"command": command.strip(), "step": args.step, "max_pairs": args.max_pairs, "until": args.until,
                "master_seed": MASTER_SEED, "world": dict(WORLD), "interaction_pairs": args.interaction_pairs}
    args.out.mkdir(parents=True, exist_ok=True)
    args.page.parent.mkdir(parents=True, exist_ok=True)
    args.page.write_text(markdown(results, interactions, settings, defaults, refused), encoding="utf-8")
    results_frame([*results, *defaults]).to_csv(args.out / "levers.csv", index=False, float_format="%.6g")
    manifest = {**settings, "comparisons": len(results), "git_commit": git_commit(),
                "seconds": round(time.perf_counter() - started, 1)}
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    bad = [r for r in results if r.verdict in ("inert", "negligible", "wrong direction")]
    for r in bad:
        print(f"{r.verdict}: {r.comparison.name} ({r.comparison.first} -> {r.comparison.second})", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
