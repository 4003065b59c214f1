"""The comparison page: N seeded replicates of the current design and of a reference.

Both designs run with the same replicate seeds (common random numbers,
``sim.runner.replicate_seed``), so differences come from the design, not the
dice. The page shows P(escalation) with a 95% Wilson interval and both
Kaplan-Meier survival curves (P(no major attack by week t)).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable

import solara
from matplotlib.figure import Figure

from sim.config import ConfigError, Scenario, load_scenario
from sim.experiments.analysis import km_survival, wilson_interval
from sim.runner import replicate_seed, simulate

MASTER_SEED = 2026
HORIZONS = (52, 104, 156, 260)


@dataclass
class DesignSummary:
    label: str
    n: int
    escalated: int
    p: float
    low: float
    high: float
    median_weeks: float | None
    weeks: list[float] = field(default_factory=list)
    survival: list[float] = field(default_factory=list)
    survival_low: list[float] = field(default_factory=list)
    survival_high: list[float] = field(default_factory=list)


@dataclass
class Comparison:
    current: DesignSummary
    reference: DesignSummary
    horizon: int
    n: int
    master_seed: int


def run_replicates(scenario: Scenario, n: int, *, horizon: int, master_seed: int = MASTER_SEED,
                   on_run: Callable[[int], Any] | None = None) -> list[dict]:
    """Outcomes (``RunResult.run``) of n replicates; ``on_run(i)`` after each (progress, cancel)."""
    runs = []
    for k in range(n):
        runs.append(simulate(scenario, replicate_seed(master_seed, k), weeks=horizon, steps=False,
                             events=False).run)
        if on_run is not None and on_run(k) is False:
            break
    return runs


def summarize(label: str, runs: list[dict], horizon: int) -> DesignSummary:
    n = len(runs)
    k = sum(bool(r["escalated"]) for r in runs)
    low, high = wilson_interval(k, n)
    durations = [float(r["survival_weeks"]) for r in runs]
    observed = [bool(r["escalated"]) for r in runs]
    weeks = list(range(0, horizon + 1))
    km = km_survival(durations, observed, weeks, horizon=horizon)
    surv = km["survival"].tolist()
    below = [w for w, s in zip(weeks, surv) if s <= 0.5]
    return DesignSummary(label, n, k, k / n if n else float("nan"), low, high,
                         float(below[0]) if below else None, weeks, surv,
                         km["low"].tolist(), km["high"].tolist())


def compare(current: Scenario, reference: Scenario, *, n: int, horizon: int,
            master_seed: int = MASTER_SEED, current_label: str = "current design",
            progress: Callable[[float], Any] | None = None) -> Comparison:
    """Run both designs (2n runs) and summarise them; ``progress(fraction)`` as runs finish."""
    total = 2 * n

    def tick(offset: int) -> Callable[[int], Any]:
        def on_run(k: int) -> Any:
            return progress((offset + k + 1) / total) if progress else None
        return on_run

    a = run_replicates(current, n, horizon=horizon, master_seed=master_seed, on_run=tick(0))
    b = run_replicates(reference, n, horizon=horizon, master_seed=master_seed, on_run=tick(n))
    return Comparison(summarize(current_label, a, horizon), summarize(f"reference: {reference.name}", b, horizon),
                      horizon, n, master_seed)


def comparison_figure(result: Comparison) -> Figure:
    fig = Figure(figsize=(13, 4.6), dpi=80)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.9, bottom=0.14, wspace=0.25)
    ax_p, ax_s = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    colours = ("#c62828", "#1565c0")
    styles = ({"lw": 3.2, "ls": "-"}, {"lw": 1.8, "ls": "--"})  # both visible when the curves coincide
    for i, (s, c, st) in enumerate(zip((result.current, result.reference), colours, styles)):
        ax_p.errorbar([i], [s.p], yerr=[[s.p - s.low], [s.high - s.p]], fmt="o", color=c, capsize=8, ms=9)
        ax_p.annotate(f"{s.p:.0%}\n[{s.low:.0%}, {s.high:.0%}]", (i, s.p), textcoords="offset points",
                      xytext=(14, -8), fontsize=10)
        ax_s.step(s.weeks, s.survival, where="post", color=c, **st,
                  label=f"{s.label} ({s.escalated}/{s.n} escalated)")
        ax_s.fill_between(s.weeks, s.survival_low, s.survival_high, step="post", color=c, alpha=0.15)
    ax_p.set_xticks([0, 1], ["current", "reference"])
    ax_p.set_xlim(-0.5, 1.9)
    ax_p.set_ylim(-0.05, 1)
    ax_p.set_ylabel("P(escalation) within the horizon")
    ax_p.set_title(f"P(renewed armed attack), 95% Wilson interval, n = {result.n}")
    ax_p.grid(alpha=0.3)
    ax_s.set_xlim(0, result.horizon)
    ax_s.set_ylim(0, 1.02)
    ax_s.set_xlabel("week after the ceasefire")
    ax_s.set_ylabel("P(no major attack yet)")
    ax_s.set_title("Survival of the ceasefire (Kaplan-Meier, 95% band)")
    ax_s.grid(alpha=0.3)
    ax_s.legend(loc="lower left", fontsize=9)
    return fig


def result_rows(result: Comparison) -> list[dict]:
    rows = []
    for s in (result.current, result.reference):
        rows.append({"design": s.label, "runs": s.n, "escalated": s.escalated,
                     "P(escalation)": f"{s.p:.2f} [{s.low:.2f}, {s.high:.2f}]",
                     "median weeks to escalation": "not reached" if s.median_weeks is None else f"{s.median_weeks:.0f}"})
    return rows


def result_html(result: Comparison) -> str:
    rows = result_rows(result)
    head = "".join(f"<th style='text-align:left;padding:2px 10px'>{html.escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 10px'>{html.escape(str(v))}</td>" for v in r.values())
                   + "</tr>" for r in rows)
    return (f"<table class='comparison-table' style='font-size:14px;color:#222;border-collapse:collapse'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<div style='font-size:12px;color:#555'>{result.n} replicates per design, horizon {result.horizon} "
            f"weeks, common seeds (master seed {result.master_seed}): both designs meet the same luck.</div>")


def design_label(model: Any) -> str:
    design = model.scenario_config
    changes = getattr(model, "overrides", {}) or {}
    if not changes:
        return design.name
    return design.name + " + " + ", ".join(f"{k.split('.', 1)[1]}={v}" for k, v in changes.items())


@solara.component
def ComparisonPage(model: Any, scenario_names: list[str]):
    reference_name = solara.use_reactive("paris_declaration")
    n = solara.use_reactive(50)
    horizon = solara.use_reactive(int(min(260, (model.scenario_config).horizon_weeks)))
    progress = solara.use_reactive(0.0)
    error = solara.use_reactive(None)
    current = model.scenario_config
    label = design_label(model)

    def run() -> Comparison | None:
        error.set(None)
        progress.set(0.0)
        try:
            reference = load_scenario(reference_name.value)
        except ConfigError as exc:
            error.set(str(exc))
            return None
        return compare(current, reference, n=n.value, horizon=horizon.value, current_label=f"current: {label}",
                       progress=lambda f: progress.set(f))

    task = solara.lab.use_task(run, dependencies=None, prefer_threaded=True)

    solara.HTML(tag="div", unsafe_innerHTML=(
        "<b>Compare designs.</b> Runs N seeded replicates of the design on the story page "
        f"(<i>{html.escape(label)}</i>, as of the last Reset) and of a reference scenario, with the same seeds."))
    if getattr(model, "config_error", None):
        solara.Warning(f"The levers make an invalid design ({model.config_error}); the current design "
                       f"is '{current.name}' without your changes.", dense=True)
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Select("Reference scenario", value=reference_name, values=scenario_names,
                      style={"min-width": "240px"})
        with solara.Column(style={"min-width": "280px"}, gap="0px"):
            solara.SliderInt("Replicates per design", value=n, min=10, max=500, step=10)
            solara.Text(f"{n.value} replicates per design, {2 * n.value} runs", style={"font-size": "12px"},
                        classes=["replicates-value"])
        solara.Select("Horizon (weeks)", value=horizon, values=list(HORIZONS), style={"min-width": "140px"})
        solara.Button("Run comparison", color="primary", on_click=task, disabled=task.pending,
                      classes=["run-comparison"])
    if task.pending:
        solara.ProgressLinear(value=progress.value * 100)
        solara.Text(f"Running: {progress.value:.0%} of {2 * n.value} runs done (the page stays usable).",
                    classes=["comparison-progress"])
    if error.value:
        solara.Error(error.value)
    if task.error:
        solara.Error(f"The comparison failed: {task.exception}")
    result = task.value if task.finished else None
    if result is not None:
        solara.HTML(tag="div", unsafe_innerHTML=result_html(result), classes=["comparison-result"])
        solara.FigureMatplotlib(comparison_figure(result), format="png", dependencies=[id(result)])
    elif not task.pending:
        solara.Text("Press 'Run comparison'. Try: set Commitments to 'political only', press Reset, "
                    "then compare with paris_declaration.")
