"""Why Russia attacks in the calibrated model: the must-shows of issue 19, measured on the plausible set.

1. **Attacks for reasons.** Every decision point is an ``assessment`` event with the margin of the
   choice over its best alternative without the random term (``value``) and the random draw
   (``noise``). An offensive is launched at go/no-go when the margin plus the campaign's motive
   (the draw that started it) is not negative; it is launched *for reasons* when the margin alone
   favours it (``value`` >= 0). Counted over every launch, by level, in the named designs and the
   calibration scenario, each run in a plausible world (replicate k uses plausible point k % N).
   The decision to prepare is reported the same way.
2. **The value of waiting.** The share of runs in which Russia, at some assessment, valued waiting
   for a better window above zero (``wait_value`` > 0), and the share of assessments.
3. **Opened windows.** Paired runs (the same seed and plausible world) with and without an event
   that opens a window: the US withdrawing its roles on 20 January 2029 (``us_withdraws_2029``
   against ``paris_declaration``), and a change of government in France, a framework nation, at
   the presidential election of April 2027 (the elections file with that election's chance of a
   change set to 1 against 0, everything else as shipped). Among pairs with no attack before the
   event, the difference in the chance of an attack from the event to the horizon (Newcombe's
   paired interval, exact McNemar test), at both levels. Before the event the two arms differ only
   through what Russia expects (it reads the elections' chances: a window it can wait for).

Thresholds, stated before the runs: "at least two thirds" (the issue's); a "material share" of runs
is at least one in ten; a window "raises the hazard" when the paired interval lies above 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.config import data_file_path, load_scenario, with_overrides
from sim.config.cases import SETTINGS_ALLOWED, parse_settings
from sim.config.library import using_study
from sim.config.overrides import base_scenario, override_problems
from sim.config.posterior import use_posterior
from sim.errors import EXIT_FAILED, EXIT_OK
from sim.executors import default_workers, executor, in_order
from sim.experiments.statistics import mcnemar_p, newcombe_paired_interval, wilson_interval
from sim.files import atomic_write, write_manifest
from sim.ladder import LIMITED, MAJOR
from sim.model import DeterrenceModel
from sim.outfolder import staged
from sim.provenance import package_info
from sim.runner import replicate_seed

MASTER_SEED = 20260106
SCENARIOS = ("ceasefire_reference", "budapest_memorandum", "minsk_analogue", "political_only", "paris_declaration",
             "article5_like")
FOR_REASONS = 2 / 3  # the "at least two thirds"
MATERIAL = 0.10  # a material share of runs: at least one in ten (stated before the runs)
FRANCE_ELECTION = ("FRA", "2027-04-25")
WINDOWS = {  # name -> (event, arm with the event, arm without, event date)
    "us_withdrawal": ("the US withdraws its roles (20 January 2029)", ("us_withdraws_2029", None),
                      ("paris_declaration", None), "2029-01-20"),
    "france_government": ("France changes government at its presidential election (25 April 2027)",
                          ("paris_declaration", "elections_france_change.csv"),
                          ("paris_declaration", "elections_france_stays.csv"), FRANCE_ELECTION[1]),
}


MECHANISM_PAIRS = 400  # paired states a window for the mechanism table (stated before the runs)
REVIEWED = ("contingents_withdrawn", "withdrawn")


@dataclass(frozen=True)
class Sizes:
    runs: int = 600  # runs a scenario for launches and waiting
    pairs: int = 1000  # pairs a window
    draws: int = 20  # plausible points drawn


QUICK = Sizes(runs=60, pairs=120, draws=10)


@dataclass(frozen=True)
class Task:
    scenario: str
    replicate: int
    draw: int
    constants: tuple[tuple[str, Any], ...]
    elections_file: str | None = None
    study: str | None = None
    events: bool = True
    seed: int = MASTER_SEED  # the replicates' master seed (a confirmatory run draws fresh ones)
    window: str = ""  # the window a paired run belongs to (the mechanism table)
    settings: tuple[tuple[str, Any], ...] = ()  # --settings: on every run, over the plausible point's constants


def _run(task: Task, weeks: int | None = None) -> DeterrenceModel:
    """The task's run, to the horizon or for ``weeks`` weeks."""
    with using_study(task.study):
        overrides = {**dict(task.constants), **dict(task.settings)}
        if task.elections_file:
            overrides["members.elections_file"] = task.elections_file
        scenario = with_overrides(load_scenario(task.scenario), overrides, source="validation (reasons)")
        model = DeterrenceModel(scenario, replicate_seed(task.seed, task.replicate), record_events=task.events,
                                collect_steps=False)
        return model.run(weeks)


