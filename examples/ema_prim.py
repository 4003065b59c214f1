"""EMA Workbench drives the simulator; PRIM and feature scoring say when the Paris design fails.

Needs the EMA extra (pip install -e '.[ema]'; EMA Workbench 2.5 on Python 3.11, 3.x on 3.12+):

    python examples/ema_prim.py                                   # 200 x 4 experiments, a few minutes
    python examples/ema_prim.py --scenarios 40 --policies 2 --weeks 104   # a quick look

1. ``sim.ema.model()`` builds an EMA model from the schema: here six uncertainties about
   Russia, the coalition and the US, and three levers of the declaration.
2. ``perform_experiments`` samples them (Latin hypercube) and runs the simulator. A
   sampled design the schema forbids would come back with NaN outcomes, not an error.
3. PRIM (EMA Workbench's, through ``sim.discovery.find_box``) finds the box of
   parameter limits where escalations concentrate; extra trees rank the parameters.
"""

import argparse
import logging
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore", message="ipyparallel not installed")

from ema_workbench import SequentialEvaluator, ema_logging  # noqa: E402

from sim import ema  # noqa: E402
from sim.discovery import find_box  # noqa: E402

UNCERTAINTIES = ["russia.ambition", "russia.risk_tolerance", "members.resolve_mean", "united_states.resolve",
                 "united_states.backstop_probability", "ratification.us_congress_failure_probability"]
LEVERS = ["monitoring.coverage", "force.posture", "commission.decision_rule"]

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--scenarios", type=int, default=200, help="sampled uncertainty scenarios (default 200)")
parser.add_argument("--policies", type=int, default=4, help="sampled lever settings (default 4)")
parser.add_argument("--weeks", type=int, default=None, help="horizon (default: the scenario's, 260)")
parser.add_argument("--seed", type=int, default=0, help="seed of EMA's Latin hypercube sample (default 0)")
args = parser.parse_args()
ema_logging.log_to_stderr(logging.WARNING)

# The schema's ranges are wide (risk tolerance up to 5 x baseline): narrow them to plausible ones; ambition up
# to 3 x baseline (the schema's top) so that a short study at the calibrated defaults has escalations to box.
BOUNDS = {"russia.ambition": (0.5, 3.0), "russia.risk_tolerance": (0.5, 2.0), "members.resolve_mean": (0.3, 0.7)}
model = ema.model(uncertainties=UNCERTAINTIES, levers=LEVERS, outcomes=["escalated", "survival_weeks"],
                  bounds=BOUNDS, weeks=args.weeks)
print(f"{len(model.uncertainties)} uncertainties, {len(model.levers)} levers: "
      + ", ".join(p.name for p in [*model.uncertainties, *model.levers]), file=sys.stderr)
np.random.seed(args.seed)  # EMA's samplers draw from numpy's global generator: the same sample every time
with SequentialEvaluator(model) as evaluator:
    experiments, outcomes = evaluator.perform_experiments(scenarios=args.scenarios, policies=args.policies)

escalated = outcomes["escalated"]
ran = ~np.isnan(escalated)
print(f"{int(ran.sum())} runs, {int(np.nansum(escalated))} escalated "
      f"(P = {np.nanmean(escalated):.2f}); {int((~ran).sum())} invalid designs skipped")

found = find_box(experiments.loc[ran], escalated[ran] == 1)
row = found.trajectory.loc[found.chosen]
print(f"PRIM box {found.chosen}: coverage {row.coverage:.2f}, density {row.density:.2f}, mass {row.mass:.2f}")
for b in found.box.itertuples(index=False):
    limits = f"{b.low:.3g} to {b.high:.3g}" if b.kind == "range" else b.values.replace("|", ", ")
    print(f"  {b.parameter}: {limits}")
for note in found.notes:
    print(f"note: {note}")
print("feature scores: " + ", ".join(f"{p} {s:.2f}" for p, s in found.scores.itertuples(index=False)))
