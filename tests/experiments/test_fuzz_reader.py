"""Property-based fuzzing (Hypothesis) of analyze's reader of runs.csv: a damaged file gives a clear
error naming it (exit 2) or a table that can be analysed, never another exception.

Bounded like tests/config/test_fuzz.py: a few dozen derandomised examples, each with a deadline.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="fuzzing needs Hypothesis: pip install -e '.[dev]'")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.config import ConfigError  # noqa: E402
from sim.errors import UsageError  # noqa: E402
from sim.experiments.reading import load_sweep  # noqa: E402
from sim.experiments.tables import escalation_summary, paired_differences  # noqa: E402

FUZZ = settings(max_examples=25, deadline=10_000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --- analyze's reader of runs.csv --------------------------------------------------------------

RUNS = textwrap.dedent("""\
    run_id,design_point,replicate,scenario,seed,horizon_weeks,escalated,escalation_week,survival_weeks,violations_probe,violations_limited,violations_major,ukraine_violations,detected,false_alarms,attributed_correctly,misattributed
    0,0,0,a,11,52,False,,52,3,0,0,1,2,0,1,0
    1,0,1,a,12,52,True,30.0,30,5,1,1,0,4,1,2,1
    100000,1,0,b,11,52,True,10.0,10,1,0,1,0,1,0,1,0
    100001,1,1,b,12,52,False,,52,0,0,0,2,1,0,0,1
    """)

edits = st.lists(st.tuples(
    st.sampled_from(["cut", "cell", "drop_line", "dup_line", "insert", "drop_column"]),
    st.integers(0, 10_000), st.one_of(st.sampled_from(["", "x", "-1", "1e309", "True", "nan", "9" * 30, '"',
                                                       "\x00", ",", "\n"]), st.text(max_size=6))),
    max_size=3)


def _mutate(text: str, ops: list[tuple[str, int, str]]) -> str:
    for op, n, s in ops:
        lines = text.splitlines(keepends=True) or [""]
        i = n % len(lines)
        if op == "cut":
            text = text[: n % (len(text) + 1)]
        elif op == "cell":
            cells = lines[i].rstrip("\n").split(",")
            cells[n % len(cells)] = s
            lines[i] = ",".join(cells) + "\n"
            text = "".join(lines)
        elif op == "drop_line":
            text = "".join(lines[:i] + lines[i + 1:])
        elif op == "dup_line":
            text = "".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])
        elif op == "insert":
            text = text[: n % (len(text) + 1)] + s + text[n % (len(text) + 1):]
        else:
            rows = [line.rstrip("\n").split(",") for line in lines]
            k = n % max(1, len(rows[0]))
            text = "".join(",".join(c for j, c in enumerate(r) if j != k) + "\n" for r in rows)
    return text


@FUZZ
@given(ops=edits)
def test_analyze_reader(folder, ops):
    sweep = folder / "sweep"
    sweep.mkdir(exist_ok=True)
    (sweep / "runs.csv").write_bytes(_mutate(RUNS, ops).encode("utf-8", "surrogateescape"))
    try:
        runs, design, manifest, params = load_sweep(sweep)
    except (ConfigError, UsageError) as exc:
        assert "runs.csv" in str(exc)
        return
    # Whatever is accepted can be analysed.
    summary = escalation_summary(runs, ["design_point"])
    assert len(summary) == runs["design_point"].nunique()
    paired_differences(runs, int(design["design_point"].iloc[0]))
