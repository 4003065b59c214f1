"""Paired comparisons within strata: "compare A with B at each combination of the other factors".

An experiment file may say::

    contrasts:
      - factor: scenario            # "scenario", or a varied lever or uncertainty
        from: political_only        # A, the value compared against
        to: paris_declaration       # B
      - {factor: force.posture, from: rear, to: forward}

Each contrast pairs, within every *stratum* (a combination of the values of the other factors:
the scenario when there are several, every other varied parameter), the design point where the
factor is ``from`` with the one where it is ``to``; replicate k of both ran on the same seed, so
the difference B - A is paired by seed as the differences against the reference are. The pairs
are laid out when the file is read (``resolve``) and recorded in manifest.json's ``contrasts``;
the analysis reads them from there:

* differences.csv gains one row a stratum and contrast after the rows against the reference,
  with B as ``design_point``, A as ``reference_design_point`` and two more columns,
  ``contrast`` and ``stratum`` (``CONTRAST_COLUMNS``; empty on the rows against the reference).
  The columns appear only when the experiment has contrasts;
* the printed table has a section per contrast (``contrasts_text``);
* ``contrasts.png`` draws each contrast's difference by stratum (``plot_contrasts``), and
  lever_effects.png gets a panel for the scenario factor when a contrast is over scenarios.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from pydantic import BaseModel, ConfigDict, Field

from sim.config import Problem

SCENARIO = "scenario"
CONTRAST_COLUMNS: dict[str, tuple[str, str, str]] = {
    "contrast": ("object", "", "Empty on a row against the reference; on a contrast's row (experiment key "
                               "'contrasts'), the contrast as 'factor: from -> to'. The row's design point has "
                               "the factor at 'to', its reference_design_point at 'from', every other factor "
                               "equal (paired by seed)."),
    "stratum": ("object", "", "The values of the other factors the contrast is taken at ('all' when none "
                              "varies); empty on a row against the reference."),
}
ALLOWED = "a list of {factor: scenario or a varied parameter, from: a value of it, to: another value}"


class ContrastSpec(BaseModel):
    """One entry of ``contrasts:``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    factor: str = Field(min_length=1, description='"scenario" or a varied lever or uncertainty')
    from_: Any = Field(alias="from", description="the value compared against (A)")
    to: Any = Field(description="the value compared (B)")


def short_names(params: tuple[str, ...]) -> list[str]:
    """Each parameter's last name (``coverage`` for ``monitoring.coverage``), or its full
    path where two parameters share a last name: one spelling for labels and contrasts."""
    last = [p.rsplit(".", 1)[-1] for p in params]
    return [s if last.count(s) == 1 else p for s, p in zip(last, params)]


