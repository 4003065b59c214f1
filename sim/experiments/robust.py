"""Which design is robust? Each design evaluated over plausible worlds, ranked by regret and by a
satisficing measure (``python -m sim robust EXPERIMENT``).

A *design* is one combination of the experiment's levers (and scenario, when it lists
several). A *world* is one combination of its uncertainties crossed with one parameter set of
a plausible set (a calibration posterior: ``--posterior FILE``, ``--draws`` sets drawn from
it; replicate k uses set k % draws in every design, so designs meet the same worlds with the
same seeds). In each world a design has P(attack): the share of its runs there with the
outcome (``escalated`` by default: a renewed armed attack before the horizon).

Measures per design (robust decision making; Lempert et al. 2006, McPhail et al. 2018):

* **regret** in a world: its P(attack) less the best design's P(attack) in that world;
  ``max_regret`` (Savage's minimax regret) and ``mean_regret`` over the worlds;
* **satisficing**: ``share_satisficing``, the share of worlds where P(attack) stays at or
  under the threshold the user sets (Starr's domain criterion);
* ``mean_p`` and ``p90`` (the 90th percentile over worlds: a pessimistic but not worst view).

Designs are ranked by max_regret (then mean_regret), and separately by share_satisficing.
EMA Workbench 2.5 and 3 ship no robustness functions of their own (their tutorials compute
regret and satisficing with numpy on the outcomes), so these are computed here the same way.
Each world's P(attack) rests on few runs (replications / draws): ``runs_per_world`` is
reported, and regret from few runs is noisy; raise ``replications`` before trusting a rank.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.config.posterior import resolve_posterior, use_posterior
from sim.errors import EXIT_OK, UsageError
from sim.executors import executor
from sim.experiments.config import Experiment, load_experiment
from sim.experiments.sweep import run_sweep_in_memory
from sim.experiments.tables import table_text
from sim.files import atomic_write, write_manifest
from sim.provenance import package_info

DEFAULT_THRESHOLD = 0.2
DEFAULT_DRAWS = 10
DEFAULT_POSTERIOR = "plausible"  # the calibration's shipped plausible set

ROBUST_COLUMNS: dict[str, tuple[str, str, str]] = {
    "design": ("object", "", "The design: lever values (and scenario), as 'path=value, ...'."),
    "worlds": ("int64", "count", "Worlds the design was run in (uncertainty point x plausible parameter set)."),
    "runs_per_world": ("float64", "count", "Mean runs a world (replications / draws)."),
    "mean_p": ("float64", "probability", "Mean P(attack) over the worlds."),
    "p90": ("float64", "probability", "90th percentile of P(attack) over the worlds."),
    "max_regret": ("float64", "probability", "Largest regret over the worlds (minimax regret: smaller is more robust)."),
    "mean_regret": ("float64", "probability", "Mean regret over the worlds."),
    "share_satisficing": ("float64", "share", "Share of worlds where P(attack) <= the threshold."),
    "rank_regret": ("int64", "", "Rank by max_regret, then mean_regret (1: most robust)."),
    "rank_satisficing": ("int64", "", "Rank by share_satisficing, then mean_p (1: most robust)."),
}


@dataclass
class Robustness:
    table: pd.DataFrame  # one row a design (ROBUST_COLUMNS, lever columns after 'design')
    worlds: pd.DataFrame  # one row a design and world: P(attack), regret
    levers: list[str]
    uncertainties: list[str]
    threshold: float
    outcome: str
    draws: int

    def text(self, max_rows: int = 20) -> str:
        t = self.table.sort_values("rank_regret").head(max_rows)
        width = max([len("design"), *map(len, t["design"])])
        lines = [f"Which design is robust? P({self.outcome}) over {int(t['worlds'].max())} plausible worlds "
                 f"({self.draws} parameter sets x {self.table['worlds'].max() // max(1, self.draws)} uncertainty "
                 f"points); satisficing: P <= {self.threshold:g}",
                 f"{'design':<{width}}  {'max regret':>10}  {'mean regret':>11}  {'satisficing':>11}  "
                 f"{'mean P':>6}  {'P90':>5}  rank (regret, satisficing)"]
        for r in t.itertuples(index=False):
            lines.append(f"{r.design:<{width}}  {r.max_regret:>10.3f}  {r.mean_regret:>11.3f}  "
                         f"{r.share_satisficing:>11.0%}  {r.mean_p:>6.3f}  {r.p90:>5.3f}  "
                         f"{r.rank_regret}, {r.rank_satisficing}")
        few = float(self.table["runs_per_world"].min())
        if few < 20:
            lines.append(f"note: {few:.0f} runs a world: a world's P(attack) is coarse (steps of {1 / few:.2f}) and "
                         f"regret noisy; raise replications (a multiple of the draws) before trusting close ranks")
        return "\n".join(lines)


def robustness(runs: pd.DataFrame, levers: Sequence[str], uncertainties: Sequence[str], *,
               threshold: float = DEFAULT_THRESHOLD, outcome: str = "escalated",
               design_cols: Sequence[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per design: regret and satisficing over the worlds (ROBUST_COLUMNS); and the per-world table.

    ``runs``: one row a run with the lever and uncertainty columns, ``posterior_draw`` (the
    plausible parameter set; absent: one set) and ``outcome`` (true/false).
    """
    design_keys = list(design_cols) + list(levers)
    if not design_keys:
        raise UsageError("robust needs designs to compare: give the experiment levers (or several scenarios)")
    world_keys = list(uncertainties) + (["posterior_draw"] if "posterior_draw" in runs else [])
    frame = runs.assign(_hit=runs[outcome].astype(bool).astype(float), _world=0 if not world_keys else None)
    if world_keys:
        frame["_world"] = pd.factorize(pd.MultiIndex.from_frame(frame[world_keys].astype(str)))[0]
    frame["_design"] = [", ".join(f"{k}={_show(v)}" for k, v in zip(design_keys, row))
                        for row in frame[design_keys].itertuples(index=False, name=None)]
    per = frame.groupby(["_design", "_world"], sort=True).agg(p=("_hit", "mean"), runs=("_hit", "size")).reset_index()
    best = per.groupby("_world")["p"].transform("min")
    per["regret"] = (per["p"] - best).round(12)  # exact ties stay ties
    per["satisficing"] = per["p"] <= threshold + 1e-12
    g = per.groupby("_design", sort=True)
    table = pd.DataFrame({
        "worlds": g["_world"].nunique(), "runs_per_world": g["runs"].mean(), "mean_p": g["p"].mean(),
        "p90": g["p"].quantile(0.9), "max_regret": g["regret"].max(), "mean_regret": g["regret"].mean(),
        "share_satisficing": g["satisficing"].mean()}).reset_index(names="design")
    table["rank_regret"] = _rank(table, ["max_regret", "mean_regret", "mean_p"], [True, True, True])
    table["rank_satisficing"] = _rank(table, ["share_satisficing", "mean_p"], [False, True])
    values = frame.drop_duplicates("_design").set_index("_design")[design_keys]
    table = table.merge(values, left_on="design", right_index=True)
    table = table[["design", *design_keys, *[c for c in ROBUST_COLUMNS if c != "design"]]]
    table = table.sort_values(["rank_regret", "design"], kind="stable").reset_index(drop=True)
    worlds = per.rename(columns={"_design": "design", "_world": "world"})
    keys = frame.drop_duplicates("_world").set_index("_world")[world_keys] if world_keys else None
    if keys is not None:
        worlds = worlds.merge(keys, left_on="world", right_index=True)
    return table, worlds.sort_values(["design", "world"], kind="stable").reset_index(drop=True)


