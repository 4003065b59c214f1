"""Smoke test of the browser-test plumbing (not of the project's dashboard).

Serves tests/dashboard/browser/_smoke_app.py (a throwaway SolaraViz page) in the
in-process Solara test server, drives it in Debian's Chromium, and fails on
console errors or any request that leaves 127.0.0.1 (see conftest.py).
"""

from pathlib import Path

SMOKE_APP = Path(__file__).with_name("_smoke_app.py")
LOAD_TIMEOUT_MS = 30_000  # first load of the page (JS bundle, kernel) takes 1-4 s here


def test_solaraviz_smoke_step_updates_page(solara_server, solara_app, page_session, offline_guard, save_screenshot):
    from playwright.sync_api import expect

    with solara_app(str(SMOKE_APP)):
        page_session.goto(solara_server.base_url)
        tick = page_session.get_by_text("Smoke tick:")
        expect(tick).to_have_text("Smoke tick: 0", timeout=LOAD_TIMEOUT_MS)

        # Mesa's sidebar: Reset, ▶ (play; ❚❚ while playing), Step - same labels in 3.3 and 3.5
        for label in ("Reset", "▶", "Step"):
            expect(page_session.get_by_role("button", name=label)).to_be_visible()
        # one input per model_params kind
        for label in ("Agents", "Gain", "Mode", "Noisy"):
            expect(page_session.get_by_text(label, exact=True).first).to_be_visible()

        before = page_session.inner_text("body")
        page_session.get_by_role("button", name="Step").click()
        expect(tick).to_have_text("Smoke tick: 1")
        page_session.get_by_role("button", name="Step").click()
        expect(tick).to_have_text("Smoke tick: 2")
        assert page_session.inner_text("body") != before

        # the matplotlib chart is a non-empty <img> (solara.FigureMatplotlib)
        img = page_session.locator("img").first
        expect(img).to_be_visible()
        assert img.evaluate("el => el.naturalWidth") > 100

        shot = save_screenshot(page_session, "after-2-steps")
        assert shot.is_file() and shot.stat().st_size > 10_000

        page_session.get_by_role("button", name="Reset").click()
        expect(tick).to_have_text("Smoke tick: 0")

    # every request went to the local server
    assert offline_guard.requests, "no request was recorded: the guard is not attached"
    assert all("127.0.0.1" in u or "localhost" in u or u.startswith("data:") for u in offline_guard.requests)
