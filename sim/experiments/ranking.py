"""The first table: every design against the reference at each outcome level, ranked, with a verdict.

A strategist's question is "which design is safest, and by how much, against the declaration as
written?". ``compare_outcomes`` answers it from a sweep's runs at the three outcome levels the model
reports (``OUTCOME_LEVELS``: an armed attack of any size, a renewed war, territory seized and held);
``ranking_text`` prints it; ``comparison.csv`` keeps it (``COMPARISON_COLUMNS``).

* Each design's risk at each level, with its 95% Wilson interval, and its risk of a renewed war by
  year 1, 2, ... (one minus Kaplan-Meier survival; defined for every row, where a median time to
  escalation is not reached while the risk stays below one half).
* Each difference against the reference in percentage points: the mean paired difference (replicate
  k of every design shares its seed) with Newcombe's paired 95% interval and McNemar's exact p.
* A verdict: *safer* when the whole interval lies below zero, *riskier* when it lies above, else
  "no difference larger than X pp", X the interval's larger bound in absolute value: what the sample
  rules out, not a claim of equivalence.
* Designs are ranked by the renewed-war risk (the G4 trigger), then by armed attacks, then by
  territory, then by design point number.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pandas as pd

from sim.experiments.statistics import mcnemar_ps, newcombe_paired_bounds, wilson_bounds
from sim.outputs import Column

# name -> (label, runs.csv columns read, the indicator of a run)
OUTCOME_LEVELS: dict[str, tuple[str, tuple[str, ...], Callable[[pd.DataFrame], np.ndarray]]] = {
    "renewed_war": ("renewed war", ("escalated",), lambda r: r["escalated"].astype(bool).to_numpy()),
    "armed_attack": ("armed attack (any size)", ("armed_attack",),
                     lambda r: r["armed_attack"].astype(bool).to_numpy()),
    "territory_seized": ("territory seized", ("territory_seized_pct",),
                         lambda r: (r["territory_seized_pct"].fillna(0.0).to_numpy(dtype=float) > 0.0)),
}
PRIMARY = "renewed_war"

COMPARISON_COLUMNS: dict[str, Column] = {
    "rank": ("int64", "", "Rank of the design point, safest first: by renewed-war risk, then armed attacks, then "
                          "territory seized, then design point (the same rank on every outcome row)."),
    "design_point": ("int64", "", "Design point identifier (joins summary.csv and runs.csv)."),
    "label": ("object", "", "Design point label."),
    "outcome": ("object", "", "Outcome level: renewed_war (a major attack, the G4 trigger: runs.csv escalated), "
                              "armed_attack (a limited offensive or a renewed war: runs.csv armed_attack) or "
                              "territory_seized (Russia holds ground taken after the ceasefire at the horizon: "
                              "runs.csv territory_seized_pct > 0)."),
    "runs": ("int64", "count", "Runs of the design point."),
    "events": ("int64", "count", "Runs in which the outcome happened before the horizon."),
    "risk": ("float64", "probability", "Share of runs in which the outcome happened."),
    "risk_low": ("float64", "probability", "Lower bound of the 95% Wilson interval of risk."),
    "risk_high": ("float64", "probability", "Upper bound of the 95% Wilson interval of risk."),
    "reference_design_point": ("int64", "", "The reference design point the differences are taken against."),
    "pairs": ("int64", "count", "Replicates run in both the design and the reference (paired by seed); 0 for "
                                "the reference itself."),
    "diff_pp": ("float64", "percentage points", "Risk of the design minus risk of the reference over the pairs "
                                                "(mean paired difference x 100); empty for the reference."),
    "diff_low_pp": ("float64", "percentage points", "Lower bound of the 95% Newcombe paired interval of diff_pp."),
    "diff_high_pp": ("float64", "percentage points", "Upper bound of the 95% Newcombe paired interval of diff_pp."),
    "p_value": ("float64", "probability", "Exact McNemar test of no difference (discordant pairs)."),
    "verdict": ("object", "", "safer (the interval lies below 0), riskier (above 0), within (neither: "
                              "no difference larger than the interval's larger bound, see bound_pp), or "
                              "reference."),
    "bound_pp": ("float64", "percentage points", "The largest difference the interval leaves open: "
                                                 "max(|diff_low_pp|, |diff_high_pp|)."),
}


def _indicator(runs: pd.DataFrame, level: str) -> np.ndarray:
    return OUTCOME_LEVELS[level][2](runs)


def outcome_levels(runs: pd.DataFrame) -> list[str]:
    """The outcome levels runs.csv has the columns for (older folders lack armed_attack)."""
    return [k for k, (_, cols, _) in OUTCOME_LEVELS.items() if all(c in runs.columns for c in cols)]


def verdict(low: float, high: float) -> str:
    """safer, riskier or within, from a difference's interval (design minus reference)."""
    if math.isnan(low) or math.isnan(high):
        return "undecided"
    if high < 0:
        return "safer"
    if low > 0:
        return "riskier"
    return "within"


