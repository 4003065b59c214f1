"""Scenario configuration: typed schema, YAML loading, overrides, clear errors, where inputs live."""

from sim.config.errors import ConfigError, Problem
from sim.config.library import LIBRARY, STUDY_MARKER, study_folder, using_study
from sim.config.parameters import ParameterSpec, parameter_catalogue
from sim.config.scenarios import (
    EXPERIMENTS_DIR,
    SCENARIOS_DIR,
    Notice,
    ShadowNotice,
    catalogue,
    data_file_path,
    load_scenario,
    load_scenario_files,
    resolve_experiment_path,
    resolve_scenario_path,
    shipped_experiments,
    shipped_scenarios,
    with_overrides,
)
from sim.config.schema import Scenario

__all__ = [
    "EXPERIMENTS_DIR",
    "LIBRARY",
    "SCENARIOS_DIR",
    "STUDY_MARKER",
    "ConfigError",
    "Notice",
    "ParameterSpec",
    "Problem",
    "Scenario",
    "ShadowNotice",
    "catalogue",
    "data_file_path",
    "load_scenario",
    "load_scenario_files",
    "parameter_catalogue",
    "resolve_experiment_path",
    "resolve_scenario_path",
    "shipped_experiments",
    "shipped_scenarios",
    "study_folder",
    "using_study",
    "with_overrides",
]
