"""Plumbing for the browser tests: Debian's Chromium, offline guard, screenshots.

Every test in this folder
  * is marked ``browser`` (deselect with ``-m "not browser"``);
  * is SKIPPED (not errored) when /usr/bin/chromium or the ``dashboard`` and
    ``browser-test`` extras (solara, playwright, pytest-playwright,
    pytest-ipywidgets) are missing;
  * FAILS when the page logs a console error / uncaught exception, or when the
    browser or the in-process Solara server tries to reach any non-loopback host
    (such requests are aborted and recorded).

The fixtures ``solara_app`` and ``page_session`` come from pytest-ipywidgets
(``solara[pytest]``), ``browser_type_launch_args`` from pytest-playwright; both
are pytest11 plugins and load without ``-p`` options. ``solara_server`` is
overridden here to listen on a free port. Screenshots go to a temporary folder
(``DASHBOARD_SCREENSHOTS=folder`` to keep them).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import re
import socket
import urllib.parse
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent

_REQUIRED_MODULES = ("playwright", "pytest_playwright", "solara", "solara.test.pytest_plugin")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error", "file"}


def _skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return (
            f"Chromium not found at {CHROMIUM}: install it with "
            "`apt-get install -y chromium` (never `playwright install`)"
        )
    missing = [m for m in _REQUIRED_MODULES if importlib.util.find_spec(m.split(".")[0]) is None]
    if missing:
        return (f"browser test dependencies missing ({', '.join(missing)}): "
                "pip install -e '.[dashboard,browser-test]' (or '.[dev]')")
    return None


def _in_this_folder(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_itemcollected(item):
    # conftest hooks see the whole session's items: only touch this folder's.
    # (Marking here, not in pytest_collection_modifyitems, so `-m browser` /
    # `-m "not browser"` see the mark.)
    if _in_this_folder(item):
        item.add_marker(pytest.mark.browser)
        reason = _skip_reason()
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Browser tests run LAST: pytest-playwright's session-scoped sync API leaves
    # an asyncio loop marked "running" in the main thread until the session
    # ends, so a later test calling asyncio.run() would fail with
    # "asyncio.run() cannot be called from a running event loop".
    items[:] = [i for i in items if not _in_this_folder(i)] + [i for i in items if _in_this_folder(i)]


# --------------------------------------------------------------------------- #
# The in-process Solara server on a free port (pytest-ipywidgets binds a fixed
# one, 18865 by default: two test runs on one host would collide)
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="session")
def solara_server(request):
    from solara.server.starlette import ServerStarlette

    last: Exception | None = None
    for _ in range(5):  # another process may take the port between the probe and the bind
        server = ServerStarlette(0, "127.0.0.1")  # port 0: a free port, picked by the OS
        try:
            server.serve_threaded()
            server.wait_until_serving()
        except Exception as exc:  # noqa: BLE001 - retried on another port, re-raised below
            last = exc
            server.stop_serving()
            continue
        try:
            yield server
        finally:
            server.stop_serving()
        return
    raise RuntimeError(f"could not start the Solara test server on a free port: {last}")


# --------------------------------------------------------------------------- #
# pytest-playwright: use Debian's Chromium, headless, no phoning home
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,  # `--headed` on the command line is ignored on purpose
        "args": list(dict.fromkeys(args)),
    }


# --------------------------------------------------------------------------- #
# Offline guard
# --------------------------------------------------------------------------- #
def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in _LOCAL_SCHEMES or _is_loopback(parts.hostname)


class OfflineGuard:
    """Collects console errors and non-loopback traffic of one browser page and
    of this Python process (the Solara server runs in a thread of it)."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.external: list[str] = []
        self.requests: list[str] = []
        self.active = False  # the server-side socket guard only acts during a browser test

    def clear(self) -> None:
        self.console_errors.clear()
        self.external.clear()
        self.requests.clear()

    # browser side -----------------------------------------------------------
    def attach(self, page) -> None:
        def route(route):
            url = route.request.url
            self.requests.append(url)
            if _url_is_local(url):
                route.continue_()
            else:
                self.external.append(f"browser: {route.request.method} {url}")
                route.abort()

        def on_console(msg):
            if msg.type == "error":
                loc = msg.location or {}
                self.console_errors.append(f"console.error: {msg.text} ({loc.get('url', '')})")

        def on_websocket(ws):
            self.requests.append(ws.url)
            if not _url_is_local(ws.url):
                self.external.append(f"browser: websocket {ws.url}")

        page.context.route("**/*", route)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("websocket", on_websocket)

    # server side ------------------------------------------------------------
    def record_server(self, what: str) -> None:
        self.external.append(f"server: {what}")

    def problems(self) -> list[str]:
        out = []
        if self.external:
            out.append("requests to non-loopback hosts:\n  " + "\n  ".join(dict.fromkeys(self.external)))
        if self.console_errors:
            out.append("browser console errors:\n  " + "\n  ".join(self.console_errors))
        return out


