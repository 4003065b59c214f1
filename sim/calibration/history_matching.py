"""History matching with emulators (Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015).

The question is not "which constants fit best?" but "which constants can the record not rule
out?". The answer is a set of plausible worlds.

* **Prior box.** Every constant the schema marks ``fitted=(low, high)``, uniform on its range.
* **Wave 1.** A Latin hypercube over the box. Each point is simulated with
  ``record.measure`` (R replicates; common random numbers: replicate k has the same seed at
  every point), which gives every target's model quantity with its Monte Carlo variance.
* **Emulators.** Per target, a Gaussian-process emulator of the quantity (``emulator``),
  trained on the simulated points not yet ruled out.
* **Implausibility** of a point x for target i:
  ``I_i(x) = |z_i - E[f_i(x)]| / sqrt(Var(record_i) + Var(emulator_i or Monte Carlo) + Var(discrepancy_i))``,
  the model discrepancy a stated share (``discrepancy``, default 10%) of the record's value,
  as a standard deviation. A point is **ruled out** when its largest implausibility over the
  targets exceeds 3 (Pukelsheim's three-sigma rule): each target measures a different thing,
  so a miss on any one of them is a miss. The second-largest (Vernon et al.'s choice when
  there are many outputs of one kind or an emulator is poor) would keep points that miss one
  target outright, and every target must be met here.
* **Later waves.** Many candidates are screened by every wave's emulators so far (cheap);
  the ones not ruled out (the non-implausible space) are thinned to a space-filling set and
  simulated. The share of the prior box not ruled out is tracked wave by wave.
* **Stop** when that share shrinks by less than ``min_shrink`` in a wave (the space stopped
  shrinking: the emulators are now as certain as the record allows) or after ``max_waves``.
* **The plausible set**: the simulated points of the last wave not ruled out by their own
  simulated values (with their Monte Carlo variance). Equal weights: plausible, not probable.

Reproducible: candidates and designs are drawn from the master seed and the wave number, the
emulators' optimiser restarts from the seed, and points are simulated in order on any executor,
so the same settings give the same plausible set, byte for byte, on one worker or two.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy.stats import qmc

from sim.calibration import record as R
from sim.calibration.emulator import Emulator
from sim.config.parameters import parameter_catalogue

CUTOFF = 3.0  # Pukelsheim (1994): at least 95% of any unimodal distribution lies within 3 sd


def fitted_parameters() -> dict[str, tuple[float, float]]:
    """Every constant marked fitted in the schema, with its prior box (low, high), by dotted path."""
    return {p: s.prior for p, s in sorted(parameter_catalogue().items()) if s.prior is not None}


@dataclass(frozen=True)
class Settings:
    first_points: int = 240  # wave 1: about 18 points a constant
    points: int = 160  # each later wave
    replicates: int = 150  # replicates of each calibration scenario a point
    max_waves: int = 5
    candidates: int = 20_000  # candidates screened a round
    screening_rounds: int = 8  # rounds of focused screening, at most, to fill a wave
    min_shrink: float = 0.2  # stop when the non-implausible share shrinks by less than this in a wave
    discrepancy: float = 0.1  # model discrepancy: this share of the record's value, as a standard deviation
    seed: int = 20260106


QUICK = Settings(first_points=12, points=8, replicates=8, max_waves=2, candidates=1_000, screening_rounds=2)


def discrepancy_var(target: R.Target, share: float) -> float:
    return (share * abs(target.value)) ** 2


def implausibility(values: np.ndarray, variances: np.ndarray, target: R.Target, share: float) -> np.ndarray:
    """|z - value| / sqrt(record var + model (Monte Carlo or emulator) var + discrepancy var), vectorised;
    a value that is not finite is infinitely implausible."""
    values = np.asarray(values, float)
    variances = np.asarray(variances, float)
    out = np.full(values.shape, math.inf)
    ok = np.isfinite(values) & np.isfinite(variances)
    denom = np.sqrt(target.sd**2 + variances[ok] + discrepancy_var(target, share))
    out[ok] = np.abs(values[ok] - target.value) / denom
    return out


def measure_point(constants: Mapping[str, float], *, replicates: int, seed: int) -> dict[str, tuple[float, float]]:
    """One point's simulation (a top-level function, so a process pool can run it)."""
    return R.measure(dict(constants), replicates=replicates, seed=seed)


@dataclass
class Wave:
    number: int
    x: np.ndarray  # points in the unit cube (n x d)
    values: np.ndarray  # n x targets: simulated quantities
    variances: np.ndarray  # n x targets: their Monte Carlo variances
    implausibility: np.ndarray  # n x targets, from the simulated values
    share_before: float  # share of the prior box not ruled out when this wave was drawn
    screened: int  # candidates screened to draw it
    emulators: dict[str, Emulator] = field(default_factory=dict)  # fitted on this wave's training set
    trained_on: int = 0
    seconds: float = 0.0

    @property
    def ruled_out(self) -> np.ndarray:
        return self.implausibility.max(axis=1) > CUTOFF


