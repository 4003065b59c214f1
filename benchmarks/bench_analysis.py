"""How long the analysis of a large sweep takes: summary, differences, sensitivity and plots.

    python benchmarks/bench_analysis.py               # 10,000 and 100,000 runs (500 and 5,000 points x 20)
    python benchmarks/bench_analysis.py --quick       # 2,000 runs, a smoke check

The runs are synthetic (the model is not run): an LHS design over four parameters, 20
replicates a point, each run escalating with a probability that depends on the parameters
and, if it does, at a week drawn uniformly before the 260-week horizon. runs.csv, design_points.csv
and manifest.json are written as a sweep writes them, then ``analyze_directory`` is timed (reading
included), step by step. Prints a Markdown table for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments import analysis, plots  # noqa: E402
from sim.experiments.reading import load_sweep  # noqa: E402
from sim.experiments.tables import (  # noqa: E402
    MAX_CURVES,
    choose_curves,
    main_effects,
    survival_curves,
    table_text,
)
from sim.outputs import RUN_COLUMNS  # noqa: E402

PARAMS = ["monitoring.coverage", "force.size", "russia.ambition", "commitments.automaticity"]
HORIZON = 260
REPLICATES = 20


def synthetic_sweep(folder: Path, points: int, seed: int = 1) -> None:
    """A sweep folder of ``points`` LHS design points x 20 replicates, written as a sweep writes it."""
    rng = np.random.default_rng(seed)
    u = (rng.permuted(np.tile(np.arange(points), (len(PARAMS), 1)), axis=1).T + rng.random((points, len(PARAMS))))
    x = u / points
    design = pd.DataFrame({"design_point": np.arange(points), "label": [f"lhs {i}" for i in range(points)],
                           "scenario": "paris_declaration"})
    for i, p in enumerate(PARAMS):
        design[p] = x[:, i].round(6)
    design.to_csv(folder / "design_points.csv", index=False)
    n = points * REPLICATES
    dp = np.repeat(np.arange(points), REPLICATES)
    rep = np.tile(np.arange(REPLICATES), points)
    p_esc = 0.05 + 0.5 * x[dp, 2] * (1 - 0.6 * x[dp, 0])
    common = rng.random(REPLICATES)[rep]  # common random numbers: replicate k shares its draw
    escalated = (0.7 * common + 0.3 * rng.random(n)) < p_esc
    week = rng.integers(0, HORIZON, n)
    runs = pd.DataFrame({"run_id": dp * 100_000 + rep, "design_point": dp, "replicate": rep})
    for i, p in enumerate(PARAMS):
        runs[p] = x[dp, i].round(6)
    cols: dict[str, object] = {}
    for name, (dtype, _, _) in RUN_COLUMNS.items():
        if name == "run_id":
            continue
        cols[name] = {"int64": 0, "float64": 0.0, "bool": False, "object": ""}[dtype]
    runs = runs.assign(**cols)
    runs["scenario"] = "paris_declaration"
    runs["horizon_weeks"] = HORIZON
    runs["escalated"] = escalated
    runs["escalation_week"] = np.where(escalated, week, np.nan)
    runs["survival_weeks"] = np.where(escalated, week, HORIZON)
    for c in ("violations_probe", "detected", "attributed_correctly"):
        runs[c] = rng.poisson(3, n)
    runs.to_csv(folder / "runs.csv", index=False)
    (folder / "manifest.json").write_text(json.dumps({
        "design": "lhs", "status": "complete", "reference": None, "levers": PARAMS[:2] + PARAMS[3:],
        "uncertainties": [PARAMS[2]], "horizon_weeks": HORIZON}))


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def bench(points: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic_sweep(folder, points)
        (runs, design, manifest, params), t_read = timed(load_sweep, folder, [])
        t, t_tables = timed(analysis.analyze_runs, runs, design, manifest, params, [])
        _, t_text = timed(lambda: (table_text(t.summary, params), table_text(t.differences, params)))
        curves, t_curves = timed(survival_curves, runs, choose_curves(t.summary, t.reference, MAX_CURVES), t.horizon)
        effects, t_effects = timed(main_effects, runs, t.varied)
        _, t_plots = timed(plots.write_all, folder, summary=t.summary, reference=t.reference, horizon=t.horizon,
                           roles=t.roles, notes=[], curves=curves, effects=effects, sensitivity=t.sensitivity)
        _, t_total = timed(analysis.analyze_directory, folder, quiet=True)
    return {"runs": points * REPLICATES, "points": points, "read": t_read, "tables": t_tables, "text": t_text,
            "curves": t_curves, "effects": t_effects, "plots": t_plots, "total": t_total}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 runs only")
    args = ap.parse_args()
    sizes = [100] if args.quick else [500, 5000]
    rows = [bench(n) for n in sizes]
    print(f"\nPython {platform.python_version()}, {platform.machine()}, synthetic runs (see the docstring)\n")
    print("| runs (points x 20) | read runs.csv | summary + differences + sensitivity | CSV text | "
          "survival curves | main effects | plots | analyze_directory, all |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['runs']:,} ({r['points']:,} x 20) | {r['read']:.2f} s | {r['tables']:.2f} s | {r['text']:.2f} s | "
              f"{r['curves']:.2f} s | {r['effects']:.2f} s | {r['plots']:.2f} s | **{r['total']:.2f} s** |")


if __name__ == "__main__":
    main()
