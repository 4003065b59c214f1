"""The lever screen's tables: what each lever moves, generated into docs/LEVERS.md.

``results_frame`` is one row a comparison (levers.csv); ``markdown`` the page
(docs/LEVERS.md): the declarations of the screen (what each lever acts through and
the context it needs, generated from ``table``, no runs) and the results of a run, inert
ones first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from sim.config import parameter_catalogue
from sim.experiments.paired import Contrast
from sim.validation.levers.screen import VERDICTS, InteractionResult, Result, comparisons
from sim.validation.levers.table import CHECKS, ENTRIES, WORLD

DECLARATIONS_BEGIN = "<!-- declarations: generated from sim/validation/levers/table.py -->"
DECLARATIONS_END = "<!-- end of declarations -->"


def _overrides(m: Mapping[str, Any]) -> str:
    return ", ".join(f"`{k}` = {v}" for k, v in m.items()) if m else ""


def _arrow(d: int) -> str:
    return {1: "up", -1: "down", 0: "either way"}[d]


def declarations_markdown() -> str:
    """The screen's declarations as a Markdown table (from the table module; no runs)."""
    cat = parameter_catalogue()
    lines = [DECLARATIONS_BEGIN, "",
             "| lever | clause | compared | acts through | context where it can act | why |",
             "|---|---|---|---|---|---|"]
    for c in comparisons():
        clause = cat[c.name].clause if c.name in cat else ""
        lines.append(f"| `{c.name}` | {clause} | {c.first} → {c.second} | `{c.measure}` {_arrow(c.direction)} | "
                     f"{_overrides(c.context)} | {c.why} |")
    lines += ["", DECLARATIONS_END]
    return "\n".join(lines)


def _ci(c: Contrast, digits: int = 3) -> str:
    if c.n == 0 or math.isnan(c.mean):
        return ""
    return f"{c.mean:+.{digits}g} ({c.low:+.{digits}g} to {c.high:+.{digits}g})"


def results_frame(results: Sequence[Result]) -> pd.DataFrame:
    """One row a comparison: the measure's and the outcomes' paired differences and the verdict."""
    rows = []
    for r in results:
        c = r.comparison
        row: dict[str, Any] = {"lever": c.name, "first": c.first, "second": c.second, "at_defaults": c.at_defaults,
                               "context": _overrides(c.context), "measure": c.measure, "direction": c.direction, "pairs": r.pairs, "verdict": r.verdict}
        for key, contrast, column in (("measure", r.measure, c.measure), ("outcome", r.outcome, c.outcome),
                                      ("armed_attack", r.armed_attack, "armed_attack"),
                                      ("territory", r.territory, "territory_seized_pct")):
            first, second = r.means[column]
            row.update({f"{key}_first": first, f"{key}_second": second, f"{key}_difference": contrast.mean,
                        f"{key}_low": contrast.low, f"{key}_high": contrast.high, f"{key}_higher": contrast.higher,
                        f"{key}_lower": contrast.lower, f"{key}_p_value": contrast.p_value})
        row["outcome"] = c.outcome
        row["outcomes_moved"] = ";".join(r.outcomes_moved)
        rows.append(row)
    return pd.DataFrame(rows)


def _order(results: Sequence[Result]) -> list[Result]:
    rank = {"inert": 0, "wrong direction": 1, "negligible": 2, "measure": 3, "outcome": 4}
    return sorted(results, key=lambda r: rank[r.verdict])


