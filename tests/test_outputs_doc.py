"""docs/OUTPUTS.md is generated from the column tables (sim/outputs_doc.py)."""

from __future__ import annotations

from tests.helpers import ROOT


def test_outputs_doc_is_up_to_date():
    from sim.outputs_doc import render

    assert (ROOT / "docs" / "OUTPUTS.md").read_text(encoding="utf-8") == render(), (
        "docs/OUTPUTS.md is stale: run `python -m sim.outputs_doc > docs/OUTPUTS.md`")
