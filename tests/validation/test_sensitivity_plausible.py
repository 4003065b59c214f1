"""Sensitivity on the plausible set: calibrated worlds crossed with the uncertainties, and the
assumptions that still move each answer."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.executors import executor
from sim.validation.sensitivity.design import Comparison, Factor
from sim.validation.sensitivity.plausible import _holm, make_worlds, plausible_study
from tests.helpers import ROOT

DRAWS = [{"payoffs.base_cost_major": c, "payoffs.punishment_weight": w}
         for c, w in zip(np.linspace(4.0, 12.0, 12), np.random.default_rng(1).permutation(np.linspace(0.1, 0.4, 12)))]


def test_worlds_cycle_the_draws_and_stratify_the_uncertainties():
    free = [Factor("force.size", "uncertainty", "float", 1.0, 0.5, 1.5, "relative"),
            Factor("payoffs.base_cost_major", "uncertainty", "float", 7.0, 3.5, 10.5, "relative")]
    worlds, calibrated, uncertain = make_worlds(DRAWS, 24, seed=3, uncertainties=free)
    assert calibrated == ["payoffs.base_cost_major", "payoffs.punishment_weight"]
    assert uncertain == ["force.size"]  # a calibrated constant is the draw's, never the hypercube's
    assert (worlds["draw"] == worlds["world"] % 12).all()
    assert worlds["payoffs.base_cost_major"].tolist() == [d["payoffs.base_cost_major"] for d in DRAWS] * 2
    # Latin hypercube: one value in each of the 24 equal slices of the range
    slices = np.floor((worlds["force.size"] - 0.5) / (1.0 / 24)).astype(int)
    assert sorted(slices) == list(range(24))


def test_holm_adjustment_is_step_down_and_monotone():
    out = {name: p_holm for name, _, _, p_holm in _holm([("a", 0.1, 0.01), ("b", 0.2, 0.04), ("c", 0.3, 0.03)])}
    assert out == pytest.approx({"a": 0.03, "c": 0.06, "b": 0.06})


@pytest.mark.slow
def test_the_assumption_that_moves_an_answer_is_found():
    """Budapest minus Paris peaks where renewed war is neither cheap (both designs fail) nor dear
    (neither does): across calibrated worlds the study finds the base cost, not the punishment weight."""
    comparison = Comparison("budapest_vs_paris", "budapest_memorandum", "paris_declaration", "test")
    with executor(1) as ex:
        study = plausible_study(DRAWS, ex, worlds=12, replicates=16, master_seed=5, comparisons=(comparison,),
                                uncertainties=[])
    movers = study.factors[study.factors["moves"]]
    assert movers["factor"].tolist() == ["payoffs.base_cost_major"]
    answer = study.answers.iloc[0]
    assert answer["difference"] > 0.1 and answer["holds_across_worlds"] in ("yes", "no")  # decided by chance
    diff = study.worlds["diff_budapest_vs_paris"]
    assert diff.max() > diff.iloc[-3:].mean() + 0.1  # where renewed war is dear, neither design fails


@pytest.mark.slow
def test_the_command_writes_its_files_the_same_for_one_and_two_workers(tmp_path):
    pd.DataFrame([{"weight": 1.0, **d} for d in DRAWS]).to_csv(tmp_path / "p.csv", index=False)
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        r = subprocess.run([sys.executable, "-m", "sim", "sensitivity", "--plausible", "--quick", "--worlds", "6",
                            "--replicates", "2", "--posterior", str(tmp_path / "p.csv"), "--workers", str(workers),
                            "--out", str(out)], cwd=tmp_path, capture_output=True, text=True,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert r.returncode == 0, r.stderr
        outs.append(out)
    for name in ("worlds.csv", "answers.csv", "moving_factors.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    manifest = json.loads((outs[0] / "manifest.json").read_text())
    assert manifest["worlds"] == 6 and manifest["runs"] == 6 * 2 * 4
    answers = pd.read_csv(outs[0] / "answers.csv")
    assert set(answers["comparison"]) == {"ratified_vs_political", "forward_vs_rear", "with_vs_without_us"}


def test_plausible_mode_needs_a_posterior(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sim", "sensitivity", "--plausible", "--quick"], cwd=tmp_path,
                       capture_output=True, text=True,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert r.returncode == 2 and "--posterior FILE" in r.stderr and "Traceback" not in r.stderr


def test_dependence_catches_a_peak_that_a_rank_correlation_misses():
    from scipy import stats

    from sim.validation.sensitivity.plausible import dependence_p

    x = np.linspace(4.0, 12.0, 24)
    rng = np.random.default_rng(2)
    peak = 0.4 - 0.02 * (x - 8.0) ** 2 + rng.normal(0, 0.03, x.size)
    assert abs(stats.spearmanr(x, peak)[0]) < 0.3 and dependence_p(x, peak) < 1e-4
    noise = [dependence_p(x, rng.normal(0, 0.03, x.size)) for _ in range(200)]
    assert np.mean(np.array(noise) < 0.05) == pytest.approx(0.05, abs=0.04)  # its size is as stated
