"""Replicates: fixed round robin, adaptive stages that stop at the half-width, common random numbers."""

from __future__ import annotations

import numpy as np

from sim.experiments.design import ReplicateScheduler, ReplicationRule, run_id
from sim.experiments.statistics import newcombe_paired_interval, wilson_half_width


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
        sched.record(dp, rng.random() < p[dp], rep)
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


def _paired_outcomes(k: int) -> dict[int, bool]:
    """Replicate k's outcome in three designs sharing its seed: the reference escalates 2% of the time,
    design 1 never (a real 2-point effect), design 2 at 2% independently of the reference."""
    rng = np.random.default_rng(1000 + k)
    u, v = rng.random(), rng.random()
    return {0: bool(u < 0.02), 1: False, 2: bool(v < 0.02)}


def _drive(sched: ReplicateScheduler, log: list | None = None) -> dict[int, int]:
    counts = {}
    while (t := sched.take()) is not None:
        dp, rep = t
        esc = _paired_outcomes(rep)[dp]
        sched.record(dp, esc, rep)
        counts[dp] = max(counts.get(dp, 0), rep + 1)
        if log is not None:
            log.append((dp, rep, esc))
    return counts


def _table(sched: ReplicateScheduler, dp: int, ref: int, n: int) -> tuple[int, int, int, int]:
    a = {r for r in sched.escalated[dp] if r < n}
    b = {r for r in sched.escalated[ref] if r < n}
    both = len(a & b)
    return both, len(a) - both, len(b) - both, n - len(a | b)


def test_the_difference_rule_resolves_low_risks_a_fixed_half_width_of_p_does_not():
    """At a 2% base rate, a half-width of 0.04 on P stops every point at once and cannot tell a 2-point
    effect; stopping on the paired difference (half-width 0.01) runs on until it is resolved."""
    on_p = ReplicateScheduler(3, ReplicationRule(initial=100, batch=100, half_width=0.04, cap=3000))
    assert _drive(on_p) == {0: 100, 1: 100, 2: 100}
    lo, hi = newcombe_paired_interval(*_table(on_p, 1, 0, 100))
    assert lo < 0 < hi  # not resolved

    rule = ReplicationRule(initial=100, batch=100, half_width=0.01, cap=3000, on="difference", reference=0)
    sched = ReplicateScheduler(3, rule)
    counts = _drive(sched)
    assert counts[0] == max(counts.values())  # the reference keeps pace: every point stays paired
    for dp in (1, 2):
        n = counts[dp]
        lo, hi = newcombe_paired_interval(*_table(sched, dp, 0, n))
        assert n == 3000 or (hi - lo) / 2 <= 0.01, (dp, n, lo, hi)
    lo, hi = newcombe_paired_interval(*_table(sched, 1, 0, counts[1]))
    assert hi < 0, "the 2-point effect is resolved"
    assert counts[1] > 100 and counts[2] > 100


def test_the_difference_rule_resumes_the_same_sequence():
    rule = ReplicationRule(initial=50, batch=50, half_width=0.015, cap=1000, on="difference", reference=0)
    log: list = []
    whole = ReplicateScheduler(3, rule)
    _drive(whole, log)
    # Killed after 60% of the runs: what is on disk is the runs written so far, in order.
    cut = int(0.6 * len(log))
    done: dict[int, dict[int, bool]] = {}
    for dp, rep, esc in log[:cut]:
        done.setdefault(dp, {})[rep] = esc
    resumed = ReplicateScheduler(3, rule, done)
    rest: list = []
    _drive(resumed, rest)
    assert sorted((d, r) for d, r, _ in log[cut:]) == sorted((d, r) for d, r, _ in rest)
    assert resumed.target == whole.target
