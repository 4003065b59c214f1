"""Scenario discovery on a sweep folder: under which conditions does a design fail?

``python -m sim discover DIR --outcome escalated`` reads a sweep (runs.csv,
design_points.csv, manifest.json), marks the *cases of interest* (runs that escalated,
or design points whose outcome crosses a threshold) and asks EMA Workbench's analysis:

* **PRIM** (Friedman and Fisher 1999; Bryant and Lempert 2010): a box of parameter
  limits that holds many cases of interest (coverage: the share of all cases inside the
  box) and few others (density: the share of cases among the runs inside). Peeling gives
  a trajectory of boxes trading coverage for density; the box reported is the densest one
  that keeps ``min_coverage`` (or the one chosen with ``box``), then *pruned*: the least
  significant restriction is dropped while its quasi-p (a one-sided binomial test of the
  limit, Bryant and Lempert 2010) is above ``alpha`` (EMA's ``PrimBox.drop_restriction``),
  and each remaining restriction's stability is measured by re-running PRIM on half samples
  (EMA's ``PrimBox.resample``: the share of re-runs that restrict the parameter too).
* **Feature scoring** (extra trees): how much each parameter tells the cases apart.

The algorithms are EMA Workbench's (``pip install 'paris-guarantees-sim[discovery]'``:
2.5 on Python 3.11, 3.x on 3.12+); this module prepares the data and writes the results.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure

from sim.config.errors import did_you_mean
from sim.config.overrides import dotted
from sim.errors import EXIT_OK, FolderError, UsageError
from sim.experiments.reading import load_sweep
from sim.experiments.tables import SUMMARY_COLUMNS, escalation_summary, table_text
from sim.files import atomic_write, write_manifest
from sim.outfolder import (
    MANIFEST,
    check_target,
    holding,
    is_write_error,
    read_manifest,
    record_files,
    refuse_if_held,
    staged,
    write_failure,
)
from sim.outputs import RUN_COLUMNS
from sim.provenance import package_info

TRAJECTORY_COLUMNS = ("step", "coverage", "density", "mass", "res_dim", "n", "k", "origin", "chosen")
BOX_COLUMNS = ("parameter", "kind", "low", "high", "values", "sampled_low", "sampled_high", "sampled_values",
               "qp_low", "qp_high", "qp", "reproduce_coverage", "reproduce_density")
SIGNIFICANCE = 0.05  # restrictions whose quasi-p is above it are dropped (Bryant and Lempert 2010)
RESAMPLES = 10  # PRIM re-run on this many half samples to tell stable restrictions (EMA's PrimBox.resample)


def _workbench() -> tuple[Any, Any, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "ipyparallel not installed": not needed here
            # The optional [discovery] extra: imported only when discover runs.
            import ema_workbench
            from ema_workbench.analysis import feature_scoring, prim
    except ImportError:
        raise UsageError("discover needs EMA Workbench's analysis: pip install 'paris-guarantees-sim[discovery]' "
                           "(or pip install ema_workbench)") from None
    return prim, feature_scoring, ema_workbench.__version__


@dataclass
class Discovery:
    """What ``discover`` found; ``text()`` reads it out."""

    question: str
    outcome: str
    rule: str  # how a case of interest is defined, in words
    unit: str  # 'runs' or 'design points'
    cases: int
    total: int
    trajectory: pd.DataFrame  # TRAJECTORY_COLUMNS: one row a box of the peeling trajectory
    box: pd.DataFrame  # BOX_COLUMNS: one row a restricted parameter of the chosen box
    chosen: int  # the box reported (after pruning)
    scores: pd.DataFrame  # parameter, score (extra-trees importance), highest first
    picked: int = -1  # the box picked on the peeling trajectory, before pruning (-1: chosen)
    alpha: float | None = SIGNIFICANCE  # pruning's significance level (None: not pruned)
    resamples: int = RESAMPLES
    out: Path | None = None
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.picked < 0:
            self.picked = self.chosen

    def text(self) -> str:
        r = self.trajectory.loc[self.chosen]
        peeled = int((self.trajectory["origin"] == "peeling").sum())
        lines = [self.question,
                 f"cases of interest ({self.rule}): {self.cases} of {self.total} {self.unit} "
                 f"({self.cases / self.total:.1%})"]
        if self.picked != self.chosen:
            p = self.trajectory.loc[self.picked]
            lines.append(f"PRIM box {self.picked} of {peeled - 1} on the peeling trajectory (coverage "
                         f"{p.coverage:.2f}, density {p.density:.2f}, {int(p.res_dim)} restrictions), pruned to "
                         f"the restrictions significant at quasi-p <= {self.alpha:g} ({r.origin}):")
        else:
            lines.append(f"PRIM box {self.chosen} of {peeled - 1} on the peeling trajectory"
                         + (f" (every restriction significant at quasi-p <= {self.alpha:g})" if self.alpha else "")
                         + ":")
        lines.append(f"  coverage {r.coverage:.2f} (share of the cases inside the box), density {r.density:.2f} "
                     f"(share of cases among the {self.unit} inside), mass {r.mass:.2f} "
                     f"(share of the {self.unit} inside); {int(r.res_dim)} restricted parameter"
                     f"{'s' if int(r.res_dim) != 1 else ''} (quasi-p; share of {self.resamples} half-sample "
                     f"re-runs restricting it too):")
        if self.box.empty:
            lines.append("  (none: the cases are spread over the whole sample)")
        width = max([len(p) for p in self.box["parameter"]] + [10])
        for b in self.box.itertuples(index=False):
            tests = f"quasi-p {_p(b.qp)}" + (f", stable {b.reproduce_coverage:.0f}%"
                                             if not math.isnan(b.reproduce_coverage) else "")
            if b.kind == "range":
                lines.append(f"  {b.parameter:<{width}}  {_num(b.low)} to {_num(b.high)}"
                             f"   (sampled {_num(b.sampled_low)} to {_num(b.sampled_high)}; {tests})")
            else:
                lines.append(f"  {b.parameter:<{width}}  {b.values.replace('|', ', ')}"
                             f"   (sampled {b.sampled_values.replace('|', ', ')}; {tests})")
        if not self.scores.empty:
            top = ", ".join(f"{p} {s:.2f}" for p, s in self.scores.head(8).itertuples(index=False))
            lines.append(f"feature scores (extra trees, higher tells the cases apart better): {top}")
        if self.files:
            lines.append(f"wrote {', '.join(self.files)} to {self.out}/")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:.4g}"


def _p(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.2g}"


# --- the data -------------------------------------------------------------------------------

def _inputs(frame: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """The varied parameters as PRIM takes them: numbers, or categories for switches and text."""
    x = pd.DataFrame(index=frame.index)
    for p in params:
        col = frame[p]
        if col.nunique(dropna=False) < 2:
            continue
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            x[p] = pd.Categorical(col.astype(str))
        else:
            x[p] = col.astype(float) if pd.api.types.is_float_dtype(col) else col
    return x


def _cases(values: pd.Series, outcome: str, threshold: float | None, below: bool,
           equals: str | None) -> tuple[np.ndarray, str, list[str]]:
    """Cases of interest (bool array), the rule in words, notes."""
    notes: list[str] = []
    if equals is not None:
        if threshold is not None or below:
            raise UsageError("--equals takes no --threshold or --below")
        return (values.astype(str) == equals).to_numpy(), f"{outcome} is {equals}", notes
    if pd.api.types.is_bool_dtype(values):
        if threshold is not None:
            raise UsageError(f"{outcome} is true or false: it takes no --threshold "
                               f"(the cases of interest are the runs where it is {not below})")
        return (values.to_numpy(bool) != below), f"{outcome} is {str(not below).lower()}", notes
    if not pd.api.types.is_numeric_dtype(values):
        shown = ", ".join(map(str, sorted(values.dropna().astype(str).unique())[:6]))
        raise UsageError(f"{outcome} is text: give --equals VALUE (one of {shown})")
    if threshold is None:
        lo, hi = values.min(), values.max()
        raise UsageError(f"{outcome} is a number: give --threshold T (cases are {outcome} > T, or < T with "
                           f"--below; it ranges from {lo:g} to {hi:g} here)")
    missing = values.isna()
    if missing.any():
        notes.append(f"{int(missing.sum())} rows with no {outcome} (censored or undefined) are not cases")
    v = values.to_numpy(float)
    with np.errstate(invalid="ignore"):
        y = (v < threshold) if below else (v > threshold)
    return y & ~missing.to_numpy(), f"{outcome} {'<' if below else '>'} {threshold:g}", notes


def _question(manifest: dict[str, Any], design: pd.DataFrame, rule: str) -> str:
    names = list(dict.fromkeys(design["scenario"].astype(str)))
    what = names[0] if len(names) == 1 else "the designs " + ", ".join(names)
    return f"Under which conditions does {what} fail ({rule})?"


# --- PRIM -----------------------------------------------------------------------------------

def _run_prim(prim: Any, version: str, x: pd.DataFrame, y: np.ndarray, mass_min: float, peel_alpha: float,
              paste_alpha: float) -> Any:
    kw: dict[str, Any] = {"mass_min": mass_min, "peel_alpha": peel_alpha, "paste_alpha": paste_alpha}
    if int(version.split(".")[0]) < 3:
        # 2.x counts y >= threshold as cases and drops a final box whose density is below it; with
        # 0/1 data any tiny positive threshold counts exactly the cases and keeps every box, as 3.x does
        kw["threshold"] = 1e-9
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecation notices from inside the library
        return prim.Prim(x, y.astype(int), **kw).find_box()


def _limits(box: Any, i: int, x: pd.DataFrame) -> pd.DataFrame:
    lims, init = box.box_lims[i], box.box_lims[0]
    qps = getattr(box, "p_values", None) or getattr(box, "qp", None) or []
    qp = qps[i] if i < len(qps) else {}
    rows = []
    for p in x.columns:
        pq = list(qp.get(p, [math.nan, math.nan])) if isinstance(qp, dict) else [math.nan, math.nan]
        # EMA marks a side left unrestricted with -1
        pq = [float(v) if v is not None and float(v) >= 0 else math.nan for v in (pq + [math.nan, math.nan])[:2]]
        if isinstance(x[p].dtype, pd.CategoricalDtype):
            now, full = set(lims[p].iloc[0]), set(init[p].iloc[0])
            if now == full:
                continue
            rows.append(dict(parameter=p, kind="values", low=math.nan, high=math.nan, values="|".join(sorted(now)),
                             sampled_low=math.nan, sampled_high=math.nan, sampled_values="|".join(sorted(full)),
                             qp_low=pq[0], qp_high=pq[1]))
            continue
        lo, hi, lo0, hi0 = (float(lims[p].iloc[0]), float(lims[p].iloc[1]),
                            float(init[p].iloc[0]), float(init[p].iloc[1]))
        if lo <= lo0 and hi >= hi0:
            continue
        rows.append(dict(parameter=p, kind="range", low=lo, high=hi, values="", sampled_low=lo0, sampled_high=hi0,
                         sampled_values="", qp_low=pq[0], qp_high=pq[1]))
    frame = pd.DataFrame(rows, columns=list(BOX_COLUMNS))
    # a restriction is as significant as its least significant limit (each is pruned on its own)
    frame["qp"] = frame[["qp_low", "qp_high"]].max(axis=1, skipna=True)
    return frame


def _choose(traj: pd.DataFrame, min_coverage: float) -> int:
    """The densest box keeping ``min_coverage``; fewer restrictions, then more coverage, break ties."""
    ok = traj[traj["coverage"] >= min_coverage - 1e-12]
    if ok.empty:
        return 0
    best = ok.sort_values(["density", "res_dim", "coverage"], ascending=[False, True, False], kind="stable")
    return int(best.index[0])


def _plot(traj: pd.DataFrame, chosen: int, question: str, path: Path, picked: int | None = None) -> None:
    picked = chosen if picked is None else picked
    fig = Figure(figsize=(7.5, 5.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    dims = traj["res_dim"].astype(int)
    top = max(1, int(dims.max()))
    cmap = colormaps["viridis"].resampled(top + 1)
    sc = ax.scatter(traj["coverage"], traj["density"], c=dims, cmap=cmap, s=28, zorder=2,
                    norm=BoundaryNorm(np.arange(-0.5, top + 1.5), cmap.N))
    peel = traj[traj["origin"] == "peeling"]
    ax.plot(peel["coverage"], peel["density"], color="0.75", lw=0.8, zorder=1)
    pruned = traj[traj["origin"] != "peeling"]
    if len(pruned):  # the pruning path: from the box picked to the one reported
        path_ = pd.concat([traj.loc[[picked]], pruned])
        ax.plot(path_["coverage"], path_["density"], color="crimson", lw=0.8, ls="--", zorder=1,
                label="pruning: restrictions not significant dropped")
    r = traj.loc[chosen]
    ax.scatter([r.coverage], [r.density], s=160, facecolors="none", edgecolors="crimson", lw=1.8, zorder=3,
               label=f"reported box {chosen}: coverage {r.coverage:.2f}, density {r.density:.2f}")
    cb = fig.colorbar(sc, ax=ax, ticks=range(top + 1))
    cb.set_label("restricted parameters")
    ax.set_xlabel("coverage: share of the cases of interest inside the box")
    ax.set_ylabel("density: share of cases among what the box holds")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", frameon=False)
    ax.set_title("PRIM peeling trajectory\n" + question, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


# --- the whole analysis ---------------------------------------------------------------------

@dataclass
class Found:
    """PRIM's peeling trajectory, the reported box and feature scores for one (x, y)."""

    trajectory: pd.DataFrame  # TRAJECTORY_COLUMNS (the pruned boxes after the peeling ones)
    box: pd.DataFrame  # BOX_COLUMNS, restricted parameters only
    chosen: int  # the box reported (after pruning)
    scores: pd.DataFrame  # parameter, score
    version: str  # EMA Workbench's
    picked: int = -1  # the box picked on the peeling trajectory (before pruning)
    notes: list[str] = field(default_factory=list)  # e.g. why stability was not measured


