"""Global sensitivity indices of a sweep (SALib, the optional ``sensitivity`` extra).

For LHS and Sobol designs: the delta moment-independent index and its first-order S1 for any
sample, and Sobol S1/ST when the design is a Saltelli/Sobol sample in SALib's layout
(``sensitivity.csv``, ``sim.experiments.tables.SENSITIVITY_COLUMNS``).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import inspect
import multiprocessing
import io
import math
import warnings
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from sim.experiments.parallel import delta_workers
from sim.experiments.statistics import CONFIDENCE
from sim.experiments.tables import MIN_POINTS, OUTPUTS, SENSITIVITY_COLUMNS


def salib_available() -> bool:
    """Whether the optional SALib is installed (the indices need it)."""
    try:
        import SALib  # noqa: F401 - the optional [sensitivity] extra, looked for only when needed
    except ImportError:
        return False
    return True


def saltelli_blocks(X: np.ndarray) -> bool | None:
    """calc_second_order if X (rows in design order) has SALib's Sobol sample layout, else None."""
    n, d = X.shape
    for second, step in ((True, 2 * d + 2), (False, d + 2)):
        if d < 1 or n % step or n < 2 * step:
            continue
        blocks = X.reshape(n // step, step, d)
        A, B = blocks[:, 0, :], blocks[:, -1, :]
        ok = True
        for i in range(d):
            ab = A.copy()
            ab[:, i] = B[:, i]
            if not np.allclose(blocks[:, 1 + i, :], ab, rtol=1e-6, atol=1e-9):
                ok = False
                break
        if ok:
            return second
    return None


@contextlib.contextmanager
def _quiet_salib() -> Iterator[None]:
    """SALib prints notices, resets warning filters and seeds numpy's global generator:
    keep all three to this call. One BLAS thread when threadpoolctl is there (the many
    tiny KDE solves run several times slower threaded)."""
    state = np.random.get_state()
    with contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings(record=True))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        try:
            from threadpoolctl import threadpool_limits  # the optional [sensitivity] extra, with SALib
            stack.enter_context(threadpool_limits(1))
        except ImportError:
            pass
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            np.random.set_state(state)


DELTA_KEYS = ("delta", "delta_conf", "S1", "S1_conf")
# Bootstrap resamples of the delta index (SALib's num_resamples): 100 up to DELTA_FULL_UP_TO design
# points, then fewer, so that the cost stays about that of 1,000 points (a resample costs a kernel density
# estimate per bin on every point, so its cost grows with the points), never below DELTA_MIN_RESAMPLES.
# With many points the index moves little from one resample to the next: 30 resamples give its bias
# correction and the interval's half-width (1.96 x their standard deviation, known to about 13%) with
# room to spare (assumption; Plischke et al. 2013 bootstrap with some dozens to 100 resamples).
DELTA_RESAMPLES = 100
DELTA_FULL_UP_TO = 1000
DELTA_MIN_RESAMPLES = 30


