"""Issue 23, a dashboard a class can use, in Debian's Chromium at a student's 1366 x 768.

One test a defect (``test_defect_N_...``, the issue's numbering) and one a new capability: the
first minute, finding and explaining a war, a Compare a class can trust. The classroom's load
(30 students) is measured by benchmarks/bench_classroom.py; memory returned after sessions
close is tested here on a served dashboard (slow).
"""

from __future__ import annotations

import re
import time

import pytest
from .dashboard_page import (
    LOAD_MS,
    LOADED,
    TIMINGS,
    WAIT_MS,
    about,
    chart,
    known_state,
    loaded_dashboard,
    log_rows,
    open_select,
    open_tab,
    scrub_to,
    select,
    set_seed,
    to_end,
    wait_about,
)

WIDTH, HEIGHT = 1366, 768


@pytest.fixture(scope="module")
def dash(solara_server, _guarded_page_session):
    """The dashboard served in-process, loaded fresh at a laptop's size."""
    try:
        with loaded_dashboard(solara_server, _guarded_page_session, WIDTH, HEIGHT) as page:
            yield page
    finally:
        from sim.dashboard.outcomes import shared

        shared().close()  # the Compare pool of this test process


@pytest.fixture
def page(dash, offline_guard):
    dash.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return dash


def in_view(page, selector: str) -> bool:
    """Whether the element is inside the window (the part a student sees without scrolling)."""
    return page.locator(selector).first.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }")


# --------------------------------------------------------------------------- #
# Defect 1 and the first minute
# --------------------------------------------------------------------------- #
def test_defect_1_the_first_screen_says_what_a_run_is(page):
    """Fresh page, nothing touched: the window itself says it is a simulation, one possible future."""
    page.evaluate("() => window.scrollTo(0, 0)")
    seen = page.evaluate("""() => { const out = []; const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) { const r = n.parentElement.getBoundingClientRect();
        if (r.bottom > 0 && r.top < innerHeight && r.width > 0) out.push(n.textContent); } return out.join(' '); }""")
    assert "simulation, not a forecast" in seen and "one possible future" in seen
    assert "Simulated run, seed 0 (one possible future, not a forecast)" in page.locator(".run-state").inner_text()
    # what "runs" are, where Compare counts them
    open_tab(page, "Compare designs")
    assert "A run is one simulated future of five years" in page.locator(".compare-intro").inner_text()
    open_tab(page, "Story")


def test_a_first_minute_that_teaches(page):
    from sim.config import load_scenario
    from sim.dashboard.controls import scenario_names

    intro = page.locator(".intro-card")
    text = intro.inner_text()
    for words in ("A run is one possible future", "The reference", "probe", "limited", "major",
                  "three outcome levels", "an armed attack", "a renewed war", "territory seized",
                  "What if commitments stay political?", "Is the Paris design safer than the Minsk agreements?",
                  "In a run where war breaks out, why did it happen?"):
        assert words in text, words
    intro.get_by_text("The scenarios: what each represents").click()
    table = page.locator(".scenarios-table")
    table.wait_for(timeout=WAIT_MS)
    for name in scenario_names():  # each scenario in its own file's words
        assert load_scenario(name).description in table.inner_text(), name
    intro.get_by_text("The scenarios: what each represents").click()
    page.locator(".intro-toggle").click()  # the student hides it, and can show it again
    page.get_by_text("Show: what a run is, the scenarios, where to start").wait_for(timeout=WAIT_MS)
    assert page.locator(".intro-text").count() == 0
    page.locator(".intro-toggle").click()
    page.locator(".intro-text").wait_for(timeout=WAIT_MS)


