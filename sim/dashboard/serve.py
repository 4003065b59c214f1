"""``python -m sim dashboard``: serve the Solara app on this machine, offline."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line: production mode, no browser, no version check."""
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no phoning home
    env["SOLARA_THEME_SHOW_BANNER"] = "False"  # its badge covered the member tiles
    return env


def missing_extras() -> list[str]:
    return [m for m in ("solara", "solara_assets") if importlib.util.find_spec(m) is None]


def main(args: argparse.Namespace) -> int:
    missing = missing_extras()
    if missing:
        print(f"The dashboard needs {', '.join(missing)}: pip install -e '.[dashboard]'", file=sys.stderr)
        return 2
    host, port = args.host, int(args.port)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Serving the dashboard at http://{shown}:{port}/  (open it in a browser; Ctrl+C stops)", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Note: bound to {host}: other machines on the network can open it too.", flush=True)
    return run_server(command(host, port), environment())


def run_server(cmd: list[str], env: dict[str, str]) -> int:
    """Run the server as a child; stop it when this process is interrupted or terminated."""
    child = subprocess.Popen(cmd, env=env)

    def _terminate(signum, frame):  # SIGTERM to us: stop the child too, then exit
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return child.wait()
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
