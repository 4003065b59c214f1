"""What an answer turns on across the plausible worlds, and the pairs that would decide it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiments.identification import pairs_to_decide, turns_on, verdict


def _worlds(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"payoffs.base_cost_major": rng.uniform(4, 12, n), "russia.rationality": rng.uniform(3, 12, n)})
    frame.index.name = "posterior_draw"
    return frame


def _paired_differences(worlds: pd.DataFrame, pairs_per_world: int, effect, seed: int):
    """Per pair +1 (only the design escalates), -1 (only the reference) or 0, with P(+1) - P(-1) = effect(world)."""
    rng = np.random.default_rng(seed)
    diffs, draws = [], []
    for d, row in worlds.iterrows():
        delta = effect(row)
        p_plus, p_minus = 0.1 + max(delta, 0.0), 0.1 + max(-delta, 0.0)
        u = rng.random(pairs_per_world)
        diffs.append(np.where(u < p_plus, 1.0, np.where(u < p_plus + p_minus, -1.0, 0.0)))
        draws.append(np.full(pairs_per_world, d))
    return np.concatenate(diffs), np.concatenate(draws)


def test_the_constant_that_orders_the_worlds_is_named_with_its_crossing():
    # The design is safer (negative difference) where renewed war is costly, riskier where it is cheap:
    # the sign changes at a base cost of 8; rationality plays no part.
    worlds = _worlds(20, seed=1)
    diff, draws = _paired_differences(worlds, 300, lambda w: 0.05 * (8.0 - w["payoffs.base_cost_major"]), seed=2)
    found = turns_on(diff, draws, worlds)
    assert found["turns_on"] == "payoffs.base_cost_major"
    assert found["turns_on_rho"] < -0.8 and found["turns_on_p"] < 0.01
    assert found["turns_on_crossing"] == pytest.approx(8.0, abs=0.6)
    row = pd.Series({"holds_across_posterior": "no", **found})
    assert verdict(row).startswith("turns on payoffs.base_cost_major: the difference shrinks")


def test_no_constant_is_named_when_the_worlds_differ_only_by_chance():
    worlds = _worlds(20, seed=3)
    named = 0
    for seed in range(20):
        diff, draws = _paired_differences(worlds, 100, lambda w: -0.05, seed=seed)
        named += turns_on(diff, draws, worlds)["turns_on"] != ""
    assert named <= 3  # 5% by design (Holm over two constants), 20 samples: at most 3 at this seed set


def test_too_few_worlds_or_no_constants_name_nothing():
    worlds = _worlds(5, seed=1)
    diff, draws = _paired_differences(worlds, 300, lambda w: 0.05 * (8.0 - w["payoffs.base_cost_major"]), seed=2)
    assert turns_on(diff, draws, worlds)["turns_on"] == ""
    assert turns_on(diff, draws, None)["turns_on"] == ""


@pytest.mark.parametrize("p10,p01", [(0.06, 0.03), (0.02, 0.05), (0.10, 0.07)])
def test_pairs_to_decide_gives_the_stated_power(p10, p01):
    """At the pairs given, McNemar's exact test decides the difference in about 80% of samples
    (400 simulated samples: 0.80 within +-0.07, three standard errors)."""
    n = int(pairs_to_decide(int(p10 * 1000), int(p01 * 1000), 1000, decided=False))
    rng = np.random.default_rng(7)
    counts = rng.multinomial(n, [p10, p01, 1 - p10 - p01], size=400)
    decided = [stats.binomtest(int(b), int(b + c), 0.5).pvalue < 0.05 for b, c, _ in counts]
    assert np.mean(decided) == pytest.approx(0.80, abs=0.07)


def test_pairs_to_decide_is_empty_when_decided_or_nothing_differs():
    assert np.isnan(pairs_to_decide(30, 10, 500, decided=True))
    assert np.isnan(pairs_to_decide(10, 10, 500, decided=False))
    assert np.isnan(pairs_to_decide(0, 0, 500, decided=False))
    row = pd.Series({"holds_across_posterior": "undecided", "turns_on": "", "pairs_to_decide": 1234.0})
    assert verdict(row) == "undecided: about 1,234 pairs would decide the difference seen"


@pytest.mark.slow
def test_a_posterior_sweep_names_what_the_risk_turns_on(tmp_path):
    """End to end: worlds that differ in the cost of renewed war; Budapest's risk turns on it."""
    from sim import api

    rng = np.random.default_rng(5)
    post = tmp_path / "worlds.csv"
    pd.DataFrame({"weight": 1.0, "payoffs.base_cost_major": np.linspace(4.0, 12.0, 12),
                  "payoffs.punishment_weight": rng.permutation(np.linspace(0.1, 0.4, 12))}).to_csv(post, index=False)
    exp = {"scenarios": ["budapest_memorandum", "paris_declaration"], "design": "scenarios", "replications": 144,
           "horizon_weeks": 104, "master_seed": 3, "outputs": {"steps": False, "events": False}}
    res = api.sweep(exp, posterior=post, posterior_draws=12)
    s = res.summary.set_index("scenario")
    assert s.loc["budapest_memorandum", "p_turns_on"] == "payoffs.base_cost_major"
    assert s.loc["budapest_memorandum", "p_turns_on_rho"] < 0
    d = res.differences.iloc[0]
    assert "turns_on" in res.differences.columns and "pairs_to_decide" in res.differences.columns
    assert d["holds_across_posterior"] in ("yes", "no", "undecided")
