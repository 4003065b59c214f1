"""The typed schema: every parameter has a role, a unit, a clause and a source."""

from __future__ import annotations


def test_every_parameter_has_unit_role_clause_and_source():
    from sim.config import parameter_catalogue
    cat = parameter_catalogue()
    assert len(cat) > 150
    for path, spec in cat.items():
        assert spec.role in ("lever", "uncertainty", "constant"), path
        assert spec.unit, path
        assert spec.clause in ("P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1", "A"), path
        assert spec.source, path
