"""Compare: seconds to a verdict for pairs of shipped designs, cold (issue 23, deliver 4: under 10 s on 2 cores).

Served (the default): for each pair, a fresh ``python -m sim.dashboard.serve --workers 2`` (an empty outcomes
cache, no warm-up), one Chromium page at 1366 x 768 that picks the pair (your design, the reference), opens
Compare and presses 'Run comparison' at the page's defaults (5 years, target ±1 percentage point, cap 2,000
pairs); the time runs from the click to the finished verdict drawn in the page. The server reads the outcomes
shipped with the model (``sim/dashboard/shipped_outcomes.csv.gz``); ``--live`` starts it without them
(``PARIS_SIM_DASHBOARD_SHIPPED=0``: every run made then, as before they shipped).

    python benchmarks/bench_compare.py                      # issue 23's two pairs, served, cold
    python benchmarks/bench_compare.py --all                # every pair of shipped designs (45 servers)
    python benchmarks/bench_compare.py --live --pair paris_declaration:minsk_analogue
    python benchmarks/bench_compare.py --in-process --all   # no browser: a fresh store per pair (reads the file)

Prints a Markdown table for docs/PERFORMANCE.md. Needs the ``dashboard`` and ``browser-test`` extras and
/usr/bin/chromium (not with ``--in-process``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
ISSUE_PAIRS = ["political_only:paris_declaration", "paris_declaration:minsk_analogue"]


def served(pairs: list[tuple[str, str]], live: bool, workers: int) -> list[dict]:
    from playwright.sync_api import expect, sync_playwright

    from bench_classroom import CHROMIUM, LOADED, Server
    from sim.dashboard.controls import scenario_title

    def choose(page, scope: str, option: str) -> None:
        page.locator(f"{scope} .v-select__slot").click()
        page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True).click()

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for a, b in pairs:
            with tempfile.TemporaryDirectory(prefix="bench-compare-") as folder:
                env = {"PARIS_SIM_DASHBOARD_SHIPPED": "0"} if live else {}
                start = time.perf_counter()
                with Server(Path(folder), workers=workers, env=env) as server:
                    page = browser.new_page(viewport={"width": 1366, "height": 768})
                    page.set_default_timeout(900_000)
                    page.goto(server.url)
                    page.wait_for_function(LOADED, timeout=300_000)
                    ready = time.perf_counter() - start
                    if a != "paris_declaration":
                        choose(page, ".lever-scenario", scenario_title(a))
                    choose(page, ".lever-reference", scenario_title(b))
                    page.get_by_role("tab", name="Compare designs", exact=True).click()
                    button = page.locator(".run-comparison")
                    expect(button).to_be_enabled()
                    load = os.getloadavg()[0]
                    start = time.perf_counter()
                    button.click()
                    expect(page.locator(".comparison-status")).to_contain_text("Done:", timeout=900_000)
                    took = time.perf_counter() - start
                    verdict = page.locator(".verdict").inner_text()
                    runs = page.locator(".comparison-runs").inner_text()
                    page.close()
                made = 0 if runs.startswith("All ") else int(re.match(r"(\d+) runs made", runs).group(1))
                n = int(re.search(r"(\d+) pairs of runs", verdict).group(1))
                rows.append({"design": a, "reference": b, "pairs": n, "verdict": verdict, "seconds": took,
                             "made": made, "ready": ready, "load": load})
                print(f"{scenario_title(a)} vs {scenario_title(b)}: {took:.2f} s, {made} runs made, "
                      f"load {load:.1f}", file=sys.stderr)
        browser.close()
    return rows


def in_process(pairs: list[tuple[str, str]], live: bool, workers: int) -> list[dict]:
    from sim.dashboard import compare as CMP
    from sim.dashboard.controls import named_design, scenario_title
    from sim.dashboard.outcomes import SHIPPED_FILE, Outcomes

    rows = []
    for a, b in pairs:
        load = os.getloadavg()[0]
        start = time.perf_counter()
        store = Outcomes(workers=workers, shipped=None if live else SHIPPED_FILE)  # a fresh server's store
        p = list(CMP.adaptive(named_design(a), named_design(b), store, horizon=260, target=CMP.DEFAULT_TARGET,
                              cap=CMP.DEFAULT_CAP))[-1]
        took = time.perf_counter() - start
        store.close()
        rows.append({"design": a, "reference": b, "pairs": p.n, "verdict": CMP.verdict(p), "seconds": took,
                     "made": p.runs_made, "ready": None, "load": load})
        print(f"{scenario_title(a)} vs {scenario_title(b)}: {took:.2f} s, {p.runs_made} runs made", file=sys.stderr)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pair", action="append", default=[], metavar="DESIGN:REFERENCE",
                        help="a pair of shipped designs (repeatable; default: issue 23's two pairs)")
    parser.add_argument("--all", action="store_true", help="every pair of shipped designs")
    parser.add_argument("--live", action="store_true", help="without the shipped outcomes: every run made")
    parser.add_argument("--in-process", action="store_true", help="no server, no browser: a fresh store per pair")
    args = parser.parse_args()

    from sim.dashboard.controls import scenario_names, scenario_title
    from sim.dashboard.outcomes import read_shipped

    names = scenario_names()
    if args.all:
        pairs = list(itertools.combinations(names, 2))
    else:
        pairs = [tuple(p.split(":", 1)) for p in (args.pair or ISSUE_PAIRS)]
        unknown = sorted({n for p in pairs for n in p} - set(names)) + [p for p in args.pair if ":" not in p]
        if unknown:
            parser.error(f"--pair: not a shipped design or not DESIGN:REFERENCE: {', '.join(unknown)}; "
                         f"shipped: {', '.join(names)}")
    shipped = read_shipped()
    if not args.live and not shipped.current:
        print(f"Note: {shipped.describe()}: the runs are made live", file=sys.stderr)
    before = os.getloadavg()[0]
    rows = (in_process if args.in_process else served)(pairs, args.live, args.workers)
    how = "in process, a fresh store per pair" if args.in_process else \
        "a fresh server per pair (python -m sim.dashboard.serve), Chromium at 1366 x 768, click to verdict"
    source = "every run made live (PARIS_SIM_DASHBOARD_SHIPPED=0)" if args.live else \
        f"shipped outcomes: {shipped.describe()}"
    print(f"Compare, cold: {len(rows)} pairs of shipped designs; {how}; {source}; {args.workers} workers, "
          f"Python {platform.python_version()}, {os.cpu_count()} cores, load {before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after\n")
    print("| your design | reference | pairs of runs | verdict | runs made | seconds | load |\n"
          "|---|---|---|---|---|---|---|")
    for r in rows:
        verdict = r["verdict"].split(":")[0]
        diff = re.search(r"a difference of (\S+ pp)", r["verdict"])
        print(f"| {scenario_title(r['design'])} | {scenario_title(r['reference'])} | {r['pairs']} | {verdict}"
              f"{f' ({diff.group(1)})' if diff else ''} | {r['made']} | {r['seconds']:.2f} s | {r['load']:.1f} |")
    secs = [r["seconds"] for r in rows]
    print(f"\nMedian {statistics.median(secs):.2f} s, slowest {max(secs):.2f} s, {sum(s < 10 for s in secs)} of "
          f"{len(secs)} under 10 s; {sum(r['made'] for r in rows)} runs made in all.")
    if not args.in_process:
        print(f"A fresh server's start and first page load: median {statistics.median(r['ready'] for r in rows):.1f} s "
              "(not counted above).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