def run_task(task: Task) -> dict[str, Any]:
    """One run: its attack weeks and, with events, its decision points' margins and draws."""
    model = _run(task)
    out: dict[str, Any] = {"scenario": task.scenario, "elections_file": task.elections_file or "",
                           "replicate": task.replicate, "draw": task.draw,
                           "armed_attack_week": model.war.armed_attack_week, "escalation_week": model.war.escalation_week}
    if task.events:
        decisions = [e for e in model.events.rows if e.kind == "assessment"]
        out["launches"] = [(e.level, e.value, e.noise) for e in decisions if e.note == "go_no_go" and e.outcome == "launch"]
        out["preparations"] = [(e.level, e.value, e.noise) for e in decisions
                               if e.note == "assessment" and e.outcome.startswith("prepare_")]
        waits = [e.wait_value or 0.0 for e in decisions if e.note == "assessment"]
        out["assessments"] = len(waits)
        out["assessments_waiting"] = sum(w > 0 for w in waits)
        # The first attack: the margin it was launched on and the week its preparation began (the windows' check).
        first = next((e for e in decisions if e.note == "go_no_go" and e.outcome == "launch"), None)
        prepared = [e.week for e in decisions if first is not None and e.week <= first.week
                    and e.note == "assessment" and e.outcome.startswith("prepare_")]
        out["first_launch"] = (first.value, prepared[-1] if prepared else None) if first is not None else None
    return out


def window_state(task: Task) -> dict[str, Any] | None:
    """One arm of a window run to the week after the event: what the event did to the force, and the values
    Russia then puts on a renewed war and a limited offensive launched after a full preparation, without
    the random terms (no misperception of resolve or of the balance). None when an armed attack came first."""
    week = _week_of(WINDOWS[task.window][3])
    model = _run(replace(task, events=True), week + 1)  # the reviews are read from the events
    if model.war.armed_attack_week is not None or model.war.at_war:
        return None
    reviews = [e for e in model.events.rows if e.kind == "deployment" and e.week == week and e.outcome in REVIEWED]
    reading, c = model.russia.reading, model.params.campaigns
    reading.noise = dict.fromkeys(reading.noise, 0.0)
    reading.balance = 1.0
    reading.reassess(noise=False)
    outlook = model.russia.outlook
    return {"window": task.window, "scenario": task.scenario, "elections_file": task.elections_file or "",
            "replicate": task.replicate, "contingents_left": sum(len(e.items) for e in reviews),
            "france_left": any("France" in e.items for e in reviews),
            "force_withdrew": any(e.outcome == "withdrawn" for e in reviews),
            "troops": model.force.troops_deployed,
            "value_major": outlook.attack_value(MAJOR, c.preparation_weeks_major, prepared=0).total,
            "value_limited": outlook.attack_value(LIMITED, c.preparation_weeks_limited, prepared=0).total}


