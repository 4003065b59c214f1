"""``python -m sim dashboard``: serve the Solara app on this machine, offline, for one student or a class.

One server process holds every student's session; the runs of Compare and of "find the next
run with a war" go to a pool of ``--workers`` processes shared by all sessions, and their
outcomes are kept on disk (``--cache``), so a run is made once per server and model version; those of
the shipped designs at their default levers come with the package (``shipped_outcomes.csv.gz``).
While no student waits, the server fills that cache for the shipped designs (and their runs in
Compare's plausible worlds, drawn from ``--posterior``). A session whose
page is closed is ended at once; one whose connection drops (a laptop asleep) after
``--session-timeout``; its memory then goes back to the system.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

from sim.config.errors import ConfigError
from sim.config.posterior import load_posterior
from sim.dashboard.outcomes import read_shipped

APP = Path(__file__).with_name("app.py")
ENV_WORKERS = "PARIS_SIM_DASHBOARD_WORKERS"  # the pool's processes (outcomes.Outcomes)
ENV_CACHE = "PARIS_SIM_DASHBOARD_CACHE"  # the outcomes' folder on disk
ENV_WARM = "PARIS_SIM_DASHBOARD_WARM"  # "1": fill the cache for the shipped designs while idle
ENV_POSTERIOR = "PARIS_SIM_DASHBOARD_POSTERIOR"  # Compare's plausible worlds (compare.posterior_path)
ENV_SHIPPED = "PARIS_SIM_DASHBOARD_SHIPPED"  # "0": ignore the outcomes shipped with the model (outcomes.py)
DEFAULT_SESSION_TIMEOUT = "5m"


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "paris-guarantees-sim" / "dashboard"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``python -m sim dashboard`` (the command line calls this)."""
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to bind (default 127.0.0.1, this machine only; 0.0.0.0 for a class)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for Compare and 'find a run' runs, shared by all students "
                             "(default: 2, or 1 on a one-core machine)")
    parser.add_argument("--cache", type=Path, default=None,
                        help=f"folder for the runs' outcomes (default {default_cache()})")
    parser.add_argument("--posterior", type=Path, default=None,
                        help="the calibration's posterior file, from which Compare draws its plausible worlds "
                             "(default: the calibration's shipped plausible set)")
    parser.add_argument("--session-timeout", default=DEFAULT_SESSION_TIMEOUT,
                        help="end a session this long after its browser disconnected without closing the page "
                             f"(default {DEFAULT_SESSION_TIMEOUT}; e.g. 90s, 10m)")


def command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line: production mode, no browser, no version check."""
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


def environment(workers: int | None = None, cache: Path | None = None,
                session_timeout: str = DEFAULT_SESSION_TIMEOUT) -> dict[str, str]:
    """The server's environment; the cache folder and the warm-up can also come from the caller's
    environment (the tests keep both to themselves)."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no phoning home
    env["SOLARA_THEME_SHOW_BANNER"] = "False"  # its badge covered the member tiles
    env["SOLARA_KERNEL_CULL_TIMEOUT"] = session_timeout  # Solara's default keeps a dropped session a day
    if workers:
        env[ENV_WORKERS] = str(workers)
    if cache is not None or ENV_CACHE not in env:
        env[ENV_CACHE] = str(cache or default_cache())
    env.setdefault(ENV_WARM, "1")
    return env


def missing_extras() -> list[str]:
    return [m for m in ("solara", "solara_assets") if importlib.util.find_spec(m) is None]


def main(args: argparse.Namespace) -> int:
    missing = missing_extras()
    if missing:
        print(f"The dashboard needs {', '.join(missing)}: pip install -e '.[dashboard]'", file=sys.stderr)
        return 2
    host, port = args.host, int(args.port)
    workers = getattr(args, "workers", None)
    if workers is not None and int(workers) < 1:
        print(f"--workers {workers}: give 1 or more processes", file=sys.stderr)
        return 2
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Serving the dashboard at http://{shown}:{port}/  (open it in a browser; Ctrl+C stops)", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Note: bound to {host}: other machines on the network can open it too.", flush=True)
    env = environment(workers, getattr(args, "cache", None),
                      getattr(args, "session_timeout", None) or DEFAULT_SESSION_TIMEOUT)
    if env.get(ENV_SHIPPED) != "0":
        shipped = read_shipped()
        if not shipped.current:  # said once, where the teacher looks; the runs are then made live
            print(f"Note: {shipped.describe()}; Compare makes the shipped designs' runs itself (while idle, and "
                  "when asked, with progress).", flush=True)
    posterior = getattr(args, "posterior", None)
    if posterior is not None:
        try:
            load_posterior(posterior)  # a bad file is refused here, not when a student asks
        except ConfigError as err:
            print(f"--posterior: {err}", file=sys.stderr)
            return 2
        env[ENV_POSTERIOR] = str(Path(posterior).resolve())
    return run_server(command(host, port), env)


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


if __name__ == "__main__":  # python -m sim.dashboard.serve: the same server, with every option
    parser = argparse.ArgumentParser(prog="python -m sim.dashboard.serve", description=__doc__.splitlines()[0])
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
