"""The posterior file and parameter uncertainty carried into run, sweep and the API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config import ConfigError
from sim.config.posterior import load_posterior, use_posterior
from tests.helpers import ROOT


def _write_posterior(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    frame = pd.DataFrame(rows)
    if columns is not None:
        frame = frame[columns]
    frame.to_csv(path, index=False)
    return path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


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
    from sim.experiments.statistics import between_draws

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
