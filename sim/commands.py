"""The commands of the package's own files: ``run``, ``validate``, ``scenarios`` / ``experiments``,
``levers`` and ``init`` (the others live beside what they run: ``sim.experiments.commands``, ``sim.validation``...).

``sim.cli`` parses the command line and hands each command its arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from sim.config import (
    ConfigError,
    Scenario,
    ShadowNotice,
    catalogue,
    load_scenario,
    load_scenario_files,
    study_folder,
    with_overrides,
)
from sim.config import listing as parameter_listing
from sim.config import scenarios as sc
from sim.config.cases import TABLES
from sim.config.datafiles import MEMBERS, check_codes, read_table, spec_for_file
from sim.config.posterior import as_overrides, load_posterior
from sim.config.scenarios import (
    data_file_path,
    declares_experiment,
    display_path,
    library_folder,
    shocks_after_horizon,
)
from sim.config.yamlio import load_yaml_mapping
from sim.errors import EXIT_BAD_INPUT, EXIT_OK
from sim.experiments.config import load_experiment
from sim.files import atomic_write, csv_text, git_commit, versions, write_manifest
from sim.outfolder import staged
from sim.outputs import EVENT_COLUMNS, RUN_COLUMNS, STEP_COLUMNS
from sim.provenance import inputs, package_info, scenario_inputs
from sim.runner import simulate
from sim.study import init_study

MEMBERS_FILE = Scenario().members.data_file  # the members file's shipped name (members.data_file's default)

# --- run -------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> int:

    scenario, chain = load_scenario_files(args.scenario)
    provenance = inputs({scenario.name: scenario_inputs(chain, scenario)})
    if args.weeks is not None:  # a bad --weeks is bad input, found before anything is written
        with_overrides(scenario, {"horizon_weeks": args.weeks}, source="--weeks")
    for note in shocks_after_horizon(scenario, args.weeks):
        print(f"note: {note}", file=sys.stderr)
    drawn: dict[str, Any] = {}
    if args.posterior is not None:  # one parameter set from the posterior, chosen by the seed
        post = load_posterior(args.posterior)
        drawn = as_overrides(post.draws(1, args.seed)[0])
        scenario = with_overrides(scenario, drawn, source=f"--posterior {args.posterior}")
        provenance["posterior"] = {"file": str(args.posterior), "sha256": post.sha256, "constants": drawn}
    out = args.out if args.out is not None else Path("results") / scenario.name
    # Written beside the folder, then moved in place at once: a kill leaves the old or the new run.
    with staged(out, overwrite=args.overwrite) as work:
        started = time.perf_counter()
        result = simulate(scenario, args.seed, weeks=args.weeks)
        elapsed = time.perf_counter() - started
        run = result.run
        steps = result.steps
        n = len(steps["week"])
        step_rows = [[0, *(steps[c][i] for c in list(STEP_COLUMNS)[1:])] for i in range(n)]
        event_rows = result.event_rows(0)
        atomic_write(work / "runs.csv", csv_text(list(RUN_COLUMNS), [list(run.values())]))
        atomic_write(work / "steps.csv", csv_text(list(STEP_COLUMNS), step_rows))
        atomic_write(work / "events.csv", csv_text(list(EVENT_COLUMNS), event_rows))
        write_manifest(work / "manifest.json", {
            "command": "run",
            "scenario": scenario.name,
            "seed": args.seed,
            "weeks": run["horizon_weeks"],
            "config": scenario.model_dump(mode="json"),
            "package": package_info(),
            "versions": versions(),
            "git_commit": git_commit(),
            "inputs": provenance,
            "timings": {"run_seconds": round(elapsed, 4)},
            "files": ["runs.csv", "steps.csv", "events.csv"],
            **({"posterior_draw": drawn} if drawn else {}),
        })
    if drawn:
        print("constants drawn from the posterior: " + ", ".join(f"{k} = {v:.4g}" for k, v in drawn.items()),
              file=sys.stderr)
    print(_summary(run, out))
    return EXIT_OK


def _summary(run: dict, out: Path) -> str:
    esc = (f"ESCALATED: renewed armed attack in week {run['escalation_week']:.0f} "
           f"(year {run['escalation_week'] / 52:.1f}); outcome: {run['attack_outcome'].replace('_', ' ')}"
           if run["escalated"] else f"no escalation in {run['horizon_weeks']} weeks (censored)")
    responses = ", ".join(f"{t} {run[f'responses_{t}']}" for t in
                          ("diplomacy", "sanctions", "intelligence", "logistics", "military"))
    force = run["force_phase"].replace("_", " ")
    if run["force_deployed_week"] is not None:
        force += f" (week {run['force_deployed_week']:.0f})"
    return "\n".join([
        f"{run['scenario']}, seed {run['seed']}: {esc}",
        f"  violations by Russia: probe {run['violations_probe']}, limited {run['violations_limited']}, "
        f"major {run['violations_major']}; by Ukraine: {run['ukraine_violations']}",
        f"  monitoring (G1): {run['detected']} detected, {run['false_alarms']} false alarms; commission: "
        f"{run['attributed_correctly']} attributed correctly, {run['misattributed']} misattributed, "
        f"{run['not_attributed']} not attributed",
        f"  responses (G4): {responses}; {run['members_acted']} states acted",
        f"  ratified (G0): {run['ratified_members']} members, US Congress "
        f"{'yes' if run['us_ratified'] else 'no'}; force (G3): {force}",
        f"  Russia's believed resolve at the end: probe {run['credibility_probe']:.2f}, "
        f"limited {run['credibility_limited']:.2f}, major {run['credibility_major']:.2f}",
        f"  wrote runs.csv, steps.csv, events.csv, manifest.json to {out}/",
    ])


# --- validate / scenarios ---------------------------------------------------------------

def validate(args: argparse.Namespace) -> int:

    bad = 0
    for path in args.files:
        try:
            if path.suffix.lower() == ".csv":
                what = _validate_table(path)
            elif _is_experiment(path):
                exp = load_experiment(path)
                n, more = len(exp.points), "+" if exp.rule.adaptive else ""
                what = (f"experiment: {n} design point{'s' if n > 1 else ''} x {exp.rule.initial}{more} "
                        f"replicates = {n * exp.rule.initial:,}{more} runs")
                for note in exp.notes:
                    print(f"note: {path}: {note}", file=sys.stderr)
            else:
                scenario = load_scenario(path if path.suffix else str(path))
                what = "scenario"
                for note in shocks_after_horizon(scenario):
                    print(f"note: {path}: {note}", file=sys.stderr)
        except ConfigError as exc:
            bad += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(f"ok: {path} ({what})")
    return EXIT_BAD_INPUT if bad else EXIT_OK


def _validate_table(path: Path) -> str:
    """A data file checked cell by cell, and its country codes against the members file beside it (else
    the study's or the shipped one)."""
    spec = spec_for_file(path, TABLES)
    table = read_table(path, spec)
    rows = len(table)
    what = f"{spec.what}: {rows} row{'s' if rows != 1 else ''}"
    if spec.codes:
        beside = path.parent / MEMBERS_FILE
        members_path = beside if beside.is_file() else data_file_path(MEMBERS_FILE)
        check_codes(path, spec, table, read_table(members_path, MEMBERS), display_path(members_path))
        what += f"; country codes checked against {display_path(members_path)}"
    return what


def _is_experiment(path: Path) -> bool:
    """Experiment files live in experiments/ or declare a design or replications."""

    return path.parent.name == "experiments" or declares_experiment(path)


def listing(args: argparse.Namespace) -> int:
    """One line a name: name, origin, description; where names are looked up, and shadows, on stderr."""



    kind = args.kind
    entries = catalogue(kind)
    if not entries:
        raise ConfigError.single(str(library_folder(kind)), f"no {kind} here, nor in a study folder",
                                 allowed=f"a folder of {kind[:-1]} YAML files (NAME.yaml)"
                                         + ("; $SIM_SCENARIOS_DIR names this folder" if kind == "scenarios"
                                            and os.environ.get("SIM_SCENARIOS_DIR") else "")
                                         + ("; $SIM_EXPERIMENTS_DIR names this folder" if kind == "experiments"
                                            and os.environ.get("SIM_EXPERIMENTS_DIR") else ""))
    study = study_folder()
    library = Path(sc.SCENARIOS_DIR if kind == "scenarios" else sc.EXPERIMENTS_DIR)
    print(f"{kind}: a name is looked up in "
          + (f"the study folder {study / kind}, then " if study is not None else "")
          + f"the shipped library {library}" + ("" if study is not None else " (no study folder in use)"),
          file=sys.stderr)
    width = max((len(e.name) for e in entries), default=0)
    bad = 0
    for e in entries:
        try:
            if kind == "scenarios":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ShadowNotice)  # said once below, for every shadow
                    text = load_scenario(e.path).description
            else:
                data, _ = load_yaml_mapping(e.path, "experiment file")
                text = str(data.get("description") or "")
        except Exception as exc:  # noqa: BLE001 - one broken file must not hide the others
            bad += 1
            text = f"(invalid: {str(exc).splitlines()[0]})"
        origin = "study" if e.origin == "study" else "shipped"
        print(f"{e.name:<{width}}  {origin:<7}  {text}" + ("  [shadows the shipped one]" if e.shadows else ""))
    for e in entries:
        if e.shadows is not None:
            print(f"note: the study's {e.name} ({e.path}) shadows the shipped {kind[:-1]} of that name "
                  f"({e.shadows}): the name means the study's on the command line, in the study's files and in "
                  f"experiments; a shipped scenario that extends it keeps the shipped one (its neighbour)",
                  file=sys.stderr)
    return EXIT_BAD_INPUT if bad else EXIT_OK


