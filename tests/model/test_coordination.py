"""The coordination cell (C1) shortens the time from detection to response."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import with_overrides
from sim.ladder import Action
from sim.model import DeterrenceModel
from sim.runner import simulate
from tests.model.drive import PARIS, make


@pytest.mark.parametrize("deliberation,response", [(3, 2), (6, 4), (10, 8)])
def test_cell_shortens_total_response_delay(deliberation, response):
    over = {"commission.deliberation_weeks": deliberation, "commitments.response_delay_weeks": response}
    with_cell = make({**over, "coordination_cell.enabled": True})
    without = make({**over, "coordination_cell.enabled": False})
    assert with_cell.russia.outlook.total_response_delay() < without.russia.outlook.total_response_delay()
    assert without.russia.outlook.total_response_delay() == PARIS.monitoring.latency_weeks + deliberation + response


def test_cell_shortens_observed_detection_to_response():
    delays = {True: [], False: []}
    medians = {True: [], False: []}
    for enabled in (True, False):
        sc = with_overrides(PARIS, {"coordination_cell.enabled": enabled})
        for seed in range(24):
            model = DeterrenceModel(sc, seed, collect_steps=False, record_events=False).run()
            # Every response comes exactly the expected delay after its violation (an offensive: at once).
            outlook = model.russia.outlook
            assert set(model.responses.delays) <= {outlook.total_response_delay(Action.PROBE),
                                                   outlook.total_response_delay(Action.LIMITED)}
            delays[enabled] += model.responses.delays
            run = simulate(sc, seed, steps=False, events=False).run
            medians[enabled].append(run["median_response_delay_weeks"])
    assert len(delays[True]) > 50 and len(delays[False]) > 50
    assert np.median(delays[True]) < np.median(delays[False])
    serious = {enabled: [d for d in delays[enabled] if d > PARIS.commitments.response_delay_weeks]
               for enabled in delays}  # the serious violations' chain: deliberated
    assert max(serious[True]) < min(serious[False])
    paired = [(a, b) for a, b in zip(medians[True], medians[False]) if a is not None and b is not None]
    assert len(paired) >= 10
    # Runs diverge after their first decision, so a run's mix of violations (a limited offensive's
    # response is not deliberated) can differ between the designs and tie the medians: the cell never
    # lengthens a run's median response and shortens it in at least three runs of four.
    assert all(a <= b for a, b in paired), paired
    assert sum(a < b for a, b in paired) >= 0.75 * len(paired), paired
