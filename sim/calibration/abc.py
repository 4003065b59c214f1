"""ABC-SMC of the fitted constants (pyabc) against the calibration targets only.

One particle is one set of fitted constants. Its simulator runs the three calibration
scenarios (``targets.SCENARIOS``) for R replicates with common random numbers and returns the
summary statistics of ``targets.statistics``; the distance is Euclidean in units of each
target's published uncertainty. Priors are uniform on the ranges the schema declares with
``fitted=(low, high)``.

Reproducible whatever the number of workers or the executor: pyabc's mapping sampler is
given one seed per particle slot (``SeededMappingSampler``), derived from the master seed,
the generation and the slot, so each slot's proposals and simulations are the same wherever
they run. The simulator's own runs are seeded from that slot's random state.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.calibration import targets as T
from sim.config import EXPERIMENTS_DIR, load_scenario, with_overrides
from sim.config.parameters import parameter_catalogue
from sim.experiments.execution import forget_finished_models
from sim.runner import replicate_seed, simulate


def fitted_parameters() -> dict[str, tuple[float, float]]:
    """Every constant marked fitted in the schema, with its uniform prior (low, high)."""
    return {p: s.prior for p, s in sorted(parameter_catalogue().items()) if s.prior is not None}


@functools.lru_cache(maxsize=8)
def _base(ref: str) -> Any:
    path = Path(EXPERIMENTS_DIR) / ref
    return load_scenario(path if ref.endswith(".yaml") else ref)


def simulate_runs(constants: Mapping[str, float], *, replicates: int, seed: int,
                  horizon_weeks: int = T.HORIZON_WEEKS) -> dict[str, pd.DataFrame]:
    """The calibration scenarios' runs at these constants (replicate k has the same seed in each)."""
    overrides = {k: float(v) for k, v in constants.items()}
    overrides["horizon_weeks"] = horizon_weeks
    seeds = [replicate_seed(seed, k) for k in range(replicates)]
    out: dict[str, pd.DataFrame] = {}
    for ref in T.SCENARIOS:
        scenario = with_overrides(_base(ref), overrides, source="calibration")
        rows = []
        for k, s in enumerate(seeds):
            run = simulate(scenario, s, steps=False, events=False).run
            rows.append((k, bool(run["escalated"]), float(run["survival_weeks"])))
        out[ref] = pd.DataFrame(rows, columns=["replicate", "escalated", "survival_weeks"])
    forget_finished_models()
    return out


def particle_model(parameter: Mapping[str, float], *, replicates: int) -> dict[str, float]:
    """pyabc's model: constants -> summary statistics. The runs' seed comes from the slot's
    random state, which the sampler set (so the particle is reproducible)."""
    seed = int(np.random.randint(0, 2**62))
    return T.statistics(simulate_runs(dict(parameter), replicates=replicates, seed=seed))


def _distance(x: Mapping[str, float], x0: Mapping[str, float]) -> float:
    return T.distance(x, x0)


def pyabc_available() -> bool:
    """Whether the optional pyabc is installed (calibrate needs it)."""
    try:
        import pyabc  # noqa: F401 - the optional [calibration] extra, looked for only when needed
    except ImportError:
        return False
    return True


def _make_sampler(map_: Callable[[Callable, Sequence], Any], master_seed: int) -> Any:
    from sim.calibration.sampler import SeededMappingSampler  # subclasses pyabc's: the optional extra

    return SeededMappingSampler(map_, master_seed)


@dataclass(frozen=True)
class Settings:
    population: int = 80
    generations: int = 5
    replicates: int = 150  # paired replicates of each calibration scenario per particle
    seed: int = 20260106
    min_acceptance_rate: float = 0.02
    max_minutes: float | None = None


QUICK = Settings(population=12, generations=2, replicates=30)


