"""The strategists' questions, answered from their sweeps: writes docs/QUESTIONS.md.

    python -m sim sweep experiments/questions/ratification.yaml --out results/q_ratification --workers 2 \
        --posterior docs/calibration/posterior.csv
    ... (the same for us_withdrawal, force, early_warning)
    python experiments/questions/report.py results > docs/QUESTIONS.md

Every number on the page comes from the sweeps' summary.csv and differences.csv; nothing is typed
by hand. Each difference is paired (replicate k of every design shares its seed) with Newcombe's
95% interval.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

# What each answer rests on: the assumptions a reader should sweep before relying on it.
CAVEATS = {
    "ratification": "Ratification acts through G4's punishment channel and the members' binding pull, whose "
                    "constants are fitted to the effect of binding commitments alone (docs/CALIBRATION.md); a "
                    "ridge of the posterior trades punishment against military effect, which the 'from constants' "
                    "column carries. The Paris design fails rarely, so little is left for ratification to decide.",
    "us_withdrawal": "The US roles act through monitoring coverage (its lead share), intelligence (its share of the "
                     "picture, hence warning) and air support to the force; a US G4 pledge adds punishment. All their "
                     "weights are assumptions in the schema (united_states.*).",
    "force": "The force deters by denial (its combat power at rear or forward bases) and through the rally of nations "
             "whose troops are struck; strength per troop, aircraft and ship, exposure and rally are assumptions "
             "(force.*).",
    "early_warning": "Warning deters because Russia expects an exposed attack to lose surprise (campaigns.surprise_bonus) "
                     "and to meet readiness, pre-positioned stockpiles, a force on alert, a public warning and a "
                     "sanctions threat (warning.*). These are assumptions; Betts (1982) and February 2022 show warning "
                     "without a response that changes the balance need not deter, which a reader can test by "
                     "switching warning.measures off.",
}

QUESTIONS = (
    ("ratification", "Does ratification matter once governments change?",
     "`paris_declaration` (commitments ratified nation by nation, G0) against `political_only` "
     "(every commitment political), with changes of government never happening, as likely as the "
     "elections file says, or twice as likely; Russia's ambition at the scenario's value and 1.5 times it."),
    ("us_withdrawal", "What if the US withdraws in 2029?",
     "The declaration as written, the same with the US roles withdrawn on 20 January 2029 "
     "(`us_withdraws_2029`), without the US from the start (`no_us_backstop`), and with a US bilateral "
     "guarantee put to Congress (`paris_us_bilateral`)."),
    ("force", "How many troops, and where?",
     "The Multinational Force from none to three times the contributions at their central reading (about "
     "12,200 troops, 33 combat aircraft and 16 ships at size 1), at rear bases or forward, against a more "
     "revisionist Russia (ambition 1.5)."),
    ("early_warning", "What does early warning buy?",
     "Detection of a preparation's indicators by intelligence (G5) and monitoring (G1), and the number of "
     "detected signs that issues a warning, against a more revisionist Russia (ambition 1.5)."),
)


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def points(x: float) -> str:
    return f"{100 * x:+.1f}"


def section(folder: Path, title: str, what: str) -> list[str]:
    out = [f"## {title}", "", what, ""]
    if not (folder / "summary.csv").is_file():
        return out + [f"*Not run: no `{folder}/summary.csv`.*", ""]
    summary = pd.read_csv(folder / "summary.csv")
    diffs = pd.read_csv(folder / "differences.csv")
    manifest = json.loads((folder / "manifest.json").read_text())
    ref = diffs["reference_label"].iloc[0] if len(diffs) else ""
    posterior = "holds_across_posterior" in diffs.columns
    post = manifest.get("posterior") or {}
    drawn = (f" Constants drawn from the calibration posterior (`{post.get('file')}`, {post.get('draws')} "
             f"draws; replicate k uses draw k % {post.get('draws')})." if posterior else "")
    out += [f"Sweep `{manifest.get('name', folder.name)}`: {int(summary['runs'].sum()):,} runs, "
            f"{int(summary['runs'].min())} paired replicates a design point, horizon "
            f"{int(summary['horizon_weeks'].max())} weeks; git {str(manifest.get('git_commit', ''))[:7]}.{drawn} "
            f"Reference: **{ref}**.", ""]
    if posterior:
        out += ["| design | P(escalation) [95% CI] | from constants | survival at 2 years | difference vs reference, "
                "points [95% CI] | from constants | verdict | holds across the posterior |",
                "|---|---|---|---|---|---|---|---|"]
    else:
        out += ["| design | P(escalation) [95% CI] | survival at 2 years | difference vs reference, points [95% CI] "
                "| verdict |", "|---|---|---|---|---|"]
    cols = ["design_point", "diff_escalation", "diff_low", "diff_high"]
    if posterior:
        cols += ["diff_param_low", "diff_param_high", "holds_across_posterior"]
    merged = summary.merge(diffs[cols], on="design_point", how="left")
    for r in merged.itertuples(index=False):
        if pd.isna(r.diff_escalation):
            diff, verdict = "reference", ""
        else:
            diff = f"{points(r.diff_escalation)} [{points(r.diff_low)}, {points(r.diff_high)}]"
            if r.diff_low > 0:
                verdict = "riskier"
            elif r.diff_high < 0:
                verdict = "safer"
            else:
                bound = max(abs(r.diff_low), abs(r.diff_high))
                verdict = f"no detectable difference (larger than {100 * bound:.1f} points ruled out)"
        s2 = getattr(r, "survival_2y", float("nan"))
        if posterior:
            p_par = f"[{pct(r.p_param_low)}, {pct(r.p_param_high)}]" if pd.notna(r.p_param_low) else ""
            d_par = (f"[{points(r.diff_param_low)}, {points(r.diff_param_high)}]"
                     if pd.notna(r.diff_escalation) and pd.notna(r.diff_param_low) else "")
            holds = r.holds_across_posterior if pd.notna(r.diff_escalation) else ""
            out.append(f"| {r.label} | {pct(r.p_escalation)} [{pct(r.p_low)}, {pct(r.p_high)}] | {p_par} | "
                       f"{pct(s2) if pd.notna(s2) else ''} | {diff} | {d_par} | {verdict} | {holds} |")
            continue
        out.append(f"| {r.label} | {pct(r.p_escalation)} [{pct(r.p_low)}, {pct(r.p_high)}] | "
                   f"{pct(s2) if pd.notna(s2) else ''} | {diff} | {verdict} |")
    return out + [""]


def caveat(name: str) -> list[str]:
    return [f"*What this answer rests on.* {CAVEATS[name]}", ""]


def main(results: Path) -> str:
    lines = ["# The strategists' questions", "",
             "Generated by `python experiments/questions/report.py results > docs/QUESTIONS.md` from the four "
             "sweeps in `experiments/questions/` (commands at the top of each file). P(escalation) is the share "
             "of runs with a renewed armed attack within five years, with a Wilson 95% interval; differences "
             "are paired by seed (common random numbers) with Newcombe's 95% interval. A verdict needs the "
             "whole interval on one side of zero. With the calibration posterior, each row also gives the "
             "interval *from constants* (how far the answer moves across the parameter sets the calibration "
             "allows, chance removed; docs/CALIBRATION.md) and whether the comparison **holds across the "
             "posterior** (yes: both intervals exclude zero on the same side; no: chance decides it but some "
             "allowed constants would not; undecided: chance alone does not). These are answers of the model "
             "(docs/ODD.md), under its assumptions (docs/VALIDATION.md says where it stands against the "
             "literature).", ""]
    for name, title, what in QUESTIONS:
        lines += section(results / f"q_{name}", title, what) + caveat(name)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(main(Path(sys.argv[1] if len(sys.argv) > 1 else "results")))
