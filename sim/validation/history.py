"""History, pre-registered and out of sample: does the model forecast real ceasefires better than references?

``python -m sim validate-history [--quick] [--replicates N] [--posterior FILE] [--out DIR] [--overwrite] [--workers N]``
(the command: ``sim.validation.history_command``)

The cases are the pre-registered file ``scenarios/history_cases_v3.csv`` (54 interstate ceasefires 1946-2023;
its header states the inclusion rule, the split, the outcomes, the censoring rule, the mapping rule and this
analysis plan before its list, and it was committed before any forecast was computed). Every case that is not
excluded is scored at ``t`` = 260 weeks (five years), or on the weeks observed when its window is censored,
at the model's two levels: ``armed_attack`` (renewed fighting) and ``renewed_war``. Three forecasters give
P(event by t):

* ``model``: the case's scenario and settings, R seeded replicates of horizon t;
  ``p = (k + 0.5) / (R + 1)`` for k runs with the event (smoothed, so a log score is finite);
* ``guarantees_off``: the same replicates with the settings the mapping rule gives a case with no guarantee
  feature (``GUARANTEES_OFF``: no monitors, no force, no commission, nothing guaranteed), on the same scenario;
* ``base_rate``: a constant hazard with P(event within 260 weeks) = the in-sample share (10/24 renewed
  fighting, 3/24 renewed war): the record the calibration was fitted to.
* ``case_type``: the case-type base rate, NOT in the pre-registered plan (added after it, defined before this
  session's first forecast): a constant hazard with the in-sample share of the case's type, (k + 0.5) / (n + 1).
  The type reads the same guarantee features as the mapping rule: ``stronger`` (peacekeepers, a joint commission,
  an outside guarantee or a binding guarantor, yes or partial), ``observers`` (monitors only), ``none``. The
  demilitarised zone is left out as in the mapping rule (the model does not represent it). If the model beats
  the base rate but not this, its guarantee mechanisms add nothing a lookup of the record by type would not give.

Scores (``sim.validation.history_scores``): Brier and log per case and averaged, out of sample (the test) and
in sample (apart, never pooled); for each level and reference the per-case Brier differences judged by a
Wilcoxon signed-rank test with Holm's correction over the four, the bootstrap interval of the mean difference
and the smallest difference the cases could detect. Tables: ``sim.validation.history_report``.

Replicate k of every case and forecaster runs with seed ``replicate_seed(MASTER_SEED, k)`` (common random
numbers); cases with the same scenario, settings and t share their runs (the same forecast). ``draws`` (the
calibration's plausible parameter sets) give replicate k the constants ``draws[k % len(draws)]``. Runs go
through the sweep layer's pure task function on the same executors, in submission order, so the files are
byte-identical for any number of workers.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.config import SCENARIOS_DIR, ConfigError
from sim.config.cases import (CASES_V3_FILE, FEATURES, HISTORY_CASES_V3, NO_GUARANTEES, mapped_settings,
                              parse_settings)
from sim.config.datafiles import read_table
from sim.config.overrides import base_scenario, override_problems
from sim.executors import executor, in_order
from sim.experiments.design import run_id
from sim.experiments.execution import RUN_VALUE_COLUMNS, Task, run_tasks
from sim.validation.history_scores import constant_hazard, smoothed

# --- what is compared ---------------------------------------------------------------------

WINDOW_WEEKS = 260  # the model's five years: the window of the cases' outcomes
MASTER_SEED = 20260106  # as experiments/validation.yaml: replicate k has replicate_seed(MASTER_SEED, k)
REPLICATES = 400  # the full run: p to within about +-0.025 (one standard error at p = 0.5)
QUICK_REPLICATES = 20  # --quick: a smoke test of the whole chain, not a result
CASES_FILE = CASES_V3_FILE

LEVELS = ("armed_attack", "renewed_war")
LEVEL_WORDS = {"armed_attack": "armed attack (renewed fighting)", "renewed_war": "renewed war"}
FORECASTERS = ("model", "guarantees_off", "base_rate", "case_type")
MODEL_FORECASTERS = ("model", "guarantees_off")
REFERENCES = ("guarantees_off", "base_rate", "case_type")  # what the model is compared with
PREREGISTERED_REFERENCES = ("guarantees_off", "base_rate")  # the pre-registered test's family (Holm over 4)

# The case-type base rate's types (not pre-registered; see the module's docstring).
CASE_TYPES = ("none", "observers", "stronger")
STRONGER_FEATURES = ("peacekeepers", "joint_commission", "third_party_guarantee", "outside_binding_guarantor")
SAMPLES = ("out_of_sample", "in_sample")  # scored apart, never pooled; excluded cases are not scored

# The guarantees switched off: the settings the mapping rule gives a case with none of the six guarantee
# features (no monitors, no force, no commission, no guarantee: ad hoc diplomacy and sanctions), on the case's
# scenario. Ukraine's own defence (P1), modest outside support, Russia and the world are untouched.
GUARANTEES_OFF: dict[str, Any] = mapped_settings(NO_GUARANTEES)


# --- the cases ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    case_id: str
    name: str
    rule: str
    war_end: str
    ceasefire_date: Any
    sample: str
    censored: bool
    observed_until: Any
    fought: bool  # renewed fighting within the window: the model's armed attack
    war: bool  # renewed war within the window
    features: dict[str, str]
    scenario: str
    settings: dict[str, Any]
    settings_text: str
    written_for_case: bool = False

    @property
    def t_weeks(self) -> int:
        """Five years, or the whole weeks observed when the window is censored."""
        if not self.censored:
            return WINDOW_WEEKS
        return max(1, min(WINDOW_WEEKS, (self.observed_until - self.ceasefire_date).days // 7))

    def y(self, level: str) -> int:
        return int(self.fought if level == "armed_attack" else self.war)

    @property
    def group(self) -> str:
        """The rule and period: A1 1946-1989 (the calibration's record), A1 1990-2003, A2/A3 (truces within
        wars), B 2004-2023."""
        if self.rule == "A1":
            return "A1 1946-1989" if self.ceasefire_date.year < 1990 else "A1 1990-2003"
        return "A2/A3" if self.rule in ("A2", "A3") else "B 2004-2023"

    @property
    def scored(self) -> bool:
        return self.sample in SAMPLES

    @property
    def case_type(self) -> str:
        return case_type(self.features)


def case_type(features: Mapping[str, str]) -> str:
    """The case's type for the case-type base rate, from its guarantee features (the DMZ left out)."""
    if any(features[f] in ("yes", "partial") for f in STRONGER_FEATURES):
        return "stronger"
    return "observers" if features["monitors"] in ("yes", "partial") else "none"