def show_value(v: Any) -> str:
    """A level as design labels write it (also sim.experiments.config's labels)."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(map(show_value, v)) + "]"
    if isinstance(v, dict):
        return "{" + " ".join(f"{k}:{show_value(x)}" for k, x in v.items()) + "}"
    return str(v)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):  # true is not 1
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def resolve(specs: Sequence[ContrastSpec], points: Sequence[Any], params: Sequence[str], file: str,
            line: Callable[[tuple[str, ...]], int | None]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Each contrast's pairs of design points, one a stratum; and the problems of the entries.

    ``points``: the experiment's design points (``id``, ``label``, ``scenario``, ``values`` in
    ``params`` order). ``line(key)``: the file's line of a key path.
    """
    out: list[dict[str, Any]] = []
    bad: list[Problem] = []
    scenarios = list(dict.fromkeys(p.scenario for p in points))
    factors = ([SCENARIO] if len(scenarios) > 1 else []) + [
        q for i, q in enumerate(params) if len({json.dumps(p.values[i], sort_keys=True, default=str) for p in points}) > 1]
    short = dict(zip(params, short_names(tuple(params))))

    def value_of(p: Any, factor: str) -> Any:
        return p.scenario if factor == SCENARIO else p.values[list(params).index(factor)]

    for i, spec in enumerate(specs):
        key = ("contrasts", str(i))
        if spec.factor not in factors:
            why = " (it takes one value only)" if spec.factor == SCENARIO or spec.factor in params else ""
            bad.append(Problem(file, f"not a factor of the experiment{why}", line((*key, "factor")),
                               ".".join((*key, "factor")), given=spec.factor, has_given=True,
                               allowed=", ".join(factors) or "nothing varies: no contrast can be taken"))
            continue
        levels: list[Any] = []
        for p in points:
            v = value_of(p, spec.factor)
            if not any(_same(v, x) for x in levels):
                levels.append(v)
        ok = True
        for name, v in (("from", spec.from_), ("to", spec.to)):
            if not any(_same(v, x) for x in levels):
                bad.append(Problem(file, f"not a value of {spec.factor} in this experiment", line((*key, name)),
                                   ".".join((*key, name)), given=v, has_given=True,
                                   allowed=", ".join(show_value(x) for x in levels)))
                ok = False
        if ok and _same(spec.from_, spec.to):
            bad.append(Problem(file, "from and to are the same value", line(key), ".".join(key), given=spec.to,
                               has_given=True, allowed="two different values of the factor"))
            ok = False
        if not ok:
            continue
        others = [f for f in factors if f != spec.factor]
        strata: dict[str, dict[str, Any]] = {}
        for p in points:
            stratum = json.dumps([value_of(p, f) for f in others], sort_keys=True, default=str)
            entry = strata.setdefault(stratum, {"label": ", ".join(
                f"{SCENARIO if f == SCENARIO else short[f]}={show_value(value_of(p, f))}" for f in others) or "all"})
            v = value_of(p, spec.factor)
            for side, wanted in (("from", spec.from_), ("to", spec.to)):
                if _same(v, wanted) and side not in entry:
                    entry[side] = p.id
        pairs = [{"from_design_point": s["from"], "to_design_point": s["to"], "stratum": s["label"]}
                 for s in strata.values() if "from" in s and "to" in s]
        if not pairs:
            bad.append(Problem(file, "no two design points differ in this factor only (a sampled design has no "
                                     "strata: use design: grid or scenarios)", line(key), ".".join(key)))
            continue
        out.append({"factor": spec.factor, "from": spec.from_, "to": spec.to,
                    "label": f"{spec.factor}: {show_value(spec.from_)} -> {show_value(spec.to)}", "pairs": pairs})
    return out, bad


# --- analysis --------------------------------------------------------------------------------

def contrast_rows(runs: pd.DataFrame, manifest: Mapping[str, Any],
                  compare: Callable[[pd.DataFrame, int], pd.DataFrame]) -> pd.DataFrame | None:
    """differences.csv's rows of the manifest's contrasts, then ``CONTRAST_COLUMNS``; None when the
    experiment has none. ``compare(runs of A and B, A)`` gives B's row against A with every column
    differences.csv has (the analysis's own function, so a contrast's row reads like any other)."""
    specs = manifest.get("contrasts")
    if not isinstance(specs, list) or not specs:
        return None
    rows = []
    for spec in specs:
        for pair in spec.get("pairs", []):
            a, b = int(pair["from_design_point"]), int(pair["to_design_point"])
            sub = runs[runs["design_point"].isin((a, b))]
            if not (sub["design_point"] == a).any() or not (sub["design_point"] == b).any():
                continue
            row = compare(sub, a)
            row["contrast"] = str(spec.get("label", ""))
            row["stratum"] = str(pair.get("stratum", ""))
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=list(CONTRAST_COLUMNS))
    return pd.concat(rows, ignore_index=True)


