"""Command line: ``python -m sim COMMAND``: the parser, and each command handed to the module that
does it (``sim.commands``, ``sim.experiments.commands``, ``sim.validation``...).

Exit codes (``sim.errors``): 0 success; 1 validate-model: a pattern fails (or a run failed: a model
bug, with the run to replay); 2 bad input or a refused output folder (a message naming the file,
key or flag and what is allowed, never a traceback); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Callable, Iterator, Sequence

from sim.config import Notice, using_study
from sim.config.limits import MAX_GB, MAX_POSTERIOR_DRAWS, MAX_RUNS, MAX_WORKERS_PER_CORE, SEED_MAX
from sim.errors import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_CODES, EXIT_INTERRUPTED, BadInput, FolderError
from sim.executors import default_workers
from sim.outfolder import check_path

OVERWRITE_HELP = ("replace a result this tool wrote earlier in DIR (only once the new one is complete); "
                  "files the tool did not write are never touched")


def _whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from ``minimum`` (to ``maximum``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{value} must be at most {maximum} (2**63 - 1)" if maximum == SEED_MAX
                                             else f"{value} must be at most {maximum:,}")
        return value

    return parse


_positive_int = _whole_number(1)
_non_negative_int = _whole_number(0)
_seed = _whole_number(0, SEED_MAX)
_draws = _whole_number(1, MAX_POSTERIOR_DRAWS)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number")
    return value


def _out_dir(text: str) -> Path:
    """An argparse type: a folder path, not empty (an empty --out would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path is not an output folder; name one, e.g. results/mine")
    if "\x00" in text:
        raise argparse.ArgumentTypeError("a path cannot contain a NUL character")
    try:
        check_path(Path(text), "the folder")
    except FolderError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return Path(text)


def _file(text: str) -> Path:
    """An argparse type: a path to read (checked when read: a regular file)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path is not a file; name one")
    if "\x00" in text:
        raise argparse.ArgumentTypeError("a path cannot contain a NUL character")
    return Path(text)


def _workers(text: str) -> int:
    value = _positive_int(text)
    cap = MAX_WORKERS_PER_CORE * default_workers()
    if value > cap:
        raise argparse.ArgumentTypeError(
            f"{value} is more than {cap} ({MAX_WORKERS_PER_CORE} x the {default_workers()} cores this machine has)")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value == value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _share(text: str) -> float:
    value = _number(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value:g} is not a share from 0 to 1")
    return value


STUDY_HELP = ("the study folder to look names up in before the shipped library (default: $SIM_STUDY, else "
              "the current folder if it holds sim-study.yaml; see `python -m sim init`)")


def _study_option() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--study", default=None, metavar="DIR", help=STUDY_HELP)
    return common


def build_parser() -> argparse.ArgumentParser:
    study = _study_option()
    parser = argparse.ArgumentParser(
        prog="python -m sim",
        description="Simulator of post-ceasefire deterrence under the Paris security guarantees for "
                    "Ukraine (6 January 2026).", epilog=EXIT_CODES,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run", parents=[study], help="run one scenario once and write tidy CSVs",
        description="Run one seeded replicate of a scenario and write runs.csv, steps.csv, "
                    "events.csv and manifest.json, then print a short summary.")
    run.add_argument("scenario", metavar="SCENARIO",
                     help="a scenario's name (the study's or a shipped one: `python -m sim scenarios`) "
                          "or a YAML path")
    run.add_argument("--seed", type=_seed, default=0,
                     help="integer seed driving every random stream, 0 to 2**63-1 (default 0)")
    run.add_argument("--weeks", type=_positive_int, default=None,
                     help="weeks to simulate (default: the scenario's horizon_weeks, 260 = 5 years)")
    run.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                     help="output folder (default results/<scenario>/)")
    run.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    run.add_argument("--posterior", type=_file, default=None, metavar="FILE",
                     help="draw the fitted constants from a posterior: `plausible` (the calibration's plausible "
                          "set, shipped) or a file in its format; the seed picks the draw")
    run.set_defaults(handler=_delegate("sim.commands", "run"))

    val = sub.add_parser(
        "validate", parents=[study], help="check scenario and experiment files",
        description="Check scenario and experiment YAML files against the schema, and data files (CSV: "
                    "members, elections, force contributions, history cases) cell by cell. "
                    "Exit 0 when every file is valid, 2 otherwise.")
    val.add_argument("files", nargs="+", metavar="FILE", type=Path)
    val.set_defaults(handler=_delegate("sim.commands", "validate"))

    lst = sub.add_parser("scenarios", parents=[study], help="list the scenarios: the study's and the shipped ones",
                         description="List every scenario name: its origin (study or shipped) and its one-line "
                                     "description. A study's scenario with a shipped one's name shadows it.")
    lst.set_defaults(handler=_delegate("sim.commands", "listing"), kind="scenarios")

    exps = sub.add_parser("experiments", parents=[study], help="list the experiments: the study's and the shipped "
                                                               "examples",
                          description="List every experiment name `sweep` accepts: its origin (study or shipped) "
                                      "and its description.")
    exps.set_defaults(handler=_delegate("sim.commands", "listing"), kind="experiments")

    init = sub.add_parser(
        "init", help="create a study folder of one's own: an example scenario and experiment",
        description="Create DIR with scenarios/my_design.yaml (extends: paris_declaration), "
                    "experiments/compare.yaml and a README of what to edit. Names resolve there before the "
                    "shipped library when commands run in DIR (or with --study DIR, or SIM_STUDY=DIR).")
    init.add_argument("directory", metavar="DIR", type=_out_dir, help="a new (or empty) folder")
    init.set_defaults(handler=_delegate("sim.commands", "init"))

    sweep = sub.add_parser(
        "sweep", parents=[study], help="run an experiment: many seeded runs over levers and uncertainties",
        description="Run the design points and replicates an experiment file describes, locally "
                    "(process pool) or on a Dask cluster, streaming results to disk; then write "
                    "summary.csv, differences.csv, manifest.json and plots.")
    sweep.add_argument("experiment", metavar="EXPERIMENT", type=Path,
                       help="an experiment YAML file, or an experiment's name (the study's or a shipped example, "
                            "e.g. quick: `python -m sim experiments`)")
    sweep.add_argument("--workers", type=_workers, default=None,
                       help=f"local worker processes (default: all cores; at most {MAX_WORKERS_PER_CORE} x the cores)")
    sweep.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="address of a running Dask distributed scheduler (needs the [cluster] extra)")
    sweep.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                       help="output folder (default results/<experiment>/); runs stream into DIR.partial/ "
                            "and move to DIR when the sweep is complete")
    sweep.add_argument("--resume", action="store_true",
                       help="finish an interrupted sweep (DIR.partial/): run only what is missing")
    sweep.add_argument("--overwrite", action="store_true",
                       help=OVERWRITE_HELP + "; also discards an unfinished DIR.partial/")
    sweep.add_argument("--posterior", type=_file, default=None, metavar="FILE",
                       help="draw the constants from a posterior, `plausible` (the shipped plausible set) or a "
                            "file: replicate k uses draw k %% N in every design point; summary.csv and "
                            "differences.csv then give "
                            "the interval from parameter uncertainty beside the one from chance")
    sweep.add_argument("--posterior-draws", type=_draws, default=20, metavar="N",
                       help=f"parameter sets drawn from the posterior (default 20, at most {MAX_POSTERIOR_DRAWS:,})")
    sweep.add_argument("--max-runs", type=_positive_int, default=MAX_RUNS, metavar="N",
                       help=f"refuse a sweep of more runs than this (default {MAX_RUNS:,})")
    sweep.add_argument("--max-gb", type=_positive_float, default=MAX_GB, metavar="GB",
                       help=f"refuse a sweep estimated to write more than this to disk (default {MAX_GB:g})")
    sweep.add_argument("--format", choices=("csv", "parquet", "both"), default=None,
                       help="runs, steps and events as CSV, Parquet (runs.csv kept; the [parquet] extra) or both "
                            "(default: the experiment's outputs.format, else csv)")
    sweep.set_defaults(handler=_delegate("sim.experiments.commands", "sweep"))

    analyze = sub.add_parser(
        "analyze", help="rebuild the summary tables and plots from a sweep's CSVs",
        description="Rebuild summary.csv, differences.csv and the plots from runs.csv alone.")
    analyze.add_argument("directory", metavar="DIR", type=_out_dir)
    analyze.add_argument("--overwrite", action="store_true",
                         help="accepted for symmetry with the other commands: analyze always replaces the tables "
                              "and plots it wrote (listed in DIR/manifest.json) and never a file it did not write")
    analyze.set_defaults(handler=_delegate("sim.experiments.commands", "analyze"))

    rob = sub.add_parser(
        "robust", parents=[study], help="which design is robust? designs ranked by regret and satisficing over "
                                       "plausible worlds",
        description="Run each design of EXPERIMENT (its levers) in every plausible world (its uncertainties crossed "
                    "with parameter sets drawn from a plausible set, --posterior) and rank the designs by max "
                    "regret and by the share of worlds where P(attack) stays under --threshold. Writes "
                    "robustness.csv, worlds.csv, robustness.png to --out (default results/NAME_robust/).")
    rob.add_argument("experiment", metavar="EXPERIMENT", type=Path, help="an experiment file (its levers are the designs)")
    rob.add_argument("--posterior", type=Path, default=None, metavar="FILE",
                     help="plausible parameter sets (a posterior file of `calibrate`; default `plausible`, "
                          "the calibration's shipped plausible set)")
    rob.add_argument("--draws", type=_positive_int, default=10, metavar="N",
                     help="parameter sets drawn from it (default 10; replications should be a multiple)")
    rob.add_argument("--threshold", type=_share, default=0.2, metavar="P",
                     help="satisficing: P(attack) at most P in a world (default 0.2)")
    rob.add_argument("--outcome", default="escalated", help="the attack counted (default escalated; or armed_attack)")
    rob.add_argument("--workers", type=_workers, default=None, help="worker processes (default 1)")
    rob.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder")
    rob.set_defaults(handler=_delegate("sim.experiments.robust", "main"))

    disc = sub.add_parser(
        "discover", help="scenario discovery: under which conditions does a design fail? (PRIM)",
        description="Scenario discovery on a sweep folder with EMA Workbench (needs the [discovery] extra): "
                    "PRIM finds the box of parameter limits where the cases of interest (e.g. runs that "
                    "escalated) concentrate, with its coverage, density and peeling trade-off plot; extra-trees "
                    "feature scoring ranks the parameters. Writes DIR/discovery_OUTCOME/.")
    disc.add_argument("directory", metavar="DIR", type=Path, help="a sweep's output folder")
    disc.add_argument("--outcome", default="escalated",
                      help="a runs.csv column (one case a run) or a summary statistic such as p_escalation "
                           "(one case a design point); default escalated")
    disc.add_argument("--threshold", type=_number, default=None, metavar="T",
                      help="for a numeric outcome: the cases are those above T (below with --below)")
    disc.add_argument("--below", action="store_true", help="cases below the threshold (for a true/false "
                                                            "outcome: where it is false)")
    disc.add_argument("--equals", default=None, metavar="VALUE", help="for a text outcome: cases equal to VALUE")
    disc.add_argument("--min-coverage", type=_share, default=0.5, metavar="C",
                      help="report the densest box that keeps at least this coverage (default 0.5)")
    disc.add_argument("--box", type=_seed, default=None, metavar="N",
                      help="report box N of the peeling trajectory instead (see prim_trajectory.csv)")
    disc.add_argument("--mass-min", type=_share, default=0.05, metavar="M",
                      help="PRIM stops peeling at this share of the data (default 0.05)")
    disc.add_argument("--alpha", type=_share, default=0.05, metavar="A",
                      help="prune the box to restrictions whose quasi-p is at most A (default 0.05)")
    disc.add_argument("--no-prune", action="store_true", help="report the box as peeling left it")
    disc.add_argument("--resamples", type=int, default=10, metavar="R",
                      help="PRIM re-runs on half samples to measure each restriction's stability (default 10; 0: off)")
    disc.add_argument("--out", type=_out_dir, default=None, metavar="OUT",
                      help="output folder (default DIR/discovery_OUTCOME/, recorded in DIR's manifest)")
    disc.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    disc.set_defaults(handler=_delegate("sim.discovery", "main"))

    dash = sub.add_parser(
        "dashboard", help="serve the interactive dashboard (Solara) on this machine",
        description="Serve the student dashboard; open the printed address in a browser. "
                    "Works offline: every asset is served locally.")
    dash.add_argument("--port", type=_positive_int, default=8765, help="port (default 8765)")
    dash.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    dash.set_defaults(handler=_delegate("sim.dashboard.serve", "main"))

    cal = sub.add_parser(
        "calibrate", help="history matching of the fitted constants against the calibration targets",
        description="History matching with Gaussian-process emulators (Vernon, Goldstein & Bower 2010) of the "
                    "schema's fitted constants against the calibration targets only (docs/CALIBRATION.md): waves "
                    "that rule out the constants the record cannot have produced; writes the plausible set "
                    "(plausible.csv, the posterior file format), every simulated point (waves.csv), the targets' "
                    "coverage, emulator diagnostics and a figure. Needs the 'calibration' extra (scikit-learn). "
                    "Runs the shipped scenarios only.")
    cal.add_argument("--quick", action="store_true",
                     help="two small waves in well under a minute (the test suite's check)")
    cal.add_argument("--first-points", type=_positive_int, default=None, metavar="N",
                     help="points of wave 1, a Latin hypercube over the prior box (default 240; --quick 12)")
    cal.add_argument("--points", type=_positive_int, default=None, metavar="N",
                     help="points of each later wave (default 160; --quick 8)")
    cal.add_argument("--waves", type=_positive_int, default=None, metavar="W",
                     help="most waves (default 5; --quick 2); fewer when the space stops shrinking")
    cal.add_argument("--replicates", type=_positive_int, default=None, metavar="R",
                     help="replicates of each calibration scenario a point (default 150; --quick 8)")
    cal.add_argument("--seed", type=_seed, default=None, help="master seed (default 20260106)")
    cal.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                     help="where to write the plausible set (default results/calibration/)")
    cal.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    cal.add_argument("--workers", type=_workers, default=None,
                     help=f"worker processes (default: all cores; at most {MAX_WORKERS_PER_CORE} x the cores)")
    cal.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="simulate the points on a Dask cluster (tcp://host:port) instead of a local pool")
    cal.set_defaults(handler=_delegate("sim.calibration.commands", "calibrate_command"))

    vm = sub.add_parser(
        "validate-model", help="check the model against published patterns",
        description="Run the pattern-oriented validation (docs/VALIDATION.md) and print, per "
                    "pattern, the target, the measured value with its interval, and pass/fail. It runs the "
                    "shipped scenarios only: a study folder's are not used.")
    vm.add_argument("--quick", action="store_true", help="fewer runs (the test suite's check)")
    vm.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                    help="where to write tables and figures (default results/validation/)")
    vm.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    vm.add_argument("--workers", type=_workers, default=None,
                    help=f"worker processes (default: all cores; at most {MAX_WORKERS_PER_CORE} x the cores)")
    vm.set_defaults(handler=_delegate("sim.validation.commands", "validate_model"))

    vh = sub.add_parser(
        "validate-history", help="score the model's forecasts of real ceasefires (history out of sample)",
        description="Run every scored case of the pre-registered scenarios/history_cases_v3.csv (54 interstate "
                    "ceasefires 1946-2023, each mapped by one rule onto a scenario; 22 out of sample, 24 in "
                    "sample, scored apart) and score P(armed attack by t) and P(renewed war by t) of the model, "
                    "of the model with the guarantees off, of the in-sample base rate and of the in-sample base "
                    "rate of the case's type against what happened (Brier and log scores; a paired Wilcoxon test "
                    "with Holm's correction and its power; docs/VALIDATION.md). Writes history.csv, "
                    "history_scores.csv, history_tests.csv, history_tables.md and history_reliability.png. Shipped "
                    "files only: a study folder's are not used.")
    vh.add_argument("--quick", action="store_true", help="20 replicates a case: a smoke test of the whole chain")
    vh.add_argument("--replicates", type=_positive_int, default=None, metavar="N",
                    help="seeded replicates per case and forecaster (default 400; 20 with --quick)")
    vh.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                    help="where to write the tables (default results/history/)")
    vh.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    vh.add_argument("--posterior", type=_file, default=None, metavar="FILE",
                    help="draw the constants from the calibration's plausible set (replicate k uses draw k %% N)")
    vh.add_argument("--posterior-draws", type=_draws, default=20, metavar="N",
                    help=f"parameter sets drawn from the posterior (default 20, at most {MAX_POSTERIOR_DRAWS:,})")
    vh.add_argument("--workers", type=_workers, default=None,
                    help=f"worker processes (default: all cores; at most {MAX_WORKERS_PER_CORE} x the cores)")
    vh.set_defaults(handler=_delegate("sim.validation.history_command", "validate_history"))

    sens = sub.add_parser(
        "sensitivity", help="which assumptions decide the answers: global sensitivity of the paired comparisons",
        description="Morris screening of every numeric constant and uncertainty of the schema on the paired "
                    "differences in P(escalation) (ratified vs political, forward vs rear, with vs without the "
                    "US), a confirmation of the top ones at the ends of their ranges, and the table of the "
                    "assumptions that flip a conclusion (docs/howto/which-assumptions-decide.md). It runs the "
                    "shipped scenarios only.")
    sens.add_argument("--quick", action="store_true",
                      help="a smoke run in under a minute (2 trajectories x 1 seed, 20 seeds to confirm)")
    sens.add_argument("--samples", type=_positive_int, default=None, metavar="N",
                      help="Morris trajectories (default 10; --quick 2)")
    sens.add_argument("--replicates", type=_positive_int, default=None, metavar="R",
                      help="paired seeds per screening point (default 12; --quick 1)")
    sens.add_argument("--top", type=_positive_int, default=None, metavar="K",
                      help="constants confirmed per comparison (default 5; --quick 2)")
    sens.add_argument("--confirm-replicates", type=_positive_int, default=None, metavar="N",
                      help="paired seeds per end in the confirmation (default 400; --quick 20)")
    sens.add_argument("--seed", type=_seed, default=None,
                      help="master seed (default 20260106, the question sweeps')")
    sens.add_argument("--out", type=_out_dir, default=None, metavar="DIR",
                      help="where to write tables and the figure (default results/sensitivity/)")
    sens.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    sens.add_argument("--posterior", type=_file, default=None, metavar="FILE",
                      help="draw the constants the study does not vary from a calibration posterior "
                           "(replicate k uses draw k %% N)")
    sens.add_argument("--posterior-draws", type=_draws, default=20, metavar="N",
                      help=f"parameter sets drawn from the posterior (default 20, at most {MAX_POSTERIOR_DRAWS:,})")
    sens.add_argument("--plausible", action="store_true",
                      help="sensitivity on the plausible set instead: every world a calibrated parameter set of "
                           "--posterior crossed with a Latin hypercube of the uncertainties; which assumptions still "
                           "move each answer (default out results/sensitivity_plausible/)")
    sens.add_argument("--worlds", type=_positive_int, default=None, metavar="N",
                      help="--plausible: worlds (default 100; --quick 12), each with --replicates paired seeds "
                           "(default 40; --quick 4)")
    sens.add_argument("--max-runs", type=_positive_int, default=MAX_RUNS, metavar="N",
                      help=f"refuse a study of more runs than this (default {MAX_RUNS:,})")
    sens.add_argument("--workers", type=_workers, default=None,
                      help=f"worker processes (default: all cores; at most {MAX_WORKERS_PER_CORE} x the cores)")
    sens.set_defaults(handler=_delegate("sim.validation.sensitivity.command", "sensitivity_command"))
    _strategist_commands(sub, study)
    return parser


def _strategist_commands(sub: argparse._SubParsersAction, study: argparse.ArgumentParser) -> None:
    """`levers` (the parameter catalogue) and `questions` (docs/QUESTIONS.md from its sweeps)."""
    lev = sub.add_parser(
        "levers", aliases=["parameters"], help="list every lever, uncertainty and constant: range, unit, clause, source",
        description="List the typed schema's parameters (sim/config/schema.py) a scenario or an experiment can set, "
                    "by dotted path: its kind (lever: a design choice; uncertainty: the world; constant; fitted: "
                    "a constant the calibration fits), its clause, what it allows, its default, meaning and source. "
                    "Filters combine: every word must appear.")
    lev.add_argument("words", nargs="*", metavar="WORD", help="words to look for in the path, meaning, unit or source")
    lev.add_argument("--kind", action="append", choices=["lever", "uncertainty", "constant", "fitted"], default=[],
                     help="only this kind (repeatable; constant includes fitted)")
    lev.add_argument("--clause", action="append", default=[], metavar="CLAUSE",
                     help="only parameters of this clause of the declaration: G0-G5, C1, P1, or A for assumptions "
                          "(repeatable)")
    lev.add_argument("--csv", action="store_true", help="CSV on stdout (path, kind, allowed, unit, default, clause, "
                                                        "source, description)")
    lev.set_defaults(handler=_delegate("sim.commands", "levers"))

    qs = sub.add_parser(
        "questions", help="answer the strategists' questions: run their sweeps and write docs/QUESTIONS.md",
        description="Run the sweeps of experiments/questions/ (ratification, us_withdrawal, force, "
                    "early_warning, limited_attack, article5) into RESULTS/q_NAME/ (a finished one is reused), decompose each "
                    "question's main contrast by mechanism into RESULTS/q_NAME_channels/, and write the page that "
                    "answers them at the three outcome levels. Constants come from the shipped plausible set (--posterior plausible) when the package "
                    "has one, else from the schema's defaults; the page says which.")
    qs.add_argument("--results", type=_out_dir, default=Path("results"), metavar="DIR",
                    help="where the sweeps' folders are (default results/)")
    qs.add_argument("--out", type=Path, default=Path("docs/QUESTIONS.md"), metavar="FILE",
                    help="the page to write (default docs/QUESTIONS.md; - for stdout)")
    qs.add_argument("--posterior", default=None, metavar="NAME|FILE",
                    help="draw the constants from this posterior: a shipped name (plausible) or a posterior.csv; "
                         "default plausible when shipped, else the schema's defaults")
    qs.add_argument("--posterior-draws", type=_positive_int, default=20, metavar="N",
                    help="parameter sets drawn from the posterior (default 20)")
    qs.add_argument("--overwrite", action="store_true", help="run every sweep and decomposition again, replacing finished ones")
    qs.add_argument("--report-only", action="store_true", help="write the page from the sweeps and decompositions "
                                                                "already in DIR; run nothing (the page says what is "
                                                                "missing)")
    qs.add_argument("--replications", type=_positive_int, default=None, metavar="N",
                    help="replicates a design point in every sweep (default: each experiment file's; a small "
                         "number is a quick smoke run, never reused by a full one)")
    qs.add_argument("--decomposition-replications", type=_non_negative_int, default=None, metavar="N",
                    help="paired replicates of each question's decomposition by mechanism (default 200: "
                         "2 x 7 x 200 = 2,800 runs a question, 16,800 in all; 0 skips it and the page says so)")
    qs.add_argument("--workers", type=_workers, default=None,
                    help=f"worker processes (default: all cores; at most {MAX_WORKERS_PER_CORE} x the cores)")
    qs.set_defaults(handler=_delegate("sim.experiments.questions", "questions_command"))


def _delegate(module: str, func: str) -> Callable[[argparse.Namespace], int]:
    """The handler ``module.func``, imported when its command runs: the parser (and ``--help``) stays fast."""
    def handler(args: argparse.Namespace) -> int:
        return getattr(import_module(module), func)(args)

    return handler


# --- entry point ------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[2:] if argv is None else argv[1:])  # the command's own words, for manifests
    try:
        with _notices(), _study(args):
            return args.handler(args)
    except BadInput as exc:  # a configuration file, an option, a path, a folder: never a traceback
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader stopped reading (`| head`): no traceback, the shell's SIGPIPE code
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


@contextmanager
def _notices() -> Iterator[None]:
    """Notices (a study's scenario shadowing a shipped one, a file taken from the library) as 'note: ...'."""
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001 - warnings' API
            if issubclass(category, Notice):
                print(f"note: {message}", file=sys.stderr)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.simplefilter("always", Notice)  # sim.config.scenarios.notice issues each one once
        warnings.showwarning = show
        yield


@contextmanager
def _study(args: argparse.Namespace) -> Iterator[None]:
    """--study DIR for this command (and the runs it hands to workers); validate-model and sensitivity never use one."""
    if getattr(args, "command", "") in ("validate-model", "validate-history", "calibrate", "sensitivity"):
        with using_study(None):
            yield
    elif getattr(args, "study", None) is not None:
        with using_study(args.study, "--study") as folder:
            assert folder is not None
            yield
    else:
        yield


if __name__ == "__main__":
    sys.exit(main())
