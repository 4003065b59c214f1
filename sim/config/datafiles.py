"""Data files (CSV tables the scenarios name), declared once and checked cell by cell.

A table is a ``TableSpec``: its columns, each a ``Col`` with a type, a range or the
allowed values, whether it is required, and a unit. ``read_table(path, SPEC)``
returns a DataFrame with those types or raises ``ConfigError`` naming the file, the
CSV line, the column, the value given and what is allowed. Adding a column is one
line; validating a new file is a spec and a call::

    ELECTIONS = TableSpec("elections data file", (
        Col("iso3", "text", pattern=r"[A-Z]{3}", doc="Member (joins the members file)."),
        Col("next_election_week", "int", ge=0, unit="weeks"),
    ), unique=("iso3",))
    table = read_table(path, ELECTIONS, via="members.elections_file in my.yaml:12")

Lines starting with ``#`` and blank lines are skipped (the files carry their sources
there). Flags are written 0 or 1 (true/false also read); dates YYYY-MM-DD. A spec's ``check``
judges the rows together (e.g. a date before another) once every cell is valid, with the
file's line numbers. ``spec_for_file`` says which table a CSV holds, for ``python -m sim
validate``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal, Mapping

import pandas as pd

from sim.config.errors import ConfigError, Problem, did_you_mean
from sim.config.yamlio import read_text
from sim.ladder import RESPONSE_TYPES

Kind = Literal["text", "int", "float", "flag", "date"]
MAX_DATA_BYTES = 10_000_000
MAX_PROBLEMS = 10  # reported per file; the rest are counted

_FLAGS = {"0": False, "1": True, "false": False, "true": True}
_DTYPES = {"text": object, "int": "int64", "float": "float64", "flag": bool, "date": object}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _real_day(text: str) -> bool:
    """A YYYY-MM month or YYYY-MM-DD day that the calendar has."""
    try:
        dt.date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Col:
    """One column: name, type, and what a cell may hold."""

    name: str
    kind: Kind
    unit: str = ""
    doc: str = ""
    ge: float | None = None  # inclusive bounds
    le: float | None = None
    gt: float | None = None  # exclusive bounds
    lt: float | None = None
    choices: tuple[str, ...] = ()  # allowed values of a text column
    pattern: str = ""  # a regular expression a text cell must match in full
    required: bool = True  # the column must be there and every cell filled
    default: Any = None  # value of an optional column when absent or empty
    calendar: bool = False  # a text date (YYYY-MM or YYYY-MM-DD) that must be a real month or day

    @property
    def allowed(self) -> str:
        if self.kind == "flag":
            text = "0 or 1"
        elif self.kind == "date":
            text = "a calendar date YYYY-MM-DD"
        elif self.choices:
            text = "one of " + ", ".join(self.choices)
        elif self.calendar:
            text = "a real month YYYY-MM" + (" or day YYYY-MM-DD" if "-[0-3]" in self.pattern else "")
        elif self.kind == "text":
            text = f"text matching {self.pattern}" if self.pattern else "text"
        else:
            text = "a whole number" if self.kind == "int" else "a number"
            low = (f"{_num(self.ge)} or more" if self.ge is not None else
                   f"above {_num(self.gt)}" if self.gt is not None else "")
            high = (f"{_num(self.le)} or less" if self.le is not None else
                    f"below {_num(self.lt)}" if self.lt is not None else "")
            if low or high:
                text += ", " + " and ".join(x for x in (low, high) if x)
        if self.unit:
            text += f" ({self.unit})"
        return text if self.required else text + "; may be left empty"

    def parse(self, cell: str) -> tuple[Any, str | None]:
        """(value, None) or (None, what is wrong)."""
        text = cell.strip()
        if not text:
            return (self.default, None) if not self.required else (None, "empty cell")
        if self.kind == "text":
            if self.choices and text not in self.choices:
                return None, "not an allowed value" + did_you_mean(text, self.choices)
            if self.pattern and not re.fullmatch(self.pattern, text):
                return None, "not an allowed value"
            if self.calendar and not _real_day(text):
                return None, "not a date the calendar has"
            return text, None
        if self.kind == "date":
            if not _DATE.fullmatch(text):
                return None, "not a date"
            try:
                return dt.date.fromisoformat(text), None
            except ValueError as exc:
                return None, f"not a date the calendar has ({exc})"
        if self.kind == "flag":
            flag = _FLAGS.get(text.lower())
            return (flag, None) if flag is not None else (None, "not a flag")
        try:
            value: float = int(text) if self.kind == "int" else float(text)
        except ValueError:
            return None, "not a whole number" if self.kind == "int" else "not a number"
        if not math.isfinite(value):
            return None, "not a finite number"
        if ((self.ge is not None and value < self.ge) or (self.le is not None and value > self.le)
                or (self.gt is not None and value <= self.gt) or (self.lt is not None and value >= self.lt)):
            return None, "out of range"
        return value, None


@dataclass(frozen=True)
class TableSpec:
    """A CSV data file: its columns and the checks across rows."""

    what: str  # how errors name the file: "members data file"
    columns: tuple[Col, ...]
    unique: tuple[str, ...] = ()  # columns whose values must differ from row to row
    min_rows: int = 1
    max_rows: int = 100_000
    extra_columns: bool = False  # columns the spec does not declare are an error unless True
    # Checks across the cells of a row or across rows, once every cell is valid:
    # check(file, [(line, {column: value})]) -> problems.
    check: Callable[[str, list[tuple[int, dict[str, Any]]]], list[Problem]] | None = None
    # Country codes checked against the members file: "member" (a Coalition member, or one of
    # ``also``) or "outside" (a state outside the Coalition); "" for none.
    codes: Literal["", "member", "outside"] = ""
    also: tuple[str, ...] = ()

    def column(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


def _num(x: float | None) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


# --- the files -------------------------------------------------------------------------------

_PLEDGEABLE = "(?:{0})(?:;(?:{0}))*".format("|".join(RESPONSE_TYPES))


def _check_members(file: str, rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """Lags in order (low <= mode <= high), and no military response for a neutral member."""
    problems: list[Problem] = []
    for line, row in rows:
        low, mode, high = row["military_lag_low_weeks"], row["military_lag_weeks"], row["military_lag_high_weeks"]
        if not low <= mode <= high:
            problems.append(Problem(file, "military lags out of order", line, "military_lag_weeks",
                                    given=f"low {low:g}, mode {mode:g}, high {high:g}", has_given=True,
                                    allowed="military_lag_low_weeks <= military_lag_weeks <= military_lag_high_weeks"))
        types = row["pledgeable"].split(";")
        if len(set(types)) != len(types):
            problems.append(Problem(file, "a response type named twice", line, "pledgeable", given=row["pledgeable"],
                                    has_given=True, allowed="each of " + ", ".join(RESPONSE_TYPES) + " at most once"))
        if row["neutral"] and "military" in types:
            problems.append(Problem(file, "a neutral member cannot pledge a military response", line, "pledgeable",
                                    given=row["pledgeable"], has_given=True,
                                    allowed="the types without military, or neutral 0"))
    return problems


MEMBERS = TableSpec("members data file", (
    Col("name", "text", doc="Member state."),
    Col("iso3", "text", pattern=r"[A-Z]{3}", doc="ISO 3166-1 alpha-3 code."),
    Col("region", "text", choices=("europe", "non_europe"), doc="European or not."),
    Col("borders_russia", "flag", doc="Land border with Russia or Belarus."),
    Col("framework_nation", "flag", doc="Framework nation of the Multinational Force (G3)."),
    Col("defence_spending_usd_bn", "float", "US$ bn", ge=0, le=5000, doc="Defence spending (SIPRI)."),
    Col("gdp_usd_bn", "float", "US$ bn", gt=0, le=100_000, doc="GDP (IMF WEO)."),
    Col("ratification_lag_weeks", "float", "weeks", ge=0, le=520,
        doc="Time for parliament to approve a binding commitment (G0)."),
    Col("ratification_failure_probability", "float", "probability", ge=0, le=1,
        doc="Chance the national procedure does not ratify a binding commitment (G0)."),
    Col("eu_member", "flag", required=False, default=False,
        doc="Member of the European Union: its sanctions go through the EU package, which needs all 27 (G4)."),
    Col("neutral", "flag", required=False, default=False,
        doc="Constitutional or policy military neutrality: pledges no military response (G0)."),
    Col("troops_need_vote", "flag", required=False, default=False,
        doc="Sending armed forces needs a parliamentary vote, which automaticity does not bypass (G0)."),
    Col("military_lag_weeks", "float", "weeks", ge=0, le=104, required=False, default=0.0,
        doc="Mode of the lag from the government's decision to a military response in effect (the vote)."),
    Col("military_lag_low_weeks", "float", "weeks", ge=0, le=104, required=False, default=0.0,
        doc="Shortest such lag (triangular distribution)."),
    Col("military_lag_high_weeks", "float", "weeks", ge=0, le=104, required=False, default=0.0,
        doc="Longest such lag (triangular distribution)."),
    Col("pledgeable", "text", required=False, default=";".join(RESPONSE_TYPES), pattern=_PLEDGEABLE,
        doc="G4 response types the member can pledge, separated by ';' (its menu is the scenario's menu at a "
            "level intersected with these); empty: all five."),
), unique=("name", "iso3"), check=_check_members)

def _check_elections(file: str, rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """The range of each shift stays on the resolve scale; one election a state a day."""
    problems: list[Problem] = []
    first: dict[tuple[str, str], int] = {}
    for line, row in rows:
        low, high = row["resolve_shift"] - row["resolve_shift_spread"], row["resolve_shift"] + row["resolve_shift_spread"]
        if low < -1.0 or high > 1.0:
            problems.append(Problem(file, f"the range {low:g} to {high:g} leaves the resolve scale", line,
                                    "resolve_shift_spread", given=row["resolve_shift_spread"], has_given=True,
                                    allowed="a spread that keeps resolve_shift +/- spread within -1 and 1"))
        key = (row["iso3"], row["date"])
        if key in first:
            problems.append(Problem(file, f"a second election of {key[0]} on {key[1]} (first at line {first[key]})",
                                    line, "date", given=key[1], has_given=True,
                                    allowed="one row a state and day (a run-off counts once, on its deciding round)"))
        first.setdefault(key, line)
    return problems


ELECTIONS = TableSpec("elections data file", (
    Col("iso3", "text", pattern=r"[A-Z]{3}", doc="Member, or USA (joins the members file)."),
    Col("country", "text", doc="Country name."),
    Col("date", "date", doc="Election day (the deciding round), YYYY-MM-DD."),
    Col("office", "text", choices=("legislative", "presidential", "midterm"), doc="What is elected."),
    Col("date_status", "text", choices=("fixed", "expected", "held"),
        doc="Fixed in law or announced, expected (legal deadline or usual month), or held before the baseline "
            "ceasefire date (its result is part of the initial state)."),
    Col("p_government_change", "float", "probability", ge=0, le=1,
        doc="Chance of a government whose policy on Ukraine differs materially (0 or 1 for a known outcome)."),
    Col("resolve_shift", "float", "resolve", ge=-1, le=1, doc="Expected (central) shift in resolve if it changes."),
    Col("resolve_shift_spread", "float", "resolve", ge=0, le=1, required=False, default=0.0,
        doc="Half-width of the symmetric range of that shift (resolve_shift +/- spread); read through "
            "members.election_shift_level and united_states.election_shift_level; empty or absent: no range."),
    Col("source", "text", doc="Sources, or 'assumption' with a reason."),
), check=_check_elections, codes="member", also=("USA",))

DOMAINS = ("troops", "aircraft", "ships")
BASIS = ("stated", "reported", "assumed", "none")


def _check_contributions(file: str, rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """Each range runs low to high; a row with no evidence or no basing contributes nothing."""
    problems: list[Problem] = []
    for line, row in rows:
        for domain in DOMAINS:
            low, high = row[f"{domain}_low"], row[f"{domain}_high"]
            if low > high:
                problems.append(Problem(file, f"the low end is above the high end ({high})", line, f"{domain}_low",
                                        given=low, has_given=True, allowed=f"at most {domain}_high"))
            if row[f"{domain}_basis"] == "none" and high > 0:
                problems.append(Problem(file, f"basis none with up to {high} {domain}", line, f"{domain}_basis",
                                        given="none", has_given=True,
                                        allowed="stated, reported or assumed for a non-zero range"))
        most = max(row[f"{d}_high"] for d in DOMAINS)
        for column, value in (("status", row["status"]), ("basing", row["basing"])):
            if value == "none" and most > 0:
                problems.append(Problem(file, f"{column} none with a contribution (up to {most})", line, column,
                                        given="none", has_given=True,
                                        allowed="none only on a row whose every range is 0-0"))
    return problems


FORCE_CONTRIBUTIONS = TableSpec("force contributions data file", (
    Col("iso3", "text", pattern=r"[A-Z]{3}", doc="Contributing nation (joins the members file), or USA."),
    Col("country", "text", doc="Country name."),
    Col("status", "text", choices=("pledged", "reported", "assumed", "none"),
        doc="Evidence that it contributes at all: its government said so (pledged), the press or a conditional "
            "statement only (reported), inferred (assumed), nothing found (none)."),
    Col("basing", "text", choices=("rear", "outside", "forward", "none"),
        doc="Where its contribution is based: rear hubs in Ukraine, outside Ukraine, forward, or none."),
    Col("troops_low", "int", "troops", ge=0, le=500_000, doc="Fewest land troops (force.contribution_level 0)."),
    Col("troops_high", "int", "troops", ge=0, le=500_000, doc="Most land troops (force.contribution_level 1)."),
    Col("aircraft_low", "int", "aircraft", ge=0, le=2000, doc="Fewest combat aircraft."),
    Col("aircraft_high", "int", "aircraft", ge=0, le=2000, doc="Most combat aircraft."),
    Col("ships_low", "int", "ships", ge=0, le=500, doc="Fewest naval vessels (mostly mine countermeasures)."),
    Col("ships_high", "int", "ships", ge=0, le=500, doc="Most naval vessels."),
    Col("troops_basis", "text", choices=BASIS, doc="The troops range rests on a number stated by the government, "
                                                   "reported by the press, or assumed (none: 0-0)."),
    Col("aircraft_basis", "text", choices=BASIS, doc="The same for combat aircraft."),
    Col("ships_basis", "text", choices=BASIS, doc="The same for ships."),
    Col("source", "text", doc="Sources, separated by ';'."),
    Col("notes", "text", required=False, default="", doc="What the range means; what is assumption."),
), unique=("iso3",), check=_check_contributions, codes="member", also=("USA",))

def _check_veto_players(file: str, rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """Hold-out lengths in order; a veto and a hold-out are exclusive outcomes of one package."""
    problems: list[Problem] = []
    for line, row in rows:
        if row["hold_out_weeks_low"] > row["hold_out_weeks_high"]:
            problems.append(Problem(file, "hold-out lengths out of order", line, "hold_out_weeks_low",
                                    given=row["hold_out_weeks_low"], has_given=True,
                                    allowed=f"at most hold_out_weeks_high ({row['hold_out_weeks_high']})"))
        if row["p_hold_out"] + row["p_veto"] > 1.0:
            problems.append(Problem(file, "chances of a hold-out and a veto add up to more than 1", line, "p_veto",
                                    given=row["p_veto"], has_given=True,
                                    allowed=f"at most 1 - p_hold_out ({1.0 - row['p_hold_out']:g})"))
    return problems


EU_VETO_PLAYERS = TableSpec("EU veto players data file", (
    Col("iso3", "text", pattern=r"[A-Z]{3}", doc="EU member outside the Coalition."),
    Col("country", "text", doc="Country name."),
    Col("p_hold_out", "float", "probability per package", ge=0, le=1,
        doc="Chance it holds a package up (then agrees), per package."),
    Col("hold_out_weeks_low", "int", "weeks", ge=0, le=104, doc="Shortest hold-out."),
    Col("hold_out_weeks_high", "int", "weeks", ge=0, le=104, doc="Longest hold-out (uniform between)."),
    Col("p_veto", "float", "probability per package", ge=0, le=1,
        doc="Chance it vetoes a package outright (the package is not adopted)."),
    Col("record", "text", doc="The 2022-2026 record the chances come from."),
    Col("source", "text", doc="Sources, or 'assumption' with a reason."),
), unique=("iso3",), min_rows=0, check=_check_veto_players, codes="outside")

KIEL_2022 = TableSpec("2022 response timing file", (
    Col("iso3", "text", pattern=r"[A-Z]{3}", doc="Coalition member."),
    Col("country", "text", doc="Country name."),
    Col("in_kiel", "flag", doc="Covered by the Kiel Institute's Ukraine Support Tracker."),
    Col("kiel_first_military_month", "text", pattern=r"20\d\d-[01]\d", required=False, default="", calendar=True,
        doc="First month with a military allocation in the tracker (YYYY-MM); empty: none."),
    Col("press_first_announcement", "text", pattern=r"20\d\d-[01]\d(-[0-3]\d)?", required=False, default="",
        calendar=True,
        doc="First dated public announcement of military aid found (YYYY-MM-DD, or YYYY-MM); empty: not found."),
    Col("press_source", "text", required=False, default="", doc="Where the announcement was read."),
    Col("press_non_lethal", "flag", required=False, default=False,
        doc="The announcement was of non-lethal aid only (not counted as military)."),
), unique=("iso3",), codes="member")

# The scenario keys that name a data file, and the table each holds.
DATA_FILE_KEYS: dict[tuple[str, str], TableSpec] = {
    ("members", "data_file"): MEMBERS,
    ("members", "elections_file"): ELECTIONS,
    ("force", "contributions_file"): FORCE_CONTRIBUTIONS,
    ("sanctions", "eu_veto_players_file"): EU_VETO_PLAYERS,
}


# --- the history cases (python -m sim validate-history) --------------------------------------

# Data files by their usual name, for `python -m sim validate FILE.csv`.
DATA_FILES: dict[str, TableSpec] = {
    "coalition_members.csv": MEMBERS,
    "elections.csv": ELECTIONS,
    "force_contributions.csv": FORCE_CONTRIBUTIONS,
    "eu_veto_players.csv": EU_VETO_PLAYERS,
    "kiel_2022_response_timing.csv": KIEL_2022,
}


def spec_for_file(path: str | Path, specs: Mapping[str, TableSpec] = DATA_FILES) -> TableSpec:
    """The table a CSV file holds, among ``specs`` (by file name): by its name, else by its header;
    ConfigError if neither tells."""
    path = Path(path)
    if path.name in specs:
        return specs[path.name]
    try:
        text = read_text(path, "data file", max_bytes=MAX_DATA_BYTES)
    except ConfigError:
        raise
    header = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    names = {h.strip() for h in header.split(",")}
    for spec in specs.values():
        if {c.name for c in spec.columns if c.required} <= names <= {c.name for c in spec.columns}:
            return spec
    raise ConfigError.single(str(path), "not a known data file (neither its name nor its header tells which)",
                             allowed="a file named " + ", ".join(specs) + ", or with one of their headers")


# --- reading ---------------------------------------------------------------------------------

def read_table(path: str | Path, spec: TableSpec, *, via: str = "") -> pd.DataFrame:
    """The table in ``path`` checked against ``spec``, typed; ConfigError otherwise.

    ``via`` names what pointed to the file (e.g. "members.data_file in my.yaml:12") and is
    appended to every message. Cached on the file's path, size and modification time.
    """
    path = Path(path)
    try:
        st = path.stat()
        stamp = (st.st_size, st.st_mtime_ns)
    except (OSError, ValueError):
        stamp = None
    try:
        return _read_cached(str(path), stamp, spec).copy()
    except ConfigError as exc:
        if via:
            for p in exc.problems:
                p.via = via
        raise


@lru_cache(maxsize=32)
def _read_cached(path: str, stamp: tuple[int, int] | None, spec: TableSpec) -> pd.DataFrame:
    return _read(Path(path), spec)


def _read(path: Path, spec: TableSpec) -> pd.DataFrame:
    file = str(path)
    text = read_text(path, spec.what, max_bytes=MAX_DATA_BYTES)
    lines = [(i + 1, ln) for i, ln in enumerate(text.splitlines(keepends=True))
             if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise ConfigError.single(file, f"the {spec.what} is empty",
                                 allowed="a header line naming the columns, then one line a row")
    records = _csv_records(lines, file, spec)
    (header_line, header), rows = records[0], records[1:]
    header = [h.strip() for h in header]
    problems: list[Problem] = []
    known = [c.name for c in spec.columns]
    for name in {h for h in header if header.count(h) > 1}:
        problems.append(Problem(file, "column named twice", header_line, name))
    for name in header:
        if name not in known and not spec.extra_columns:
            problems.append(Problem(file, f"unknown column{did_you_mean(name, known)}", header_line, name,
                                    allowed=", ".join(known)))
    for col in spec.columns:
        if col.required and col.name not in header:
            problems.append(Problem(file, "missing column", header_line, col.name, allowed=col.allowed))
    if problems:
        raise ConfigError(problems)
    if len(rows) < spec.min_rows:
        raise ConfigError.single(file, f"no rows: the {spec.what} needs at least {spec.min_rows}",
                                 line=header_line)
    if len(rows) > spec.max_rows:
        raise ConfigError.single(file, f"too many rows ({len(rows):,})", allowed=f"at most {spec.max_rows:,}")
    where = {name: i for i, name in enumerate(header)}
    values: dict[str, list[Any]] = {c.name: [] for c in spec.columns}
    lines_of_rows: list[int] = []
    extra = 0
    for line, cells in rows:
        if len(cells) != len(header):
            _add(problems, Problem(file, f"{len(cells)} cells where the header has {len(header)}", line,
                                   allowed="one cell per column (quote cells that contain commas)"))
            continue
        lines_of_rows.append(line)
        for col in spec.columns:
            if col.name not in where:
                values[col.name].append(col.default)
                continue
            cell = cells[where[col.name]]
            value, wrong = col.parse(cell)
            if wrong:
                if not _add(problems, Problem(file, wrong, line, col.name, given=cell, has_given=True,
                                              allowed=col.allowed)):
                    extra += 1
            values[col.name].append(value)
    if not problems:
        for name in spec.unique:
            first: dict[Any, int] = {}
            for line, v in zip(lines_of_rows, values[name]):
                if v in first:
                    _add(problems, Problem(file, f"repeated (first at line {first[v]})", line, name,
                                           given=v, has_given=True, allowed="a different value on each row"))
                first.setdefault(v, line)
    if not problems and spec.check is not None:
        rows_by_line = [(line, {c.name: values[c.name][i] for c in spec.columns})
                        for i, line in enumerate(lines_of_rows)]
        for problem in spec.check(file, rows_by_line):
            _add(problems, problem)
    if problems:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(file, "... and more problems in this file (the first ones are shown)"))
        raise ConfigError(problems)
    frame = pd.DataFrame({c.name: pd.Series(values[c.name], dtype=_DTYPES[c.kind]) for c in spec.columns})
    frame.attrs["lines"] = list(lines_of_rows)  # the file's line of each row, for checks across files
    return frame


def check_codes(path: str | Path, spec: TableSpec, table: pd.DataFrame, members: pd.DataFrame,
                members_file: str | Path, *, via: str = "") -> None:
    """The country codes of ``table`` against the members file: a Coalition member (or one of
    ``spec.also``) where the table joins the members, a state outside it where it must not.
    A misspelt code would otherwise drop that country's rows without a word."""
    if not spec.codes or "iso3" not in table.columns:
        return
    known = set(members["iso3"])
    lines = table.attrs.get("lines") or [None] * len(table)
    problems: list[Problem] = []
    for line, code in zip(lines, table["iso3"]):
        if spec.codes == "member" and code not in known and code not in spec.also:
            allowed = (f"a code of the members file {members_file}" + (" or " + ", ".join(spec.also) if spec.also else "")
                       + f": {', '.join(sorted(known)[:8])}, ...")
            _add(problems, Problem(str(path), f"not a member in the members file{did_you_mean(code, sorted(known))}",
                                   line, "iso3", given=code, has_given=True, allowed=allowed, via=via))
        elif spec.codes == "outside" and code in known:
            _add(problems, Problem(str(path), f"a member of the Coalition (in {members_file}), not a state outside it",
                                   line, "iso3", given=code, has_given=True,
                                   allowed="an EU member that is not in the members file", via=via))
    if problems:
        raise ConfigError(problems)


