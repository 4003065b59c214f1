"""A class of students on one dashboard server: CPU, latency, memory (issue 23, deliver 5).

Starts ``python -m sim dashboard`` on a free loopback port (as a teacher would, with its
pool of ``--workers``), then drives ``--students`` browser sessions at once in Debian's
Chromium (Playwright, one browser, one context a student: each a session of its own).
Each student opens the page (the class comes in over ``--arrival`` seconds), waits for the
others, then repeats ``--rounds`` times, looking at the page for ``--think`` seconds between
actions (10 to 20 s by default: a class reads before it clicks): a lever change, a scrub,
the next seed, Play for two seconds, Reset.
``--comparers`` of them also run a comparison (Paris declaration against Minsk).
Then every page is closed, and the server is watched until its sessions are gone.

Measured:
* server CPU per action: CPU seconds of the server process (not the pool, reported apart)
  during the actions, over the number of actions, and per page load;
* the latency each student sees: from the input event to the result on the page;
* memory: the server's resident memory before the class, with every session open (per
  session), and after the pages close (returned or not).

    python benchmarks/bench_classroom.py                       # 30 students, 3 rounds
    python benchmarks/bench_classroom.py --students 10 --rounds 1   # a quick check

The browser runs on the same machine as the server, so the students' page rendering takes
CPU from the server: latencies here are upper bounds for a class on separate laptops.
Needs the ``dashboard``, ``browser-test`` and ``dev`` extras (psutil) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboard import ABOUT, CHROMIUM, LOADED, free_port  # noqa: E402 - the page's probes, written once


class Server:
    """``python -m sim dashboard`` on a free loopback port, its outcomes cache in ``folder``; the memory and
    CPU of its server process (the Solara process; the Compare pool's workers are reported apart)."""

    def __init__(self, folder: Path, *, workers: int = 2, session_timeout: str = "60s", warm: bool = False,
                 env: dict[str, str] | None = None):
        self.folder = Path(folder)
        self.workers, self.session_timeout, self.warm = workers, session_timeout, warm
        self.extra_env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc: subprocess.Popen | None = None
        self.server: psutil.Process | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PARIS_SIM_DASHBOARD_CACHE": str(self.folder / "cache"),
               "PARIS_SIM_DASHBOARD_WARM": "1" if self.warm else "0", **self.extra_env}
        self.log = open(self.folder / "server.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sim.dashboard.serve", "--port", str(self.port), "--workers", str(self.workers),
             "--session-timeout", self.session_timeout], stdout=self.log, stderr=subprocess.STDOUT, env=env,
            cwd=self.folder)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("the dashboard did not start: " + (self.folder / "server.log").read_text()[-2000:])
        children = psutil.Process(self.proc.pid).children()
        self.server = next(c for c in children if "solara" in " ".join(c.cmdline()))
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def rss_mb(self) -> float:
        return self.server.memory_info().rss / 2**20

    def pool_rss_mb(self) -> float:
        return sum(p.memory_info().rss for p in self.server.children(recursive=True)) / 2**20

    def cpu_seconds(self) -> float:
        t = self.server.cpu_times()
        return t.user + t.system

    def pool_cpu_seconds(self) -> float:
        total = 0.0
        for p in self.server.children(recursive=True):
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    def sessions(self) -> int:
        """Open sessions: the server's threads named for kernels are not public; count its websockets."""
        return sum(1 for c in self.server.net_connections(kind="tcp")
                   if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == self.port)

    def settle(self, seconds: float = 10.0) -> float:
        """Wait for closed sessions to be ended and their memory handed back; the server's RSS then (MB)."""
        time.sleep(seconds)
        samples = []
        for _ in range(5):
            samples.append(self.rss_mb())
            time.sleep(0.5)
        return statistics.median(samples)


async def timed(results: dict, student: int, key: str, action, wait) -> None:
    start = time.perf_counter()
    await action()
    await wait()
    results.setdefault(key, []).append((student, time.perf_counter() - start))


