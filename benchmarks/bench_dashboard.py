"""How fast the dashboard answers a student, in a real browser (issue 10: < 0.5 s on 2 cores).

Starts ``python -m sim dashboard`` on a free port, as a student would, drives Debian's
Chromium with Playwright, and times, from the input event to the moment the page
shows the result (the story charts and the design card both updated):

* a lever change (Commitments -> "political only" and back: a new run of your design),
* Reset levers,
* a seed change (both designs run again),
* a scrub of one week (keyboard on the week slider: drawn in the browser, no round trip),
* the first page load, and play-back: weeks a second and redraws of the ladder chart a second
  (ECharts' own 'rendered' events; the target is 10 or more at 'normal', 12 weeks a second).

    python benchmarks/bench_dashboard.py             # 20 repetitions of each action
    python benchmarks/bench_dashboard.py --reps 5    # a quick check

Prints a Markdown table for docs/PERFORMANCE.md. Needs the ``dashboard`` and
``browser-test`` extras and /usr/bin/chromium (``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ABOUT = ("(() => { const el = document.querySelector('.chart-ladder .solara-echarts');"
         " return (el && el.dataset.about) || ''; })()")
LAST_X = ("(() => { const el = document.querySelector('.chart-ladder .solara-echarts');"
          " return el && el.dataset.week !== undefined ? +el.dataset.week : null; })()")


LOADED = ("() => { const el = document.querySelector('.chart-ladder .solara-echarts');"
          " return !!(el && el.__vue__ && el.__vue__.chart && document.querySelector('.week-counter')); }")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shown(page, political: bool) -> None:
    flag = "true" if political else "false"
    page.wait_for_function(
        f"() => {ABOUT}.includes('political only') === {flag} && "
        f"document.querySelector('.design-table').innerText.includes('(your change)') === {flag}",
        polling="raf", timeout=20_000)


def pick(page, scope: str, option: str):
    page.locator(f"{scope} .v-select").first.locator(".v-select__slot").click()
    item = page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True)
    item.wait_for()
    return item


def timed(results: dict, key: str, action, wait) -> None:
    start = time.perf_counter()
    action()
    wait()
    results.setdefault(key, []).append(time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="repetitions of each action (default 20)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env["PARIS_SIM_DASHBOARD_WARM"] = "0"  # one student: no warm-up runs competing with the timings
    env["PARIS_SIM_DASHBOARD_CACHE"] = tempfile.mkdtemp(prefix="bench-dashboard-")
    server = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port)], stdout=log,
                              stderr=subprocess.STDOUT, env=env, cwd=tempfile.gettempdir())
    results: dict[str, list[float]] = {}
    load_before = os.getloadavg()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            url = f"http://127.0.0.1:{port}/"
            start = time.perf_counter()
            for _ in range(200):
                try:
                    page.goto(url)
                    break
                except Exception:  # noqa: BLE001 - the server is still starting
                    time.sleep(0.1)
            page.wait_for_function(LOADED, timeout=60_000)
            results["first page load (server start included)"] = [time.perf_counter() - start]
            start = time.perf_counter()
            page.reload()
            page.wait_for_function(LOADED, timeout=60_000)
            results["page load"] = [time.perf_counter() - start]
            thumb = page.locator(".week-slider [role=slider]")
            for k in range(args.reps):
                item = pick(page, ".lever-commitments", "political only")
                timed(results, "lever change (a new run of your design)", item.click, lambda: shown(page, True))
                timed(results, "Reset levers", page.locator(".reset-levers").click, lambda: shown(page, False))
                seed = page.locator(".lever-seed input")
                seed.fill(str(k + 1))
                timed(results, "seed change (both designs run again)", lambda: seed.press("Enter"),
                      lambda: page.wait_for_function(f"() => {ABOUT}.includes('seed {k + 1}.')",
                                                     polling="raf", timeout=20_000))
                thumb.focus()
                before = int(thumb.get_attribute("aria-valuenow"))
                key, target = ("ArrowLeft", before - 1) if before > 0 else ("ArrowRight", before + 1)
                timed(results, "scrub one week", lambda: thumb.press(key),
                      lambda: page.wait_for_function(f"() => {LAST_X} === {target}", polling="raf", timeout=20_000))
            page.locator(".to-start").click()
            page.wait_for_function("() => document.querySelector('.week-counter').innerText.startsWith('Week 0 ')")
            rate, redraws = page.evaluate("""() => new Promise(done => {
              const chart = document.querySelector('.chart-ladder .solara-echarts').__vue__.chart;
              let n = 0; const count = () => { n++; }; chart.on('rendered', count);
              const counter = document.querySelector('.week-counter'); const t0 = performance.now();
              document.querySelector('.play-button').click();
              const check = () => { const w = +counter.innerText.match(/Week (\\d+)/)[1];
                if (w >= 100) { const s = (performance.now() - t0) / 1000; chart.off('rendered', count);
                  done([w / s, n / s]); } else requestAnimationFrame(check); };
              requestAnimationFrame(check); })""")
            page.locator(".play-button").click()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    load_after = os.getloadavg()
    print(f"Dashboard, {args.reps} repetitions, Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"load {load_before[0]:.1f} before, {load_after[0]:.1f} after\n")
    print("| action | median | 90th percentile | max | target |")
    print("|---|---|---|---|---|")
    for key, values in results.items():
        values = sorted(values)
        p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
        target = "" if "load" in key else "< 0.5 s"
        print(f"| {key} | {statistics.median(values):.3f} s | {p90:.3f} s | {values[-1]:.3f} s | {target} |")
    print(f"| play-back ('normal', 12 weeks a second) | {rate:.1f} weeks a second, {redraws:.1f} redraws of the "
          f"ladder a second | | | >= 10 redraws a second |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
