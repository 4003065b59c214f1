"""History out of sample: does the model forecast real ceasefires better than simple references?

``python -m sim validate-history [--quick] [--replicates N] [--out DIR] [--overwrite] [--workers N]``

Each case of ``scenarios/history_cases.csv`` (a real ceasefire or guarantee regime, mapped to a
shipped scenario plus settings) is evaluated at time ``t = min(observed duration, CAP_WEEKS)``:
the outcome is ``y = 1`` if the renewed war came by ``t``, else 0. Three forecasters give
``p = P(renewed war by t)``:

* ``model``: the case's scenario and settings, R seeded replicates with horizon ``t``;
  ``p = (k + 0.5) / (R + 1)`` for k escalations (smoothed, so a log score is never infinite);
* ``guarantees_off``: the same runs with ``GUARANTEES_OFF`` applied on top (no monitoring,
  commission, force, binding commitments, warning measures, coordination cell, intelligence
  sharing, US roles: the guarantees of budapest_memorandum);
* ``base_rate``: a constant hazard with P(war within 5 years) = the midpoint of
  ``sim.validation.patterns.BASE_RATE_TARGET``: ``p(t) = 1 - (1 - 0.45) ** (t / 260 weeks)``.

Scores per case and averaged: Brier ``(p - y)^2`` and log score ``-log(p if y else 1 - p)``
(lower is better); skill ``1 - score / score_of_reference``; a paired comparison over the
cases (wins and losses, an exact sign test, a bootstrap interval of the mean difference).
About a dozen cases is a weak test: the tables say so.

Replicate k of every case and forecaster runs with seed ``replicate_seed(MASTER_SEED, k)``
(common random numbers). ``draws`` (a calibration posterior, later) adds, for replicate k, the
dotted-path overrides ``draws[k % len(draws)]``. Runs go through the sweep layer's pure task
function (``sim.experiments.execution.run_tasks``) on the same executors, and results are taken
in submission order, so the files are byte-identical for any number of workers.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.config import SCENARIOS_DIR, ConfigError, load_scenario_files
from sim.config.cases import HISTORY_CASES, parse_settings
from sim.config.datafiles import read_table
from sim.config.library import using_study
from sim.config.overrides import base_scenario, override_problems
from sim.config.posterior import use_posterior
from sim.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from sim.executors import default_workers, executor, in_order
from sim.experiments.design import run_id
from sim.experiments.execution import Task, run_tasks
from sim.experiments.statistics import mcnemar_p
from sim.files import atomic_write, csv_text, write_manifest
from sim.outfolder import staged
from sim.provenance import file_record, package_info, scenario_inputs
from sim.validation.patterns import BASE_RATE_TARGET

# --- what is compared ---------------------------------------------------------------------

WEEKS_PER_YEAR = 52  # the model's year: 260 weeks = 5 years
CAP_YEARS = 30
# Why 30 years: the model's political time (dated elections 2026-2032, coalition fatigue,
# Russia's drifting ambition) is built for a horizon of years, not half-centuries; a war 30+ years
# on is more a new conflict than the failure of the ceasefire; and it keeps the longest runs at
# 1,560 weeks (the schema allows 2,600). Cases observed longer are scored at 30 years.
CAP_WEEKS = CAP_YEARS * WEEKS_PER_YEAR
BASE_RATE_WEEKS = 5 * WEEKS_PER_YEAR  # the base-rate target is P(renewed war within 5 years)
BASE_RATE_P5 = sum(BASE_RATE_TARGET) / 2  # midpoint of Fortna's 40-50% (0.45)
MASTER_SEED = 20260106  # as experiments/validation.yaml: replicate k has replicate_seed(MASTER_SEED, k)
REPLICATES = 400  # the full run: p to within about +-0.025 (one standard error at p = 0.5)
QUICK_REPLICATES = 20  # --quick: a smoke test of the whole chain, not a result
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20260106
CASES_FILE = "history_cases.csv"

FORECASTERS = ("model", "guarantees_off", "base_rate")
REFERENCES = ("guarantees_off", "base_rate")  # what the model is compared with

# The guarantees switched off: the values scenarios/budapest_memorandum.yaml (through
# minsk_analogue) gives every guarantee of the declaration, plus the few it leaves on but inert
# there (warning measures, the US roles), so that for the Budapest case itself the two model
# forecasters coincide (tests/validation/test_history.py checks both). Ukraine's own defence (P1), Russia
# and the world (uncertainties, constants) are untouched.
GUARANTEES_OFF: dict[str, Any] = {
    "monitoring.enabled": False,                       # G1 monitoring
    "commission.enabled": False,                       # G1 special commission
    "support.volume": 0.2,                             # G2: the little aid of 1994-2014
    "support.budget_cooperation": False,
    "support.stockpile_access": False,
    "support.fortification_assistance": 0.0,
    "force.enabled": False,                            # G3 Multinational Force
    "commitments.binding": False,                      # G4 binding commitments
    "commitments.response_menu": {"probe": [], "limited": [], "major": ["diplomacy", "sanctions"]},
    "sanctions.snapback": "none",
    "cooperation.training": 0.0,                       # G5 cooperation
    "cooperation.co_production": 0.0,
    "cooperation.intelligence_sharing": 0.0,
    "coordination_cell.enabled": False,                # C1 coordination cell
    "warning.measures": [],                            # G1/G5 warning measures
    "united_states.leads_monitoring": False,           # the US roles
    "united_states.shares_intelligence": False,
    "united_states.backstop_probability": 0.0,
    "united_states.pledges_response": False,
}
# Keys of GUARANTEES_OFF that budapest_memorandum leaves at another value because they are inert
# there (no monitoring, no force, nothing binding, no intelligence to warn with).
INERT_IN_BUDAPEST = ("united_states.leads_monitoring", "united_states.backstop_probability")


# --- scores ---------------------------------------------------------------------------------

def smoothed(k: int, replicates: int) -> float:
    """P(renewed war) from k escalations in R runs, kept off 0 and 1: (k + 0.5) / (R + 1)."""
    return (k + 0.5) / (replicates + 1)


def base_rate_p(t_weeks: float, p5: float = BASE_RATE_P5) -> float:
    """Constant-hazard forecast: P(renewed war by t) with P(by 5 years) = p5."""
    return 1.0 - (1.0 - p5) ** (t_weeks / BASE_RATE_WEEKS)


def brier(p: float, y: int) -> float:
    return (p - y) ** 2


def log_score(p: float, y: int) -> float:
    """Negative log likelihood of the outcome (natural log); lower is better."""
    return -math.log(p if y else 1.0 - p)


def skill(score: float, reference: float) -> float:
    """1 - score / reference: 0 as good as the reference, 1 perfect, below 0 worse."""
    return 1.0 - score / reference if reference > 0 else math.nan


# --- the cases ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    case_id: str
    name: str
    outcome: str
    ceasefire_date: Any
    renewed_war_date: Any
    observed_until: Any
    scenario: str
    settings: dict[str, Any]
    settings_text: str

    @property
    def observed_weeks(self) -> int:
        """Weeks from the ceasefire to the renewed war (or the end of observation), rounded up so
        that the week of the war is inside the horizon."""
        end = self.renewed_war_date if self.renewed_war_date is not None else self.observed_until
        return max(1, math.ceil((end - self.ceasefire_date).days / 7))

    @property
    def t_weeks(self) -> int:
        return min(self.observed_weeks, CAP_WEEKS)

    @property
    def y(self) -> int:
        return int(self.renewed_war_date is not None and self.observed_weeks <= CAP_WEEKS)


def cases_path() -> Path:
    return Path(SCENARIOS_DIR) / CASES_FILE


def load_cases(path: str | Path | None = None) -> list[Case]:
    """The cases file, checked (ConfigError naming file, line, column and what is allowed)."""
    table = read_table(path if path is not None else cases_path(), HISTORY_CASES)
    out = []
    for row in table.to_dict("records"):
        settings, _ = parse_settings(row["settings"] or "")  # read_table has checked them
        out.append(Case(row["case_id"], row["name"], row["outcome"], row["ceasefire_date"],
                        row["renewed_war_date"], row["observed_until"], row["scenario"], settings,
                        row["settings"] or ""))
    return out


def overrides_for(case: Case, forecaster: str, draw: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The dotted-path overrides of one run: the case's settings, the guarantees off for that
    forecaster, then the replicate's draw (calibrated constants)."""
    out = dict(case.settings)
    if forecaster == "guarantees_off":
        out.update(GUARANTEES_OFF)
    if draw:
        out.update({str(k).replace("__", "."): v for k, v in draw.items()})
    return out


