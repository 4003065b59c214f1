"""The student dashboard in Debian's Chromium, offline (fixtures: tests/dashboard/browser/conftest.py).

One page is loaded once for the module and driven test after test (a page load costs
seconds; a lever change a fraction of one). Each test first puts the page back in a known
state. Every numbered defect of issue 10 has its test (named ``test_defect_N_...``; issue
23's are in test_dashboard_class.py); the timings of lever changes, Reset and scrubs are
collected and printed at the end of the run (see docs/PERFORMANCE.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

import pytest
from .dashboard_page import (
    LAST_DATE,
    LOAD_MS,
    LOADED,
    ROOT,
    SCREENSHOTS,
    TIMINGS,
    WAIT_MS,
    about,
    chart,
    day,
    headline,
    known_state,
    loaded_dashboard,
    log_rows,
    open_select,
    open_tab,
    scrub_to,
    select,
    select_labelled,
    series,
    timed,
    to_end,
    wait_about,
    wait_last_x,
)
from .dashboard_page import CHART_JS, CONTRAST_JS, into_view  # noqa: F401 - CONTRAST_JS: used by the light/dark test


@pytest.fixture(scope="module")
def dash(solara_server, _guarded_page_session):
    """The dashboard served in-process and loaded once in the session's page."""
    with loaded_dashboard(solara_server, _guarded_page_session, 1500, 1100) as page:
        yield page


