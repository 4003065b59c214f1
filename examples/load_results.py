"""Load a sweep's results with plain pandas and redo its headline table and survival plot.

Run after the quick sweep:

    python -m sim sweep experiments/quick.yaml
    python examples/load_results.py                      # writes results/quick/example_km.png
    python examples/load_results.py results/quick/km.png # or wherever you like
    python examples/load_results.py OUT.png --runs results/other/runs.csv

Nothing here needs the simulator: runs.csv is a tidy table (one row a run; columns in
docs/OUTPUTS.md), so pandas, lifelines and matplotlib are enough.
"""

import argparse
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to a file; no window needed

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from lifelines import KaplanMeierFitter  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out", nargs="?", type=Path, default=Path("results/quick/example_km.png"),
                    help="where to write the Kaplan-Meier plot (default results/quick/example_km.png)")
parser.add_argument("--runs", type=Path, default=None,
                    help="runs.csv to read (default: runs.csv beside the output, or results/quick/runs.csv)")
args = parser.parse_args()
runs_path = args.runs or (args.out.parent / "runs.csv")
if not runs_path.exists():
    raise SystemExit(f"{runs_path} not found: run `python -m sim sweep experiments/quick.yaml` first, "
                     f"or pass --runs PATH")

# 1. One row a run. `escalated` is True when Russia launched a renewed armed attack before
#    the horizon; `survival_weeks` is that week, or the horizon when it did not happen
#    (the run is then "censored": we only know the ceasefire held at least that long).
runs = pd.read_csv(runs_path)
print(f"{len(runs)} runs of {runs['scenario'].nunique()} scenarios from {runs_path}\n")


# 2. P(escalation) per scenario with a 95% Wilson score interval (good even near 0 or 1).
def wilson(k, n, z=1.959964):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


table = runs.groupby("scenario")["escalated"].agg(runs="size", escalations="sum")
table["p_escalation"] = table["escalations"] / table["runs"]
table[["p_low", "p_high"]] = [wilson(k, n) for k, n in zip(table["escalations"], table["runs"])]
table = table.sort_values("p_escalation", ascending=False)
print(f"{'scenario':<22} {'runs':>5}  P(escalation) [95% CI]")
for name, row in table.iterrows():
    print(f"{name:<22} {int(row['runs']):>5}  {row['p_escalation']:.3f} [{row['p_low']:.3f}, {row['p_high']:.3f}]")

# 3. Kaplan-Meier survival of the ceasefire per scenario: the share of runs still at peace
#    after t weeks, counting censored runs correctly.
horizon = int(runs["horizon_weeks"].max())
fig, ax = plt.subplots(figsize=(9, 5.5))
for name in table.index:  # legend from most to least likely to escalate
    group = runs[runs["scenario"] == name]
    kmf = KaplanMeierFitter(label=name)
    kmf.fit(group["survival_weeks"] / 52, event_observed=group["escalated"])  # in years
    kmf.plot_survival_function(ax=ax, ci_show=False)
ax.set_xlim(0, horizon / 52)
ax.set_ylim(0, 1.02)
ax.set_xlabel("Years after the ceasefire entered into force")
ax.set_ylabel("Probability the ceasefire still holds (Kaplan-Meier)")
ax.set_title(f"Survival of the ceasefire by scenario ({len(runs) // len(table)} runs each)")
ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
ax.grid(alpha=0.3)
args.out.parent.mkdir(parents=True, exist_ok=True)
fig.savefig(args.out, dpi=110, bbox_inches="tight")
print(f"\nwrote {args.out}")