GROUPS = ("A1 1990-2003", "A2/A3", "B 2004-2023", "A1 1946-1989")


def cases_path() -> Path:
    return Path(SCENARIOS_DIR) / CASES_FILE


def load_cases(path: str | Path | None = None) -> list[Case]:
    """The cases file, checked (ConfigError naming file, line, column and what is allowed); every case,
    excluded ones too (``Case.scored`` says which count)."""
    table = read_table(path if path is not None else cases_path(), HISTORY_CASES_V3)
    out = []
    for row in table.to_dict("records"):
        settings, _ = parse_settings(row["settings"] or "")  # read_table has checked them
        out.append(Case(row["case_id"], row["name"], row["rule"], row["war_end"], row["ceasefire_date"],
                        row["sample"], bool(row["censored"]), row["observed_until"], bool(row["renewed_fighting_5y"]),
                        bool(row["renewed_war_5y"]), {f: row[f] for f in FEATURES}, row["scenario"], settings,
                        row["settings"] or "", bool(row["scenario_written_for_case"])))
    return out


def base_rates(cases: Sequence[Case]) -> dict[str, float]:
    """The in-sample shares with each event within five years (the base-rate forecaster's P within 260 weeks)."""
    inside = [c for c in cases if c.sample == "in_sample"]
    if not inside:
        raise ConfigError.single(str(cases_path()), "no in-sample case to take the base rate from",
                                 allowed="at least one row with sample in_sample")
    return {level: sum(c.y(level) for c in inside) / len(inside) for level in LEVELS}


def type_rates(cases: Sequence[Case]) -> dict[tuple[str, str], float]:
    """The case-type base rate's P within 260 weeks: the in-sample share of each type, smoothed as the model's
    forecasts, (k + 0.5) / (n + 1), so that a type with no event (or no case) keeps a finite log score."""
    inside = [c for c in cases if c.sample == "in_sample"]
    out = {}
    for kind in CASE_TYPES:
        of = [c for c in inside if c.case_type == kind]
        for level in LEVELS:
            out[(kind, level)] = smoothed(sum(c.y(level) for c in of), len(of))
    return out


def overrides_for(case: Case, forecaster: str) -> dict[str, Any]:
    """The dotted-path settings of one forecaster's runs of a case."""
    return dict(GUARANTEES_OFF) if forecaster == "guarantees_off" else dict(case.settings)


def _dotted(draw: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).replace("__", "."): v for k, v in draw.items()}


def check_inputs(cases: Sequence[Case], draws: Sequence[Mapping[str, Any]] | None) -> None:
    """Every combination a run will use is a valid scenario; ConfigError otherwise (before any run)."""
    if draws is not None:
        if isinstance(draws, (str, bytes, Mapping)) or not isinstance(draws, Sequence) or not draws:
            raise ConfigError.single("draws", "not a non-empty sequence of mappings",
                                     allowed="a list of dicts of dotted-path overrides, one per replicate (cycled)")
        for i, draw in enumerate(draws):
            if not isinstance(draw, Mapping):
                raise ConfigError.single(f"draws[{i}]", "not a mapping", given=draw, has_given=True,
                                         allowed="a dict of dotted-path overrides")
    problems = []
    seen: set[str] = set()
    for case in (c for c in cases if c.scored):
        for forecaster in MODEL_FORECASTERS:
            key = _config_key(case, forecaster)
            if key in seen:
                continue
            seen.add(key)
            base = base_scenario(case.scenario)
            for i, draw in enumerate(draws or [None]):
                source = f"case {case.case_id} ({forecaster})" + (f", draws[{i}]" if draw is not None else "")
                found, _ = override_problems(base, {**(_dotted(draw) if draw else {}), **overrides_for(case, forecaster),
                                                    "horizon_weeks": case.t_weeks}, source)
                problems.extend(found)
                if len(problems) >= 10:
                    raise ConfigError(problems)
    if problems:
        raise ConfigError(problems)