def _add(problems: list[Problem], problem: Problem) -> bool:
    if len(problems) < MAX_PROBLEMS:
        problems.append(problem)
        return True
    return False


def _csv_records(lines: list[tuple[int, str]], file: str, spec: TableSpec) -> list[tuple[int, list[str]]]:
    """Parse the data lines as CSV, keeping the file's line number of each record."""
    out: list[tuple[int, list[str]]] = []
    numbers = iter(lines)
    pending: list[int] = []

    def feed():
        for number, text in numbers:
            pending.append(number)
            yield text

    reader = csv.reader(feed(), strict=True)
    while True:
        pending.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return out
        except csv.Error as exc:
            line = pending[0] if pending else (lines[-1][0] if lines else None)
            message = str(exc)
            if "EOF" in message or "end of data" in message:
                message = "a quote (\") is opened and never closed"
            raise ConfigError([Problem(file, f"CSV syntax error: {message}", line,
                                       allowed="comma-separated cells; a cell with a comma or quote in "
                                               "double quotes, a quote inside written twice")]) from None
        out.append((pending[0], cells))


def describe(spec: TableSpec) -> str:
    """A Markdown table of the columns (for docs)."""
    rows = ["| column | type | allowed | meaning |", "|---|---|---|---|"]
    for c in spec.columns:
        rows.append(f"| `{c.name}` | {c.kind} | {c.allowed} | {c.doc} |")
    return "\n".join(rows)


__all__ = ["Col", "DATA_FILES", "check_codes", "EU_VETO_PLAYERS", "KIEL_2022", "MEMBERS", "TableSpec", "describe",
           "read_table", "spec_for_file"]