async def student(k: int, browser, url: str, rounds: int, compare: bool, results: dict, counts: dict,
                  rng: random.Random, loaded: asyncio.Event, all_loaded: asyncio.Event, done: asyncio.Event,
                  closed: asyncio.Event, arrival: float, think_seconds: tuple[float, float]):
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await context.new_page()
    page.set_default_timeout(300_000)
    page.set_default_navigation_timeout(300_000)
    await asyncio.sleep(rng.uniform(0, arrival))  # students come in over the first minute

    async def think():
        await asyncio.sleep(rng.uniform(*think_seconds))

    async def changed(text: str, present: bool = True):
        await page.locator(".chart-ladder").scroll_into_view_if_needed()  # drawn when near the window
        await page.wait_for_function(f"(t) => {ABOUT}.includes(t) === {str(present).lower()}", arg=text,
                                     polling=50, timeout=120_000)

    await timed(results, k, "page load", lambda: page.goto(url),
                lambda: page.wait_for_function(LOADED, timeout=180_000))
    counts["loads"] += 1
    loaded.set()
    await all_loaded.wait()
    for r in range(rounds):
        await think()
        await page.locator(".lever-commitments .v-select__slot").click()
        item = page.locator(".menuable__content__active").get_by_role("option", name="political only", exact=True)
        await item.wait_for()
        await timed(results, k, "lever change", item.click, lambda: changed("political only"))
        counts["actions"] += 1
        await think()
        thumb = page.locator(".week-slider [role=slider]")
        await thumb.focus()
        await timed(results, k, "scrub a week (in the browser)", lambda: thumb.press("ArrowLeft"),
                    lambda: page.wait_for_function(
                        "() => document.querySelector('.week-counter').innerText.startsWith('Week 258 ')"))
        counts["actions"] += 1
        await think()
        seed = int(await page.locator(".lever-seed input").input_value())
        await timed(results, k, "next seed", page.locator(".next-seed").click,
                    lambda: changed(f"seed {seed + 1}."))
        counts["actions"] += 1
        await think()
        await page.locator(".play-button").click()
        await asyncio.sleep(2.0)
        await page.locator(".play-button").click()
        counts["actions"] += 1
        await think()
        await timed(results, k, "Reset levers", page.locator(".reset-levers").click,
                    lambda: changed("political only", present=False))
        counts["actions"] += 1
        await page.locator(".to-end").click()
        if compare and r == 0:
            await page.get_by_role("tab", name="Compare designs", exact=True).click()
            await page.locator(".lever-reference .v-select__slot").click()
            await page.locator(".menuable__content__active").get_by_role("option", name="Minsk analogue",
                                                                         exact=True).click()
            await timed(results, k, "Compare Paris vs Minsk (a verdict)", page.locator(".run-comparison").click,
                        lambda: page.wait_for_function(
                            "() => /Done:/.test((document.querySelector('.comparison-status') || {}).innerText || '')",
                            timeout=300_000))
            counts["comparisons"] += 1
            await page.get_by_role("tab", name="Story", exact=True).click()
    done.set()
    await closed.wait()
    await context.close()


async def _first_error(tasks: list[asyncio.Task], waiting) -> None:
    """Wait for ``waiting``; a student's failure ends the benchmark with its error."""
    waiter = asyncio.ensure_future(waiting)
    while not waiter.done():
        await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED, timeout=1.0)
        for t in tasks:
            if t.done() and t.exception():
                waiter.cancel()
                raise t.exception()


def summary(values: list[float]) -> tuple[float, float, float, int]:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return statistics.median(values), p90, values[-1], len(values)