def _prune(found: Any, i: int, x: pd.DataFrame, alpha: float) -> tuple[int, list[str]]:
    """Drop the least significant limit of box ``i`` while its quasi-p is above ``alpha``: a range's
    lower or upper limit goes back to the sampled one (a restriction cut on one side only keeps the
    other), a set of values is dropped whole. Each smaller box is added to PRIM's trajectory with
    EMA's ``PrimBox.update`` (as its ``drop_restriction`` does, which drops both sides at once).
    Returns the last box and what was dropped, in order."""
    dropped: list[str] = []
    init = found.box_lims[0]
    while True:
        limits = _limits(found, i, x)
        sides = [(qp, r.parameter, side) for r in limits.itertuples(index=False)
                 for side, qp in (("lower", r.qp_low), ("upper", r.qp_high)) if not math.isnan(qp)]
        if not sides or max(sides)[0] <= alpha:
            return i, dropped
        _, param, side = max(sides, key=lambda s: (s[0], s[1], s[2]))
        lims = found.box_lims[i].copy()
        kind = limits.set_index("parameter").loc[param, "kind"]
        if kind == "values":
            lims[param] = init[param]
            dropped.append(param)
        else:
            row = 0 if side == "lower" else 1
            lims.loc[lims.index[row], param] = init.loc[init.index[row], param]
            dropped.append(f"{param}'s {side} limit")
        inside = _in_box(found, lims)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found.update(lims, inside)
        i = len(found.box_lims) - 1


