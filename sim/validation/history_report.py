"""The history check's tables: per case, mean scores, the paired tests, groups; CSV and the markdown that
docs/VALIDATION.md includes (section 5).

Out-of-sample and in-sample cases are scored apart and never pooled: the out-of-sample Brier comparisons with the
two pre-registered references are the test (four, Holm-adjusted); those with the case-type base rate, which the
pre-registration did not name, are a second family (two, Holm-adjusted, labelled as added); the log-score ones are
secondary, and every in-sample figure is descriptive (the base rates are their own frequencies and the calibration
was fitted to their aggregate). The reliability figure plots the model's forecasts against the outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.files import atomic_write, csv_text
from sim.validation.history import (CASE_TYPES, FORECASTERS, GROUPS, LEVEL_WORDS, LEVELS,
                                    PREREGISTERED_REFERENCES, REFERENCES, SAMPLES, WINDOW_WEEKS, Result)
from sim.validation.history_scores import (ALPHA, POWER, Paired, brier, decision, holm, log_score, paired_test,
                                           skill, smallest_p)

OUTPUT_FILES = ("history.csv", "history_scores.csv", "history_tests.csv", "history_tables.md",
                "history_reliability.png")
FIGURE = "history_reliability.png"
SCORES = ("brier", "log")
WEEKS_PER_YEAR = 52


# --- per case -----------------------------------------------------------------------------------

SCORED_COLUMNS = (
    "case_id", "name", "rule", "group", "case_type", "sample", "ceasefire_date", "censored", "t_weeks", "t_years",
    "replicates",
    *(c for level in LEVELS for c in (
        f"y_{level}", f"k_model_{level}", f"k_guarantees_off_{level}",
        *(f"p_{f}_{level}" for f in FORECASTERS), *(f"brier_{f}_{level}" for f in FORECASTERS),
        *(f"log_{f}_{level}" for f in FORECASTERS))),
    "features", "scenario", "settings",
)


def scored_rows(result: Result) -> list[dict[str, Any]]:
    """One row a scored case: its outcome, each forecaster's p and scores at both levels."""
    rows = []
    for case in result.scored:
        row: dict[str, Any] = {
            "case_id": case.case_id, "name": case.name, "rule": case.rule, "group": case.group,
            "case_type": case.case_type, "sample": case.sample,
            "ceasefire_date": case.ceasefire_date.isoformat(), "censored": int(case.censored),
            "t_weeks": case.t_weeks, "t_years": round(case.t_weeks / WEEKS_PER_YEAR, 2),
            "replicates": result.replicates}
        for level in LEVELS:
            y = case.y(level)
            row[f"y_{level}"] = y
            row[f"k_model_{level}"] = result.k("model", case, level)
            row[f"k_guarantees_off_{level}"] = result.k("guarantees_off", case, level)
            for f in FORECASTERS:
                p = result.p(f, case, level)
                row[f"p_{f}_{level}"] = p
                row[f"brier_{f}_{level}"] = brier(p, y)
                row[f"log_{f}_{level}"] = log_score(p, y)
        row["features"] = ";".join(f"{k}={v}" for k, v in case.features.items())
        row["scenario"], row["settings"] = case.scenario, case.settings_text
        rows.append(row)
    return rows


# --- mean scores ----------------------------------------------------------------------------------

SCORES_COLUMNS = (
    "sample", "group", "level", "forecaster", "cases", "events", "observed_rate", "mean_p", "mean_brier", "mean_log",
    *(f"{s}_skill_vs_{ref}" for s in SCORES for ref in REFERENCES),
)


def _means(rows: Sequence[Mapping[str, Any]], level: str) -> dict[tuple[str, str], float]:
    n = len(rows)
    return {(s, f): sum(r[f"{s}_{f}_{level}"] for r in rows) / n for s in ("p", *SCORES) for f in FORECASTERS}


