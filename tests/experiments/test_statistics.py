"""Estimators against published values: Wilson and Newcombe intervals, Kaplan-Meier survival and median."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.statistics import (
    kaplan_meier,
    km_survival,
    median_survival,
    newcombe_paired_interval,
    wilson_interval,
)


# --- intervals -----------------------------------------------------------------------------

@pytest.mark.parametrize("k, n, low, high", [
    (0, 10, 0.0, 0.2775),      # upper = z^2 / (n + z^2)
    (5, 10, 0.2366, 0.7634),
    (81, 263, 0.2553, 0.3662),  # Newcombe (1998), Stat Med 17:857, example (a)
    (10, 10, 0.7225, 1.0),
])
def test_wilson_interval_matches_published_values(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_interval_edge_cases():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    lo90, hi90 = wilson_interval(5, 10, confidence=0.90)
    lo95, hi95 = wilson_interval(5, 10)
    assert lo95 < lo90 < 0.5 < hi90 < hi95


def test_newcombe_paired_interval_matches_published_example():
    # Fagerland, Lydersen & Laake (2017), ch. 8: Cavo et al. (2012), table [[59, 6], [16, 80]]
    lo, hi = newcombe_paired_interval(59, 6, 16, 80)
    assert (lo, hi) == pytest.approx((-0.1186, -0.0046), abs=5e-5)
    # no discordant pairs: the estimate is 0, the interval still has width
    lo, hi = newcombe_paired_interval(3, 0, 0, 17)
    assert lo < 0 < hi


# --- Kaplan-Meier --------------------------------------------------------------------------

# Gehan (1965) / Freireich 6-MP arm: weeks of remission, 0 = censored.
GEHAN_T = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
GEHAN_E = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


def test_km_survival_matches_hand_computation_and_r_loglog_intervals():
    times = [5, 6, 7, 10, 13, 16, 22, 23, 30]
    km = km_survival(GEHAN_T, GEHAN_E, times)
    s6 = 18 / 21
    expected = [1.0, s6, s6 * 16 / 17, s6 * 16 / 17 * 14 / 15, s6 * 16 / 17 * 14 / 15 * 11 / 12,
                s6 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11]
    expected += [expected[-1] * 6 / 7, expected[-1] * 6 / 7 * 5 / 6, expected[-1] * 6 / 7 * 5 / 6]
    np.testing.assert_allclose(km["survival"].to_numpy(), expected, atol=1e-12)
    # R: survfit(Surv(time, status) ~ 1, conf.type = "log-log")
    assert tuple(km.loc[6.0, ["low", "high"]]) == pytest.approx((0.620, 0.952), abs=1.5e-3)
    assert tuple(km.loc[13.0, ["low", "high"]]) == pytest.approx((0.432, 0.849), abs=1.5e-3)
    assert tuple(km.loc[23.0, ["low", "high"]]) == pytest.approx((0.188, 0.680), abs=1.5e-3)
    assert tuple(km.loc[5.0]) == (1.0, 1.0, 1.0)  # before the first event


def test_km_survival_is_empty_beyond_the_horizon_and_median():
    km = km_survival(GEHAN_T, GEHAN_E, [30, 52], horizon=35)
    assert not math.isnan(km.loc[30.0, "survival"])
    assert km.loc[52.0].isna().all()
    med, lo, hi = median_survival(kaplan_meier(GEHAN_T, GEHAN_E))
    assert med == 23
    assert lo <= 23 and math.isnan(hi)  # upper bound not reached
    assert all(math.isnan(x) for x in median_survival(kaplan_meier([10, 10, 10], [False, False, False])))


def test_the_array_kaplan_meier_gives_lifelines_numbers_bit_for_bit():
    """The summary's fast Kaplan-Meier (no lifelines call per design point) equals lifelines' fit exactly:
    median and its interval, S(t) and its interval, over random groups and edge cases."""
    import math

    import numpy as np

    from sim.experiments.statistics import kaplan_meier, kaplan_meier_arrays, median_survival, survival_at

    rng = np.random.default_rng(0)
    cases = [(np.array([0.0]), np.array([True])), (np.array([5.0, 5.0]), np.array([False, False])),
             (np.array([0.0, 0.0, 3.0]), np.array([True, True, False]))]
    for _ in range(400):
        n, h = int(rng.integers(1, 40)), int(rng.choice([20, 104, 260]))
        esc = rng.random(n) < rng.random()
        cases.append((np.where(esc, rng.integers(0, h, n), h).astype(float), esc))
    for dur, esc in cases:
        h = float(dur.max())
        kmf, fast = kaplan_meier(dur, esc), kaplan_meier_arrays(dur, esc)
        expected = [*median_survival(kmf), *survival_at(kmf, [1, 52, 104, 260], h).to_numpy().ravel()]
        got = [*fast.median(), *np.ravel(fast.at([1, 52, 104, 260], h))]
        assert all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(expected, got)), (dur, esc)