# --------------------------------------------------------------------------- #
# Defect 2: an invalid lever says so where the student looks
# --------------------------------------------------------------------------- #
def test_defect_2_an_invalid_lever_is_told_in_view_and_undone_in_one_click(page):
    known_state(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    select(page, ".lever-monitoring", "off")
    error = page.locator(".config-error")
    error.wait_for(timeout=WAIT_MS)
    page.evaluate("() => window.scrollTo(0, 0)")
    assert in_view(page, ".config-error"), "the message is outside the window"
    assert "Allowed:" in error.inner_text() and "'no commission'" in error.inner_text()
    # the page does not claim the designs are the same: it says the change is not applied
    assert "not applied" in page.locator(".divergence").inner_text()
    assert page.locator(".lever-monitoring.lever-invalid .lever-error").count() == 1  # the lever itself says so
    page.locator(".undo-change").click()
    page.locator(".config-error").wait_for(state="detached", timeout=WAIT_MS)
    assert page.locator(".lever-monitoring .v-select__selection").inner_text() == "as in scenario"


# --------------------------------------------------------------------------- #
# Defects 3 and 5: the slider and the play bar; play-back redraws every week
# --------------------------------------------------------------------------- #
def test_defect_3_a_long_week_slider_and_a_play_bar_that_stays_put(page):
    known_state(page, reference="Minsk analogue")
    width = page.locator(".week-slider .v-slider").evaluate("el => el.getBoundingClientRect().width")
    assert width / 260 >= 2.5, f"{width:.0f} px for 260 weeks"
    page.locator(".to-start").click()
    page.locator(".speed-fast").click()
    tops = page.evaluate("""() => new Promise(done => {
      const button = document.querySelector('.play-button'); const tops = []; const t0 = performance.now();
      button.click();
      const tick = () => { tops.push(button.getBoundingClientRect().top);
        if (performance.now() - t0 < 4000) requestAnimationFrame(tick); else done(tops); };
      requestAnimationFrame(tick); })""")
    assert len(tops) > 20 and max(tops) - min(tops) < 0.5, f"the play bar moved by {max(tops) - min(tops):.1f} px"
    page.locator(".play-button").click()  # Pause lands on the button
    page.wait_for_timeout(300)
    paused = page.locator(".week-counter").inner_text()
    page.wait_for_timeout(600)
    assert page.locator(".week-counter").inner_text() == paused
    page.locator(".speed-normal").click()
    to_end(page)


def test_defect_5_play_redraws_at_least_ten_times_a_second(page):
    """At 'normal' (12 weeks a second) the browser redraws the ladder for each week; counted from ECharts'
    own 'rendered' events over 3 s of play (the target, 10 a second, is for an idle machine: the test
    asks 8 so that a loaded machine does not fail it; the benchmark reports the figure)."""
    known_state(page)
    page.locator(".to-start").click()
    page.locator(".chart-ladder").evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
    rate = page.evaluate("""() => new Promise(done => {
      const chart = document.querySelector('.chart-ladder .solara-echarts').__vue__.chart;
      let n = 0; const count = () => { n++; }; chart.on('rendered', count);
      document.querySelector('.play-button').click(); const t0 = performance.now();
      setTimeout(() => { chart.off('rendered', count); done(n / ((performance.now() - t0) / 1000)); }, 3000); })""")
    page.locator(".play-button").click()
    TIMINGS.setdefault("play-back, ladder redraws per second", []).append(rate)
    assert rate >= 8, f"{rate:.1f} redraws a second"
    to_end(page)


# --------------------------------------------------------------------------- #
# Defect 4 and "find and explain"
# --------------------------------------------------------------------------- #
def test_defect_4_find_the_next_war_and_read_why(page):
    from sim.config import load_scenario
    from sim.dashboard.sentences import reasons
    from sim.dashboard.story import run_story
    from sim.runner import simulate

    known_state(page)
    page.locator(".find-war").click()
    status = page.locator(".finder-status")
    page.wait_for_function("() => /has a war/.test((document.querySelector('.finder-status') || {}).innerText || '')",
                           timeout=60_000)
    seed = int(re.search(r"Run (\d+) has a war", status.inner_text()).group(1))
    paris = load_scenario("paris_declaration")
    assert simulate(paris, seed, steps=False, events=False).run["escalated"]
    assert not any(simulate(paris, k, steps=False, events=False).run["escalated"] for k in range(1, seed))
    story = run_story(paris, seed)
    assert page.locator(".lever-seed input").input_value() == str(seed)
    assert page.locator(".week-counter").inner_text().startswith(f"Week {story.escalation_week} ")
    # the Why tab tells each war as one story: intent, what Russia faced, signs, (warning), the attack, the answer;
    # a run may hold several wars (one per renewed armed attack), the first one first
    ev = story.events
    wars = page.locator(".why-war .why-table")
    wars.first.wait_for(timeout=WAIT_MS)
    assert wars.count() == int((ev["kind"] == "escalation").sum()) >= 1
    war = wars.first
    assert war.locator(".why-step[data-stage='attack'] td.num").inner_text() == str(story.escalation_week)
    stages = war.locator(".why-step").evaluate_all("els => els.map(e => e.dataset.stage)")
    order = ["intent", "reasons", "signs", "attack", "detected", "attributed", "decided", "answered"]
    assert [s for s in stages if s in order] == [s for s in order if s in stages]
    assert {"intent", "reasons", "attack", "detected"} <= set(stages)
    weeks = [int(w) for w in war.locator(".why-step td.num").all_inner_texts()]
    assert weeks == sorted(weeks)
    assert "Russia's reasons" in war.inner_text() and "What it faced that week" in war.inner_text()
    # the reasons are those the model recorded at the decision that started the preparation (value, noise, ...)
    start = ev[(ev["kind"] == "campaign") & (ev["outcome"] == "preparation_starts")
               & (ev["week"] <= story.escalation_week)].iloc[-1]
    decision = story.event(int(start["cause_id"]))
    assert decision.kind == "assessment" and reasons(decision) in war.inner_text()
    open_tab(page, "Story")
    wait_about(page, f"seed {seed}.")  # the story charts show that run, up to the attack
    page.wait_for_function(f"() => {{ const s = document.querySelector('.chart-ladder .solara-echarts').__vue__;"
                           f" return s.shown === {story.escalation_week}; }}", timeout=WAIT_MS)


def test_find_a_limited_attack_and_a_warning(page):
    from sim.config import load_scenario
    from sim.runner import simulate

    known_state(page, seed=0)
    paris = load_scenario("paris_declaration")
    for button, words, field in ((".find-limited", "a limited attack", "violations_limited"),
                                 (".find-warning", "a warning", "warnings")):
        before = int(page.locator(".lever-seed input").input_value())
        page.locator(button).click()
        page.wait_for_function(f"() => ((document.querySelector('.finder-status') || {{}}).innerText || '')"
                               f".includes('has {words}')", timeout=60_000)
        seed = int(page.locator(".lever-seed input").input_value())
        assert seed > before and simulate(paris, seed, steps=False, events=False).run[field] > 0
        assert not any(simulate(paris, k, steps=False, events=False).run[field] for k in range(before + 1, seed))


def test_the_whole_event_log_oldest_first_and_filtered(page):
    from sim.config import load_scenario
    from sim.dashboard.story import run_story

    known_state(page, seed=0)
    story = run_story(load_scenario("paris_declaration"), 0)
    rows = log_rows(page)
    log = page.locator(".event-log")
    assert rows.count() == len(story.events)  # the whole log, no cut at 300
    weeks = [int(w) for w in log.locator("td.num").all_inner_texts()]
    assert weeks == sorted(weeks) and weeks[0] == int(story.events["week"].min())  # oldest first
    select(page, ".log-kind", "Government change")
    page.wait_for_function("() => [...document.querySelectorAll('.event-log tbody tr')].every("
                           "r => r.dataset.kind === 'Government change')", timeout=WAIT_MS)
    assert rows.count() == int((story.events["kind"] == "government_change").sum()) > 0
    select(page, ".log-kind", "all kinds")
    page.locator(".log-search input").fill("France")
    page.wait_for_function("() => { const r = [...document.querySelectorAll('.event-log tbody tr')];"
                           " return r.length > 0 && r.every(x => x.innerText.includes('France')); }", timeout=WAIT_MS)
    page.locator(".log-search input").fill("")
    select(page, ".log-order", "newest first")
    page.wait_for_function("() => { const w = [...document.querySelectorAll('.event-log td.num')].map(t => +t.innerText);"
                           " return w.length > 1 && w[0] >= w[w.length - 1]; }", timeout=WAIT_MS)
    select(page, ".log-order", "oldest first")


# --------------------------------------------------------------------------- #
# Defect 6: the seed box
# --------------------------------------------------------------------------- #
def test_defect_6_the_seed_box_never_silently_ignores_a_value(page):
    known_state(page)
    set_seed(page, 1234)  # out of range before: now a seed like any other
    assert "seed 1234." in about(page)
    box = page.locator(".lever-seed input")
    for bad in ("123456", "-3", "twelve"):
        box.fill(bad)
        box.press("Enter")
        message = page.locator(".lever-seed .v-messages__message")
        message.wait_for(timeout=WAIT_MS)
        assert "A seed is a whole number from 0 to 99,999" in message.inner_text()
        assert "still shows seed 1234" in message.inner_text()
        page.wait_for_function("() => document.querySelector('.lever-seed input').value === '1234'", timeout=WAIT_MS)
        assert "seed 1234." in about(page)
    set_seed(page, 0)


# --------------------------------------------------------------------------- #
# Defect 7: no meaning in colour alone, no look-alike markers
# --------------------------------------------------------------------------- #
def test_defect_7_lines_markers_and_chips_are_told_apart_without_colour(page):
    known_state(page)
    key = page.locator(".lines-key")
    assert key.locator(".key-reference line[stroke-dasharray]").count() == 1
    assert key.locator(".key-yours line[stroke-dasharray]").count() == 0
    resolve = page.evaluate("""() => document.querySelector('.chart-resolve .solara-echarts').__vue__.chart.getOption()
        .series.filter(s => s.endLabel && s.endLabel.show).map(s => s.endLabel.formatter)""")
    assert resolve == ["if probe", "if limited", "if major"]  # three levels, named at the lines' ends
    timeline = chart(page, "timeline")
    assert timeline["legend"]["show"] is False  # no legend over three pages: a key on the page instead
    kinds = page.locator(".timeline-key .key-kind")
    labels = kinds.all_inner_texts()
    shapes = kinds.evaluate_all("els => els.map(e => e.querySelector('svg').innerHTML)")
    assert len(set(shapes)) == len(shapes), "two kinds drawn alike in the key"
    scatter = {s["name"] for s in page.evaluate("""() => document.querySelector('.chart-timeline .solara-echarts')
        .__vue__.chart.getOption().series.filter(s => s.type === 'scatter')""")}
    assert set(labels) == scatter, (set(labels) ^ scatter)
    chip = page.locator(".member-tile .resp-chip.on").first
    assert re.fullmatch(r"[DSILM]\d+", chip.inner_text())  # a letter and a count, not a colour
    assert "Filled: activated" in page.locator(".tiles-legend").inner_text()


# --------------------------------------------------------------------------- #
# Defect 8 and "Compare a class can trust"
# --------------------------------------------------------------------------- #
def test_defect_8_compare_speaks_one_language_and_reuses_its_runs(page, monkeypatch):
    """Political commitments against the Paris declaration over two years, the page's wording checked
    (the runs are those test_dashboard.py's comparison made, when it ran first: reused, as a class would);
    then the range across plausible worlds (3 worlds of 20 pairs here, for time)."""
    from playwright.sync_api import expect

    from sim.dashboard import compare as CMP
    from sim.dashboard import controls as K
    from sim.dashboard.outcomes import shared

    monkeypatch.setattr(CMP, "WORLDS", 3)
    monkeypatch.setattr(CMP, "WORLD_PAIRS", 20)
    known_state(page)
    select(page, ".lever-commitments", "political only")
    open_tab(page, "Compare designs")
    terms = page.locator(".compare-terms").inner_text()
    assert "Percentage points (pp) measure the distance between two percentages" in terms
    assert "only the uncertainty from chance" in terms
    select(page, ".compare-horizon", "2 years (weeks 0-103)")
    select(page, ".compare-target", "±5 percentage points")
    select(page, ".compare-cap", "500")
    start = time.perf_counter()
    page.locator(".run-comparison").click()
    expect(page.locator(".comparison-status")).to_contain_text("Done:", timeout=180_000)
    TIMINGS.setdefault("Compare political only vs Paris, 2 years (s)", []).append(time.perf_counter() - start)
    verdict = page.locator(".verdict").inner_text()
    diff_row = page.locator(".comparison-table tbody tr").last.locator("td").all_inner_texts()
    assert diff_row[0] == "difference: your design minus the reference (paired)"
    assert diff_row[1] in verdict and diff_row[2] in verdict  # the sentence quotes the table, signs included
    assert re.match(r"(Your design is safer|The reference is safer|No difference detected): your design's risk", verdict)
    assert "from chance" in verdict and " pp" in verdict
    headers = page.locator(".comparison-table thead").inner_text()
    assert "renewed attack within weeks 0-103" in headers and "95% interval from chance" in headers
    assert "armed attack of any size" in headers and "territory seized" in headers  # the model's three levels
    notes = page.locator(".compare-notes").inner_text()
    assert "p = 0.000" not in notes and re.search(r"p (<|=) [01]\.\d{3}", notes)
    body = page.inner_text("body")
    assert "P(escalation)" not in body and "points [" not in body
    # the same comparison again: every run is reused, the verdict is back at once
    page.locator(".lever-force_size [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    page.locator(".pending-change").wait_for(timeout=WAIT_MS)
    page.keyboard.press("ArrowLeft")
    start = time.perf_counter()
    page.locator(".run-comparison").click()
    page.wait_for_function("(v) => (document.querySelector('.verdict') || {}).innerText === v"
                           " && /Done:/.test(document.querySelector('.comparison-status').innerText)",
                           arg=verdict, timeout=WAIT_MS)
    again = time.perf_counter() - start
    TIMINGS.setdefault("Compare political only vs Paris, again (s)", []).append(again)
    assert again < 5
    # the model's own uncertainty, beside chance: the paired difference in each plausible world
    assert "leaves out the model's own uncertainty" in page.locator(".compare-notes").inner_text()
    page.locator(".stop-comparison").wait_for(state="detached", timeout=WAIT_MS)
    page.locator(".run-worlds").click()
    expect(page.locator(".worlds-text")).to_contain_text("plausible worlds", timeout=180_000)
    design, _ = K.build_design("paris_declaration", {**K.default_controls(), "commitments": "political only"})
    worlds = CMP.across_worlds(design, K.named_design("paris_declaration"), shared(), horizon=104)  # runs reused
    assert len(worlds.diffs) == 3 and worlds.pairs == 20
    assert page.locator(".worlds-text").inner_text() == CMP.worlds_text(worlds)
    # from the comparison to a run where only one design was attacked
    runs = page.locator(".open-run")
    if runs.count():
        label = runs.first.inner_text()
        runs.first.click()
        seed = int(re.search(r"\d+", label).group(0))
        page.wait_for_function(f"() => document.querySelector('.lever-seed input').value === '{seed}'",
                               timeout=WAIT_MS)
        page.locator(".why-summary").wait_for(timeout=WAIT_MS)  # it opens on why it happened
    open_tab(page, "Compare designs")
    select(page, ".compare-horizon", "5 years (weeks 0-259)")  # as a fresh page has it
    select(page, ".compare-target", "±1 percentage points")
    select(page, ".compare-cap", "2000")
    open_tab(page, "Story")
    page.locator(".reset-levers").click()
    known_state(page)


def test_item_6_the_story_shows_the_models_three_outcome_levels(page):
    """Issue 23 item 6 (issue 18, deliver 1): the run's first armed attack of any size, its first renewed war (weeks
    and dates) and the territory seized, for both designs, as the model reports them."""
    from sim.dashboard import components as C
    from sim.dashboard.controls import named_design
    from sim.dashboard.story import run_story

    known_state(page, seed=1, reference="Minsk analogue")
    table = page.locator(".run-outcomes")
    page.wait_for_function("() => /the reference \\(Minsk analogue\\)/.test("
                           "(document.querySelector('.run-outcomes') || {}).innerText)", timeout=WAIT_MS)
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1:] == list(C.OUTCOME_LEVELS)
    rows = [r.locator("td").all_inner_texts() for r in table.locator("tbody tr").all()]
    for row, name in zip(rows, ("paris_declaration", "minsk_analogue")):
        story = run_story(named_design(name).scenario, 1, name)
        assert row[1:] == list(C.run_outcomes(story).values()), (name, row)
    assert len(rows) == 2
    known_state(page)


def test_a_fresh_server_compares_paris_with_minsk_from_the_shipped_outcomes(page, tmp_path):
    """Deliver 4: a fresh `python -m sim.dashboard.serve` (empty outcomes cache, no warm-up), Paris declaration
    against the Minsk analogue at the page's defaults: the verdict comes from the outcomes shipped with the model,
    no run is made (the page says so, and the server never starts its pool of workers). The time it takes is
    measured by benchmarks/bench_compare.py (a fresh server a pair), not here."""
    import sys
    from pathlib import Path

    from playwright.sync_api import expect

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from bench_classroom import Server

    with Server(tmp_path) as server:
        other = page.context.new_page()
        try:
            other.set_viewport_size({"width": WIDTH, "height": HEIGHT})
            other.goto(server.url)
            other.wait_for_function(LOADED, timeout=LOAD_MS)
            select(other, ".lever-reference", "Minsk analogue")
            open_tab(other, "Compare designs")
            other.locator(".run-comparison").click()
            expect(other.locator(".comparison-status")).to_contain_text("Done:", timeout=120_000)
            verdict = other.locator(".verdict").inner_text()
            assert verdict.startswith("Your design is safer: your design's risk of a renewed attack within 5 years")
            runs = other.locator(".comparison-runs").inner_text()
            n = int(re.search(r"(\d+) pairs of runs", verdict).group(1))
            assert runs == f"All {2 * n} runs were ready (made earlier on this server or shipped with the model): " \
                          "none had to be made.", runs
            assert server.server.children(recursive=True) == []  # no pool: not one run made
        finally:
            other.close()


# --------------------------------------------------------------------------- #
# Defect 9: labels follow the design
# --------------------------------------------------------------------------- #
def test_defect_9_no_label_contradicts_the_design(page):
    from playwright.sync_api import expect

    known_state(page)
    select(page, ".lever-scenario", "Minsk analogue")  # no commission, no force, no binding commitments
    wait_about(page, "Your design (Minsk analogue)")
    legend = chart(page, "ladder")["legend"]["data"]
    assert not [n for n in legend if "commission" in n and "no commission" not in n], legend
    lanes = chart(page, "timeline")["yAxis"]["data"]
    assert "Commission decided" not in lanes and "States decided (no commission)" in lanes
    us = page.locator(".member-tile").filter(has_text="United States")
    assert "support to the force" not in us.inner_text()
    # responses to a probe do not say 'none bound by ratification' beside ratified tiles
    select(page, ".lever-scenario", "Paris declaration")
    wait_about(page, "Your design (Paris declaration)")
    log_rows(page)
    assert "none bound by ratification" not in page.locator(".event-log").inner_text()
    # a dropped pledge: its earlier responses are history, not an active green chip
    seed, nation = _dropped_after_answering()
    set_seed(page, seed)
    select(page, ".lever-commitments", "political only")
    wait_about(page, "political only")
    tile = page.locator(".member-tile[data-status='dropped']").filter(has_text=nation)
    expect(tile).to_have_count(1, timeout=WAIT_MS)
    assert tile.locator(".resp-chip.on").count() == 0 and tile.locator(".resp-chip.past").count() >= 1
    page.locator(".reset-levers").click()
    known_state(page)


def _dropped_after_answering() -> tuple[int, str]:
    """The first political-only seed (0-199) where a state answered a violation, then dropped its pledge."""
    from sim.config import load_scenario
    from sim.dashboard.story import run_story

    political = load_scenario("political_only")
    for seed in range(200):
        for m in run_story(political, seed).members:
            dropped = m.dropped_at(259)
            if dropped is not None and any(w < dropped for w, _ in m.responses):
                return seed, m.name
    raise AssertionError("no political-only seed in 0-199 where a state answered, then dropped its pledge")


# --------------------------------------------------------------------------- #
# Defect 10: nothing cut
# --------------------------------------------------------------------------- #
def test_defect_10_no_text_is_cut(page):
    known_state(page, reference="Minsk analogue")
    for name in ("ladder", "resolve", "balance", "force", "sanctions", "timeline", "measure"):
        chart(page, name)  # each brought into view and drawn
    fits = page.evaluate("""() => { const out = {}; const ctx = document.createElement('canvas').getContext('2d');
      for (const el of document.querySelectorAll('.chart .solara-echarts')) {
        const c = el.__vue__ && el.__vue__.chart; const o = c && c.getOption(); if (!o || !o.title) continue;
        const t = o.title[0];
        ctx.font = '11px sans-serif';
        out[el.parentElement.className] = [ctx.measureText(t.subtext || '').width, c.getWidth()]; }
      return out; }""")
    assert len(fits) == 7
    for name, (text, width) in fits.items():
        assert text + 8 <= width, f"{name}: subtitle {text:.0f} px in {width} px"
    assert "dashed: the reference, Minsk analogue" in page.locator(".lines-key").inner_text()
    for sel in (".play-speed .v-btn__content", ".run-state", ".week-counter"):
        for cut in page.locator(sel).evaluate_all("els => els.map(e => e.scrollWidth > e.clientWidth + 1 ||"
                                                  " e.scrollHeight > e.clientHeight + 1)"):
            assert not cut, sel
    # lever help is written beside each lever: no tooltip covers the next control
    page.locator(".lever-commission .v-select__slot").hover()
    page.wait_for_timeout(400)
    assert page.locator(".v-tooltip__content.menuable__content__active").count() == 0
    assert page.locator(".levers-drawer .lever-help").count() >= 10


# --------------------------------------------------------------------------- #
# Defect 11: accessibility
# --------------------------------------------------------------------------- #
def test_defect_11_named_buttons_described_charts_and_a_visible_focus(page):
    known_state(page)
    unnamed = page.evaluate("""() => [...document.querySelectorAll('button, [role=button]')]
      .filter(b => b.offsetParent !== null)
      .filter(b => !((b.getAttribute('aria-label') || b.innerText || b.title || '').trim()))
      .map(b => b.outerHTML.slice(0, 120))""")
    assert not unnamed, unnamed
    charts = page.evaluate("""() => [...document.querySelectorAll('.chart')].map(c => {
      const img = c.querySelector('[role=img]'); return img ? (img.getAttribute('aria-label') || '') : ''; })""")
    assert charts and all(len(label) > 30 for label in charts), charts
    page.locator(".to-start").focus()
    page.keyboard.press("Tab")  # to the next button, by keyboard
    ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                         " return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[1] != "none" and ring[2] >= 2, ring


# --------------------------------------------------------------------------- #
# Defect 12: a phone
# --------------------------------------------------------------------------- #
def test_defect_12_on_a_phone_the_levers_open_and_close(page, solara_server):
    phone = page.context.new_page()
    try:
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(solara_server.base_url)
        phone.wait_for_function(LOADED, timeout=LOAD_MS)
        drawer = phone.locator(".levers-drawer")

        def drawer_covers() -> bool:
            return drawer.evaluate("el => { const r = el.getBoundingClientRect(); return r.right > 10 && r.left < 380; }")

        assert not drawer_covers(), "the levers cover the page at load"
        phone.locator(".toggle-levers").click()
        phone.wait_for_function("() => document.querySelector('.levers-drawer').getBoundingClientRect().left >= 0",
                                timeout=WAIT_MS)
        phone.wait_for_timeout(400)
        assert drawer_covers()
        phone.locator(".close-levers").click()
        phone.wait_for_timeout(600)
        assert not drawer_covers()
        hit = phone.locator(".play-button").evaluate(
            "el => { el.scrollIntoView({block: 'center', behavior: 'instant'}); const r = el.getBoundingClientRect();"
            " return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)); }")
        assert hit, "something covers the play button"
    finally:
        phone.close()


# --------------------------------------------------------------------------- #
# Defect 14: no repository paths; badges and weeks that agree
# --------------------------------------------------------------------------- #
def test_defect_14_no_paths_one_set_of_badges_one_way_to_count_weeks(page):
    known_state(page)
    body = page.inner_text("body")
    assert not re.search(r"scenarios/|\w\.csv\b|\w\.yaml\b|\bsim/", body), re.findall(r"\S*(?:\.csv|\.yaml|/)\S*", body)[:5]
    for row in page.locator(".design-table tbody tr").all():
        lever = row.locator("td").first.inner_text()
        chips = row.locator(".lever-clauses .clause-chip").all_inner_texts()
        assert lever.endswith("(" + ", ".join(chips) + ")"), (lever, chips)
    assert "of weeks 0-259" in page.locator(".week-counter").inner_text()
    open_tab(page, "Compare designs")
    assert page.locator(".compare-horizon .v-select__selection").inner_text() == "5 years (weeks 0-259)"
    open_tab(page, "Story")


# --------------------------------------------------------------------------- #
# Defect 13: memory goes back when sessions close (a served dashboard; slow)
# --------------------------------------------------------------------------- #
@pytest.mark.slow
def test_defect_13_server_memory_is_returned_when_sessions_close(page, tmp_path):
    """Twenty page loads and closes against `python -m sim dashboard`: its memory after they close is within
    30 MB of what it was after the first load (issue 23 saw 223 -> 465 MB over 90 loads, never returned)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from bench_classroom import Server

    with Server(tmp_path, session_timeout="3s") as server:
        def visit(n: int) -> None:
            for _ in range(n):
                other = page.context.new_page()
                other.goto(server.url)
                other.wait_for_function(LOADED,
                                        timeout=LOAD_MS)
                other.close()

        visit(2)
        base = server.settle()
        visit(20)
        after = server.settle()
    assert after - base < 30, f"{base:.0f} MB after 2 loads, {after:.0f} MB after 20 more"
