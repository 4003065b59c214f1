"""``python -m sim calibrate [--quick] [--out DIR] [--workers N | --scheduler ADDRESS]``.

Writes to DIR (default results/calibration/):
* ``posterior.csv``    weighted particles of the last generation: particle, weight, one column a
                       fitted constant, distance, stat_<target> (the particle's simulated statistic);
* ``generations.csv``  diagnostics: generation, epsilon, particles, simulations, acceptance_rate, ess;
* ``targets.csv``      each calibration target: value, scale, source, and the posterior
                       predictive (weighted mean and 95% range of the simulated statistic);
* ``constants.csv``    each fitted constant: prior, shipped default, posterior mean, median, 95% range;
* ``marginals.png``    weighted marginal of each constant over its prior range;
* ``calibration_tables.md``  the tables for docs/CALIBRATION.md, with the command that reproduced them;
* ``abc_history.db``   pyabc's own history (SQLite: pyabc.History("sqlite:///abc_history.db"));
* ``manifest.json``    command, settings, seconds, provenance.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.calibration import abc as A
from sim.calibration import targets as T
from sim.config import ConfigError, parameter_catalogue
from sim.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, UsageError
from sim.executors import default_workers, executor, map_in_order
from sim.files import atomic_write, write_manifest
from sim.outfolder import staged
from sim.provenance import package_info


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order]) / np.sum(weights)
    return float(values[order][min(int(np.searchsorted(cum, q)), len(values) - 1)])


def weighted_correlation(frame: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Pearson correlations of the particles under their importance weights."""
    cov = np.cov(frame.to_numpy(dtype=float), rowvar=False, aweights=weights)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    return pd.DataFrame(corr, index=frame.columns, columns=frame.columns)


def constants_table(result: A.Result) -> pd.DataFrame:

    cat = parameter_catalogue()
    w = result.posterior["weight"].to_numpy()
    rows = []
    for p, (lo, hi) in result.priors.items():
        v = result.posterior[p].to_numpy()
        rows.append({"constant": p, "unit": cat[p].unit, "prior_low": lo, "prior_high": hi,
                     "shipped": cat[p].default, "posterior_mean": float(np.dot(w, v)),
                     "posterior_median": weighted_quantile(v, w, 0.5),
                     "posterior_low": weighted_quantile(v, w, 0.025),
                     "posterior_high": weighted_quantile(v, w, 0.975)})
    return pd.DataFrame(rows)


def targets_table(result: A.Result) -> pd.DataFrame:
    w = result.posterior["weight"].to_numpy()
    rows = []
    for t in T.TARGETS:
        v = result.posterior[f"stat_{t.key}"].to_numpy()
        rows.append({"target": t.key, "label": t.label, "value": t.value, "scale": t.scale,
                     "predictive_mean": float(np.dot(w, v)), "predictive_low": weighted_quantile(v, w, 0.025),
                     "predictive_high": weighted_quantile(v, w, 0.975), "source": t.source,
                     "scale_source": t.scale_source})
    return pd.DataFrame(rows)