def check_inputs(cases: Sequence[Case], draws: Sequence[Mapping[str, Any]] | None) -> None:
    """Every combination a run will use is a valid scenario; ConfigError otherwise (before any run)."""
    if draws is not None:
        if isinstance(draws, (str, bytes, Mapping)) or not isinstance(draws, Sequence) or not draws:
            raise ConfigError.single("draws", "not a non-empty sequence of mappings",
                                     allowed="a list of dicts of dotted-path overrides, one per replicate (cycled)")
    problems = []
    for case in cases:
        base = base_scenario(case.scenario)
        for forecaster in ("model", "guarantees_off"):
            for i, draw in enumerate(draws or [None]):
                if draw is not None and not isinstance(draw, Mapping):
                    raise ConfigError.single(f"draws[{i}]", "not a mapping", given=draw, has_given=True,
                                             allowed="a dict of dotted-path overrides")
                source = f"case {case.case_id} ({forecaster})" + (f", draws[{i}]" if draw is not None else "")
                found, _ = override_problems(base, {**overrides_for(case, forecaster, draw),
                                                    "horizon_weeks": case.t_weeks}, source)
                problems.extend(found)
                if len(problems) >= 10:
                    raise ConfigError(problems)
    if problems:
        raise ConfigError(problems)


# --- running --------------------------------------------------------------------------------