def compare_outcomes(runs: pd.DataFrame, design: pd.DataFrame, reference: int | None) -> pd.DataFrame:
    """One row per design point and outcome level (``COMPARISON_COLUMNS``), ranked safest first."""
    levels = outcome_levels(runs)
    labels = dict(zip(design["design_point"].astype(int), design["label"].astype(str)))
    # each design's runs once a replicate (the first), grouped; the reference's replicates for the pairs
    runs = runs.drop_duplicates(["design_point", "replicate"])
    runs = runs.iloc[np.argsort(runs["design_point"].to_numpy(), kind="stable")]
    dps = runs["design_point"].to_numpy()
    points, starts, sizes = np.unique(dps, return_index=True, return_counts=True)
    is_ref = dps == reference if reference is not None else np.zeros(len(runs), dtype=bool)
    ref_replicates = runs["replicate"].to_numpy()[is_ref]
    paired = (np.isin(runs["replicate"].to_numpy(), ref_replicates) & ~is_ref) if reference is not None \
        else np.zeros(len(runs), dtype=bool)
    pairs = np.add.reduceat(paired.astype(np.int64), starts) if len(runs) else np.zeros(0, np.int64)
    stats_by_level = {}
    for level in levels:
        x = _indicator(runs, level)
        k = np.add.reduceat(x.astype(np.int64), starts) if len(runs) else np.zeros(0, np.int64)
        lo, hi = wilson_bounds(k, sizes)
        # the reference's outcome on the replicate each run is paired with
        ref_by_replicate = pd.Series(x[is_ref], index=ref_replicates)
        y = np.zeros(len(runs), dtype=bool)
        y[paired] = ref_by_replicate.reindex(runs["replicate"].to_numpy()[paired]).to_numpy(dtype=bool)
        a, b = x & paired, y & paired
        both = np.add.reduceat((a & b).astype(np.int64), starts) if len(runs) else k
        only_a = np.add.reduceat((a & ~b).astype(np.int64), starts) if len(runs) else k
        only_b = np.add.reduceat((~a & b).astype(np.int64), starts) if len(runs) else k
        dlo, dhi = newcombe_paired_bounds(both, only_a, only_b, pairs - both - only_a - only_b)
        p = mcnemar_ps(only_a, only_b)
        stats_by_level[level] = (k, lo, hi, both + only_a, both + only_b, dlo, dhi, only_a, only_b, p)
    rows: list[dict[str, Any]] = []
    for i, dp in enumerate(points):
        n = int(sizes[i])
        for level in levels:
            k_, lo, hi, ka, kb, dlo_, dhi_, oa, ob, p = (v[i] for v in stats_by_level[level])
            k = int(k_)
            row: dict[str, Any] = dict(design_point=int(dp), label=labels.get(int(dp), str(dp)), outcome=level,
                                       runs=n, events=k, risk=k / n if n else math.nan, risk_low=float(lo),
                                       risk_high=float(hi), reference_design_point=reference, pairs=0,
                                       diff_pp=math.nan, diff_low_pp=math.nan, diff_high_pp=math.nan,
                                       p_value=math.nan,
                                       verdict="reference" if dp == reference else "undecided", bound_pp=math.nan)
            m = int(pairs[i])
            if dp != reference and m:
                dlo, dhi = float(dlo_), float(dhi_)
                row.update(pairs=m, diff_pp=100 * (np.float64(ka) / m - np.float64(kb) / m), diff_low_pp=100 * dlo,
                           diff_high_pp=100 * dhi, p_value=float(p), verdict=verdict(dlo, dhi),
                           bound_pp=100 * max(abs(dlo), abs(dhi)))
            rows.append(row)
    out = pd.DataFrame(rows, columns=[c for c in COMPARISON_COLUMNS if c != "rank"])
    if out.empty:
        return out.assign(rank=pd.Series(dtype="int64"))[list(COMPARISON_COLUMNS)]
    wide = out.pivot(index="design_point", columns="outcome", values="risk")
    keys = [lv for lv in (PRIMARY, "armed_attack", "territory_seized") if lv in wide.columns]
    order = wide.reset_index().sort_values([*keys, "design_point"], kind="stable")["design_point"].tolist()
    rank = {dp: i + 1 for i, dp in enumerate(order)}
    out["rank"] = out["design_point"].map(rank).astype("int64")
    level_order = {lv: i for i, lv in enumerate(levels)}
    out = out.sort_values(["rank", "outcome"], key=lambda s: s.map(level_order) if s.name == "outcome" else s)
    return out[list(COMPARISON_COLUMNS)].reset_index(drop=True)


