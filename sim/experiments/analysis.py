"""Analysis of a scenario sweep: how often and how soon the ceasefire breaks, per design point.

``analyze_directory(DIR)`` reads a sweep folder (``runs.csv``, ``design_points.csv``,
``manifest.json``) and writes, beside them:

* ``summary.csv``      one row a design point (``SUMMARY_COLUMNS``);
* ``differences.csv``  one row a design point other than the reference: paired
                       differences against the reference design (``DIFFERENCE_COLUMNS``);
* ``comparison.csv``   one row a design point and outcome level (armed attack, renewed war,
                       territory seized): its risk, the paired difference against the reference
                       in percentage points, a verdict and the rank (``sim.experiments.ranking``);
* ``sensitivity.csv``  LHS and Sobol designs only, with SALib installed: global
                       sensitivity indices (``SENSITIVITY_COLUMNS``);
* ``p_escalation.png``, ``differences.png``, ``survival.png``, ``lever_effects.png``, ``sensitivity.png``.

Definitions used throughout (docs/OUTPUTS.md repeats them):

* *Escalation* is a renewed armed attack (a major attack) before the horizon; its week is
  the survival time. A run without one is censored at the horizon. Censoring is only
  administrative (at the horizon), so the restricted mean survival time (RMST) up to the
  horizon is the plain mean of ``survival_weeks`` and can be differenced pair by pair.
* ``S(t)`` is the Kaplan-Meier probability that no escalation happened in weeks
  ``0..t`` (the ceasefire still holds after week ``t``); intervals are lifelines'
  (exponential Greenwood / log-log). When no escalation happened by ``t`` the estimate is
  1 and the Kaplan-Meier interval collapses to [1, 1]; the Wilson interval on
  ``p_escalation`` is the honest interval at the horizon.
* *Detection rate*: detections by the monitoring mechanism over every violation (Russian
  probes, limited and major attacks, and Ukrainian violations), pooled over the runs
  (sum over sum). Major attacks are always detected when monitoring exists.
* *Attribution accuracy*: correct attributions over correct plus wrong ones (cases closed
  without attribution excluded; attributions of false alarms count as wrong), pooled.

Every CSV loads with a plain ``pd.read_csv`` into the dtypes its columns declare
(``sim.experiments.tables``); floats are written at full precision (``repr``: they read back as the
very floats the API returns), rows are sorted, so the same
``runs.csv`` gives byte-identical tables. ``sim.experiments.reading`` reads the folder,
``sim.experiments.tables`` computes the tables, ``sim.experiments.plots`` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from sim.config import load_scenario
from sim.config.listing import size_in_troops
from sim.experiments import contrasts, plots
from sim.experiments.identification import (
    DECIDE_COLUMNS,
    identification_of_differences,
    identification_of_risks,
    world_constants,
)
from sim.experiments.indices import salib_available, sensitivity_indices
from sim.experiments.parallel import analysis_workers, by_design_point
from sim.experiments.ranking import COMPARISON_COLUMNS, compare_outcomes, ranking_text, risk_by_year
from sim.experiments.reading import load_sweep
from sim.experiments.tables import (
    DIFFERENCE_COLUMNS,
    MAX_CURVES,
    choose_curves,
    design_outputs,
    escalation_summary,
    headline,
    main_effects,
    paired_differences,
    posterior_differences,
    posterior_summary,
    survival_curves,
    table_text,
)
from sim.files import atomic_write


def _reference(manifest: dict[str, Any], design: pd.DataFrame, notes: list[str]) -> int | None:
    if "reference" in manifest and manifest["reference"] is None:
        notes.append(f"no reference: a {manifest.get('design', 'sampled')} design compares no point with a "
                     f"random sample point (differences.csv is empty); name one with 'reference:' in the "
                     f"experiment file to compare with it")
        return None
    ref = manifest.get("reference")
    if isinstance(ref, dict):
        ref = ref.get("design_point", ref.get("label"))
    if isinstance(ref, str) and not ref.isdigit():
        match = design.loc[design["label"] == ref, "design_point"]
        ref = int(match.iloc[0]) if len(match) else None
    if ref is not None and (isinstance(ref, bool) or not isinstance(ref, (int, str))):
        notes.append(f"manifest.json: reference {ref!r} is not a design point; ignored")
        ref = None
    if ref is None:
        if len(design) < 2:
            return None
        ref = int(design["design_point"].iloc[0])
        notes.append(f"no reference design in manifest.json: differences are against design point {ref}")
    return int(ref)


@dataclass
class SweepTables:
    """The analysis of a sweep, in memory: what ``analyze_directory`` writes, before formatting."""

    summary: pd.DataFrame  # one row a design point (SUMMARY_COLUMNS)
    differences: pd.DataFrame  # paired differences against the reference (DIFFERENCE_COLUMNS)
    sensitivity: pd.DataFrame | None  # LHS/Sobol designs with SALib installed (SENSITIVITY_COLUMNS)
    reference: int | None
    params: list[str]  # every parameter column of the design
    varied: list[str]  # those that take more than one value
    roles: dict[str, str]
    kind: str  # the design: grid, lhs, sobol, scenarios, scenarios+grid, ...
    horizon: int
    notes: list[str] = field(default_factory=list)
    comparison: pd.DataFrame | None = None  # every design against the reference at each outcome level, ranked
    risk_by_year: dict[int, dict[int, float]] = field(default_factory=dict)  # design point -> year -> P(war)


def analyze_runs(runs: pd.DataFrame, design: pd.DataFrame, manifest: dict[str, Any],
                 params: Sequence[str], notes: Sequence[str] | None = None, *,
                 workers: int | None = None, max_workers: int | None = None) -> SweepTables:
    """Summary, paired differences and sensitivity of a sweep's runs (nothing written).

    ``runs``, ``design`` and ``manifest`` are runs.csv, design_points.csv and manifest.json
    as ``load_sweep`` reads them; ``params`` the design's parameter columns. ``workers``:
    processes for the per-design-point statistics and the delta index (default: one for the tables, every
    core for a large delta index, at most ``max_workers``: after a sweep, its workers; the tables are the
    same whatever the number, sim.experiments.parallel).
    """
    params = list(params)
    notes = list(notes or [])
    notes += [f"{n} (duplicate design points collapsed)" for n in manifest.get("collapsed") or [] if isinstance(n, str)]
    status = manifest.get("status")
    if status not in (None, "complete"):
        notes.append(f"sweep status is {status!r}: the tables cover the {len(runs)} runs written so far")
    kind = str(manifest.get("design", "scenarios"))
    roles = {p: "lever" for p in _names(manifest.get("levers"))}
    roles.update({p: "uncertainty" for p in _names(manifest.get("uncertainties"))})
    varied = [p for p in params if design[p].nunique(dropna=True) > 1]
    if "force.size" in varied:  # a multiplier means little without the troops it multiplies
        sizes = sorted(float(v) for v in design["force.size"].dropna().unique())
        notes.append("force.size is x the pledged contributions: " + ", ".join(
            f"{v:g} = {size_in_troops(v)}" for v in sizes) + " (their central reading, scenarios/force_contributions.csv)")
    head = design[["design_point", "label", "scenario", *params]]

    # summary: every design point, runs or not
    asked, workers = workers, analysis_workers(int(design["design_point"].nunique()), workers)
    stats_df = by_design_point(escalation_summary, runs, ["design_point"], workers=workers)
    summary = head.merge(stats_df, on="design_point", how="left")
    summary["runs"] = summary["runs"].fillna(0).astype("int64")
    summary["escalations"] = summary["escalations"].fillna(0).astype("int64")
    h = manifest.get("horizon_weeks")
    fallback = h if isinstance(h, int) else int(runs["horizon_weeks"].max())
    summary["horizon_weeks"] = summary["horizon_weeks"].fillna(fallback).astype("int64")
    summary = summary.sort_values("design_point").reset_index(drop=True)

    # paired differences against the reference
    ref = _reference(manifest, design, notes)
    diff_cols = ["design_point", "label", "scenario", *params,
                 *list(DIFFERENCE_COLUMNS)[list(DIFFERENCE_COLUMNS).index("reference_design_point"):]]
    differences = pd.DataFrame(columns=diff_cols)
    if ref is not None and (runs["design_point"] == ref).any():
        d = by_design_point(paired_differences, runs, ref, workers=workers, shared=ref)
        d.insert(2, "reference_label", str(design.loc[design["design_point"] == ref, "label"].iloc[0]))
        differences = head.merge(d, on="design_point", how="inner")[diff_cols]
        differences = differences.sort_values("design_point").reset_index(drop=True)
        decide = identification_of_differences(runs.drop(columns="posterior_draw", errors="ignore"), differences,
                                               ref, None)
        differences = differences.merge(decide, on="design_point", how="left")
    elif ref is not None:
        notes.append(f"reference design point {ref} has no runs: no differences")

    # parameter uncertainty: the sweep drew constants from a posterior (runs.csv posterior_draw)
    if "posterior_draw" in runs.columns:
        summary = summary.merge(posterior_summary(runs), on="design_point", how="left")
        worlds = world_constants(manifest, notes)
        summary = summary.merge(identification_of_risks(runs, worlds), on="design_point", how="left")
        if len(differences):
            differences = differences.merge(posterior_differences(runs, differences, ref), on="design_point",
                                            how="left")
            turns = identification_of_differences(runs, differences, ref, worlds)
            differences = differences.merge(turns.drop(columns=list(DECIDE_COLUMNS)), on="design_point", how="left")
        if runs["posterior_draw"].nunique() < 2:
            notes.append("one posterior draw only: no interval from parameter uncertainty")

    # paired comparisons within strata (experiment key 'contrasts'), after the rows against the reference
    def against(sub: pd.DataFrame, a: int) -> pd.DataFrame:  # B's row against A, as the rows above are made
        d = paired_differences(sub, a)
        d.insert(2, "reference_label", str(design.loc[design["design_point"] == a, "label"].iloc[0]))
        rows = head.merge(d, on="design_point", how="inner")[diff_cols]
        rows = rows.merge(identification_of_differences(sub.drop(columns="posterior_draw", errors="ignore"), rows,
                                                        a, None), on="design_point", how="left")
        if "posterior_draw" in sub.columns:
            rows = rows.merge(posterior_differences(sub, rows, a), on="design_point", how="left")
            turns = identification_of_differences(sub, rows, a, world_constants(manifest, []))
            rows = rows.merge(turns.drop(columns=list(DECIDE_COLUMNS)), on="design_point", how="left")
        return rows

    differences = contrasts.with_contrasts(differences, contrasts.contrast_rows(runs, manifest, against))

    # sensitivity (LHS / Sobol), SALib optional
    sensitivity = None
    if kind in ("lhs", "sobol"):
        if salib_available():
            sensitivity = sensitivity_indices(design, design_outputs(runs), varied, roles=roles,
                                              design_kind=kind, notes=notes, workers=asked,
                                              max_workers=max_workers)
        else:
            notes.append("sensitivity indices skipped: SALib is not installed "
                         "(pip install 'paris-guarantees-sim[sensitivity]')")
    horizon = int(summary["horizon_weeks"].max())
    comparison = compare_outcomes(runs, design, ref if ref is not None and (runs["design_point"] == ref).any()
                                  else None)
    return SweepTables(summary, differences, sensitivity, ref, params, varied, roles, kind, horizon, notes,
                       comparison, risk_by_year(runs, horizon))


def analyze_directory(directory: Path, *, quiet: bool = False, shown_as: Path | None = None) -> pd.DataFrame:
    """Write summary.csv, differences.csv, sensitivity.csv and the plots of a sweep folder.

    Returns the summary (one row a design point). Prints a headline table and notes
    (skipped parts, partial sweeps) unless ``quiet``.
    """
    return analyze_and_write(Path(directory), quiet=quiet, shown_as=shown_as).summary


def analyze_and_write(directory: Path, *, quiet: bool = False, shown_as: Path | None = None,
                      max_workers: int | None = None) -> SweepTables:
    """``analyze_directory``, returning every table (``max_workers``: the most processes it may use)."""
    directory = Path(directory)
    notes: list[str] = []
    runs, design, manifest, params = load_sweep(directory, notes)
    t = analyze_runs(runs, design, manifest, params, notes, max_workers=max_workers)
    atomic_write(directory / "summary.csv", table_text(t.summary, params))
    atomic_write(directory / "differences.csv", table_text(t.differences, params))
    atomic_write(directory / "comparison.csv", table_text(t.comparison[list(COMPARISON_COLUMNS)]))
    if t.sensitivity is not None:
        atomic_write(directory / "sensitivity.csv", table_text(t.sensitivity))
    shown = [p for p in t.varied if p in runs.columns] + contrasts.effect_factors(manifest, runs)
    written = plots.write_all(
        directory, summary=t.summary, reference=t.reference, horizon=t.horizon, roles=t.roles, notes=t.notes,
        curves=survival_curves(runs, choose_curves(t.summary, t.reference, MAX_CURVES), t.horizon),
        effects=main_effects(runs, shown) if shown else None, sensitivity=t.sensitivity,
        comparison=t.comparison, shocks=shock_marks(manifest, t.summary))
    if contrasts.plot_contrasts(t.differences, directory / "contrasts.png", horizon=t.horizon):
        written.append("contrasts.png")
    if not quiet:
        print(ranking_text(t.comparison, t.risk_by_year, reference=t.reference, horizon=t.horizon)
              + contrasts.contrasts_text(t.differences))
        if "p_param_low" in t.summary.columns:  # parameter uncertainty beside chance
            print("\nWith the posterior's parameter uncertainty (renewed war):")
            print(headline(t.summary, reference=t.reference))
        files = (["summary.csv", "differences.csv", "comparison.csv"]
                 + (["sensitivity.csv"] if t.sensitivity is not None else []))
        print(f"wrote {', '.join(files + written)} to {shown_as or directory}/")
        for note in t.notes:
            print(f"note: {note}")
    return t


def shock_marks(manifest: dict[str, Any], summary: pd.DataFrame) -> list[tuple[str, int, str]]:
    """The dated shocks of the sweep's scenarios, as (scenario, week, description), for the survival plot.

    Read from the scenario files as they resolve now (a mark, not a result: a scenario that no longer
    loads is left out)."""
    marks = []
    for name in sorted(set(summary.loc[summary["runs"] > 0, "scenario"].astype(str))):
        try:
            sc = load_scenario(name)
        except Exception:  # noqa: BLE001 - a mark on a plot never fails the analysis
            continue
        for shock in sc.shocks:
            week = shock.week if shock.week is not None else sc.week_of(shock.date)
            marks.append((name, int(week), shock.description or ", ".join(shock.set)))
    return marks


def _names(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