def _rank(table: pd.DataFrame, by: list[str], ascending: list[bool]) -> np.ndarray:
    order = table.sort_values([*by, "design"], ascending=[*ascending, True], kind="stable").index
    rank = np.empty(len(table), dtype=np.int64)
    rank[table.index.get_indexer(order)] = np.arange(1, len(table) + 1)
    return rank


def _show(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def evaluate(exp: Experiment, posterior: str | Path, *, draws: int = DEFAULT_DRAWS, threshold: float = DEFAULT_THRESHOLD,
             outcome: str = "escalated", workers: int = 1) -> Robustness:
    """Run ``exp`` over ``draws`` plausible parameter sets from ``posterior`` and measure robustness."""
    if not 0.0 <= threshold <= 1.0:
        raise UsageError(f"--threshold must be a probability from 0 to 1, not {threshold}")
    if not exp.levers and len(exp.scenarios) < 2:
        raise UsageError(f"{exp.file}: robust compares designs: give levers (or several scenarios)")
    exp = dataclasses.replace(exp, posterior=use_posterior(posterior, draws, exp.master_seed))
    with executor(workers) as ex:
        mem = run_sweep_in_memory(exp, ex.executor, slots=ex.slots, quiet=True)
    runs = pd.read_csv(io.StringIO(mem.runs_text))
    if outcome not in runs.columns or runs[outcome].dtype != bool:
        allowed = [c for c in runs.columns if runs[c].dtype == bool]
        raise UsageError(f"--outcome {outcome!r}: allowed a true/false outcome of runs.csv ({', '.join(allowed)})")
    design_cols = ["scenario"] if runs["scenario"].nunique() > 1 else []
    table, worlds = robustness(runs, exp.levers, exp.uncertainties, threshold=threshold, outcome=outcome,
                               design_cols=design_cols)
    return Robustness(table, worlds, list(exp.levers), list(exp.uncertainties), threshold, outcome, draws)


def plot(result: Robustness, path: Path) -> None:
    """Each design's share of satisficing worlds against its max regret (upper left is robust)."""
    t = result.table
    fig = Figure(figsize=(7.5, 5))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.scatter(t["max_regret"], t["share_satisficing"], s=40, c=t["mean_p"], cmap="viridis_r", zorder=2)
    shown = t.head(8)
    for (x, y), same in shown.groupby(["max_regret", "share_satisficing"], sort=False):  # one label a point
        names = [d if len(d) < 40 else d[:37] + "..." for d in same["design"]]
        ax.annotate("\n".join(names), (x, y), fontsize=7, xytext=(4, 3), textcoords="offset points",
                    ha="right" if x > 0.6 * max(t["max_regret"].max(), 1e-9) else "left")
    ax.set_xlabel(f"max regret: worst excess of P({result.outcome}) over the best design in a world")
    ax.set_ylabel(f"share of worlds with P({result.outcome}) <= {result.threshold:g}")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("Which design is robust? (upper left; colour: mean P, darker is higher)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(args: argparse.Namespace) -> int:
    """``python -m sim robust EXPERIMENT``."""
    exp = load_experiment(Path(args.experiment))
    posterior = resolve_posterior(args.posterior if args.posterior else DEFAULT_POSTERIOR)
    if not posterior.is_file():
        raise UsageError(f"{posterior}: no such posterior file; give --posterior FILE (a plausible set: "
                         f"posterior.csv of python -m sim calibrate)")
    result = evaluate(exp, posterior, draws=args.draws, threshold=args.threshold, outcome=args.outcome,
                      workers=args.workers or 1)
    print(result.text())
    out = Path(args.out) if args.out else Path("results") / f"{exp.name}_robust"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    atomic_write(out / "robustness.csv", table_text(result.table, result.levers))
    atomic_write(out / "worlds.csv", table_text(result.worlds, result.uncertainties))
    plot(result, out / "robustness.png")
    write_manifest(out / "robustness.json", {
        "command": "robust", "experiment": exp.name, "experiment_file": exp.file, "posterior": str(posterior),
        "draws": args.draws, "threshold": args.threshold, "outcome": args.outcome,
        "levers": result.levers, "uncertainties": result.uncertainties,
        "most_robust": {"regret": str(result.table.iloc[0]["design"]),
                        "satisficing": str(result.table.sort_values("rank_satisficing").iloc[0]["design"])},
        "package": package_info()})
    print(f"wrote robustness.csv, worlds.csv, robustness.png, robustness.json to {out}/")
    return EXIT_OK