def with_contrasts(differences: pd.DataFrame, rows: pd.DataFrame | None) -> pd.DataFrame:
    """The rows against the reference (``contrast`` and ``stratum`` empty), then the contrasts' rows."""
    if rows is None:
        return differences
    base = differences.copy()
    for c in CONTRAST_COLUMNS:
        base[c] = ""
    if rows.empty:
        return base
    rows = rows[[c for c in base.columns if c in rows.columns]]
    both = pd.concat([base.astype({c: object for c in CONTRAST_COLUMNS}), rows], ignore_index=True)
    for c in base.columns:  # integer columns stay integers when both parts have them
        if str(base[c].dtype) == "int64" and both[c].notna().all():
            both[c] = both[c].astype("int64")
    return both


def _pp(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:+.1f}"


def contrasts_text(differences: pd.DataFrame) -> str:
    """The printed table of the contrasts: per contrast, one line a stratum (empty without contrasts)."""
    if "contrast" not in differences.columns:
        return ""
    rows = differences[differences["contrast"].astype(str) != ""]
    if rows.empty:
        return ""
    lines = ["", "", "Paired contrasts within strata (B - A on the same seeds; differences.csv rows with a contrast):"]
    for name, g in rows.groupby("contrast", sort=False):
        width = max(len("stratum"), *map(len, g["stratum"].astype(str)))
        lines += [f"{name}", f"  {'stratum':<{width}}  {'pairs':>5}  {'P(A)':>6}  {'P(B)':>6}  "
                             f"{'B - A, pp [95% CI]':<22}  {'p':>6}  verdict"]
        for r in g.itertuples(index=False):
            verdict = ("B riskier" if r.diff_low > 0 else "B safer" if r.diff_high < 0 else
                       f"no difference told apart (|B - A| < {100 * max(abs(r.diff_low), abs(r.diff_high)):.1f} pp")
            more = getattr(r, "pairs_to_decide", math.nan)
            if verdict.startswith("no"):
                verdict += f"; about {more:,.0f} pairs would decide it)" if more == more else ")"
            ci = f"{_pp(r.diff_escalation)} [{_pp(r.diff_low)}, {_pp(r.diff_high)}]"
            lines.append(f"  {str(r.stratum):<{width}}  {r.pairs:>5}  {r.p_escalation_reference:>6.3f}  "
                         f"{r.p_escalation:>6.3f}  {ci:<22}  {r.p_value:>6.3f}  {verdict}")
    return "\n".join(lines)


def plot_contrasts(differences: pd.DataFrame, path: Path, *, horizon: int) -> bool:
    """One panel a contrast: B - A in percentage points by stratum, with its 95% paired interval.
    Returns False (nothing drawn) without contrasts."""
    if "contrast" not in differences.columns:
        return False
    rows = differences[differences["contrast"].astype(str) != ""]
    if rows.empty:
        return False
    names = list(dict.fromkeys(rows["contrast"]))
    n = len(names)
    height = max(2.6, 0.45 * max(len(rows[rows["contrast"] == c]) for c in names) + 1.6)
    fig = Figure(figsize=(7.0, height * n))
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, names):
        g = rows[rows["contrast"] == name]
        y = np.arange(len(g))
        mean = 100 * g["diff_escalation"].to_numpy(float)
        err = np.vstack([mean - 100 * g["diff_low"].to_numpy(float), 100 * g["diff_high"].to_numpy(float) - mean])
        ax.errorbar(mean, y, xerr=err, fmt="o", capsize=3, color="#1f77b4")
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, [str(s) for s in g["stratum"]])
        ax.invert_yaxis()
        ax.set_xlabel(f"B - A: change in P(escalation within {horizon} weeks), percentage points")
        ax.set_title(name.replace(" -> ", " → "), fontsize="medium")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Paired contrasts within strata (same seeds; bars: 95% Newcombe paired intervals)",
                 fontsize="medium")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def effect_factors(manifest: Mapping[str, Any], runs: pd.DataFrame) -> list[str]:
    """Factors lever_effects.png should show beside the varied parameters: the scenario, when a contrast
    is over scenarios."""
    specs = manifest.get("contrasts")
    if isinstance(specs, list) and any(s.get("factor") == SCENARIO for s in specs) and SCENARIO in runs.columns:
        return [SCENARIO]
    return []
