"""The plausible-set sensitivity study's files: worlds.csv, answers.csv, moving_factors.csv and a markdown page."""

from __future__ import annotations

import math
from pathlib import Path

from sim.validation.sensitivity.plausible import PlausibleStudy
from sim.validation.sensitivity.report import study_csv
from sim.files import atomic_write

PLAUSIBLE_FILES = ("worlds.csv", "answers.csv", "moving_factors.csv", "plausible_tables.md")
SHOWN = 5  # factors listed per comparison in the page


def write_plausible(study: PlausibleStudy, folder: Path, command: str) -> None:
    atomic_write(folder / "worlds.csv", study_csv(study.worlds))
    atomic_write(folder / "answers.csv", study_csv(study.answers))
    atomic_write(folder / "moving_factors.csv", study_csv(study.factors))
    atomic_write(folder / "plausible_tables.md", plausible_markdown(study, command))


def _pp(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:+.1f}"


def plausible_markdown(study: PlausibleStudy, command: str) -> str:
    m = study.meta
    lines = [f"Command: `{command}`. {m['worlds']} worlds (each a parameter set of the plausible set, "
             f"{len(m['calibrated'])} calibrated constants, crossed with a Latin hypercube of "
             f"{len(m['uncertainties'])} uncertainties) x {m['replicates']} paired seeds per design; "
             f"{m['runs']:,} runs.", "",
             "| comparison | difference (pp) | chance 95% | across worlds 95% | verdict |", "|---|---|---|---|---|"]
    for _, a in study.answers.iterrows():
        lines.append(f"| {a['comparison']} | {_pp(a['difference'])} | [{_pp(a['diff_low'])}, {_pp(a['diff_high'])}] "
                     f"| [{_pp(a['diff_world_low'])}, {_pp(a['diff_world_high'])}] | {a['verdict']} |")
    lines += ["", "Assumptions that still move each answer (a quadratic's F test over the worlds, Holm-adjusted; rho: "
              "Spearman's direction; "
              f"the {SHOWN} strongest):", "", "| comparison | factor | group | rho | p (Holm) | moves |",
              "|---|---|---|---|---|---|"]
    for name, g in study.factors.groupby("comparison", sort=False):
        for _, f in g.head(SHOWN).iterrows():
            lines.append(f"| {name} | `{f['factor']}` | {f['group']} | {f['rho']:+.2f} | {f['p_holm']:.3g} | "
                         f"{'yes' if f['moves'] else 'no'} |")
    return "\n".join(lines) + "\n"


def plausible_text(study: PlausibleStudy) -> str:
    out = []
    for _, a in study.answers.iterrows():
        movers = study.factors[(study.factors["comparison"] == a["comparison"]) & study.factors["moves"]]
        moved = ", ".join(movers["factor"].head(3)) or "no assumption at 5% (Holm)"
        out.append(f"  {a['comparison']}: {_pp(a['difference'])} pp [{_pp(a['diff_low'])}, {_pp(a['diff_high'])}] "
                   f"by chance, [{_pp(a['diff_world_low'])}, {_pp(a['diff_world_high'])}] across worlds: "
                   f"{a['verdict']}; moved by {moved}")
    return "\n".join(out)