def init(args: argparse.Namespace) -> int:

    files = init_study(args.directory)  # StudyExists: bad input (exit 2)
    folder = args.directory
    print(f"created {folder}/: " + ", ".join(str(f.relative_to(folder)) for f in files))
    print("next:\n"
          f"  cd {folder}\n"
          "  python -m sim scenarios                  # yours (study) and the shipped ones\n"
          "  python -m sim run my_design --seed 1     # one run of your design\n"
          "  python -m sim sweep compare              # your design against the declaration, paired runs\n"
          "edit scenarios/my_design.yaml and experiments/compare.yaml (README.md says how)")
    return EXIT_OK




# --- levers ----------------------------------------------------------------------------

def levers(args: argparse.Namespace) -> int:
    """The parameter catalogue, filtered: what a scenario's or an experiment's keys can be."""
    from_clauses = tuple(c.strip() for arg in args.clause for c in arg.split(",") if c.strip())
    f = parameter_listing.Filters(kinds=tuple(args.kind), clauses=from_clauses, words=tuple(args.words))
    specs = parameter_listing.select(f)
    if args.csv:
        sys.stdout.write(parameter_listing.as_csv(specs))
        return EXIT_OK
    n = parameter_listing.counts()
    print(f"{len(specs)} of {sum(n.values())} parameters ({n['lever']} levers, {n['uncertainty']} uncertainties, "
          f"{n['constant']} constants, {n['fitted']} constants fitted by the calibration)"
          + (" match" if specs or f != parameter_listing.Filters() else ""), file=sys.stderr)
    if specs:
        print(parameter_listing.as_text(specs))
    else:
        print("nothing matches: try fewer words, or `python -m sim levers` for all", file=sys.stderr)
    print("columns: path, kind, clause (A: a modelling assumption), what it allows; default. Set one in a "
          "scenario (section: key) or vary it in an experiment (levers: / uncertainties:).", file=sys.stderr)
    return EXIT_OK
