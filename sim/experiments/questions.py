"""The strategists' questions, answered from their sweeps: ``python -m sim questions`` writes docs/QUESTIONS.md.

It runs the sweeps of ``experiments/questions/`` (ratification, us_withdrawal, force,
early_warning, limited_attack, article5) into ``RESULTS/q_NAME/``, reusing a finished one of the same
experiment (same fingerprint: file, scenarios, constants, replicates), then decomposes each question's
main contrast (``MAIN``) by mechanism into ``RESULTS/q_NAME_channels/`` (sim.experiments.channels, on
the sweep's seeds and plausible worlds; reused when finished for the same sweep), then renders the page.
``--report-only`` runs nothing: a missing decomposition is said on stderr and on the page.

Each question's section: its main contrast at the three outcome levels (sim.experiments.levels: risk
and difference with the interval from chance, the range across the plausible worlds, and a verdict
that says what would decide it when nothing does yet), the decomposition by channel at the three levels,
then every design of the sweep at the three levels against the reference and the experiment's contrasts.
Every number comes from the sweeps' runs.csv, summary.csv and differences.csv and the decompositions'
runs; nothing is typed by hand.

The constants: ``--posterior NAME|FILE`` when given; else the shipped plausible set
(``--posterior plausible``) when the installed package carries one; else the schema's defaults.
The command and the page say which.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config import ConfigError
from sim.config.posterior import load_posterior, use_posterior
from sim.errors import EXIT_OK, UsageError
from sim.executors import default_workers
from sim.experiments import commands as sweep_commands
from sim.experiments.channels import Decomposition, configurations, decomposition_of_sweep_runs
from sim.experiments.config import load_experiment
from sim.experiments.identification import world_constants
from sim.experiments.levels import LEVEL_NAMES, LEVELS, LevelDifference, LevelRisk, compare_levels
from sim.experiments.levels import risk as level_risk
from sim.experiments.question_runs import channels_folder, decomposition_state, run_decomposition
from sim.experiments.ranking import OUTCOME_LEVELS
from sim.experiments.spec import MAX_REPLICATES
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
                      "(an assumption). The answer is read at the armed-attack level: a design that deters the limited "
                      "offensive shows there, while the renewed war it is not meant to change stays level.",
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


@dataclass(frozen=True)
class MainContrast:
    """The contrast that answers a question: design point ``variant`` against ``reference`` (labels as the
    sweep writes them), decided at outcome ``level``; the decomposition by mechanism is taken on it."""

    variant: str
    reference: str
    level: str
    why: str


# G4's trigger: "a renewed armed attack" in the declaration's words; the model calls on it for a major
# attack, and for a limited offensive only when the commission (or the design) rules it one.
G4_TRIGGER = ("G4's commitments are triggered by a renewed war (a major attack); a limited offensive calls on "
              "them only when the special commission rules it an armed attack (commitments.limited_attack_response)")

MAIN: dict[str, MainContrast] = {
    "ratification": MainContrast(
        "paris_declaration, government_change_scale=1, ambition=1.5",
        "political_only, government_change_scale=1, ambition=1.5", "renewed_war",
        "commitments ratified nation by nation against political ones, with governments changing as the elections "
        "file says, against the more revisionist Russia (where attacks are frequent enough to tell designs apart)"),
    "us_withdrawal": MainContrast(
        "us_withdraws_2029, ambition=1.5", "paris_declaration, ambition=1.5", "renewed_war",
        "the US roles withdrawn in January 2029 against the declaration as written, against the more revisionist "
        "Russia"),
    "force": MainContrast(
        "size=3, posture=forward, ambition=1.5", "size=1, posture=rear, ambition=1.5", "renewed_war",
        "the largest force, forward, against the contributions at their central reading at rear bases"),
    "early_warning": MainContrast(
        "shares_intelligence=false, threshold=2, coalition_intelligence_detection=0, monitoring_detection=0, "
        "ambition=1.5",
        "shares_intelligence=false, threshold=2, coalition_intelligence_detection=0.5, monitoring_detection=0.5, "
        "ambition=1.5", "renewed_war",
        "no detection of a preparation's indicators by the Coalition's intelligence or the monitors, against "
        "detection as the reference assumes"),
    "limited_attack": MainContrast(
        "limited_attack_response=armed_attack, binding_levels=[major], ambition=1.5",
        "limited_attack_response=limited_menu, binding_levels=[major], ambition=1.5", "armed_attack",
        "every limited offensive treated as an armed attack calling on G4, against never, against the more "
        "revisionist Russia: what G4 is asked to deter here is the limited offensive itself"),
    "article5": MainContrast(
        "article5_like", "paris_declaration", "renewed_war",
        "the Article-5-like upper bound against the Paris design as written"),
}

# Paired replicates a decomposition runs by default: 2 designs x 7 configurations (all channels on,
# each of the five off, all off) x 200 = 2,800 runs a question, 16,800 for the six (about 40% more
# than the six sweeps' 41,300), 10 a plausible world with 20 draws.
DECOMPOSITION_REPLICATIONS = 200


def pct(x: float) -> str:
    return f"{100 * x:.1f}%" if not math.isnan(x) else ""


def points(x: float) -> str:
    return f"{100 * x:+.1f}"


def _interval(lo: float, hi: float, fmt=pct) -> str:
    return "" if math.isnan(lo) or math.isnan(hi) else f"[{fmt(lo)}, {fmt(hi)}]"


def _risk_cell(r: LevelRisk) -> str:
    return f"{pct(r.risk)} {_interval(r.low, r.high)}"


def _diff_cell(d: LevelDifference) -> str:
    return f"{points(d.mean)} {_interval(d.low, d.high, points)}"


def _level_name(level: str, main: str | None = None) -> str:
    name = LEVEL_NAMES[level]
    return f"**{name}**" if level == main else name


def _points_by_label(summary: pd.DataFrame) -> dict[str, int]:
    return {str(label): int(dp) for dp, label in zip(summary["design_point"], summary["label"])}


def _worlds(manifest: dict[str, Any]) -> tuple[pd.DataFrame | None, list[str]]:
    notes: list[str] = []
    return world_constants(manifest, notes), notes


def _levels_table(runs: pd.DataFrame, rows: list[tuple[int, int | None, str]], labels: dict[int, str],
                  constants: pd.DataFrame | None, survival: dict[int, float], posterior: bool) -> list[str]:
    """Every design at the three levels: one row a design, level and comparison."""
    if posterior:
        out = ["| design | compared with | outcome level | risk [95% CI] | from constants | survival at 2 years | "
               "difference, points [95% CI] | from constants | verdict | across the plausible worlds |",
               "|---|---|---|---|---|---|---|---|---|---|"]
    else:
        out = ["| design | compared with | outcome level | risk [95% CI] | survival at 2 years | difference, points "
               "[95% CI] | verdict |", "|---|---|---|---|---|---|---|"]
    for dp, ref, against in rows:
        g = runs[runs["design_point"] == dp]
        if ref is None:
            found = {lv: (level_risk(g, lv), None, None) for lv in LEVELS if _has_level(runs, lv)}
        else:
            found = compare_levels(runs, dp, ref, constants)
        for i, (level, (risk, _, diff)) in enumerate(found.items()):
            design = labels.get(dp, str(dp)) if i == 0 else ""
            versus = against if i == 0 else ""
            s2 = pct(survival.get(dp, math.nan)) if level == "renewed_war" else ""
            if diff is None:
                cells = ["reference", "", "", ""] if posterior else ["reference", ""]
            elif posterior:
                cells = [_diff_cell(diff), _interval(diff.param_low, diff.param_high, points), diff.verdict(),
                         diff.worlds()]
            else:
                cells = [_diff_cell(diff), diff.verdict()]
            head = [design, versus, LEVEL_NAMES[level], _risk_cell(risk)]
            if posterior:
                head.append(_interval(risk.param_low, risk.param_high))
            out.append("| " + " | ".join([*head, s2, *cells]) + " |")
    return out


def _has_level(runs: pd.DataFrame, level: str) -> bool:
    return all(c in runs.columns for c in OUTCOME_LEVELS[level][1])


def _main_answer(name: str, runs: pd.DataFrame, by_label: dict[str, int], constants: pd.DataFrame | None,
                 posterior: bool) -> tuple[list[str], tuple[int, int] | None, LevelDifference | None]:
    """The question's main contrast at the three levels: (lines, (variant, reference) design points, the
    difference at the level it is decided at)."""
    main = MAIN[name]
    missing = [x for x in (main.variant, main.reference) if x not in by_label]
    out = [f"### The answer: {main.variant} against {main.reference}", ""]
    if missing:
        return out + [f"*Not shown: the sweep has no design point labelled {', '.join(repr(m) for m in missing)} "
                      f"(it was made from another experiment file than experiments/questions/{name}.yaml).*",
                      ""], None, None
    var, ref = by_label[main.variant], by_label[main.reference]
    found = compare_levels(runs, var, ref, constants)
    trigger = ("G4's trigger hangs on this level" if main.level == "renewed_war" else
               "G4's trigger hangs on the renewed-war level; whether a limited offensive also pulls it is this "
               "question's lever")
    out += [f"The contrast that answers the question: {main.why}. It is decided at the "
            f"**{LEVEL_NAMES.get(main.level, main.level)}** level ({trigger}).", ""]
    if posterior:
        out += ["| outcome level | design | reference | difference, points [95% CI] | from constants | verdict | "
                "across the plausible worlds |", "|---|---|---|---|---|---|---|"]
    else:
        out += ["| outcome level | design | reference | difference, points [95% CI] | verdict |",
                "|---|---|---|---|---|"]
    for level, (a, b, d) in found.items():
        if posterior:
            cells = [f"{_risk_cell(a)}; worlds {_interval(a.param_low, a.param_high)}",
                     f"{_risk_cell(b)}; worlds {_interval(b.param_low, b.param_high)}", _diff_cell(d),
                     _interval(d.param_low, d.param_high, points), d.verdict(), d.worlds()]
        else:
            cells = [_risk_cell(a), _risk_cell(b), _diff_cell(d), d.verdict()]
        out.append("| " + " | ".join([_level_name(level, main.level), *cells]) + " |")
    if main.level in found:
        d = found[main.level][2]
        out += ["", f"*At the {LEVEL_NAMES[main.level]} level:* {_in_words(d)}"]
    if "territory_seized_pct" in runs.columns:
        held = []
        for dp in (var, ref):
            share = runs.loc[runs["design_point"] == dp, "territory_seized_pct"].fillna(0.0)
            seized = share[share > 0]
            held.append(f"{seized.mean():.2f}% (at most {seized.max():.2f}%)" if len(seized) else "none")
        out += ["", f"Where territory is seized, Russia holds on average {held[0]} of Ukraine's area at the horizon "
                    f"under the design, {held[1]} under the reference."]
    return out + [""], (var, ref), (found[main.level][2] if main.level in found else None)


def _in_words(d: LevelDifference) -> str:
    v = d.verdict()
    sentence = (f"the design is {v} than its reference by {abs(100 * d.mean):.1f} points "
                f"(95% {points(d.low)} to {points(d.high)}, {d.pairs:,} pairs)" if d.decided else
                f"over {d.pairs:,} pairs, {v}")
    worlds = d.worlds()
    return sentence + (f"; across the plausible worlds: {worlds}." if worlds else ".")


def _decomposition(name: str, results: Path, summary: pd.DataFrame, sweep_manifest: dict[str, Any],
                   chosen: tuple[int, int] | None) -> tuple[list[str], Decomposition | None]:
    """What the main contrast acts through: the decomposition by channel, from its own paired runs (lines, and
    the decomposition at the level the question is decided at)."""
    main = MAIN[name]
    out = ["### What the difference acts through", ""]
    if chosen is None:
        return out + ["*Not computed: the main contrast is not in this sweep.*", ""], None
    folder = channels_folder(results, name)
    state = decomposition_state(folder, sweep_manifest, chosen)
    if state is not None:
        return out + [f"*Not computed: {state}. `python -m sim questions` (without --report-only) runs it "
                      f"(2 designs x {len(configurations())} configurations x {DECOMPOSITION_REPLICATIONS} replicates "
                      f"= {2 * len(configurations()) * DECOMPOSITION_REPLICATIONS:,} runs by default).*", ""], None
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    runs = pd.read_csv(folder / "runs.csv")
    labels = dict(zip(summary["design_point"].astype(int), summary["label"].astype(str)))
    var, ref = chosen
    decs = {level: decomposition_of_sweep_runs(runs, outcome=level, reference=labels[ref], variant=labels[var],
                                               master_seed=int(manifest["master_seed"]))
            for level in LEVELS if _has_level(runs, level)}
    n = int(manifest["replications"])
    out += [f"Each channel of deterrence (sim/experiments/channels.py; docs/MECHANISMS.md defines them) is switched "
            f"off in both designs, on the same {n:,} paired replicates (replicate k with the sweep's seed and "
            f"plausible world, so with every channel on these are the sweep's own first {n:,} runs of both designs, "
            f"and the total is the answer's difference on those pairs): "
            f"{2 * len(configurations()) * n:,} runs in `{folder.name}/`. A channel's **share** is the difference "
            f"with every channel on less the difference with that channel off (what the contrast loses when the "
            f"mechanism cannot act), with its 95% interval from chance. By construction the total is the residual "
            f"(every channel off) plus the shares plus their interaction; the interaction is what the channels do "
            f"together.", ""]
    header = ["| configuration"]
    rule = ["|---"]
    for level in decs:
        short = LEVEL_NAMES[level].split(" (")[0]
        header += [f"{short}: difference, points (95%)", f"{short}: share, points (95%)"]
        rule += ["---", "---"]
    out += [" | ".join(header) + " |", "|".join(rule) + "|"]
    tables = {level: d.table() for level, d in decs.items()}
    first = next(iter(tables.values()))
    for i, conf in enumerate(first["configuration"]):
        cells = [conf]
        for level, t in tables.items():
            r = t.iloc[i]
            diff = f"{points(r.difference)} [{points(r.difference_low)}, {points(r.difference_high)}]"
            share = ("" if math.isnan(r.share) else
                     f"{points(r.share)} [{points(r.share_low)}, {points(r.share_high)}]")
            cells += [diff, share]
        out.append("| " + " | ".join(cells) + " |")
    sums = []
    for level, d in decs.items():
        shares = sum(c.share.mean for c in d.channels)
        sums.append(f"{LEVEL_NAMES[level].split(' (')[0]}: total {points(d.total.mean)} = residual "
                    f"{points(d.residual.mean)} + shares {points(shares)} + interaction {points(d.interaction)}")
    out += ["", "Adding up, in points: " + "; ".join(sums) + ".", ""]
    if main.level in decs:
        d = decs[main.level]
        out += [f"*At the {LEVEL_NAMES[main.level]} level:* {d.note(points=True)}", ""]
        if d.total.decided:
            def part(x: float) -> str:
                return f"{x / d.total.mean + 0.0:.0%}".replace("-0%", "0%")
            parts = ", ".join(f"{c.channel} {part(c.share.mean)}" for c in d.channels)
            out += [f"As parts of the total difference ({points(d.total.mean)} points): {parts}; every channel off "
                    f"leaves {part(d.residual.mean)}, the interaction {part(d.interaction)} (parts beyond 100% or "
                    f"below 0% mean channels that overlap or substitute for one another).", ""]
        undecided = [c.channel for c in d.channels if not c.share.decided]
        if undecided:
            out += [f"Shares not told apart from chance ({', '.join(undecided)}): an interval narrows as the square "
                    f"root of the replicates, so four times as many (`--decomposition-replications "
                    f"{4 * n}`) halve it.", ""]
    return out, decs.get(main.level)


def section(name: str, folder: Path, title: str, what: str, glance: list[str] | None = None) -> list[str]:
    """The question's section; ``glance`` gets its row of the table of answers at a glance."""
    out = [f"## {title}", "", what, ""]
    if not (folder / "summary.csv").is_file():
        if glance is not None:
            glance.append(f"| {title} | not run |  |  |  |  |")
        return out + [f"*Not run: no `{folder}/summary.csv`.*", ""]
    summary = pd.read_csv(folder / "summary.csv")
    diffs = pd.read_csv(folder / "differences.csv")
    runs = pd.read_csv(folder / "runs.csv", low_memory=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    ref = diffs["reference_label"].iloc[0] if len(diffs) else ""
    posterior = "posterior_draw" in runs.columns and "holds_across_posterior" in diffs.columns
    post = manifest.get("posterior") or {}
    drawn = (f" Constants drawn from the calibration posterior (`{post.get('file')}`, {post.get('draws')} "
             f"draws; replicate k uses draw k % {post.get('draws')})." if posterior else "")
    out += [f"Sweep `{manifest.get('name', folder.name)}`: {int(summary['runs'].sum()):,} runs, "
            f"{int(summary['runs'].min())} paired replicates a design point, horizon "
            f"{int(summary['horizon_weeks'].max())} weeks; git {str(manifest.get('git_commit', ''))[:7]}.{drawn} "
            f"Reference: **{ref}**.", ""]
    constants, notes = _worlds(manifest) if posterior else (None, [])
    by_label = _points_by_label(summary)
    main, chosen, answer = _main_answer(name, runs, by_label, constants, posterior)
    out += main
    lines, dec = _decomposition(name, folder.parent, summary, manifest, chosen)
    out += lines
    if glance is not None:
        glance.append(_glance_row(name, title, answer, dec))
    out += ["### Every design at the three levels", ""]
    labels = {int(dp): str(lab) for dp, lab in zip(summary["design_point"], summary["label"])}
    survival = ({int(dp): float(v) for dp, v in zip(summary["design_point"], summary["survival_2y"])}
                if "survival_2y" in summary.columns else {})
    rows: list[tuple[int, int | None, str]] = []
    compared = {int(dp): [] for dp in summary["design_point"]}
    for d in diffs.itertuples(index=False):
        row = d._asdict()
        against = str(row.get("reference_label", ""))
        contrast = row.get("contrast")
        if isinstance(contrast, str) and contrast:
            against = f"{against} (contrast {contrast})"
        compared.setdefault(int(d.design_point), []).append((int(d.reference_design_point), against))
    reference = (manifest.get("reference") or {}).get("design_point")
    for dp in summary["design_point"].astype(int):
        if dp == reference or not compared.get(dp):
            rows.append((dp, None, ""))
        rows += [(dp, r, a) for r, a in compared.get(dp, [])]
    out += _levels_table(runs, rows, labels, constants, survival, posterior)
    return out + [""] + [f"*Note:* {n}." for n in notes] + ([""] if notes else [])


def _glance_row(name: str, title: str, answer: LevelDifference | None, dec: Decomposition | None) -> str:
    main = MAIN[name]
    if answer is None:
        return f"| {title} | {main.variant} against {main.reference}: not in this sweep |  |  |  |  |"
    worlds = answer.worlds()
    if dec is None:
        channel = "not computed"
    else:
        decided = [c for c in dec.channels if c.share.decided]
        if decided:
            best = max(decided, key=lambda c: abs(c.share.mean))
            channel = (f"{best.channel} {points(best.share.mean)} [{points(best.share.low)}, "
                       f"{points(best.share.high)}] of a total of {points(dec.total.mean)} on its {dec.replications:,} pairs")
        else:
            channel = f"none told apart from chance ({dec.replications:,} pairs)"
    return (f"| {title} | {main.variant} against {main.reference} | {LEVEL_NAMES[main.level]} | "
            f"{_diff_cell(answer)}: {answer.verdict()} | {worlds} | {channel} |")


def caveat(name: str) -> list[str]:
    return [f"*What this answer rests on.* {CAVEATS[name]}", ""]


def render(results: Path, constants: str = "") -> str:
    """The page, from the sweeps in ``results`` (``q_NAME/`` each, and the decompositions' ``q_NAME_channels/``);
    ``constants`` says where the constants came from."""
    lines = ["# The strategists' questions", "",
             "Generated by `python -m sim questions` from the sweeps in `experiments/questions/`; do not edit by "
             "hand. The model reports three outcome levels, each the share of runs in which it happens within the "
             "horizon: an **armed attack** (a limited offensive on one region or worse), a **renewed war** (a "
             "major attack) and **territory seized** (ground Russia took after the ceasefire and holds at the "
             f"horizon, a bounded share of Ukraine). {G4_TRIGGER}: the renewed-war level is the one the "
             "guarantee is built to deter, the armed-attack level the one that tests whether it is invoked. "
             "Risks carry a Wilson 95% interval; differences are paired by seed and by plausible world (common "
             "random numbers) with Newcombe's 95% interval, and a verdict (safer, riskier) needs the whole "
             "interval on one side of zero; otherwise the page says what the sample rules out and how many pairs "
             "would decide the difference seen. With the calibration's plausible worlds, each risk and difference "
             "also gets its interval *from constants* (where it lies under one parameter set the calibration "
             "allows, chance removed; docs/CALIBRATION.md) and a verdict *across the plausible worlds*: it holds "
             "in every one, it turns on a named calibrated constant (and where it changes sign), or what would "
             "decide it (more pairs when chance does not, narrower calibration when the worlds disagree). Each "
             "question's main contrast is decomposed by mechanism (denial, support, punishment, warning, "
             "politics) on paired runs. These are answers of the model (docs/ODD.md), under its assumptions "
             "(docs/VALIDATION.md says where it stands against the literature)."
             + (f" Constants: {constants}." if constants else ""), ""]
    glance: list[str] = []
    sections: list[str] = []
    for name, title, what in QUESTIONS:
        sections += section(name, results / f"q_{name}", title, what, glance) + caveat(name)
    lines += ["## The answers at a glance", "",
              "Each question's main contrast at the level it is decided at (details, the other levels and every "
              "design in its section), and the channel of deterrence that accounts for the largest share of it.", "",
              "| question | main contrast | level | difference, points [95% CI]: verdict | across the plausible "
              "worlds | largest share by channel, points [95% CI] |", "|---|---|---|---|---|---|", *glance, ""]
    return "\n".join(lines + sections) + "\n"


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


def question_experiment(name: str, posterior: str | None, draws: int, replications: int | None = None) -> Any:
    """The question's experiment as its sweep runs it: with the posterior's draws and, when given, another
    number of replicates."""
    exp = load_experiment(Path(f"experiments/questions/{name}.yaml"))
    if posterior is not None:
        exp = dataclasses.replace(exp, posterior=use_posterior(posterior, draws, exp.master_seed))
    if replications is not None:
        exp = sweep_commands.with_replications(exp, replications)
    return exp


def _complete(folder: Path, exp: Any) -> bool:
    """A finished sweep in ``folder`` of this very experiment (same fingerprint: file, scenarios, constants,
    replicates)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("status") == "complete" and (folder / "summary.csv").is_file()
            and manifest.get("fingerprint") == exp.fingerprint())


def _main_points(folder: Path) -> tuple[dict[str, Any], tuple[int, int] | None]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    by_label = _points_by_label(pd.read_csv(folder / "summary.csv"))
    main = MAIN[folder.name.removeprefix("q_")]
    if main.variant in by_label and main.reference in by_label:
        return manifest, (by_label[main.variant], by_label[main.reference])
    return manifest, None


def questions_command(args: argparse.Namespace) -> int:
    posterior, constants = choose_posterior(args.posterior)
    print(f"questions: constants {constants}", file=sys.stderr)
    results = Path(args.results)
    reps = getattr(args, "replications", None)
    dec_reps = getattr(args, "decomposition_replications", None)
    if dec_reps is None:
        dec_reps = DECOMPOSITION_REPLICATIONS
    for flag, value in (("--replications", reps), ("--decomposition-replications", dec_reps)):
        if value is not None and value > MAX_REPLICATES:
            raise UsageError(f"{flag} {value}: at most {MAX_REPLICATES:,} replicates (run ids hold the replicate "
                             f"below {MAX_REPLICATES + 1:,})")
    workers = args.workers or default_workers()
    for name, title, _ in QUESTIONS:
        folder = results / f"q_{name}"
        if args.report_only:
            if not (folder / "summary.csv").is_file():
                raise UsageError(f"{folder}: no finished sweep for {title!r}; run without --report-only")
            print(f"questions: {title} -> {folder}/ (reused)", file=sys.stderr)
            manifest, chosen = _main_points(folder)
            state = (decomposition_state(channels_folder(results, name), manifest, chosen) if chosen
                     else "the main contrast's design points are not in this sweep")
            if state:
                print(f"questions: {title}: no decomposition by mechanism ({state}); the page says so: run "
                      f"without --report-only to compute it", file=sys.stderr)
            continue
        exp = question_experiment(name, posterior, args.posterior_draws, reps)
        if _complete(folder, exp) and not args.overwrite:
            print(f"questions: {title} -> {folder}/ (reused)", file=sys.stderr)
        else:
            print(f"questions: {title} -> {folder}/", file=sys.stderr)
            sweep_args = argparse.Namespace(
                experiment=Path(f"experiments/questions/{name}.yaml"), out=folder, resume=False,
                overwrite=getattr(args, "overwrite", False), workers=args.workers, scheduler=None,
                posterior=posterior, posterior_draws=args.posterior_draws, max_runs=None, max_gb=None,
                study=None, argv=getattr(args, "argv", []), replications=reps)
            code = sweep_commands.sweep(sweep_args)
            if code != EXIT_OK:
                return code
        manifest, chosen = _main_points(folder)
        where = channels_folder(results, name)
        if chosen is None:
            print(f"questions: {title}: the main contrast is not among the sweep's design points; no "
                  f"decomposition", file=sys.stderr)
        elif dec_reps == 0:
            print(f"questions: {title}: decomposition skipped (--decomposition-replications 0)", file=sys.stderr)
        elif decomposition_state(where, manifest, chosen, dec_reps) is None and not args.overwrite:
            print(f"questions: {title}: decomposition by mechanism -> {where}/ (reused)", file=sys.stderr)
        else:
            n = 2 * len(configurations()) * dec_reps
            print(f"questions: {title}: decomposition by mechanism, {n:,} runs -> {where}/", file=sys.stderr)
            run_decomposition(exp, where, manifest, chosen, dec_reps, workers)
    page = render(results, constants)
    if str(args.out) == "-":
        sys.stdout.write(page)
    else:
        atomic_write(Path(args.out), page)
        print(f"wrote {args.out}", file=sys.stderr)
    return EXIT_OK