def score_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Mean scores by sample (all its cases, then each group of it that has cases), level and forecaster."""
    out = []
    for sample in SAMPLES:
        inside = [r for r in rows if r["sample"] == sample]
        sets = [("all", inside)] + [(g, [r for r in inside if r["group"] == g]) for g in GROUPS]
        for group, subset in sets:
            if not subset or (group != "all" and len(subset) == len(inside)):
                continue
            for level in LEVELS:
                mean = _means(subset, level)
                events = sum(r[f"y_{level}"] for r in subset)
                for f in FORECASTERS:
                    row = {"sample": sample, "group": group, "level": level, "forecaster": f, "cases": len(subset),
                           "events": events, "observed_rate": events / len(subset), "mean_p": mean[("p", f)],
                           "mean_brier": mean[("brier", f)], "mean_log": mean[("log", f)]}
                    for s in SCORES:
                        for ref in REFERENCES:
                            row[f"{s}_skill_vs_{ref}"] = skill(mean[(s, f)], mean[(s, ref)])
                    out.append(row)
    return out


# --- the paired tests -----------------------------------------------------------------------------

TESTS_COLUMNS = (
    "sample", "level", "reference", "score", "role", "cases", "model_better", "model_worse", "tied",
    "mean_difference", "low", "high", "wilcoxon_p", "method", "differing", "smallest_p", "holm_p", "decision",
    "detectable_difference",
)


ROLES = {
    "primary": "the pre-registered test: out of sample, Brier, against guarantees off and the base rate (Holm over 4)",
    "added": "out of sample, Brier, against the case-type base rate: not pre-registered (Holm over its 2)",
    "secondary": "out of sample, log score: no decision",
    "descriptive": "in sample: the calibration's record, no decision",
}


def _role(sample: str, score: str, ref: str) -> str:
    if sample != "out_of_sample":
        return "descriptive"
    if score != "brier":
        return "secondary"
    return "primary" if ref in PREREGISTERED_REFERENCES else "added"


def test_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Model minus each reference, per case, by sample, level and score. The out-of-sample Brier comparisons
    with the pre-registered references are the primary family (Holm over the four, a decision each); those with
    the case-type base rate are an added family (Holm over two, a decision each); out-of-sample log scores are
    secondary; in-sample comparisons are descriptive."""
    out = []
    for sample in SAMPLES:
        inside = [r for r in rows if r["sample"] == sample]
        if not inside:
            continue
        for score in SCORES:
            for level in LEVELS:
                for ref in REFERENCES:
                    diffs = [r[f"{score}_model_{level}"] - r[f"{score}_{ref}_{level}"] for r in inside]
                    t: Paired = paired_test(diffs)
                    role = _role(sample, score, ref)
                    out.append({"sample": sample, "level": level, "reference": ref, "score": score, "role": role,
                                "cases": t.cases, "model_better": t.better, "model_worse": t.worse, "tied": t.tied,
                                "mean_difference": t.mean, "low": t.low, "high": t.high, "wilcoxon_p": t.p,
                                "method": t.method, "differing": t.differing, "smallest_p": smallest_p(t.differing),
                                "holm_p": None, "decision": role if role not in ("primary", "added") else None,
                                "detectable_difference": t.detectable})
    for family in ("primary", "added"):
        members = [r for r in out if r["role"] == family]
        for r, adjusted in zip(members, holm([r["wilcoxon_p"] for r in members])):
            r["holm_p"] = adjusted
            r["decision"] = decision(r["mean_difference"], adjusted)
    return out


# --- files ----------------------------------------------------------------------------------------

def _cell(x: Any) -> Any:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else x