def _in_box(found: Any, lims: pd.DataFrame) -> np.ndarray:
    """Indices of the rows PRIM still holds that lie within ``lims`` (limits inclusive, as EMA's)."""
    prim = found.prim
    rows = np.asarray(prim.yi_remaining)
    x = prim.x.loc[rows, :]
    mask = np.ones(len(rows), dtype=bool)
    for p in lims.columns:
        col = x[p]
        if isinstance(col.dtype, pd.CategoricalDtype) or col.dtype == object:
            mask &= col.isin(set(lims[p].iloc[0])).to_numpy()
        else:
            mask &= ((col >= lims[p].iloc[0]) & (col <= lims[p].iloc[1])).to_numpy()
    return rows[mask]


def _stability(found: Any, i: int, iterations: int, seed: int) -> pd.DataFrame | None:
    """EMA's PrimBox.resample: per parameter, the % of PRIM re-runs on half samples restricting it in the
    box nearest in coverage (and in density). EMA draws from numpy's global generator: seeded here, then
    put back. None when a half sample held no case or only cases: with k cases in n rows that happens
    about 0.5**k times a draw, and EMA's PRIM asserts on it (a one-class sample has no box)."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.disable(logging.INFO)
            try:
                return found.resample(i, iterations=iterations)
            except AssertionError:  # EMA's Prim(...) checks that y holds both 0 and 1, by assert
                return None
            finally:
                logging.disable(logging.NOTSET)
    finally:
        np.random.set_state(state)


def find_box(x: pd.DataFrame, y: Any, *, min_coverage: float = 0.5, box: int | None = None,
             mass_min: float = 0.05, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
             seed: int = 0, alpha: float | None = SIGNIFICANCE, resamples: int = RESAMPLES) -> Found:
    """PRIM (one box) and extra-trees feature scores of cases ``y`` (true/false) over inputs ``x``.

    ``x``: one column a parameter; text, switches and categories are treated as categories
    (EMA Workbench's experiments table works as it is: its scenario/policy/model columns are
    dropped). The box picked is the densest on the peeling trajectory that keeps
    ``min_coverage``, or box number ``box``; it is then pruned to the restrictions whose
    quasi-p is at most ``alpha`` (None: not pruned), and each restriction's stability is
    measured on ``resamples`` half samples (0: not measured).
    """
    prim, feature_scoring, version = _workbench()
    x = x.drop(columns=[c for c in ("scenario", "policy", "model") if c in x.columns and
                        isinstance(x[c].dtype, pd.CategoricalDtype)])
    # one spelling in the boxes: EMA's monitoring__coverage is reported as monitoring.coverage
    x = x.rename(columns={c: dotted(c) for c in x.columns if isinstance(c, str)})
    x = _inputs(x.reset_index(drop=True), list(x.columns))
    y = np.asarray(y, dtype=bool)
    if x.shape[1] == 0:
        raise UsageError("nothing varies in the inputs: PRIM needs at least one varied parameter")
    k = int(y.sum())
    if k == 0 or k == len(y):
        raise UsageError(f"{'no' if k == 0 else 'every'} row is a case of interest: nothing to tell apart")
    found = _run_prim(prim, version, x, y, mass_min, peel_alpha, paste_alpha)
    t = found.peeling_trajectory.reset_index(drop=True)
    peeled = len(t)
    if box is not None:
        if not 0 <= box < peeled:
            raise UsageError(f"--box {box}: the peeling trajectory has boxes 0 to {peeled - 1}")
        picked = int(box)
    else:
        picked = _choose(pd.DataFrame({"coverage": t["coverage"].astype(float),
                                       "density": t["density"].astype(float),
                                       "res_dim": t["res_dim"].astype(int)}), min_coverage)
    chosen, dropped = (picked, []) if alpha is None else _prune(found, picked, x, alpha)
    t = found.peeling_trajectory.reset_index(drop=True)
    origin = ["peeling"] * peeled + [f"box {picked} without " + ", ".join(dropped[: j + 1])
                                     for j in range(len(t) - peeled)]
    traj = pd.DataFrame({"step": range(len(t)), "coverage": t["coverage"].astype(float),
                         "density": t["density"].astype(float), "mass": t["mass"].astype(float),
                         "res_dim": t["res_dim"].astype(int), "n": t["n"].astype(int), "k": t["k"].astype(int),
                         "origin": origin})
    traj["chosen"] = traj["step"] == chosen
    limits = _limits(found, chosen, x)
    notes: list[str] = []
    if resamples and not limits.empty:
        stable = _stability(found, chosen, resamples, seed)
        if stable is None:
            notes.append(f"stability not measured: a half sample held {'no case' if 2 * k < len(y) else 'no non-case'}"
                         f" ({k} cases of {len(y)}); PRIM needs both in each, so sample more")
        else:
            limits["reproduce_coverage"] = limits["parameter"].map(stable["reproduce coverage"]).astype(float)
            limits["reproduce_density"] = limits["parameter"].map(stable["reproduce density"]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores_df, _ = feature_scoring.get_ex_feature_scores(x, y.astype(int), random_state=seed)
    scores = (scores_df.iloc[:, 0].rename("score").rename_axis("parameter").reset_index()
              .sort_values(["score", "parameter"], ascending=[False, True], kind="stable").reset_index(drop=True))
    return Found(traj, limits, chosen, scores, version, picked, notes)


def discover(directory: str | Path, outcome: str = "escalated", *, threshold: float | None = None,
             below: bool = False, equals: str | None = None, min_coverage: float = 0.5, box: int | None = None,
             mass_min: float = 0.05, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
             out: str | Path | None = None, write: bool = True, seed: int = 0, overwrite: bool = False,
             alpha: float | None = SIGNIFICANCE, resamples: int = RESAMPLES) -> Discovery:
    """PRIM and feature scoring on a sweep folder.

    ``outcome``: a runs.csv column (one case a run: ``escalated``, ``war_weeks``, ...) or a
    summary.csv statistic (one case a design point: ``p_escalation``, ``rmst_weeks``, ...).
    True/false outcomes need nothing more; numbers need ``threshold`` (cases above it, or
    below with ``below``); text needs ``equals``. Writes, unless ``write`` is false, to
    ``out`` (default ``DIR/discovery_<outcome>/``): prim_trajectory.csv, prim_box.csv,
    prim_tradeoff.png, feature_scores.csv, discovery.json (and the manifest.json that lists them).
    The folder contract is the sweep's (docs/OUTPUTS.md): a folder holding files the tool did not
    write is refused, an earlier discovery is replaced only with ``overwrite=True``, a folder another
    process writes is refused; the default folder is recorded in DIR's manifest before it is written,
    so that a later ``sweep --overwrite`` of DIR counts it as the tool's.
    The box is pruned to the restrictions significant at quasi-p <= ``alpha`` (None: not pruned)
    and each restriction's stability measured on ``resamples`` half samples. Refuses an unfinished
    sweep (a ``DIR.partial`` folder, or a manifest whose status is not complete): boxes drawn on
    part of a design would describe the order the runs finished in, not the model.
    """

    if not 0.0 <= min_coverage <= 1.0:
        raise UsageError(f"--min-coverage must be from 0 to 1, not {min_coverage}")
    if not isinstance(overwrite, bool):
        raise UsageError(f"discover: overwrite must be True or False, not {overwrite!r}")
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such folder (give a sweep's output folder, e.g. results/global_lhs)")
    if alpha is not None and not 0.0 < alpha <= 1.0:
        raise UsageError(f"--alpha must be above 0 and at most 1, not {alpha}")
    if resamples < 0:
        raise UsageError(f"--resamples must be 0 or more, not {resamples}")
    _refuse_unfinished(directory)
    folder = Path(out) if out is not None else directory / f"discovery_{outcome}"
    if write:  # refused before the work, and again under the lock before writing
        try:
            check_target(folder, overwrite=overwrite)
        except FolderError:
            refuse_if_held(folder)
            raise
    runs, design, manifest, params = load_sweep(directory)
    _workbench()  # say what to install before anything else
    per_point = outcome not in runs.columns
    if per_point:
        stats = [c for c in SUMMARY_COLUMNS if c not in ("design_point", "label", "scenario")]
        if outcome not in stats:

            run_cols = [c for c in RUN_COLUMNS if c not in ("run_id", "scenario", "seed")]
            raise UsageError(f"unknown outcome {outcome!r}{did_you_mean(outcome, run_cols + stats)}; allowed: a "
                               f"runs.csv column ({', '.join(run_cols)}) or a summary statistic "
                               f"({', '.join(stats)})")
        table = design.merge(escalation_summary(runs, ["design_point"]), on="design_point", how="inner")
        unit = "design points"
    else:
        table = runs
        unit = "runs"
    inputs = list(params) + (["scenario"] if design["scenario"].nunique() > 1 else [])
    x = _inputs(table, inputs)
    if x.shape[1] == 0:
        raise UsageError(f"{directory}: nothing varies in this sweep (no lever, uncertainty or second "
                           f"scenario); discovery needs a sampled design such as experiments/global_lhs.yaml")
    y, rule, notes = _cases(table[outcome], outcome, threshold, below, equals)
    k = int(y.sum())
    if k == 0 or k == len(y):
        which = f"none of the {len(y)} {unit} is a case" if k == 0 else f"all {len(y)} {unit} are cases"
        raise UsageError(f"{which} of interest ({rule}): nothing to tell apart")
    question = _question(manifest, design, rule)
    f = find_box(x, y, min_coverage=min_coverage, box=box, mass_min=mass_min, peel_alpha=peel_alpha,
                 paste_alpha=paste_alpha, seed=seed, alpha=alpha, resamples=resamples)
    traj, limits, chosen, scores, version = f.trajectory, f.box, f.chosen, f.scores, f.version
    result = Discovery(question, outcome, rule, unit, k, len(y), traj, limits, chosen, scores, picked=f.picked,
                       alpha=alpha, resamples=resamples, notes=notes + f.notes)
    if write:
        settings = dict(threshold=threshold, below=below, equals=equals, min_coverage=min_coverage, box=box,
                        mass_min=mass_min, peel_alpha=peel_alpha, paste_alpha=paste_alpha, seed=seed,
                        alpha=alpha, resamples=resamples)
        if out is None:  # inside the sweep folder: recorded in its manifest (under its lock) before written
            with holding(directory, flag="DIR", purpose=f"discover {directory}"):
                if read_manifest(directory) is None and (directory / MANIFEST).exists():
                    raise FolderError(f"{directory / MANIFEST}: not a manifest this tool wrote; discover records "
                                      f"its folder there: move it away, or give --out")
                check_target(folder, overwrite=overwrite)
                try:
                    record_files(directory, [folder.name + "/"])
                except OSError as exc:
                    if not is_write_error(exc):
                        raise
                    raise FolderError(write_failure(exc, directory, "recording the discovery folder")) from None
                _write_staged(result, folder, manifest, version, settings, overwrite)
        else:
            _write_staged(result, folder, manifest, version, settings, overwrite)
    return result


def _write_staged(result: Discovery, folder: Path, manifest: dict[str, Any], version: str, settings: dict,
                  overwrite: bool) -> None:
    with staged(folder, overwrite=overwrite, purpose=f"discover {result.outcome}") as work:
        _write(result, work, manifest, version, settings)
    result.out = folder


def _write(result: Discovery, folder: Path, manifest: dict[str, Any], version: str, settings: dict) -> None:
    files = ["prim_trajectory.csv", "prim_box.csv", "prim_tradeoff.png", "feature_scores.csv", "discovery.json"]
    write_manifest(folder / MANIFEST, {"command": "discover", "outcome": result.outcome, "files": files,
                                       "package": package_info()})
    atomic_write(folder / "prim_trajectory.csv", table_text(result.trajectory))
    atomic_write(folder / "prim_box.csv", table_text(result.box))
    atomic_write(folder / "feature_scores.csv", table_text(result.scores))
    _plot(result.trajectory, result.chosen, result.question, folder / "prim_tradeoff.png", result.picked)
    r = result.trajectory.loc[result.chosen]
    write_manifest(folder / "discovery.json", {
        "question": result.question, "outcome": result.outcome, "cases_of_interest": result.rule,
        "unit": result.unit, "cases": result.cases, "total": result.total, "settings": settings,
        "picked_box": int(result.picked),
        "chosen_box": {"step": result.chosen, "coverage": float(r.coverage), "density": float(r.density),
                       "mass": float(r.mass), "origin": str(r.origin), "restricted": list(result.box["parameter"]),
                       "quasi_p": {b.parameter: float(b.qp) for b in result.box.itertuples()}},
        "sweep": {"experiment": manifest.get("experiment"), "fingerprint": manifest.get("fingerprint"),
                  "inputs": manifest.get("inputs")},
        "library": f"ema_workbench {version} (PRIM; extra-trees feature scoring)",
        "package": package_info(),
    })
    result.files = files


def _refuse_unfinished(directory: Path) -> None:
    if directory.name.endswith(".partial"):
        raise UsageError(f"{directory}: an unfinished sweep (a .partial folder); finish it with "
                         f"`python -m sim sweep ... --resume` before discovery")
    try:
        status = json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("status")
    except (OSError, ValueError, AttributeError):
        return  # no manifest (runs from elsewhere): load_sweep checks the files
    if status not in (None, "complete"):
        raise UsageError(f"{directory}/manifest.json: status is {status!r}, not 'complete'; finish the sweep "
                         f"(`python -m sim sweep ... --resume`) before discovery: boxes drawn on part of a design "
                         f"describe the order the runs finished in")


def main(args: argparse.Namespace) -> int:
    """``python -m sim discover``."""
    result = discover(args.directory, args.outcome, threshold=args.threshold, below=args.below, equals=args.equals,
                      min_coverage=args.min_coverage, box=args.box, mass_min=args.mass_min, out=args.out,
                      overwrite=args.overwrite,
                      alpha=None if getattr(args, "no_prune", False) else getattr(args, "alpha", SIGNIFICANCE),
                      resamples=getattr(args, "resamples", RESAMPLES))
    print(result.text())
    return EXIT_OK
