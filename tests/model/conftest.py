"""Fixtures of the model tests."""

from __future__ import annotations

import pytest

from sim.runner import simulate
from tests.model.drive import PARIS


@pytest.fixture(scope="session")
def paris_runs():
    """30 full paris_declaration runs with their event logs (seeds 0..29)."""
    return [simulate(PARIS, seed, steps=False) for seed in range(30)]
