"""Plots and the printed table: design labels are distinct and never cut."""

from __future__ import annotations

import pandas as pd

from tests.helpers import write


def test_design_labels_are_distinct_and_never_cut(tmp_path):
    from sim.experiments import plots
    from sim.experiments.config import load_experiment
    from sim.experiments.tables import headline

    path = write(tmp_path, "labels.yaml", """
        design: grid
        levers:
          monitoring.coverage: [0.25, 0.5]
          force.posture: [rear, forward]
          commitments.automaticity: [0.1234561, 0.1234562]
        replications: 2
        """)
    exp = load_experiment(path)
    labels = [p.label for p in exp.points]
    assert len(set(labels)) == len(labels) == 8
    long = [f"coverage=0.25, posture=rear, size=0.5, automaticity={a}, lag_multiplier=1" for a in (0.1, 0.2, 0.3)]
    assert len({plots.short_label(lab) for lab in long}) == 3
    assert all(plots.short_label(lab).replace(",\n", ", ") == lab for lab in long)
    summary = pd.DataFrame({"design_point": [0, 1, 2], "label": long, "runs": [5] * 3, "p_escalation": [0.2] * 3,
                            "p_low": [0.1] * 3, "p_high": [0.3] * 3, "median_weeks": [float("nan")] * 3,
                            "median_low": [float("nan")] * 3, "median_high": [float("nan")] * 3,
                            "horizon_weeks": [260] * 3})
    text = headline(summary)
    assert all(lab in text for lab in long)
