"""Design points and replicates: grids, Latin hypercubes, Sobol sequences, adaptive stopping.

Pure functions of the experiment: the same file gives the same design points,
the same seeds and the same stopping decisions on any machine.
"""

from __future__ import annotations

import inspect
import itertools
import math
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import numpy as np
from scipy.stats import qmc

from sim.experiments.statistics import newcombe_paired_interval, wilson_half_width


@dataclass(frozen=True)
class Dimension:
    """One varied parameter and how it is sampled."""

    path: str
    role: str  # 'lever' or 'uncertainty'
    kind: str  # 'bool', 'int', 'float', 'choice', 'structured' (from the catalogue)
    values: tuple[Any, ...] = ()  # discrete values (grid, or sampled uniformly)
    low: float | None = None  # continuous range (lhs/sobol)
    high: float | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def from_unit(self, u: float) -> Any:
        """Map u in [0, 1) to a value: uniform over the range or over the listed values."""
        if not self.is_range:
            return self.values[min(len(self.values) - 1, int(u * len(self.values)))]
        lo, hi = self.low, self.high
        if self.kind == "int":  # every whole number in [lo, hi] equally likely
            return int(min(hi, math.floor(lo + u * (hi - lo + 1))))
        return round_sig(lo + u * (hi - lo))


def round_sig(x: float, digits: int = 6) -> float:
    """Round to significant digits so runs.csv shows exactly what was simulated."""
    return float(f"{x:.{digits}g}")


def grid(dimensions: Sequence[Dimension]) -> list[tuple[Any, ...]]:
    """Every combination, the first dimension varying slowest."""
    return list(itertools.product(*(d.values for d in dimensions)))


def unit_sample(kind: str, n: int, d: int, seed: int) -> np.ndarray:
    """n points in [0, 1)^d: Latin hypercube or scrambled Sobol, seeded."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x1E5]))
    if kind == "lhs":
        sampler = qmc.LatinHypercube(d=d, rng=rng) if _has_rng_kw(qmc.LatinHypercube) \
            else qmc.LatinHypercube(d=d, seed=rng)
    elif kind == "sobol":
        sampler = qmc.Sobol(d=d, scramble=True, rng=rng) if _has_rng_kw(qmc.Sobol) \
            else qmc.Sobol(d=d, scramble=True, seed=rng)
    else:
        raise ValueError(kind)
    return sampler.random(n)


def _has_rng_kw(cls: type) -> bool:
    return "rng" in inspect.signature(cls).parameters


def saltelli(n: int, d: int, seed: int) -> np.ndarray:
    """Saltelli's scheme for first and total Sobol indices (SALib's layout, second order off).

    A and B are the two halves of a scrambled Sobol sequence in 2d dimensions; each of the
    n blocks is A, AB_1, ..., AB_d, B (AB_i: A with column i from B): n * (d + 2) rows,
    in the order SALib's ``sobol.analyze(..., calc_second_order=False)`` expects.
    """
    base = unit_sample("sobol", n, 2 * d, seed)
    a, b = base[:, :d], base[:, d:]
    rows = np.empty((n, d + 2, d))
    rows[:, 0] = a
    for i in range(d):
        rows[:, 1 + i] = a
        rows[:, 1 + i, i] = b[:, i]
    rows[:, d + 1] = b
    return rows.reshape(n * (d + 2), d)


def sampled(kind: str, dimensions: Sequence[Dimension], n: int, seed: int) -> list[tuple[Any, ...]]:
    """lhs: n Latin-hypercube points; sobol: Saltelli's scheme on n base samples (n * (d + 2) points)."""
    u = saltelli(n, len(dimensions), seed) if kind == "sobol" else unit_sample(kind, n, len(dimensions), seed)
    n = len(u)
    return [tuple(dim.from_unit(float(u[i, j])) for j, dim in enumerate(dimensions)) for i in range(n)]


# --- replicates ----------------------------------------------------------------------

RUN_ID_STRIDE = 100_000  # run_id = design_point * RUN_ID_STRIDE + replicate


def run_id(design_point: int, replicate: int) -> int:
    return design_point * RUN_ID_STRIDE + replicate


