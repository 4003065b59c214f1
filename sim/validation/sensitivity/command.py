"""``python -m sim sensitivity``: run the study, write its report beside ``--out`` and move it in place."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from sim.config import load_scenario_files
from sim.config.posterior import use_posterior
from sim.errors import EXIT_OK, UsageError
from sim.executors import default_workers, executor
from sim.experiments.indices import salib_available
from sim.files import git_commit, versions, write_manifest
from sim.outfolder import staged
from sim.provenance import inputs, package_info, scenario_inputs
from sim.validation.sensitivity.design import (
    COMPARISONS,
    FULL,
    LEVELS,
    QUICK,
    RELATIVE,
    SCREEN_REPLICATE_OFFSET,
    Settings,
    designs_of,
    factor_list,
)
from sim.config.limits import MAX_RUNS
from sim.validation.sensitivity.plausible import plausible_study
from sim.validation.sensitivity.plausible_report import PLAUSIBLE_FILES, plausible_text, write_plausible
from sim.validation.sensitivity.report import FILES, summary_text, write_study
from sim.validation.sensitivity.runs import run_study


def settings_from_args(args: argparse.Namespace) -> Settings:
    s = QUICK if args.quick else FULL
    changes = {k: v for k, v in (("samples", args.samples), ("replicates", args.replicates), ("top", args.top),
                                 ("confirm_replicates", args.confirm_replicates), ("master_seed", args.seed))
               if v is not None}
    return replace(s, **changes)


def command_text(args: argparse.Namespace) -> str:
    parts = ["python -m sim sensitivity"]
    if args.quick:
        parts.append("--quick")
    for flag, v in (("--samples", args.samples), ("--replicates", args.replicates), ("--top", args.top),
                    ("--confirm-replicates", args.confirm_replicates), ("--seed", args.seed),
                    ("--out", args.out), ("--workers", args.workers)):
        if v is not None:
            parts.append(f"{flag} {v}")
    if getattr(args, "posterior", None) is not None:
        parts.append(f"--posterior {args.posterior}" if getattr(args, "plausible", False)
                     else f"--posterior {args.posterior} --posterior-draws {args.posterior_draws}")
    if getattr(args, "overwrite", False):
        parts.append("--overwrite")
    return " ".join(parts)


def planned_runs(settings: Settings, factors: int, comparisons=COMPARISONS) -> int:
    """The runs a study makes at most: Morris screening, then the confirmation of the top factors."""
    designs = len(designs_of(comparisons))
    screening = settings.samples * (factors + 1) * settings.replicates * designs
    confirmed = min(settings.top + settings.top_uncertainties, factors)
    confirmation = (designs + len(comparisons) * confirmed * 2 * 2) * settings.confirm_replicates
    return screening + confirmation


def sensitivity_command(args: argparse.Namespace) -> int:
    if getattr(args, "plausible", False):
        return plausible_command(args)
    if getattr(args, "worlds", None) is not None:
        raise UsageError("--worlds goes with --plausible (the Morris study has no worlds)")
    if not salib_available():
        raise UsageError("sensitivity needs SALib: pip install 'paris-guarantees-sim[sensitivity]'")

    settings = settings_from_args(args)
    out = Path(args.out) if args.out is not None else Path("results") / "sensitivity"
    workers = args.workers or default_workers()
    command = command_text(args)
    factors, _ = factor_list()
    designs = designs_of(COMPARISONS)
    runs = planned_runs(settings, len(factors))
    max_runs = getattr(args, "max_runs", MAX_RUNS)
    if runs > max_runs:  # before anything is sampled, run or written
        raise UsageError(f"sensitivity: {runs:,} runs planned ({settings.samples:,} trajectories x "
                         f"{len(factors) + 1} points x {settings.replicates:,} seeds x {len(designs)} designs, then "
                         f"the confirmation), more than --max-runs {max_runs:,}; allowed: fewer --samples, "
                         f"--replicates or --confirm-replicates, or a larger --max-runs")
    print(f"sensitivity: {len(factors)} factors, {settings.samples} Morris trajectories x {settings.replicates} "
          f"paired seeds x {len(designs)} designs, then {settings.top} constants + {settings.top_uncertainties} "
          f"uncertainties per comparison x {settings.confirm_replicates} seeds, on {workers} worker(s) -> {out}/",
          file=sys.stderr)
    provenance = inputs({d: scenario_inputs(chain, sc) for d in designs
                         for sc, chain in [load_scenario_files(d)]})
    use = None
    if getattr(args, "posterior", None) is not None:  # parameter uncertainty: replicate k uses draw k % N

        use = use_posterior(args.posterior, args.posterior_draws, settings.master_seed)
    draws = [dict(v) for v in use.values] if use is not None else None
    with staged(out, overwrite=getattr(args, "overwrite", False)) as work:
        study = run_study(settings, workers=workers, progress=True, draws=draws)
        meta = {"command": command, "mode": "quick" if args.quick else "full", "workers": workers,
                "seconds": study.meta["seconds"], "git_commit": git_commit()}
        write_study(study, work, meta)
        write_manifest(work / "manifest.json", {
            "command": "sensitivity", "command_line": command, "mode": meta["mode"], "files": list(FILES),
            "settings": {**settings.__dict__, "levels": LEVELS, "relative_range": list(RELATIVE),
                         "screening_replicates": [SCREEN_REPLICATE_OFFSET,
                                                  SCREEN_REPLICATE_OFFSET + settings.replicates - 1],
                         "confirmation_replicates": [0, settings.confirm_replicates - 1]},
            "comparisons": [c.__dict__ for c in COMPARISONS],
            "factors": {"constants": sum(f.group == "constant" for f in study.factors),
                        "uncertainties": sum(f.group == "uncertainty" for f in study.factors),
                        "skipped": {s.path: s.reason for s in study.skipped}},
            "runs": study.meta["runs"], "screening": study.meta["screening"],
            "confirmed": study.meta["chosen"], "seconds": study.meta["seconds"],
            "screening_seconds": study.meta["screening_seconds"], "workers": workers,
            "package": package_info(), "versions": versions(), "git_commit": meta["git_commit"],
            "inputs": provenance, "date": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
            **({"posterior": use.record()} if use is not None else {})})
    print(summary_text(study))
    if args.quick:
        print("note: --quick is a smoke test (a few trajectories, few seeds): which assumptions flip a conclusion "
              "is undecided at this size; run without --quick for the published table")
    print(f"wrote {', '.join(FILES)} and manifest.json to {out}/ ({study.meta['runs']:,} runs in "
          f"{study.meta['seconds']:.0f} s)")
    return EXIT_OK




def plausible_command(args: argparse.Namespace) -> int:
    """``sensitivity --plausible``: which assumptions still move each answer across calibrated worlds."""
    if getattr(args, "posterior", None) is None:
        raise UsageError("sensitivity --plausible needs --posterior FILE: the calibration's plausible set "
                         "(or posterior) whose parameter sets are the worlds")
    for flag, given in (("--samples", args.samples), ("--top", args.top),
                        ("--confirm-replicates", args.confirm_replicates)):
        if given is not None:
            raise UsageError(f"{flag} belongs to the Morris study, not to --plausible (give --worlds, --replicates)")
    worlds = args.worlds or (12 if args.quick else 100)
    replicates = args.replicates or (4 if args.quick else 40)
    seed = args.seed if args.seed is not None else FULL.master_seed
    out = Path(args.out) if args.out is not None else Path("results") / "sensitivity_plausible"
    workers = args.workers or default_workers()
    command = command_text(args) + (" --plausible" + (f" --worlds {args.worlds}" if args.worlds else ""))
    designs = designs_of(COMPARISONS)
    max_runs = getattr(args, "max_runs", MAX_RUNS)
    if worlds * replicates * len(designs) > max_runs:  # before the posterior is drawn or anything runs
        raise UsageError(f"sensitivity --plausible: {worlds * replicates * len(designs):,} runs planned ({worlds:,} "
                         f"worlds x {replicates:,} seeds x {len(designs)} designs), more than --max-runs "
                         f"{max_runs:,}; allowed: fewer --worlds or --replicates, or a larger --max-runs")
    use = use_posterior(args.posterior, worlds, seed)  # one calibrated parameter set a world
    print(f"sensitivity --plausible: {worlds} worlds x {replicates} paired seeds x {len(designs)} designs "
          f"({worlds * replicates * len(designs):,} runs) on {workers} worker(s) -> {out}/", file=sys.stderr)
    provenance = inputs({d: scenario_inputs(chain, sc) for d in designs for sc, chain in [load_scenario_files(d)]})
    started = time.perf_counter()
    with staged(out, overwrite=getattr(args, "overwrite", False)) as work:
        with executor(workers) as ex:
            study = plausible_study([dict(v) for v in use.values], ex, worlds=worlds, replicates=replicates,
                                    master_seed=seed, progress=True)
        seconds = time.perf_counter() - started
        write_plausible(study, work, command)
        write_manifest(work / "manifest.json", {
            "command": "sensitivity --plausible", "command_line": command, "files": list(PLAUSIBLE_FILES),
            "settings": {"worlds": worlds, "replicates": replicates, "master_seed": seed},
            "comparisons": [c.__dict__ for c in COMPARISONS], **study.meta, "posterior": use.record(),
            "seconds": round(seconds, 1), "workers": workers, "package": package_info(), "versions": versions(),
            "git_commit": git_commit(), "inputs": provenance,
            "date": time.strftime("%Y-%m-%d %H:%M", time.localtime())})
    print(plausible_text(study))
    print(f"wrote {', '.join(PLAUSIBLE_FILES)} and manifest.json to {out}/ ({study.meta['runs']:,} runs in "
          f"{seconds:.0f} s)")
    return EXIT_OK
