"""``python -m sim calibrate [--quick] [--out DIR] [--workers N | --scheduler ADDRESS]``: history matching.

Writes to DIR (default results/calibration/):

* ``waves.csv``      every simulated point: wave, point, each fitted constant, each target's model
                     quantity (``<target>``), its Monte Carlo variance (``<target>_var``) and
                     implausibility (``I_<target>``), the largest (``I_max``), ``ruled_out`` and
                     ``plausible`` (a point of the last wave not ruled out);
* ``plausible.csv``  the plausible set in the posterior file format (``particle``, equal ``weight``,
                     the constants, ``distance`` = the largest implausibility, ``stat_<target>``), which
                     ``run``, ``sweep``, ``validate-history`` and the API read (``--posterior FILE``);
* ``targets.csv``    each target: the record, its uncertainty, the discrepancy, the predictive interval
                     over the plausible set (simulated quantities with their Monte Carlo spread), covered;
* ``constants.csv``  each fitted constant: prior box, plausible range, how much the targets constrain
                     it, the representative point and the schema's default;
* ``emulators.csv``  each wave's emulators: cross-validation and next-wave checks, length scales;
* ``plausible_pairs.png``  the plausible set over pairs of the constants the targets constrain;
* ``calibration_tables.md``  the tables for docs/CALIBRATION.md, with the command that wrote them;
* ``manifest.json``  command, settings, waves, representative point, seconds, provenance.

``python -m sim.calibration.commands DIR`` renders the tables and the figure again from DIR's
files (no new runs), for instance after the schema's defaults were set to the representative point.
"""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy.stats import norm

from sim.calibration import history_matching as H
from sim.calibration import record as R
from sim.calibration.emulator import sklearn_available
from sim.config import parameter_catalogue
from sim.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, UsageError
from sim.executors import default_workers, executor, in_order
from sim.files import atomic_write, write_manifest
from sim.outfolder import staged
from sim.provenance import package_info

FILES = ("waves.csv", "plausible.csv", "targets.csv", "constants.csv", "emulators.csv", "plausible_pairs.png",
         "calibration_tables.md", "manifest.json")
SHARES = ("armed_attack_5y", "renewed_war_5y", "first_year_share")  # the targets that are probabilities
CONSTRAINED = 0.7  # a constant is constrained when its plausible 90% range is under 70% of its prior box


def _csv(df: pd.DataFrame, digits: int = 10) -> str:
    return df.to_csv(index=False, float_format=f"%.{digits}g", lineterminator="\n")


# --- the files, from a finished run ------------------------------------------------------------

def waves_frame(result: H.Result) -> pd.DataFrame:
    rows = []
    keys = [t.key for t in R.TARGETS]
    plausible = set(result.plausible.tolist())
    for w in result.waves:
        cons = result.to_constants(w.x)
        for i in range(len(w.x)):
            row: dict[str, Any] = {"wave": w.number, "point": i}
            row.update(dict(zip(result.names, cons[i])))
            for j, k in enumerate(keys):
                row[k] = w.values[i, j]
                row[f"{k}_var"] = w.variances[i, j]
                row[f"I_{k}"] = w.implausibility[i, j]
            row["I_max"] = float(w.implausibility[i].max())
            row["ruled_out"] = bool(w.ruled_out[i])
            row["plausible"] = w is result.last and i in plausible
            rows.append(row)
    return pd.DataFrame(rows)


