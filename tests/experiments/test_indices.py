"""Global sensitivity indices: SALib's Saltelli layout is recognised in a design."""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.indices import saltelli_blocks


@pytest.mark.needs("sensitivity")
def test_saltelli_layout_is_recognised():
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    assert saltelli_blocks(sobol_sample.sample(problem, 8, calc_second_order=False)) is False
    assert saltelli_blocks(sobol_sample.sample(problem, 8, calc_second_order=True)) is True
    assert saltelli_blocks(np.random.default_rng(0).random((40, 3))) is None
