"""Is an answer identified? What it turns on across the plausible worlds, and what would decide it.

A sweep with a posterior (or the calibration's plausible set) runs replicate k under parameter set
``k % draws``. Beside the interval from chance and the prediction interval across the worlds
(``tables.posterior_summary`` / ``posterior_differences``), an answer is *identified* when it holds
in every world the calibration allows. When it does not, this module says on which calibrated
assumption it turns: the constant on which the worlds' own answers depend most (an F test of a
quadratic in the constant against a constant, so a mid-range peak counts; Spearman's rho gives the
direction; Holm-adjusted over the constants), and where a weighted straight line through the worlds' answers crosses zero (a difference) or the pooled value
(a risk). An answer chance alone leaves open gets the number of pairs that would decide it
(McNemar's test at 5%, power 80%: Connor 1987).

Re-deriving a world's constants needs the posterior file the manifest names, unchanged
(its sha256); otherwise the columns stay empty and a note says why.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.config.errors import ConfigError
from sim.config.posterior import use_posterior
from sim.outputs import Column

# Fewer worlds than this and a rank correlation cannot single out an assumption.
MIN_WORLDS = 8
ALPHA = 0.05
Z_ALPHA, Z_POWER = 1.959964, 0.841621  # two-sided 5%, power 80%

TURNS_ON_COLUMNS: dict[str, Column] = {
    "turns_on": ("object", "", "The calibrated constant on which the plausible worlds' own answers depend most "
                               "(F test of a quadratic, Holm-adjusted over the constants, 5%); empty when none "
                               "does or with fewer than 8 worlds."),
    "turns_on_rho": ("float64", "rank correlation", "Spearman's rho between the constant and the worlds' answers "
                                                    "(positive: the answer grows with the constant)."),
    "turns_on_p": ("float64", "probability", "Holm-adjusted p-value of that dependence."),
    "turns_on_crossing": ("float64", "constant's unit",
                          "Where a straight line through the worlds' answers (weighted by runs) crosses zero (a "
                          "difference) or the pooled value (a risk), when inside the constant's plausible range: "
                          "the value the answer turns on; empty otherwise."),
}
RISK_TURNS_ON_COLUMNS: dict[str, Column] = {
    f"p_{k}": (t, u, d.replace("answers", "risks (P(renewed war))")) for k, (t, u, d) in TURNS_ON_COLUMNS.items()}
DECIDE_COLUMNS: dict[str, Column] = {
    "pairs_to_decide": ("float64", "pairs", "Paired runs that would decide the observed difference in P(renewed "
                                            "war) at 5% with 80% power (McNemar, Connor 1987); empty when it is "
                                            "decided or no discordant pair was seen."),
}


def world_constants(manifest: dict[str, Any], notes: list[str] | None = None) -> pd.DataFrame | None:
    """The constants of each posterior draw (index: draw), re-derived from the file the manifest names."""
    rec = manifest.get("posterior")
    if not isinstance(rec, dict):
        return None
    path = Path(str(rec.get("file", "")))
    try:
        use = use_posterior(path, int(rec["draws"]), int(rec["seed"]))
    except (ConfigError, OSError, KeyError, TypeError, ValueError) as exc:
        if notes is not None:
            notes.append(f"what the answers turn on is not computed: the posterior {str(path)!r} cannot be read "
                         f"again ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})")
        return None
    if rec.get("sha256") and use.sha256 != rec["sha256"]:
        if notes is not None:
            notes.append(f"what the answers turn on is not computed: {str(path)!r} changed since the sweep "
                         "(sha256 differs)")
        return None
    frame = pd.DataFrame([dict(v) for v in use.values])
    frame.index.name = "posterior_draw"
    return frame


def dependence_p(x: np.ndarray, y: np.ndarray) -> float:
    """p-value of the F test of a quadratic in ``x`` against a constant: catches an answer that rises,
    falls, or peaks in the middle of a factor's range (a design that matters most where war is
    neither certain nor unthinkable), which a rank correlation misses."""
    n = len(x)
    if n < 5 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    z = (x - x.mean()) / x.std()
    design = np.column_stack([np.ones(n), z, z * z])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    ss_res = float(((y - design @ coef) ** 2).sum())
    ss_tot = float(((y - y.mean()) ** 2).sum())
    if ss_res <= 1e-15:
        return 0.0
    f = ((ss_tot - ss_res) / 2) / (ss_res / (n - 3))
    return float(stats.f.sf(f, 2, n - 3))


def turns_on(values: np.ndarray, draws: np.ndarray, constants: pd.DataFrame | None, *,
             centre: float = 0.0) -> dict[str, Any]:
    """Which constant the per-world means of ``values`` turn on (``TURNS_ON_COLUMNS``)."""
    empty = {k: (math.nan if k != "turns_on" else "") for k in TURNS_ON_COLUMNS}
    if constants is None:
        return empty
    frame = pd.DataFrame({"v": np.asarray(values, dtype=float), "d": np.asarray(draws)})
    g = frame.groupby("d")["v"]
    means, n = g.mean(), g.size()
    worlds = constants.reindex(means.index)
    if len(means) < MIN_WORLDS or means.nunique() < 2:
        return empty
    tests = []
    for name in worlds.columns:
        x = pd.to_numeric(worlds[name], errors="coerce")
        if x.isna().any() or x.nunique() < 3:
            continue
        rho = float(stats.spearmanr(x.to_numpy(), means.to_numpy())[0])
        p = dependence_p(x.to_numpy(dtype=float), means.to_numpy(dtype=float))
        if not (math.isnan(rho) or math.isnan(p)):
            tests.append((p, rho, name))
    if not tests:
        return empty
    tests.sort()
    k = len(tests)
    # Holm's step-down adjustment: only the smallest p is reported.
    p_adj = min(1.0, tests[0][0] * k)
    p, rho, name = tests[0]
    if p_adj >= ALPHA:
        return empty
    x = pd.to_numeric(worlds[name]).to_numpy(dtype=float)
    slope, intercept = np.polyfit(x, means.to_numpy() - centre, 1, w=np.sqrt(n.to_numpy()))
    crossing = -intercept / slope if slope != 0 else math.nan
    if not (x.min() <= crossing <= x.max()):
        crossing = math.nan
    return {"turns_on": name, "turns_on_rho": rho, "turns_on_p": p_adj, "turns_on_crossing": float(crossing)}


def pairs_to_decide(only_design: int, only_reference: int, pairs: int, decided: bool) -> float:
    """Pairs McNemar's test would need to decide the observed difference (Connor 1987)."""
    if decided or pairs <= 0:
        return math.nan
    p10, p01 = only_design / pairs, only_reference / pairs
    discordant, delta = p10 + p01, p10 - p01
    if discordant == 0 or delta == 0:
        return math.nan
    n = (Z_ALPHA * math.sqrt(discordant) + Z_POWER * math.sqrt(max(0.0, discordant - delta ** 2))) ** 2 / delta ** 2
    return float(math.ceil(n))


