"""Parameters set from Python: dotted paths (``monitoring.coverage``) or keyword names
(``monitoring__coverage``), checked strictly, every problem reported at once.

YAML files go through pydantic's lax coercion (a file says ``0.5`` or ``true``). Values that
come from Python code (samplers, EMA Workbench, ``mesa.batch_run``) are checked strictly
first: a string for a number or ``1`` for a switch is a mistake in the caller's code, and
coercing it would hide the mistake.
"""

from __future__ import annotations

import numbers
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from pydantic import ValidationError

from sim.config import scenarios as _scenarios
from sim.config.errors import ConfigError, Problem, did_you_mean
from sim.config.library import study_subfolder
from sim.config.parameters import ParameterSpec, parameter_catalogue
from sim.config.scenarios import data_file_path, load_scenario, problems_from_validation, resolve_scenario_path
from sim.config.schema import Scenario

KWARG_SEPARATOR = "__"  # monitoring__coverage: a keyword argument for monitoring.coverage


def dotted(name: str) -> str:
    """``monitoring__coverage`` -> ``monitoring.coverage`` (dotted paths pass through)."""
    return name.replace(KWARG_SEPARATOR, ".")


def keyword(path: str) -> str:
    """``monitoring.coverage`` -> ``monitoring__coverage`` (a valid Python identifier)."""
    return path.replace(".", KWARG_SEPARATOR)


def native(value: Any) -> Any:
    """numpy scalars (what samplers return) as the Python values they stand for."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    kind = type(value).__module__
    if kind == "numpy":
        if hasattr(value, "dtype") and value.dtype.kind == "b":
            return bool(value)
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        if hasattr(value, "dtype") and value.dtype.kind == "U":
            return str(value)
    return value


def _typed(spec: ParameterSpec, value: Any, source: str) -> tuple[Any, Problem | None]:
    """The value, normalised, or a problem naming the parameter and what it allows."""
    value = native(value)
    wrong = Problem(source, "wrong type", key=spec.path, given=value, has_given=True, allowed=spec.allowed)
    kind = spec.kind
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (value, wrong)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value, wrong
        if isinstance(value, float):
            if not value.is_integer():
                return value, Problem(source, "not a whole number", key=spec.path, given=value, has_given=True,
                                      allowed=spec.allowed)
            value = int(value)
        return value, None
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value, wrong
        return float(value), None
    if kind == "choice":
        if value not in spec.choices or not isinstance(value, str):
            return value, Problem(source, "not an allowed value", key=spec.path, given=value, has_given=True,
                                  allowed=spec.allowed)
        return value, None
    return value, None  # lists and mappings: the schema checks them


def override_problems(scenario: Scenario, overrides: Mapping[str, Any],
                      source: str = "parameters") -> tuple[list[Problem], Scenario | None]:
    """Every problem with ``overrides`` on ``scenario``, and the scenario they give when none."""
    catalogue = parameter_catalogue()
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name, value in overrides.items():
        if not isinstance(name, str):
            problems.append(Problem(source, "parameter names are text", key=str(name),
                                    allowed="a dotted path such as monitoring.coverage"))
            continue
        path = dotted(name)
        spec = catalogue.get(path)
        if spec is None:
            problems.append(Problem(
                source, f"unknown parameter{did_you_mean(path, list(catalogue))}", key=name,
                allowed="a dotted path such as monitoring.coverage, or monitoring__coverage "
                        "(`python -m sim levers` or sim.api.parameter_catalogue() lists them)"))
            continue
        if path in values:
            problems.append(Problem(source, "given twice (dotted and with __)", key=path))
            continue
        value, problem = _typed(spec, value, source)
        if problem is None and path == "members.data_file" and not data_file_path(str(value)).is_file():
            problem = Problem(source, "no such file in scenarios/", key=path, given=value, has_given=True,
                              allowed="a members CSV file in the study folder's scenarios/ or in "
                                      + str(_scenarios.SCENARIOS_DIR))
        if problem is not None:
            problems.append(problem)
            continue
        values[path] = value
    if not values:
        return problems, (None if problems else scenario)
    data = scenario.model_dump()
    origins = {}
    for path, value in values.items():
        node = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value
        origins[tuple(parts)] = (source, None)
    try:  # ranges and checks across sections, on the values that passed (all problems at once)
        result = Scenario.model_validate(data)
    except ValidationError as exc:
        return problems + problems_from_validation(exc, origins, source), None
    return problems, (None if problems else result)


def apply_overrides(scenario: Scenario, overrides: Mapping[str, Any], source: str = "parameters") -> Scenario:
    """``scenario`` with ``overrides`` applied. Raises ConfigError listing every problem."""
    problems, result = override_problems(scenario, overrides, source)
    if problems:
        raise ConfigError(problems)
    assert result is not None
    return result


def _scenario_files_state() -> tuple:
    # A parent (shipped or the study's) edited, added or removed must not be served stale from the cache.
    state = []
    for folder in (Path(_scenarios.SCENARIOS_DIR), study_subfolder("scenarios")):
        try:
            state.append((str(folder), tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml"))))
                         if folder is not None else None)
        except OSError:
            state.append(None)
    return tuple(state)


@lru_cache(maxsize=64)
def _cached_scenario(path: str, mtime_ns: int, shipped_state: tuple) -> Scenario:
    return load_scenario(path)


def base_scenario(scenario: Scenario | str | os.PathLike) -> Scenario:
    """A Scenario as given, or loaded (and cached while its file is unchanged) by name or path."""
    if isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, (str, os.PathLike)):
        raise ConfigError.single("scenario", "not a scenario", given=scenario, has_given=True,
                                 allowed="a shipped scenario's name, a YAML path, or a sim.config.Scenario")
    path = resolve_scenario_path(scenario)
    return _cached_scenario(str(path.resolve()), path.stat().st_mtime_ns, _scenario_files_state())


def scenario_from_kwargs(scenario: Scenario | str | os.PathLike, overrides: Mapping[str, Any],
                         source: str = "DeterrenceModel", *, seed: Any = 0) -> Scenario:
    """The scenario ``DeterrenceModel(scenario, seed, **overrides)`` runs.

    ``overrides`` are schema parameters written with ``__`` (``monitoring__coverage=0.5``)
    or, from a mapping, as dotted paths. ``seed`` is checked too: a whole number, 0 or more
    (``DeterrenceModel`` draws one when given none, as Mesa does). Raises ConfigError naming
    every bad parameter.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ConfigError.single(source, "not a seed", key="seed", given=seed, has_given=True,
                                 allowed="a whole number, 0 or more, or None for a fresh random seed (with "
                                         "mesa.batch_run on Mesa 3.5+, rng=[0, 1, ...] fixes the seeds)")
    return apply_overrides(base_scenario(scenario), overrides, source) if overrides else base_scenario(scenario)