def _config_key(case: Case, forecaster: str) -> str:
    """Runs that are the same runs: scenario, settings and horizon (the replicates' seeds are shared)."""
    return json.dumps([case.scenario, sorted(overrides_for(case, forecaster).items()), case.t_weeks], default=str)


# --- running --------------------------------------------------------------------------------

@dataclass
class Result:
    cases: list[Case]  # every case of the file; only the scored ones were run
    replicates: int
    events: dict[tuple[str, str], tuple[int, int]]  # (forecaster, case_id) -> (armed attacks, renewed wars) by t
    rates: dict[str, float]  # the base rate's P within 260 weeks, by level
    seconds: float
    runs: int
    configurations: int
    draws: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    kind_rates: dict[tuple[str, str], float] = field(default_factory=dict)  # (case type, level) -> P within 260 w

    @property
    def scored(self) -> list[Case]:
        return [c for c in self.cases if c.scored]

    def k(self, forecaster: str, case: Case, level: str) -> int:
        return self.events[(forecaster, case.case_id)][LEVELS.index(level)]

    def p(self, forecaster: str, case: Case, level: str) -> float:
        if forecaster == "base_rate":
            return constant_hazard(case.t_weeks, self.rates[level], WINDOW_WEEKS)
        if forecaster == "case_type":
            rates = self.kind_rates or type_rates(self.cases)
            return constant_hazard(case.t_weeks, rates[(case.case_type, level)], WINDOW_WEEKS)
        return smoothed(self.k(forecaster, case, level), self.replicates)


_ATTACK = RUN_VALUE_COLUMNS.index("armed_attack") - len(RUN_VALUE_COLUMNS)
_WAR = RUN_VALUE_COLUMNS.index("escalated") - len(RUN_VALUE_COLUMNS)


def _events(runs_line: str) -> tuple[bool, bool]:
    """(armed attack, renewed war) by the run's horizon, from its runs.csv line (the values end the line)."""
    cells = next(csv.reader([runs_line]))
    return cells[_ATTACK] == "True", cells[_WAR] == "True"


def run(cases: Sequence[Case], replicates: int, workers: int = 1, *,
        draws: Sequence[Mapping[str, Any]] | None = None, master_seed: int = MASTER_SEED,
        chunk: int = 8, rates: Mapping[str, float] | None = None) -> Result:
    """Run every scored case's distinct configuration R times for the two model forecasters; count the runs with
    an armed attack and with a renewed war by t.

    Replicate k uses seed ``replicate_seed(master_seed, k)`` in every configuration, and, with ``draws``, the
    constants ``draws[k % len(draws)]`` (the case's settings win where both set a key). ``rates`` (the base
    rate's, by level) default to the in-sample shares of ``cases``.
    """
    check_inputs(cases, draws)
    rates = dict(rates) if rates is not None else base_rates(cases)
    points: dict[str, int] = {}
    tasks: list[Task] = []
    for forecaster in MODEL_FORECASTERS:
        for case in (c for c in cases if c.scored):
            key = _config_key(case, forecaster)
            if key in points:
                continue
            point = points[key] = len(points)
            overrides = tuple(sorted(overrides_for(case, forecaster).items()))
            for k in range(replicates):
                draw = tuple(sorted(_dotted(draws[k % len(draws)]).items())) if draws else ()
                tasks.append(Task(run_id(point, k), point, k, case.scenario, overrides, master_seed,
                                  weeks=case.t_weeks, constants=draw,
                                  posterior_draw=(k % len(draws)) if draws else None))
    started = time.perf_counter()
    counts = [[0, 0] for _ in points]
    chunks = iter([tasks[i:i + chunk] for i in range(0, len(tasks), chunk)])
    with executor(workers) as ex:
        for _, outcomes in in_order(ex.executor, run_tasks, lambda: next(chunks, None), window=2 * ex.slots + 2):
            for outcome in outcomes:
                attack, war = _events(outcome.runs_line)
                counts[outcome.design_point][0] += attack
                counts[outcome.design_point][1] += war
    events = {}
    for forecaster in MODEL_FORECASTERS:
        for case in (c for c in cases if c.scored):
            attacks, wars = counts[points[_config_key(case, forecaster)]]
            events[(forecaster, case.case_id)] = (attacks, wars)
    return Result(list(cases), replicates, events, rates, time.perf_counter() - started, len(tasks), len(points),
                  len(draws) if draws else 0, kind_rates=type_rates(cases))