def plausible_frame(waves: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The plausible set in the posterior file format (equal weights)."""
    p = waves[waves["plausible"].astype(bool)].reset_index(drop=True)
    out = pd.DataFrame({"particle": range(len(p)), "weight": 1.0 / max(len(p), 1)})
    out = pd.concat([out, p[names].reset_index(drop=True)], axis=1)
    out["distance"] = p["I_max"].to_numpy()
    for t in R.TARGETS:
        out[f"stat_{t.key}"] = p[t.key].to_numpy()
    return out


def _mixture_quantile(values: np.ndarray, variances: np.ndarray, q: float) -> float:
    """Quantile q of the equal mixture of N(value_i, var_i) (a point mass where var_i is 0)."""
    sd = np.sqrt(np.maximum(variances, 0.0))

    def cdf(x: float) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(sd > 0, norm.cdf((x - values) / np.where(sd > 0, sd, 1.0)), (values <= x).astype(float))
        return float(np.mean(z))

    lo = float(np.min(values - 6 * sd)) - 1e-9
    hi = float(np.max(values + 6 * sd)) + 1e-9
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if cdf(mid) < q:
            lo = mid
        else:
            hi = mid
    return hi


def targets_frame(waves: pd.DataFrame, discrepancy: float) -> pd.DataFrame:
    p = waves[waves["plausible"].astype(bool)]
    rows = []
    for t in R.TARGETS:
        v = p[t.key].to_numpy(float)
        var = p[f"{t.key}_var"].to_numpy(float)
        ok = np.isfinite(v) & np.isfinite(var)
        v, var = v[ok], var[ok]
        if len(v):
            # every quantity is non-negative, and the shares are at most 1: the normal spread is cut there
            top = 1.0 if t.key in SHARES else math.inf
            low = min(max(_mixture_quantile(v, var, 0.025), 0.0), top)
            high = min(max(_mixture_quantile(v, var, 0.975), 0.0), top)
            smin, smax = float(v.min()), float(v.max())
        else:
            low = high = smin = smax = math.nan
        rows.append({"target": t.key, "label": t.label, "record": t.value, "record_sd": t.sd,
                     "discrepancy_sd": math.sqrt(H.discrepancy_var(t, discrepancy)),
                     "simulated_min": smin, "simulated_max": smax, "predictive_low": low,
                     "predictive_high": high, "covered": bool(len(v)) and low <= t.value <= high,
                     "measures": t.measures, "source": t.source, "sd_source": t.sd_source})
    return pd.DataFrame(rows)


def constants_frame(waves: pd.DataFrame, priors: dict[str, tuple[float, float]],
                    representative: dict[str, float] | None) -> pd.DataFrame:
    cat = parameter_catalogue()
    p = waves[waves["plausible"].astype(bool)]
    rows = []
    for name, (lo, hi) in priors.items():
        v = p[name].to_numpy(float)
        q05, q50, q95 = (np.quantile(v, [0.05, 0.5, 0.95]) if len(v) else (math.nan,) * 3)
        share = (q95 - q05) / (hi - lo) / 0.9 if len(v) else math.nan  # 1: as spread as the prior box
        rows.append({"constant": name, "unit": cat[name].unit, "prior_low": lo, "prior_high": hi,
                     "plausible_min": float(v.min()) if len(v) else math.nan, "plausible_p05": q05,
                     "plausible_median": q50, "plausible_p95": q95,
                     "plausible_max": float(v.max()) if len(v) else math.nan,
                     "range_share_of_prior": share, "constrained": bool(share < CONSTRAINED),
                     "representative": (representative or {}).get(name, math.nan),
                     "schema_default": float(cat[name].default)})
    return pd.DataFrame(rows)


def emulators_frame(result: H.Result) -> pd.DataFrame:
    diag = pd.DataFrame(result.diagnostics)
    scales = []
    for w in result.waves:
        for t in R.TARGETS:
            ls = w.emulators[t.key].length_scales()
            scales.append({"wave": w.number, "target": t.key,
                           **{f"length_{n}": float(v) for n, v in zip(result.names, ls)}})
    return diag.merge(pd.DataFrame(scales), on=["wave", "target"], how="left")


# --- figure and tables -------------------------------------------------------------------------

def plot_pairs(waves: pd.DataFrame, constants: pd.DataFrame, path: Path,
               emulators: pd.DataFrame | None = None) -> list[str]:
    """The last wave over pairs of the constants the targets constrain (at most six): plausible
    points in colour, ruled-out ones in grey, the representative point marked. When fewer than
    three are constrained one by one (the record constrains combinations), the five the last
    wave's emulators follow most closely (the shortest length scale over the targets)."""
    shown = constants.sort_values("range_share_of_prior")
    picked = shown[shown["constrained"]]["constant"].tolist()[:6]
    if len(picked) < 3 and emulators is not None:
        last = emulators[emulators["wave"] == emulators["wave"].max()]
        lengths = {c: float(last[f"length_{c}"].min()) for c in constants["constant"] if f"length_{c}" in last}
        picked += [c for c in sorted(lengths, key=lengths.get) if c not in picked][:5 - len(picked)]
    if len(picked) < 2:
        picked = shown["constant"].tolist()[:max(2, len(picked))]
    last = waves[waves["wave"] == waves["wave"].max()]
    good, bad = last[last["plausible"].astype(bool)], last[~last["plausible"].astype(bool)]
    k = len(picked)
    fig = Figure(figsize=(2.3 * k, 2.3 * k))
    FigureCanvasAgg(fig)
    axes = fig.subplots(k, k, squeeze=False)
    lims = {r.constant: (r.prior_low, r.prior_high) for r in constants.itertuples()}
    rep = {r.constant: r.representative for r in constants.itertuples()}
    for i, a in enumerate(picked):
        for j, b in enumerate(picked):
            ax = axes[i][j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(good[a], bins=12, range=lims[a], color="#4c72b0", alpha=0.8)
                ax.set_xlim(*lims[a])
                ax.set_yticks([])
            else:
                ax.scatter(bad[b], bad[a], s=6, color="#bbbbbb", label="ruled out")
                ax.scatter(good[b], good[a], s=8, color="#4c72b0", label="plausible")
                if np.isfinite(rep[a]) and np.isfinite(rep[b]):
                    ax.scatter([rep[b]], [rep[a]], marker="*", s=90, color="#c44e52", label="representative")
                ax.set_xlim(*lims[b])
                ax.set_ylim(*lims[a])
            if i == k - 1:
                ax.set_xlabel(b, fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(a, fontsize=7)
            ax.tick_params(labelsize=6)
    if k > 1:
        axes[1][0].legend(fontsize=6, loc="best")
    fig.suptitle("The plausible set (last wave; axes span the prior box)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return picked


def _fmt(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "**no**"
    if isinstance(x, (float, np.floating)):
        if not math.isfinite(x):
            return ""
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x).replace("|", "\\|")


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(_fmt(r[c]) for c in cols) + " |")
    return "\n".join(lines)


def tables_markdown(manifest: dict[str, Any], waves: pd.DataFrame, targets: pd.DataFrame,
                    constants: pd.DataFrame, emulators: pd.DataFrame) -> str:
    s = manifest["settings"]
    waves_meta = pd.DataFrame(manifest["waves"])
    runs = int(manifest["model_runs"])
    plausible = int(waves["plausible"].astype(bool).sum())
    rep = manifest.get("representative") or {}
    out = [
        f"Command: `{manifest['command']}` on a {manifest['executor']}; {manifest['seconds'] / 60:.1f} min "
        f"({manifest['finished']}); master seed {s['seed']}; {s['replicates']} replicates of each calibration "
        f"scenario a point (common random numbers), {len(waves)} points simulated in {len(waves_meta)} wave(s), "
        f"{runs:,} model runs in all. Stopped: {manifest['stop_reason']}. "
        f"Plausible set: {plausible} points.",
        "",
        "Waves (share of the prior box not ruled out by the emulators of every wave so far; points not ruled "
        "out by their own simulated values):",
        "",
        _md(waves_meta.rename(columns={"share_before": "share of box it was drawn from",
                                       "share_after": "share left after its emulators",
                                       "screened": "candidates screened to draw it",
                                       "trained_on": "emulator training points",
                                       "not_ruled_out": "points not ruled out by simulation"})),
        "",
        "Targets: the record, its uncertainty, the model discrepancy, and the predictive interval over the "
        "plausible set (95% of the equal mixture of each plausible point's simulated quantity and its Monte "
        "Carlo spread):",
        "",
        _md(targets[["target", "record", "record_sd", "discrepancy_sd", "simulated_min", "simulated_max",
                     "predictive_low", "predictive_high", "covered"]]),
        "",
        "Fitted constants: prior box, the plausible set's range, and how much of the box it keeps "
        f"(the 90% range over 90% of the box; constrained below {CONSTRAINED:g}):",
        "",
        _md(constants[["constant", "prior_low", "prior_high", "plausible_p05", "plausible_median",
                       "plausible_p95", "range_share_of_prior", "constrained", "representative",
                       "schema_default"]]),
        "",
    ]
    if rep:
        imp = rep["implausibility"]
        worst = max(imp, key=imp.get)
        out += [f"Representative point: {rep['chosen']}, simulated again with {rep['replicates']} replicates "
                f"(seed {rep['seed']}): its largest implausibility is {rep['max_implausibility']:.2f} ({worst}), "
                f"{'not ruled out' if rep['max_implausibility'] <= H.CUTOFF else 'RULED OUT'} (cut-off "
                f"{H.CUTOFF:g}).", "",
                _md(pd.DataFrame([{"target": k, "record": R.BY_KEY[k].value, "simulated": rep["values"][k],
                                   "implausibility": imp[k]} for k in imp])), ""]
    cols = ["wave", "target", "trained_on", "cv_within_2sd", "cv_within_3sd", "cv_rmse_over_record_sd",
            "next_wave_points", "next_within_3sd", "next_rmse_over_record_sd", "emulator_sd_over_record_sd"]
    out += ["Emulators (10-fold cross-validation on the training points, hyperparameters kept; and the next "
            "wave's simulated points, where the emulator was used to choose them). 'within 3sd': share of points "
            "whose simulated quantity lies within 3 standard deviations (emulator and Monte Carlo) of the "
            "prediction; RMSE in units of the record's standard deviation:", "", _md(emulators[cols]), ""]
    last = emulators[emulators["wave"] == emulators["wave"].max()]
    lengths = [c for c in emulators.columns if c.startswith("length_")]
    if lengths:
        rel = last.set_index("target")[lengths]
        rel.columns = [c[len("length_"):] for c in lengths]
        short = (rel < 1.0)
        mover = {k: ", ".join(short.columns[short.loc[k]]) or "none under 1" for k in rel.index}
        out += ["Constants each target's last emulator is sensitive to (length scale under 1 in unit-cube "
                "units; a long length scale is a constant the quantity hardly follows):", "",
                _md(pd.DataFrame([{"target": k, "constants": v} for k, v in mover.items()])), ""]
    return "\n".join(out)


def render(folder: Path) -> None:
    """Tables and figure of ``folder`` from its files (waves.csv, emulators.csv, manifest.json)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    waves = pd.read_csv(folder / "waves.csv")
    emulators = pd.read_csv(folder / "emulators.csv")
    priors = {p: (float(lo), float(hi)) for p, (lo, hi) in manifest["fitted"].items()}
    rep = (manifest.get("representative") or {}).get("constants")
    targets = targets_frame(waves, manifest["settings"]["discrepancy"])
    constants = constants_frame(waves, priors, rep)
    atomic_write(folder / "targets.csv", _csv(targets, 6))
    atomic_write(folder / "constants.csv", _csv(constants, 6))
    plot_pairs(waves, constants, folder / "plausible_pairs.png", emulators)
    atomic_write(folder / "calibration_tables.md", tables_markdown(manifest, waves, targets, constants, emulators))


# --- the command -------------------------------------------------------------------------------

def settings_from(args: argparse.Namespace) -> H.Settings:
    base = H.QUICK if args.quick else H.Settings()
    pick = (lambda given, default: default if given is None else given)
    return H.Settings(first_points=pick(args.first_points, base.first_points), points=pick(args.points, base.points),
                      replicates=pick(args.replicates, base.replicates), max_waves=pick(args.waves, base.max_waves),
                      candidates=base.candidates, screening_rounds=base.screening_rounds, min_shrink=base.min_shrink,
                      discrepancy=base.discrepancy, seed=pick(args.seed, base.seed))


def _model_runs(settings: H.Settings, points: int) -> int:
    per_point = 2 * settings.replicates + max(20, settings.replicates // 4)  # two scenarios, the warning runs
    return points * per_point


def calibrate_command(args: argparse.Namespace) -> int:
    if not sklearn_available():
        raise UsageError("calibrate needs scikit-learn: pip install 'paris-guarantees-sim[calibration]'")
    settings = settings_from(args)
    out = Path(args.out) if args.out is not None else Path("results") / "calibration"
    workers = args.workers or default_workers()
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else (
        "process pool (1 worker)" if workers <= 1 else f"process pool ({workers} workers)")
    command = ("python -m sim calibrate " + " ".join(shlex.quote(a) for a in (args.argv or []))).strip()
    names = list(H.fitted_parameters())
    print(f"calibrate: history matching of {len(names)} fitted constants against {len(R.TARGETS)} targets; "
          f"wave 1 {settings.first_points} points, later waves {settings.points}, up to {settings.max_waves} waves, "
          f"{settings.replicates} replicates a point, {where} -> {out}/", file=sys.stderr)
    try:
        with staged(out, overwrite=args.overwrite) as work:
            with executor(workers, args.scheduler) as ex:
                def map_(fn: Any, items: Any) -> Any:  # results one by one, in the order submitted
                    it = iter(items)
                    return (r for _, r in in_order(ex.executor, fn, lambda: next(it, None), window=2 * ex.slots + 2))

                result = H.run(settings, map_, progress=lambda m: print(f"calibrate: {m}", file=sys.stderr))
                rep = H.representative(result, map_) if len(result.plausible) else None
            waves = waves_frame(result)
            atomic_write(work / "waves.csv", _csv(waves))
            atomic_write(work / "plausible.csv", _csv(plausible_frame(waves, names)))
            atomic_write(work / "emulators.csv", _csv(emulators_frame(result), 6))
            meta = []
            for i, w in enumerate(result.waves):
                meta.append({"wave": w.number, "points": len(w.x), "screened": w.screened,
                             "share_before": w.share_before, "share_after": result.shares[i],
                             "trained_on": w.trained_on, "not_ruled_out": int((~w.ruled_out).sum()),
                             "seconds": round(w.seconds, 1)})
            simulated = sum(len(w.x) for w in result.waves) + (1 if rep else 0)
            write_manifest(work / "manifest.json", {
                "command": command, "method": "history matching with Gaussian-process emulators",
                "settings": {k: getattr(settings, k) for k in settings.__dataclass_fields__},
                "cutoff": H.CUTOFF, "rule": "ruled out when the largest implausibility over the targets exceeds the "
                                            "cut-off",
                "fitted": {p: list(r) for p, r in result.priors.items()},
                "targets": {t.key: {"value": t.value, "sd": t.sd} for t in R.TARGETS},
                "scenarios": sorted({R.CALIBRATION_SCENARIO, R.OSCE_SCENARIO, R.WARNING_SCENARIO}),
                "waves": meta, "stop_reason": result.stop_reason,
                "representative": rep, "executor": where, "seconds": round(result.seconds, 1),
                "model_runs": _model_runs(settings, simulated) + (_model_runs(
                    settings, 1) if rep else 0),
                "finished": time.strftime("%Y-%m-%d %H:%M", time.localtime()),
                "files": list(FILES), "package": package_info()})
            render(work)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenProcessPool as exc:
        print(f"error: a worker process died ({exc})", file=sys.stderr)
        return EXIT_FAILED
    targets = pd.read_csv(out / "targets.csv")
    print(f"calibrate: {len(result.waves)} wave(s) in {result.seconds / 60:.1f} min; stopped: {result.stop_reason}; "
          f"plausible set: {len(result.plausible)} points")
    print(targets[["target", "record", "predictive_low", "predictive_high", "covered"]].to_string(index=False))
    print(f"wrote {', '.join(FILES)} to {out}/")
    decided = bool(len(result.plausible)) and bool(targets["covered"].all())
    if args.quick:  # a smoke test: its few points and replicates cannot decide the targets' coverage
        if not decided:
            print("quick mode is a smoke test: too few points to cover every target is UNDECIDED here, not a "
                  "failure (the full run: python -m sim calibrate --workers 2)")
        return EXIT_OK
    return EXIT_OK if decided else EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.calibration.commands DIR``: the tables and figure of a finished calibration again."""
    parser = argparse.ArgumentParser(prog="python -m sim.calibration.commands",
                                     description="Render calibration_tables.md, targets.csv, constants.csv and "
                                                 "plausible_pairs.png of DIR again from its files (no new runs).")
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    try:
        render(args.directory)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {args.directory}: not a folder `python -m sim calibrate` wrote ({exc})", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
