"""Performance of one run and of sweeps; figures for docs/PERFORMANCE.md.

    python benchmarks/bench_sweep.py            # everything (about 10 minutes on 2 cores)
    python benchmarks/bench_sweep.py --quick    # smaller sizes, a smoke check (about 2 minutes)
    python benchmarks/bench_sweep.py --one-run  # item 1 only (about a minute)

Prints a Markdown table of ratios, measured in this one process and this one run:
1. one default-scenario run (paris_declaration, 260 weeks, 42 agents) vs a bare Mesa model
   with 42 agents doing a trivial step for 260 weeks (target <= 2.7x in sweep mode, issue 18).
   Runs of the model and of the bare model alternate, so that both meet the same load; each is
   timed in CPU time (``time.process_time``: what the run costs, whatever else the machine runs)
   and in wall time (what a user waits, which a loaded machine inflates). The ratio is of the
   fastest runs and of the lower quartiles;
2. sweep throughput with 2 workers vs 1 (target >= 1.7x);
3. peak RSS of the whole process tree (sweep process + workers, sampled with psutil)
   for sweeps of 5,000 and 20,000 runs with steps/events off (target < 400 MB, no growth);
4. the same design through ``mesa.batch_run`` vs this runner: runs/s and peak memory.
   batch_run exists in Mesa 3.x only (Mesa 4 removes it): used here, guarded, nowhere else.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import mesa
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.config import load_scenario  # noqa: E402
from sim.executors import local_pool  # noqa: E402
from sim.experiments.config import load_experiment  # noqa: E402
from sim.experiments.sweep import run_sweep  # noqa: E402
from sim.model import DeterrenceModel  # noqa: E402
from sim.runner import simulate  # noqa: E402


# --- 1. one run vs a bare Mesa model ---------------------------------------------------------

class _Trivial(mesa.Agent):
    def step(self) -> None:
        self.x = self.random.random()


class BareModel(mesa.Model):
    def __init__(self, n_agents: int = 42, seed: int = 0) -> None:
        super().__init__(rng=seed)
        _Trivial.create_agents(self, n_agents)

    def step(self) -> None:
        self.agents.shuffle_do("step")


def _interleaved(fns: dict, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Seconds of each function's runs, CPU and wall, the functions taking turns (the same load for all)."""
    times = {name: {"cpu": [], "wall": []} for name in fns}
    for i in range(repeat):
        for name, fn in fns.items():
            c, w = time.process_time(), time.perf_counter()
            fn(i)
            times[name]["cpu"].append(time.process_time() - c)
            times[name]["wall"].append(time.perf_counter() - w)
    return times


def _low(xs: list[float]) -> dict[str, float]:
    """The fastest run and the lower quartile (the runs least disturbed by the rest of the machine)."""
    return {"min": min(xs), "p25": statistics.quantiles(xs, n=4, method="inclusive")[0]}


def one_run(repeat: int) -> dict:
    scenario = load_scenario("paris_declaration")
    weeks = scenario.horizon_weeks
    n_agents = len(DeterrenceModel(scenario, 0).agents)

    def bare(i: int) -> None:
        m = BareModel(n_agents, i)
        for _ in range(weeks):
            m.step()

    simulate(scenario, 0)  # warm caches
    load_before = os.getloadavg()[0]
    times = _interleaved({"lean": lambda i: simulate(scenario, i, steps=False, events=False),
                          "bare": bare, "full": lambda i: simulate(scenario, i)}, repeat)
    load_after = os.getloadavg()[0]
    stats = {f"{name}_{clock}_{q}": seconds * 1e3
             for name in times for clock in ("cpu", "wall") for q, seconds in _low(times[name][clock]).items()}
    prof = cProfile.Profile()
    prof.enable()
    for i in range(20):
        simulate(scenario, i, steps=False, events=False)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(12)
    return {"agents": n_agents, "weeks": weeks, "repeat": repeat, "load": (load_before, load_after), **stats,
            "profile": buf.getvalue()}


# --- sweeps ------------------------------------------------------------------------------------

def tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) over a process and its descendants. PSS splits pages shared by
    forked workers (copy-on-write) between them, so its sum is the tree's real footprint."""
    rss = pss = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return rss, pss


def measured(child_args: list[str]) -> tuple[float, int, int, int]:
    """Run this script as a child doing one job; (runs/s, runs, peak RSS sum, peak PSS sum) of its tree."""
    import json
    import subprocess

    proc = subprocess.Popen([sys.executable, __file__, "--child", *child_args], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        try:
            rss, pss = tree_memory(ps)
        except psutil.Error:
            break
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.25)
    out = json.loads(proc.communicate()[0].strip().splitlines()[-1])
    return out["runs"] / out["seconds"], out["runs"], peak_rss, peak_pss


def child(kind: str, *args: str) -> None:
    """The measured job: a sweep (no analysis afterwards) or mesa.batch_run."""
    import json

    t = time.perf_counter()
    if kind == "sweep":
        exp_path, out, workers = Path(args[0]), Path(args[1]), int(args[2])
        exp = load_experiment(exp_path)
        with local_pool(workers) as pool:
            runs = run_sweep(exp, out, pool, slots=workers, progress_period=1e9).runs_done
    else:
        n, weeks, workers = map(int, args)
        batch_run = getattr(mesa, "batch_run", None)  # Mesa 4 removes it
        if batch_run is None:
            runs = 0
        else:
            import pandas as pd

            results = batch_run(BatchModel, parameters={"weeks": weeks, "seed": range(n)},
                                number_processes=workers, iterations=1, data_collection_period=-1,
                                max_steps=weeks, display_progress=False)
            runs = len(pd.DataFrame(results))
    print(json.dumps({"runs": runs, "seconds": time.perf_counter() - t}))


