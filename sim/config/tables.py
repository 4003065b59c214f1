"""Data tables of the scenario library: declared columns, checked on reading.

Each table is declared once (column, type, allowed range or values); a bad file
gives a ConfigError naming the file, the line, the column and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.config.errors import ConfigError, Problem


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # "text", "int", "float", "bool01", "date", "choice"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool01":
            return "0 or 1"
        if self.kind == "date":
            return "a date YYYY-MM-DD"
        if self.kind == "text":
            return "a non-empty text"
        what = "a whole number" if self.kind == "int" else "a number"
        return f"{what} from {self.low} to {self.high}" if self.low is not None else what


TABLES: dict[str, tuple[Col, ...]] = {
    "members": (
        Col("name", "text"), Col("iso3", "text"), Col("region", "choice", choices=("europe", "non_europe")),
        Col("borders_russia", "bool01"), Col("framework_nation", "bool01"),
        Col("defence_spending_usd_bn", "float", 0.0, 2000.0), Col("gdp_usd_bn", "float", 0.001, 40000.0),
        Col("mnf_land", "bool01"), Col("mnf_air", "bool01"), Col("mnf_sea", "bool01"),
        Col("ratification_lag_weeks", "float", 0.0, 520.0),
        Col("ratification_failure_probability", "float", 0.0, 1.0),
    ),
    "elections": (
        Col("iso3", "text"), Col("country", "text"), Col("date", "date"),
        Col("office", "choice", choices=("legislative", "presidential", "midterm")),
        Col("date_status", "choice", choices=("fixed", "expected")),
        Col("p_government_change", "float", 0.0, 1.0), Col("resolve_shift", "float", -1.0, 1.0),
        Col("source", "text"),
    ),
    "force_contributions": (
        Col("iso3", "text"), Col("country", "text"), Col("land_troops", "int", 0, 200000),
        Col("combat_aircraft", "int", 0, 1000), Col("ships", "int", 0, 200),
        Col("basing", "choice", choices=("rear", "outside", "forward")),
        Col("status", "choice", choices=("pledged", "reported", "assumption")), Col("source", "text"),
    ),
}


def read_table(path: Path, kind: str) -> pd.DataFrame:
    """Read and check one data table; raises ConfigError."""
    cols = TABLES[kind]
    where = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError.single(where, f"{kind} data file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.single(where, f"cannot read the {kind} data file: {exc}") from None
    lines = raw.splitlines()
    header_line = next((i + 1 for i, t in enumerate(lines) if t.strip() and not t.lstrip().startswith("#")), 1)
    try:
        import io
        table = pd.read_csv(io.StringIO(raw), comment="#", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ConfigError.single(where, f"not a readable CSV table: {exc}".splitlines()[0]) from None
    missing = [c.name for c in cols if c.name not in table.columns]
    if missing:
        raise ConfigError.single(where, f"missing columns: {', '.join(missing)}", line=header_line,
                                 allowed="columns " + ", ".join(c.name for c in cols))
    if len(table) == 0:
        raise ConfigError.single(where, "no rows", allowed="one row per entry after the header")
    problems: list[Problem] = []
    data_lines = [i + 1 for i, t in enumerate(lines) if t.strip() and not t.lstrip().startswith("#")][1:]
    out = {}
    for c in cols:
        values = table[c.name].str.strip()
        parsed = []
        for row, text in enumerate(values):
            value, ok = _parse(c, text)
            if not ok:
                line = data_lines[row] if row < len(data_lines) else None
                problems.append(Problem(where, f"bad value in row {row + 1}", line, c.name, given=text,
                                        has_given=True, allowed=c.allowed))
            parsed.append(value)
        out[c.name] = parsed
        if len(problems) >= 10:
            break
    if problems:
        raise ConfigError(problems)
    frame = pd.DataFrame(out)
    for c in cols:
        if c.kind in ("float",):
            frame[c.name] = frame[c.name].astype(float)
        elif c.kind in ("int",):
            frame[c.name] = frame[c.name].astype("int64")
        elif c.kind == "bool01":
            frame[c.name] = frame[c.name].astype(bool)
    return frame


def _parse(c: Col, text: str) -> tuple[object, bool]:
    if c.kind == "text":
        return text, bool(text)
    if c.kind == "choice":
        return text, text in c.choices
    if c.kind == "date":
        try:
            return pd.Timestamp(text).date().isoformat(), len(text) == 10
        except (ValueError, TypeError):
            return None, False
    if c.kind == "bool01":
        return text == "1", text in ("0", "1")
    try:
        v = int(text) if c.kind == "int" else float(text)
    except ValueError:
        return None, False
    if c.kind == "float" and v != v:  # NaN
        return None, False
    if c.low is not None and not (c.low <= v <= c.high):
        return v, False
    return v, True
