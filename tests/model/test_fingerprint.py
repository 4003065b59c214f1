"""Outputs unchanged by refactoring: the fingerprint of tests/fingerprint.py still holds."""

import pytest

from tests.fingerprint import SENSITIVITY, compute, compute_sensitivity, stored

UPDATE = ("if the model or the analysis was meant to change, run `python -m tests.fingerprint --update` "
          "and say why in the commit")


@pytest.mark.slow
def test_outputs_and_their_analysis_keep_their_fingerprint():
    now = compute()
    before = {k: v for k, v in stored().items() if k != SENSITIVITY}
    assert now["scenarios"]["runs"] >= 200
    assert now == before, "outputs changed; " + UPDATE


@pytest.mark.slow
@pytest.mark.needs("sensitivity")
def test_sensitivity_indices_keep_their_fingerprint():
    assert compute_sensitivity() == stored()[SENSITIVITY], "sensitivity.csv changed; " + UPDATE
