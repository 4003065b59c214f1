"""Columnar results (Parquet, the optional ``parquet`` extra: pyarrow) and ``load``, the loader
researchers otherwise write by hand.

A sweep always streams CSV: a run is done once its runs.csv line is on disk, which is what
``--resume`` and the analysis read. The experiment's ``outputs.format`` (or ``sweep
--format``) then decides what the finished folder holds:

* ``csv`` (the default): runs.csv, steps.csv, events.csv, for a plain ``pd.read_csv``;
* ``parquet``: runs.parquet, steps.parquet, events.parquet, typed as docs/OUTPUTS.md declares
  (dates as dates, switches as booleans); runs.csv is kept (it is small, and it is the
  record ``analyze`` and ``--resume`` read), steps.csv and events.csv are removed once their
  Parquet copy is written;
* ``both``: every CSV and its Parquet copy.

The conversion streams (a batch of rows at a time, one row group each), so memory stays flat
for any size, and writes each file under a temporary name first: nothing is lost if it stops.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from sim.errors import UsageError
from sim.outfolder import record_files
from sim.outputs import EVENT_COLUMNS, RUN_COLUMNS, STEP_COLUMNS, Column

FORMATS = ("csv", "parquet", "both")
TABLES = ("runs", "steps", "events")
BLOCK_BYTES = 16 << 20  # CSV read per batch (one Parquet row group): memory stays flat
COMPRESSION = "zstd"

# The columns of a sweep's runs.csv before its parameters (docs/OUTPUTS.md).
_SWEEP_COLUMNS: dict[str, Column] = {"design_point": ("int64", "", ""), "replicate": ("int64", "", ""),
                                     "posterior_draw": ("int64", "", "")}
DECLARED: dict[str, dict[str, Column]] = {"runs": {**_SWEEP_COLUMNS, **RUN_COLUMNS}, "steps": STEP_COLUMNS,
                                          "events": EVENT_COLUMNS}


def _pyarrow() -> tuple[Any, Any, Any]:
    """pyarrow, its csv and parquet modules."""
    try:
        # the optional [parquet] extra: imported only when Parquet is asked for
        import pyarrow
        from pyarrow import csv, parquet
    except ImportError:
        raise UsageError("Parquet output needs pyarrow: pip install 'paris-guarantees-sim[parquet]' "
                         "(or keep outputs.format: csv)") from None
    return pyarrow, csv, parquet


def parquet_available() -> bool:
    try:
        _pyarrow()
    except UsageError:
        return False
    return True


def _arrow_type(pa: Any, dtype: str, unit: str) -> Any:
    if unit == "date":
        return pa.date32()
    return {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_(), "object": pa.string()}[dtype]


def to_parquet(csv_path: Path, table: str, *, keep_csv: bool = True) -> Path:
    """Convert one of a sweep's CSV files to Parquet beside it (typed as declared); returns the new path.

    Columns not declared (a sweep's parameters) keep the type pyarrow infers from the text.
    """
    pa, pacsv, pq = _pyarrow()

    declared = DECLARED[table]
    with csv_path.open("r", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(",")
    types = {c: _arrow_type(pa, declared[c][0], declared[c][1]) for c in header if c in declared}
    target = csv_path.with_suffix(".parquet")
    tmp = target.with_name(target.name + ".tmp")
    reader = pacsv.open_csv(csv_path, read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES),
                            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True,
                                                                 quoted_strings_can_be_null=True))
    writer = None
    try:
        for batch in reader:
            if writer is None:
                writer = pq.ParquetWriter(tmp, batch.schema, compression=COMPRESSION)
            writer.write_batch(batch)
        if writer is None:  # a header and no rows
            schema = reader.schema
            writer = pq.ParquetWriter(tmp, schema, compression=COMPRESSION)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, target)
    if not keep_csv:
        csv_path.unlink()
    return target


def convert_folder(folder: Path, fmt: str) -> list[str]:
    """Give a finished sweep folder the format ``fmt`` (FORMATS); returns the files written."""
    if fmt not in FORMATS:
        raise UsageError(f"outputs format {fmt!r}: allowed {', '.join(FORMATS)}")
    if fmt == "csv":
        return []
    tables = [t for t in TABLES if (folder / f"{t}.csv").is_file()]
    record_files(folder, [f"{t}.parquet" for t in tables], format=fmt)  # claimed before written
    # runs.csv stays: it is the record of what is done (analyze, --resume)
    return [to_parquet(folder / f"{t}.csv", t, keep_csv=fmt == "both" or t == "runs").name for t in tables]


# --- loading --------------------------------------------------------------------------------

@dataclass
class SweepData:
    """A sweep folder as DataFrames, ready to analyse (``load``)."""

    runs: pd.DataFrame  # one row a run: design point label and parameters joined, dates parsed
    steps: pd.DataFrame | None  # one row a run and week, with the run's design point, replicate, parameters
    events: pd.DataFrame | None  # one row an event, idem
    design_points: pd.DataFrame | None
    manifest: dict[str, Any]
    parameters: list[str]


def read_table(folder: Path, table: str, columns: Iterable[str] | None = None) -> pd.DataFrame | None:
    """One of runs, steps, events: from Parquet when the folder has it, else the CSV; dates parsed."""
    parquet, csv = folder / f"{table}.parquet", folder / f"{table}.csv"
    cols = list(columns) if columns is not None else None
    if parquet.is_file():
        _pyarrow()
        frame = pd.read_parquet(parquet, columns=cols)
        for c, (_, unit, _) in DECLARED[table].items():
            if unit == "date" and c in frame:
                frame[c] = pd.to_datetime(frame[c])
        return frame
    if csv.is_file():
        dates = [c for c, (_, unit, _) in DECLARED[table].items() if unit == "date"]
        frame = pd.read_csv(csv, usecols=cols, float_precision="round_trip", low_memory=False)
        for c in dates:
            if c in frame:
                frame[c] = pd.to_datetime(frame[c], format="%Y-%m-%d")
        return frame
    return None


def load(folder: str | os.PathLike, *, steps: bool = True, events: bool = True,
         step_columns: Iterable[str] | None = None) -> SweepData:
    """Read a sweep folder (CSV or Parquet, whichever it holds) into ready-made frames.

    ``runs`` gains the design point's ``label`` and ``scenario``; ``steps`` and ``events`` gain
    the run's ``design_point``, ``replicate`` (and ``posterior_draw``) and parameter columns;
    every date column is a datetime. ``step_columns``: read only these columns of steps
    (Parquet reads them alone, fast). Raises UsageError when the folder holds no runs.
    """
    folder = Path(folder)
    runs = read_table(folder, "runs")
    if runs is None:
        raise UsageError(f"{folder}: no runs.csv or runs.parquet here; give the folder a sweep wrote")
    manifest: dict[str, Any] = {}
    if (folder / "manifest.json").is_file():
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    design = pd.read_csv(folder / "design_points.csv") if (folder / "design_points.csv").is_file() else None
    first_value = list(RUN_COLUMNS)[1]  # 'scenario': parameters sit between the sweep's columns and it
    keys = [c for c in ("run_id", *_SWEEP_COLUMNS) if c in runs.columns]
    params = [c for c in runs.columns[: list(runs.columns).index(first_value)] if c not in keys]
    if design is not None and "design_point" in runs:
        runs = runs.merge(design[["design_point", "label"]], on="design_point", how="left")
    join = runs[keys + params]

    def with_run(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        return frame.merge(join, on="run_id", how="left", validate="many_to_one")

    step_cols = None if step_columns is None else list(dict.fromkeys(["run_id", "week", *step_columns]))
    return SweepData(runs=runs, steps=with_run(read_table(folder, "steps", step_cols)) if steps else None,
                     events=with_run(read_table(folder, "events")) if events else None, design_points=design,
                     manifest=manifest, parameters=params)
