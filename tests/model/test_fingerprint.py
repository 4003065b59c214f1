"""Outputs unchanged by refactoring: the fingerprint of tests/fingerprint.py still holds."""

import pytest

from tests.fingerprint import compute, stored


@pytest.mark.slow
def test_outputs_keep_their_fingerprint():
    now, before = compute(), stored()
    assert now["scenarios"]["runs"] >= 200
    assert now == before, ("outputs changed; if the model was meant to change, run "
                           "`python -m tests.fingerprint --update` and say why in the commit")
