"""Replicates: fixed round robin, adaptive stages that stop at the half-width, common random numbers."""

from __future__ import annotations

import numpy as np

from sim.experiments.design import ReplicateScheduler, ReplicationRule, run_id
from sim.experiments.statistics import wilson_half_width


def test_fixed_replicates_round_robin():
    sched = ReplicateScheduler(3, ReplicationRule(initial=2))
    order = []
    while (t := sched.take()) is not None:
        order.append(t)
    assert order == [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)]
    assert sched.planned == 6


def test_adaptive_replicates_stop_at_half_width():
    rule = ReplicationRule(initial=20, batch=20, half_width=0.1, cap=200)
    sched = ReplicateScheduler(2, rule)
    rng = np.random.default_rng(1)
    p = {0: 0.0, 1: 0.5}  # a point that never escalates stops at once; a coin flip needs ~100
    counts = {0: 0, 1: 0}
    while (t := sched.take()) is not None:
        dp, rep = t
        assert rep == counts[dp]
        counts[dp] += 1
        sched.record(dp, rng.random() < p[dp])
    assert counts[0] == 20
    assert 80 <= counts[1] <= 120 and counts[1] % 20 == 0
    assert wilson_half_width(sched.escalations[1], counts[1]) <= 0.1
    assert wilson_half_width(0, 20) <= 0.1 < wilson_half_width(10, 20)


def test_adaptive_resume_replays_stages():
    rule = ReplicationRule(initial=4, batch=4, half_width=0.2, cap=12)
    # Stage 4 done (2 escalations: too wide), stage 8 half done.
    done = {0: {0: True, 1: False, 2: True, 3: False, 5: True, 7: False}}
    sched = ReplicateScheduler(1, rule, done)
    assert sched.target == [8]
    assert [sched.take(), sched.take(), sched.take()] == [(0, 4), (0, 6), None]


def test_common_random_numbers_share_seeds():
    from sim.runner import replicate_seed

    seeds = [replicate_seed(20260106, k) for k in range(50)]
    assert len(set(seeds)) == 50
    assert replicate_seed(20260106, 3) == seeds[3]
    assert run_id(2, 5) == 200005
