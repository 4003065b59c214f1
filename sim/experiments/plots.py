"""Figures of a sweep, readable without the code: PNG files beside the tables, drawn from tables only.

Matplotlib's object API with the Agg canvas (no pyplot, no global backend switch), so the
figures draw the same in a worker, a test or the dashboard's process.

* ``p_escalation.png``  P(escalation) per design with its 95% Wilson interval, sorted, the axis scaled to
                        the data (risks of a few percent stay readable);
* ``differences.png``   each design minus the reference in percentage points at each outcome level
                        (``ranking.compare_outcomes``), with the paired 95% interval; zero is the reference;
* ``survival.png``      Kaplan-Meier survival of the ceasefire, up to ten designs, the axis scaled to the
                        data and the dated shocks of the scenarios marked;
* ``lever_effects.png`` main effect of each varied parameter on P(escalation);
* ``sensitivity.png``   global sensitivity indices (LHS and Sobol designs, SALib).
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.config import parameter_catalogue
from sim.config.listing import size_in_troops
from sim.experiments.ranking import OUTCOME_LEVELS
from sim.experiments.tables import MAX_BAR_ROWS, OUTPUTS

REF_COLOUR = "black"
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf"]
DPI = 110


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})


def short_label(text: str, width: int = 42) -> str:
    """A label on as many lines as it needs, broken after commas: never cut, so two design
    points that differ only in a later lever never look the same."""
    text = str(text)
    if len(text) <= width:
        return text
    lines, line = [], ""
    for part in text.split(", "):
        piece = part if not line else f"{line}, {part}"
        if line and len(piece) > width:
            lines.append(line + ",")
            line = part
        else:
            line = piece
    lines.append(line)
    return "\n".join(lines)


def _years(horizon: int) -> str:
    y = horizon / 52
    return f"{y:.0f} years" if abs(y - round(y)) < 0.05 else f"{horizon} weeks"


def _param_info(path: str) -> tuple[str, str]:
    """(unit, one-line description) of a scenario parameter, from the schema when available."""
    try:
        spec = parameter_catalogue().get(path)
    except Exception:  # the catalogue is a convenience; never fail a plot on it
        spec = None
    if spec is None:
        return "", ""
    if path == "force.size":
        return f"{spec.unit}; 1 = {size_in_troops(1.0)}", str(spec.description)
    return str(spec.unit), str(spec.description)


# --- 1. P(escalation) per design --------------------------------------------------------------

def plot_p_escalation(summary: pd.DataFrame, path: Path, *, reference: int | None, horizon: int) -> None:
    s = summary[summary["runs"] > 0].sort_values(["p_escalation", "design_point"], ascending=[True, False])
    subtitle = ""
    if len(s) > MAX_BAR_ROWS:
        half = MAX_BAR_ROWS // 2
        keep = pd.concat([s.head(half), s.tail(half)])
        if reference is not None and reference not in set(keep["design_point"]):
            keep = pd.concat([keep, s[s["design_point"] == reference]])
        subtitle = f"\n({MAX_BAR_ROWS // 2} lowest and {MAX_BAR_ROWS // 2} highest of {len(s)} designs)"
        s = keep.sort_values(["p_escalation", "design_point"], ascending=[True, False])
    n = len(s)
    labels = [short_label(lab) + ("  (reference)" if r else "")
              for lab, r in zip(s["label"], (s["design_point"] == reference).to_numpy())]
    per_row = 0.32 * max(1.0, 0.75 * max((lab.count("\n") + 1 for lab in labels), default=1))
    fig = Figure(figsize=(8.5, 1.6 + per_row * max(n, 3)))
    ax = fig.add_subplot()
    y = np.arange(n)
    is_ref = (s["design_point"] == reference).to_numpy()
    err = np.vstack([s["p_escalation"] - s["p_low"], s["p_high"] - s["p_escalation"]])
    ax.errorbar(s["p_escalation"], y, xerr=err, fmt="o", color=COLOURS[0], ecolor=COLOURS[0], capsize=3,
                label="estimate with 95% Wilson interval")
    if is_ref.any():
        i = int(np.flatnonzero(is_ref)[0])
        ax.errorbar(s["p_escalation"].iloc[i], y[i], xerr=err[:, i : i + 1], fmt="D", color=REF_COLOUR,
                    capsize=3, markersize=7, label="reference design")
        ax.axvline(s["p_escalation"].iloc[i], color=REF_COLOUR, lw=0.8, ls=":")
    ax.set_yticks(y, labels)
    for t, r in zip(ax.get_yticklabels(), is_ref):
        if r:
            t.set_fontweight("bold")
    ax.set_xlim(*_data_range(0.0, float(s["p_high"].max())))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(f"Probability of a renewed war (major attack) within {_years(horizon)} ({horizon} weeks)")
    runs = s["runs"].unique()
    per = f"{int(runs[0])} runs per design" if len(runs) == 1 else f"{int(runs.min())}-{int(runs.max())} runs per design"
    ax.set_title(f"Probability of escalation by design ({per}){subtitle}")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small", framealpha=0.9)
    _save(fig, path)


# --- 2. Kaplan-Meier curves ------------------------------------------------------------------

def plot_survival(curves: pd.DataFrame, summary: pd.DataFrame, path: Path, *, reference: int | None,
                  horizon: int, shocks: list[tuple[str, int, str]] | None = None) -> None:
    """The Kaplan-Meier curves of ``curves`` (``tables.survival_curves``), the reference first."""
    labels = summary.set_index("design_point")["label"]
    chosen = list(dict.fromkeys(curves["design_point"]))
    fig = Figure(figsize=(9.5, 5.5))
    ax = fig.add_subplot()
    colours = iter(COLOURS)
    drawn: dict[tuple, str] = {}  # curve -> label of the first design drawn with it
    for dp in chosen:
        c = curves[curves["design_point"] == dp]
        t = c["time"].to_numpy(dtype=float) / 52.0
        v = c["survival"].to_numpy(dtype=float)
        curve = (tuple(t), tuple(v))
        is_ref = dp == reference
        name = (short_label(labels.get(dp, dp), 38) + (" (reference)" if is_ref else "")
                + f", n={int(c['runs'].iloc[0])}")
        if curve in drawn:  # would hide under the first one: say so
            name += f"\n    (same curve as {short_label(drawn[curve], 30)})"
        drawn.setdefault(curve, short_label(labels.get(dp, dp), 30))
        if is_ref:
            ax.fill_between(t, c["low"].to_numpy(dtype=float), c["high"].to_numpy(dtype=float), step="post",
                            color=REF_COLOUR, alpha=0.12, label="reference: 95% interval")
            ax.step(t, v, where="post", color=REF_COLOUR, lw=2.6, label=name, zorder=5)
        else:
            ax.step(t, v, where="post", color=next(colours), lw=1.5, label=name)
    ax.set_xlim(0, horizon / 52)
    low = float(np.nanmin(curves["low"].to_numpy(dtype=float))) if len(curves) else 0.0
    ax.set_ylim(*_data_range(low if math.isfinite(low) else 0.0, 1.0, floor=0.0, ceiling=1.0))
    for i, (who, week, what) in enumerate(shocks or []):
        if 0 <= week <= horizon:
            ax.axvline(week / 52, color="dimgray", lw=1.0, ls="--")
            ax.annotate(textwrap.fill(f"{who}: {what}", 34), (week / 52, 0.03 + 0.14 * i),
                        xycoords=("data", "axes fraction"), xytext=(3, 0), textcoords="offset points",
                        fontsize="x-small", color="dimgray")
    ax.set_xlabel("Years after the ceasefire entered into force")
    ax.set_ylabel("Probability the ceasefire still holds\n(no renewed war; Kaplan-Meier)")
    n_all = int((summary["runs"] > 0).sum())
    extra = "" if len(chosen) >= n_all else f" — the {len(chosen)} most distinct of {n_all} designs"
    ax.set_title(f"Survival of the ceasefire{extra}")
    ax.grid(alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    _save(fig, path)


# --- differences against the reference -----------------------------------------------------

def plot_differences(comparison: pd.DataFrame, path: Path, *, horizon: int, max_rows: int = MAX_BAR_ROWS) -> None:
    """Each design minus the reference, in percentage points, one panel an outcome level, safest on top."""
    ref = comparison[comparison["verdict"] == "reference"]
    ref_label = str(ref["label"].iloc[0]) if len(ref) else "the reference"
    c = comparison[comparison["verdict"] != "reference"]
    levels = list(dict.fromkeys(c["outcome"]))
    order = list(dict.fromkeys(c["design_point"]))
    subtitle = ""
    if len(order) > max_rows:
        order = order[: max_rows // 2] + order[-max_rows // 2:]
        subtitle = f" ({max_rows // 2} safest and {max_rows // 2} riskiest of {c['design_point'].nunique()})"
    labels = c.drop_duplicates("design_point").set_index("design_point")["label"]
    n = len(order)
    fig = Figure(figsize=(4.2 * len(levels) + 3.0, 1.6 + 0.34 * max(n, 3)))
    axes = fig.subplots(1, len(levels), squeeze=False, sharey=True)[0]
    y = np.arange(n)[::-1]  # the safest at the top
    colour = {"safer": COLOURS[2], "riskier": COLOURS[3]}
    for ax, level in zip(axes, levels):
        d = c[c["outcome"] == level].set_index("design_point").reindex(order)
        for yi, (_, r) in zip(y, d.iterrows()):
            if math.isnan(r["diff_pp"]):
                continue
            ax.errorbar(r["diff_pp"], yi, xerr=[[r["diff_pp"] - r["diff_low_pp"]], [r["diff_high_pp"] - r["diff_pp"]]],
                        fmt="o", capsize=3, color=colour.get(r["verdict"], "dimgray"))
        ax.axvline(0.0, color=REF_COLOUR, lw=1.2)
        ax.set_title(OUTCOME_LEVELS[level][0], fontsize="medium")
        ax.set_xlabel(f"percentage points against {short_label(ref_label, 30)}")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, [short_label(labels[d]) for d in order])
    axes[0].set_ylim(-0.7, n - 0.3)
    fig.suptitle(f"Difference in risk within {_years(horizon)} against {ref_label} (0: the reference){subtitle}\n"
                 "paired runs, 95% Newcombe intervals; green: safer, red: riskier, grey: no difference shown",
                 fontsize="medium")
    fig.tight_layout()
    _save(fig, path)


def _data_range(low: float, high: float, *, floor: float = -1.0, ceiling: float = 1.0) -> tuple[float, float]:
    """Axis limits around [low, high] with a margin, so risks of a few percent fill the plot."""
    span = max(high - low, 0.01)
    return (max(floor, low - 0.06 * span) if low > 0 else low - 0.06 * span,
            min(ceiling + 0.02, high + 0.08 * span))


# --- 3. main effects -------------------------------------------------------------------------

def plot_lever_effects(effects: pd.DataFrame, roles: dict[str, str], path: Path, *, horizon: int,
                       reference_values: dict[str, object] | None = None) -> None:
    """P(escalation) by level of each parameter of ``effects`` (``tables.main_effects``)."""
    params = list(dict.fromkeys(effects["parameter"]))
    n = len(params)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(4.6 * ncols, 3.9 * nrows + 0.9))
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    for ax, p in zip(axes.flat, params):
        e = effects[effects["parameter"] == p]
        numeric = e["x"].notna().all() and len(e) > 1
        x = e["x"].to_numpy() if numeric else np.arange(len(e))
        err = np.vstack([e["p_escalation"] - e["p_low"], e["p_high"] - e["p_escalation"]])
        ax.errorbar(x, e["p_escalation"], yerr=err, fmt="o-" if numeric else "o", capsize=3, color=COLOURS[0])
        if not numeric:
            ax.set_xticks(x, [short_label(v, 14) for v in e["level"]], rotation=20 if len(e) > 3 else 0)
            ax.set_xlim(-0.5, len(e) - 0.5)
        ref = (reference_values or {}).get(p)
        if ref is not None:  # the reference design's level: dotted, as in the other figures
            if numeric and isinstance(ref, (int, float)) and not isinstance(ref, bool):
                ax.axvline(float(ref), color=REF_COLOUR, lw=0.8, ls=":", label="reference design")
            else:
                hits = [i for i, v in enumerate(e["level"]) if str(v) == str(ref)]
                if hits:
                    ax.axvline(x[hits[0]], color=REF_COLOUR, lw=0.8, ls=":", label="reference design")
        unit, _ = _param_info(p)
        binned = bool(e["binned"].any())
        ax.set_xlabel(f"{unit or 'value'}" + (" (quantile bins, plotted at bin mean)" if binned else ""),
                      fontsize="small")
        role = roles.get(p, "")
        ax.set_title(f"{p}" + (f"\n({role})" if role else ""), fontsize="medium")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylim(*_data_range(0.0, float(effects["p_high"].max())))  # shared y: scaled to the data
    for ax in axes[:, 0]:
        ax.set_ylabel(f"P(renewed war within {_years(horizon)})")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle("Main effect of each varied parameter on the probability of a renewed war\n"
                 "(runs pooled over all other factors; bars: 95% Wilson intervals; dotted: the reference design)",
                 fontsize="large")
    fig.tight_layout(rect=(0.0, 0.0, 1.0, 1.0 - 0.9 / (3.9 * nrows + 0.9)))  # room for the two-line title
    _save(fig, path)


# --- 4. sensitivity --------------------------------------------------------------------------

def plot_sensitivity(sensitivity: pd.DataFrame, path: Path) -> None:
    outs = [o for o in OUTPUTS if (sensitivity["output"] == o).any()]
    fig = Figure(figsize=(6.0 * len(outs), 1.8 + 0.55 * sensitivity["parameter"].nunique()))
    axes = fig.subplots(1, len(outs), squeeze=False, sharey=True)[0]
    # most influential first (largest index of any kind), like a tornado chart
    top = sensitivity.groupby("parameter")["value"].max().sort_values(ascending=False, kind="stable")
    params = list(top.index)
    axes[0].invert_yaxis()  # shared y: invert once
    for ax, out in zip(axes, outs):
        s = sensitivity[sensitivity["output"] == out]
        kinds = [(m, i) for m, i in (("delta", "delta"), ("delta", "S1"), ("sobol", "S1"), ("sobol", "ST"))
                 if ((s["method"] == m) & (s["index"] == i)).any()]
        height = 0.8 / len(kinds)
        y = np.arange(len(params))
        for j, (m, i) in enumerate(kinds):
            k = s[(s["method"] == m) & (s["index"] == i)].set_index("parameter").reindex(params)
            ax.barh(y + (j - (len(kinds) - 1) / 2) * height, k["value"], height=height, xerr=k["conf"],
                    capsize=2, color=COLOURS[j], label={"delta": "delta (moment-independent)",
                                                        "S1": "S1 first-order", "ST": "ST total-order"}[i]
                    + (" [Sobol]" if m == "sobol" else " [delta method]" if i == "S1" else ""))
        ax.set_yticks(y, [short_label(p, 34) for p in params])
        ax.set_xlabel("sensitivity index (0 = no influence)")
        ax.set_title(f"Output: {OUTPUTS[out]}", fontsize="medium")
        ax.axvline(0, color="black", lw=0.8)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="lower right", fontsize="x-small")
    fig.suptitle("Global sensitivity of the outcomes to the varied parameters (SALib; error bars: 95% "
                 "bootstrap intervals)", fontsize="medium")
    fig.tight_layout()
    _save(fig, path)


# --- all ---------------------------------------------------------------------------------

def write_all(directory: Path, *, summary: pd.DataFrame, reference: int | None, horizon: int,
              roles: dict[str, str], notes: list[str], curves: pd.DataFrame, effects: pd.DataFrame | None,
              sensitivity: pd.DataFrame | None, comparison: pd.DataFrame | None = None,
              shocks: list[tuple[str, int, str]] | None = None) -> list[str]:
    """Draw every figure that applies from the sweep's tables; returns the file names written."""
    directory = Path(directory)
    written = []
    plot_p_escalation(summary, directory / "p_escalation.png", reference=reference, horizon=horizon)
    written.append("p_escalation.png")
    if comparison is not None and (comparison["verdict"] != "reference").any() and reference is not None:
        plot_differences(comparison, directory / "differences.png", horizon=horizon)
        written.append("differences.png")
    plot_survival(curves, summary, directory / "survival.png", reference=reference, horizon=horizon, shocks=shocks)
    written.append("survival.png")
    if effects is not None and not effects.empty:
        ref_row = summary[summary["design_point"] == reference]
        ref_values = ({p: ref_row[p].iloc[0] for p in dict.fromkeys(effects["parameter"]) if p in ref_row.columns}
                      if len(ref_row) else {})
        plot_lever_effects(effects, roles, directory / "lever_effects.png", horizon=horizon, reference_values=ref_values)
        written.append("lever_effects.png")
    else:
        notes.append("no varied parameter: lever_effects.png not drawn (compare designs in p_escalation.png)")
    if sensitivity is not None and not sensitivity.empty:
        plot_sensitivity(sensitivity, directory / "sensitivity.png")
        written.append("sensitivity.png")
    return written


__all__ = ["plot_differences", "plot_lever_effects", "plot_p_escalation", "plot_sensitivity", "plot_survival",
           "write_all"]
