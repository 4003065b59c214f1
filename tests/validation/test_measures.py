"""The measures the patterns use: Cox hazard ratios, probe rates, against known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.experiments.statistics import cox_hazard_ratio
from sim.validation import measures as M
from sim.validation import patterns as P

HORIZON = 260


def _exponential_runs(scenario: str, weekly_hazard: float, n: int, rng: np.random.Generator,
                      probe_rate: float = 0.09, war_median_weeks: float = 30.0) -> pd.DataFrame:
    """Runs of one scenario in the runs.csv layout: the first armed attack (here always a renewed war)
    after an exponential time, a war lasting a lognormal time, grey-zone counts at peace."""
    t = rng.exponential(1.0 / weekly_hazard, size=n)
    escalated = t < HORIZON
    survival = np.where(escalated, np.maximum(1, np.ceil(t)), HORIZON).astype(int)
    duration = np.ceil(war_median_weeks * np.exp(1.5 * rng.standard_normal(n)))
    ended = escalated & (survival + duration < HORIZON)
    war = np.where(escalated, np.where(ended, duration, HORIZON - survival), 0)
    probes = rng.poisson(probe_rate * (HORIZON - war))
    week = np.where(escalated, survival, np.nan)
    return pd.DataFrame({"scenario": scenario, "replicate": np.arange(n), "escalated": escalated,
                         "escalation_week": week, "armed_attack": escalated, "armed_attack_week": week,
                         "survival_weeks": survival, "horizon_weeks": HORIZON, "war_weeks": war,
                         "first_war_weeks": np.where(ended, duration, np.nan),
                         "territory_seized_pct": np.where(escalated, rng.exponential(2.0, n), 0.0),
                         "violations_probe": probes, "violations_limited": rng.poisson(0.01 * (HORIZON - war)),
                         "ceasefire_violations": rng.poisson(150.0 * (HORIZON - war))})


def _hazard(p5: float) -> float:
    """Weekly hazard giving P(escalation within 260 weeks) = p5."""
    return -np.log(1.0 - p5) / HORIZON


def synthetic(n: int = 3000, seed: int = 1, war_median_weeks: float = 30.0, **hr: float) -> pd.DataFrame:
    """Runs where every pattern of runs.csv holds by construction (hazard ratios can be overridden)."""
    rng = np.random.default_rng(seed)
    h0 = _hazard(0.45)
    ratios = {P.MONITORING: 0.72, P.FORCE: 0.7, P.FORCE_DOUBLE: 0.5, P.FORCE_REASSURANCE: 0.9,
              P.FORCE_FORWARD_DEFENCE: 0.55, P.BINDING: 0.82, **hr}
    frames = [_exponential_runs(P.REFERENCE, h0, n, rng, war_median_weeks=war_median_weeks)]
    frames += [_exponential_runs(s, h0 * r, n, rng, war_median_weeks=war_median_weeks) for s, r in ratios.items()]
    # ordering: minsk, political_only, paris, article5 share budapest's draws shifted down (paired)
    base = frames[0]
    for scen, keep in (("minsk_analogue", 0.85), ("political_only", 0.12), ("paris_declaration", 0.09),
                       ("article5_like", 0.04)):
        f = base.copy()
        f["scenario"] = scen
        u = np.random.default_rng(7).random(n)  # the same uniforms for each: nested escalations
        drop = f["escalated"] & (u > keep)
        f.loc[drop, ["escalated", "armed_attack"]] = False
        f.loc[drop, "survival_weeks"] = HORIZON
        f.loc[drop, ["escalation_week", "armed_attack_week", "first_war_weeks"]] = np.nan
        f.loc[drop, "war_weeks"] = 0
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def synthetic_timing(mean: float = 3.0) -> pd.DataFrame:
    """Pattern 6's table (response_timing.compare's layout) with the model at ``mean`` members."""
    return pd.DataFrame({"weeks": [4, 8, 12], "record_low": [5, 8, 10], "record_high": [9, 12, 14],
                         "covered": [20, 20, 20], "model_in_effect_mean": [mean, mean + 1, mean + 2],
                         "model_in_effect_se": [0.1, 0.1, 0.1], "model_in_effect_p5": [1, 2, 3],
                         "model_in_effect_p95": [6, 7, 8], "model_decided_mean": [4.0, 5.0, 6.0]})


def test_cox_hazard_ratio_recovers_a_known_ratio():
    rng = np.random.default_rng(3)
    ref = _exponential_runs("a", _hazard(0.45), 4000, rng)
    var = _exponential_runs("b", _hazard(0.45) * 0.5, 4000, rng)
    hr = cox_hazard_ratio(ref, var)
    assert hr.low < 0.5 < hr.high
    assert 0.4 < hr.hr < 0.6
    assert hr.runs == 8000 and hr.events_reference > hr.events_variant


def test_hazard_ratio_is_not_a_ratio_of_counts():
    """Censoring at the horizon: HR differs from P(variant)/P(reference) when events are common."""
    rng = np.random.default_rng(4)
    ref = _exponential_runs("a", _hazard(0.8), 4000, rng)
    var = _exponential_runs("b", _hazard(0.8) * 0.5, 4000, rng)
    hr = cox_hazard_ratio(ref, var, test_ph=False).hr
    count_ratio = var["escalated"].mean() / ref["escalated"].mean()
    assert abs(hr - 0.5) < 0.06
    assert count_ratio > 0.6  # the naive ratio understates the effect


def test_probe_rate_is_per_week_at_peace():
    runs = pd.DataFrame({"violations_probe": [10, 0], "horizon_weeks": [260, 260], "war_weeks": [160, 260]})
    assert M.probe_rate(runs) == pytest.approx(10 / 100)
