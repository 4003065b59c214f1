"""How long the analysis of a large sweep takes beside the runs of the same study.

    python benchmarks/bench_analysis.py               # 10,000 and 100,000 runs (500 and 5,000 points x 20)
    python benchmarks/bench_analysis.py --quick       # 2,000 runs, a smoke check
    python benchmarks/bench_analysis.py --reference   # the same with a stated reference (differences too)

The runs are synthetic (the model is not run): an LHS design over four parameters, 20
replicates a point, each run escalating with a probability that depends on the parameters
and, if it does, at a week drawn uniformly before the 260-week horizon. runs.csv, design_points.csv
and manifest.json are written as a sweep writes them (no reference, as an LHS without a stated one;
``--reference`` states design point 0, so that differences, pairs and verdicts are computed too).

Each step of ``analyze_directory`` is timed in one process (CPU time, ``time.process_time``: what it
costs whatever else the machine runs), then ``analyze_directory`` as a user runs it (wall clock: the
tables in one process, the delta index in a pool over every core when its work repays one,
``sim.experiments.parallel``). The runs of the same study are timed too: 30 real
runs of paris_declaration (260 weeks, sweep mode: steps and events off) in CPU time, the median times
the study's runs. The ratio of the two CPU times is the analysis's share of the study, whatever the
load; the 1-minute load average is printed before and after. Prints a Markdown table for
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments import analysis, plots  # noqa: E402
from sim.experiments.indices import delta_resamples  # noqa: E402
from sim.experiments.parallel import delta_workers  # noqa: E402
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


def synthetic_sweep(folder: Path, points: int, seed: int = 1, reference: bool = False) -> None:
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
        "design": "lhs", "status": "complete", "reference": 0 if reference else None, "levers": PARAMS[:2] + PARAMS[3:],
        "uncertainties": [PARAMS[2]], "horizon_weeks": HORIZON}))


def timed(fn, *args, **kw):
    """fn's result, its CPU seconds (this process) and its wall seconds."""
    c, w = time.process_time(), time.perf_counter()
    out = fn(*args, **kw)
    return out, time.process_time() - c, time.perf_counter() - w


def run_cpu_seconds(repeat: int = 30) -> float:
    """Median CPU seconds of one real run of the study's kind (paris_declaration, 260 weeks, sweep mode)."""
    from sim.config import load_scenario
    from sim.runner import simulate

    scenario = load_scenario("paris_declaration")
    simulate(scenario, 0, steps=False, events=False)  # warm caches
    times = []
    for seed in range(repeat):
        c = time.process_time()
        simulate(scenario, seed, steps=False, events=False)
        times.append(time.process_time() - c)
    return statistics.median(times)


def bench(points: int, reference: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic_sweep(folder, points, reference=reference)
        cpu: dict[str, float] = {}
        (runs, design, manifest, params), cpu["read"], _ = timed(load_sweep, folder, [])
        t, cpu["tables"], _ = timed(analysis.analyze_runs, runs, design, manifest, params, [], workers=1)
        _, cpu["text"], _ = timed(lambda: (table_text(t.summary, params), table_text(t.differences, params),
                                           table_text(t.comparison)))
        curves, cpu["curves"], _ = timed(lambda: survival_curves(
            runs, choose_curves(t.summary, t.reference, MAX_CURVES), t.horizon))
        effects, cpu["effects"], _ = timed(main_effects, runs, t.varied)
        _, cpu["plots"], _ = timed(plots.write_all, folder, summary=t.summary, reference=t.reference,
                                   horizon=t.horizon, roles=t.roles, notes=[], curves=curves, effects=effects,
                                   sensitivity=t.sensitivity, comparison=t.comparison)
        workers = delta_workers(len(PARAMS) * 2 * points * (delta_resamples(points) + 1))  # the tables: 1
        _, _, wall = timed(analysis.analyze_directory, folder, quiet=True)
    return {"runs": points * REPLICATES, "points": points, **cpu, "cpu": sum(cpu.values()), "wall": wall,
            "workers": workers, "differences": len(t.differences)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 runs only")
    ap.add_argument("--reference", action="store_true", help="state a reference: differences are computed too")
    args = ap.parse_args()
    sizes = [100] if args.quick else [500, 5000]
    load_before = os.getloadavg()[0]
    per_run = run_cpu_seconds()
    rows = [bench(n, args.reference) for n in sizes]
    load_after = os.getloadavg()[0]
    print(f"\nPython {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, synthetic runs "
          f"(see the docstring), {'reference: design point 0' if args.reference else 'no reference'}; "
          f"1-minute load average {load_before:.1f} before, {load_after:.1f} after\n")
    print(f"One run of the study (paris_declaration, 260 weeks, sweep mode): {per_run * 1e3:.1f} ms CPU (median of 30)\n")
    print("| runs (points x 20) | read runs.csv | tables | CSV text | survival curves | main effects | plots | "
          "analysis, CPU, 1 process | the runs, CPU | **analysis / runs** | analyze_directory, wall (delta's workers) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        runs_cpu = per_run * r["runs"]
        print(f"| {r['runs']:,} ({r['points']:,} x 20) | {r['read']:.2f} s | {r['tables']:.2f} s | {r['text']:.2f} s | "
              f"{r['curves']:.2f} s | {r['effects']:.2f} s | {r['plots']:.2f} s | {r['cpu']:.1f} s | "
              f"{runs_cpu:.0f} s | **{100 * r['cpu'] / runs_cpu:.1f}%** | {r['wall']:.1f} s ({r['workers']}) |")


if __name__ == "__main__":
    main()