# --- text ------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return "-" if x is None or math.isnan(x) else f"{100 * x:.2f}"


def _pp(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:+.2f}"


def _risk_cell(r: pd.Series) -> str:
    return f"{_pct(r.risk)} [{_pct(r.risk_low)}, {_pct(r.risk_high)}]" if r.runs else "no runs"


def _diff_cell(r: pd.Series) -> str:
    if r.verdict == "reference":
        return "reference"
    if math.isnan(r.diff_pp):
        return "no pairs"
    word = {"safer": "safer", "riskier": "riskier", "within": f"within ±{r.bound_pp:.2f}"}.get(r.verdict, r.verdict)
    return f"{_pp(r.diff_pp)} [{_pp(r.diff_low_pp)}, {_pp(r.diff_high_pp)}] {word}"


def _sentence(label: str, rows: pd.DataFrame, ref_label: str) -> str:
    """One verdict sentence for one design: its outcome levels grouped by verdict."""
    groups: dict[str, list[str]] = {}
    for r in rows.itertuples(index=False):
        name = OUTCOME_LEVELS[r.outcome][0].split(" (")[0]
        if r.verdict in ("safer", "riskier"):
            text = f"{name} ({_pp(r.diff_pp)} pp, 95% CI {_pp(r.diff_low_pp)} to {_pp(r.diff_high_pp)})"
        elif r.verdict == "within":
            text = f"{name} (none larger than {r.bound_pp:.2f} pp either way)"
        else:
            text = name
        groups.setdefault(r.verdict, []).append(text)
    parts = []
    if "safer" in groups:
        parts.append("safer on " + _and(groups["safer"]))
    if "riskier" in groups:
        parts.append("riskier on " + _and(groups["riskier"]))
    if "within" in groups:
        parts.append("no difference shown on " + _and(groups["within"]))
    if "undecided" in groups:
        parts.append("no paired runs for " + _and(groups["undecided"]))
    return f"{label}: " + "; ".join(parts) + "."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def ranking_text(comparison: pd.DataFrame, by_year: dict[int, dict[int, float]], *, reference: int | None,
                 horizon: int,
                 max_rows: int = 30, max_sentences: int = 12) -> str:
    """The printed first table: ranked risks, differences against the reference, verdicts, the safest design."""
    if comparison.empty:
        return "no runs: nothing to compare"
    levels = list(dict.fromkeys(comparison["outcome"]))
    order = list(dict.fromkeys(comparison["design_point"]))
    by = {(int(r.design_point), r.outcome): r for r in comparison.itertuples(index=False)}
    labels = {int(r.design_point): str(r.label) for r in comparison.itertuples(index=False)}
    shown = order
    if len(order) > max_rows:
        keep = order[: max_rows - 5] + order[-5:]
        if reference is not None and reference not in keep:
            keep.append(reference)
        shown = [d for d in order if d in keep]
    ref_label = labels.get(reference, "the first design") if reference is not None else "no reference"
    runs = comparison.drop_duplicates("design_point")["runs"]
    per = f"{int(runs.iloc[0])} runs per design" if runs.nunique() == 1 else \
        f"{int(runs.min())}-{int(runs.max())} runs per design"
    name_w = max(len("design"), *(len(labels[d]) + (2 if d == reference else 0) for d in shown))

    lines = [f"Risk within {horizon} weeks ({horizon / 52:.0f} years), in %, with 95% intervals; {per}, ranked "
             f"safest first by the risk of a renewed war.",
             f"Reference: {ref_label} (marked *); replicate k of every design shares its seed, so differences "
             f"are paired."]
    heads = [OUTCOME_LEVELS[lv][0] for lv in levels]
    cells = {d: [_risk_cell(by[(d, lv)]) for lv in levels] for d in shown}
    widths = [max(len(h), *(len(cells[d][i]) for d in shown)) for i, h in enumerate(heads)]
    marks = _year_marks(horizon)
    year_cells = {d: " / ".join(_pct(by_year.get(d, {}).get(y, math.nan)) for y in marks) for d in shown}
    year_head = ("renewed war by year " + "/".join(str(y) for y in marks)) if marks and by_year else ""
    lines.append("")
    lines.append(f"{'rank':>4}  {'design':<{name_w}}  " + "  ".join(h.ljust(w) for h, w in zip(heads, widths))
                 + (f"  {year_head}" if year_head else ""))
    for d in shown:
        name = labels[d] + (" *" if d == reference else "")
        lines.append(f"{by[(d, levels[0])].rank:>4}  {name:<{name_w}}  "
                     + "  ".join(c.ljust(w) for c, w in zip(cells[d], widths))
                     + (f"  {year_cells[d]}" if year_head else ""))
    if len(shown) < len(order):
        lines.append(f"      ... {len(order) - len(shown)} more design points in comparison.csv "
                     f"(shown: the {max_rows - 5} safest, the 5 riskiest and the reference)")

    if reference is not None:
        lines.append("")
        lines.append(f"Differences against {ref_label}, in percentage points (design minus reference; "
                     f"negative is safer), with 95% paired intervals:")
        others = [d for d in shown if d != reference]
        dcells = {d: [_diff_cell(by[(d, lv)]) for lv in levels] for d in others}
        dwidths = [max(len(h), *(len(dcells[d][i]) for d in others)) if others else len(h)
                   for i, h in enumerate(heads)]
        lines.append(f"{'':>4}  {'design':<{name_w}}  " + "  ".join(h.ljust(w) for h, w in zip(heads, dwidths)))
        for d in others:
            lines.append(f"{by[(d, levels[0])].rank:>4}  {labels[d]:<{name_w}}  "
                         + "  ".join(c.ljust(w) for c, w in zip(dcells[d], dwidths)))
        lines.append("")
        lines.append(f"Verdicts against {ref_label} (95%; 'no difference larger than X' is what the runs rule out, "
                     f"not a proof of none):")
        for d in [d for d in order if d != reference][:max_sentences]:
            rows = comparison[comparison["design_point"] == d]
            lines.append("  " + _sentence(labels[d], rows, ref_label))
        if len(order) - 1 > max_sentences:
            lines.append(f"  ... {len(order) - 1 - max_sentences} more in comparison.csv")
        lines.append("")
        lines.append(_conclusion(comparison, reference, labels, ref_label, levels))
    return "\n".join(line.rstrip() for line in lines)