@dataclass(frozen=True)
class ReplicationRule:
    """Fixed count, or adaptive: batches until a 95% interval is narrow enough.

    ``on="p"``: the Wilson interval of the point's own P(escalation). ``on="difference"``: the
    Newcombe paired interval of its difference from the reference design point (``reference``),
    the precision a comparison needs at low risks, where a fixed half-width of P stops every
    point long before a difference of a point or two can show; the reference then runs as many
    replicates as the point that needs most, so every point stays paired with it.
    """

    initial: int
    batch: int = 0
    half_width: float | None = None
    cap: int = 0
    on: str = "p"  # "p" or "difference"
    reference: int | None = None

    @property
    def adaptive(self) -> bool:
        return self.half_width is not None

    def next_target(self, n: int, escalations: int) -> int:
        """Replicates wanted once the first n are all done (n when the point is finished)."""
        if not self.adaptive or n >= self.cap or wilson_half_width(escalations, n) <= self.half_width:
            return n
        return min(self.cap, n + self.batch)

    def next_target_paired(self, n: int, both: int, only_point: int, only_reference: int) -> int:
        """The same for the difference rule, from the n pairs' 2x2 table against the reference."""
        if not self.adaptive or n >= self.cap:
            return n
        lo, hi = newcombe_paired_interval(both, only_point, only_reference, n - both - only_point - only_reference)
        if (hi - lo) / 2 <= self.half_width:
            return n
        return min(self.cap, n + self.batch)

    def next_targets(self, targets: Sequence[int], escalated: Sequence[set[int]]) -> list[int]:
        """Every point's next target, from the replicates below its target that escalated."""
        esc = [{r for r in e if r < t} for e, t in zip(escalated, targets)]
        if self.on != "difference" or self.reference is None or not self.adaptive:
            return [self.next_target(n, len(e)) for n, e in zip(targets, esc)]
        ref = self.reference
        out = []
        for dp, (n, e) in enumerate(zip(targets, esc)):
            if dp == ref:
                out.append(n)
                continue
            r = {x for x in esc[ref] if x < n}
            both = len(e & r)
            out.append(self.next_target_paired(n, both, len(e) - both, len(r) - both))
        out[ref] = max(out)  # the reference keeps pace with the point that needs most
        return out


class ReplicateScheduler:
    """Which replicate of which design point runs next, in rounds.

    Round one hands out replicates 0..initial-1 of every design point, round-robin
    (replicate k of every point before k + 1), so a partial sweep is balanced. An adaptive
    rule then decides, for every point at once and from the results only, which points
    need another batch; the next round hands those batches out, and so on. Nothing of a
    round is handed out before the previous round is recorded, so the order of ``take``
    depends on the results only, never on which worker finished first: a sweep writes its
    rows in this order, the same for any executor and any number of workers, and a resumed
    sweep continues the very same sequence. Memory is O(design points), not O(runs).
    """

    def __init__(self, n_points: int, rule: ReplicationRule,
                 done: dict[int, dict[int, bool]] | None = None) -> None:
        self.rule = rule
        self.n_points = n_points
        self._done = done or {}
        self.target = [rule.initial] * n_points
        self.start = [0] * n_points  # first replicate of the current round, per point
        # Replay the rounds whose every replicate is already on disk (resume).
        while self._all_done() and self._next_targets() != self.target:
            self.start, self.target = self.target, self._next_targets()
        self.finished = [sum(1 for r in self._done.get(dp, {}) if r < self.target[dp]) for dp in range(n_points)]
        # the replicates that escalated, per point (O(escalations)): what the adaptive rule reads
        self.escalated = [{r for r, e in self._done.get(dp, {}).items() if r < self.target[dp] and e}
                          for dp in range(n_points)]
        self.outstanding = 0
        self._round = self._round_tasks()

    def _all_done(self) -> bool:
        return all(all(r in self._done.get(dp, {}) for r in range(self.start[dp], self.target[dp]))
                   for dp in range(self.n_points))

    def _next_targets(self) -> list[int]:
        return self.rule.next_targets(self.target, [{r for r, e in self._done.get(dp, {}).items() if e}
                                                    for dp in range(self.n_points)])

    def _round_tasks(self) -> Iterator[tuple[int, int]]:
        width = max((t - s for s, t in zip(self.start, self.target)), default=0)
        for k in range(width):
            for dp in range(self.n_points):
                rep = self.start[dp] + k
                if rep < self.target[dp] and rep not in self._done.get(dp, ()):
                    yield dp, rep

    @property
    def planned(self) -> int:
        return sum(self.target)

    @property
    def completed(self) -> int:
        return sum(self.finished)

    def take(self) -> tuple[int, int] | None:
        """The next (design_point, replicate) to run, or None if nothing is runnable now."""
        while True:
            nxt = next(self._round, None)
            if nxt is not None:
                self.outstanding += 1
                return nxt
            if self.outstanding or not self._advance():
                return None

    def _advance(self) -> bool:
        """Start the next round once every replicate of this one is recorded; False when all are done."""
        new = self.rule.next_targets(self.target, self.escalated)
        if new == self.target:
            return False
        self.start, self.target = self.target, new
        self._done = {}
        self._round = self._round_tasks()
        return True

    @property
    def escalations(self) -> list[int]:
        return [len(e) for e in self.escalated]

    def record(self, dp: int, escalated: bool, replicate: int) -> None:
        self.finished[dp] += 1
        if escalated:
            self.escalated[dp].add(replicate)
        self.outstanding -= 1
