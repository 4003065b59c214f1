"""Fixtures shared by the whole suite.

* ``needs(extra, ...)`` marker: the test is skipped, naming the extra to install, when an
  optional extra of pyproject.toml is missing (``@pytest.mark.needs("sensitivity")``).
* ``run_cli`` / ``bad_input``: ``python -m sim ...`` in this process (fast; the few tests that
  must see a real process use ``tests.helpers.sim_process``).
* ``small_sweep``: one finished sweep folder of ``tests.helpers.SMALL_EXPERIMENT``, written once
  a session; tests that change it work on a copy.
* ``no_study`` / ``study``: no study folder in effect, or a fresh one from ``init`` as the current folder.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import io
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.helpers import SMALL_EXPERIMENT, write

# The modules each optional extra of pyproject.toml brings (the test needs all of them).
EXTRAS = {
    "sensitivity": ("SALib",),
    "parquet": ("pyarrow",),
    "analysis": ("duckdb", "xarray"),
    "calibration": ("sklearn",),
    "cluster": ("distributed",),
    "ema": ("ema_workbench",),
    "discovery": ("ema_workbench",),
    "dashboard": ("solara", "solara_assets"),
    "notebook": ("nbclient", "nbformat", "ipykernel"),
    "dev": ("hypothesis", "importlinter"),
}


def pytest_configure(config):
    if importlib.util.find_spec("hypothesis") is not None:
        # Hypothesis keeps its example database in ./.hypothesis: keep it in a temporary folder instead.
        from hypothesis.configuration import set_hypothesis_home_dir

        home = tempfile.mkdtemp(prefix="hypothesis-")
        set_hypothesis_home_dir(home)
        atexit.register(shutil.rmtree, home, True)


def missing_extras(*extras: str) -> list[str]:
    unknown = [e for e in extras if e not in EXTRAS]
    if unknown:
        raise ValueError(f"needs(): unknown extra {unknown}; known: {sorted(EXTRAS)}")
    return [e for e in extras if any(importlib.util.find_spec(m) is None for m in EXTRAS[e])]


@pytest.hookimpl(tryfirst=True)  # before fixtures are set up
def pytest_runtest_setup(item):
    for mark in item.iter_markers("needs"):
        missing = missing_extras(*mark.args)
        if missing:
            names = ",".join(missing)
            pytest.skip(f"needs the optional extra{'s' if len(missing) > 1 else ''} {names}: "
                        f"pip install -e '.[{names}]' (or '.[dev]')")


# --- the command line in this process ---------------------------------------------------------

class Done(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys):
    """``run_cli(*args) -> Done(code, out, err)``: ``python -m sim ARGS`` in this process; never a traceback."""
    from sim import cli

    def run(*args: object) -> Done:
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            code = exc.code
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out
        return Done(code, captured.out, captured.err)

    return run


@pytest.fixture
def bad_input(run_cli):
    """``bad_input(*args) -> stderr``: the command exits 2 with an explanation."""

    def run(*args: object) -> str:
        done = run_cli(*args)
        assert done.code == 2, (done.code, done.out, done.err)
        assert done.err.strip(), "bad input must explain itself on stderr"
        return done.err

    return run


# --- a finished sweep ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> tuple[Path, Path]:
    """(experiment file, finished sweep folder) of SMALL_EXPERIMENT, one worker. Read it; copy it to change it."""
    from sim import cli

    folder = tmp_path_factory.mktemp("small_sweep")
    exp = write(folder, "tiny.yaml", SMALL_EXPERIMENT)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli.main(["sweep", str(exp), "--out", str(folder / "out"), "--workers", "1"]) == 0
    return exp, folder / "out"


# --- study folders ------------------------------------------------------------------------------

@pytest.fixture
def no_study(monkeypatch):
    """No study folder in effect, and every notice shown again."""
    from sim.config import scenarios

    monkeypatch.delenv("SIM_STUDY", raising=False)
    scenarios._noticed.clear()
    yield
    scenarios._noticed.clear()


@pytest.fixture
def study(no_study, tmp_path, monkeypatch) -> Path:
    """A study made by init, used as the current folder."""
    from sim.study import init_study

    folder = tmp_path / "my-study"
    init_study(folder)
    monkeypatch.chdir(folder)
    return folder