def delta_resamples(points: int) -> int:
    """The delta index's bootstrap resamples for a design of ``points`` points (DELTA_RESAMPLES)."""
    if points <= DELTA_FULL_UP_TO:
        return DELTA_RESAMPLES
    return max(DELTA_MIN_RESAMPLES, DELTA_RESAMPLES * DELTA_FULL_UP_TO // points)


@contextlib.contextmanager
def _raw_delta_only(salib_delta: Any) -> Iterator[None]:
    """SALib >= 1.5 estimates the delta index three ways ('balanced', 'raw', 'step') and this analysis
    reads 'raw' only (the classic given-data estimator). For the others, draw the bootstrap subsets as
    SALib would (the same calls to its global generator, so 'raw' gets the very draws, and the very
    floats, it gets after them) but skip their kernel density estimates, which were half the cost.
    Left as it is when SALib's internals are not the ones this was written for (``bias_reduced_delta``
    taking a mode, and ``obtain_resampled_subset``); tests compare the result with a plain SALib call."""
    original = getattr(salib_delta, "bias_reduced_delta", None)
    resample = getattr(salib_delta, "obtain_resampled_subset", None)
    try:
        signature = inspect.signature(original) if original is not None else None
    except (TypeError, ValueError):
        signature = None
    if resample is None or signature is None or not {"mode", "num_resamples", "X"} <= set(signature.parameters):
        yield
        return

    def draws_only(*args: Any, **kwargs: Any) -> tuple[float, float, Any]:
        a = signature.bind(*args, **kwargs).arguments
        if a["mode"] == "raw":
            return original(*args, **kwargs)
        subset = (a["X"], a["y_resamples"], a["mode"], a["bin_edges"], a["paramname"], a["min_class_size"])
        first = resample(*subset, warn_print=True)
        try:
            for _ in range(a["num_resamples"]):
                resample(*subset, warn_print=False)
        except ValueError as exc:  # as SALib reports it
            raise RuntimeError(f"Bootstrap error: [{a['paramname']}][{a['mode']}]: {exc}") from exc
        return math.nan, math.nan, first

    salib_delta.bias_reduced_delta = draws_only
    try:
        yield
    finally:
        salib_delta.bias_reduced_delta = original


def _delta_one(job: tuple[str, list[float], np.ndarray, np.ndarray, int, int]) -> tuple[dict[str, float], str]:
    """SALib's delta and S1 of one input (a process pool's job): the values, and an error text or ''."""
    from SALib.analyze import delta as salib_delta  # the optional [sensitivity] extra, as above

    p, bounds, x, y, seed, resamples = job
    one = {"num_vars": 1, "names": [p], "bounds": [bounds]}
    bins = max(2, min(10, len(y) // 10))  # SALib >= 1.5 bins each input, 10 points a bin
    kw = {"bins_specs": {p: bins}} if "bins_specs" in inspect.signature(salib_delta.analyze).parameters else {}
    with _quiet_salib(), _raw_delta_only(salib_delta):
        try:
            r = dict(salib_delta.analyze(one, x, y, num_resamples=resamples, conf_level=CONFIDENCE, seed=seed, **kw))
            if "delta_raw" in r:  # SALib >= 1.5: the classic given-data estimator is 'raw'
                r["delta"], r["delta_conf"] = r["delta_raw"], r["delta_raw_conf"]
            return {k: float(np.asarray(r[k])[0]) for k in DELTA_KEYS}, ""
        except Exception as exc:  # SALib raises bare errors on degenerate samples
            return {k: math.nan for k in DELTA_KEYS}, str(exc)[:120]


def sensitivity_indices(design_df: pd.DataFrame, outputs: pd.DataFrame, params: Sequence[str], *,
                        roles: dict[str, str] | None = None, design_kind: str = "lhs",
                        seed: int = 12345, notes: list[str] | None = None,
                        workers: int | None = 1, max_workers: int | None = None) -> pd.DataFrame:
    """Global sensitivity indices of each output to the numeric varied parameters (SALib).

    ``design_df`` has one row a design point (``design_point`` and the parameters),
    ``outputs`` is indexed by design point. The delta index (valid for any sample) is
    always computed; Sobol S1/ST too when the design is a Saltelli/Sobol sample in order.
    Raises ImportError when SALib is missing. Problems go to ``notes``. ``workers``: processes for the
    delta index's jobs (None: every core, at most ``max_workers``, when their work repays a pool,
    ``parallel.delta_workers``).
    """
    # The optional [sensitivity] extra: imported only when a sweep is an LHS or Sobol design.
    from SALib.analyze import sobol as salib_sobol

    notes = notes if notes is not None else []
    roles = roles or {}
    d = design_df.set_index("design_point").sort_index().join(outputs, how="inner")
    usable = []
    for p in params:
        col = d[p]
        if col.dtype == bool:
            d[p] = col.astype(float)
        elif not pd.api.types.is_numeric_dtype(col):
            notes.append(f"sensitivity: {p} is not numeric ({col.dropna().unique()[:3].tolist()}...), left out")
            continue
        if d[p].nunique() < 2:
            continue
        usable.append(p)
    rows = []
    if not usable or len(d) < 10:
        notes.append("sensitivity: needs at least one numeric varied parameter and 10 design points; skipped")
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
    X = d[usable].to_numpy(dtype=float)
    problem = {"num_vars": len(usable), "names": list(usable),
               "bounds": [[float(X[:, i].min()), float(X[:, i].max())] for i in range(len(usable))]}
    second = saltelli_blocks(X) if design_kind == "sobol" else None
    if design_kind == "sobol" and second is None:
        notes.append("sensitivity: the Sobol design is not in SALib's Saltelli layout; delta index only")
    resamples = delta_resamples(len(d))
    if resamples < DELTA_RESAMPLES:
        notes.append(f"sensitivity: {len(d)} design points: the delta index's bootstrap uses {resamples} "
                     f"resamples (100 up to {DELTA_FULL_UP_TO} points; sim.experiments.indices.DELTA_RESAMPLES)")
    outputs_used = []
    for out in OUTPUTS:
        Y = d[out].to_numpy(dtype=float)
        if np.nanstd(Y) == 0:
            notes.append(f"sensitivity: {out} is the same at every design point; no index")
            continue
        outputs_used.append(out)
    # one input at a time: the delta and its S1 are marginal, and SALib gives up on a whole call when
    # one input's density estimate is singular; every output's inputs in one process pool when asked
    jobs = [(p, problem["bounds"][i], X[:, i : i + 1], d[out].to_numpy(dtype=float), seed, resamples)
            for out in outputs_used for i, p in enumerate(usable)]
    workers = delta_workers(len(jobs) * len(d) * (resamples + 1), workers, cap=max_workers)
    if workers > 1 and len(jobs) > 1:
        with cf.ProcessPoolExecutor(min(workers, len(jobs)),
                                    mp_context=multiprocessing.get_context("forkserver")) as pool:
            delta_all = list(pool.map(_delta_one, jobs))
    else:
        delta_all = [_delta_one(job) for job in jobs]
    for j, out in enumerate(outputs_used):
        Y = d[out].to_numpy(dtype=float)
        results: list[tuple[str, str, Any]] = []
        got_all = delta_all[j * len(usable):(j + 1) * len(usable)]
        per_input: dict[str, list] = {k: [] for k in DELTA_KEYS}
        for p, (got, error) in zip(usable, got_all):
            if error:
                notes.append(f"sensitivity: no delta index of {p} for {out} ({error})")
            for k in per_input:
                per_input[k].append(got[k])
        with _quiet_salib():
            results += [("delta", "delta", per_input), ("delta", "S1", per_input)]
            if second is not None:
                try:
                    r = salib_sobol.analyze(problem, Y, calc_second_order=second, num_resamples=100,
                                            conf_level=CONFIDENCE, seed=seed)
                    results += [("sobol", "S1", r), ("sobol", "ST", r)]
                except Exception as exc:
                    notes.append(f"sensitivity: Sobol analysis failed for {out} ({exc})")
        for method, index, r in results:
            for i, p in enumerate(usable):
                v, c = float(r[index][i]), float(r[f"{index}_conf"][i])
                if not math.isfinite(v):
                    continue
                rows.append(dict(parameter=p, role=roles.get(p, "unspecified"), output=out, method=method, index=index,
                                 value=v, conf=c, low=v - c, high=v + c))
    df = pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
    df = df.sort_values(["output", "method", "index", "parameter"], kind="stable").reset_index(drop=True)
    base_samples = {"delta": len(d), "sobol": len(d) // (len(usable) * (2 if second else 1) + 2)}
    df["warning"] = _warnings(df, base_samples)
    flagged = int((df["warning"] != "").sum())
    if flagged:
        few = [f"{m}: {n} {'design points' if m == 'delta' else 'base samples'} (< {MIN_POINTS[m]})"
               for m, n in base_samples.items() if m in set(df["method"]) and n < MIN_POINTS[m]]
        notes.append(f"sensitivity: {flagged} of {len(df)} indices come with a small-sample warning "
                     f"(sensitivity.csv 'warning'){'; ' + ', '.join(few) if few else ''}: read them as rough")
    return df


def _warnings(df: pd.DataFrame, base_samples: dict[str, int]) -> list[str]:
    """Why an index cannot be read as it is (SENSITIVITY_COLUMNS 'warning'), one text a row."""
    st = {(r.parameter, r.output): r.value for r in df.itertuples() if r.method == "sobol" and r.index == "ST"}
    out = []
    for r in df.itertuples():
        why = []
        if r.value < 0:
            why.append("negative")
        if math.isfinite(r.conf) and r.value - r.conf <= 0:
            why.append("interval includes 0")
        if base_samples[r.method] < MIN_POINTS[r.method]:
            why.append("few points")
        if r.method == "sobol" and r.index == "S1" and r.value > st.get((r.parameter, r.output), math.inf) + 1e-12:
            why.append("S1 above ST")
        out.append("; ".join(why))
    return out