def results_markdown(results: Sequence[Result]) -> str:
    lines = ["| verdict | lever | compared | pairs | acts through: first → other, paired difference (95%) | "
             "renewed war (95%) | armed attack (95%) | territory, % (95%) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in _order(results):
        c = r.comparison
        a, b = r.means[c.measure]
        lines.append(f"| **{r.verdict}** | `{c.name}` | {c.first} → {c.second} | {r.pairs} | `{c.measure}` {a:.3g} → "
                     f"{b:.3g}, {_ci(r.measure)} | {_ci(r.outcome, 2)} | {_ci(r.armed_attack, 2)} | "
                     f"{_ci(r.territory, 2)} |")
    return "\n".join(lines)


def interactions_markdown(results: Sequence[InteractionResult]) -> str:
    lines = []
    for r in results:
        ch = r.check
        lines += [f"**{ch.name}** ({ch.b.name} against {ch.a.name}; condition: {_overrides(ch.condition)}). {ch.why}",
                  "",
                  "| | without the condition | with it | growth (95%) |", "|---|---|---|---|",
                  f"| `{ch.outcome}`, difference | {_ci(r.without)} | {_ci(r.within)} | {_ci(r.growth)} |",
                  f"| `{ch.measure}`, difference | {_ci(r.measure_without)} | {_ci(r.measure_within)} | |", ""]
    return "\n".join(lines)


def defaults_markdown(defaults: Sequence[Result], refused: Mapping[str, str]) -> str:
    """The levers screened in a context, at the shipped defaults instead; then those that cannot matter there."""
    lines = ["The levers run above in a context, here without it: the shipped Paris design in the same world. "
             "**inert** here means the lever cannot matter unless another setting changes first.", "",
             results_markdown(defaults), ""]
    if refused:
        lines += ["Cannot be set without its context (a rule of the schema): "
                  + "; ".join(f"`{k}` ({v})" for k, v in refused.items()) + ".", ""]
    inert = [r for r in defaults if r.verdict in ("inert", "negligible")]
    if inert:
        lines += ["### Levers that cannot matter at the shipped defaults, and why", ""]
        for r in inert:
            c = r.comparison
            m = r.measure
            first, second = r.means[c.measure]
            seen = (f"every one of {r.pairs} pairs identical in `{c.measure}`" if m.higher == m.lower == 0 else
                    f"`{c.measure}` moved by {m.mean:+.2g} ({first:.4g} → {second:.4g}), less than 0.1% of its level, "
                    f"and no outcome moved" if r.verdict == "negligible" else
                    f"`{c.measure}` not told apart from no change over {r.pairs} pairs ({m.higher} up, "
                    f"{m.lower} down, sign test p = {m.p_value:.2g})")
            lines.append(f"- `{c.name}` ({c.first} → {c.second}): {seen}. {c.why} Acts with "
                         f"{_overrides(c.needs)}.")
        lines.append("")
    return "\n".join(lines)


def markdown(results: Sequence[Result], interactions: Sequence[InteractionResult], settings: Mapping[str, Any],
             defaults: Sequence[Result] = (), refused: Mapping[str, str] | None = None) -> str:
    """The whole page: settings, counts by verdict, the results (inert first), the same levers at the
    defaults, the checks, the declarations."""
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    levers = {r.comparison.name for r in results} & set(parameter_catalogue())
    cmd = settings.get("command", "python -m sim.validation.levers")
    lines = [
        "# Levers: what each one moves",
        "",
        "Generated by `" + cmd + "` (sim/validation/levers/; do not edit by hand). Each lever of the schema at its "
        "range ends (a choice: each value against the default; a switch: both), on paired runs: replicate *k* of "
        "both values runs with the same seed (common random numbers), so a lever that cannot act leaves every "
        "pair identical. Each lever is run in a context where it can act, declared in the table at the end with "
        "the reason, in the world " + _overrides(WORLD) + ". A difference is **decided** when the exact sign "
        "test rejects 'as likely up as down' at 5% and its 95% interval excludes 0. Pairs were added "
        f"{settings.get('step')} at a time up to {settings.get('max_pairs')} until "
        + ("the measure and the outcome were decided" if settings.get("until") == "both" else "the measure was decided")
        + f" (master seed {settings.get('master_seed')}).",
        "",
        f"{len(levers)} levers, {len(results)} comparisons: "
        + ", ".join(f"{counts[v]} {v}" for v in VERDICTS) + ".",
        "",
        "- **outcome**: renewed war (`escalated`) moved; the measure did not move against its declared direction;",
        "- **measure**: the lever moved what it acts through, in the declared direction; renewed war was not told "
        "apart from no change at that number of pairs (the columns armed attack and territory say whether "
        "another outcome moved);",
        "- **negligible**: the measure moved in the declared direction by less than 0.1% of its level, and "
        "renewed war did not move;",
        "- **wrong direction**: the measure moved against the declared direction;",
        "- **inert**: nothing decided.",
        "",
        "## Results, inert ones first",
        "",
        results_markdown(results),
        "",
    ]
    if defaults or refused:
        lines += ["## At the shipped defaults", "", defaults_markdown(defaults, refused or {})]
    if interactions:
        lines += ["## Ratification under more frequent changes of government", "", interactions_markdown(interactions)]
    lines += ["## The screen's declarations", "",
              "What each lever acts through, the direction it should move it, and the context in which it can "
              "act. A lever inert in the baseline by design (it needs another lever on) is run where that lever "
              "is on; the reason is in the last column. Named checks that are not levers: "
              + ", ".join(f"`{c.name}`" for c in CHECKS) + ".", "", declarations_markdown(), ""]
    return "\n".join(lines)


def entry_count() -> int:
    return len(ENTRIES)
