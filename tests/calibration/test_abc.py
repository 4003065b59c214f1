"""Calibration by ABC-SMC (pyabc): reproducible on any executor, resumable, and the command's files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibration import abc as A
from sim.calibration import targets as T
from sim.config.posterior import load_posterior
from sim.executors import executor, map_in_order
from tests.helpers import ROOT

pytestmark = pytest.mark.needs("calibration")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


TINY = A.Settings(population=6, generations=2, replicates=10, seed=7)


@pytest.mark.slow
def test_abc_is_reproducible_on_any_executor_and_moves_towards_the_targets(tmp_path):
    """One seed per particle slot: the posterior does not depend on the executor or the workers.
    And the fit works: the last generation's threshold and particles are closer to the targets
    than the first generation's (pyabc's first generation samples the prior)."""
    from pyabc.weighted_statistics import weighted_mean


    one = A.calibrate(TINY, tmp_path / "a.db", map)
    with executor(2) as ex:
        two = A.calibrate(TINY, tmp_path / "b.db",
                          lambda fn, items: map_in_order(ex.executor, fn, items, window=2 * ex.slots + 2))
    pd.testing.assert_frame_equal(one.posterior, two.posterior)
    assert one.generations["simulations"].tolist() == two.generations["simulations"].tolist()
    assert one.generations["epsilon"].iloc[-1] < one.generations["epsilon"].iloc[0]
    final = weighted_mean(one.posterior["distance"].to_numpy(), one.posterior["weight"].to_numpy())
    assert final < one.generations["epsilon"].iloc[0]
    other = A.calibrate(A.Settings(population=4, generations=1, replicates=10, seed=8), tmp_path / "c.db", map)
    fitted = list(A.fitted_parameters())
    assert not np.allclose(one.posterior[fitted].to_numpy()[:4], other.posterior[fitted].to_numpy()[:4])


@pytest.mark.slow
def test_continuing_a_calibration_gives_the_fresh_runs_posterior(tmp_path):
    """--continue-from: two generations, then one more, is the same posterior as three at once."""
    import dataclasses
    import shutil

    two = dataclasses.replace(TINY, population=4)
    three = dataclasses.replace(two, generations=3)
    A.calibrate(two, tmp_path / "two.db", map)
    shutil.copyfile(tmp_path / "two.db", tmp_path / "more.db")
    continued = A.calibrate(three, tmp_path / "more.db", map, resume=True)
    fresh = A.calibrate(three, tmp_path / "fresh.db", map)
    assert len(continued.generations) == 3
    pd.testing.assert_frame_equal(continued.posterior, fresh.posterior)
    pd.testing.assert_frame_equal(continued.generations, fresh.generations)


@pytest.mark.slow
def test_calibrate_quick_writes_a_weighted_posterior_and_its_diagnostics(tmp_path):
    out = tmp_path / "cal"
    done = _cli("calibrate", "--quick", "--out", str(out), "--workers", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("posterior.csv", "generations.csv", "targets.csv", "constants.csv", "marginals.png",
                 "calibration_tables.md", "abc_history.db", "manifest.json"):
        assert (out / name).is_file(), name
    post = pd.read_csv(out / "posterior.csv")
    fitted = A.fitted_parameters()
    assert list(post.columns) == ["particle", "weight", *fitted, "distance",
                                  *(f"stat_{t.key}" for t in T.TARGETS)]
    assert len(post) == A.QUICK.population
    assert post["weight"].sum() == pytest.approx(1.0) and (post["weight"] > 0).all()
    for p, (lo, hi) in fitted.items():
        assert post[p].between(lo, hi).all(), p
    gens = pd.read_csv(out / "generations.csv")
    assert list(gens.columns) == ["generation", "epsilon", "particles", "simulations", "acceptance_rate", "ess"]
    assert (gens["ess"] <= gens["particles"] + 1e-9).all() and (gens["acceptance_rate"] <= 1).all()
    assert gens["epsilon"].is_monotonic_decreasing
    # every accepted particle of the last generation is within its epsilon
    assert (post["distance"] <= gens["epsilon"].iloc[-1] + 1e-9).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"].startswith("python -m sim calibrate --quick")
    assert "python -m sim calibrate --quick" in (out / "calibration_tables.md").read_text()
    # the file is a posterior that run/sweep accept
    assert load_posterior(out / "posterior.csv").constants == tuple(fitted)


def test_a_folder_refused_before_any_run_is_an_error_not_a_traceback(tmp_path, bad_input):
    """validate-model and calibrate refuse an --out folder holding files they did not write, with
    exit 2 and no traceback, before any worker starts (the exception handlers must not fail)."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for args in (["validate-model", "--quick"], ["calibrate", "--quick"]):
        assert "notes.txt" in bad_input(*args, "--out", out)
    assert (out / "notes.txt").read_text() == "mine"


def test_continue_from_a_folder_that_is_no_calibration_is_refused(tmp_path, bad_input):
    err = bad_input("calibrate", "--quick", "--generations", "3", "--continue-from", tmp_path / "nothing",
                    "--out", tmp_path / "out")
    assert "--continue-from" in err and "not a finished calibration" in err
    assert not (tmp_path / "out").exists()
