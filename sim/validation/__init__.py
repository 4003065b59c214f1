"""Pattern-oriented validation: does the model reproduce what the literature found?

``python -m sim validate-model [--quick]`` runs ``experiments/validation.yaml``, measures
the six patterns of ``sim.validation.patterns`` and prints, per pattern, the target, the
measured value with its interval, and pass or fail (docs/VALIDATION.md).
"""

from sim.validation.patterns import PATTERNS, Pattern, PatternResult, evaluate_all

__all__ = ["PATTERNS", "Pattern", "PatternResult", "evaluate_all"]