@dataclass
class Result:
    cases: list[Case]
    replicates: int
    escalations: dict[tuple[str, str], int]  # (forecaster, case_id) -> k
    seconds: float
    runs: int
    draws: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def p(self, forecaster: str, case: Case) -> float:
        if forecaster == "base_rate":
            return base_rate_p(case.t_weeks)
        return smoothed(self.escalations[(forecaster, case.case_id)], self.replicates)


def run(cases: Sequence[Case], replicates: int, workers: int = 1, *,
        draws: Sequence[Mapping[str, Any]] | None = None, master_seed: int = MASTER_SEED,
        chunk: int = 8) -> Result:
    """Run every case R times for the two model forecasters; count escalations by t.

    Replicate k uses seed ``replicate_seed(master_seed, k)`` in every case and forecaster, and,
    with ``draws``, the overrides ``draws[k % len(draws)]``.
    """
    check_inputs(cases, draws)
    tasks: list[Task] = []
    point = 0
    keys: list[tuple[str, str]] = []
    for forecaster in ("model", "guarantees_off"):
        for case in cases:
            keys.append((forecaster, case.case_id))
            for k in range(replicates):
                draw = draws[k % len(draws)] if draws else None
                overrides = tuple(sorted(overrides_for(case, forecaster, draw).items()))
                tasks.append(Task(run_id(point, k), point, k, case.scenario, overrides, master_seed,
                                  weeks=case.t_weeks))
            point += 1
    started = time.perf_counter()
    escalations = {key: 0 for key in keys}
    chunks = iter([tasks[i:i + chunk] for i in range(0, len(tasks), chunk)])
    with executor(workers) as ex:
        for _, outcomes in in_order(ex.executor, run_tasks, lambda: next(chunks, None), window=2 * ex.slots + 2):
            for outcome in outcomes:
                if outcome.escalated:
                    escalations[keys[outcome.design_point]] += 1
    return Result(list(cases), replicates, escalations, time.perf_counter() - started, len(tasks),
                  len(draws) if draws else 0)


# --- tables ---------------------------------------------------------------------------------

SCORED_COLUMNS = (
    "case_id", "name", "outcome", "ceasefire_date", "renewed_war_date", "observed_weeks", "t_weeks", "t_years",
    "y", "replicates", "k_model", "k_guarantees_off", "p_model", "p_guarantees_off", "p_base_rate",
    "brier_model", "brier_guarantees_off", "brier_base_rate", "log_model", "log_guarantees_off", "log_base_rate",
    "scenario", "settings",
)
SCORES_COLUMNS = (
    "forecaster", "cases", "mean_brier", "mean_log", "brier_skill_vs_guarantees_off", "brier_skill_vs_base_rate",
    "log_skill_vs_guarantees_off", "log_skill_vs_base_rate", "model_better_brier", "model_worse_brier",
    "model_tied_brier", "sign_test_p_brier", "model_minus_brier_mean", "model_minus_brier_low",
    "model_minus_brier_high", "model_better_log", "model_worse_log", "model_minus_log_mean",
    "model_minus_log_low", "model_minus_log_high",
)


