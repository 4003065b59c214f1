"""Reading a sweep folder, checked: ``runs.csv``, ``design_points.csv``, ``manifest.json``.

A damaged file raises ConfigError naming the file, the line, the column, the value given and
what is allowed, before anything is written from it; a folder with no ``runs.csv`` is a
UsageError. Both exit with code 2.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import ConfigError, Problem
from sim.errors import UsageError
from sim.experiments.tables import VIOLATION_COLUMNS
from sim.outputs import RUN_COLUMNS

_DECLARED_EXTRA = {"design_point": ("int64", "", ""), "replicate": ("int64", "", ""),
                   "posterior_draw": ("int64", "", "")}
# The runs.csv columns the analysis reads (the others are carried along unchecked).
RUNS_READ = ("scenario", "horizon_weeks", "escalated", "survival_weeks", *VIOLATION_COLUMNS, "detected",
             "false_alarms", "attributed_correctly", "misattributed")
_ALLOWED = {"int64": "a whole number", "float64": "a number or an empty cell", "bool": "True or False",
            "object": "text"}


def _bad(path: Path, message: str, line: int | None = None, key: str = "", given: Any = None,
         has_given: bool = False, allowed: str = "") -> Exception:
    return ConfigError([Problem(str(path), message, line, key, given, allowed, has_given)])


def read_runs(path: Path, *, partial: bool = False, notes: list[str] | None = None) -> pd.DataFrame:
    """runs.csv checked against its declared columns (``sim.outputs.RUN_COLUMNS``).

    Raises ConfigError naming the file, line, column, the value given and what is allowed.
    ``partial``: an unfinished sweep, whose last line may be torn by a kill (it is skipped).
    """
    path = Path(path)
    allowed_file = "runs.csv as `python -m sim sweep` or `run` writes it"
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4096)
            f.seek(max(0, size - 1))
            last = f.read(1)
    except OSError as exc:
        raise _bad(path, f"cannot read the file ({exc.strerror})") from None
    if b"\x00" in head:
        raise _bad(path, "binary, not a CSV file", allowed=allowed_file)
    try:
        runs = pd.read_csv(path, low_memory=False, encoding="utf-8", on_bad_lines="error")
    except pd.errors.EmptyDataError:
        raise _bad(path, "empty: no header and no runs", allowed=allowed_file) from None
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise _bad(path, f"not a well-formed CSV file ({str(exc).split('. ', 1)[-1].strip()})",
                   int(m.group(1)) if m else None,
                   allowed="one cell per column on every line, as in the header") from None
    except UnicodeDecodeError as exc:
        raise _bad(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})", allowed=allowed_file) from None
    except (ValueError, OverflowError, MemoryError) as exc:
        raise _bad(path, f"cannot be read as a table ({exc})", allowed=allowed_file) from None
    torn = partial and size and last != b"\n" and len(runs)
    if torn:
        runs = runs.iloc[:-1]  # the line a kill cut short; --resume runs it again
        if notes is not None:
            notes.append("skipped the last line of runs.csv, cut short when the sweep was stopped")
    short = _short_line(path, len(runs.columns), skip_last=bool(torn))
    if short is not None:  # pandas fills a line with too few cells with NaN: a cut line, not data
        line, cells = short
        raise _bad(path, f"a line with {cells} cells where the header has {len(runs.columns)} (cut short?)", line,
                   allowed="one cell per column on every line, as in the header")
    header = [str(c) for c in runs.columns]
    dups = [c for c in header if c.endswith(".1") and c[:-2] in header]
    missing = [c for c in RUNS_READ if c not in runs.columns]
    if missing or dups:
        raise _bad(path, "missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing) if missing
                   else f"column {dups[0][:-2]} named twice", 1,
                   allowed="the columns of docs/OUTPUTS.md (runs.csv)")
    if runs.empty:
        raise _bad(path, "no runs yet; nothing to analyse", 1)
    declared = {**_DECLARED_EXTRA, **{c: RUN_COLUMNS[c] for c in RUNS_READ}}
    for col, (dtype, _unit, _doc) in declared.items():
        if col not in runs.columns:
            continue
        got = str(runs[col].dtype)
        if dtype == "bool" and got == "int64" and runs[col].isin([0, 1]).all():
            runs[col] = runs[col].astype(bool)  # 0/1 read as False/True
            continue
        ok = (got == dtype or (dtype == "float64" and got in ("int64", "float64"))
              or (dtype == "object"))
        if not ok:
            line, cell = _first_bad_cell(path, col, dtype)
            raise _bad(path, "not the declared type", line, col, cell, cell is not None, _ALLOWED[dtype])
        if dtype == "float64":
            runs[col] = runs[col].astype("float64")
        elif dtype == "object":
            runs[col] = runs[col].astype(str).where(runs[col].notna(), None)
    checks = [("horizon_weeks", runs["horizon_weeks"] >= 1, "a whole number, 1 or more"),
              ("survival_weeks", (runs["survival_weeks"] >= 0) & (runs["survival_weeks"] <= runs["horizon_weeks"]),
               "a whole number from 0 to horizon_weeks")]
    for col in ("design_point", "replicate", "posterior_draw"):
        if col in runs.columns:
            checks.append((col, runs[col] >= 0, "a whole number, 0 or more"))
    for col, good, allowed in checks:
        if not good.all():
            i = int(np.flatnonzero(~good.to_numpy())[0])
            raise _bad(path, "out of range", _line_of_row(path, i), col, runs[col].iloc[i], True, allowed)
    if {"design_point", "replicate"} <= set(runs.columns):
        twice = runs.duplicated(["design_point", "replicate"])
        if twice.any():
            i = int(np.flatnonzero(twice.to_numpy())[0])
            raise _bad(path, f"design point {runs['design_point'].iloc[i]}, replicate "
                             f"{runs['replicate'].iloc[i]} appears twice", _line_of_row(path, i), "replicate",
                       allowed="one run per design point and replicate")
    return runs


def _short_line(path: Path, cells: int, *, skip_last: bool) -> tuple[int, int] | None:
    """(file line, cells) of the first data line with fewer than ``cells`` cells, if any."""
    found = None
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        for row in reader:
            if row and len(row) < cells:
                if found is None:
                    found = (reader.line_num, len(row))
            elif row and found is not None:
                return found  # a short line before the last
    if found is not None and skip_last:
        return None  # the torn last line of an unfinished sweep, already dropped
    return found


def _line_of_row(path: Path, index: int) -> int | None:
    """File line of data row ``index`` (pandas skips blank lines)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        n = -1
        for row in reader:
            if row:
                n += 1
                if n == index:
                    return reader.line_num
    return None