def experiment(tmp: Path, name: str, reps: int, weeks: int, scenarios: str = "paris_declaration") -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(textwrap.dedent(f"""
        name: {name}
        scenarios: {scenarios}
        design: scenarios
        replications: {reps}
        horizon_weeks: {weeks}
        outputs: {{steps: false, events: false}}
    """), encoding="utf-8")
    return path


def sweep_once(exp_path: Path, out: Path, workers: int) -> tuple[float, int, int, int]:
    return measured(["sweep", str(exp_path), str(out), str(workers)])


def batch_run_once(reps: int, weeks: int, workers: int) -> tuple[float, int, int, int]:
    return measured(["batch", str(reps), str(weeks), str(workers)])


class BatchModel(DeterrenceModel):
    """What batch_run needs: keyword construction, and a DataCollector row every step."""

    def __init__(self, weeks: int = 260, seed: int = 0) -> None:
        scenario = load_scenario("paris_declaration").model_copy(update={"horizon_weeks": weeks})
        super().__init__(scenario, seed, record_events=False, collect_steps=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke check)")
    parser.add_argument("--one-run", action="store_true", help="only the one-run ratio (item 1)")
    parser.add_argument("--repeat", type=int, help="runs of each kind for item 1 (default 60; 20 with --quick)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    q = args.quick
    mb = 1024 * 1024
    print(f"# bench_sweep ({'one run' if args.one_run else 'quick' if q else 'full'}): Python {sys.version.split()[0]}, Mesa {mesa.__version__}, "
          f"{psutil.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n", flush=True)

    r = one_run(args.repeat or (20 if q else 60))
    print(f"{r['repeat']} runs of each kind, interleaved; load average {r['load'][0]:.1f} before, "
          f"{r['load'][1]:.1f} after\n")
    print("| measure | CPU min | CPU p25 | wall min | wall p25 | target |\n|---|---|---|---|---|---|")

    def row(label: str, name: str) -> str:
        return (f"| {label} | {r[name + '_cpu_min']:.1f} ms | {r[name + '_cpu_p25']:.1f} ms "
                f"| {r[name + '_wall_min']:.1f} ms | {r[name + '_wall_p25']:.1f} ms | |")

    def ratio(label: str, name: str, target: str) -> str:
        return "| " + label + " | " + " | ".join(
            f"**{r[f'{name}_{c}_{q}'] / r[f'bare_{c}_{q}']:.2f}x**" for c in ("cpu", "wall") for q in ("min", "p25")
        ) + f" | {target} |"

    print(row(f"one run, paris_declaration, {r['weeks']} weeks, {r['agents']} agents, steps+events off "
              "(sweep mode)", "lean"))
    print(row("one run, steps+events on", "full"))
    print(row(f"bare Mesa model, {r['agents']} agents, trivial step, {r['weeks']} weeks", "bare"))
    print(ratio("**ratio sweep-mode run / bare Mesa**", "lean", "<= 2.7x (CPU)"))
    print(ratio("ratio full-output run / bare Mesa", "full", ""), flush=True)
    if args.one_run:
        print("\nProfile of 20 sweep-mode runs (top functions by own time):\n")
        print("```\n" + "\n".join(r["profile"].strip().splitlines()[:30]) + "\n```")
        return

    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        n_tp = 200 if q else 1000
        exp = experiment(tmp, "throughput", n_tp, 260)
        one, n1, _, _ = sweep_once(exp, tmp / "w1", 1)
        two, n2, _, _ = sweep_once(exp, tmp / "w2", 2)
        print(f"| sweep throughput, {n1} runs x 260 weeks, 1 worker | {one:.1f} runs/s | |")
        print(f"| sweep throughput, same, 2 workers | {two:.1f} runs/s | |")
        print(f"| **speed-up 2 workers / 1** | **{two / one:.2f}x** | >= 1.7x |", flush=True)

        small, big = (1000, 4000) if q else (5000, 20000)
        mem = {}
        for n in (small, big):
            rate, done, peak, pss = sweep_once(experiment(tmp, f"mem{n}", n, 52), tmp / f"m{n}", 2)
            mem[n] = pss
            print(f"| peak memory, sweep process tree, {done} runs x 52 weeks, 2 workers, steps/events off "
                  f"| **{pss / mb:.0f} MB** PSS ({peak / mb:.0f} MB summed RSS); {rate:.0f} runs/s | < 400 MB |",
                  flush=True)
        print(f"| **memory growth {big} vs {small} runs** (PSS) | **{(mem[big] - mem[small]) / mb:+.0f} MB** "
              f"| none |", flush=True)

        n_b = 200 if q else 1000
        b_rate, b_done, _, b_peak = batch_run_once(n_b, 260, 2)
        s_rate, s_done, _, s_peak = sweep_once(experiment(tmp, "vs_batch", n_b, 260), tmp / "vb", 2)
        print(f"| mesa.batch_run, {b_done} runs x 260 weeks, 2 processes | {b_rate:.1f} runs/s, "
              f"{b_peak / mb:.0f} MB peak PSS | |")
        print(f"| this runner, same design, 2 workers | {s_rate:.1f} runs/s, {s_peak / mb:.0f} MB peak PSS | |")
        print(f"| **runner / batch_run** | **{s_rate / b_rate:.2f}x runs/s, {s_peak / b_peak:.2f}x memory** | |")
    print("\nProfile of 20 sweep-mode runs (top functions by own time):\n")
    print("```\n" + "\n".join(r["profile"].strip().splitlines()[:30]) + "\n```")


if __name__ == "__main__":
    main()
