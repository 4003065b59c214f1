"""Calibration (issue 12): ABC-SMC of the fitted constants, the posterior file, and parameter
uncertainty carried into run, sweep and the API."""

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
from sim.calibration.posterior import load_posterior, use_posterior
from sim.config import ConfigError
from sim.config.scenarios import parameter_catalogue

ROOT = Path(__file__).resolve().parents[1]
pyabc = pytest.importorskip("pyabc")


def _write_posterior(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    frame = pd.DataFrame(rows)
    if columns is not None:
        frame = frame[columns]
    frame.to_csv(path, index=False)
    return path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


# --- the fitted constants and the targets -------------------------------------------------------

def test_fitted_constants_have_priors_inside_their_schema_ranges():
    fitted = A.fitted_parameters()
    assert {"payoffs.base_cost_major", "payoffs.punishment_weight", "payoffs.military_effect",
            "members.binding_pull"} <= set(fitted)
    cat = parameter_catalogue()
    for path, (lo, hi) in fitted.items():
        spec = cat[path]
        assert spec.role == "constant" and spec.kind == "float"
        assert spec.ge <= lo < hi <= spec.le, path
        assert lo <= spec.default <= hi, f"{path}: the shipped value lies outside its own prior"
        assert spec.source.startswith("fitted"), path
    # nothing else claims to be fitted
    assert all(s.prior is None for p, s in cat.items() if p not in fitted)


def test_targets_are_calibration_only_and_scaled_by_their_uncertainty():
    from sim.validation import patterns as P

    assert {t.key for t in T.TARGETS} == {"base_rate", "hr_binding"}
    for t in T.TARGETS:
        assert t.scale > 0 and t.source and t.scale_source
    # a statistic one scale away from every target is at distance sqrt(number of targets)
    sim_stats = {t.key: t.value + t.scale for t in T.TARGETS}
    assert T.distance(sim_stats, T.observed()) == pytest.approx(len(T.TARGETS) ** 0.5)
    # the validation patterns no longer judge what is fitted
    keys = {p.id: p.kind for p in P.PATTERNS}
    assert {i for i, k in keys.items() if k == "calibration"} == {1, 4}


def test_hazard_ratio_is_finite_when_an_arm_has_no_event():
    none = pd.DataFrame({"escalated": [False] * 10, "survival_weeks": [260] * 10, "replicate": range(10)})
    some = pd.DataFrame({"escalated": [True] * 3 + [False] * 7, "survival_weeks": [50] * 3 + [260] * 7,
                         "replicate": range(10)})
    assert T.hazard_ratio(none, none, None) == 1.0
    assert 0 < T.hazard_ratio(some, none, None) < 1 < T.hazard_ratio(none, some, None) < np.inf


# --- ABC-SMC -------------------------------------------------------------------------------------

TINY = A.Settings(population=6, generations=2, replicates=10, seed=7)


def test_abc_is_reproducible_on_any_executor_and_moves_towards_the_targets(tmp_path):
    """One seed per particle slot: the posterior does not depend on the executor or the workers.
    And the fit works: the last generation's threshold and particles are closer to the targets
    than the first generation's (pyabc's first generation samples the prior)."""
    from pyabc.weighted_statistics import weighted_mean

    from sim.calibration.commands import _mapper

    one = A.calibrate(TINY, tmp_path / "a.db", map)
    with _mapper(2, None) as map_:
        two = A.calibrate(TINY, tmp_path / "b.db", map_)
    pd.testing.assert_frame_equal(one.posterior, two.posterior)
    assert one.generations["simulations"].tolist() == two.generations["simulations"].tolist()
    assert one.generations["epsilon"].iloc[-1] < one.generations["epsilon"].iloc[0]
    final = weighted_mean(one.posterior["distance"].to_numpy(), one.posterior["weight"].to_numpy())
    assert final < one.generations["epsilon"].iloc[0]
    other = A.calibrate(A.Settings(population=4, generations=1, replicates=10, seed=8), tmp_path / "c.db", map)
    fitted = list(A.fitted_parameters())
    assert not np.allclose(one.posterior[fitted].to_numpy()[:4], other.posterior[fitted].to_numpy()[:4])


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


# --- the posterior file --------------------------------------------------------------------------

@pytest.fixture
def two_particles(tmp_path) -> Path:
    return _write_posterior(tmp_path / "posterior.csv", [
        {"particle": 0, "weight": 3.0, "payoffs.base_cost_major": 5.0, "members.binding_pull": 0.5},
        {"particle": 1, "weight": 1.0, "payoffs.base_cost_major": 11.0, "members.binding_pull": 1.5},
    ])


def test_systematic_resampling_follows_the_weights_exactly(two_particles):
    post = load_posterior(two_particles)
    assert post.weights.tolist() == [0.75, 0.25]
    draws = post.draws(100, seed=3)
    low = sum(d["payoffs.base_cost_major"] == 5.0 for d in draws)
    assert low == 75  # systematic resampling: exact up to one draw
    assert post.draws(100, seed=3) == draws and post.draws(100, seed=4) != draws


@pytest.mark.parametrize("rows, columns, line, key", [
    ([{"payoffs.base_cost_major": 5.0}], None, None, ""),  # no weight column
    ([{"weight": 1, "payoffs.base_cost_majr": 5.0}], None, 1, "payoffs.base_cost_majr"),
    ([{"weight": 1, "payoffs.base_cost_major": 500.0}], None, 2, "payoffs.base_cost_major"),
    ([{"weight": -1, "payoffs.base_cost_major": 5.0}], None, 2, "weight"),
    ([{"weight": 1, "force.size": 1.0}], None, 1, "force.size"),  # a lever is a design choice
    ([{"weight": 1, "force.posture": "rear"}], None, 1, "force.posture"),
])
def test_bad_posterior_files_are_refused_with_file_line_and_column(tmp_path, rows, columns, line, key):
    path = _write_posterior(tmp_path / "bad.csv", rows, columns)
    with pytest.raises(ConfigError) as err:
        load_posterior(path)
    text = str(err.value)
    assert str(path) in text
    if line:
        assert f"{path}:{line}" in text
    if key:
        assert key in text


def test_run_with_a_bad_posterior_exits_2_without_traceback(tmp_path):
    bad = _write_posterior(tmp_path / "bad.csv", [{"weight": 1, "payoffs.base_cost_major": 500.0}])
    done = _cli("run", "paris_declaration", "--posterior", str(bad), "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "payoffs.base_cost_major" in done.stderr and "bad.csv:2" in done.stderr
    assert not (tmp_path / "r").exists()


def test_run_applies_the_drawn_constants_and_records_them(tmp_path, two_particles):
    done = _cli("run", "paris_declaration", "--posterior", str(two_particles), "--seed", "5", "--weeks", "20",
                "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    drawn = manifest["posterior_draw"]
    assert drawn["payoffs.base_cost_major"] in (5.0, 11.0)
    assert manifest["config"]["payoffs"]["base_cost_major"] == drawn["payoffs.base_cost_major"]
    assert manifest["inputs"]["posterior"]["sha256"] == load_posterior(two_particles).sha256


# --- parameter uncertainty in sweeps -------------------------------------------------------------

def test_between_draw_spread_separates_chance_from_parameters():
    """Random effects over posterior draws: no spread when one true probability holds in every draw
    (chance only), the true spread when the draws' probabilities differ, and a prediction interval that
    contains the draws' true values."""
    from sim.experiments.analysis import between_draws

    rng = np.random.default_rng(2026)
    draws = np.repeat(np.arange(20), 200)
    same = between_draws((rng.random(len(draws)) < 0.3).astype(float), draws)
    assert same.draws == 20 and same.tau < 0.03
    assert same.low < 0.3 < same.high and same.high - same.low < 0.1
    p = np.where(draws % 2 == 0, 0.1, 0.5)  # two true probabilities: sd 0.2 between draws
    mixed = between_draws((rng.random(len(draws)) < p).astype(float), draws)
    assert mixed.tau == pytest.approx(0.2, abs=0.04)
    assert mixed.low < 0.1 and mixed.high > 0.5


def test_sweep_draws_constants_per_replicate_and_reports_both_intervals(tmp_path):
    from sim import api

    post = _write_posterior(tmp_path / "p.csv", [
        {"weight": 1.0, "payoffs.base_cost_major": 4.0},
        {"weight": 1.0, "payoffs.base_cost_major": 12.0},
    ])
    exp = {"scenarios": ["budapest_memorandum", "paris_declaration"], "design": "scenarios",
           "replications": 120, "master_seed": 9, "outputs": {"steps": False, "events": False}}
    res = api.sweep(exp, posterior=post, posterior_draws=4)
    assert (res.runs["posterior_draw"] == res.runs["replicate"] % 4).all()
    use = use_posterior(post, 4, 9)
    cheap = {d for d in range(4) if dict(use.values[d])["payoffs.base_cost_major"] == 4.0}
    assert len(cheap) == 2  # systematic resampling of two equal weights
    bud = res.runs[res.runs["scenario"] == "budapest_memorandum"]
    is_cheap = bud["posterior_draw"].isin(cheap)
    # a cheaper renewed war is chosen more often: the draw's constants reach the model
    assert bud.loc[is_cheap, "escalated"].mean() > bud.loc[~is_cheap, "escalated"].mean() + 0.2
    s = res.summary.set_index("scenario")
    assert s.loc["budapest_memorandum", "posterior_draws"] == 4
    lo, hi = s.loc["budapest_memorandum", ["p_param_low", "p_param_high"]]
    # the two draws differ far more than chance: the interval across the posterior is the wider one
    assert hi - lo > s.loc["budapest_memorandum", "p_high"] - s.loc["budapest_memorandum", "p_low"]
    assert s.loc["budapest_memorandum", "p_param_tau"] > 0.1
    d = res.differences.iloc[0]
    assert d["holds_across_posterior"] in ("yes", "no", "undecided")
    assert res.manifest["posterior"]["sha256"] == load_posterior(post).sha256


def test_sweep_with_a_posterior_is_byte_identical_for_one_and_two_workers(tmp_path):
    from sim import api

    post = _write_posterior(tmp_path / "p.csv", [
        {"weight": 2.0, "payoffs.base_cost_major": 6.0, "payoffs.punishment_weight": 0.1},
        {"weight": 1.0, "payoffs.base_cost_major": 9.0, "payoffs.punishment_weight": 0.3},
    ])
    exp = {"scenarios": ["budapest_memorandum", "political_only"], "design": "scenarios", "replications": 24,
           "outputs": {"steps": False, "events": False}}
    api.sweep(exp, posterior=post, posterior_draws=3, out=tmp_path / "one", workers=1)
    api.sweep(exp, posterior=post, posterior_draws=3, out=tmp_path / "two", workers=2)
    for name in ("runs.csv", "summary.csv", "differences.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_shipped_constants_are_the_medians_of_the_shipped_posterior():
    """The fitted constants' defaults are the medians of docs/calibration/posterior.csv (3 significant
    figures): a new calibration must be carried into the schema, and the schema cannot drift from it."""
    from sim.calibration.commands import weighted_quantile

    post = pd.read_csv(ROOT / "docs" / "calibration" / "posterior.csv")
    cat = parameter_catalogue()
    for path in A.fitted_parameters():
        median = weighted_quantile(post[path].to_numpy(), post["weight"].to_numpy(), 0.5)
        assert cat[path].default == float(f"{median:.3g}"), path


def test_a_folder_refused_before_any_run_is_an_error_not_a_traceback(tmp_path):
    """validate-model and calibrate refuse an --out folder holding files they did not write, with
    exit 2 and no traceback, before any worker starts (the exception handlers must not fail)."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for args in (["validate-model", "--quick"], ["calibrate", "--quick"]):
        done = _cli(*args, "--out", str(out), cwd=tmp_path)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr and "notes.txt" in done.stderr
    assert (out / "notes.txt").read_text() == "mine"


def test_continue_from_a_folder_that_is_no_calibration_is_refused(tmp_path):
    done = _cli("calibrate", "--quick", "--generations", "3", "--continue-from", str(tmp_path / "nothing"),
                "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--continue-from" in done.stderr and "not a finished calibration" in done.stderr
    assert not (tmp_path / "out").exists()
