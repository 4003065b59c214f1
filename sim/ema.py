"""The simulator as an EMA Workbench model (optional: ``pip install 'paris-guarantees-sim[ema]'``).

    from ema_workbench import perform_experiments
    from sim import ema

    model = ema.model()   # every sampled lever and uncertainty of the schema, every outcome
    experiments, outcomes = perform_experiments(model, scenarios=200, policies=4)

Parameters and outcomes come from ``sim.api.parameter_catalogue()`` and ``sim.api.OUTCOMES``
(by default the outcomes never missing, ``sim.api.uncensored_outcomes()``: a censored week is
given as its survival time, the week or the horizon, beside its flag and ``horizon_weeks``, so
EMA's feature scoring and PRIM take every outcome as it is; name the others in ``outcomes=``);
their names are the dotted paths written with ``__`` (``monitoring__coverage``): EMA
Workbench 3 wants Python identifiers. A sampled combination the schema forbids (say
monitoring off with the commission on) gives NaN outcomes, never an exception that would
stop ``perform_experiments``; ``sim.api.check`` says why. Tested with EMA Workbench 2.5
(Python 3.11) and 3.0 (Python 3.12+).

Seeds: without ``replications`` every experiment runs replicate 0 of ``master_seed`` (the
same seed everywhere: common random numbers, like the project's sweeps); with
``replications=k`` a ReplicatorModel runs replicates 0..k-1 and each outcome is their mean
(``escalated`` becomes P(escalation); ``escalation_week`` the mean over replicates that
escalated, NaN if none did).
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from sim.api import (
    OUTCOMES,
    Catalogue,
    ConfigError,
    parameter_catalogue,
    run_experiment,
    sampled_range,
    uncensored_outcomes,
)
from sim.config import Scenario
from sim.config.errors import Problem, did_you_mean
from sim.config.overrides import dotted, keyword
from sim.runner import replicate_seed

_log = logging.getLogger(__name__)

DEFAULT_MASTER_SEED = 20260106  # the experiments' default (experiments/*.yaml)


def _workbench() -> Any:
    try:  # the optional [ema] extra: imported only when an EMA model or parameter is built
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "ipyparallel not installed": not needed here
            import ema_workbench
    except ImportError:
        raise ImportError("sim.ema needs EMA Workbench: pip install 'paris-guarantees-sim[ema]' "
                          "(or pip install ema_workbench)") from None
    return ema_workbench


def parameters(catalogue: Catalogue, bounds: Mapping[str, tuple[float, float]] | None = None) -> list:
    """EMA parameters for the sampled entries of ``catalogue`` (names with ``__``)."""
    wb = _workbench()
    bounds = {dotted(k): v for k, v in (bounds or {}).items()}
    out = []
    for path, spec in catalogue.items():
        name = keyword(path)
        if spec.kind == "float":
            lo, hi = sampled_range(spec, bounds.get(path), "sim.ema")
            out.append(wb.RealParameter(name, float(lo), float(hi)))
        elif spec.kind == "int":
            lo, hi = sampled_range(spec, bounds.get(path), "sim.ema")
            out.append(wb.IntegerParameter(name, int(lo), int(hi)))
        elif spec.kind == "bool":
            sampled_range(spec, bounds.get(path), "sim.ema")
            out.append(wb.BooleanParameter(name))
        elif spec.kind == "choice":
            sampled_range(spec, bounds.get(path), "sim.ema")
            out.append(wb.CategoricalParameter(name, list(spec.choices)))
    return out


def uncertainties(names: Iterable[str] | None = None, bounds: Mapping[str, tuple[float, float]] | None = None) -> list:
    """EMA Workbench parameters for the sampled uncertainties of the schema (or ``names``)."""
    return parameters(parameter_catalogue().select("uncertainty" if names is None else None, names, sampled=True),
                      bounds)


def levers(names: Iterable[str] | None = None, bounds: Mapping[str, tuple[float, float]] | None = None) -> list:
    """EMA Workbench parameters for the sampled levers of the schema (or ``names``)."""
    return parameters(parameter_catalogue().select("lever" if names is None else None, names, sampled=True), bounds)


def _mean(values: Iterable[float]) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else math.nan


def _mean_of_observed(values: Iterable[float]) -> float:
    seen = [float(v) for v in values if not math.isnan(float(v))]
    return sum(seen) / len(seen) if seen else math.nan


def scalar_outcomes(names: Iterable[str] | None = None, *, replicated: bool = False) -> list:
    """ScalarOutcomes for ``names`` (default: the outcomes never missing, sim.api.uncensored_outcomes())."""
    wb = _workbench()
    names = uncensored_outcomes() if names is None else list(names)
    unknown = [n for n in names if n not in OUTCOMES]
    if unknown:
        raise ConfigError([Problem("sim.ema", f"unknown outcome{did_you_mean(n, list(OUTCOMES))}", key=n,
                                   allowed="a name of sim.api.OUTCOMES") for n in unknown])
    if not replicated:
        return [wb.ScalarOutcome(n) for n in names]
    return [wb.ScalarOutcome(n, function=_mean_of_observed if n in ("escalation_week", "force_deployed_week",
                                                                     "median_response_delay_weeks") else _mean)
            for n in names]


class Runner:
    """The function EMA calls: keyword parameters (``__`` names) and a seed in, outcomes out.

    Picklable, so EMA's MultiprocessingEvaluator can ship it to workers.
    """

    def __init__(self, scenario: str | os.PathLike | Scenario, weeks: int | None, outcome_names: list[str]) -> None:
        self.scenario = scenario if isinstance(scenario, Scenario) else str(scenario)
        self.weeks = weeks
        self.outcome_names = outcome_names

    def __call__(self, seed: int, **params: Any) -> dict[str, float]:
        try:
            result = run_experiment(params, seed=seed, scenario=self.scenario, weeks=self.weeks)
        except ConfigError as exc:  # an invalid combination: missing outcomes, the sample goes on
            _log.info("invalid parameters, outcomes missing: %s", exc)
            return {n: math.nan for n in self.outcome_names}
        # floats throughout: EMA 3 sizes its arrays on the first result, and a later NaN needs a float array
        return {n: float(result[n]) for n in self.outcome_names}


def model(name: str = "ParisGuarantees", scenario: str | os.PathLike | Scenario = "paris_declaration", *,
          uncertainties: Iterable[str] | None = None, levers: Iterable[str] | None = None,
          outcomes: Iterable[str] | None = None, bounds: Mapping[str, tuple[float, float]] | None = None,
          weeks: int | None = None, replications: int | None = None,
          master_seed: int = DEFAULT_MASTER_SEED) -> Any:
    """An EMA Workbench model of ``scenario``.

    ``name``: letters and digits (EMA 2.5 allows nothing else).
    ``uncertainties`` / ``levers``: dotted paths (or ``__`` names) to vary; default every
    sampled uncertainty / lever of the schema; ``[]`` for none. ``bounds`` narrows numeric
    ranges. ``outcomes``: names of sim.api.OUTCOMES (default those never missing,
    ``sim.api.uncensored_outcomes()``; the weeks left NaN when censored only when named). ``weeks``: the horizon.
    Parameters not varied keep the scenario's values.
    """
    wb = _workbench()
    catalogue = parameter_catalogue()
    out_names = uncensored_outcomes() if outcomes is None else [str(o) for o in outcomes]
    if replications is None:
        ema_model = wb.Model(name, function=Runner(scenario, weeks, out_names))
        ema_model.constants = [wb.Constant("seed", replicate_seed(master_seed, 0))]
    else:
        if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
            raise ConfigError.single("sim.ema", "not a number of replications", key="replications",
                                     given=replications, has_given=True, allowed="a whole number, 1 or more")
        ema_model = wb.ReplicatorModel(name, function=Runner(scenario, weeks, out_names))
        ema_model.replications = [{"seed": replicate_seed(master_seed, k)} for k in range(replications)]
    unc = catalogue.select("uncertainty" if uncertainties is None else None,
                           None if uncertainties is None else list(uncertainties), sampled=True)
    lev = catalogue.select("lever" if levers is None else None,
                           None if levers is None else list(levers), sampled=True)
    bounds = dict(bounds or {})
    ema_model.uncertainties = parameters(unc, {k: v for k, v in bounds.items() if dotted(k) in unc})
    ema_model.levers = parameters(lev, {k: v for k, v in bounds.items() if dotted(k) in lev})
    stray = [k for k in bounds if dotted(k) not in unc and dotted(k) not in lev]
    if stray:
        raise ConfigError.single("sim.ema", "bounds for a parameter the model does not vary", key=stray[0])
    ema_model.outcomes = scalar_outcomes(out_names, replicated=replications is not None)
    return ema_model