def _csv(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    return csv_text(list(columns), [[_cell(r[c]) for c in columns] for r in rows])


def write(out: Path, result: Result, meta: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Write the four files into ``out``; return the tables (cases, scores, tests)."""
    rows = scored_rows(result)
    scores = score_rows(rows)
    tests = test_rows(rows)
    atomic_write(out / "history.csv", _csv(SCORED_COLUMNS, rows))
    atomic_write(out / "history_scores.csv", _csv(SCORES_COLUMNS, scores))
    atomic_write(out / "history_tests.csv", _csv(TESTS_COLUMNS, tests))
    atomic_write(out / "history_tables.md", tables_md(result, rows, scores, tests, meta))
    reliability_figure(rows, out / FIGURE)
    return {"cases": rows, "scores": scores, "tests": tests}


# --- markdown ------------------------------------------------------------------------------------

def _f(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "none found"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def _p(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


def _word(name: str) -> str:
    return name.replace("_", " ")


def _per_case_table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    names = " | ".join(_word(f) for f in FORECASTERS)
    lines = [f"| case | group | type | t (years) | armed attack: y | {names} | renewed war: y | {names} |",
             "|" + "---|" * (4 + 2 * (1 + len(FORECASTERS)))]
    for r in rows:
        cells = [f"{r['name']} (`{r['case_id']}`)", r["group"], r["case_type"],
                 f"{r['t_years']:.1f}" + (" (censored)" if r["censored"] else "")]
        for level in LEVELS:
            cells += [str(r[f"y_{level}"]), *(f"{r[f'p_{f}_{level}']:.3f}" for f in FORECASTERS)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _means_table(scores: Sequence[Mapping[str, Any]], sample: str) -> list[str]:
    lines = ["| level | forecaster | cases | observed rate | mean p | mean Brier | mean log score | "
             + " | ".join(f"Brier skill vs {_word(ref)}" for ref in REFERENCES) + " |",
             "|" + "---|" * (7 + len(REFERENCES))]
    for s in (s for s in scores if s["sample"] == sample and s["group"] == "all"):
        lines.append(f"| {LEVEL_WORDS[s['level']]} | {_word(s['forecaster'])} | {s['cases']} | {_f(s['observed_rate'])} "
                     f"| {_f(s['mean_p'])} | {_f(s['mean_brier'])} | {_f(s['mean_log'])} | "
                     + " | ".join(_f(s[f"brier_skill_vs_{ref}"]) for ref in REFERENCES) + " |")
    return lines


def _tests_table(tests: Sequence[Mapping[str, Any]], sample: str, score: str, decide: bool) -> list[str]:
    unit = "Brier" if score == "brier" else "log score"
    head = (f"| level | reference | cases (differing) | model better / worse / tied | mean {unit} difference "
            f"[95% bootstrap] | Wilcoxon p | " + ("Holm p | decision | " if decide else "")
            + "smallest detectable difference |")
    lines = [head, "|" + "---|" * (9 if decide else 7)]
    for t in (t for t in tests if t["sample"] == sample and t["score"] == score):
        cells = [LEVEL_WORDS[t["level"]], _word(t["reference"]), f"{t['cases']} ({t['differing']})",
                 f"{t['model_better']} / {t['model_worse']} / {t['tied']}",
                 f"{_f(t['mean_difference'])} [{_f(t['low'])}, {_f(t['high'])}]", _p(t["wilcoxon_p"])]
        if decide:
            added = " (not pre-registered)" if t["role"] == "added" else ""
            cells += [_p(t["holm_p"]), f"**{t['decision']}**{added}" if t["holm_p"] is not None else "-"]
        cells.append(_f(t["detectable_difference"]))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _groups_table(scores: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = ["| group | cases | level | observed rate | mean Brier: " + " | ".join(_word(f) for f in FORECASTERS) + " |",
             "|" + "---|" * (4 + len(FORECASTERS))]
    by = {(s["group"], s["level"], s["forecaster"]): s for s in scores if s["sample"] == "out_of_sample"}
    for group in GROUPS:
        for level in LEVELS:
            if (group, level, "model") not in by:
                continue
            m = by[(group, level, "model")]
            lines.append(f"| {group} | {m['cases']} | {LEVEL_WORDS[level]} | {_f(m['observed_rate'])} | "
                         + " | ".join(_f(by[(group, level, f)]["mean_brier"]) for f in FORECASTERS) + " |")
    return lines


def _spread(result: Result, cases: Sequence[Any], level: str) -> str:
    """How far apart the model's forecasts are, and how far the guarantees move one."""
    ps = [result.p("model", c, level) for c in cases]
    moves = [abs(result.p("model", c, level) - result.p("guarantees_off", c, level)) for c in cases]
    return (f"at {LEVEL_WORDS[level]} they range from {_f(min(ps))} to {_f(max(ps))}, and the guarantees move a "
            f"case's forecast by {_f(max(moves))} at most")


def limits_text(result: Result, tests: Sequence[Mapping[str, Any]]) -> list[str]:
    """What a case count this small can and cannot show, with this run's numbers."""
    out = [c for c in result.scored if c.sample == "out_of_sample"]
    primary = [t for t in tests if t["role"] == "primary"]
    differing = ", ".join(f"{t['differing']} ({LEVEL_WORDS[t['level']]} against {_word(t['reference'])})"
                          for t in primary)
    detect = ", ".join(f"{_f(t['detectable_difference'])} ({LEVEL_WORDS[t['level']]} against "
                       f"{_word(t['reference'])})" for t in primary)
    groups = {g: sum(c.group == g for c in out) for g in GROUPS if any(c.group == g for c in out)}
    forecasts = len({(c.settings_text, c.t_weeks) for c in out})
    return [
        f"**What {len(out)} cases can and cannot show.**",
        "- A signed-rank test on n cases whose forecasts differ (a case where the two forecasts are the same drops "
        f"out) reaches p = 2/2^n at best, so 5 or fewer such cases can decide nothing (p = {smallest_p(5):.4f} at "
        f"best). Of the {len(out)} out-of-sample cases, the forecasts differ in {differing}. The groups ("
        + ", ".join(f"{g}: {n}" for g, n in groups.items()) + ") are described, not tested.",
        f"- At the cases' own spread of score differences, the smallest mean Brier difference the test detects with "
        f"{POWER:.0%} power at alpha {ALPHA} (before Holm's correction, which asks more) is {detect}; \"none found\" "
        "means that too few cases differ to decide at any difference. A smaller difference would go unnoticed: "
        "**an undecided comparison is not evidence that the forecasts are equally good.**",
        "- The model knows nothing of a case but its guarantee features (through the mapping rule) and its window: "
        f"the {len(out)} cases hold {forecasts} distinct model forecasts per level; "
        + "; ".join(_spread(result, out, level) for level in LEVELS)
        + ". The check tests the model's level of risk and the direction and size of its guarantee effects, not its "
        "reading of any conflict.",
        "- The cases are the population the inclusion rule defines, not a random sample of future ceasefires. Truces "
        "within wars (A2/A3) fail far more often than ceasefires that ended a war, and the model, which is given the "
        "guarantees only, cannot tell them apart.",
        "- In sample the base rate is the cases' own frequency and the calibration was fitted to their aggregate: the "
        "scores there are descriptive and are never pooled with the out-of-sample ones.",
    ]


def verdict_text(result: Result, tests: Sequence[Mapping[str, Any]]) -> list[str]:
    """The check's verdicts in words, generated from the tests (so that no page types them)."""
    def one(t: Mapping[str, Any]) -> str:
        return (f"against the {_word(t['reference'])} forecast at {LEVEL_WORDS[t['level']]}, **{t['decision']}** (mean Brier "
                f"difference {_f(t['mean_difference'])} [{_f(t['low'])}, {_f(t['high'])}], Holm p "
                f"{_p(t['holm_p'])}; detectable: {_f(t['detectable_difference'])})")
    primary = [t for t in tests if t["role"] == "primary"]
    added = [t for t in tests if t["role"] == "added"]
    n = sum(c.sample == "out_of_sample" for c in result.scored)
    decided = [t for t in primary if t["decision"] != "undecided"]
    lines = [f"**Verdict (out of sample, {n} cases, the pre-registered test).** The model "
             + "; ".join(one(t) for t in primary) + "."]
    if added:
        lines += ["", "**Added, not pre-registered (the case-type base rate).** The model "
                  + "; ".join(one(t) for t in added) + "."]
    lines += ["", ("None of the four pre-registered comparisons is decided: the cases cannot tell the model from "
                   "these references at the differences they could detect." if not decided else
                   f"{len(decided)} of the four pre-registered comparisons decided.")]
    return lines


def tables_md(result: Result, rows: Sequence[Mapping[str, Any]], scores: Sequence[Mapping[str, Any]],
              tests: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]) -> str:
    """The markdown that docs/VALIDATION.md includes verbatim."""
    out_rows = [r for r in rows if r["sample"] == "out_of_sample"]
    in_rows = [r for r in rows if r["sample"] == "in_sample"]
    excluded = sum(not c.scored for c in result.cases)
    censored = sum(c.censored for c in result.scored)
    posterior = meta.get("posterior")
    lines = [
        *([f"Command: `{meta['command']}`, git {meta.get('git_commit') or 'unknown'}, {meta.get('date', '')}.", ""]
          if meta.get("command") else []),
        *([f"Pre-registered: `scenarios/history_cases_v3.csv` was added in commit {meta['preregistered']}, before "
           f"this run's commit ({meta.get('git_commit') or 'unknown'}) and any forecast of its cases.", ""]
          if meta.get("preregistered") else []),
        *verdict_text(result, tests),
        "",
        f"Runs: {result.replicates} seeded replicates per distinct configuration and model forecaster "
        f"({result.runs} runs, {result.configurations} configurations"
        f"{f', {result.draws} parameter sets of the calibration' if result.draws else ''}); "
        f"{len(result.scored)} cases scored ({len(out_rows)} out of sample, {len(in_rows)} in sample; {excluded} "
        f"excluded by the file's rule), t = {WINDOW_WEEKS} weeks ({censored} censored cases on the weeks observed); "
        f"master seed {meta.get('master_seed', '-')}, {meta.get('seconds', result.seconds):.0f} s of runs on "
        f"{meta.get('workers', '-')}."
        + (f" Constants: {posterior.get('draws')} draws of `{posterior.get('path')}`." if isinstance(posterior, Mapping)
           else " Constants: the shipped values (no calibration's plausible set given)."),
        "",
        f"Forecasts of P(event by t): **model** = the case's scenario and settings (the pre-registered mapping); "
        f"**guarantees off** = the same runs with no guarantee feature; **base rate** = a constant hazard with the "
        f"in-sample shares within five years ({result.rates['armed_attack']:.3f} armed attack, "
        f"{result.rates['renewed_war']:.3f} renewed war); **case type** (not pre-registered) = a constant hazard with "
        "the in-sample share of the case's type, (k + 0.5) / (n + 1): "
        + "; ".join(f"{kind} {_kind_rate(result, kind, 'armed_attack')} armed attack, "
                    f"{_kind_rate(result, kind, 'renewed_war')} renewed war ({_kind_count(result, kind)})"
                    for kind in CASE_TYPES)
        + ". Model probabilities are smoothed, (k + 0.5) / (R + 1). "
        "Lower scores are better; a difference is model minus reference, negative when the model is better.",
        "",
        f"#### Out of sample ({len(out_rows)} cases): the test",
        "",
        "The paired test: per-case Brier differences, two-sided Wilcoxon signed-rank (zero differences dropped), "
        f"Holm's correction over the four pre-registered comparisons (guarantees off, base rate), decided at an "
        f"adjusted p below {ALPHA}; the two comparisons with the case-type base rate are a family of their own, "
        f"not pre-registered. The smallest detectable difference is the shift of the mean difference found with "
        f"{POWER:.0%} power at alpha {ALPHA}, from the cases' own spread.",
        "",
        *_tests_table(tests, "out_of_sample", "brier", True),
        "",
        *_means_table(scores, "out_of_sample"),
        "",
        f"![Reliability of the model's forecasts]({FIGURE})",
        "",
        f"*{FIGURE_CAPTION}*",
        "",
        "Log scores (secondary, no decision):",
        "",
        *_tests_table(tests, "out_of_sample", "log", False),
        "",
        "By group (described, not tested):",
        "",
        *_groups_table(scores),
        "",
        *_per_case_table(out_rows),
        "",
        f"#### In sample ({len(in_rows)} cases): apart, never pooled",
        "",
        "The calibration's record: the base rate is these cases' own frequency and the calibration was fitted to "
        "their aggregate, so these figures describe the fit; they test nothing.",
        "",
        *_means_table(scores, "in_sample"),
        "",
        *_tests_table(tests, "in_sample", "brier", False),
        "",
        *_per_case_table(in_rows),
        "",
        *limits_text(result, tests),
        "",
    ]
    return "\n".join(lines)


def _kind_count(result: Result, kind: str) -> str:
    n = sum(c.sample == "in_sample" and c.case_type == kind for c in result.cases)
    return f"{n} in-sample case{'s' if n != 1 else ''}"


def _kind_rate(result: Result, kind: str, level: str) -> str:
    rates = result.kind_rates
    return _f(rates[(kind, level)]) if (kind, level) in rates else "-"


# --- the reliability figure ------------------------------------------------------------------------

FIGURE_CAPTION = ("Reliability of the model's forecasts: cases grouped by forecast (equal-count bins within each "
                  "sample), mean forecast against the share that failed, with its Wilson 95% interval; a point on the "
                  "diagonal is a calibrated forecast. Filled blue: out of sample; hollow orange: in sample (the "
                  "calibration's record). The grey dashed line is the base rate.")
BINS = 4  # per sample and level: about 5 or 6 cases a bin


def reliability_bins(ps: Sequence[float], ys: Sequence[int], bins: int = BINS) -> list[tuple[float, float, int]]:
    """(mean forecast, observed share, cases) of equal-count bins of the cases sorted by forecast (ties kept in
    case order, so the bins are deterministic)."""
    order = sorted(range(len(ps)), key=lambda i: (ps[i], i))
    out = []
    for b in range(bins):
        members = order[b * len(order) // bins:(b + 1) * len(order) // bins]
        if members:
            out.append((sum(ps[i] for i in members) / len(members), sum(ys[i] for i in members) / len(members),
                        len(members)))
    return out


def _wilson(share: float, n: int, z: float = 1.96) -> tuple[float, float]:
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def reliability_figure(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """The model's forecasts against the outcomes, one panel a level (matplotlib's object API, no pyplot state)."""
    fig = Figure(figsize=(9.0, 4.2))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(LEVELS))
    for ax, level in zip(axes, LEVELS):
        ax.plot([0, 1], [0, 1], color="grey", lw=1)
        for sample, face, colour in (("out_of_sample", "tab:blue", "tab:blue"), ("in_sample", "none", "tab:orange")):
            inside = [r for r in rows if r["sample"] == sample]
            if not inside:
                continue
            bins = reliability_bins([r[f"p_model_{level}"] for r in inside], [r[f"y_{level}"] for r in inside])
            for mean_p, share, n in bins:
                low, high = _wilson(share, n)
                # max(0, ...): at a share of 0 or 1 the interval's end is the share up to rounding
                ax.errorbar(mean_p, share, yerr=[[max(0.0, share - low)], [max(0.0, high - share)]], fmt="o",
                            ms=4 + n, capsize=3,
                            color=colour, markerfacecolor=face)
            ax.plot([], [], "o", color=colour, markerfacecolor=face,
                    label=f"{_word(sample)} ({len(inside)} cases, {len(bins)} bins)")
            if sample == "in_sample":
                rate = sum(r[f"y_{level}"] for r in inside) / len(inside)
                ax.axhline(rate, color="grey", ls="--", lw=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel(f"model forecast of {LEVEL_WORDS[level]} by t")
        ax.set_ylabel("share of cases where it came")
        ax.set_title(LEVEL_WORDS[level], fontsize=10)
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})


def console(result: Result, tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    out = [f"history: {len(result.scored)} cases x {result.replicates} replicates ({result.runs} runs in "
           f"{result.seconds:.0f} s); lower scores are better"]
    for sample in SAMPLES:
        for level in LEVELS:
            means = {s["forecaster"]: s for s in tables["scores"]
                     if s["sample"] == sample and s["group"] == "all" and s["level"] == level}
            if not means:
                continue
            n = means["model"]["cases"]
            out.append(f"  {_word(sample)} ({n}), {LEVEL_WORDS[level]}: mean Brier "
                       + ", ".join(f"{_word(f)} {means[f]['mean_brier']:.3f}" for f in FORECASTERS))
    for t in (t for t in tables["tests"] if t["role"] in ("primary", "added")):
        out.append(f"  {'test' if t['role'] == 'primary' else 'added (not pre-registered)'}, "
                   f"{LEVEL_WORDS[t['level']]} vs {_word(t['reference'])}: mean difference "
                   f"{_f(t['mean_difference'])}, Holm p {_p(t['holm_p'])}: {t['decision']} (detectable: "
                   f"{_f(t['detectable_difference'])})")
    n = sum(c.sample == "out_of_sample" for c in result.scored)
    out.append(f"  caveat: {n} out-of-sample cases detect only large differences (history_tables.md says which)")
    return "\n".join(out)

