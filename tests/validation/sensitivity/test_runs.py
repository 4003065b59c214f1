"""The sensitivity study's runs: a parameter that cannot act leaves the paired runs identical, screening
gives zero to it, draws apply per replicate, and the sign-flip rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.executors import executor
from sim.validation.sensitivity import design
from sim.validation.sensitivity import runs as study


def _factors(*paths):
    by = {f.path: f for f in design.factor_list()[0]}
    return [by[p] for p in paths]


@pytest.mark.slow
def test_a_parameter_that_cannot_act_leaves_the_paired_runs_identical_at_both_ends():
    """The US Congress's lag matters only to a US pledge, and neither paris_declaration nor political_only
    has one: every run is the same at its low and high end. A positive control (Russia's cost of renewed
    war) changes runs on the same seeds, so the property is not vacuous."""
    comparison = design.COMPARISONS[0]
    settings = design.Settings(confirm_replicates=24)
    factors = _factors("ratification.us_congress_lag_weeks", "payoffs.base_cost_major")
    chosen = {comparison.name: [f.path for f in factors]}
    with executor(1) as ex:
        table, runs = study.confirm(factors, [comparison], chosen, settings, ex)
    rows = table.set_index(["factor", "end"])
    lag = "ratification.us_congress_lag_weeks"
    assert rows.loc[(lag, "low"), "value"] == 26 and rows.loc[(lag, "high"), "value"] == 78
    for d in (comparison.first, comparison.second):
        assert np.array_equal(runs[(d, lag, "low")], runs[(d, lag, "high")])
        assert np.array_equal(runs[(d, lag, "low")], runs[(d, "", "default")])
    for col in ("difference", "diff_low", "diff_high", "p_first", "p_second"):
        assert rows.loc[(lag, "low"), col] == rows.loc[(lag, "high"), col] == rows.loc[("", "default"), col]
    cost = "payoffs.base_cost_major"
    assert not np.array_equal(runs[(comparison.first, cost, "low")], runs[(comparison.first, cost, "high")])
    assert rows.loc[(cost, "low"), "p_first"] > rows.loc[(cost, "high"), "p_first"]  # cheaper war, more of it


@pytest.mark.slow
@pytest.mark.needs("sensitivity")
def test_screening_gives_zero_to_an_outcome_label_and_moves_with_a_payoff():
    """war.stall_weeks only decides how a war ends, never whether the first one starts: no escalation changes."""
    factors = _factors("war.stall_weeks", "payoffs.base_cost_major")
    settings = design.Settings(samples=4, replicates=6)
    # the control visits its low end (a renewed war at half its cost: about a third of runs escalate)
    assert (design.morris_sample(factors, settings.samples, settings.master_seed)[:, 1] == 0).any()
    with executor(1) as ex:
        table, meta = study.screen(factors, design.COMPARISONS, settings, ex)
    assert list(table.columns) == list(study.SCREENING_COLUMNS)
    assert meta["points"] == 4 * 3 and meta["runs"] == 12 * 4 * 6
    label = table[table["factor"] == "war.stall_weeks"]
    assert (label["mu_star"] == 0).all() and (label["pairs_changed"] == 0).all() and (label["mu"] == 0).all()
    cost = table[table["factor"] == "payoffs.base_cost_major"]
    assert (cost["pairs_changed"] > 0).any()
    assert sorted(table.groupby("comparison")["rank"].apply(list).iloc[0]) == [1, 2]


@pytest.mark.slow
def test_draws_apply_per_replicate_and_a_varied_factor_overrides_them():
    comparison = design.COMPARISONS[2]
    cost = "payoffs.base_cost_major"
    factors = _factors(cost)
    settings = design.Settings(confirm_replicates=16)
    draws = design.draw_tuples([{cost: 3.75, "payoffs.gain_major": 7.5}, {cost: 11.25}])
    with executor(1) as ex:
        _, plain = study.confirm(factors, [comparison], {comparison.name: [cost]}, settings, ex)
        _, drawn = study.confirm(factors, [comparison], {comparison.name: [cost]}, settings, ex, draws=draws)
    d = comparison.first
    assert not np.array_equal(plain[(d, "", "default")], drawn[(d, "", "default")])  # the draws act
    assert drawn[(d, "", "default")][0::2].mean() > drawn[(d, "", "default")][1::2].mean()  # k % 2 picks the draw
    # at an end the study's value of the cost wins over the draw's; the draw's other value stays
    with executor(1) as ex:
        _, only_gain = study.confirm(factors, [comparison], {comparison.name: [cost]}, settings, ex,
                                 draws=design.draw_tuples([{"payoffs.gain_major": 7.5}, {}]))
    for end in ("low", "high"):
        assert np.array_equal(drawn[(d, cost, end)], only_gain[(d, cost, end)])
    with pytest.raises(Exception, match="constants and uncertainties only"):
        design.check_draws(design.draw_tuples([{"force.posture": "forward"}]))


def test_sign_flip_rules():
    def row(factor, end, diff, lo, hi, verdict):
        return {"comparison": "c", "factor": factor, "group": "constant", "screening_rank": 1, "end": end,
                "value": 1.0, "pairs": 400, "p_first": 0.1, "p_second": 0.1 - diff, "difference": diff,
                "diff_low": lo, "diff_high": hi, "both": 0, "only_first": 40, "only_second": int(round(40 - 400 * diff)),
                "verdict": verdict}
    base_undecided = row("", "default", 0.01, -0.01, 0.03, "undecided")
    table = pd.DataFrame([base_undecided,
                          row("a", "low", -0.05, -0.08, -0.02, "first safer"),      # other side: flips
                          row("a", "high", 0.05, 0.02, 0.08, "first riskier"),      # same side: decides
                          row("b", "low", 0.0, -0.02, 0.02, "undecided"),           # nothing
                          row("b", "high", 0.0, -0.02, 0.02, "undecided")])
    flips = study.sign_flips(table)
    assert list(flips.columns) == list(study.SIGN_FLIP_COLUMNS)
    assert list(zip(flips["factor"], flips["end"], flips["effect"])) == [("a", "low", "flips"), ("a", "high", "decides")]
    decided = pd.DataFrame([row("", "default", 0.05, 0.02, 0.08, "first riskier"),
                            row("a", "low", 0.01, -0.01, 0.03, "undecided"),
                            row("a", "high", -0.05, -0.08, -0.02, "first safer")])
    flips = study.sign_flips(decided)
    assert list(zip(flips["end"], flips["effect"])) == [("low", "undecides"), ("high", "flips")]
