"""Load scenarios: names or paths, ``extends:`` chains, overrides by key path.

Where a name is found (``resolve_scenario_path``, the one place that decides): a path given;
the study folder in use (``sim.config.library``); the shipped library. A file found before
the shipped one of the same name shadows it, with a notice (``ShadowNotice``).
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.config.datafiles import DATA_FILE_KEYS, check_codes, read_table
from sim.config.errors import ConfigError, Problem, did_you_mean
from sim.config.library import LIBRARY, same_file, study_folder, study_subfolder
from sim.config.parameters import field_names, parameter_catalogue, spec_at, unknown_parameter
from sim.config.schema import SHOCK_ALLOWED, Scenario

# What each key of a shock holds (messages about shocks say it).
SHOCK_FIELDS = {"date": "a calendar date YYYY-MM-DD (or give week)", "week": "a whole number from 0 (or give date)",
                "set": "a mapping of dotted parameter paths to their new values",
                "description": "text (goes to the event log)"}
from sim.config.yamlio import KeyPath, load_yaml_mapping, what_is

# The shipped library (package data). The variables replace it, e.g. to try an edited copy.
SCENARIOS_DIR = Path(os.environ.get("SIM_SCENARIOS_DIR") or LIBRARY / "scenarios")
EXPERIMENTS_DIR = Path(os.environ.get("SIM_EXPERIMENTS_DIR") or LIBRARY / "experiments")


SCENARIO_SUFFIXES = (".yaml", ".yml")
NAME_MAX = 100
# A name becomes a folder name (results/<name>/): no separators, nothing a shell or
# another system would read as a path or an option.
_NAME_BAD = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')


class Notice(UserWarning):
    """Something the user should see but that is not an error (the CLI prints 'note: ...')."""


class ShadowNotice(Notice):
    """A file used under the name of a shipped one (a study's own paris_declaration, say)."""


_noticed: set[str] = set()  # each notice once a process (warnings' own "once" forgets when filters change)


def notice(message: str, category: type[Notice] = Notice) -> None:
    """Issue a notice the first time only."""
    if message not in _noticed:
        _noticed.add(message)
        warnings.warn(message, category, stacklevel=3)


def _listing(folder: Path | None) -> dict[str, Path]:
    if folder is None:
        return {}
    try:
        files = sorted(folder.glob("*.yaml"))
    except OSError:
        return {}
    return {p.stem: p for p in files if name_problem(p.stem) is None and _is_file(p)}


def library_folder(kind: str = "scenarios") -> Path:
    """The shipped library's ``scenarios/`` or ``experiments/`` (or the folder $SIM_SCENARIOS_DIR /
    $SIM_EXPERIMENTS_DIR names); ConfigError naming the variable when it is not a folder."""
    folder = Path(SCENARIOS_DIR if kind == "scenarios" else EXPERIMENTS_DIR)
    if not _is_dir(folder):
        var = "SIM_SCENARIOS_DIR" if kind == "scenarios" else "SIM_EXPERIMENTS_DIR"
        if os.environ.get(var):
            raise ConfigError.single(f"${var}", f"{folder} {what_is(folder)}, not a folder", key=var,
                                     given=os.environ[var], has_given=True,
                                     allowed=f"a folder of {kind[:-1]} YAML files, or unset {var} to use the "
                                             f"shipped library ({LIBRARY / kind})")
        raise ConfigError.single(str(folder), f"the shipped {kind} folder {what_is(folder)}: the package is not "
                                              f"installed completely", allowed="pip install paris-guarantees-sim again")
    return folder


def shipped_scenarios() -> dict[str, Path]:
    """Named scenarios shipped with the package (``scenarios/`` of the library), by name."""
    return _listing(library_folder("scenarios"))


def study_scenarios() -> dict[str, Path]:
    """Named scenarios of the study folder in use (its ``scenarios/``), by name."""
    return _listing(study_subfolder("scenarios"))


def shipped_experiments() -> dict[str, Path]:
    """Example experiments shipped with the package (``experiments/`` of the library), by name."""
    return _listing(library_folder("experiments"))


def study_experiments() -> dict[str, Path]:
    """Experiments of the study folder in use (its ``experiments/``), by name."""
    return _listing(study_subfolder("experiments"))


EXPERIMENT_KEYS = ("replications", "design", "levers", "uncertainties")


def declares_experiment(path: Path) -> bool:
    """Whether a YAML file declares an experiment (a top-level design, levers or replications key)."""
    if not _is_file(path):  # a pipe would block, a device never end: the loader refuses them
        return False
    try:
        with path.open("rb") as f:
            head = f.read(65536).decode("utf-8-sig", errors="replace")
    except (OSError, ValueError):
        return False
    return any(line.split(":")[0].strip() in EXPERIMENT_KEYS
               for line in head.splitlines() if line and not line.startswith((" ", "#", "\t")))


def _nested_experiments(folder: Path | None) -> dict[str, Path]:
    """Experiments one folder down (experiments/questions/*.yaml), by the path to type:
    ``experiments/questions/force.yaml`` (found in the study, then the library, from any folder)."""
    if folder is None:
        return {}
    try:
        files = sorted(folder.glob("*/*.yaml"))
    except OSError:
        return {}
    return {f"experiments/{p.relative_to(folder).as_posix()}": p for p in files
            if _is_file(p) and declares_experiment(p)}


@dataclass(frozen=True)
class Entry:
    """A named scenario or experiment: the file a name resolves to, and where it comes from."""

    name: str
    path: Path
    origin: str  # "study" or "shipped"
    shadows: Path | None = None  # the shipped file of the same name it hides


def catalogue(kind: str = "scenarios") -> list[Entry]:
    """Every name that resolves (``scenarios`` or ``experiments``): the study's first, then the shipped."""
    if kind == "scenarios":
        shipped, own = shipped_scenarios(), study_scenarios()
    else:
        shipped = {**shipped_experiments(), **_nested_experiments(Path(EXPERIMENTS_DIR))}
        own = {**study_experiments(), **_nested_experiments(study_subfolder("experiments"))}
    out = [Entry(n, p, "study", shipped[n] if n in shipped and not same_file(p, shipped[n]) else None)
           for n, p in own.items()]
    out += [Entry(n, p, "shipped") for n, p in shipped.items() if n not in own or same_file(own[n], p)]
    return out


def _names(kind: str = "scenarios") -> list[str]:
    return sorted({e.name for e in catalogue(kind)})


def display_path(path: Path) -> str:
    """A path as the user knows it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def _shadow(kind: str, name: str, used: Path, shipped: Path) -> None:
    if _is_file(shipped) and not same_file(used, shipped):
        notice(f"{kind} {name!r} is {display_path(used)}, which shadows the shipped {kind} of that "
               f"name ({shipped})", ShadowNotice)


def _from_library(path: Path) -> Path | None:
    """A relative path under scenarios/ or experiments/ that is not here: the study's, else the shipped one."""
    parts = path.parts
    if path.is_absolute() or len(parts) < 2 or ".." in parts or parts[0] not in ("scenarios", "experiments"):
        return None
    study = study_folder()
    shipped = Path(SCENARIOS_DIR if parts[0] == "scenarios" else EXPERIMENTS_DIR).joinpath(*parts[1:])
    for candidate, whose in ((study / path if study is not None else None, "the study folder's"),
                             (shipped, "the shipped")):
        if candidate is not None and candidate.suffix in SCENARIO_SUFFIXES and _is_file(candidate):
            notice(f"{path} is not in this folder: using {whose} {path} ({candidate})")
            return candidate
    return None


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a scenario or experiment (a folder under results/), or None."""
    if not isinstance(name, str):
        return None  # the schema reports the type
    if not name.strip():
        return "a name cannot be empty"
    if len(name) > NAME_MAX:
        return f"a name has at most {NAME_MAX} characters"
    if name in (".", "..") or name.startswith((".", "-")) or name != name.strip():
        return "a name cannot start with '.' or '-' or with or end in a space"
    if _NAME_BAD.search(name):
        return "a name is a name, not a path: no / \\ : * ? \" < > | or control characters"
    return None


NAME_ALLOWED = (f"a plain name: letters, digits, _ - . and spaces, at most {NAME_MAX} characters, "
                f"not starting with '.' or '-'")


def _is_plain_name(ref: str) -> bool:
    return name_problem(ref) is None and not ref.endswith(SCENARIO_SUFFIXES)


def resolve_scenario_path(ref: str | Path, relative_to: Path | None = None, key: str = "extends") -> Path:
    """The scenario file a reference names. The one place that decides where scenarios are found.

    - A plain name (``paris_declaration``), looked up in this order: the file ``NAME.yaml``
      beside the naming file (``relative_to``; from the command line, a file of that name in
      the current folder); the study folder's ``scenarios/NAME.yaml``; the shipped library. A
      file never names itself: ``extends: paris_declaration`` in a study's own
      ``paris_declaration.yaml`` extends the next one in the order. A file found before the
      shipped one of the same name shadows it, with a ``ShadowNotice``.
    - From a file (``relative_to``: an ``extends:`` or an experiment's ``scenarios:``), a path
      is relative to that file's folder and must be a ``.yaml``/``.yml`` scenario file.
    - From the command line (no ``relative_to``), a path to a file, as typed; a relative path
      under ``scenarios/`` or ``experiments/`` that is not in the current folder is looked up
      in the study folder, then in the shipped library, with a notice.
    Errors name the naming file and ``key`` (the caller adds the line).
    """
    text = str(ref)
    where = str(relative_to) if relative_to is not None else text

    def names() -> list[str]:  # for errors only: listing folders costs more than resolving
        return _names()

    def fail(message: str, allowed: str = "") -> ConfigError:
        return ConfigError.single(where, message, key=key if relative_to is not None else "",
                                  given=text, has_given=relative_to is not None,
                                  allowed=allowed or "a scenario name (" + ", ".join(names())
                                  + ") or a path to a .yaml scenario file"
                                  + (" relative to this file" if relative_to is not None else ""))

    if not text.strip() or "\x00" in text or len(text) > 1000:
        raise fail("not a scenario name or path")
    if _is_plain_name(text):
        shipped = Path(SCENARIOS_DIR) / f"{text}.yaml"
        study = study_subfolder("scenarios")
        candidates = [relative_to.parent / f"{text}.yaml" if relative_to is not None else Path(text),
                      *([study / f"{text}.yaml"] if study is not None else []), shipped]
        itself = None
        for c in candidates:
            if relative_to is not None and same_file(c, relative_to):
                itself = c  # a file does not extend itself: the next one of that name
                continue
            if _is_file(c):
                if c is not shipped:
                    _shadow("scenario", text, c, shipped)
                return c
            if c.suffix == ".yaml" and os.path.lexists(c):  # never a silent fall back past a broken entry
                raise fail(f"{display_path(c)} {what_is(c)}, not a scenario file",
                           allowed="a regular .yaml file there, or none (then the next in the order is used)")
        if itself is not None:
            return itself  # no other: reported as a cycle
        if relative_to is None and _is_dir(Path(text)):
            raise fail("is a folder, not a scenario file")
        close = did_you_mean(text, names())
        hint = "" if study is not None or close else " (no study folder in use: run in one, or give --study DIR)"
        raise fail(f"scenario {text!r} not found{close}{hint}")
    path = Path(text)
    if relative_to is not None:
        if path.is_absolute():
            raise fail("an absolute path: a scenario file names others by a path relative to itself")
        if path.suffix not in SCENARIO_SUFFIXES:
            raise fail("not a scenario file (the name must end in .yaml or .yml)")
        path = relative_to.parent / path
    if _is_file(path):
        return path
    if _is_dir(path):
        raise fail("is a folder, not a scenario file")
    if _exists(path) or os.path.lexists(path):
        raise fail(f"{what_is(path)}, not a scenario file", allowed="a regular .yaml file")
    if relative_to is None:
        found = _from_library(path)
        if found is not None:
            return found
    raise fail(f"scenario file {text!r} not found" + (did_you_mean(path.stem, names()) if path.stem else ""))


def resolve_experiment_path(ref: str | Path) -> Path:
    """The experiment file a command-line reference names: a path to a file as typed; a plain
    name (``quick``) in the study folder's ``experiments/``, then among the shipped examples; a
    relative path under ``experiments/`` that is not here, in the study folder, then the library."""
    text = str(ref)
    names = _names("experiments")
    allowed = "a path to an experiment .yaml file, or an experiment's name (" + ", ".join(names) + ")"
    if not text.strip() or "\x00" in text or len(text) > 1000:
        raise ConfigError.single(text, "not an experiment name or path", allowed=allowed)
    path = Path(text)
    if _is_file(path):
        return path
    if _is_plain_name(text):
        shipped = Path(EXPERIMENTS_DIR) / f"{text}.yaml"
        study = study_subfolder("experiments")
        for c in ([study / f"{text}.yaml"] if study is not None else []) + [shipped]:
            if _is_file(c):
                if c is not shipped:
                    _shadow("experiment", text, c, shipped)
                return c
        if not _is_dir(path):
            raise ConfigError.single(text, f"experiment {text!r} not found{did_you_mean(text, names)}",
                                     allowed=allowed)
    if _is_dir(path):
        raise ConfigError.single(text, "is a folder, not an experiment file", allowed=allowed)
    if _exists(path) or os.path.lexists(path):
        raise ConfigError.single(text, f"{what_is(path)}, not an experiment file", allowed=allowed)
    found = _from_library(path)
    if found is not None:
        return found
    raise ConfigError.single(text, "experiment file not found" + did_you_mean(path.stem, names), allowed=allowed)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for the file system, say
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def data_file_path(name: str) -> Path:
    """Where a data file named in a scenario (``members.data_file``) is read: the study folder's
    ``scenarios/`` if it has the file (a ``ShadowNotice`` if the library has one too), else the
    shipped library. A study's entry of that name that is not a regular file (a folder, a device,
    a broken link) is returned as it is, so that reading it says what it is: it never falls back."""
    shipped = Path(SCENARIOS_DIR) / name
    study = study_subfolder("scenarios")
    if study is not None and (_is_file(study / name) or os.path.lexists(study / name)):
        if _is_file(study / name):
            _shadow("data file", name, study / name, shipped)
        return study / name
    return shipped


# --- merging with provenance -------------------------------------------------

Origins = dict[KeyPath, tuple[str, int | None]]


def _merge(base: dict, over: dict, path: KeyPath, origins: Origins, file: str, lines: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        sub = (*path, str(key))
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, sub, origins, file, lines)
        else:
            out[key] = value
            _stamp(value, sub, origins, file, lines)
        origins[sub] = (file, lines.get(sub))
    return out


def _stamp(value: Any, path: KeyPath, origins: Origins, file: str, lines: dict) -> None:
    origins[path] = (file, lines.get(path))
    if isinstance(value, dict):
        for k, v in value.items():
            _stamp(v, (*path, str(k)), origins, file, lines)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _stamp(v, (*path, str(i)), origins, file, lines)


def _read_chain(path: Path, seen: tuple[Path, ...] = (), chain: list[Path] | None = None) -> tuple[dict, Origins]:
    """The merged mapping of ``path`` and its ``extends`` ancestors; ``chain`` gets the files, child first."""
    path = path.resolve()
    if path in seen:
        loop = " -> ".join(p.name for p in (*seen, path))
        _, lines = load_yaml_mapping(seen[-1], "scenario file")
        raise ConfigError.single(_display(seen[-1]), f"'extends' makes a cycle: {loop}", key="extends",
                                 line=lines.get(("extends",)))
    data, lines = load_yaml_mapping(path, "scenario file")
    if chain is not None:
        chain.append(path)
    file = _display(path)
    parent_ref = data.pop("extends", None)
    origins: Origins = {}
    base: dict = {}
    if parent_ref is not None:
        if not isinstance(parent_ref, str) or not parent_ref.strip():
            raise ConfigError.single(file, "'extends' must name one scenario", line=lines.get(("extends",)),
                                     key="extends", given=parent_ref, has_given=True,
                                     allowed="a scenario name or a YAML path")
        try:
            parent = resolve_scenario_path(parent_ref, relative_to=path, key="extends")
        except ConfigError as exc:
            exc.problems[0].file = file
            exc.problems[0].line = lines.get(("extends",))
            raise
        base, origins = _read_chain(parent, (*seen, path), chain)
        base.pop("name", None)
        base.pop("description", None)
    merged = _merge(base, data, (), origins, file, lines)
    if "name" not in merged:
        merged["name"] = path.stem
        origins[("name",)] = (f"{file} (its file name)", None)
    return merged, origins


_display = display_path


# --- pydantic errors to problems --------------------------------------------

def problems_from_validation(exc: ValidationError, origins: Origins, default_file: str,
                             prefix: KeyPath = ()) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(str(p) for p in err["loc"])
        key_path = (*prefix, *loc)
        file, line = _locate(key_path, origins, default_file)
        spec = spec_at(loc)
        kind = err["type"]
        given = err.get("input")
        shock_allowed = SHOCK_FIELDS.get(loc[-1], SHOCK_ALLOWED) if loc[:1] == ("shocks",) else ""
        if kind == "extra_forbidden":
            siblings = field_names(loc[:-1])
            message = f"unknown key{did_you_mean(loc[-1], siblings)}"
            section = f" {loc[0]}" if len(loc) > 1 else ""
            problems.append(Problem(file, message, line, ".".join(key_path),
                                    allowed=", ".join(siblings) + f" (python -m sim levers{section})"))
            continue
        if kind in ("missing",):
            problems.append(Problem(file, "missing", line, ".".join(key_path),
                                    allowed=spec.allowed if spec else shock_allowed))
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if msg.startswith("@"):  # a check across keys ('@key.path|message|allowed', schema.py)
            path, message, allowed = msg[1:].split("|", 2)
            key = tuple(path.split("."))
            if key[0] == "shocks" and len(key) > 3:  # shocks.N.set.<dotted parameter>
                param = ".".join(key[3:])
                key = (*key[:3], param)
                spec = parameter_catalogue().get(param)
                if allowed == "UNKNOWN":
                    message += unknown_parameter(param)
                    allowed = "a dotted parameter path of the schema (sim/config/schema.py, docs/ODD.md)"
                elif allowed == "ALLOWED":
                    allowed = spec.allowed if spec else ""
            if key == ("commission", "enabled") and key not in origins and ("monitoring", "enabled") in origins:
                key = ("monitoring", "enabled")
            file, line = _locate(key, origins, default_file)
            problems.append(Problem(file, message, line, ".".join((*prefix, *key)), allowed=allowed))
            continue
        message = _short_message(err)
        problems.append(Problem(file, message, line, ".".join(key_path), given=given,
                                has_given=True, allowed=spec.allowed if spec else shock_allowed))
    return problems


def _short_message(err: dict) -> str:
    kind = err["type"]
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "out of range"
    if kind == "literal_error" or kind == "enum":
        return "not an allowed value"
    if kind.endswith("_parsing") or kind.endswith("_type"):
        return "wrong type"
    return err["msg"]


def _locate(key_path: KeyPath, origins: Origins, default_file: str) -> tuple[str, int | None]:
    for n in range(len(key_path), 0, -1):
        if key_path[:n] in origins:
            return origins[key_path[:n]]
    return default_file, None


# --- public API ----------------------------------------------------------------

def load_scenario(ref: str | Path) -> Scenario:
    """Load a scenario by name (the study folder's, else the shipped one) or a YAML file by path.
    Raises ConfigError."""
    return load_scenario_files(ref)[0]


def load_scenario_files(ref: str | Path) -> tuple[Scenario, list[Path]]:
    """The scenario, and the files it was read from: its own, then each one it extends."""
    path = resolve_scenario_path(ref)
    chain: list[Path] = []
    data, origins = _read_chain(path, chain=chain)
    try:
        # strict: a number is a number in the file (no true for 1.0, no "0.5" for 0.5)
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, _display(path))) from None
    wrong = name_problem(scenario.name)
    if wrong:
        file, line = origins.get(("name",), (_display(path), None))
        raise ConfigError.single(file, wrong, line=line, key="name", given=scenario.name, has_given=True,
                                 allowed=NAME_ALLOWED)
    check_data_files(scenario, origins, _display(path))
    return scenario, chain


def shocks_after_horizon(scenario: Scenario, horizon: int | None = None) -> list[str]:
    """Notes on the scenario's shocks dated at or after the last week simulated: they do not happen."""
    horizon = scenario.horizon_weeks if horizon is None else horizon
    notes = []
    for i, shock in enumerate(scenario.shocks):
        week = shock.week if shock.week is not None else scenario.week_of(shock.date)
        if week >= horizon:
            when = shock.date.isoformat() if shock.date is not None else f"week {shock.week}"
            what = f" ({shock.description})" if shock.description else ""
            notes.append(f"shock {i} of {scenario.name}{what}, {when} (week {week}), falls after the {horizon} weeks "
                         f"simulated: it does not happen in this run")
    return notes


def check_data_files(scenario: Scenario, origins: Origins | None = None, default_file: str = "") -> None:
    """Every data file the scenario names exists and is valid (what a run would read), and the
    country codes of each agree with its members file."""
    tables = {}
    for key, spec in DATA_FILE_KEYS.items():
        dotted = ".".join(key)
        name = getattr(getattr(scenario, key[0]), key[1])
        origin = (origins or {}).get(key)
        file, line = origin or (default_file or "the scenario", None)
        via = (f"{dotted} in {file}" + (f":{line}" if line else "") if origin
               else f"{dotted} (default) of {file}")
        if "/" in name or "\\" in name or name in (".", "..") or not name.endswith(".csv") or name_problem(name):
            raise ConfigError.single(file, "a data file is named by its file name alone; it is read from "
                                           "the study folder's scenarios/, else the shipped library"
                                           + f" ({SCENARIOS_DIR})", line=line, key=dotted,
                                     given=name, has_given=True, allowed="a plain file name ending in .csv")
        path = data_file_path(name)
        tables[key] = (path, spec, read_table(path, spec, via=via), via)
    members_path, _, members, _ = tables[("members", "data_file")]
    for path, spec, table, via in tables.values():
        check_codes(path, spec, table, members, display_path(members_path), via=via)


def with_overrides(scenario: Scenario, overrides: dict[str, Any], source: str = "overrides",
                   lines: dict[str, int] | None = None, *, strict: bool = False) -> Scenario:
    """A copy of ``scenario`` with dotted-path values replaced, validated.

    ``strict``: values typed in a file must have the parameter's type (experiments);
    the dashboard's sliders send 2.0 for a whole number of weeks, which is accepted.
    """
    if not overrides:
        return scenario
    data = scenario.model_dump()
    origins: Origins = {}
    for path, value in overrides.items():
        parts = path.split(".")
        node = data
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                raise ConfigError.single(source, f"unknown parameter{unknown_parameter(path)}",
                                         key=path, line=(lines or {}).get(path))
            node = node[part]
        if parts[-1] not in node:
            raise ConfigError.single(source, f"unknown parameter{unknown_parameter(path)}",
                                     key=path, line=(lines or {}).get(path))
        node[parts[-1]] = value
        origins[tuple(parts)] = (source, (lines or {}).get(path))
    try:
        scenario = Scenario.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, source)) from None
    if "members.data_file" in overrides:
        check_data_files(scenario, origins, source)
    return scenario