def scored_rows(result: Result) -> list[dict[str, Any]]:
    rows = []
    for case in result.cases:
        row: dict[str, Any] = {
            "case_id": case.case_id, "name": case.name, "outcome": case.outcome,
            "ceasefire_date": case.ceasefire_date.isoformat(),
            "renewed_war_date": case.renewed_war_date.isoformat() if case.renewed_war_date is not None else "",
            "observed_weeks": case.observed_weeks, "t_weeks": case.t_weeks,
            "t_years": round(case.t_weeks / WEEKS_PER_YEAR, 2), "y": case.y, "replicates": result.replicates,
            "k_model": result.escalations[("model", case.case_id)],
            "k_guarantees_off": result.escalations[("guarantees_off", case.case_id)],
        }
        for f in FORECASTERS:
            p = result.p(f, case)
            row[f"p_{f}"] = p
            row[f"brier_{f}"] = brier(p, case.y)
            row[f"log_{f}"] = log_score(p, case.y)
        row["scenario"], row["settings"] = case.scenario, case.settings_text
        rows.append(row)
    return rows


def _bootstrap(diffs: Sequence[float]) -> tuple[float, float]:
    """Percentile 95% interval of the mean difference, resampling cases."""
    d = np.asarray(diffs, dtype=float)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    means = d[rng.integers(0, len(d), size=(BOOTSTRAP_RESAMPLES, len(d)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def score_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per forecaster: mean scores, skill against each reference, and (for the references)
    the paired comparison of the model with it over the cases."""
    n = len(rows)
    mean = {(s, f): sum(r[f"{s}_{f}"] for r in rows) / n for s in ("brier", "log") for f in FORECASTERS}
    out = []
    for f in FORECASTERS:
        row: dict[str, Any] = {c: None for c in SCORES_COLUMNS}
        row.update(forecaster=f, cases=n, mean_brier=mean[("brier", f)], mean_log=mean[("log", f)])
        for ref in REFERENCES:
            row[f"brier_skill_vs_{ref}"] = skill(mean[("brier", f)], mean[("brier", ref)])
            row[f"log_skill_vs_{ref}"] = skill(mean[("log", f)], mean[("log", ref)])
        if f in REFERENCES:
            for s in ("brier", "log"):
                diffs = [r[f"{s}_model"] - r[f"{s}_{f}"] for r in rows]
                better = sum(d < -1e-12 for d in diffs)
                worse = sum(d > 1e-12 for d in diffs)
                low, high = _bootstrap(diffs)
                row[f"model_better_{s}"], row[f"model_worse_{s}"] = better, worse
                row[f"model_minus_{s}_mean"] = sum(diffs) / n
                row[f"model_minus_{s}_low"], row[f"model_minus_{s}_high"] = low, high
                if s == "brier":
                    row["model_tied_brier"] = n - better - worse
                    row["sign_test_p_brier"] = mcnemar_p(better, worse)
        out.append(row)
    return out


def _csv(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    return csv_text(list(columns), [[r[c] for c in columns] for r in rows])


CAVEAT = ("**Caveat: about a dozen cases is a weak test.** With {n} cases a forecaster that is right "
          "by luck in two or three of them changes the ranking; the sign test and the bootstrap "
          "interval over cases say how little the differences decide. The cases are not a sample of "
          "anything: they were chosen because they are well documented and resemble the Paris design, "
          "and each is mapped by judgement onto a scenario built for Russia and Ukraine in 2026 (the "
          "model does not simulate the historical calendar, the parties' strength or their politics; "
          "`mapping_note` in the cases file says what each mapping leaves out). The outcome of a case "
          "that failed is evaluated at the very time of the failure (y = 1 by construction), so the "
          "forecast there is P(renewed war no later than it came). Read the table as a check that "
          "the model is not wildly off history, not as a calibration of it.")


def _f(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def tables_md(result: Result, rows: Sequence[Mapping[str, Any]], scores: Sequence[Mapping[str, Any]],
              meta: Mapping[str, Any]) -> str:
    """The markdown that docs/VALIDATION.md includes verbatim."""
    by = {s["forecaster"]: s for s in scores}
    lines = [
        *([f"Command: `{meta['command']}`, git {meta.get('git_commit') or 'unknown'}, {meta.get('date', '')}.", ""]
          if meta.get("command") else []),
        f"Runs: {result.replicates} seeded replicates per case and model forecaster "
        f"({result.runs} runs{f', {result.draws} parameter draws' if result.draws else ''}), "
        f"{len(result.cases)} cases, evaluation time t = min(observed duration, {CAP_YEARS} years), "
        f"master seed {meta.get('master_seed', MASTER_SEED)}, {meta.get('seconds', result.seconds):.0f} s of runs "
        f"on {meta.get('workers', '-')}.",
        "",
        "Forecasts p = P(renewed war by t): **model** = the case's scenario and settings; **guarantees "
        "off** = the same with every guarantee switched off (as in budapest_memorandum); **base rate** = "
        f"a constant hazard with P(war within 5 years) = {BASE_RATE_P5:.2f}. y = 1 if the renewed war "
        "came by t. Model probabilities are smoothed, (k + 0.5) / (R + 1).",
        "",
        "| case | ceasefire | renewed war | t (years) | y | p model | p guarantees off | p base rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} (`{r['case_id']}`) | {r['ceasefire_date']} | {r['renewed_war_date'] or 'holding'} "
                     f"| {r['t_years']:.1f} | {r['y']} | {r['p_model']:.3f} | {r['p_guarantees_off']:.3f} "
                     f"| {r['p_base_rate']:.3f} |")
    lines += [
        "",
        "| forecaster | mean Brier | mean log score | Brier skill vs guarantees off | Brier skill vs base rate "
        "| log skill vs guarantees off | log skill vs base rate |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in FORECASTERS:
        s = by[f]
        lines.append(f"| {f.replace('_', ' ')} | {_f(s['mean_brier'])} | {_f(s['mean_log'])} "
                     f"| {_f(s['brier_skill_vs_guarantees_off'])} | {_f(s['brier_skill_vs_base_rate'])} "
                     f"| {_f(s['log_skill_vs_guarantees_off'])} | {_f(s['log_skill_vs_base_rate'])} |")
    lines += [
        "",
        "Paired over cases (model minus reference; negative = the model scores better):",
        "",
        "| reference | model better / worse / tied (Brier) | sign test p | mean Brier difference [95% bootstrap] "
        "| model better / worse (log) | mean log difference [95% bootstrap] |",
        "|---|---|---|---|---|---|",
    ]
    for ref in REFERENCES:
        s = by[ref]
        lines.append(f"| {ref.replace('_', ' ')} | {s['model_better_brier']} / {s['model_worse_brier']} / "
                     f"{s['model_tied_brier']} | {_f(s['sign_test_p_brier'], 2)} | {_f(s['model_minus_brier_mean'])} "
                     f"[{_f(s['model_minus_brier_low'])}, {_f(s['model_minus_brier_high'])}] "
                     f"| {s['model_better_log']} / {s['model_worse_log']} | {_f(s['model_minus_log_mean'])} "
                     f"[{_f(s['model_minus_log_low'])}, {_f(s['model_minus_log_high'])}] |")
    lines += ["", CAVEAT.format(n=len(rows)), ""]
    return "\n".join(lines)


def console(result: Result, scores: Sequence[Mapping[str, Any]]) -> str:
    by = {s["forecaster"]: s for s in scores}
    out = [f"history: {len(result.cases)} cases x {result.replicates} replicates "
           f"({result.runs} runs in {result.seconds:.0f} s); lower scores are better"]
    for f in FORECASTERS:
        s = by[f]
        out.append(f"  {f:<15} mean Brier {s['mean_brier']:.3f}  mean log {s['mean_log']:.3f}")
    m = by["model"]
    out.append(f"  model skill (Brier): {m['brier_skill_vs_guarantees_off']:+.2f} vs guarantees off, "
               f"{m['brier_skill_vs_base_rate']:+.2f} vs the base rate")
    for ref in REFERENCES:
        s = by[ref]
        out.append(f"  model vs {ref.replace('_', ' ')}: better in {s['model_better_brier']}, worse in "
                   f"{s['model_worse_brier']} of {s['cases']} cases (sign test p = {s['sign_test_p_brier']:.2f})")
    out.append("  caveat: about a dozen cases is a weak test (history_tables.md says why)")
    return "\n".join(out)


def write(out: Path, result: Result, meta: dict[str, Any]) -> dict[str, Any]:
    """Write the three files into ``out``; return the scores by forecaster."""
    rows = scored_rows(result)
    scores = score_rows(rows)
    atomic_write(out / "history_cases_scored.csv", _csv(SCORED_COLUMNS, rows))
    atomic_write(out / "history_scores.csv", _csv(SCORES_COLUMNS, scores))
    atomic_write(out / "history_tables.md", tables_md(result, rows, scores, meta))
    return {s["forecaster"]: s for s in scores}


OUTPUT_FILES = ("history_cases_scored.csv", "history_scores.csv", "history_tables.md")


# --- the command ------------------------------------------------------------------------------

def validate_history(args: argparse.Namespace) -> int:
    """``python -m sim validate-history``: exit 0 with the tables written, 2 on bad input."""
    out = Path(args.out) if args.out is not None else Path("results") / "history"
    workers = args.workers or default_workers()
    replicates = args.replicates or (QUICK_REPLICATES if args.quick else REPLICATES)
    command = ("python -m sim validate-history" + (" --quick" if args.quick else "")
               + (f" --replicates {args.replicates}" if args.replicates else "")
               + (f" --out {args.out}" if args.out is not None else "")
               + (f" --posterior {args.posterior} --posterior-draws {args.posterior_draws}"
                  if getattr(args, "posterior", None) is not None else ""))
    use = None
    if getattr(args, "posterior", None) is not None:  # parameter uncertainty: replicate k uses draw k % N

        use = use_posterior(args.posterior, args.posterior_draws, MASTER_SEED)
    draws = [dict(v) for v in use.values] if use is not None else None
    with using_study(None):  # shipped scenarios and cases only, as validate-model
        path = cases_path()
        cases = load_cases(path)
        check_inputs(cases, draws)
        print(f"validate-history: {len(cases)} cases x {replicates} replicates x 2 model forecasters on "
              f"{workers} worker(s) -> {out}/", file=sys.stderr)
        try:
            with staged(out, overwrite=getattr(args, "overwrite", False)) as work:
                result = run(cases, replicates, workers, draws=draws)
                meta = {"master_seed": MASTER_SEED, "seconds": result.seconds,
                        "workers": f"{workers} worker{'s' if workers > 1 else ''}", "command": command,
                        "git_commit": (package_info().get("git_commit") or "")[:7],
                        "date": time.strftime("%Y-%m-%d", time.localtime())}
                scores = write(work, result, meta)

                scenarios = {}
                for name in sorted({c.scenario for c in cases}):
                    scenario, chain = load_scenario_files(name)
                    scenarios[name] = scenario_inputs(chain, scenario)
                write_manifest(work / "manifest.json", {
                    "command": "validate-history", "mode": "quick" if args.quick else "full",
                    "invocation": command, "files": list(OUTPUT_FILES),
                    "cases": len(cases), "replicates": replicates, "runs": result.runs,
                    "cap_weeks": CAP_WEEKS, "base_rate_p5": BASE_RATE_P5, "master_seed": MASTER_SEED,
                    "seeds": "replicate k of every case and forecaster uses sim.runner.replicate_seed(master_seed, k) "
                             "(common random numbers)",
                    "guarantees_off": GUARANTEES_OFF, "package": package_info(),
                    "git_commit": package_info().get("git_commit"), "seconds": round(result.seconds, 1),
                    "workers": workers,
                    "inputs": {"cases_file": file_record(path), "scenarios": scenarios},
                    **({"posterior": use.record()} if use is not None else {}),
                    "date": time.strftime("%Y-%m-%d %H:%M", time.localtime())})
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except BrokenProcessPool as exc:
            print(f"error: a worker process died ({exc})", file=sys.stderr)
            return EXIT_FAILED
    print(console(result, list(scores.values())))
    print(f"wrote {', '.join(OUTPUT_FILES)} and manifest.json to {out}/")
    return EXIT_OK