@pytest.fixture
def page(dash, offline_guard):
    """The module's one dashboard page (this replaces pytest-playwright's fresh ``page`` here)."""
    return dash


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Screenshots go to a temporary folder (its path is printed at the end of the run)."""
    import os
    from pathlib import Path

    folder = Path(os.environ["DASHBOARD_SCREENSHOTS"]) if os.environ.get("DASHBOARD_SCREENSHOTS") else \
        tmp_path_factory.mktemp("dashboard-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS.append(folder)  # reported at the end of the run (conftest)
    return folder


# --------------------------------------------------------------------------- #
# The whole story at once, scrub, play
# --------------------------------------------------------------------------- #
def test_whole_story_at_once_then_scrub_under_half_a_second(page):
    known_state(page)
    # the whole run is there at once: every story chart reaches the last week
    for name, label in (("ladder", "Russia's action (your design)"), ("resolve", "if major (your design)"),
                        ("balance", "Ukraine's defence (your design)"), ("force", "force strength (your design)")):
        assert series(page, name, label)[-1][0] == 259, name
    for week in (10, 120, 37):
        scrub_to(page, week - 1)
        thumb = page.locator(".week-slider [role=slider]")
        timed("scrub", lambda: thumb.press("ArrowRight"),
              lambda: wait_last_x(page, "ladder", "Russia's action (your design)", week))
        assert headline(page).startswith(f"Week {week} ({day(week)}) of weeks 0-259")


def test_defect_1_the_story_never_runs_past_its_horizon(page):
    known_state(page)
    thumb = page.locator(".week-slider [role=slider]")
    assert thumb.get_attribute("aria-valuemax") == "259"
    thumb.focus()
    for key in ("End", "ArrowRight", "ArrowRight", "PageUp"):
        thumb.press(key)
    page.wait_for_timeout(300)
    assert f"Week 259 ({LAST_DATE}) of weeks 0-259" in headline(page)
    assert f"Week 259 · {LAST_DATE}" in page.locator(".week-slider").inner_text()  # the date beside the week
    assert max(x for x, _ in series(page, "ladder", "Russia's action (your design)")) == 259
    assert max(x for x, _ in series(page, "ladder", "Russia's action (reference)")) == 259


def test_defect_3_counter_charts_log_and_tiles_agree_on_the_week(page):
    from playwright.sync_api import expect

    known_state(page)
    scrub_to(page, 10)
    wait_last_x(page, "ladder", "Russia's action (your design)", 10)
    assert "Week 10 (9 Sep 2026) of weeks 0-259" in headline(page)
    assert "Week 10 · 9 Sep 2026" in page.locator(".week-slider").inner_text()
    for name, label in (("resolve", "if probe (your design)"), ("balance", "Russia's strength (your design)")):
        xs = [x for x, _ in series(page, name, label)]
        assert xs == list(range(0, 11)), name  # weeks 0..10, as in the run's steps
    expect(page.locator(".tiles-card")).to_contain_text("at week 10 (9 Sep 2026)", timeout=WAIT_MS)
    log_rows(page)
    page.wait_for_function("() => [...document.querySelectorAll('.event-log tbody tr td.num')]"
                           ".every(td => +td.innerText <= 10)", timeout=WAIT_MS)
    weeks = [int(w) for w in page.locator(".event-log tbody tr td.num").all_inner_texts()]
    assert weeks and max(weeks) <= 10 and weeks == sorted(weeks)  # oldest first
    from sim.config import load_scenario
    from sim.runner import simulate

    first = simulate(load_scenario("paris_declaration"), 0).events[0].week
    assert min(weeks) == first  # the log starts at the run's first event


def test_play_back_and_pause(page):
    from playwright.sync_api import expect

    known_state(page)
    page.locator(".to-start").click()
    expect(page.locator(".week-counter")).to_contain_text("Week 0 (1 Jul 2026) of")
    page.locator(".play-button").click()
    start = time.perf_counter()
    page.wait_for_function("() => { const m = document.querySelector('.week-counter').innerText.match(/Week (\\d+)/);"
                           " return m && +m[1] >= 16; }", timeout=WAIT_MS)
    rate = 16 / (time.perf_counter() - start)
    TIMINGS.setdefault("play-back, weeks per second", []).append(rate)
    page.locator(".play-button").click()  # pause
    page.wait_for_timeout(300)
    paused = headline(page)
    page.wait_for_timeout(700)
    assert headline(page) == paused, "play-back did not pause"
    assert rate > 4  # 'normal' is 12 weeks a second


# --------------------------------------------------------------------------- #
# Levers, Reset, messages
# --------------------------------------------------------------------------- #
def test_lever_change_and_reset_under_half_a_second_defect_6(page):
    known_state(page)
    # the result is shown when the charts and the design card both say it
    changed = ("() => {LADDER}.includes('political only') === {flag} && "
               "document.querySelector('.design-table').innerText.includes('(your change)') === {flag}")
    from .dashboard_page import LADDER_ABOUT

    for _ in range(3):
        item = open_select(page, ".lever-commitments", "political only")  # the menu opens in the browser alone
        timed("lever change", item.click,
              lambda: page.wait_for_function(changed.format(LADDER=LADDER_ABOUT, flag="true"), polling="raf",
                                             timeout=WAIT_MS))
        card = page.locator(".design-card")
        row = card.locator("tr").filter(has_text="Commitments (G0, G4)")
        assert "political only" in row.inner_text() and "(your change)" in row.inner_text()
        # defect 6: no other lever is flagged, and nothing claims the commitments are binding
        assert card.locator(".design-table").inner_text().count("(your change)") == 1
        assert "binding: yes" not in card.inner_text()
        statuses = page.locator(".member-tile").evaluate_all("els => els.map(e => e.dataset.status)")
        # political only: no member ratifies; some new governments drop their pledge; the US pledges nothing
        assert statuses[-1] == "no pledge" and "political" in statuses
        assert set(statuses[:-1]) <= {"political", "dropped"}
        timed("Reset levers", lambda: page.locator(".reset-levers").click(),
              lambda: page.wait_for_function(changed.format(LADDER=LADDER_ABOUT, flag="false"), polling="raf",
                                             timeout=WAIT_MS))
        assert "(your change)" not in page.locator(".design-table").inner_text()


def test_defect_5_every_value_is_visible_without_dragging(page):
    known_state(page)
    sidebar = page.locator(".levers-drawer")
    for text in ("Monitoring coverage (G1): 0.75", "Evidence threshold (G1): 0.55", "Support volume, x 2025 aid (G2): 1",
                 "Force size, x pledges (G3): 1", "Sanctions relief a year (A): 0.15"):
        assert text in sidebar.inner_text(), text
    assert page.locator(".lever-seed input").input_value() == "0"
    assert "Week 259" in page.locator(".week-slider").inner_text()
    # selects left 'as in scenario' say what is in effect
    for effect in ("US-led (the US decides)", "as written (no US pledge)", "commission vote"):
        assert f"in effect: {effect}" in sidebar.inner_text(), effect
    thumb = page.locator(".lever-monitoring_coverage [role=slider]")
    thumb.focus()
    thumb.press("ArrowLeft")
    page.wait_for_function("() => /Monitoring coverage \\(G1\\): 0\\.7(?![0-9])/.test("
                           "document.querySelector('.levers-drawer').innerText)", timeout=WAIT_MS)


def test_defect_11_messages_use_the_sidebar_labels(page):
    known_state(page)
    select(page, ".lever-monitoring", "off")
    error = page.locator(".config-error")
    error.wait_for(timeout=WAIT_MS)
    text = error.inner_text()
    assert "Monitoring (G1)" in text and "Commission rule (G1)" in text and "'no commission'" in text
    assert not re.search(r"[a-z_]+\.[a-z_]+", text.replace("(G1).", "")), text  # no dotted parameter paths
    assert "Not applied" in text and "last valid design" in text
    assert "Traceback" not in page.inner_text("body")
    # the story still shows the last valid design, and says that changes apply at once
    assert "A change applies at once" in page.locator(".levers-drawer").inner_text()
    select(page, ".lever-commission", "no commission")
    page.locator(".config-error").wait_for(state="detached", timeout=WAIT_MS)
    wait_about(page, "Monitoring (G1): off")
    # no Mesa leftovers: no unexplained interval sliders or thread switches
    body = page.inner_text("body")
    assert "Render Interval" not in body and "Use Threads" not in body and "Play Interval" not in body


# --------------------------------------------------------------------------- #
# Two designs, Russia's ladder apart from Ukraine's acts, the chain
# --------------------------------------------------------------------------- #
def test_two_designs_side_by_side_with_the_same_seed(page):
    known_state(page, reference="Minsk analogue")
    names = [s["name"] for s in chart(page, "ladder")["series"]]
    assert "Russia's action (your design)" in names and "Russia's action (reference)" in names
    assert len([s for s in chart(page, "resolve")["series"] if s["name"].endswith("(reference)")]) == 3
    assert re.search(r"The two designs part in week \d+", page.locator(".divergence").inner_text())
    header = page.locator(".design-card thead").inner_text()
    assert "your design" in header and "reference" in header
    assert "dashed: the reference, Minsk analogue" in page.locator(".lines-key").inner_text()
    assert "Reference (Minsk analogue)" in about(page)


def test_defect_4_ukraines_violations_are_not_drawn_on_russias_ladder(page):
    known_state(page)
    levels = dict((int(x), y) for x, y in series(page, "ladder", "Russia's action (your design)"))
    detected = series(page, "ladder", "detected (G1 monitoring)")
    assert detected
    for x, y in detected:  # a detection marker sits on a week Russia violated, at that level
        assert levels[int(x)] == round(y - 0.15) >= 1, (x, y)
    # Ukraine's acts and wrong blame have their own lane on the timeline
    lane = [s for s in chart(page, "timeline")["series"] if s["name"] == "Violation"][0]["data"]
    ukraine = [x for x, ln in lane if ln == "Ukraine, wrong blame"]
    assert ukraine and all(levels[int(x)] == 0 for x in ukraine if int(x) in levels and int(x) not in
                           {int(d[0]) for d in detected})


def _chain_seed() -> int:
    """A Paris seed whose chain has a misattributed Russian violation, a limited offensive, G2 and an answer."""
    from sim.config import load_scenario
    from sim.dashboard.story import run_story

    def fits(c):
        r = c[c["actor"] == "Russia"]
        return bool((r["misattributed"]).any() and (c["level"] == "limited").any() and (c["actor"] == "Ukraine").any()
                    and c["clauses"].map(lambda x: "G2" in x).any() and (r["status"] == "answered").any())

    paris = load_scenario("paris_declaration")
    # Seed 496 is the first that fits the calibrated model (limited offensives are rare there: 16 runs in 0-2999);
    # checked first, so the search is quick; if the model changes, the search goes on through 0-999
    seed = next((s for s in (496, *range(1000)) if fits(run_story(paris, s).chain)), None)
    assert seed is not None, "no seed in 0-999 gives a chain with a misattributed violation, a limited offensive, " \
                             "G2 and an answer"
    return seed


def test_the_commissions_chain_one_row_a_violation_with_filters(page):
    known_state(page, seed=_chain_seed())
    open_tab(page, "Commission's chain")
    russia = page.locator(".chain-russia .chain-row")
    russia.first.wait_for(timeout=WAIT_MS)
    actors = set(russia.evaluate_all("els => els.map(e => e.dataset.actor)"))
    assert actors == {"Russia"}
    other = page.locator(".chain-ukraine .chain-row").evaluate_all(
        "els => els.map(e => [e.dataset.actor, e.dataset.status])")
    assert other and all(actor in ("Ukraine", "nobody") or status == "misattributed" for actor, status in other)
    assert any(status == "misattributed" for _, status in other)  # a Russian violation blamed on Ukraine
    assert "goes unpunished" in page.locator(".chain-ukraine").inner_text()  # explained
    # stages in order: violation <= detected <= attributed <= decided <= responded
    for row in russia.all()[:12]:
        weeks = [int(w) for w in re.findall(r"wk (\d+)", row.inner_text())]
        assert weeks == sorted(weeks), row.inner_text()
    answered = page.locator(".chain-russia .chain-row[data-status='answered']").first.inner_text()
    assert answered.count("states responded") == 1  # member responses collapsed into one summary
    select_labelled(page, "Actor", "Ukraine")
    page.locator(".chain-russia").get_by_text("None up to this week").wait_for(timeout=WAIT_MS)
    select_labelled(page, "Actor", "all")
    select_labelled(page, "Level", "limited")
    page.wait_for_function("() => [...document.querySelectorAll('.chain-row')].every(r => r.innerText.includes("
                           "'limited by'))", timeout=WAIT_MS)
    select_labelled(page, "Level", "all")
    select_labelled(page, "Clause", "G2")
    page.wait_for_function("() => { const r = [...document.querySelectorAll('.chain-row')]; return r.length > 0 &&"
                           " r.every(x => [...x.querySelectorAll('.clause-chip')].some(c => c.innerText === 'G2')); }",
                           timeout=WAIT_MS)
    select_labelled(page, "Clause", "all")


def test_defect_10_log_wording(page):
    from sim.config import load_scenario
    from sim.dashboard.story import run_story

    paris = load_scenario("paris_declaration")

    def fits(story):  # a limited offensive (P1) and a renewed armed attack the commission answers
        ev = story.events
        return bool(((ev["kind"] == "violation") & (ev["level"] == "limited") & (ev["clause"] == "P1")).any()
                    and ((ev["kind"] == "decision") & (ev["level"] == "major")
                         & (ev["outcome"] == "corrective_measures")).any())

    # Seed 42 is the first that fits Model v3 (checked first, so the search is quick; if the model changes,
    # the search goes on through 0-999)
    seed = next((s for s in (42, *range(1000)) if fits(run_story(paris, s))), None)
    assert seed is not None, "no seed in 0-999 gives a limited offensive and an answered attack"
    known_state(page, seed=seed)  # the whole run: the log holds every event, oldest first
    log_rows(page)
    log = page.locator(".event-log").inner_text()
    assert not re.search(r"\b1 weeks\b", log)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", log), "raw snake_case in the log"
    assert not re.search(r"SpecialCommission|MonitoringMechanism|MultinationalForce|CoordinationCell", log)
    assert "Ukraine's own defence (P1) decides whether a limited offensive gains ground" in log
    assert "The weight of the answer to an attack is the states' G4 responses" in log
    for line in log.splitlines():
        if "its report blames Ukraine" in line and "by Russia" in line:
            assert "(wrong: it was Russia)" in line
    # many states answering one decision are one row
    rows = page.locator(".event-log tbody tr").evaluate_all(
        "els => els.map(e => [e.cells[0].innerText, e.cells[3].innerText])")
    singles = [(w, t) for w, t in rows if re.search(r" responds \((political|binding) commitment\)", t)]
    assert all(a[0] != b[0] for a, b in zip(singles, singles[1:])), "member responses of one week not collapsed"


def test_glossary_and_clauses_on_the_page(page):
    known_state(page)
    glossary = page.locator(".glossary-card").inner_text()
    for term in ("probe", "limited", "major", "strength units", "believed resolve", "political commitment",
                 "ratified commitment", "misattribution", "campaign", "indicator", "warning",
                 "window of opportunity", "snapback", "pledge dropped", "no pledge", "tripwire rally",
                 "percentage point", "run"):
        assert term in glossary, term
    legend = page.locator(".clause-legend").inner_text()
    for cid in ("P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1", "A"):
        assert cid in legend


# --------------------------------------------------------------------------- #
# Model v2 in the story: intent and warning, politics with dates, sanctions, the force by nation
# --------------------------------------------------------------------------- #
MARKS_JS = """(sel) => { const c = document.querySelector(sel + ' .solara-echarts').__vue__.chart;
  return c.getOption().series.flatMap(s => ((s.markLine || {}).data || []).map(d => d.name).filter(n => n)); }"""
NAMES_JS = """([sel, name]) => { const c = document.querySelector(sel + ' .solara-echarts').__vue__.chart;
  return c.getOption().series.filter(s => s.name === name).flatMap(s => s.data.filter(d => d && d.name)
    .map(d => d.name)); }"""


def test_model_v2_what_russia_did_what_monitoring_saw_politics_sanctions_force(page):
    from sim.config import load_scenario
    from sim.dashboard import charts
    from sim.dashboard.controls import build_design, default_controls
    from sim.dashboard.story import run_story
    from sim.dashboard.words import INTENT_LANE, INTENTS, WARNING_LANE

    paris = load_scenario("paris_declaration")

    def fits(story):  # a limited offensive prepared and launched, a warning, a snapback, France's 2027 change
        ev = story.events
        launched = any(lane == INTENT_LANE and "preparing a limited offensive → launched" in str(tip)
                       for lane, _, _, _, _, tip in charts.bands(story))
        france = ev[(ev["kind"] == "government_change") & ev["who"].astype(str).str.contains("France")]
        return (launched and (ev["kind"] == "warning").any() and story.run["snapbacks"] > 0
                and france["text"].str.contains("Apr 2027").any())

    # Seed 83 is the first that fits the model calibrated by history matching (checked first, so the search is
    # quick; if the model changes, the search goes on through 0-1499)
    seed = next((s for s in (83, *range(1500)) if fits(run_story(paris, s))), None)
    assert seed is not None, "no seed in 0-1499 gives the story this test reads"
    known_state(page, seed=seed)
    story = run_story(paris, seed)
    timeline = chart(page, "timeline")
    lanes = timeline["yAxis"]["data"]
    assert lanes[:3] == [INTENT_LANE, "Russia did", "Monitoring saw"] and lanes[3] == WARNING_LANE
    # Russia's intent drawn as a band, segment by segment, where the run has it
    drawn = []  # (intent, first week, week after the last) of each segment; a segment's line breaks at '-'
    for s in timeline["series"]:
        points = [d for d in s["data"] if isinstance(d, list)]
        if points and points[0][1] == INTENT_LANE:
            drawn += [(s["name"], a[0], b[0]) for a, b in zip(points[::2], points[1::2])]
    drawn.sort()
    assert drawn == sorted((name, first, last + 1) for lane, name, _, first, last, _ in charts.bands(story)
                           if lane == INTENT_LANE)
    assert INTENTS["preparing"][0] in {d[0] for d in drawn}
    tips = page.evaluate(NAMES_JS, [".chart-timeline", INTENTS["preparing"][0]])
    assert any("preparing a limited offensive → launched" in t and re.search(r"\(\d{1,2} [A-Z][a-z]{2} 20\d\d", t)
               for t in tips), tips
    ev = story.events
    for kind, label in (("indicator_detected", "Indicator detected"), ("warning", "Warning")):
        xs = sorted(x for x, _ in series(page, "timeline", label))
        assert xs == sorted(ev.loc[ev["kind"] == kind, "week"].astype(int)), label
    # elections and shocks carry their dates; the sanctions chart marks snapbacks and new governments
    politics = page.evaluate(NAMES_JS, [".chart-timeline", "Government change"])
    assert politics and all(re.match(r"week \d+ \(\d{1,2} [A-Z][a-z]{2} 20\d\d\): ", t) for t in politics)
    assert series(page, "sanctions", "sanctions level (your design)")[-1][0] == 259
    marks = page.evaluate(MARKS_JS, ".chart-sanctions")
    assert sum(m.startswith("snapback (") for m in marks) == story.run["snapbacks"] > 0
    assert "new government: France (21 Apr 2027)" in marks
    # the members: the US makes no G4 pledge as written, and holds its roles
    us = page.locator(".member-tile[data-status='no pledge']")
    assert us.count() == 1 and "United States" in us.inner_text()
    assert "roles: monitoring lead (G1)" in us.inner_text()  # as written the US shares no intelligence (G5)
    assert "no pledge: no G4 pledge" in page.locator(".tiles-legend").inner_text()
    force = page.locator(".force-card").inner_text()
    backed = "force" in str(story.steps.at[259, "us_roles"]).split("+")  # the US backs the force with a chance (G3)
    assert "United Kingdom (lead)" in force and "France (lead)" in force
    assert f"US support to the force (G3): {'yes' if backed else 'no'}" in force

    # US role lever: the US withdraws on 20 January 2029 (week 133, the week of 17 Jan 2029)
    timed("lever change", open_select(page, ".lever-us_role", "US withdraws in 2029").click,
          lambda: page.wait_for_function("() => document.querySelector('.design-table').innerText"
                                         ".includes('US withdraws in 2029')", polling="raf", timeout=WAIT_MS))
    wait_about(page, "US withdraws in 2029")
    shock = page.evaluate(NAMES_JS, [".chart-timeline", "Scripted shock"])
    assert len(shock) == 1 and shock[0].startswith("week 133 (17 Jan 2029): Scripted in the scenario: "
                                                   "Scripted shock: the new US administration withdraws")
    assert "roles: none" in page.locator(".member-tile[data-status='no pledge']").inner_text()
    assert "US support to the force (G3): no" in page.locator(".force-card").inner_text()
    scrub_to(page, 132)
    from playwright.sync_api import expect

    expect(page.locator(".member-tile[data-status='no pledge']")).to_contain_text("roles: monitoring",
                                                                                  timeout=WAIT_MS)
    to_end(page)

    # with a US bilateral guarantee the US pledges (put to Congress); warning measures off
    select(page, ".lever-us_role", "with US bilateral guarantee")
    page.wait_for_function("() => document.querySelectorAll(\".member-tile[data-status='no pledge']\").length === 0",
                           timeout=WAIT_MS)
    assert page.locator(".member-tile").last.get_attribute("data-status") in ("pending", "ratified", "failed")
    # Model v3: the declaration as written pre-agrees no warning measures; the lever turns them on
    select(page, ".lever-warning_measures", "on")
    wait_about(page, "Warning measures (G1): on")
    on, _ = build_design("paris_declaration", {**default_controls(), "us_role": "with US bilateral guarantee",
                                               "warning_measures": "on"})
    measures = run_story(on.scenario, seed).events
    expected = int((measures["kind"] == "warning_measure").sum())
    # the timeline may still hold the last design's option a moment after it comes into view: wait for the redraw
    into_view(page, ".chart-timeline")
    page.wait_for_function(f"(n) => {{ const o = ({CHART_JS})('.chart-timeline'); if (!o) return false;"
                           " const s = o.series.filter(s => s.name === 'Warning measure');"
                           " return (s.length ? s[0].data.length : 0) === n; }", arg=expected, timeout=WAIT_MS)
    drawn = [s for s in chart(page, "timeline")["series"] if s["name"] == "Warning measure"]
    assert (len(drawn[0]["data"]) if drawn else 0) == expected
    if (measures["kind"] == "warning").any():  # a warning now sets off more than Ukraine's readiness
        taken = set(measures.loc[measures["kind"] == "warning_measure", "outcome"])
        assert taken - {"readiness"}, taken
    assert set(ev.loc[ev["kind"] == "warning_measure", "outcome"]) <= {"readiness"}  # as written: readiness only
    page.locator(".reset-levers").click()
    page.wait_for_function("() => !document.querySelector('.design-table').innerText.includes('(your change)')",
                           timeout=WAIT_MS)


# --------------------------------------------------------------------------- #
# Compare designs
# --------------------------------------------------------------------------- #
def test_compare_gives_a_paired_verdict_defects_7_and_8(page):
    from playwright.sync_api import expect

    known_state(page)
    select(page, ".lever-commitments", "political only")
    open_tab(page, "Compare designs")
    select(page, ".compare-horizon", "2 years (weeks 0-103)")
    select(page, ".compare-target", "±5 percentage points")
    select(page, ".compare-cap", "500")
    page.locator(".run-comparison").click()
    expect(page.locator(".comparison-status")).to_contain_text("Done:", timeout=120_000)
    verdict = page.locator(".verdict").inner_text()
    assert re.match(r"(No difference detected|Your design is safer|The reference is safer): your design's risk of "
                    r"a renewed attack within 2 years \(weeks 0-103\) is \d+\.\d%", verdict), verdict
    n = int(re.search(r"(\d+) pairs of runs", verdict).group(1))
    assert 100 <= n <= 500
    table = page.locator(".comparison-table")
    cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells[0] == "Paris declaration + Commitments (G0, G4): political only"  # readable name
    share = cells[1]
    assert re.fullmatch(r"\d+\.\d% \(\d+ of \d+ runs\)", share)
    surv = chart(page, "survival")
    # issue 10, defect 7: the chart says the same share as the table
    assert share in surv["legend"]["data"][0]
    # issue 10, defect 8: readable legend above the plot, y axis zoomed to the curves
    assert all(not re.search(r"[a-z_]+\.[a-z_]+", name) for name in surv["legend"]["data"])
    assert surv["legend"]["top"] < surv["grid"]["top"]
    lows = [y for s in surv["series"] for _, y in s["data"] if y is not None]
    assert 0 < surv["yAxis"]["min"] <= min(lows)
    assert "Difference in the risk of a renewed attack" in chart(page, "difference")["title"]["text"]
    # a lever change after the run: the result says it is out of date
    page.locator(".reset-levers").click()
    page.locator(".pending-change").wait_for(timeout=WAIT_MS)
    open_tab(page, "Story")


# --------------------------------------------------------------------------- #
# Light and dark mode, the badge, the server terminal
# --------------------------------------------------------------------------- #
def _set_dark(page, dark: bool) -> None:
    for _ in range(3):
        is_dark = page.evaluate("() => document.querySelector('.v-application').classList.contains('theme--dark')")
        if is_dark == dark:
            return
        page.locator(".theme-toggle").click()
        page.wait_for_timeout(400)
    raise AssertionError("could not switch the theme")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_defect_2_readable_in_light_and_dark_mode(page, shots, dark):
    from .dashboard_page import CONTRAST_JS, LADDER_ABOUT  # noqa: F401

    known_state(page)
    _set_dark(page, dark)
    colour = "#eceff1" if dark else "#212121"
    page.wait_for_function(
        "(c) => { const el = document.querySelector('.chart-ladder .solara-echarts'); const ch = el && el.__vue__ &&"
        " el.__vue__.chart; return ch && ch.getOption().title[0].textStyle.color === c; }", arg=colour,
        timeout=WAIT_MS)
    for sel in (".design-table td", ".clause-legend td", ".glossary td", ".event-log td", ".member-tile .name",
                ".member-tile .status", ".force-table td", ".week-counter", ".run-state", ".intro-text p"):
        ratio = page.evaluate(CONTRAST_JS, sel)
        assert ratio is not None and ratio >= 4.5, f"{sel}: contrast {ratio} in {'dark' if dark else 'light'} mode"
    mode = "dark" if dark else "light"
    page.set_viewport_size({"width": 1500, "height": 4300})
    page.screenshot(path=str(shots / f"story-{mode}.png"))
    open_tab(page, "Commission's chain")
    page.locator(".chain-table").first.wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate(CONTRAST_JS, ".chain-table td") >= 4.5
    page.screenshot(path=str(shots / f"chain-{mode}.png"))
    open_tab(page, "Why? The story of this run")
    page.locator(".why-summary").wait_for()
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"why-{mode}.png"))
    open_tab(page, "Compare designs")
    page.locator(".comparison-table").wait_for(timeout=WAIT_MS)  # the result of the comparison test above
    page.wait_for_timeout(300)  # the tab's slide transition
    assert page.evaluate(CONTRAST_JS, ".comparison-table td") >= 4.5
    assert page.evaluate(CONTRAST_JS, ".verdict") >= 4.5
    page.screenshot(path=str(shots / f"compare-{mode}.png"))
    page.set_viewport_size({"width": 1500, "height": 1100})
    _set_dark(page, False)
    open_tab(page, "Story")


def test_defect_9_no_badge_over_the_member_tiles(page):
    known_state(page)
    assert page.get_by_text("This website runs on").count() == 0
    tile = page.locator(".member-tile").last
    tile.evaluate("el => el.scrollIntoView({block: 'end', inline: 'end', behavior: 'instant'})")
    hit = tile.evaluate("el => { const r = el.getBoundingClientRect();"
                        " const top = document.elementFromPoint(r.right - 4, r.bottom - 4); return el.contains(top); }")
    assert hit, "something covers the bottom-right corner of the last member tile"


def test_defect_12_and_9_the_served_dashboard_keeps_its_terminal_quiet(page, tmp_path):
    """`python -m sim dashboard` as a student starts it: two page loads, no warnings in the terminal."""
    import os
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "server.log"
    # the outcomes' cache in this test's folder, and no warm-up runs competing with the other tests
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PARIS_SIM_DASHBOARD_CACHE": str(tmp_path / "cache"),
           "PARIS_SIM_DASHBOARD_WARM": "0"}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", "--port", str(port)], cwd=tmp_path,
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 60
        while "Solara server is starting" not in log.read_text() and time.time() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        other = page.context.new_page()
        try:
            for _ in range(100):
                try:
                    other.goto(url)
                    break
                except Exception:  # noqa: BLE001 - not listening yet
                    time.sleep(0.2)
            other.wait_for_function(LOADED, timeout=LOAD_MS)
            assert other.get_by_text("This website runs on").count() == 0
        finally:
            other.close()
        with urllib.request.urlopen(url, timeout=30) as reply:  # a second load of the page (the cookie path)
            assert reply.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    text = log.read_text()
    assert "Cookies with samesite" not in text
    assert "Warning" not in text and "Traceback" not in text, text
    assert len(text.strip().splitlines()) <= 3, text