_GUARD = OfflineGuard()


@pytest.fixture(scope="session")
def _server_socket_guard():
    """Refuse outgoing connections / DNS look-ups to non-loopback hosts from this
    process (catches solara's CDN proxy fetching an asset solara-assets lacks,
    and its telemetry), recording them so the test fails."""
    import solara.server.settings

    solara.server.settings.telemetry.mixpanel_enable = False  # else: api.mixpanel.com, api.ipify.org
    orig_connect = socket.socket.connect
    orig_connect_ex = socket.socket.connect_ex
    orig_getaddrinfo = socket.getaddrinfo

    def _check(sock, address):
        if _GUARD.active and sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            _GUARD.record_server(f"connect {address!r}")
            raise ConnectionRefusedError(f"offline test: connection to {address!r} refused")

    def connect(self, address):
        _check(self, address)
        return orig_connect(self, address)

    def connect_ex(self, address):
        _check(self, address)
        return orig_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        h = host.decode() if isinstance(host, bytes) else host
        if _GUARD.active and h is not None and not _is_loopback(str(h)) and not re.fullmatch(r"[\d.]+|[0-9a-fA-F:]+", str(h)):
            _GUARD.record_server(f"DNS lookup {h!r}")
            raise socket.gaierror(socket.EAI_NONAME, f"offline test: DNS lookup of {h!r} refused")
        return orig_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect = orig_connect
        socket.socket.connect_ex = orig_connect_ex
        socket.getaddrinfo = orig_getaddrinfo


@pytest.fixture(scope="session")
def _guarded_page_session(_server_socket_guard, page_session):
    _GUARD.attach(page_session)
    return page_session


@pytest.fixture
def offline_guard(request, _guarded_page_session):
    """Use in every browser test (with ``page_session``): the test fails if the
    page logs a console error or anything leaves 127.0.0.1. The check runs in
    ``pytest_runtest_call`` below, so it is a test failure, not a teardown error."""
    _GUARD.clear()
    _GUARD.active = True
    request.node.stash[_GUARD_KEY] = _GUARD
    yield _GUARD
    _GUARD.active = False


_GUARD_KEY = pytest.StashKey[OfflineGuard]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    guard = item.stash.get(_GUARD_KEY, None)
    try:
        result = yield
    except BaseException as exc:
        # the test failed on its own (often a timeout caused by a blocked asset):
        # attach what the guard saw, so the cause is in the report
        if guard is not None and guard.problems():
            exc.add_note("offline guard:\n" + "\n".join(guard.problems()))
        raise
    if guard is not None:
        problems = guard.problems()
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)
    return result


# --------------------------------------------------------------------------- #
# Screenshots
# --------------------------------------------------------------------------- #
@pytest.fixture
def save_screenshot(request, tmp_path_factory):
    """``save_screenshot(page, "name")`` -> Path of <temporary folder>/<test>-<name>.png
    (``DASHBOARD_SCREENSHOTS=folder`` keeps them somewhere else)."""

    def _save(page, name: str = "page", full_page: bool = True) -> Path:
        folder = Path(os.environ.get("DASHBOARD_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots")
        folder.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.name}-{name}")
        path = folder / f"{stem}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _save


# --------------------------------------------------------------------------- #
# Timings measured by the dashboard tests (dashboard_page.TIMINGS; issue 10: < 0.5 s a change, on 2 cores)
# --------------------------------------------------------------------------- #
def pytest_terminal_summary(terminalreporter):
    import statistics
    import sys

    module = sys.modules.get("dashboard_page") or next(
        (m for name, m in sys.modules.items() if name.endswith("browser.dashboard_page")), None)
    timings = getattr(module, "TIMINGS", None)
    if not timings:
        return
    tr = terminalreporter
    tr.section("dashboard timings (browser, this machine)")
    for key, values in timings.items():
        unit = "" if "per second" in key else " s"
        tr.write_line(f"{key}: median {statistics.median(values):.3f}{unit}, max {max(values):.3f}{unit}, "
                      f"n = {len(values)}")
    for folder in getattr(module, "SCREENSHOTS", []):
        tr.write_line(f"screenshots: {folder}")
