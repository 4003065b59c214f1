"""How the browser tests drive the dashboard page: read its charts, pick options, scrub, wait.

Shared by the dashboard's browser test modules (each loads the page once: a page load costs
seconds, an action a fraction of one). Every helper acts as a student would (clicks, keys).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "sim" / "dashboard" / "app.py"
LOAD_MS = 60_000
WAIT_MS = 15_000
# the page is there: the player, and the first chart made (charts far below the window are drawn when seen)
LOADED = ("() => { const el = document.querySelector('.chart-ladder .solara-echarts');"
          " return !!(el && el.__vue__ && el.__vue__.chart && document.querySelector('.week-counter')); }")
LAST_DATE = "18 Jun 2031"  # week 259 of the shipped scenarios (ceasefire on 1 Jul 2026)
TIMINGS: dict[str, list[float]] = {}  # seconds; printed at the end of the run (conftest)
SCREENSHOTS: list[Path] = []


def day(week: int) -> str:
    """The date of a week of the shipped scenarios, as the page writes it ('9 Sep 2026')."""
    d = dt.date(2026, 7, 1) + dt.timedelta(weeks=week)
    return f"{d.day} {d:%b %Y}"


CHART_JS = """(sel) => {
  const el = document.querySelector(sel + ' .solara-echarts');
  const chart = el && el.__vue__ && el.__vue__.chart;
  if (!chart) return null;
  const o = chart.getOption();
  if (!o || !o.series) return null;
  return {series: o.series.map(s => ({name: s.name, data: (s.data || []).map(d => Array.isArray(d) ? d : (d && d.value)),
                                      markLine: ((s.markLine || {}).data || []).map(d => d.xAxis),
                                      lineType: ((s.lineStyle || {}).type)})),
          title: o.title[0], legend: o.legend[0], grid: o.grid[0], yAxis: o.yAxis[0], xAxis: o.xAxis[0],
          aria: (o.aria && o.aria[0] ? o.aria[0] : o.aria) || null};
}"""

LAST_X_JS = """([sel, name]) => {
  const el = document.querySelector(sel + ' .solara-echarts');
  const chart = el && el.__vue__ && el.__vue__.chart;
  if (!chart) return null;
  const s = chart.getOption().series.find(s => s.name === name);
  return s && s.data.length ? s.data[s.data.length - 1][0] : null;
}"""

# the ladder chart's text alternative (names the run: designs and seed), or '' while it is being drawn
LADDER_ABOUT = ("(() => { const el = document.querySelector('.chart-ladder .solara-echarts');"
                " return (el && el.dataset.about) || ''; })()")

CONTRAST_JS = """(sel) => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const bg = el => { for (; el; el = el.parentElement) { const v = rgb(getComputedStyle(el).backgroundColor);
      if (v.length === 3 || (v.length === 4 && v[3] > 0.5)) return v; } return [255, 255, 255]; };
  const lum = v => { const a = v.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2]; };
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (!el.innerText.trim()) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
    out.push((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  }
  return out.length ? Math.min(...out) : null;
}"""


def into_view(page, selector: str) -> None:
    """Scroll the element into view. Solara may redraw it meanwhile (a re-render replaces the node, and
    Playwright's scroll_into_view_if_needed then fails on the detached one): the query runs again until
    an attached element is found and scrolled."""
    page.wait_for_function("(sel) => { const el = document.querySelector(sel); if (!el || !el.isConnected) "
                           "return false; el.scrollIntoView({block: 'center'}); return true; }",
                           arg=selector, timeout=WAIT_MS)


def chart(page, name: str) -> dict:
    """The chart's option as drawn (brought into view, where the page draws it; waits for ECharts)."""
    into_view(page, f".chart-{name}")
    page.wait_for_function(f"(sel) => ({CHART_JS})(sel) !== null", arg=f".chart-{name}", timeout=WAIT_MS)
    data = page.evaluate(CHART_JS, f".chart-{name}")
    assert data is not None, f"chart {name} is not drawn"
    return data


def series(page, name: str, label: str) -> list:
    found = [s for s in chart(page, name)["series"] if s["name"] == label]
    assert found, f"chart {name} has no series {label!r}"
    return found[0]["data"]


def wait_last_x(page, name: str, label: str, week: int) -> None:
    into_view(page, f".chart-{name}")
    page.wait_for_function(f"([sel, name, w]) => ({LAST_X_JS})([sel, name]) === w",
                           arg=[f".chart-{name}", label, week], polling="raf", timeout=WAIT_MS)


def wait_about(page, text: str, present: bool = True) -> None:
    """Wait until the ladder's text alternative (which names the designs and the seed) has ``text``."""
    into_view(page, ".chart-ladder")
    page.wait_for_function(f"(t) => {LADDER_ABOUT}.includes(t) === {str(present).lower()}", arg=text,
                           polling="raf", timeout=WAIT_MS)


def about(page) -> str:
    into_view(page, ".chart-ladder")
    return page.evaluate(LADDER_ABOUT)


def log_rows(page):
    """The event log's rows (brought into view: the page builds the table when it comes near)."""
    into_view(page, ".event-log")
    page.wait_for_function("() => !document.querySelector('.event-log').innerText.includes('shown when you scroll')",
                           timeout=WAIT_MS)
    return page.locator(".event-log tbody tr")


def timed(key: str, action, wait, limit: float = 5.0) -> float:
    """Seconds from the input event (a click on an option, a key) to the result on the page, as
    benchmarks/bench_dashboard.py times it: opening a select's menu happens before, in the browser."""
    start = time.perf_counter()
    action()
    wait()
    took = time.perf_counter() - start
    TIMINGS.setdefault(key, []).append(took)
    assert took < limit, f"{key} took {took:.2f} s"  # far above the targets: a gross regression only
    return took


def open_select(page, scope: str, option: str):
    """Open the Vuetify select inside ``scope`` (a CSS selector); the locator of ``option`` in its menu."""
    field = page.locator(f"{scope}.v-select, {scope} .v-select").first
    field.locator(".v-select__slot").click()  # a click scrolls it into view, and resolves it again if redrawn
    item = page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True)
    item.wait_for()
    return item


