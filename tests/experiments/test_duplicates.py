"""Grid points that are one design run once: a force of size 0 (or none) has no posture."""

from __future__ import annotations

from sim.experiments.config import load_experiment
from tests.helpers import write


def test_a_force_of_size_0_at_rear_and_forward_is_one_design_point(tmp_path):
    exp = load_experiment(write(tmp_path, "f.yaml", """
        scenarios: paris_declaration
        design: grid
        levers:
          force.size: [0.0, 1.0]
          force.posture: [rear, forward]
          monitoring.coverage: [0.5, 1.0]
        reference: {force.size: 1.0, force.posture: rear, monitoring.coverage: 0.5}
        replications: 2
        """))
    labels = [p.label for p in exp.points]
    assert len(labels) == 6  # 8 less the two size-0 forward points
    assert [p.id for p in exp.points] == list(range(6))
    assert not any("size=0" in lab and "forward" in lab for lab in labels)
    assert len(exp.collapsed) == 2 and all("same design as" in n and "no force" in n for n in exp.collapsed)
    assert exp.points[exp.reference].label == "size=1, posture=rear, coverage=0.5"
    assert exp.manifest()["collapsed"] == list(exp.collapsed)


def test_different_designs_are_kept(tmp_path):
    exp = load_experiment(write(tmp_path, "g.yaml", """
        scenarios: paris_declaration
        design: grid
        levers:
          force.size: [0.5, 1.0]
          force.posture: [rear, forward]
        replications: 2
        """))
    assert len(exp.points) == 4 and exp.collapsed == ()
    assert "collapsed" not in exp.manifest()


def test_list_valued_levers_are_compared_as_values():
    """A grid over a list-valued lever (commitments.binding_levels) loads: its levels are keys too."""
    from sim.experiments.config import load_experiment

    exp = load_experiment("experiments/questions/limited_attack.yaml")
    assert len(exp.points) == 12 and not exp.collapsed
