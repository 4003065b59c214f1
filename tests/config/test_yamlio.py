"""The YAML reader: hostile files fail at once with a message (aliases, nesting, size, devices)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import ROOT, write


def billion_laughs(folder: Path) -> Path:
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return write(folder, "laughs.yaml", "\n".join(lines) + "\n")


def test_billion_laughs_fails_at_once(tmp_path):
    path = billion_laughs(tmp_path)
    assert path.stat().st_size < 500  # the was 342 bytes
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "laughs.yaml" in proc.stderr and "aliases" in proc.stderr and "at most" in proc.stderr
    assert time.monotonic() - started < 30


def test_billion_laughs_run_and_recursive_alias(tmp_path, bad_input):
    err = bad_input("run", billion_laughs(tmp_path), "--out", tmp_path / "o")
    assert "aliases" in err and not (tmp_path / "o").exists()
    err = bad_input("validate", write(tmp_path, "rec.yaml", "monitoring: &m\n  coverage: *m\n"))
    assert "rec.yaml:1" in err and "alias" in err


def test_too_many_aliases(tmp_path, bad_input):
    text = "x: &x 1\nlist: [" + ", ".join(["*x"] * 150) + "]\n"
    err = bad_input("validate", write(tmp_path, "many.yaml", text))
    assert "more than 100 aliases" in err and "many.yaml:2" in err


def test_deep_nesting_and_size(tmp_path, bad_input):
    err = bad_input("validate", write(tmp_path, "deep.yaml", "monitoring: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "deep.yaml:1" in err and "nested more than" in err
    big = write(tmp_path, "big.yaml", "description: '" + "x" * 1_100_000 + "'\n")
    err = bad_input("validate", big)
    assert "too large" in err and "at most 1,000,000 bytes" in err


def test_not_a_regular_file_does_not_block(bad_input):
    for path in ("/dev/zero", "/dev/null"):
        if Path(path).exists():
            err = bad_input("validate", path)
            assert f"{path}: is a device, not a scenario file" in err and "allowed: a regular .yaml file" in err