def plot_marginals(result: A.Result, path: Path) -> None:
    cat = parameter_catalogue()
    params = list(result.priors)
    fig = Figure(figsize=(3.2 * len(params), 2.8))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(params), squeeze=False)
    w = result.posterior["weight"].to_numpy()
    for ax, p in zip(axes[0], params):
        lo, hi = result.priors[p]
        ax.hist(result.posterior[p], bins=12, range=(lo, hi), weights=w, density=True, color="#4c72b0",
                alpha=0.8, label="posterior")
        ax.axhline(1.0 / (hi - lo), color="grey", ls="--", lw=1, label="prior")
        ax.axvline(cat[p].default, color="#c44e52", lw=1.2, label="shipped")
        ax.set_title(p, fontsize=8)
        ax.set_xlabel(cat[p].unit, fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0][0].legend(fontsize=7)
    fig.suptitle("Fitted constants: weighted posterior marginals (ABC-SMC, last generation)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(_fmt(r[c]) for c in cols) + " |")
    return "\n".join(lines)


def tables_markdown(result: A.Result, command: str, workers: str) -> str:
    s = result.settings
    gens = result.generations.copy()
    sims = int(gens["simulations"].sum())
    # pyabc first draws one population from the prior to set the first epsilon (its calibration sample)
    runs = (sims + s.population) * s.replicates * len(T.SCENARIOS)
    cons = constants_table(result)
    tgt = targets_table(result)
    out = [
        f"Command: `{command}` ({workers}); {result.seconds / 60:.1f} min; population {s.population}, "
        f"{len(gens)} generation(s), {s.replicates} paired replicates of each calibration scenario per "
        f"particle ({', '.join(T.SCENARIOS)}), {sims:,} particles simulated after pyabc's calibration sample of "
        f"{s.population} from the prior ({runs:,} model runs in all), "
        f"master seed {s.seed}.",
        "",
        "Calibration targets (the only data the fit sees), their sources, and the posterior predictive "
        "(weighted mean and 95% range of the particles' simulated statistic):",
        "",
        _md(tgt[["target", "label", "value", "scale", "predictive_mean", "predictive_low", "predictive_high"]]),
        "",
        *[f"- **{t.key}**: {t.source}. Scale: {t.scale_source}." for t in T.TARGETS],
        "",
        "Fitted constants (uniform priors):",
        "",
        _md(cons[["constant", "prior_low", "prior_high", "shipped", "posterior_median", "posterior_low",
                  "posterior_high"]]),
        "",
        "Generations (acceptance = accepted / simulated; ESS = effective sample size of the weights):",
        "",
        _md(gens),
    ]
    corr = weighted_correlation(result.posterior[list(result.priors)], result.posterior["weight"].to_numpy())
    strongest = []
    names = list(result.priors)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            strongest.append((abs(corr.loc[a, b]), a, b, corr.loc[a, b]))
    strongest.sort(reverse=True)
    if strongest:
        out += ["", "Strongest posterior correlations (a ridge: constants that trade off against each "
                "other to meet the same targets):", ""]
        out += [f"- {a} and {b}: {c:+.2f}" for _, a, b, c in strongest[:3]]
    return "\n".join(out) + "\n"


def _continued(source: Path, settings: A.Settings, args: argparse.Namespace) -> tuple[float, A.Settings]:
    """Check that ``source`` holds a calibration this one can continue; its seconds and the settings."""

    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
        old = manifest["settings"]
    except (OSError, ValueError, KeyError):
        raise ConfigError.single(source, "not a finished calibration (no readable manifest.json)",
                                 key="--continue-from", allowed="a folder `python -m sim calibrate` wrote") from None
    if not (source / "abc_history.db").is_file():
        raise ConfigError.single(source, "has no abc_history.db to continue", key="--continue-from")
    # Continue with the earlier run's settings; only the number of generations grows.
    merged = A.Settings(population=old["population"], generations=args.generations or old["generations"],
                        replicates=old["replicates"], seed=old["seed"],
                        min_acceptance_rate=old["min_acceptance_rate"], max_minutes=settings.max_minutes)
    given = {"--population": args.population, "--replicates": args.replicates, "--seed": args.seed}
    clash = [f"{k} {v} (the earlier run: {old[k[2:]]})" for k, v in given.items() if v is not None and v != old[k[2:]]]
    if clash:
        raise ConfigError.single(source, "a continued calibration keeps the earlier run's settings: "
                                 + "; ".join(clash), key="--continue-from")
    if merged.generations <= old["generations"]:
        raise ConfigError.single(source, f"already has {old['generations']} generations; give --generations "
                                 f"above that", key="--generations")
    return float(manifest.get("seconds", 0.0)), merged


def calibrate_command(args: argparse.Namespace) -> int:

    if not A.pyabc_available():
        raise UsageError("calibrate needs pyabc: pip install 'paris-guarantees-sim[calibration]'")
    base = A.QUICK if args.quick else A.Settings()
    settings = A.Settings(
        population=args.population or base.population, generations=args.generations or base.generations,
        replicates=args.replicates or base.replicates, seed=args.seed if args.seed is not None else base.seed,
        min_acceptance_rate=base.min_acceptance_rate, max_minutes=args.max_minutes)
    out = Path(args.out) if args.out is not None else Path("results") / "calibration"
    workers = args.workers or default_workers()
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"process pool ({workers} workers)"
    words = list(args.argv or [])
    if getattr(args, "continue_from", None) is not None:  # the equivalent fresh run is what reproduces it
        i = words.index("--continue-from") if "--continue-from" in words else -1
        if i >= 0:
            del words[i:i + 2]
        words = [w for w in words if not w.startswith("--continue-from=")]
    command = "python -m sim calibrate " + " ".join(shlex.quote(a) for a in words)
    command = command.strip()
    print(f"calibrate: ABC-SMC of {len(A.fitted_parameters())} fitted constants against {len(T.TARGETS)} "
          f"targets; population {settings.population}, up to {settings.generations} generations, "
          f"{settings.replicates} replicates a scenario per particle, {where} -> {out}/", file=sys.stderr)
    earlier = 0.0
    source = getattr(args, "continue_from", None)
    if source is not None:  # more generations of a finished calibration, without redoing the first ones
        earlier, settings = _continued(Path(source), settings, args)
    try:
        with staged(out, overwrite=args.overwrite) as work:
            if source is not None:
                shutil.copyfile(Path(source) / "abc_history.db", work / "abc_history.db")
            with executor(workers, args.scheduler) as ex:
                def map_(fn: Any, items: Any) -> list[Any]:  # pyabc's map, on the executor
                    return map_in_order(ex.executor, fn, items, window=2 * ex.slots + 2)

                result = A.calibrate(settings, work / "abc_history.db", map_, progress=True,
                                     resume=source is not None)
            result.seconds += earlier
            atomic_write(work / "posterior.csv", result.posterior.to_csv(index=False, float_format="%.10g",
                                                                         lineterminator="\n"))
            atomic_write(work / "generations.csv", result.generations.to_csv(index=False, float_format="%.6g",
                                                                             lineterminator="\n"))
            atomic_write(work / "targets.csv", targets_table(result).to_csv(index=False, float_format="%.6g",
                                                                            lineterminator="\n"))
            atomic_write(work / "constants.csv", constants_table(result).to_csv(
                index=False, float_format="%.6g", lineterminator="\n"))
            plot_marginals(result, work / "marginals.png")
            atomic_write(work / "calibration_tables.md", tables_markdown(result, command, where))
            write_manifest(work / "manifest.json", {
                "command": command, "settings": {k: getattr(settings, k) for k in settings.__dataclass_fields__},
                "fitted": {p: list(r) for p, r in result.priors.items()},
                "targets": {t.key: {"value": t.value, "scale": t.scale} for t in T.TARGETS},
                "scenarios": list(T.SCENARIOS), "executor": where, "seconds": round(result.seconds, 1),
                **({"continued_from": str(source), "seconds_before": round(earlier, 1)} if source else {}),
                "files": sorted(p.name for p in work.iterdir()) + ["manifest.json"],
                "package": package_info()})
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenProcessPool as exc:
        print(f"error: a worker process died ({exc})", file=sys.stderr)
        return EXIT_FAILED
    g = result.generations.iloc[-1]
    print(f"calibrate: {len(result.generations)} generation(s) in {result.seconds / 60:.1f} min; last: "
          f"epsilon {g['epsilon']:.3g}, acceptance {g['acceptance_rate']:.2f}, ESS {g['ess']:.0f} of "
          f"{int(g['particles'])}")
    print(constants_table(result)[["constant", "shipped", "posterior_median", "posterior_low",
                                   "posterior_high"]].to_string(index=False))
    print(f"wrote posterior.csv, generations.csv, targets.csv, constants.csv, marginals.png, "
          f"calibration_tables.md to {out}/")
    return EXIT_OK


def result_from_folder(folder: Path) -> A.Result:
    """A finished calibration read back from its files (posterior.csv, generations.csv, manifest.json)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    settings = A.Settings(**manifest["settings"])
    priors = {p: (float(lo), float(hi)) for p, (lo, hi) in manifest["fitted"].items()}
    return A.Result(pd.read_csv(folder / "posterior.csv"), pd.read_csv(folder / "generations.csv"), priors,
                    settings, float(manifest["seconds"]))


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.calibration.commands DIR``: write the tables and figure of a finished
    calibration again from its files (no new runs)."""

    parser = argparse.ArgumentParser(prog="python -m sim.calibration.commands",
                                     description="Re-render calibration_tables.md, targets.csv, constants.csv "
                                                 "and marginals.png of DIR from its posterior (no new runs).")
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)

    try:  # only a folder calibrate wrote: its files are the ones rewritten here
        manifest = json.loads((args.directory / "manifest.json").read_text(encoding="utf-8"))
        result = result_from_folder(args.directory)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {args.directory}: not a folder `python -m sim calibrate` wrote ({exc})", file=sys.stderr)
        return EXIT_BAD_INPUT
    atomic_write(args.directory / "targets.csv", targets_table(result).to_csv(index=False, float_format="%.6g",
                                                                              lineterminator="\n"))
    atomic_write(args.directory / "constants.csv", constants_table(result).to_csv(index=False, float_format="%.6g",
                                                                                  lineterminator="\n"))
    plot_marginals(result, args.directory / "marginals.png")
    atomic_write(args.directory / "calibration_tables.md",
                 tables_markdown(result, manifest["command"], manifest["executor"]))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
