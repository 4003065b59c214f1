"""Plain helpers the tests share: paths, files, the command line in a real process.

Fixtures (an in-process command line, a small finished sweep, a study folder, the ``needs``
marker for optional extras) are in ``tests/conftest.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A small sweep with every output: 2 scenarios x 2 coverages x 6 replicates, 40 weeks, a reference.
SMALL_EXPERIMENT = """
    name: tiny
    scenarios: [paris_declaration, budapest_memorandum]
    design: grid
    levers:
      monitoring.coverage: [0.3, 0.9]
    reference: {scenario: budapest_memorandum, monitoring.coverage: 0.3}
    replications: 6
    horizon_weeks: 40
    master_seed: 7
    outputs: {steps: true, events: true, step_period: 5}
"""

# The smallest sweep worth a folder: one scenario, 2 design points x 3 replicates, 12 weeks.
TINY_EXPERIMENT = """
    name: tiny
    scenarios: [budapest_memorandum]
    design: grid
    levers:
      monitoring.coverage: [0.3, 0.9]
    replications: 3
    horizon_weeks: 12
    """


def write(folder: Path, name: str, text: str) -> Path:
    """``folder/name`` holding ``text`` dedented (YAML written indented in a test reads as written)."""
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sim_process(*args: object, cwd: Path = ROOT, timeout: float = 120,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` in a real process (exit code and streams as a user sees them)."""
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env=env)


def assert_bad_input(proc: subprocess.CompletedProcess) -> str:
    """Exit 2, an explanation on stderr, no traceback; returns stderr."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.stderr.strip(), "bad input must explain itself on stderr"
    return proc.stderr


def line_of(message: str, filename: str) -> int | None:
    """The line number a message gives for ``filename`` (``file.yaml:3: ...``), if any."""
    m = re.search(re.escape(filename) + r":(\d+)", message)
    return int(m.group(1)) if m else None
