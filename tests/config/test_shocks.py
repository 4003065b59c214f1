"""Dated shocks are validated like every other key: file, line, key and what is allowed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.config import ConfigError, load_scenario

BAD_SHOCKS = {
    "unknown_key": ("  - week: 10\n    set:\n      united_states.leads_monitorin: false\n",
                    "shocks.0.set.united_states.leads_monitorin", "did you mean"),
    "before_ceasefire": ("  - date: 2026-01-20\n    set:\n      united_states.leads_monitoring: false\n",
                         "shocks.0.date", "before the ceasefire"),
    "after_any_horizon": ("  - date: 2090-01-20\n    set:\n      united_states.leads_monitoring: false\n",
                          "shocks.0.date", "after any horizon"),
    "initial_only": ("  - week: 10\n    set:\n      ukraine.initial_strength: 1.0\n",
                     "shocks.0.set.ukraine.initial_strength", "cannot change later"),
}


@pytest.mark.parametrize("case", sorted(BAD_SHOCKS))
def test_bad_shock_is_rejected_with_file_line_and_key(tmp_path, case):
    body, key, words = BAD_SHOCKS[case]
    path = tmp_path / "bad.yaml"
    path.write_text("extends: paris_declaration\nshocks:\n" + body)
    with pytest.raises(ConfigError) as err:
        load_scenario(path)
    text = str(err.value)
    assert key in text and words in text and "bad.yaml:" in text
    out = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and key in out.stderr
    line = int(out.stderr.split("bad.yaml:")[1].split(":")[0])
    assert 3 <= line <= 6
