"""The parameter catalogue as a strategist reads it: every lever, uncertainty and constant of the
typed schema (``sim.config.schema``) with its range, unit, default, clause and source, filtered by
kind, clause or words (``python -m sim levers``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np

from sim.config.datafiles import FORCE_CONTRIBUTIONS, read_table
from sim.config.parameters import ParameterSpec, parameter_catalogue
from sim.config.scenarios import data_file_path

KINDS = ("lever", "uncertainty", "constant", "fitted")
LISTING_COLUMNS = ("path", "kind", "allowed", "unit", "default", "clause", "source", "description")


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()  # lever, uncertainty, constant, fitted (a fitted constant)
    clauses: tuple[str, ...] = ()  # G0..G5, C1, P1 (a parameter matches if it names one of them)
    words: tuple[str, ...] = ()  # every word must appear in the path, description, unit or source


def _kind(spec: ParameterSpec) -> str:
    return "fitted" if spec.fitted else spec.role


def _default(spec: ParameterSpec) -> str:
    value = spec.default
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)) and len(str(value)) > 40:
        return f"({len(value)} entries)"
    return str(value)


def _matches(spec: ParameterSpec, f: Filters) -> bool:
    kind = _kind(spec)
    if f.kinds and not (kind in f.kinds or ("constant" in f.kinds and kind == "fitted")):
        return False
    if f.clauses:
        named = {c.strip().upper() for c in spec.clause.replace("/", ",").split(",") if c.strip()}
        if not named & {c.upper() for c in f.clauses}:
            return False
    text = " ".join([spec.path, spec.description, spec.unit, spec.source, spec.clause]).lower()
    return all(w.lower() in text for w in f.words)


def select(f: Filters) -> list[ParameterSpec]:
    """The parameters that pass the filters, in the schema's order."""
    return [s for s in parameter_catalogue().values() if _matches(s, f)]


def _description(spec: ParameterSpec) -> str:
    if spec.path == "force.size":  # a multiplier means little without the troops it multiplies
        return f"{spec.description} 1 = {size_in_troops(1.0)} at the central reading of the pledges."
    return spec.description


def rows(specs: Iterable[ParameterSpec]) -> list[dict[str, str]]:
    return [{"path": s.path, "kind": _kind(s), "allowed": s.allowed, "unit": s.unit, "default": _default(s),
             "clause": s.clause, "source": s.source, "description": _description(s)} for s in specs]


def as_csv(specs: Iterable[ParameterSpec]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(LISTING_COLUMNS), lineterminator="\n")
    w.writeheader()
    w.writerows(rows(specs))
    return buf.getvalue()


def as_text(specs: list[ParameterSpec], *, width: int = 100) -> str:
    """Two lines a parameter: path, kind, what it allows, default, clause; then its meaning and source."""
    if not specs:
        return ""
    path_w = min(44, max(len(s.path) for s in specs))
    out = []
    for r in rows(specs):
        head = f"{r['path']:<{path_w}}  {r['kind']:<11}  {r['clause'] or '-':<6}  {r['allowed']}; default {r['default']}"
        out.append(head)
        source = "" if r["source"] == "assumption" else f" Source: {r['source']}."
        text = (r["description"] + (" (an assumption)" if r["source"] == "assumption" else source)).strip()
        out.append("    " + _wrap(text, width - 4, "    "))
    return "\n".join(out)


def _wrap(text: str, width: int, indent: str) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return f"\n{indent}".join(lines)


def counts() -> dict[str, int]:
    out = dict.fromkeys(KINDS, 0)
    for s in parameter_catalogue().values():
        out[_kind(s)] = out.get(_kind(s), 0) + 1
    return out


@lru_cache(maxsize=8)
def pledged_troops(level: float | None = None) -> int:
    """Troops of the Multinational Force at force.size 1: every contributor's pledge (the US aside: it offers
    support, not a contingent) read at ``level`` of its low-high range (default: the schema's
    force.contribution_level), as the force is built (``sim.agents.force``)."""
    cat = parameter_catalogue()
    level = float(cat["force.contribution_level"].default if level is None else level)
    table = read_table(data_file_path(str(cat["force.contributions_file"].default)), FORCE_CONTRIBUTIONS)
    table = table[table["iso3"] != "USA"]
    low, high = table["troops_low"].to_numpy(float), table["troops_high"].to_numpy(float)
    return int(np.floor(low + level * (high - low) + 0.5).sum())


def size_in_troops(size: float, level: float | None = None) -> str:
    """'about 12,200 troops' for a force.size multiplier (rounded to the hundred)."""
    if size == 0:
        return "no force"
    return f"about {round(size * pledged_troops(level), -2):,.0f} troops"
