"""The strategists' questions, answered from their sweeps: ``python -m sim questions`` writes docs/QUESTIONS.md.

It runs the sweeps of ``experiments/questions/`` (ratification, us_withdrawal, force,
early_warning, limited_attack, article5) into ``RESULTS/q_NAME/``, reusing a finished one made with the same constants, then
renders the page. Every number on the page comes from the sweeps' summary.csv and differences.csv;
nothing is typed by hand. Each difference is paired (replicate k of every design shares its seed)
with Newcombe's 95% interval.

The constants: ``--posterior NAME|FILE`` when given; else the shipped plausible set
(``--posterior plausible``) when the installed package carries one; else the schema's defaults.
The command and the page say which.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from sim.config import ConfigError
from sim.config.posterior import load_posterior
from sim.errors import EXIT_OK, UsageError
from sim.experiments import commands as sweep_commands
from sim.experiments.identification import TURNS_ON_COLUMNS
from sim.experiments.identification import verdict as identification_verdict
from sim.files import atomic_write

DEFAULT_POSTERIOR = "plausible"  # the calibrated plausible set shipped in the package, by its short name

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
    "limited_attack": "The declaration leaves open whether a limited offensive is an armed attack calling on G4; "
                      "as written the special commission rules it, by a vote against commission.armed_attack_bar "
                      "(an assumption). Read armed attacks of any size (comparison.csv) beside renewed war.",
    "article5": "article5_like is an upper bound; each of its six features is added to the Paris design alone, so "
                "what the features buy one by one need not add up to what they buy together (the rest is their "
                "interaction).",
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
    ("limited_attack", "A limited attack on one region: does G4 answer it, and does that deter?",
     "Whether a limited offensive calls on the G4 commitments (never, when the commission rules it an armed "
     "attack, always) and whether they bind at the limited level, on the Paris design."),
    ("article5", "What separates the Paris design from an Article-5-like guarantee?",
     "The Paris design, the Article-5-like upper bound, and the Paris design with each Article-5 feature alone "
     "(in force at the ceasefire, limited attacks called on, automatic responses, the US bound, automatic "
     "snapback, a forward force that defends)."),
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
        out += ["| design | P(escalation) [95% CI] | from constants | survival at 2 years | compared with | "
                "difference, points [95% CI] | from constants | verdict | across the plausible worlds |",
                "|---|---|---|---|---|---|---|---|---|"]
    else:
        out += ["| design | P(escalation) [95% CI] | survival at 2 years | compared with | difference, points "
                "[95% CI] | verdict |", "|---|---|---|---|---|---|"]
    extra = [c for c in ("reference_label", "contrast", "pairs_to_decide", *TURNS_ON_COLUMNS) if c in diffs.columns]
    cols = ["design_point", "diff_escalation", "diff_low", "diff_high", *extra]
    if posterior:
        cols += ["diff_param_low", "diff_param_high", "holds_across_posterior"]
    merged = summary.merge(diffs[cols], on="design_point", how="left")
    for r in merged.itertuples(index=False):
        row = r._asdict()
        if pd.isna(r.diff_escalation):
            diff, verdict, against = "reference", "", ""
        else:
            diff = f"{points(r.diff_escalation)} [{points(r.diff_low)}, {points(r.diff_high)}]"
            against = str(row.get("reference_label", "")) if pd.notna(row.get("reference_label")) else ""
            contrast = row.get("contrast")
            if isinstance(contrast, str) and contrast:
                against = f"{against} (contrast {contrast})"
            if r.diff_low > 0:
                verdict = "riskier"
            elif r.diff_high < 0:
                verdict = "safer"
            else:
                bound = max(abs(r.diff_low), abs(r.diff_high))
                verdict = f"no detectable difference (larger than {100 * bound:.1f} points ruled out)"
                need = row.get("pairs_to_decide")
                if need is not None and pd.notna(need):
                    verdict += f"; about {int(need):,} pairs would decide the difference seen"
        s2 = getattr(r, "survival_2y", float("nan"))
        if posterior:
            p_par = f"[{pct(r.p_param_low)}, {pct(r.p_param_high)}]" if pd.notna(r.p_param_low) else ""
            d_par = (f"[{points(r.diff_param_low)}, {points(r.diff_param_high)}]"
                     if pd.notna(r.diff_escalation) and pd.notna(r.diff_param_low) else "")
            worlds = ""
            if pd.notna(r.diff_escalation):
                worlds = identification_verdict(pd.Series({k: (v if not (isinstance(v, float) and pd.isna(v))
                                                                else float("nan")) for k, v in row.items()}))
            out.append(f"| {r.label} | {pct(r.p_escalation)} [{pct(r.p_low)}, {pct(r.p_high)}] | {p_par} | "
                       f"{pct(s2) if pd.notna(s2) else ''} | {against} | {diff} | {d_par} | {verdict} | {worlds} |")
            continue
        out.append(f"| {r.label} | {pct(r.p_escalation)} [{pct(r.p_low)}, {pct(r.p_high)}] | "
                   f"{pct(s2) if pd.notna(s2) else ''} | {against} | {diff} | {verdict} |")
    return out + [""]


def caveat(name: str) -> list[str]:
    return [f"*What this answer rests on.* {CAVEATS[name]}", ""]



def render(results: Path, constants: str = "") -> str:
    """The page, from the sweeps in ``results`` (``q_NAME/`` each); ``constants`` says where they came from."""
    lines = ["# The strategists' questions", "",
             "Generated by `python -m sim questions` from the sweeps in `experiments/questions/`. "
             "P(escalation) is the share of runs with a renewed war (a major attack) within five years, with a "
             "Wilson 95% interval; differences "
             "are paired by seed (common random numbers) with Newcombe's 95% interval. A verdict needs the "
             "whole interval on one side of zero. With the calibration posterior, each row also gives the "
             "interval *from constants* (how far the answer moves across the parameter sets the calibration "
             "allows, chance removed; docs/CALIBRATION.md) and whether the comparison **holds across the "
             "posterior** (yes: both intervals exclude zero on the same side; no: chance decides it but some "
             "allowed constants would not; undecided: chance alone does not). These are answers of the model "
             "(docs/ODD.md), under its assumptions (docs/VALIDATION.md says where it stands against the "
             "literature)." + (f" Constants: {constants}." if constants else ""), ""]
    for name, title, what in QUESTIONS:
        lines += section(results / f"q_{name}", title, what) + caveat(name)
    return "\n".join(lines) + "\n"


def choose_posterior(given: str | None) -> tuple[str | None, str]:
    """(the posterior to sweep with or None, a phrase saying where the constants come from)."""
    if given is not None:
        load_posterior(given)  # a bad name or file is bad input, before anything runs
        return given, f"drawn from the posterior `{given}`"
    try:
        load_posterior(DEFAULT_POSTERIOR)
    except (ConfigError, OSError):
        return None, ("the schema's defaults (this package ships no plausible set: give --posterior FILE to "
                      "draw them from a calibration posterior)")
    return DEFAULT_POSTERIOR, f"drawn from the shipped plausible set (`--posterior {DEFAULT_POSTERIOR}`)"


def _complete(folder: Path, posterior: str | None) -> bool:
    """A finished sweep in ``folder`` made with the same constants (none, or the same posterior)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    used = (manifest.get("posterior") or {}).get("file")
    same = (used is None and posterior is None) or (used is not None and posterior is not None
                                                    and Path(used).name == Path(posterior).name)
    return manifest.get("status") == "complete" and (folder / "summary.csv").is_file() and same