@dataclass
class Result:
    posterior: pd.DataFrame  # particle, weight, constants..., distance, stat_<target>...
    generations: pd.DataFrame  # t, epsilon, particles, simulations, acceptance_rate, ess, seconds
    priors: dict[str, tuple[float, float]]
    settings: Settings
    seconds: float


def calibrate(settings: Settings, db_path: Path, map_: Callable[[Callable, Sequence], Any] = map, *,
              progress: bool = False, resume: bool = False) -> Result:
    """Run ABC-SMC; the pyabc history goes to ``db_path`` (SQLite). ``resume``: continue the run
    already in ``db_path`` up to ``settings.generations`` in all; the result is the one a fresh run
    with that many generations gives (each slot's seed depends on the generation, not on the
    process), which a test checks."""
    # The optional [calibration] extra: pyabc is imported only when a calibration runs.
    import pyabc
    from pyabc.weighted_statistics import effective_sample_size

    # pyabc's generation lines ("t: 1, eps: ...", "Accepted: ..., ESS: ...") are the progress report.
    log = logging.getLogger("ABC")
    log.setLevel(logging.INFO if progress else logging.WARNING)
    if progress and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("calibrate: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    for name in ("Epsilon", "Data_plot", "Distance", "Acceptor", "Sampler", "Population", "History"):
        logging.getLogger(f"ABC.{name}").setLevel(logging.WARNING)
    np.random.seed(settings.seed % 2**32)
    random.seed(settings.seed)
    priors = fitted_parameters()
    prior = pyabc.Distribution(**{p: pyabc.RV("uniform", lo, hi - lo) for p, (lo, hi) in priors.items()})
    model = functools.partial(particle_model, replicates=settings.replicates)
    abc = pyabc.ABCSMC(model, prior, _distance, population_size=settings.population,
                       sampler=_make_sampler(map_, settings.seed))
    done = 0
    if resume:  # continue the run in db_path: generation t's slots have the same seeds either way
        history = abc.load(f"sqlite:///{db_path}", 1, T.observed())
        done = int(history.max_t) + 1
    else:
        abc.new(f"sqlite:///{db_path}", T.observed())
    started = time.perf_counter()
    walltime = dt.timedelta(minutes=settings.max_minutes) if settings.max_minutes else None
    if settings.generations > done:
        history = abc.run(max_nr_populations=settings.generations - done,
                          min_acceptance_rate=settings.min_acceptance_rate, max_walltime=walltime)
    seconds = time.perf_counter() - started

    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    rows = []
    for _, pop in pops.iterrows():
        t = int(pop["t"])
        _, w = history.get_distribution(m=0, t=t)
        rows.append({"generation": t, "epsilon": float(pop["epsilon"]), "particles": int(pop["particles"]),
                     "simulations": int(pop["samples"]),
                     "acceptance_rate": float(pop["particles"]) / float(pop["samples"]),
                     "ess": float(effective_sample_size(np.asarray(w)))})
    gens = pd.DataFrame(rows)
    df, w = history.get_distribution(m=0, t=history.max_t)
    df = df[list(priors)].reset_index(drop=True)
    stats = _last_statistics(history)
    post = pd.DataFrame({"particle": range(len(df)), "weight": np.asarray(w) / np.sum(w)})
    post = pd.concat([post, df], axis=1)
    post["distance"] = stats["distance"].to_numpy()
    for t in T.TARGETS:
        post[f"stat_{t.key}"] = stats[t.key].to_numpy()
    return Result(post, gens, priors, settings, seconds)


def _last_statistics(history: Any) -> pd.DataFrame:
    """Distance and summary statistics of the last generation's accepted particles, in the
    order ``get_distribution`` gives the particles (both sort by particle id)."""
    weighted = history.get_weighted_sum_stats(t=history.max_t)
    _, sum_stats = weighted
    dists = history.get_weighted_distances(t=history.max_t)
    frame = pd.DataFrame([{t.key: float(s[t.key]) for t in T.TARGETS} for s in sum_stats])
    frame["distance"] = dists["distance"].to_numpy()
    return frame
