"""History matching with emulators: the implausibility rule, the emulators, the waves, and the
command's files (reproducible on one worker or two)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.calibration import history_matching as H
from sim.calibration import record as R
from sim.calibration.commands import FILES
from sim.config.parameters import parameter_catalogue
from sim.config.posterior import load_posterior
from tests.helpers import sim_process

pytestmark = pytest.mark.needs("calibration")

# calibrate --quick (wave 1 of 12 points, then 8; 8 replicates; 2 waves) with its own seed.
QUICK = ["--quick", "--seed", "11"]


def test_the_brief_constants_are_fitted_with_priors_inside_their_schema_ranges():
    fitted = H.fitted_parameters()
    assert {"payoffs.base_cost_major", "payoffs.base_cost_limited", "russia.rationality", "russia.ambition_spread",
            "campaigns.surprise_bonus", "payoffs.punishment_weight", "payoffs.military_effect",
            "members.binding_pull", "campaigns.volume_compliant", "campaigns.volume_spike",
            "warning.indicators_per_week_major", "russia.balance_misperception"} <= set(fitted)
    assert fitted["russia.rationality"] == (3.0, 12.0)  # the random term a minor part of a decision
    cat = parameter_catalogue()
    for path, (lo, hi) in fitted.items():
        spec = cat[path]
        assert spec.kind == "float" and spec.role != "lever", path
        assert spec.ge <= lo < hi <= spec.le, path
        assert lo <= spec.default <= hi, f"{path}: the schema's default lies outside its own prior box"
        assert spec.source.startswith("calibrated by history matching (docs/CALIBRATION.md)"), path
    assert all(s.prior is None for p, s in cat.items() if p not in fitted)


def test_implausibility_is_the_record_modules_and_infinite_without_a_value():
    simulated = {t.key: (t.value * 1.3 + 0.01, 0.002) for t in R.TARGETS}
    expected = R.implausibility(simulated, discrepancy=0.1)
    for t in R.TARGETS:
        got = H.implausibility(np.array([simulated[t.key][0]]), np.array([0.002]), t, 0.1)[0]
        assert got == pytest.approx(expected[t.key])
        assert H.implausibility(np.array([np.nan]), np.array([0.1]), t, 0.1)[0] == np.inf
    # three record standard deviations away, nothing else: exactly the cut-off
    t = R.BY_KEY["armed_attack_5y"]
    assert H.implausibility(np.array([t.value + 3 * t.sd]), np.array([0.0]), t, 0.0)[0] == pytest.approx(H.CUTOFF)


def test_an_emulator_follows_a_smooth_quantity_and_ignores_an_irrelevant_constant():
    from sim.calibration.emulator import Emulator

    rng = np.random.default_rng(3)
    x = rng.random((70, 3))
    f = lambda z: np.sin(3 * z[:, 0]) + 0.5 * z[:, 1] ** 2  # noqa: E731 - the third input does not matter
    var = np.full(len(x), 0.01**2)
    em = Emulator.fit("demo", x, f(x) + rng.normal(0, 0.01, len(x)), var, seed=1)
    test = rng.random((200, 3))
    mean, v = em.predict(test)
    z = (f(test) - mean) / np.sqrt(v + var[0])
    assert np.mean(np.abs(z) <= 3) >= 0.9  # its variance is honest
    assert np.sqrt(np.mean((f(test) - mean) ** 2)) < 0.05  # and it is accurate
    ls = em.length_scales()
    assert ls[2] > 3 * max(ls[0], ls[1])  # the irrelevant constant gets a long length scale
    keep, cv_mean, cv_var = em.cross_validate(x, f(x), var, folds=5)
    assert keep.all() and np.sqrt(np.mean((f(x) - cv_mean) ** 2)) < 0.1


def test_maximin_thins_a_pool_reproducibly_and_spreads_the_points():
    pool = np.random.default_rng(0).random((500, 4))
    a = H.maximin(pool, 20, (1, 2))
    assert np.array_equal(a, H.maximin(pool, 20, (1, 2))) and len(a) == 20
    spread = min(np.linalg.norm(a[i] - a[j]) for i in range(20) for j in range(i))
    rand = pool[:20]
    assert spread > min(np.linalg.norm(rand[i] - rand[j]) for i in range(20) for j in range(i))


@pytest.mark.slow
def test_calibrate_writes_the_same_plausible_set_on_one_worker_or_two(tmp_path):
    """``calibrate --quick``: the command's files, and byte-identical results whatever the number of workers."""
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        done = sim_process("calibrate", *QUICK, "--workers", workers, "--out", out, cwd=tmp_path, timeout=600)
        assert done.returncode in (0, 1), done.stderr  # 1: a quick run need not cover every target
        assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
        outs[workers] = out
    for name in ("waves.csv", "plausible.csv", "emulators.csv", "targets.csv", "constants.csv"):
        assert (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes(), name
    out = outs[2]
    waves = pd.read_csv(out / "waves.csv")
    names = list(H.fitted_parameters())
    assert list(waves.columns[:2]) == ["wave", "point"] and list(waves.columns[2:2 + len(names)]) == names
    manifest = json.loads((out / "manifest.json").read_text())
    ran = len(manifest["waves"])  # 1 when a small wave 1 already rules out the whole box
    assert len(waves) == 12 + 8 * (ran - 1) and set(waves["wave"]) == set(range(1, ran + 1))
    # ruled out exactly when the largest implausibility exceeds the cut-off; the plausible set is
    # the last wave's points not ruled out
    assert (waves["ruled_out"] == (waves["I_max"] > H.CUTOFF)).all()
    assert (waves["plausible"] == ((waves["wave"] == 2) & ~waves["ruled_out"])).all()
    for name, (lo, hi) in H.fitted_parameters().items():
        assert waves[name].between(lo, hi).all(), name
    plausible = pd.read_csv(out / "plausible.csv")
    assert len(plausible) == int(waves["plausible"].sum())
    assert manifest["command"].startswith("python -m sim calibrate --quick --seed 11")
    assert manifest["settings"]["seed"] == 11
    if len(plausible):
        post = load_posterior(out / "plausible.csv")
        assert post.constants == tuple(names) and np.allclose(post.weights, 1 / len(plausible))
    targets = pd.read_csv(out / "targets.csv")
    assert targets["target"].tolist() == [t.key for t in R.TARGETS]
    ok = targets["predictive_low"].notna()
    assert (targets.loc[ok, "covered"] == ((targets.loc[ok, "predictive_low"] <= targets.loc[ok, "record"])
                                          & (targets.loc[ok, "record"] <= targets.loc[ok, "predictive_high"]))).all()
    # the tables render again from the files alone, identically
    before = (out / "calibration_tables.md").read_text()
    from sim.calibration.commands import main

    assert main([str(out)]) == 0
    assert (out / "calibration_tables.md").read_text() == before


def test_a_folder_refused_before_any_run_is_an_error_not_a_traceback(tmp_path, bad_input):
    """validate-model and calibrate refuse an --out folder holding files they did not write, with
    exit 2 and no traceback, before any worker starts."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for args in (["validate-model", "--quick"], ["calibrate", "--quick"]):
        assert "notes.txt" in bad_input(*args, "--out", out)
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_waves_shrink_to_the_region_a_known_model_allows(monkeypatch):
    """History matching on a cheap stand-in for ``record.measure`` whose plausible region is known:
    only constant 0 (in unit-cube terms) moves every quantity, the record sits at u0 = 0.3. The
    waves must shrink the box, keep the truth, and rule out what lies far from it."""
    priors = H.fitted_parameters()
    names = list(priors)
    lo = np.array([priors[p][0] for p in names])
    hi = np.array([priors[p][1] for p in names])

    def fake(constants, *, replicates, seed):
        u = (np.array([constants[n] for n in names]) - lo) / (hi - lo)
        return {t.key: (t.value + 20 * (t.sd + 0.1 * abs(t.value)) * (u[0] - 0.3), (0.05 * t.sd) ** 2)
                for t in R.TARGETS}

    monkeypatch.setattr(H, "measure_point", fake)
    settings = H.Settings(first_points=40, points=20, replicates=1, max_waves=2, candidates=2000,
                          screening_rounds=2, seed=5)
    result = H.run(settings)
    # |u0 - 0.3| beyond 3/20 to 3/28 is implausible: about a quarter of the box is left
    assert 0.1 < result.shares[0] < 0.4 and result.shares[-1] <= result.shares[0]
    plausible = result.last.x[result.plausible]
    assert len(plausible) >= 5
    assert np.all(np.abs(plausible[:, 0] - 0.3) < 0.16)
    truth = np.full((1, len(names)), 0.5)
    truth[0, 0] = 0.3
    assert H.not_ruled_out([w.emulators for w in result.waves], truth, settings)[0]
    far = truth.copy()
    far[0, 0] = 0.95
    assert not H.not_ruled_out([w.emulators for w in result.waves], far, settings)[0]
    # the plausible points' other constants stay spread: nothing constrains them
    assert np.ptp(plausible[:, 1]) > 0.4


def test_the_shipped_defaults_are_the_representative_plausible_point_and_every_target_is_covered():
    """docs/calibration: the schema's defaults of the fitted constants are the run's representative point
    (to three significant figures), which its own check found not implausible; every target is covered."""
    from tests.helpers import ROOT

    folder = ROOT / "docs" / "calibration"
    manifest = json.loads((folder / "manifest.json").read_text())
    rep = manifest["representative"]
    assert rep["max_implausibility"] <= H.CUTOFF
    cat = parameter_catalogue()
    assert set(rep["constants"]) == set(H.fitted_parameters())
    for path, value in rep["constants"].items():
        assert cat[path].default == pytest.approx(value, rel=5e-3), path
    targets = pd.read_csv(folder / "targets.csv")
    assert targets["covered"].all() and targets["target"].tolist() == [t.key for t in R.TARGETS]
    plausible = load_posterior(folder / "plausible.csv")
    waves = pd.read_csv(folder / "waves.csv")
    assert len(plausible.weights) == int(waves["plausible"].sum()) and (waves.loc[waves["plausible"], "I_max"]
                                                                         <= H.CUTOFF).all()
