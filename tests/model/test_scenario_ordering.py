"""Run-level statistics across designs: the paris design escalates clearly less than Budapest's
assurances, and an Article 5-like guarantee least (400 paired replicates each)."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from sim.config import load_scenario
from sim.runner import replicate_seed, simulate

MASTER_SEED = 2026
N = 400  # replicates per scenario, common random numbers: replicate k has the same seed everywhere
HORIZON = 260
SCENARIOS = ("paris_declaration", "budapest_memorandum", "article5_like")


@pytest.fixture(scope="module")
def escalations() -> dict[str, list[bool]]:
    out = {}
    for name in SCENARIOS:
        sc = load_scenario(name)
        assert sc.horizon_weeks == HORIZON
        out[name] = [bool(simulate(sc, replicate_seed(MASTER_SEED, k), steps=False, events=False).run["escalated"])
                     for k in range(N)]
    return out


@pytest.mark.slow
def test_paris_escalates_clearly_less_than_budapest(escalations):
    paris, budapest = sum(escalations["paris_declaration"]), sum(escalations["budapest_memorandum"])
    p_lo, p_hi = binomtest(paris, N).proportion_ci(method="wilson")
    b_lo, b_hi = binomtest(budapest, N).proportion_ci(method="wilson")
    # Rule: the two Wilson 95% intervals do not overlap (a conservative test of a difference).
    assert p_hi < b_lo, (f"paris {paris}/{N} [{p_lo:.3f}, {p_hi:.3f}] vs "
                         f"budapest {budapest}/{N} [{b_lo:.3f}, {b_hi:.3f}]")


@pytest.mark.slow
def test_article5_like_is_the_lowest(escalations):
    paris = escalations["paris_declaration"]
    art5 = escalations["article5_like"]
    budapest = escalations["budapest_memorandum"]
    assert sum(art5) <= sum(paris) < sum(budapest)
    # The designs share seeds (common random numbers), so the outcomes are paired. Rule: an exact
    # one-sided McNemar (sign) test on the discordant pairs must reject "no difference" at
    # alpha = 0.01 against budapest. Against paris (Model v2: about 1% vs 2% over five years)
    # 400 pairs cannot decide; validate-model judges that pair on more runs.
    b = sum(x and not a for x, a in zip(budapest, art5))
    c = sum(a and not x for x, a in zip(budapest, art5))
    p_value = binomtest(b, b + c, 0.5, alternative="greater").pvalue
    assert p_value < 0.01, (b, c, p_value)
    assert (c - b) / N < -0.2
