"""Load scenarios: shipped names or paths, ``extends:`` chains, overrides by key path."""

from __future__ import annotations

import datetime as dt
import os
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.config.errors import ConfigError, Problem, did_you_mean
from sim.config.schema import Scenario
from sim.config.yamlio import KeyPath, load_yaml_mapping

SCENARIOS_DIR = Path(os.environ.get("SIM_SCENARIOS_DIR", Path(__file__).resolve().parents[2] / "scenarios"))


def shipped_scenarios() -> dict[str, Path]:
    """Named scenarios shipped in ``scenarios/``, by name."""
    return {p.stem: p for p in sorted(SCENARIOS_DIR.glob("*.yaml"))}


def resolve_scenario_path(ref: str | Path, relative_to: Path | None = None) -> Path:
    """A path, a path relative to another file, or a shipped scenario's name."""
    ref_path = Path(ref)
    candidates = []
    if relative_to is not None and not ref_path.is_absolute():
        candidates.append(relative_to.parent / ref_path)
        if not ref_path.suffix:
            candidates.append(relative_to.parent / f"{ref}.yaml")
    candidates.append(ref_path)
    if not ref_path.suffix:
        candidates.append(SCENARIOS_DIR / f"{ref}.yaml")
    for c in candidates:
        if c.is_file():
            return c
    names = list(shipped_scenarios())
    raise ConfigError.single(
        str(relative_to or ref), f"scenario {str(ref)!r} not found{did_you_mean(str(ref), names)}",
        key="extends" if relative_to else "", allowed="a YAML file path or one of: " + ", ".join(names))


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


def _read_chain(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict, Origins]:
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        _, lines = load_yaml_mapping(seen[-1], "scenario file")
        raise ConfigError.single(_display(seen[-1]), f"'extends' makes a cycle: {chain}", key="extends",
                                 line=lines.get(("extends",)))
    data, lines = load_yaml_mapping(path, "scenario file")
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
            parent = resolve_scenario_path(parent_ref, relative_to=path)
        except ConfigError as exc:
            exc.problems[0].file = file
            exc.problems[0].line = lines.get(("extends",))
            raise
        base, origins = _read_chain(parent, (*seen, path))
        base.pop("name", None)
        base.pop("description", None)
    merged = _merge(base, data, (), origins, file, lines)
    merged.setdefault("name", path.stem)
    return merged, origins


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
        if kind == "extra_forbidden":
            siblings = _field_names(loc[:-1])
            message = f"unknown key{did_you_mean(loc[-1], siblings)}"
            problems.append(Problem(file, message, line, ".".join(key_path),
                                    allowed=", ".join(siblings)))
            continue
        if kind in ("missing",):
            problems.append(Problem(file, "missing", line, ".".join(key_path),
                                    allowed=spec.allowed if spec else ""))
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
                                has_given=True, allowed=spec.allowed if spec else ""))
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


# --- the parameter catalogue -------------------------------------------------

@dataclass(frozen=True)
class ParameterSpec:
    """What a key accepts, read from the schema."""

    path: str
    annotation: Any
    role: str
    unit: str
    clause: str
    description: str
    default: Any
    ge: float | None = None
    le: float | None = None
    source: str = "assumption"
    initial_only: bool = False

    @property
    def kind(self) -> str:
        origin = typing.get_origin(self.annotation)
        if self.annotation is bool:
            return "bool"
        if self.annotation is int:
            return "int"
        if self.annotation is float:
            return "float"
        if self.annotation is dt.date:
            return "date"
        if origin is typing.Literal:
            return "choice"
        return "structured"

    @property
    def choices(self) -> tuple[Any, ...]:
        return typing.get_args(self.annotation) if self.kind == "choice" else ()

    @property
    def allowed(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        if self.kind == "bool":
            return "true or false"
        if self.kind in ("int", "float"):
            what = "a whole number" if self.kind == "int" else "a number"
            if self.ge is not None and self.le is not None:
                return f"{what} from {self.ge} to {self.le}{unit}"
            return what + unit
        if self.kind == "choice":
            return "one of " + ", ".join(map(str, self.choices))
        if self.kind == "date":
            return "a date YYYY-MM-DD"
        return _describe_structured(self.annotation) + unit


def _describe_structured(annotation: Any) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is dict:
        return f"a mapping from {_describe_structured(args[0])} to {_describe_structured(args[1])}"
    if origin is list:
        return f"a list of {_describe_structured(args[0])}"
    if origin is typing.Literal:
        return "(" + " | ".join(map(str, args)) + ")"
    return getattr(annotation, "__name__", str(annotation))


def _field_names(loc: tuple[str, ...]) -> list[str]:
    model: type[BaseModel] = Scenario
    for part in loc:
        field = model.model_fields.get(part)
        if field is None or not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)):
            return []
        model = field.annotation
    return list(model.model_fields)


def _bounds(field: Any) -> tuple[float | None, float | None]:
    ge = le = None
    for m in field.metadata:
        ge = getattr(m, "ge", ge)
        le = getattr(m, "le", le)
    return ge, le


@lru_cache(maxsize=1)
def parameter_catalogue() -> dict[str, ParameterSpec]:
    """Every leaf parameter of a scenario by dotted path (``monitoring.coverage``)."""
    out: dict[str, ParameterSpec] = {}

    def spec(path: str, f: Any) -> ParameterSpec:
        extra = f.json_schema_extra or {}
        ge, le = _bounds(f)
        return ParameterSpec(path, f.annotation, extra.get("role", "constant"), extra.get("unit", ""),
                             extra.get("clause", ""), f.description or "", f.get_default(call_default_factory=True),
                             ge, le, extra.get("source", "assumption"), bool(extra.get("initial_only")))

    for section, sfield in Scenario.model_fields.items():
        ann = sfield.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            for name, f in ann.model_fields.items():
                out[f"{section}.{name}"] = spec(f"{section}.{name}", f)
        elif sfield.json_schema_extra:  # top-level parameters (ceasefire_date, horizon_weeks)
            out[section] = spec(section, sfield)
    return out


def spec_at(loc: tuple[str, ...]) -> ParameterSpec | None:
    cat = parameter_catalogue()
    for n in (2, 1):
        if len(loc) >= n and ".".join(loc[:n]) in cat:
            return cat[".".join(loc[:n])]
    return None


def unknown_parameter(path: str) -> str:
    """The 'did you mean' hint for a dotted parameter path not in the catalogue."""
    return did_you_mean(path, list(parameter_catalogue()))


# --- public API ----------------------------------------------------------------

def load_scenario(ref: str | Path) -> Scenario:
    """Load a shipped scenario by name or a YAML file by path. Raises ConfigError."""
    path = resolve_scenario_path(ref)
    data, origins = _read_chain(path)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, _display(path))) from None


def with_overrides(scenario: Scenario, overrides: dict[str, Any], source: str = "overrides",
                   lines: dict[str, int] | None = None) -> Scenario:
    """A copy of ``scenario`` with dotted-path values replaced, validated."""
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
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, origins, source)) from None