def identification_of_differences(runs: pd.DataFrame, differences: pd.DataFrame, reference_design_point: Any,
                                  constants: pd.DataFrame | None) -> pd.DataFrame:
    """Per compared design point: what its paired difference turns on, and the pairs that would decide it."""
    ref = runs[runs["design_point"] == reference_design_point].drop_duplicates("replicate").set_index("replicate")
    rows = []
    for _, d in differences.iterrows():
        row: dict[str, Any] = {"design_point": d["design_point"]}
        decided = bool(d["diff_low"] > 0 or d["diff_high"] < 0)
        row["pairs_to_decide"] = pairs_to_decide(int(d["only_design_escalated"]), int(d["only_reference_escalated"]),
                                                 int(d["pairs"]), decided)
        if "posterior_draw" in runs.columns:
            g = runs[runs["design_point"] == d["design_point"]].drop_duplicates("replicate").set_index("replicate")
            common = g.index.intersection(ref.index).sort_values()
            diff = (g.loc[common, "escalated"].astype(bool).to_numpy(dtype=float)
                    - ref.loc[common, "escalated"].astype(bool).to_numpy(dtype=float))
            row.update(turns_on(diff, g.loc[common, "posterior_draw"].to_numpy(), constants))
        rows.append(row)
    columns = ["design_point", *DECIDE_COLUMNS, *(TURNS_ON_COLUMNS if "posterior_draw" in runs.columns else {})]
    return pd.DataFrame(rows, columns=columns)


def identification_of_risks(runs: pd.DataFrame, constants: pd.DataFrame | None) -> pd.DataFrame:
    """Per design point: the calibrated constant its P(renewed war) turns on across the worlds."""
    rows = []
    for point, g in runs.groupby("design_point", sort=True):
        esc = g["escalated"].astype(bool).to_numpy(dtype=float)
        found = turns_on(esc, g["posterior_draw"].to_numpy(), constants, centre=float(esc.mean()))
        rows.append({"design_point": point, **{f"p_{k}": v for k, v in found.items()}})
    return pd.DataFrame(rows, columns=["design_point", *RISK_TURNS_ON_COLUMNS])


def verdict(row: pd.Series) -> str:
    """One sentence: does the difference hold across the worlds, on what it turns, or what would decide it."""
    held = row.get("holds_across_posterior")
    name = row.get("turns_on") or ""
    if held == "yes":
        return "holds in every plausible world"
    if isinstance(name, str) and name:
        cross = row.get("turns_on_crossing")
        where = "grows" if row.get("turns_on_rho", 0) > 0 else "shrinks"
        at = f"; it changes sign near {name} = {cross:.3g}" if isinstance(cross, float) and not math.isnan(cross) else ""
        return f"turns on {name}: the difference {where} as it rises{at}"
    need = row.get("pairs_to_decide")
    if isinstance(need, float) and not math.isnan(need):
        return f"undecided: about {int(need):,} pairs would decide the difference seen"
    if held == "no":
        return ("holds on average but not in every plausible world, and no single calibrated constant orders "
                "them: calibration targets that narrow the plausible set would decide it")
    return "no difference seen: a larger sample would only narrow the interval around zero"