def _year_marks(horizon: int) -> list[int]:
    years = horizon // 52
    return list(range(1, years + 1)) if years <= 5 else sorted({1, 2, years // 2, years})


def _conclusion(comparison: pd.DataFrame, reference: int, labels: dict[int, str], ref_label: str,
                levels: list[str]) -> str:
    prim = PRIMARY if PRIMARY in levels else levels[0]
    name = OUTCOME_LEVELS[prim][0]
    p = comparison[comparison["outcome"] == prim]
    safer = p[p["verdict"] == "safer"].sort_values(["risk", "rank"])
    riskier = p[p["verdict"] == "riskier"].sort_values(["risk", "rank"], ascending=[False, True])
    n_cmp = int((p["verdict"] != "reference").sum())
    out = []
    if len(safer):
        s = safer.iloc[0]
        out.append(f"Safest: {s.label}, {_pct(s.risk)}% risk of a {name} against {_pct(p[p.design_point == reference].risk.iloc[0])}% "
                   f"for {ref_label} ({-s.diff_pp:.2f} pp less, 95% CI {-s.diff_high_pp:.2f} to {-s.diff_low_pp:.2f}).")
        if len(safer) > 1:
            out.append(f"Also safer than {ref_label}: " + ", ".join(safer["label"].iloc[1:]) + ".")
    else:
        best = p[p["verdict"] != "reference"].sort_values(["risk", "rank"])
        lowest = f" The lowest estimate is {best.iloc[0].label} ({_pct(best.iloc[0].risk)}%)." if len(best) else ""
        out.append(f"No design is safer than {ref_label} on {name} at 95%.{lowest}")
    if len(riskier):
        out.append(f"Riskier than {ref_label}: " + ", ".join(riskier["label"]) + ".")
    if n_cmp >= 10:
        out.append(f"With {n_cmp} comparisons, about {n_cmp / 20:.1f} could read safer or riskier by chance alone "
                   f"at 95%; the McNemar p-values are in comparison.csv.")
    return " ".join(out)


def risk_by_year(runs: pd.DataFrame, horizon: int) -> dict[int, dict[int, float]]:
    """Per design point: {year: P(renewed war in the first 52*year weeks)}, years up to the horizon.

    Censoring happens only at the horizon, so one minus the Kaplan-Meier survival at week t is the
    plain share of runs whose renewed war came by week t.
    """
    if runs.empty:
        return {}
    points, codes, sizes = np.unique(runs["design_point"].to_numpy(), return_inverse=True, return_counts=True)
    esc = runs["escalated"].astype(bool).to_numpy()
    week = runs["survival_weeks"].to_numpy(dtype=float)
    years = list(_year_marks(horizon))
    # the share of a design point's runs at war by each year: a count over its runs (exact), over its runs
    shares = {y: np.bincount(codes, weights=(esc & (week < 52 * y)).astype(float), minlength=len(points)) / sizes
              for y in years}
    return {int(dp): {y: float(shares[y][i]) for y in years} for i, dp in enumerate(points)}
