"""The fitted constants and the calibration targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.calibration import abc as A
from sim.calibration import targets as T
from sim.config.parameters import parameter_catalogue
from tests.helpers import ROOT


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
    assert T.hazard_ratio(none, none) == 1.0
    assert 0 < T.hazard_ratio(some, none) < 1 < T.hazard_ratio(none, some) < np.inf


def test_shipped_constants_are_the_medians_of_the_shipped_posterior():
    """The fitted constants' defaults are the medians of docs/calibration/posterior.csv (3 significant
    figures): a new calibration must be carried into the schema, and the schema cannot drift from it."""
    from sim.calibration.commands import weighted_quantile

    post = pd.read_csv(ROOT / "docs" / "calibration" / "posterior.csv")
    cat = parameter_catalogue()
    for path in A.fitted_parameters():
        median = weighted_quantile(post[path].to_numpy(), post["weight"].to_numpy(), 0.5)
        assert cat[path].default == float(f"{median:.3g}"), path
