"""The student dashboard in Debian's Chromium, offline (fixtures: tests/browser/conftest.py).

One served page per test (``solara_app``); each test saves screenshots to
tests/artifacts/ and fails on console errors or any non-loopback request.
"""

from __future__ import annotations

import re
from pathlib import Path


APP = Path(__file__).resolve().parents[2] / "sim" / "dashboard" / "app.py"
LOAD_MS = 30_000
STEP_MS = 15_000


def _open(page, solara_server):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1500, "height": 1100})
    page.goto(solara_server.base_url)
    expect(page.locator(".week-counter")).to_contain_text("Week 0 of", timeout=LOAD_MS)


def _chart_src(page) -> str:
    img = page.locator("img").first
    assert img.evaluate("el => el.naturalWidth") > 600, "the story chart is missing or tiny"
    return img.get_attribute("src") or ""


def _select(page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label`` (Mesa's sidebar inputs)."""
    field = page.locator(".v-select").filter(has=page.get_by_text(label, exact=True)).first
    field.scroll_into_view_if_needed()
    field.locator(".v-select__slot").click()
    page.locator(".menuable__content__active").get_by_role("option", name=option, exact=True).click()


def _slider(page, label: str, presses: int) -> None:
    """Move the slider labelled ``label`` by keyboard (ArrowRight > 0, ArrowLeft < 0)."""
    box = page.locator(".v-input").filter(has=page.get_by_text(label, exact=True)).first
    thumb = box.locator("[role=slider]")
    thumb.focus()
    for _ in range(abs(presses)):
        thumb.press("ArrowRight" if presses > 0 else "ArrowLeft")


def test_page_loads_steps_and_updates(solara_server, solara_app, page_session, offline_guard, save_screenshot):
    from playwright.sync_api import expect

    page = page_session
    with solara_app(str(APP)):
        _open(page, solara_server)
        counter = page.locator(".week-counter")
        for label in ("Reset", "▶", "Step"):
            expect(page.get_by_role("button", name=label)).to_be_visible()
        expect(page.locator(".event-log")).to_contain_text("No events yet")
        expect(page.locator(".member-tile").first).to_be_visible()
        src0 = _chart_src(page)
        save_screenshot(page, "01-loaded")

        page.get_by_role("button", name="Step").click()
        expect(counter).to_contain_text("Week 1 of", timeout=STEP_MS)
        expect(page.locator("img").first).not_to_have_attribute("src", src0)
        src1 = _chart_src(page)

        # Mesa's "Render Interval" makes one Step advance several weeks: 1 -> 9
        _slider(page, "Render Interval (steps)", 4)
        page.get_by_role("button", name="Step").click()
        expect(counter).to_contain_text("Week 10 of", timeout=STEP_MS)
        log = page.locator(".event-log")
        expect(log).not_to_contain_text("No events yet")
        # every event row names a clause, explained on hover
        chip = log.locator(".clause-chip").first
        expect(chip).to_have_text(re.compile(r"^(P1|G[0-5]|C1|A)$"))
        assert len(chip.get_attribute("title") or "") > 20
        assert _chart_src(page) != src1
        save_screenshot(page, "02-after-step")
        page.locator(".member-tile").first.scroll_into_view_if_needed()
        save_screenshot(page, "03-tiles", full_page=False)
        log.scroll_into_view_if_needed()
        save_screenshot(page, "04-event-log", full_page=False)


def test_scenario_and_lever_change_the_model(solara_server, solara_app, page_session, offline_guard, save_screenshot):
    from playwright.sync_api import expect

    page = page_session
    with solara_app(str(APP)):
        _open(page, solara_server)
        design = page.locator(".design-card")
        expect(design).to_contain_text("Scenario paris_declaration")

        # a named scenario plus one lever: Minsk with 5 x 0.05 less coverage
        _select(page, "Scenario", "minsk_analogue")
        _slider(page, "Monitoring coverage (G1)", -5)
        page.get_by_role("button", name="Reset").click()
        expect(design).to_contain_text("Scenario minsk_analogue", timeout=STEP_MS)
        expect(design).to_contain_text("(your change)")
        expect(design).to_contain_text("0.5")  # paris start 0.75 - 0.25, replacing Minsk's 0.3
        save_screenshot(page, "01-minsk-lower-coverage")

        # the student's question: commitments only political
        _select(page, "Scenario", "paris_declaration")
        _select(page, "Commitments (G0, G4)", "political only")
        page.get_by_role("button", name="Reset").click()
        expect(design).to_contain_text("Scenario paris_declaration", timeout=STEP_MS)
        row = design.locator("tr").filter(has_text="seek ratification")
        expect(row).to_contain_text("no")
        expect(row).to_contain_text("(your change)")

        # an invalid combination: monitoring off while the commission stays on
        _select(page, "Monitoring (G1)", "off")
        page.get_by_role("button", name="Reset").click()
        error = page.locator(".config-error")
        expect(error).to_contain_text("commission.enabled needs monitoring.enabled", timeout=STEP_MS)
        assert "Traceback" not in page.inner_text("body")
        page.get_by_role("button", name="Step").click()
        expect(page.locator(".week-counter")).to_contain_text("Week 1 of", timeout=STEP_MS)
        save_screenshot(page, "02-invalid-combination")


def test_comparison_page_produces_result(solara_server, solara_app, page_session, offline_guard, save_screenshot):
    from playwright.sync_api import expect

    page = page_session
    with solara_app(str(APP)):
        _open(page, solara_server)
        _select(page, "Commitments (G0, G4)", "political only")
        page.get_by_role("button", name="Reset").click()
        expect(page.locator(".design-card")).to_contain_text("(your change)", timeout=STEP_MS)

        page.get_by_role("tab", name="Compare designs").click()
        _slider(page, "Replicates per design", -3)  # 50 -> 20
        expect(page.locator(".replicates-value")).to_contain_text("20 replicates per design")
        _select(page, "Horizon (weeks)", "104")
        page.get_by_role("button", name="Run comparison").click()
        result = page.locator(".comparison-result")
        expect(result).to_contain_text("P(escalation)", timeout=60_000)
        expect(result).to_contain_text("reference: paris_declaration")
        expect(result).to_contain_text("seek_ratification=False")
        expect(result).to_contain_text("20 replicates per design, horizon 104 weeks")
        img = page.locator(".comparison-figure img, img").last
        expect(img).to_be_visible()
        assert img.evaluate("el => el.naturalWidth") > 600
        save_screenshot(page, "01-comparison")

        # the story page is still there and usable
        page.get_by_role("tab", name="Story, week by week").click()
        page.get_by_role("button", name="Step").click()
        expect(page.locator(".week-counter")).to_contain_text("Week 1 of", timeout=STEP_MS)