async def main_async(args) -> dict:
    import tempfile

    from playwright.async_api import async_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    out: dict = {"students": args.students, "rounds": args.rounds, "workers": args.workers}
    with Server(folder, workers=args.workers, session_timeout=args.session_timeout) as server:
        time.sleep(2)
        out["rss before the class (MB)"] = server.rss_mb()
        results: dict = {}
        counts = {"loads": 0, "actions": 0, "comparisons": 0}
        rng = random.Random(2026)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            loaded = [asyncio.Event() for _ in range(args.students)]
            done = [asyncio.Event() for _ in range(args.students)]
            all_loaded, closed = asyncio.Event(), asyncio.Event()
            cpu0, pool0, t0 = server.cpu_seconds(), server.pool_cpu_seconds(), time.perf_counter()
            tasks = [asyncio.create_task(student(k, browser, server.url, args.rounds, k < args.comparers, results,
                                                 counts, random.Random(rng.random()), loaded[k], all_loaded, done[k],
                                                 closed, args.arrival, tuple(args.think)))
                     for k in range(args.students)]
            await _first_error(tasks, asyncio.gather(*(e.wait() for e in loaded)))
            cpu_loads = server.cpu_seconds() - cpu0
            out["rss with every session open (MB)"] = server.rss_mb()
            cpu1, pool1, t1 = server.cpu_seconds(), server.pool_cpu_seconds(), time.perf_counter()
            all_loaded.set()
            await _first_error(tasks, asyncio.gather(*(e.wait() for e in done)))
            out["rss at the end of the class (MB)"] = server.rss_mb()
            cpu2, pool2, t2 = server.cpu_seconds(), server.pool_cpu_seconds(), time.perf_counter()
            closed.set()
            await asyncio.gather(*tasks)
            await browser.close()
        out["server CPU per page load (s)"] = cpu_loads / max(1, counts["loads"])
        out["server CPU per action (s)"] = (cpu2 - cpu1) / max(1, counts["actions"] + counts["comparisons"])
        out["pool CPU, all comparisons (s)"] = (pool2 - pool0)
        out["actions"] = counts["actions"]
        out["comparisons"] = counts["comparisons"]
        out["class duration (s)"] = t2 - t1
        out["server CPU share during the class"] = (cpu2 - cpu1) / (t2 - t1)
        out["rss after every page closed (MB)"] = server.settle(args.settle)
        out["pool RSS (MB)"] = server.pool_rss_mb()
    out["latency"] = {key: summary([v for _, v in values]) for key, values in results.items()}
    per_student: dict[int, list[float]] = {}
    for key, values in results.items():
        if key.startswith(("lever", "next seed", "Reset")):
            for k, v in values:
                per_student.setdefault(k, []).append(v)
    medians = sorted(statistics.median(v) for v in per_student.values())
    out["per-student median latency of server actions (s): best, median, worst"] = (
        medians[0], statistics.median(medians), medians[-1])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of five actions each student (default 3)")
    parser.add_argument("--comparers", type=int, default=5, help="students who also run a comparison (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="the server's pool (default 2)")
    parser.add_argument("--arrival", type=float, default=60.0,
                        help="students open the page at random over this many seconds (default 60)")
    parser.add_argument("--think", type=float, nargs=2, default=(10.0, 20.0), metavar=("MIN", "MAX"),
                        help="seconds a student looks at the page between two actions (default 10 to 20)")
    parser.add_argument("--session-timeout", default="30s",
                        help="the server's --session-timeout (a closed page ends its session at once; a dropped "
                             "connection after this)")
    parser.add_argument("--settle", type=float, default=45.0,
                        help="seconds to wait after the pages close (longer than the session timeout)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    load = os.getloadavg()
    out = asyncio.run(main_async(args))
    out["load average before"] = load[0]
    out["load average after"] = os.getloadavg()[0]
    n = args.students
    print(f"Classroom: {n} students x {args.rounds} rounds, {args.comparers} comparisons, server --workers "
          f"{args.workers}, {args.think[0]:g}-{args.think[1]:g} s between actions; Python {platform.python_version()}, {os.cpu_count()} cores, load "
          f"{out['load average before']:.1f} before, {out['load average after']:.1f} after\n")
    print("| measure | value |\n|---|---|")
    for key in ("server CPU per page load (s)", "server CPU per action (s)", "server CPU share during the class",
                "pool CPU, all comparisons (s)", "class duration (s)"):
        print(f"| {key} | {out[key]:.3f} |")
    before, peak = out["rss before the class (MB)"], out["rss with every session open (MB)"]
    print(f"| server memory before the class | {before:.0f} MB |")
    print(f"| with {n} sessions open | {peak:.0f} MB ({(peak - before) / n:.1f} MB a session) |")
    print(f"| at the end of the class | {out['rss at the end of the class (MB)']:.0f} MB |")
    print(f"| after every page closed | {out['rss after every page closed (MB)']:.0f} MB |")
    print(f"| the Compare pool ({args.workers} processes) | {out['pool RSS (MB)']:.0f} MB |")
    print("\n| latency a student sees | median | 90th percentile | max | n |\n|---|---|---|---|---|")
    for key, (med, p90, worst, count) in out["latency"].items():
        print(f"| {key} | {med:.3f} s | {p90:.3f} s | {worst:.3f} s | {count} |")
    best, mid, worst = out["per-student median latency of server actions (s): best, median, worst"]
    print(f"\nPer student, median latency of lever change, next seed and Reset: best {best:.3f} s, "
          f"median {mid:.3f} s, worst {worst:.3f} s.")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
