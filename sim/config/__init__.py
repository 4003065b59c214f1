"""Scenario configuration: typed schema, YAML loading, overrides, clear errors."""

from sim.config.errors import ConfigError, Problem
from sim.config.scenarios import (
    SCENARIOS_DIR,
    ParameterSpec,
    load_scenario,
    parameter_catalogue,
    shipped_scenarios,
    with_overrides,
)
from sim.config.schema import Scenario

__all__ = [
    "SCENARIOS_DIR",
    "ConfigError",
    "ParameterSpec",
    "Problem",
    "Scenario",
    "load_scenario",
    "parameter_catalogue",
    "shipped_scenarios",
    "with_overrides",
]
