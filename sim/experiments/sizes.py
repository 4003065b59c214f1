"""How much a sweep leaves on disk, by format: the size ``sweep`` prints and ``--max-gb`` caps.

Bytes a run writes, measured on sweeps of the shipped scenarios (260 weeks, steps and events
on; 30 and 120 runs of every scenario, 20 of the declaration, 2026-12): a runs.csv line is
about 335 bytes and 14 a parameter; a steps.csv row 240 bytes; events.csv about 360 bytes a
week (1.7 to 1.9 events a week, more in war). Parquet (zstd, one row group per 16 MB of CSV)
adds a fixed footer and schema per file and compresses steps about 7x and events about 11x.
CSV sizes vary little (within 10% across those sweeps); Parquet's vary with the content: a
steps row took 31 to 34 bytes in sweeps of several scenarios, but 52 in one of the
declaration alone (two design points, coverage 0.2 and 0.8), where the estimate is 30% low.
tests/experiments/test_columnar.py checks every format within 20% on a sweep of its own.
Analysis files (summary, differences, plots) are small beside these.
"""

from __future__ import annotations

from typing import Any

# format -> (runs: fixed, per run, per parameter cell; steps: fixed, per row; events: fixed, per run-week)
CSV = {"runs": (0, 335, 14), "steps": (0, 240), "events": (0, 360)}
PARQUET = {"runs": (26_000, 95, 4), "steps": (15_000, 34), "events": (31_000, 31)}


def step_rows(weeks: int, period: int) -> int:
    """Rows of steps.csv a run writes: every ``period``-th week, and always the last one."""
    sampled = len(range(0, weeks, period))
    return sampled + (1 if (weeks - 1) % period else 0)


def table_bytes(table: str, fmt: str, runs: int, *, parameters: int = 0, weeks: int = 260,
                step_period: int = 1) -> int:
    """Estimated bytes of one table (runs, steps or events) in one format (csv or parquet)."""
    sizes = CSV if fmt == "csv" else PARQUET
    if table == "runs":
        fixed, per_run, per_cell = sizes["runs"]
        return fixed + runs * (per_run + per_cell * parameters)
    fixed, per = sizes[table]
    units = step_rows(weeks, step_period) if table == "steps" else weeks
    return fixed + runs * units * per


def estimate_bytes(exp: Any, runs: int, fmt: str = "csv") -> int:
    """About how much a sweep of ``runs`` runs of ``exp`` leaves on disk in ``fmt`` (csv, parquet, both).

    ``parquet`` keeps runs.csv beside runs.parquet; ``both`` keeps every CSV and its copy.
    """
    weeks = exp.horizon_weeks or 260
    tables = ["runs"] + (["steps"] if exp.outputs.steps else []) + (["events"] if exp.outputs.events else [])
    kw = dict(parameters=len(exp.parameters), weeks=weeks, step_period=exp.outputs.step_period)
    total = 0
    for table in tables:
        if fmt in ("csv", "both") or table == "runs":
            total += table_bytes(table, "csv", runs, **kw)
        if fmt in ("parquet", "both"):
            total += table_bytes(table, "parquet", runs, **kw)
    return total