@dataclass
class Result:
    settings: Settings
    priors: dict[str, tuple[float, float]]
    waves: list[Wave]
    shares: list[float]  # share of the prior box not ruled out after each wave's emulators
    stop_reason: str
    seconds: float
    diagnostics: list[dict[str, Any]]

    @property
    def names(self) -> list[str]:
        return list(self.priors)

    def to_constants(self, x: np.ndarray) -> np.ndarray:
        lo = np.array([self.priors[p][0] for p in self.names])
        hi = np.array([self.priors[p][1] for p in self.names])
        return lo + x * (hi - lo)

    @property
    def last(self) -> Wave:
        return self.waves[-1]

    @property
    def plausible(self) -> np.ndarray:
        """Indices of the last wave's points not ruled out by their own simulated values."""
        return np.flatnonzero(~self.last.ruled_out)


def _keys() -> list[str]:
    return [t.key for t in R.TARGETS]


def _lhs(n: int, d: int, seed: Sequence[int]) -> np.ndarray:
    return qmc.LatinHypercube(d=d, seed=np.random.default_rng(np.random.SeedSequence(list(seed)))).random(n)


def _emulated_max_implausibility(emulators: Mapping[str, Emulator], x: np.ndarray, share: float) -> np.ndarray:
    worst = np.zeros(len(x))
    for t in R.TARGETS:
        mean, var = emulators[t.key].predict(x)
        worst = np.maximum(worst, implausibility(mean, var, t, share))
    return worst


def not_ruled_out(sets: Sequence[Mapping[str, Emulator]], x: np.ndarray, settings: Settings) -> np.ndarray:
    """Mask of the points no wave's emulators rule out (each wave's set only sees the survivors)."""
    keep = np.ones(len(x), dtype=bool)
    for emulators in sets:
        idx = np.flatnonzero(keep)
        if not len(idx):
            break
        keep[idx] = _emulated_max_implausibility(emulators, x[idx], settings.discrepancy) <= CUTOFF
    return keep


def maximin(pool: np.ndarray, n: int, seed: Sequence[int]) -> np.ndarray:
    """A space-filling subset of ``n`` points of ``pool``: greedy maximin from a seeded first point."""
    if len(pool) <= n:
        return pool.copy()
    rng = np.random.default_rng(np.random.SeedSequence(list(seed)))
    chosen = [int(rng.integers(len(pool)))]
    dist = np.linalg.norm(pool - pool[chosen[0]], axis=1)
    while len(chosen) < n:
        nxt = int(np.argmax(dist))
        chosen.append(nxt)
        dist = np.minimum(dist, np.linalg.norm(pool - pool[nxt], axis=1))
    return pool[np.array(chosen)]