def questions_command(args: argparse.Namespace) -> int:
    posterior, constants = choose_posterior(args.posterior)
    print(f"questions: constants {constants}", file=sys.stderr)
    results = Path(args.results)
    for name, title, _ in QUESTIONS:
        folder = results / f"q_{name}"
        if args.report_only or (_complete(folder, posterior) and not args.overwrite):
            if not (folder / "summary.csv").is_file():
                raise UsageError(f"{folder}: no finished sweep for {title!r}; run without --report-only")
            print(f"questions: {title} -> {folder}/ (reused)", file=sys.stderr)
            continue
        print(f"questions: {title} -> {folder}/", file=sys.stderr)
        sweep_args = argparse.Namespace(
            experiment=Path(f"experiments/questions/{name}.yaml"), out=folder, resume=False,
            overwrite=getattr(args, "overwrite", False), workers=args.workers, scheduler=None,
            posterior=posterior, posterior_draws=args.posterior_draws, max_runs=None, max_gb=None,
            study=None, argv=getattr(args, "argv", []))
        code = sweep_commands.sweep(sweep_args)
        if code != EXIT_OK:
            return code
    page = render(results, constants)
    if str(args.out) == "-":
        sys.stdout.write(page)
    else:
        atomic_write(Path(args.out), page)
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK
