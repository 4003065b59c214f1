"""The lever screen (issue 19, "no inert lever"): every lever of the schema at its range ends on
paired runs, shown to move what it exists to move.

* ``table``: one entry per lever (the runs.csv column it acts through, the direction, the
  context in which it can act and why), and the named checks that are not levers;
* ``screen``: the paired runs in batches and the verdicts (outcome, measure, wrong direction,
  inert);
* ``report``: the generated table of levers and what each moves (docs/LEVERS.md)
  and ``python -m sim.validation.levers``.
"""

from sim.validation.levers.screen import (
    MASTER_SEED,
    Comparison,
    Result,
    at_defaults,
    comparisons,
    entry_values,
    lever_paths,
    run_comparison,
    run_interaction,
    screen,
    undeclared,
)
from sim.validation.levers.table import CHECKS, ENTRIES, INTERACTIONS, WORLD, Check, Entry, InteractionCheck

__all__ = ["CHECKS", "Check", "Comparison", "ENTRIES", "Entry", "INTERACTIONS", "InteractionCheck", "MASTER_SEED",
           "Result", "at_defaults", "WORLD", "comparisons", "entry_values", "lever_paths", "run_comparison", "run_interaction",
           "screen", "undeclared"]
