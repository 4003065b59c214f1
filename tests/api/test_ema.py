"""sim.ema: the simulator as an EMA Workbench model (skipped where EMA Workbench is not installed)."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

from tests.helpers import ROOT

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    wb = pytest.importorskip(
        "ema_workbench", reason="EMA Workbench is not installed: pip install 'paris-guarantees-sim[ema]' "
                                "(2.5 on Python 3.11, 3.x on 3.12+) to test sim.ema")

from sim import api, ema  # noqa: E402
from sim.config import ConfigError  # noqa: E402
from sim.runner import replicate_seed  # noqa: E402

WEEKS = 52


def evaluate(model, **kw):
    # EMA's samplers draw from numpy's global generator: seeded, so each test sees the same sample
    state = np.random.get_state()
    np.random.seed(20260106)
    try:
        with wb.SequentialEvaluator(model) as evaluator:
            return evaluator.perform_experiments(**kw)
    finally:
        np.random.set_state(state)


def test_parameters_and_outcomes_come_from_the_catalogue():
    model = ema.model()
    cat = api.parameter_catalogue()
    unc = {p.name: p for p in model.uncertainties}
    lev = {p.name: p for p in model.levers}
    assert set(unc) == {n.replace(".", "__") for n, s in cat.uncertainties.items() if s.kind in api.SAMPLED_KINDS}
    assert set(lev) == {n.replace(".", "__") for n, s in cat.levers.items() if s.kind in api.SAMPLED_KINDS}
    assert all(name.isidentifier() for name in [*unc, *lev])
    assert isinstance(unc["russia__ambition"], wb.RealParameter)
    assert (unc["russia__ambition"].lower_bound, unc["russia__ambition"].upper_bound) == (0.0, 3.0)
    assert isinstance(lev["monitoring__latency_weeks"], wb.IntegerParameter)
    assert isinstance(lev["monitoring__enabled"], wb.BooleanParameter)
    assert isinstance(lev["commission__decision_rule"], wb.CategoricalParameter)
    # by default the outcomes never missing: a censored week comes as its survival time beside its flag
    assert [o.name for o in model.outcomes] == api.uncensored_outcomes()
    assert {"escalated", "survival_weeks", "armed_attack", "armed_attack_survival_weeks",
            "horizon_weeks"} <= set(api.uncensored_outcomes())
    assert not {"escalation_week", "armed_attack_week"} & set(api.uncensored_outcomes())
    narrowed = ema.model(uncertainties=["russia.ambition"], levers=[], bounds={"russia__ambition": (0.5, 2.0)})
    (only,) = narrowed.uncertainties
    assert (only.lower_bound, only.upper_bound) == (0.5, 2.0) and len(narrowed.levers) == 0
    with pytest.raises(ConfigError, match="unknown outcome"):
        ema.model(outcomes=["escalatd"])
    with pytest.raises(ConfigError, match="monitoring.coverag"):
        ema.model(levers=["monitoring.coverag"])


def test_outcomes_equal_run_experiment_and_invalid_designs_are_missing_not_errors():
    # paris_declaration has the commission on: monitoring off is an invalid combination.
    model = ema.model(uncertainties=["russia.ambition", "members.resolve_mean"], levers=["monitoring.enabled"],
                      outcomes=["escalated", "escalation_week", "survival_weeks", "detected"], weeks=WEEKS)
    experiments, outcomes = evaluate(model, scenarios=3, policies=2)  # LHS over 2 policies: false and true
    assert len(experiments) == 6
    off = ~experiments["monitoring__enabled"].astype(bool).to_numpy()
    assert off.sum() == 3
    for name in ("escalated", "survival_weeks", "detected"):
        assert np.isnan(outcomes[name][off]).all() and not np.isnan(outcomes[name][~off]).any()
    seed = replicate_seed(ema.DEFAULT_MASTER_SEED, 0)
    for i in np.flatnonzero(~off):
        row = experiments.iloc[i]
        out = api.run_experiment({"russia.ambition": row["russia__ambition"],
                                  "members.resolve_mean": row["members__resolve_mean"]}, seed=seed, weeks=WEEKS)
        assert outcomes["escalated"][i] == out["escalated"]
        assert outcomes["survival_weeks"][i] == out["survival_weeks"]
        assert outcomes["detected"][i] == out["detected"]
        assert (math.isnan(outcomes["escalation_week"][i]) and math.isnan(out["escalation_week"])) or \
            outcomes["escalation_week"][i] == out["escalation_week"]


def test_feature_scoring_works_on_the_default_outcomes():
    """EMA's standard feature scoring once crashed on the default outcomes (NaN weeks of censored runs)."""
    from ema_workbench.analysis import feature_scoring

    weeks = 156
    model = ema.model("Minsk", "minsk_analogue", uncertainties=["russia.ambition", "members.resolve_mean"], levers=[],
                      weeks=weeks, bounds={"russia.ambition": (0.5, 3.0)})
    experiments, outcomes = evaluate(model, scenarios=24)
    escalated = outcomes["escalated"].astype(bool)
    assert 0 < escalated.sum() < 24, "the sample should hold censored and escalated runs"
    assert all(not np.isnan(v).any() for v in outcomes.values())
    assert (outcomes["survival_weeks"][~escalated] == weeks).all() and (outcomes["horizon_weeks"] == weeks).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = feature_scoring.get_feature_scores_all(experiments, outcomes)
    assert {"escalated", "survival_weeks"} <= set(scores.columns)
    assert not scores[["escalated", "survival_weeks"]].isna().any().any()


def test_replications_average_the_replicates():
    model = ema.model(uncertainties=["russia.ambition"], levers=[], outcomes=["escalated", "survival_weeks"],
                      bounds={"russia.ambition": (2.5, 3.0)}, weeks=WEEKS, replications=4, master_seed=11)
    experiments, outcomes = evaluate(model, scenarios=2)
    for i in range(2):
        ambition = experiments["russia__ambition"].iloc[i]
        runs = [api.run_experiment({"russia.ambition": ambition}, seed=replicate_seed(11, k), weeks=WEEKS)
                for k in range(4)]
        assert outcomes["escalated"][i] == pytest.approx(np.mean([r["escalated"] for r in runs]))
        assert outcomes["survival_weeks"][i] == pytest.approx(np.mean([r["survival_weeks"] for r in runs]))
    with pytest.raises(ConfigError, match="replications"):
        ema.model(replications=0)


@pytest.mark.slow
def test_the_prim_example_runs():
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "ema_prim.py"), "--scenarios", "30",
                           "--policies", "2", "--weeks", "104"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**__import__("os").environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "60 runs" in done.stdout
    assert "PRIM box" in done.stdout and "coverage" in done.stdout and "feature scores:" in done.stdout
