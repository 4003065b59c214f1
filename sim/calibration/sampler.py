"""pyabc's MappingSampler with one seed per particle slot (imported only when pyabc is installed).

pyabc's own mapping sampler reseeds every slot from the operating system's entropy, so a run
is never repeated. Here slot i of generation t gets ``slot_seed(master, t, i)``: the same
generation is drawn whatever the map (a process pool of any size, Dask, this process).
"""

from __future__ import annotations

import functools
import random
from typing import Any, Callable, Sequence

import numpy as np
from pyabc.sampler import MappingSampler


def slot_seed(master_seed: int, t: int, slot: int) -> int:
    """The seed of one particle slot of generation t (t = -1: pyabc's calibration sample)."""
    return int(np.random.SeedSequence([master_seed, t + 2, slot]).generate_state(1, np.uint32)[0])


class SeededMappingSampler(MappingSampler):
    def __init__(self, map_: Callable[[Callable, Sequence], Any], master_seed: int) -> None:
        super().__init__(map_=map_)
        self.master_seed = master_seed

    def __getstate__(self):  # what a worker needs (not the map itself)
        return (*super().__getstate__(), self.master_seed)

    def __setstate__(self, state):
        super().__setstate__(state[:-1])
        self.master_seed = state[-1]

    def seeded_slot(self, payload: bytes, seed: int) -> tuple[Any, int]:
        """Sample until one particle is accepted, from this slot's seed."""
        simulate_one = self.unpickle(payload)
        np.random.seed(seed)
        random.seed(seed)
        n = 0
        sample = self._create_empty_sample()
        while True:
            new = simulate_one()
            n += 1
            sample.append(new)
            if new.accepted:
                return sample, n

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                ana_vars=None):
        payload = self.pickle(simulate_one)
        seeds = [slot_seed(self.master_seed, t, i) for i in range(n)]
        results = list(self.map_(functools.partial(self.seeded_slot, payload), seeds))
        samples, evals = zip(*results)
        self.nr_evaluations_ = int(sum(evals))
        sample = self._create_empty_sample()
        for s in samples:
            sample += s
        return sample
