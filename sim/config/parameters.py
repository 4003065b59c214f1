"""The parameter catalogue: every parameter of the schema by dotted path (``monitoring.coverage``),
with what it accepts, its role (lever, uncertainty, constant), unit, clause and source."""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from sim.config.errors import did_you_mean
from sim.config.schema import Scenario


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
    prior: tuple[float, float] | None = None  # fitted constants: the calibration's uniform prior

    @property
    def fitted(self) -> bool:
        return self.prior is not None

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


def field_names(loc: tuple[str, ...]) -> list[str]:
    model: type[BaseModel] = Scenario
    for part in loc:
        if part.isdigit():  # an item of a list of models (shocks.0)
            continue
        field = model.model_fields.get(part)
        ann = field.annotation if field is not None else None
        if get_origin(ann) is list:
            ann = get_args(ann)[0]
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return []
        model = ann
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
                             ge, le, extra.get("source", "assumption"), bool(extra.get("initial_only")),
                             tuple(extra["prior"]) if extra.get("prior") else None)

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


LISTING_HINT = "`python -m sim levers` lists every parameter"


def unknown_parameter(path: str) -> str:
    """The 'did you mean' hint for a dotted parameter path not in the catalogue, and where they are listed."""
    return did_you_mean(path, list(parameter_catalogue())) + f"; {LISTING_HINT}"