def _simulate(x: np.ndarray, result_names: list[str], to_constants: Callable[[np.ndarray], np.ndarray],
              settings: Settings, map_: Callable[[Callable, Sequence], Any],
              say: Callable[[str], None] = lambda _m: None) -> tuple[np.ndarray, np.ndarray]:
    points = [dict(zip(result_names, (float(v) for v in row))) for row in to_constants(x)]
    fn = functools.partial(measure_point, replicates=settings.replicates, seed=settings.seed)
    out = []
    step = max(1, len(points) // 10)
    for result in map_(fn, points):  # results come back in the order submitted, whatever the executor
        out.append(result)
        if len(out) % step == 0 and len(out) < len(points):
            say(f"  {len(out)} of {len(points)} points simulated")
    keys = _keys()
    values = np.array([[o[k][0] for k in keys] for o in out], float)
    variances = np.array([[o[k][1] for k in keys] for o in out], float)
    return values, variances


def _sim_implausibility(values: np.ndarray, variances: np.ndarray, settings: Settings) -> np.ndarray:
    return np.column_stack([implausibility(values[:, j], variances[:, j], t, settings.discrepancy)
                            for j, t in enumerate(R.TARGETS)])


def _fit(waves: list[Wave], sets: list[dict[str, Emulator]], settings: Settings, wave: int) -> tuple[dict, int]:
    """Emulators of wave ``wave``: trained on every simulated point the earlier waves' emulators keep."""
    x = np.vstack([w.x for w in waves])
    values = np.vstack([w.values for w in waves])
    variances = np.vstack([w.variances for w in waves])
    keep = not_ruled_out(sets, x, settings)
    emulators = {}
    for j, t in enumerate(R.TARGETS):
        emulators[t.key] = Emulator.fit(t.key, x[keep], values[keep, j], variances[keep, j],
                                        seed=settings.seed + 7919 * wave + j)
    return emulators, int(keep.sum())


def _screen(sets: list[dict[str, Emulator]], pool: np.ndarray, share: float, waves: list[Wave],
            settings: Settings, wave: int, need: int) -> tuple[np.ndarray, float, int]:
    """The non-implausible space after ``sets``: a pool of candidates in it, its share of the
    prior box, and how many candidates were screened.

    Wave 1's share is read from a Latin hypercube over the whole box; later shares as the earlier
    share times the part of the earlier pool (uniform in the earlier space) the new emulators keep.
    The pool is then topped up by screening candidates in its bounding box, widened."""
    d = pool.shape[1] if pool.size else waves[0].x.shape[1]
    screened = 0
    if wave == 1:
        x = _lhs(settings.candidates, d, (settings.seed, wave, 0))
        ok = not_ruled_out(sets, x, settings)
        screened += len(x)
        share, pool = float(ok.mean()), x[ok]
    else:
        ok = not_ruled_out(sets[-1:], pool, settings) if len(pool) else np.zeros(0, bool)
        share = share * (float(ok.mean()) if len(pool) else 0.0)
        pool = pool[ok]
    target_pool = max(10 * need, 2_000)
    for r in range(1, settings.screening_rounds + 1):
        if len(pool) >= target_pool:
            break
        seeds = pool
        if not len(seeds):  # nothing found yet: start from the simulated points still plausible
            x_all = np.vstack([w.x for w in waves])
            seeds = x_all[not_ruled_out(sets, x_all, settings)]
            if not len(seeds):
                break
        lo = np.clip(seeds.min(axis=0) - 0.1, 0.0, 1.0)
        hi = np.clip(seeds.max(axis=0) + 0.1, 0.0, 1.0)
        x = lo + (hi - lo) * _lhs(settings.candidates, d, (settings.seed, wave, r))
        ok = not_ruled_out(sets, x, settings)
        screened += len(x)
        pool = np.vstack([pool, x[ok]]) if len(pool) else x[ok]
    return pool, share, screened


def _diagnostics(wave: Wave, waves: list[Wave], sets: list[dict[str, Emulator]], settings: Settings,
                 nxt: Wave | None) -> list[dict[str, Any]]:
    """How well wave ``wave``'s emulators predict: 10-fold cross-validation on their training points
    and, when there is one, the next wave's simulated points (where the emulators were used)."""
    x = np.vstack([w.x for w in waves[:wave.number]])
    values = np.vstack([w.values for w in waves[:wave.number]])
    variances = np.vstack([w.variances for w in waves[:wave.number]])
    keep = not_ruled_out(sets[:wave.number - 1], x, settings)
    rows = []
    for j, t in enumerate(R.TARGETS):
        em = wave.emulators[t.key]
        mask, mean, var = em.cross_validate(x[keep], values[keep, j], variances[keep, j],
                                            seed=settings.seed + wave.number)
        y, v = values[keep, j][mask], variances[keep, j][mask]
        e = (y - mean) / np.sqrt(var + v)
        row = {"wave": wave.number, "target": t.key, "trained_on": int(mask.sum()),
               "cv_within_2sd": float(np.mean(np.abs(e) <= 2)), "cv_within_3sd": float(np.mean(np.abs(e) <= 3)),
               "cv_rmse_over_record_sd": float(np.sqrt(np.mean((y - mean) ** 2)) / t.sd),
               "emulator_sd_over_record_sd": float(np.sqrt(np.median(var)) / t.sd),
               "nugget_sd_over_record_sd": float(math.sqrt(em.nugget()) / t.sd)}
        if nxt is not None:
            y2, v2 = nxt.values[:, j], nxt.variances[:, j]
            m2, e2v = em.predict(nxt.x)
            ok = np.isfinite(y2) & np.isfinite(v2)
            e2 = (y2[ok] - m2[ok]) / np.sqrt(e2v[ok] + v2[ok])
            row.update({"next_wave_points": int(ok.sum()),
                        "next_within_2sd": float(np.mean(np.abs(e2) <= 2)) if ok.any() else math.nan,
                        "next_within_3sd": float(np.mean(np.abs(e2) <= 3)) if ok.any() else math.nan,
                        "next_rmse_over_record_sd": float(np.sqrt(np.mean((y2[ok] - m2[ok]) ** 2)) / t.sd)
                        if ok.any() else math.nan})
        else:
            row.update({"next_wave_points": 0, "next_within_2sd": math.nan, "next_within_3sd": math.nan,
                        "next_rmse_over_record_sd": math.nan})
        rows.append(row)
    return rows


def run(settings: Settings, map_: Callable[[Callable, Sequence], Any] = map, *,
        progress: Callable[[str], None] | None = None) -> Result:
    """Every wave, then the plausible set (``Result.plausible``)."""
    say = progress or (lambda _msg: None)
    priors = fitted_parameters()
    names = list(priors)
    d = len(names)
    lo = np.array([priors[p][0] for p in names])
    hi = np.array([priors[p][1] for p in names])

    def to_constants(x: np.ndarray) -> np.ndarray:
        return lo + x * (hi - lo)

    started = time.perf_counter()
    waves: list[Wave] = []
    sets: list[dict[str, Emulator]] = []
    shares: list[float] = []
    pool = np.empty((0, d))
    share = 1.0
    x = _lhs(settings.first_points, d, (settings.seed, 1, 0))
    screened = 0
    stop = f"the set number of waves ({settings.max_waves})"
    for number in range(1, settings.max_waves + 1):
        t0 = time.perf_counter()
        say(f"wave {number}: simulating {len(x)} points ({settings.replicates} replicates each)")
        values, variances = _simulate(x, names, to_constants, settings, map_, say)
        wave = Wave(number, x, values, variances, _sim_implausibility(values, variances, settings),
                    share, screened)
        waves.append(wave)
        wave.emulators, wave.trained_on = _fit(waves, sets, settings, number)
        sets.append(wave.emulators)
        wave.seconds = time.perf_counter() - t0
        say(f"wave {number}: {int((~wave.ruled_out).sum())} of {len(x)} points not ruled out by their simulation; "
            f"emulators on {wave.trained_on} points ({wave.seconds:.0f} s)")
        if number == settings.max_waves:
            shares.append(_screen(sets, pool, share, waves, settings, number, settings.points)[1])
            break
        pool, new_share, screened = _screen(sets, pool, share, waves, settings, number, settings.points)
        shares.append(new_share)
        say(f"wave {number}: {new_share:.3%} of the prior box not ruled out ({screened:,} candidates screened)")
        if not len(pool):
            stop = f"nothing of the prior box is left after wave {number}"
            break
        if number > 1 and new_share > (1.0 - settings.min_shrink) * share:
            stop = (f"the space stopped shrinking after wave {number} ({share:.3%} -> {new_share:.3%} of the "
                    f"prior box, less than {settings.min_shrink:.0%} smaller)")
            break
        share = new_share
        x = maximin(pool, settings.points, (settings.seed, number + 1, 99))
    diagnostics = []
    for i, w in enumerate(waves):
        diagnostics += _diagnostics(w, waves, sets, settings, waves[i + 1] if i + 1 < len(waves) else None)
    return Result(settings, priors, waves, shares, stop, time.perf_counter() - started, diagnostics)


def representative(result: Result, map_: Callable[[Callable, Sequence], Any] = map, *,
                   replicates: int | None = None) -> dict[str, Any]:
    """A representative plausible point: the plausible set's medians, checked by simulation
    (with twice the replicates). If the medians are themselves ruled out (a curved set need
    not hold its medians), the plausible point nearest to them (unit-cube distance) instead."""
    idx = result.plausible
    if not len(idx):
        raise ValueError("the plausible set is empty: no representative point")
    settings = result.settings
    x = result.last.x[idx]
    median = np.median(x, axis=0)
    reps = replicates or 2 * settings.replicates
    fn = functools.partial(measure_point, replicates=reps, seed=settings.seed + 1)
    cons = dict(zip(result.names, (float(v) for v in result.to_constants(median[None, :])[0])))
    sim = list(map_(fn, [cons]))[0]
    keys = _keys()
    values = np.array([[sim[k][0] for k in keys]])
    variances = np.array([[sim[k][1] for k in keys]])
    imp = _sim_implausibility(values, variances, settings)[0]
    chosen = "the plausible set's medians"
    if imp.max() > CUTOFF:
        nearest = idx[int(np.argmin(np.linalg.norm(x - median, axis=1)))]
        cons = dict(zip(result.names, (float(v) for v in result.to_constants(result.last.x[nearest][None, :])[0])))
        sim = list(map_(fn, [cons]))[0]
        values = np.array([[sim[k][0] for k in keys]])
        variances = np.array([[sim[k][1] for k in keys]])
        imp = _sim_implausibility(values, variances, settings)[0]
        chosen = f"the plausible point nearest to the medians (point {int(nearest)} of the last wave)"
    return {"constants": cons, "chosen": chosen, "replicates": reps, "seed": settings.seed + 1,
            "values": dict(zip(keys, values[0].tolist())), "variances": dict(zip(keys, variances[0].tolist())),
            "implausibility": dict(zip(keys, imp.tolist())), "max_implausibility": float(imp.max())}
