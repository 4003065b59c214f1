"""Writing result files: one CSV cell format, whole-file atomic writes, manifests.

Every CSV the tool writes formats its cells with ``csv_cell``: the same value gives the same
bytes whichever command, executor or process wrote it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import platform
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from sim.provenance import git_state


def csv_cell(v: Any, decimals: int | None = None, *, exact: bool = False) -> Any:
    """One CSV cell: empty for None and NaN, True/False, whole numbers as they are, floats rounded to
    10 decimals (``decimals=6``: six fixed decimals; ``exact``: the shortest text that reads back as
    the very same float, e.g. ``2.3e-10``: the analysis tables), lists and mappings as compact JSON
    (a varied parameter's value), anything else as it is."""
    if v is None or (isinstance(v, (float, np.floating)) and math.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        if exact:
            return repr(float(v))
        return f"{float(v):.{decimals}f}" if decimals is not None else repr(round(float(v), 10))
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, separators=(",", ":"))
    return v


def csv_rows(rows: Iterable[Iterable[Any]], header: list[str] | None = None) -> str:
    """CSV text (``\\n`` line ends) of ``rows``, every cell through ``csv_cell``; ``header`` first if given."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow(header)
    for r in rows:
        w.writerow([csv_cell(v) for v in r])
    return buf.getvalue()


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV file: the header, then the rows."""
    return csv_rows(rows, header)


def atomic_write(path: Path, text: str) -> None:
    """Write a whole file or nothing: a crash never leaves half a file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def git_commit() -> str | None:
    """The commit of the clone this code runs from; None for an installed wheel (not an error)."""
    return git_state()[0]


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("mesa", "numpy", "pandas", "pydantic", "pyyaml", "scipy", "lifelines", "SALib", "dask",
                "paris-guarantees-sim"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def write_manifest(path: Path, content: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(content, indent=2, sort_keys=False, default=str) + "\n")
