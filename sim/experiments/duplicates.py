"""Design points that are the same design: run once, with a note.

A grid crosses every value of every lever, but some values switch others off: a force of size 0
(or no force) has no posture and no rules of engagement. Only the force is collapsed for now: it is
the case the grids of the shipped questions meet.
Two points that differ only in levers switched off are one design, and running both would only
spend runs and show two rows where there is one answer. ``collapse`` keeps the first of them and
says which were merged into it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

# (parameter, the value that switches others off, the prefix of what it switches off, why)
SWITCHES: tuple[tuple[str, Any, str, str], ...] = (
    ("force.size", 0.0, "force.", "no force: its posture and other settings do nothing"),
    ("force.enabled", False, "force.", "no force: its posture and other settings do nothing"),
)


def _value(path: str, values: dict[str, Any], base: Any) -> Any:
    if path in values:
        return values[path]
    section, _, key = path.partition(".")
    return getattr(getattr(base, section, None), key, None)


def canonical(values: dict[str, Any], base: Any) -> tuple[tuple[tuple[str, Any], ...], str]:
    """The values that decide the design (those switched off dropped), and why any were dropped."""
    off: set[str] = set()
    why = ""
    for path, value, prefix, reason in SWITCHES:
        v = _value(path, values, base)
        same_kind = isinstance(v, bool) == isinstance(value, bool)  # False is not a size of 0
        if v is not None and same_kind and v == value:
            dropped = {p for p in values if p.startswith(prefix) and p != path}
            if dropped:
                off |= dropped
                why = why or reason
    return tuple(sorted((p, _frozen(v)) for p, v in values.items() if p not in off)), why


def _frozen(v: Any) -> Any:
    """A level as a key: lists (binding_levels: [limited, major]) and mappings made hashable."""
    if isinstance(v, (list, tuple)):
        return tuple(_frozen(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _frozen(x)) for k, x in v.items()))
    return v


def collapse(points: Sequence[Any], params: Sequence[str], bases: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """(the points with duplicates removed and renumbered, one note per merged point)."""
    seen: dict[tuple, Any] = {}
    kept, notes = [], []
    for p in points:
        values = dict(zip(params, p.values))
        key, why = canonical(values, bases[p.scenario_ref])
        first = seen.get((p.scenario_ref, key))
        if first is not None:
            notes.append(f"{p.label} is the same design as {first.label} ({why}): run once, as {first.label}")
            continue
        seen[(p.scenario_ref, key)] = p
        kept.append(p)
    if not notes:
        return list(points), []
    return [replace(p, id=i) for i, p in enumerate(kept)], notes
