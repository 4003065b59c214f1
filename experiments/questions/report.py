"""Kept for old instructions: the page is now `python -m sim questions` (sim/experiments/questions.py).

    python experiments/questions/report.py results > docs/QUESTIONS.md   # = python -m sim questions --report-only --out -
"""

import sys
from pathlib import Path

from sim.experiments.questions import render

if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1] if len(sys.argv) > 1 else "results")))