def mechanisms_table(states: list[dict[str, Any] | None], windows: Sequence[str] = tuple(WINDOWS)) -> pd.DataFrame:
    """Paired states a window (both arms without an attack before the event): what the event did."""
    rows = []
    for key in windows:
        _, with_event, without, _ = WINDOWS[key]
        arm = {(s["scenario"], s["elections_file"] or None, s["replicate"]): s for s in states
               if s is not None and s["window"] == key}
        pairs = [(arm[(*with_event, k)], arm[(*without, k)]) for k in sorted({k for *_, k in arm})
                 if (*with_event, k) in arm and (*without, k) in arm]
        n = len(pairs)
        if not n:
            continue
        row: dict[str, Any] = {"window": key, "event": WINDOWS[key][0], "pairs": n}
        for name in ("contingents_left", "france_left", "force_withdrew", "troops"):
            row[f"{name}_with"] = float(np.mean([a[name] for a, _ in pairs]))
            row[f"{name}_without"] = float(np.mean([b[name] for _, b in pairs]))
        for name in ("value_major", "value_limited"):
            d = np.array([a[name] - b[name] for a, b in pairs])
            row[f"{name}_change"] = float(d.mean())
            row[f"{name}_change_se"] = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def elections_variants(folder: Path) -> str:
    """A study folder with the shipped elections file twice: France's 2027 presidential election certain to
    change the government, and certain not to. Returns the folder."""
    scen = folder / "scenarios"
    scen.mkdir(parents=True, exist_ok=True)
    lines = data_file_path("elections.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    cols = lines[header].rstrip("\n").split(",")
    p_col = cols.index("p_government_change")
    for name, p in (("elections_france_change.csv", "1.0"), ("elections_france_stays.csv", "0.0")):
        out, hit = [], 0
        for i, line in enumerate(lines):
            cells = line.split(",")
            if i > header and cells[0] == FRANCE_ELECTION[0] and cells[2] == FRANCE_ELECTION[1]:
                cells[p_col] = p
                hit += 1
                line = ",".join(cells)
            out.append(line)
        if hit != 1:
            raise ValueError(f"elections.csv has {hit} rows for {FRANCE_ELECTION}; expected one")
        (scen / name).write_text("".join(out), encoding="utf-8")
    (folder / "sim-study.yaml").write_text("# validation: France's 2027 election, changed or not\n", encoding="utf-8")
    return str(folder)


def tasks(sizes: Sizes, study: str, seed: int = MASTER_SEED, windows: Sequence[str] = tuple(WINDOWS),
          settings: Mapping[str, Any] | None = None) -> tuple[list[Task], list[Task]]:
    """The runs for launches and waiting (with events), and the paired runs of the windows (without).

    The plausible worlds are always those drawn with ``MASTER_SEED``; ``seed`` sets the replicates'; ``settings``
    go on every run (both arms of a window alike)."""
    use = use_posterior("plausible", sizes.draws, MASTER_SEED)
    fixed = tuple(sorted((settings or {}).items()))
    launch = [Task(s, k, *use.for_replicate(k), seed=seed, settings=fixed) for s in SCENARIOS
              for k in range(sizes.runs)]
    window = []
    for name in windows:
        _, with_event, without, _ = WINDOWS[name]
        for scenario, elections in (with_event, without):
            window += [Task(scenario, k, *use.for_replicate(k), elections_file=elections,
                            study=study if elections else None, seed=seed, window=name, settings=fixed)
                       for k in range(sizes.pairs)]
    return launch, window


def launches_table(runs: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for what in ("launches", "preparations"):
        for scenario in (*SCENARIOS, "all"):
            sub = [r for r in runs if scenario in ("all", r["scenario"])]
            for level in ("limited", "major"):
                margins = [m for r in sub for lv, m, _ in r[what] if lv == level]
                n = len(margins)
                k = sum(m >= 0.0 for m in margins)
                lo, hi = wilson_interval(k, n) if n else (math.nan, math.nan)
                noise = [abs(z) for r in sub for lv, _, z in r[what] if lv == level]
                rows.append({"decision": what, "scenario": scenario, "level": level, "runs": len(sub), "count": n,
                             "margin_favours": k, "share": k / n if n else math.nan, "low": lo, "high": hi,
                             "median_margin": float(np.median(margins)) if n else math.nan,
                             "median_abs_noise": float(np.median(noise)) if n else math.nan})
    return pd.DataFrame(rows)


def waiting_table(runs: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for scenario in (*SCENARIOS, "all"):
        sub = [r for r in runs if scenario in ("all", r["scenario"])]
        if not sub:
            continue
        k = sum(r["assessments_waiting"] > 0 for r in sub)
        lo, hi = wilson_interval(k, len(sub))
        a = sum(r["assessments"] for r in sub)
        w = sum(r["assessments_waiting"] for r in sub)
        rows.append({"scenario": scenario, "runs": len(sub), "runs_waiting": k, "share": k / len(sub), "low": lo,
                     "high": hi, "assessments": a, "assessments_waiting": w,
                     "assessment_share": w / a if a else math.nan})
    return pd.DataFrame(rows)


def _week_of(date: str) -> int:
    return (dt.date.fromisoformat(date) - load_scenario("paris_declaration").ceasefire_date).days // 7


def windows_table(runs: list[dict[str, Any]], pairs: int, windows: Sequence[str] = tuple(WINDOWS)) -> pd.DataFrame:
    rows = []
    by = {(r["scenario"], r["elections_file"] or None, r["replicate"]): r for r in runs}
    horizon = load_scenario("paris_declaration").horizon_weeks
    for key in windows:
        event, with_event, without, date = WINDOWS[key]
        week = _week_of(date)
        for level, col in (("any armed attack", "armed_attack_week"), ("renewed war", "escalation_week")):
            a = [by[(*with_event, k)] for k in range(pairs)]
            b = [by[(*without, k)] for k in range(pairs)]

            def before(r: dict) -> bool:
                return r[col] is not None and r[col] < week

            def after(r: dict) -> bool:
                return r[col] is not None and r[col] >= week

            at_risk = [(x, y) for x, y in zip(a, b) if not before(x) and not before(y)]
            both = sum(after(x) and after(y) for x, y in at_risk)
            only_a = sum(after(x) and not after(y) for x, y in at_risk)
            only_b = sum(after(y) and not after(x) for x, y in at_risk)
            neither = len(at_risk) - both - only_a - only_b
            n = len(at_risk)
            # Do the attacks only the arm with the event made come from the mechanism? Launched on a margin that
            # favoured them without the random term, or prepared from the event's own re-assessment (a fresh draw)?
            only = [x.get("first_launch") for x, y in at_risk if after(x) and not after(y)
                    and col == "armed_attack_week"]  # the first launch is the first armed attack
            only = [f for f in only if f is not None]
            diff = (only_a - only_b) / n if n else math.nan
            lo, hi = newcombe_paired_interval(both, only_a, only_b, neither) if n else (math.nan, math.nan)
            rows.append({"window": key, "event": event, "level": level, "event_week": week,
                         "weeks_after": horizon - week, "pairs": pairs,
                         "attack_before_with": sum(before(x) for x in a), "attack_before_without": sum(before(y) for y in b),
                         "pairs_at_risk": n, "p_after_with": (both + only_a) / n if n else math.nan,
                         "p_after_without": (both + only_b) / n if n else math.nan, "difference": diff, "low": lo,
                         "high": hi, "only_with": only_a, "only_without": only_b,
                         "mcnemar_p": mcnemar_p(only_a, only_b),
                         "only_with_for_reasons": sum(m >= 0.0 for m, _ in only) if only else 0,
                         "only_with_prepared_at_event": sum(w == week for _, w in only) if only else 0,
                         "verdict": "raises" if lo > 0 else ("lowers" if hi < 0 else "no detectable change")})
    return pd.DataFrame(rows)


def measure(sizes: Sizes, folder: Path, map_: Callable[[Callable, Sequence], Any], seed: int = MASTER_SEED,
            windows: Sequence[str] | None = None, settings: Mapping[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Every run, then the three tables (only the windows' with ``windows``: a confirmatory run of those).
    ``folder`` holds the elections variants while the runs need them."""
    study = Path(folder) / "elections_study"
    try:
        launch, window = tasks(sizes, elections_variants(study), seed, windows or tuple(WINDOWS), settings)
        runs = [] if windows else list(map_(run_task, launch))
        paired = list(map_(run_task, window))
        states = [] if windows else list(map_(window_state, [t for t in window
                                                             if t.replicate < min(MECHANISM_PAIRS, sizes.pairs)]))
    finally:
        shutil.rmtree(study, ignore_errors=True)
    out = {"windows": windows_table(paired, sizes.pairs, windows or tuple(WINDOWS))}
    if windows:
        return out
    return {"launches": launches_table(runs), "waiting": waiting_table(runs), **out,
            "mechanisms": mechanisms_table(states)}


def _f(x: Any, digits: int = 2) -> str:
    if isinstance(x, float):
        return "" if not math.isfinite(x) else f"{x:.{digits}f}"
    return str(x)


def windows_markdown(win: pd.DataFrame, redraws: bool = True) -> list[str]:
    out = ["**Opened windows** (paired runs with no attack before the event; the chance of an attack from the "
           "event to the horizon, with the event and without):", "",
           "| window | level | pairs at risk | with | without | difference [95% CI] | McNemar p | verdict |",
           "|---|---|---|---|---|---|---|---|"]
    for r in win.itertuples():
        out.append(f"| {r.event} | {r.level} | {r.pairs_at_risk} | {_f(r.p_after_with, 3)} | "
                   f"{_f(r.p_after_without, 3)} | {r.difference:+.3f} [{r.low:+.3f}, {r.high:+.3f}] | "
                   f"{r.mcnemar_p:.2g} | {r.verdict} |")
    out += ["", "Attacks before the event (of all pairs), with and without: " + "; ".join(
        f"{r.window} ({r.level}): {r.attack_before_with} and {r.attack_before_without}" for r in win.itertuples())]
    out += ["", "Pairs at risk that disagree (an attack after the event in one arm only), with the event only and "
            "without it only: " + "; ".join(f"{r.window} ({r.level}): {r.only_with} and {r.only_without}"
                                           for r in win.itertuples())]
    if "only_with_for_reasons" in win.columns:
        out += ["", "Of the attacks that only the arm with the event made (its first attack after the event): "
                "launched on a margin that favoured it without the random term, and prepared from the event's own "
                "re-assessment (" + ("a fresh random draw" if redraws else "the period's random draw, kept: the "
                                     "event moved the values") + "): " + "; ".join(
                    f"{r.window}: {r.only_with_for_reasons} and {r.only_with_prepared_at_event} of {r.only_with}"
                    for r in win.itertuples() if r.level == "any armed attack")]
    return out


def markdown(tables: dict[str, pd.DataFrame], sizes: Sizes, seed: int = MASTER_SEED,
             settings: Mapping[str, Any] | None = None) -> str:
    redraws = bool((settings or {}).get("campaigns.triggered_assessment_redraws", True))
    given = ("" if not settings else "Settings on every run, both arms alike: "
             + ", ".join(f"`{k}={v}`" for k, v in sorted(settings.items())) + ".\n\n")
    if "launches" not in tables:  # a confirmatory run of windows
        seeds = (f"Confirmatory run: {sizes.pairs} pairs a window, fresh replicate seeds (master seed {seed})"
                 if seed != MASTER_SEED else
                 f"The windows only: {sizes.pairs} pairs a window, the full run's replicate seeds (master seed {seed})")
        return given + "\n".join([f"{seeds}; replicate k in plausible point k % {sizes.draws} of the shipped plausible "
                                  "set.", "", *windows_markdown(tables["windows"], redraws)]) + "\n"
    lt, wt, win = tables["launches"], tables["waiting"], tables["windows"]
    out = [given + f"Runs: {sizes.runs} a scenario with their events (launches, waiting), {sizes.pairs} pairs a window; "
           f"replicate k in plausible point k % {sizes.draws} of the shipped plausible set; master seed {seed}.",
           "", "**Launched for reasons** (go/no-go: the margin without the random term favours launching; "
           f"at least {FOR_REASONS:.0%} required):", "",
           "| scenario | level | launches | margin favours | share [95% CI] | median margin | median abs. draw |",
           "|---|---|---|---|---|---|---|"]
    for r in lt[lt["decision"] == "launches"].itertuples():
        out.append(f"| {r.scenario} | {r.level} | {r.count} | {r.margin_favours} | {_f(r.share)} [{_f(r.low)}, "
                   f"{_f(r.high)}] | {_f(r.median_margin)} | {_f(r.median_abs_noise)} |")
    out += ["", "The decision to prepare (the periodic assessment choosing a preparation; reported, not judged):", "",
            "| scenario | level | preparations | margin favours | share [95% CI] |", "|---|---|---|---|---|"]
    for r in lt[(lt["decision"] == "preparations") & (lt["scenario"] == "all")].itertuples():
        out.append(f"| all | {r.level} | {r.count} | {r.margin_favours} | {_f(r.share)} [{_f(r.low)}, {_f(r.high)}] |")
    out += ["", f"**The value of waiting** (runs with a positive value of waiting at some assessment; a material share "
            f"is at least {MATERIAL:.0%}):", "",
            "| scenario | runs | runs waiting | share [95% CI] | share of assessments |", "|---|---|---|---|---|"]
    for r in wt.itertuples():
        out.append(f"| {r.scenario} | {r.runs} | {r.runs_waiting} | {_f(r.share)} [{_f(r.low)}, {_f(r.high)}] | "
                   f"{_f(r.assessment_share, 3)} |")
    out += ["", *windows_markdown(win, redraws)]
    mech = tables.get("mechanisms")
    if mech is not None and len(mech):
        out += ["", f"**What the event did** (the pairs among the first {MECHANISM_PAIRS} replicates with no armed "
                "attack before the event, the week after it: contingents that left the Multinational Force at the event, France's among them, "
                "the force withdrawn for want of a framework nation, troops deployed; and the change, with the event "
                "against without, in the value Russia puts on a renewed war and on a limited offensive after a full "
                "preparation, without the random terms):", "",
                "| window | pairs | contingents left (with / without) | France's left | force withdrawn | troops "
                "deployed | value of a renewed war | value of a limited offensive |", "|---|---|---|---|---|---|---|---|"]
        for r in mech.itertuples():
            out.append(f"| {r.event} | {r.pairs} | {r.contingents_left_with:.2f} / {r.contingents_left_without:.2f} | "
                       f"{r.france_left_with:.0%} / {r.france_left_without:.0%} | {r.force_withdrew_with:.0%} / "
                       f"{r.force_withdrew_without:.0%} | {r.troops_with:,.0f} / {r.troops_without:,.0f} | "
                       f"{r.value_major_change:+.3f} (se {r.value_major_change_se:.3f}) | "
                       f"{r.value_limited_change:+.3f} (se {r.value_limited_change_se:.3f}) |")
    return "\n".join(out) + "\n"


def heading(command: str, seconds: float, workers: int | str) -> str:
    return f"Command: `{command}` ({workers} workers); {seconds / 60:.1f} min.\n\n"


def verdicts(tables: dict[str, pd.DataFrame]) -> dict[str, bool]:
    win = tables["windows"]
    windows = {f"window_{w}": bool((win[(win["window"] == w)]["verdict"] == "raises").any())
               for w in dict.fromkeys(win["window"])}
    if "launches" not in tables:
        return windows
    lt = tables["launches"]
    pooled = lt[(lt["decision"] == "launches") & (lt["scenario"] == "all")].set_index("level")
    wt = tables["waiting"].set_index("scenario")
    win = tables["windows"]
    return {"major_for_reasons": bool(pooled.loc["major", "share"] >= FOR_REASONS),
            "limited_for_reasons": bool(pooled.loc["limited", "share"] >= FOR_REASONS),
            "waiting_material": bool(wt.loc["all", "share"] >= MATERIAL), **windows}


def _map(ex: Any) -> Callable[[Callable, Sequence], Any]:
    def map_(fn: Callable, items: Sequence) -> Any:  # results in the order submitted, whatever the executor
        it = iter(items)
        return (r for _, r in in_order(ex.executor, fn, lambda: next(it, None), window=2 * ex.slots + 2))

    return map_


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.validation.reasons [--quick] [--out DIR] [--workers N]``: the must-shows of issue 19
    on the shipped plausible set; writes launches.csv, waiting.csv, windows.csv, reasons_tables.md, manifest.json."""
    parser = argparse.ArgumentParser(prog="python -m sim.validation.reasons", description=main.__doc__.split(";")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK.runs} runs a scenario, {QUICK.pairs} pairs")
    parser.add_argument("--runs", type=int, default=None, help=f"runs a scenario (default {Sizes.runs})")
    parser.add_argument("--pairs", type=int, default=None, help=f"pairs a window (default {Sizes.pairs})")
    parser.add_argument("--out", type=Path, default=Path("results") / "reasons")
    parser.add_argument("--overwrite", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--master-seed", type=int, default=MASTER_SEED,
                        help=f"the replicates' master seed (default {MASTER_SEED}); the plausible worlds stay the same")
    parser.add_argument("--windows", nargs="+", choices=sorted(WINDOWS), default=None,
                        help="a confirmatory run: only these windows' paired runs")
    parser.add_argument("--settings", default="", metavar="KEY=VALUE;...",
                        help="parameters set on every run over the plausible point's, both arms of a window alike, "
                             "e.g. campaigns.triggered_assessment_redraws=false (a robustness check); "
                             + SETTINGS_ALLOWED)
    args = parser.parse_args(argv)
    settings, wrong = parse_settings(args.settings)
    wrong = [f"--settings: {text} (allowed: {SETTINGS_ALLOWED})" for text in wrong]
    scenarios = {*SCENARIOS, *(arm[0] for w in WINDOWS.values() for arm in w[1:3])} if settings else set()
    for scenario in sorted(scenarios):  # every scenario the runs use must take the settings
        wrong += [str(p) for p in override_problems(base_scenario(scenario), settings, "--settings")[0]]
    if wrong:
        parser.error("; ".join(dict.fromkeys(wrong)))
    base = QUICK if args.quick else Sizes()
    sizes = Sizes(runs=args.runs or base.runs, pairs=args.pairs or base.pairs, draws=base.draws)
    workers = args.workers or default_workers()
    started = time.perf_counter()
    with staged(args.out, overwrite=args.overwrite) as work:
        with executor(workers) as ex:
            tables = measure(sizes, work, _map(ex), args.master_seed, args.windows, settings)
        for name, df in tables.items():
            atomic_write(work / f"{name}.csv", df.to_csv(index=False, float_format="%.6g", lineterminator="\n"))
        v = verdicts(tables)
        command = "python -m sim.validation.reasons " + " ".join(argv if argv is not None else sys.argv[1:])
        seconds = time.perf_counter() - started
        atomic_write(work / "reasons_tables.md", heading(command, seconds, workers)
                     + markdown(tables, sizes, args.master_seed, settings))
        write_manifest(work / "manifest.json", {
            "command": command, "files": sorted([*(f"{name}.csv" for name in tables), "reasons_tables.md"]),
            "sizes": {"runs": sizes.runs, "pairs": sizes.pairs, "draws": sizes.draws}, "master_seed": args.master_seed,
            "settings": settings, "posterior": "plausible", "verdicts": v, "seconds": round(seconds, 1),
            "finished": time.strftime("%Y-%m-%d %H:%M", time.localtime()), "package": package_info()})
    print(markdown(tables, sizes, args.master_seed, settings))
    print("verdicts: " + ", ".join(f"{k} {'yes' if ok else 'NO'}" for k, ok in v.items()))
    return EXIT_OK if all(v.values()) else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