def _first_bad_cell(path: Path, col: str, dtype: str) -> tuple[int | None, Any]:
    """Line and text of the first cell of ``col`` that is not a ``dtype``."""
    pattern = {"int64": r"[-+]?\d+", "bool": r"True|False|true|false|TRUE|FALSE|0|1"}.get(dtype)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        if col not in header:
            return None, None
        i = header.index(col)
        for row in reader:
            if not row:
                continue
            cell = row[i] if i < len(row) else ""
            if dtype == "float64":
                try:
                    float(cell) if cell.strip() else None
                    continue
                except ValueError:
                    return reader.line_num, cell
            if pattern and not re.fullmatch(pattern, cell.strip()):
                return reader.line_num, cell
    return None, None


def _read_table(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise _bad(path, f"cannot be read as the {what} ({str(exc).strip()[:200]})",
                   allowed=f"{path.name} as the tool writes it") from None


def load_sweep(directory: Path, notes: list[str] | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], list[str]]:
    """runs.csv, design_points.csv (derived when absent), manifest.json ({} when absent), params.

    Every file is checked first: a damaged one raises ConfigError (file, line, column, value,
    what is allowed) before anything is written.
    """
    directory = Path(directory)
    runs_path = directory / "runs.csv"
    if not runs_path.is_file():
        raise UsageError(f"{directory}: no runs.csv here; give the folder a sweep wrote "
                           f"(e.g. results/quick/)")
    manifest: dict[str, Any] = {}
    if (directory / "manifest.json").is_file():
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise _bad(directory / "manifest.json", f"not valid JSON ({exc})",
                       allowed="the manifest the tool writes (or remove it)") from None
        if not isinstance(manifest, dict):
            raise _bad(directory / "manifest.json", "not a JSON object", allowed="the manifest the tool writes")
    runs = read_runs(runs_path, partial=manifest.get("status") == "partial", notes=notes)
    if "design_point" not in runs:  # a single `python -m sim run` folder, or runs of several scenarios
        if "replicate" in runs:
            raise _bad(runs_path, "has replicate but no design_point column", 1)
        runs.insert(1, "design_point", pd.factorize(runs["scenario"], sort=True)[0])
        runs.insert(2, "replicate", runs.groupby("design_point").cumcount())
    elif "replicate" not in runs:
        raise _bad(runs_path, "has design_point but no replicate column", 1)
    dp_path = directory / "design_points.csv"
    if dp_path.is_file():
        design = _read_table(dp_path, "design points")
        for col in ("design_point", "label", "scenario"):
            if col not in design.columns:
                raise _bad(dp_path, f"missing column {col}", 1, allowed="design_point, label, scenario, parameters")
        if str(design["design_point"].dtype) != "int64" or design["design_point"].duplicated().any():
            raise _bad(dp_path, "design_point must be whole numbers, each once", key="design_point")
        design["label"] = design["label"].astype(str)
        design["scenario"] = design["scenario"].astype(str)
        unknown = sorted(set(runs["design_point"]) - set(design["design_point"]))
        if unknown:
            raise _bad(runs_path, f"design point {unknown[0]} is not in design_points.csv", key="design_point",
                       given=unknown[0], has_given=True, allowed="the design points listed in design_points.csv")
    else:
        design = runs.drop_duplicates("design_point")[["design_point", "scenario"]].copy()
        design.insert(1, "label", design["scenario"])
    fixed = {"design_point", "label", "scenario"}
    params = [c for c in design.columns if c not in fixed]
    design = design.sort_values("design_point").reset_index(drop=True)
    return runs, design, manifest, params
