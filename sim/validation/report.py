"""Tables and figures of the validation: what ``validate-model`` prints and writes.

Writes into the output folder (``results/validation/`` by default; ``docs/validation/``
when refreshing the documentation):

* ``patterns.csv``  one row a pattern: id, name, target, measured, interval, verdict, decided;
* ``measures.csv``  one row a measured quantity (``PatternResult.measures``);
* ``validation_tables.md``  the same as Markdown tables, ready for docs/VALIDATION.md;
* ``pattern1_mechanisms.png`` ... ``pattern6_response_timing.png``: one figure a pattern.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.experiments.statistics import km_survival
from sim.experiments.tables import table_text
from sim.files import atomic_write
from sim.validation import measures as M
from sim.validation import patterns as P

FIGURES = {1: "pattern1_mechanisms.png", 2: "pattern2_force.png", 3: "pattern3_monitors.png",
           4: "pattern4_ordering.png", 5: "pattern5_war_durations.png", 6: "pattern6_response_timing.png"}
LABELS = {P.REFERENCE: "none (budapest_memorandum)", **{k: v for k, v in P.VARIANTS.items()}}


def _f(x: float, digits: int = 3) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _ci(m: P.Measure) -> str:
    return f"{_f(m.value)} [{_f(m.low)}, {_f(m.high)}]"


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|")


def _short(scenario: str) -> str:
    return {"budapest_memorandum": "budapest", "minsk_analogue": "minsk", "paris_declaration": "paris",
            "article5_like": "article5"}.get(scenario, scenario)


def _verdict(r: P.PatternResult) -> str:
    return r.verdict + ("" if r.decided else " (not decided at this N)")


def replicates_text(meta: dict[str, Any]) -> str:
    """'400 paired replicates per scenario (2500 for a and b)': what was actually run."""
    text = f"{meta['replicates']} paired replicates per scenario"
    more: dict[str, int] = meta.get("more_replicates") or {}
    for n in sorted(set(more.values())):
        names = [s for s, m in more.items() if m == n]
        text += f" ({n} for {' and '.join(names)})" if len(more) == len(names) else f"; {n} for {', '.join(names)}"
    return text


# --- console ----------------------------------------------------------------------------------

def shown_verdict(r: P.PatternResult, quick: bool) -> str:
    """PASS, FAIL, or in quick mode UNDECIDED: a miss its small sample cannot decide is no failure."""
    if r.passed:
        return "PASS"
    return "UNDECIDED" if quick and not r.decided else "FAIL"


def failed(results: list[P.PatternResult], quick: bool) -> bool:
    """A decided failure (the exit code 1 of validate-model)."""
    return any(shown_verdict(r, quick) == "FAIL" for r in results)


def console(results: list[P.PatternResult], meta: dict[str, Any]) -> str:
    quick = meta.get("mode") == "quick"
    lines = [f"validate-model ({meta['mode']}): {replicates_text(meta)}, "
             f"horizon {meta['horizon_weeks']} weeks, master seed {meta['master_seed']}", ""]
    if quick:
        lines[-1:] = ["quick mode is a smoke test: its samples are too small to decide some patterns, which then "
                      "read UNDECIDED (exit 0); run without --quick for the published verdicts", ""]
    for r in results:
        p = r.pattern
        lines.append(f"[{shown_verdict(r, quick)}] {p.id}. {p.name}")
        lines.append(f"       target:   {p.target}")
        lines.append(f"       measured: {r.measured}")
        for m in r.measures:
            if m.passed is not None:
                mark = "ok " if m.passed else "NO "
                lines.append(f"         {mark} {m.label}: {_ci(m)}  ({m.target})")
        if not r.decided and r.passed:
            lines.append("       note:     passes on its point estimate; the 95% interval does not decide it "
                         "at this number of runs")
        elif not r.decided and quick:
            lines.append("       note:     misses on its point estimate; the 95% interval does not decide it "
                         "at this number of runs")
        if r.note:
            lines.append(f"       note:     {r.note}")
    verdicts = [(r.pattern.id, shown_verdict(r, quick)) for r in results]
    n_pass = sum(v == "PASS" for _, v in verdicts)
    tail = []
    for word, label in (("FAIL", "fail"), ("UNDECIDED", "undecided")):
        ids = [str(i) for i, v in verdicts if v == word]
        if ids:
            tail.append(f"pattern{'s' if len(ids) > 1 else ''} {', '.join(ids)} "
                        f"{label if word == 'UNDECIDED' else ('fail' if len(ids) > 1 else 'fails')}")
    lines += ["", f"{n_pass} of {len(results)} patterns pass" + ("; " + "; ".join(tail) if tail else "")]
    return "\n".join(lines)


# --- tables -----------------------------------------------------------------------------------

def pattern_rows(results: list[P.PatternResult]) -> pd.DataFrame:
    return pd.DataFrame([{
        "pattern": r.pattern.id, "key": r.pattern.key, "name": r.pattern.name, "target": r.pattern.target,
        "measured": r.measured, "verdict": r.verdict, "decided": r.decided, "rule": r.pattern.rule,
        "source": r.pattern.source, "note": r.note} for r in results])


def measure_rows(results: list[P.PatternResult]) -> pd.DataFrame:
    return pd.DataFrame([{
        "pattern": r.pattern.id, "quantity": m.label, "unit": m.unit, "value": m.value, "low": m.low,
        "high": m.high, "target": m.target, "passed": "" if m.passed is None else m.passed, "note": m.note}
        for r in results for m in r.measures])


def markdown(results: list[P.PatternResult], meta: dict[str, Any], figures: dict[int, str]) -> str:
    out = [f"<!-- written by `{meta['command']}` on {meta['date']} (git {meta['git_commit']}) -->", "",
           f"Runs: {replicates_text(meta)} ({meta['runs']} runs), horizon "
           f"{meta['horizon_weeks']} weeks, master seed {meta['master_seed']}"
           + (f", {meta['seconds']:.0f} s of runs on a {meta['workers']}." if math.isfinite(meta['seconds']) else ".")
           + (f" {P.CLOSE_PAIR[0]} > {P.CLOSE_PAIR[1]} is decided from {meta['close_pair_deciding_pairs']} pairs on."
              if meta.get('close_pair_deciding_pairs') else ""), "",
           "| # | pattern | target | measured [95% CI] | verdict |", "|---|---|---|---|---|"]
    for r in results:
        out.append(f"| {r.pattern.id} | {r.pattern.name} | {_md(r.pattern.target)} | {_md(r.measured)} | {_verdict(r)} |")
    for r in results:
        p = r.pattern
        out += ["", f"#### Pattern {p.id}: {p.name}", "",
                f"Claim: {p.claim} Source: {p.source}", "",
                f"Decision rule: {p.rule}." + (f" Quick mode: {p.quick_rule}." if p.quick_rule else ""), "",
                "| quantity | value [95% CI] | target | pass | note |", "|---|---|---|---|---|"]
        for m in r.measures:
            ok = "" if m.passed is None else ("yes" if m.passed else "**no**")
            out.append(f"| {_md(m.label)} | {_ci(m)} | {_md(m.target)} | {ok} | {_md(m.note)} |")
        out += ["", f"Verdict: **{_verdict(r)}**." + (f" {r.note}." if r.note else "")]
        if p.id in figures:
            out += ["", f"![pattern {p.id}]({figures[p.id]})"]
    return "\n".join(out) + "\n"


def timing_markdown(runs: pd.DataFrame, years: int = 5) -> str:
    """Yearly risk of renewed war, conditional on none before, per scenario (the shape of hazard)."""
    head = "| scenario | P(escalation) | " + " | ".join(f"year {y + 1}" for y in range(years)) + " |"
    lines = ["#### Timing of failures", "",
             "Yearly risk of a renewed armed attack among runs still at peace at the start of the year "
             "(events in the year / runs at risk); the literature finds it highest early and falling "
             "(Fortna 2004).", "", head, "|" + "---|" * (years + 2)]
    for name, g in runs.groupby("scenario", sort=True):
        weeks, esc = g["survival_weeks"].to_numpy(), g["escalated"].astype(bool).to_numpy()
        cells = []
        for y in range(years):
            at_risk = int((weeks >= 52 * y).sum())
            events = int(((weeks >= 52 * y) & (weeks < 52 * (y + 1)) & esc).sum())
            cells.append(f"{100 * events / at_risk:.1f}%" if at_risk else "")
        lines.append(f"| {name} | {esc.mean():.3f} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_tables(results: list[P.PatternResult], out: Path, meta: dict[str, Any], figures: dict[int, str],
                 runs: pd.DataFrame | None = None) -> list[str]:
    atomic_write(out / "patterns.csv", table_text(pattern_rows(results)))
    atomic_write(out / "measures.csv", table_text(measure_rows(results)))
    text = markdown(results, meta, figures)
    if runs is not None:
        text += "\n" + timing_markdown(runs)
    atomic_write(out / "validation_tables.md", text)
    return ["patterns.csv", "measures.csv", "validation_tables.md"]


# --- figures ----------------------------------------------------------------------------------

def _subplots(*args: Any, figsize: tuple[float, float], **kw: Any) -> tuple[Figure, Any]:
    """A figure on the Agg canvas (matplotlib's object API: no pyplot state) and its axes."""
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(*args, **kw)


def _cumulative(ax: Any, runs: pd.DataFrame, label: str, horizon: int, color: Any = None) -> None:
    weeks = np.arange(0, horizon + 1)
    km = km_survival(runs["survival_weeks"], runs["escalated"].astype(bool), weeks, horizon=horizon)
    line, = ax.step(weeks / 52, 1 - km["survival"], where="post", label=label, color=color)
    ax.fill_between(weeks / 52, 1 - km["high"], 1 - km["low"], step="post", alpha=0.2, color=line.get_color())


def _forest(ax: Any, names: list[str], hrs: list[Any], target: tuple[float, float] | None) -> None:
    y = np.arange(len(names))[::-1]
    for yi, h in zip(y, hrs):
        ax.errorbar(h.hr, yi, xerr=[[h.hr - h.low], [h.high - h.hr]], fmt="o", color="black", capsize=4)
        ax.annotate(f"{h.hr:.2f} [{h.low:.2f}, {h.high:.2f}]", (h.high, yi), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    if target is not None:
        ax.axvspan(*target, color="tab:green", alpha=0.2, label=f"published range {target[0]:.2f}-{target[1]:.2f}")
        ax.legend(loc="lower right", fontsize=8)
    ax.axvline(1.0, color="grey", lw=1, ls="--")
    ax.set_yticks(y, names)
    ax.set_xlim(0, 1.25)
    ax.set_xlabel("hazard ratio of renewed war vs no guarantees (Cox, 95% CI)")


def _hr_label(h: Any) -> str:
    return f"{h.hr:.2f} [{h.low:.2f}, {h.high:.2f}]"


def write_figures(results: list[P.PatternResult], runs: pd.DataFrame, out: Path, horizon: int) -> dict[int, str]:
    by = {r.pattern.id: r for r in results}
    written: dict[int, str] = {}

    def save(fig: Any, pid: int) -> None:
        fig.tight_layout()
        fig.savefig(out / FIGURES[pid], dpi=110)
        written[pid] = FIGURES[pid]

    if 1 in by:
        fig, (a1, a2) = _subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1, 1.2]})
        for scen in (P.REFERENCE, *P.VARIANTS):
            _cumulative(a1, M.at_level(runs[runs["scenario"] == scen], "armed_attack"), LABELS[scen], horizon)
        a1.set(xlabel="years after the ceasefire", ylabel="share of runs with an armed attack (Kaplan-Meier)",
               title="One mechanism at a time")
        a1.legend(fontsize=8, loc="upper left")
        hrs = by[1].extra["hr"]
        _forest(a2, [P.VARIANTS[s] for s in hrs], list(hrs.values()), None)
        a2.set_xlabel("hazard ratio of any armed attack vs budapest_memorandum (Cox, 95% CI)")
        a2.set_title("Pattern 1: each helps (HR < 1), none removes the risk")
        save(fig, 1)
    if 2 in by:
        e = by[2].extra
        fig, ax = _subplots(figsize=(7.5, 2.8))
        _forest(ax, ["forward defence vs reassurance", "twice the pledges vs as pledged", "as pledged vs none"],
                [e["fights"], e["size"], e["alone"]], None)
        ax.set_xlim(0, max(1.5, 1.1 * max(h.high for h in (e["fights"], e["size"], e["alone"]) if math.isfinite(h.high))))
        ax.set_xlabel("hazard ratio of renewed war (Cox, 95% CI)")
        ax.set_title(f"Pattern 2: {by[2].pattern.name}", fontsize=9)
        save(fig, 2)
    if 3 in by:
        r = by[3].extra["reductions"]
        fig, ax = _subplots(figsize=(8, 3.6))
        names = ["renewed war\n(P within 5 years)", "probes a week\nat peace", "violations a week\nat peace (volume)",
                 "limited offensives a\nweek at peace (reported)"]
        vals = [r.major, r.probe, r.volume, r.limited]
        los = [r.major_low, r.probe_low, r.volume_low, r.limited_low]
        his = [r.major_high, r.probe_high, r.volume_high, r.limited_high]
        ax.bar(names, vals, color=["tab:red", "tab:orange", "tab:olive", "tab:gray"], alpha=0.8)
        ax.errorbar(names, vals, yerr=[np.subtract(vals, los), np.subtract(his, vals)], fmt="none", color="black",
                    capsize=5)
        ax.axhline(0, color="grey", lw=1)
        ax.set(ylabel="relative reduction by monitoring\n(vs none, paired bootstrap 95% CI)",
               title="Pattern 3: monitors cut wars, and do not breed grey-zone violence")
        save(fig, 3)
    if 4 in by:
        probs = by[4].extra["p"]
        fig, (a1, a2) = _subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1, 1.1]})
        x = np.arange(len(P.ORDER))
        vals = [probs[s].p for s in P.ORDER]
        a1.bar(x, vals, color="tab:blue", alpha=0.7)
        a1.errorbar(x, vals, yerr=[[probs[s].p - probs[s].low for s in P.ORDER],
                                   [probs[s].high - probs[s].p for s in P.ORDER]], fmt="none", color="black",
                    capsize=4)
        a1.set_xticks(x, [_short(s) for s in P.ORDER], fontsize=8)
        a1.set(ylabel="P(renewed war within 5 years)\n(Wilson 95% CI)", title="Pattern 4: ordering")
        diffs = by[4].extra["diffs"]
        y = np.arange(len(diffs))[::-1]
        for yi, (d, rel) in zip(y, diffs):
            a2.errorbar(d.diff, yi, xerr=[[d.diff - d.low], [d.high - d.diff]], fmt="o", color="black", capsize=4)
            a2.annotate(f"{d.diff:+.3f} [{d.low:+.3f}, {d.high:+.3f}]", (d.high, yi), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=8)
        a2.axvline(0, color="grey", lw=1, ls="--")
        a2.set_yticks(y, [f"{_short(d.a)} {rel} {_short(d.b)}" for d, rel in diffs], fontsize=9)
        a2.set(xlabel="paired difference in P(renewed war) (Newcombe 95% CI)",
               title="adjacent pairs (common random numbers)")
        save(fig, 4)
    if 5 in by:
        e = by[5].extra
        fig, ax = _subplots(figsize=(7, 3.8))
        kmf = KaplanMeierFitter().fit(np.asarray(e["weeks"]) * 7.0, np.asarray(e["ended"]), label="model: renewed wars")
        kmf.plot_survival_function(ax=ax, ci_show=True)
        q1, q3 = P.COW_QUARTILES_DAYS
        ax.step([0, q1, P.COW_MEDIAN_DAYS, q3], [1.0, 0.75, 0.5, 0.25], where="post", color="black", ls="--",
                label="COW wars since 1946: quartiles and median")
        ax.scatter([365], [1 - P.COW_WITHIN_YEAR], color="black", zorder=3, label="COW: share over within a year")
        ax.set_xscale("log")
        ax.set(xlabel="days of war", ylabel="share of wars still going", title="Pattern 5: war durations")
        ax.legend(fontsize=8)
        save(fig, 5)
    if 6 in by:
        t = by[6].extra["timing"]
        fig, ax = _subplots(figsize=(7, 3.6))
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["record_high"], width=0.4, color="tab:gray", alpha=0.6, label="2022 record (upper count, aid)")
        ax.errorbar(x + 0.2, t["model_in_effect_mean"], yerr=1.96 * t["model_in_effect_se"], fmt="o", color="tab:blue",
                    capsize=4, label="model: military responses in effect (mean, 95% CI)")
        ax.set_xticks(x, [f"{w} weeks" for w in t["weeks"]])
        ax.set(ylabel="members", title="Pattern 6: members' response timing")
        ax.legend(fontsize=8)
        save(fig, 6)
    return written