def select(page, scope: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select inside ``scope``."""
    open_select(page, scope, option).click()


def select_labelled(page, label: str, option: str) -> None:
    field = page.locator(".v-select").filter(has=page.get_by_text(label, exact=True)).first
    field.locator(".v-select__slot").click()
    page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True).click()


def headline(page) -> str:
    return page.locator(".pg-headline").inner_text()


def week_shown(page) -> int:
    return int(page.locator(".week-slider [role=slider]").get_attribute("aria-valuenow"))


def scrub_to(page, week: int) -> None:
    """Move the week slider by keyboard, as a student would (PageUp moves about 26 weeks)."""
    thumb = page.locator(".week-slider [role=slider]")
    thumb.focus()
    thumb.press("Home")
    now = 0
    while week - now >= 26:
        thumb.press("PageUp")
        now = int(thumb.get_attribute("aria-valuenow"))
    for _ in range(week - now):
        thumb.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('.week-counter').innerText.startsWith('Week {week} ')",
                           timeout=WAIT_MS)


def set_seed(page, seed: int) -> None:
    box = page.locator(".lever-seed input")
    box.fill(str(seed))
    box.press("Enter")
    wait_about(page, f"seed {seed}.")


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def to_end(page) -> None:
    from playwright.sync_api import expect

    page.locator(".to-end").click()
    expect(page.locator(".week-counter")).to_contain_text(f"Week 259 ({LAST_DATE}) of weeks 0-259", timeout=WAIT_MS)


def known_state(page, *, seed: int = 0, reference: str = "Paris declaration") -> None:
    """Story tab, Paris declaration, levers untouched, given seed and reference, whole story shown.

    Only what differs is changed: every step costs a round trip."""
    from playwright.sync_api import expect

    open_tab(page, "Story")
    if page.locator(".lever-scenario .v-select__selection").inner_text() != "Paris declaration":
        select(page, ".lever-scenario", "Paris declaration")
    if page.locator(".config-error").count() or "(your change)" in page.locator(".design-table").inner_text():
        page.locator(".reset-levers").click()
        expect(page.locator(".design-table")).not_to_contain_text("(your change)", timeout=WAIT_MS)
        expect(page.locator(".config-error")).to_have_count(0, timeout=WAIT_MS)
    if page.locator(".lever-reference .v-select__selection").inner_text() != reference:
        select(page, ".lever-reference", reference)
        if reference != "none":
            wait_about(page, f"Reference ({reference})")
    if page.locator(".lever-seed input").input_value() != str(seed):
        set_seed(page, seed)
    if not page.locator(".week-counter").inner_text().startswith("Week 259 "):
        to_end(page)
    expect(page.locator(".week-counter")).to_contain_text(f"Week 259 ({LAST_DATE}) of weeks 0-259", timeout=WAIT_MS)
    expect(page.locator(".chart-ladder canvas")).to_be_visible()


def load(page, url: str) -> None:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(LOADED, timeout=LOAD_MS)
    TIMINGS.setdefault("page load", []).append(time.perf_counter() - start)


@contextlib.contextmanager
def loaded_dashboard(solara_server, page, width: int, height: int):
    """The dashboard served in-process and loaded once in ``page`` at ``width`` x ``height`` (the first load
    timed); the app is closed after."""
    app = serve_app(solara_server)
    page.set_viewport_size({"width": width, "height": height})
    start = time.perf_counter()
    page.goto(solara_server.base_url)
    page.wait_for_function(LOADED, timeout=LOAD_MS)
    TIMINGS.setdefault("first page load", []).append(time.perf_counter() - start)
    try:
        yield page
    finally:
        app.close()


def serve_app(solara_server):
    """Serve the dashboard in the test's in-process Solara server; returns the app (close it after)."""
    import solara.server.app

    if "__default__" in solara.server.app.apps:
        solara.server.app.apps["__default__"].close()
    app = solara.server.app.AppScript(str(APP))
    app.init()
    solara.server.app.apps["__default__"] = app
    return app
