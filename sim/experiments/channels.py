"""Which mechanism does a design act through? Its effect decomposed by channel on paired runs.

A **channel** is a set of parameter overrides that switches one mechanism of deterrence off.
For a comparison of two designs (a reference A and a variant B, each a ``Design``) the
difference B - A of an outcome is measured with every channel on, then with each channel
switched off *in both designs*, on the same seeds (common random numbers). A channel's
**share** is the difference with everything on less the difference with that channel off:
what the comparison loses when the mechanism cannot act. Its interval comes from chance
(the t interval of the per-replicate difference of differences, four runs on one seed).

The channels (``CHANNELS``; the issue's four, with denial split in two: what allies add in a
fight, and Ukraine's strength that long-term support builds; docs/MECHANISMS.md):

* **denial**: what the guarantees add to Ukraine's defence in a fight. The force fights no
  one (rules of engagement ``reassurance``) and denies nothing from the air or the sea; G4
  military support adds nothing in the field and G4 intelligence and logistics nothing to
  Ukraine's defence; the G2 stockpiles send nothing. Russia knows it (it reads the same
  parameters). Ukraine's own defence (P1) and the long-term support that builds it (G2
  volume, G5 training and co-production) stay: they are the ground a fight starts from.
* **support**: Ukraine's own strength as the long-term support builds it, the part of denial
  that exists before any fight: G2 military aid and budget support, G5 training and
  co-production, help with fortifications, all at zero. Ukraine's initial forces (P1) stay.
* **punishment**: what Russia expects to pay. Pledged responses cost it nothing
  (``payoffs.punishment_weight``), sanctions restored or threatened weigh nothing in its
  choice (``sanctions.cost_weight``), no snapback, no G4 sanctions added to the sanctions
  level, no diplomatic cost of attacking after a warning.
* **warning**: detection of the indicators of a preparation by intelligence (the
  Coalition's and the US's) and by the monitors: none is detected, so no warning is issued
  and Russia expects none. Monitoring of violations (G1 attribution) stays.
* **politics**: political time. No change of government at any election and no election
  noise, no fatigue, no US withdrawal (within the term or after a change of administration).
  Rallies (a threat seen, the tripwire) stay: they are what a design adds, not time passing.

The shares need not add up to the total: channels interact (a dropped pledge is both
politics and punishment; a warning's readiness is both warning and denial). ``all channels
off`` gives what acts through none of them, and ``Decomposition.interaction`` the total
less that residual less the sum of the shares (zero when the channels are additive).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.config import ConfigError
from sim.executors import executor, map_in_order
from sim.experiments.execution import RUN_VALUE_COLUMNS, Task, run_tasks
from sim.experiments.identification import pairs_to_decide
from sim.experiments.paired import BINARY_COLUMNS, NUMERIC_COLUMNS, Contrast, Design, contrast, paired_runs, values
from sim.experiments.ranking import OUTCOME_LEVELS
from sim.files import csv_rows
from sim.outputs import Column

__all__ = ["CHANNELS", "Channel", "ChannelShare", "Decomposition", "Design", "configurations", "decompose",
           "decomposition_of", "decomposition_of_sweep_runs", "run_sweep_points"]

ALL_ON, ALL_OFF = "all channels on", "all channels off"


@dataclass(frozen=True)
class Channel:
    """A mechanism of deterrence and the overrides that switch it off."""

    name: str
    off: Mapping[str, Any]
    what: str  # one line: what switching it off removes


CHANNELS: tuple[Channel, ...] = (
    Channel("denial", {
        "force.rules_of_engagement": "reassurance",  # the force's troops and aircraft defend nothing
        "force.air_denial_per_unit": 0.0,             # air policing denies no strike
        "force.sea_denial_per_unit": 0.0,             # maritime presence denies no limited gain
        "payoffs.military_effect": 0.0,               # G4 military support adds nothing in the field
        "commitments.assistance_per_unit": 0.0,       # G4 intelligence and logistics add no defence
        "support.surge_size": 0.0,                    # the G2 stockpiles send nothing
    }, "the force's defence and air and sea denial, G4 military support in the field and G4 assistance, "
       "G2 stockpile surges"),
    Channel("support", {
        "support.volume": 0.0,                     # no G2 military aid
        "support.budget_cooperation": False,       # nor budget support
        "cooperation.training": 0.0,               # no G5 training
        "cooperation.co_production": 0.0,          # nor co-production
        "support.fortification_assistance": 0.0,   # no help with fortifications
    }, "Ukraine's strength built by long-term support (G2 aid and budget, G5 training and co-production, "
       "fortifications): the denial that exists before a fight"),
    Channel("punishment", {
        "payoffs.punishment_weight": 0.0,      # pledged responses cost Russia nothing
        "sanctions.cost_weight": 0.0,          # sanctions restored or threatened weigh nothing
        "sanctions.snapback": "none",          # relieved sanctions never come back
        "commitments.sanctions_per_unit": 0.0,  # G4 sanctions add nothing to the sanctions level
        "warning.diplomatic_cost": 0.0,        # attacking after a public warning costs nothing
    }, "the cost of pledged responses, of sanctions (snapback, G4 sanctions, a threatened package) and of a "
       "warning's audience"),
    Channel("warning", {
        "warning.coalition_intelligence_detection": 0.0,  # the Coalition's intelligence sees no indicator
        "warning.us_intelligence_detection": 0.0,         # nor does US intelligence
        "warning.monitoring_detection": 0.0,              # nor do the monitors
    }, "detection of a preparation's indicators (no warning is ever issued)"),
    Channel("politics", {
        "members.government_change_scale": 0.0,             # no change of government at any election
        "members.election_shock": 0.0,                       # elections move no resolve
        "members.fatigue_per_year": 0.0,                     # no fatigue
        "united_states.within_term_withdrawal_per_year": 0.0,  # the US never withdraws within a term
        "united_states.withdrawal_on_change": 0.0,           # nor after a change of administration
    }, "changes of government and election noise, fatigue, US withdrawals"),
)


@dataclass(frozen=True)
class ChannelShare:
    """One channel: the difference B - A with it off in both designs, and its share of the total."""

    channel: str
    without: Contrast  # B - A with the channel off
    share: Contrast  # (B - A) with everything on less (B - A) with the channel off, per replicate


@dataclass
class Decomposition:
    """The decomposition of B - A by channel (``decompose``)."""

    reference: str
    variant: str
    outcome: str
    replications: int
    master_seed: int
    world: Mapping[str, Any]
    total: Contrast  # B - A with every channel on
    channels: list[ChannelShare]
    residual: Contrast  # B - A with every channel off at once
    definitions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    means: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # configuration -> (mean A, mean B)

    @property
    def interaction(self) -> float:
        """Total less the residual less the sum of the shares: zero when the channels add up."""
        return self.total.mean - self.residual.mean - sum(c.share.mean for c in self.channels)

    def table(self) -> pd.DataFrame:
        """One row per configuration (all on, each channel off, all off): the mean outcome of each
        design, the difference B - A with its interval, and the channel's share with its interval
        and its part of the total."""
        rows = []

        def row(name: str, diff: Contrast, share: Contrast | None) -> dict[str, Any]:
            a, b = self.means.get(name, (math.nan, math.nan))
            out = {"configuration": name, "reference_mean": a, "variant_mean": b, "difference": diff.mean,
                   "difference_low": diff.low, "difference_high": diff.high}
            if share is None:
                out.update(share=math.nan, share_low=math.nan, share_high=math.nan, share_of_total=math.nan,
                           share_p_value=math.nan)
            else:
                out.update(share=share.mean, share_low=share.low, share_high=share.high,
                           share_of_total=share.mean / self.total.mean if self.total.mean else math.nan,
                           share_p_value=share.p_value)
            return out

        rows.append(row(ALL_ON, self.total, None))
        rows += [row(f"{c.channel} off", c.without, c.share) for c in self.channels]
        rows.append(row(ALL_OFF, self.residual, None))
        return pd.DataFrame(rows)

    def note(self, points: bool = False) -> str:
        """What the numbers say, in words: the total, the largest share, how far the shares add up.
        ``points``: a share of runs in percentage points (+6.5) rather than as a proportion (+0.065)."""
        t = self.total

        def f(x: float) -> str:
            return f"{100 * x:+.1f} points" if points else f"{x:+.3f}"
        lines = [f"{self.variant} against {self.reference}, {self.outcome}: difference {f(t.mean)} "
                 f"(95% {f(t.low)} to {f(t.high)}) over {t.n} paired replicates."]
        decided = [c for c in self.channels if c.share.decided]
        if not t.decided:
            need = pairs_to_decide(t.higher, t.lower, t.n, False) if _binary(self.outcome) else math.nan
            if not math.isnan(need):
                more = f"about {int(need):,} pairs would decide the difference seen"
            elif t.higher == t.lower:
                more = (f"as many replicates went one way ({t.higher}) as the other, so more would only narrow the "
                        f"interval around zero")
            else:
                more = "more replicates would decide it"
            lines.append(f"The total difference is not told apart from chance at this number of pairs; {more}.")
        if decided:
            best = max(decided, key=lambda c: abs(c.share.mean))
            lines.append(f"Largest share told apart from chance: {best.channel} ({f(best.share.mean)}, 95% "
                         f"{f(best.share.low)} to {f(best.share.high)}).")
        elif t.decided:
            lines.append("No channel's share is told apart from chance on its own.")
        against = [c.channel for c in self.channels if c.share.decided and c.share.mean * t.mean < 0]
        if against:
            lines.append(f"Shares opposite in sign to the total ({', '.join(against)}): switching the channel off "
                         "widens the gap, so the channel, acting in both designs, makes up for part of what one "
                         "design lacks (the channels substitute for one another).")
        shares = sum(c.share.mean for c in self.channels)
        lines.append(f"Sum of the shares {f(shares)}; with every channel off the difference is "
                     f"{f(self.residual.mean)}; interaction (total - residual - sum of shares) "
                     f"{f(self.interaction)}. Channels interact, so shares need not add up to the total.")
        return " ".join(lines)

    def to_markdown(self, digits: int = 3) -> str:
        """The table as Markdown, with the channels' definitions and the note under it."""
        t = self.table()
        f = f"{{:+.{digits}f}}"

        def ci(v: float, lo: float, hi: float) -> str:
            return "" if math.isnan(v) else f"{f.format(v)} ({f.format(lo)} to {f.format(hi)})"

        lines = [f"**{self.variant}** against **{self.reference}**: `{self.outcome}`, "
                 f"{self.replications} paired replicates (master seed {self.master_seed})"
                 + (", world: " + ", ".join(f"`{k}` = {v}" for k, v in self.world.items()) if self.world else ""),
                 "",
                 "| configuration | reference | variant | difference (95%) | share of the channel (95%) | "
                 "part of the total |",
                 "|---|---|---|---|---|---|"]
        for _, r in t.iterrows():
            part = "" if math.isnan(r.share_of_total) else f"{r.share_of_total:.0%}"
            lines.append(f"| {r.configuration} | {r.reference_mean:.{digits}f} | {r.variant_mean:.{digits}f} | "
                         f"{ci(r.difference, r.difference_low, r.difference_high)} | "
                         f"{ci(r.share, r.share_low, r.share_high)} | {part} |")
        lines += ["", self.note(), ""]
        return "\n".join(lines)


def _design(d: Design | str | Mapping[str, Any]) -> Design:
    if isinstance(d, Design):
        return d
    if isinstance(d, str):
        return Design(d)
    if isinstance(d, Mapping):
        d = dict(d)
        return Design(d.pop("scenario", "paris_declaration"), d.pop("params", d), d.pop("label", "") or "")
    raise TypeError(f"a design is a Design, a scenario name or a mapping, not {type(d).__name__}")


def configurations(channels: Sequence[Channel] = CHANNELS) -> list[tuple[str, dict[str, Any]]]:
    """(name, overrides) of every configuration a decomposition runs: all channels on, each channel off,
    all channels off, in that order."""
    everything_off: dict[str, Any] = {}
    for ch in channels:
        everything_off.update(ch.off)
    return [(ALL_ON, {})] + [(f"{ch.name} off", dict(ch.off)) for ch in channels] + [(ALL_OFF, everything_off)]


def outcome_values(runs: pd.DataFrame, outcome: str) -> np.ndarray:
    """An outcome of each run as floats: a numeric runs.csv column, or one of the three outcome levels
    (``armed_attack``, ``renewed_war``, ``territory_seized``: sim.experiments.ranking.OUTCOME_LEVELS)."""
    if outcome in OUTCOME_LEVELS:
        return OUTCOME_LEVELS[outcome][2](runs).astype(float)
    return values(runs, outcome)


def _binary(outcome: str) -> bool:
    return outcome in BINARY_COLUMNS or outcome in OUTCOME_LEVELS


def _check_outcome(outcome: str) -> None:
    if outcome not in NUMERIC_COLUMNS and outcome not in OUTCOME_LEVELS:
        raise KeyError(f"{outcome!r} is not a numeric runs.csv column (docs/OUTPUTS.md lists them) nor an "
                       f"outcome level ({', '.join(OUTCOME_LEVELS)})")


def decomposition_of(runs: Sequence[tuple[pd.DataFrame, pd.DataFrame]], *, reference: str, variant: str,
                     outcome: str, master_seed: int, world: Mapping[str, Any] | None = None,
                     channels: Sequence[Channel] = CHANNELS) -> Decomposition:
    """The decomposition from runs already made: ``runs[i]`` = (reference's runs, variant's runs) under
    configuration i of ``configurations(channels)``, row k of every table on the same seed."""
    _check_outcome(outcome)
    confs = configurations(channels)
    if len(runs) != len(confs):
        raise ValueError(f"{len(runs)} configurations of runs for {len(confs)} configurations")
    pairs = [(outcome_values(x, outcome), outcome_values(y, outcome)) for x, y in runs]
    means = {name: (float(np.nanmean(x)), float(np.nanmean(y))) for (name, _), (x, y) in zip(confs, pairs)}
    binary = _binary(outcome)
    diffs = [contrast(y - x, (x, y) if binary else None) for x, y in pairs]
    total_per_replicate = pairs[0][1] - pairs[0][0]
    shares = [ChannelShare(ch.name, diffs[i + 1], contrast(total_per_replicate - (pairs[i + 1][1] - pairs[i + 1][0])))
              for i, ch in enumerate(channels)]
    return Decomposition(reference=reference, variant=variant, outcome=outcome, replications=len(pairs[0][0]),
                         master_seed=master_seed, world=dict(world or {}), total=diffs[0], channels=shares,
                         residual=diffs[-1], definitions={ch.name: dict(ch.off) for ch in channels}, means=means)


def decompose(reference: Design | str | Mapping[str, Any], variant: Design | str | Mapping[str, Any], *,
              outcome: str = "escalated", channels: Sequence[Channel] = CHANNELS,
              world: Mapping[str, Any] | None = None, replications: int = 1000, master_seed: int = 20260106,
              workers: int = 1, weeks: int | None = None) -> Decomposition:
    """The difference variant - reference in ``outcome`` (a runs.csv column or an outcome level), decomposed
    by channel.

    ``reference``, ``variant``: a ``Design`` (a scenario and parameters), a scenario name, or a
    mapping ``{"scenario": ..., "params": {...}}``. ``world``: parameters both designs share
    (a plausible world, e.g. ``{"russia.ambition": 2.0}``), under each design's own parameters.
    Runs 2 x (len(channels) + 2) configurations x ``replications`` replicates, replicate k of
    every one with the seed ``replicate_seed(master_seed, k)``. Raises ConfigError for a bad
    design or channel override, KeyError for an unknown outcome.
    """
    a, b = _design(reference), _design(variant)
    world = dict(world or {})
    _check_outcome(outcome)
    confs = configurations(channels)
    scenarios = []
    for _, off in confs:
        scenarios += [a.configured(world, off), b.configured(world, off)]
    runs = paired_runs(scenarios, replications, master_seed, workers=workers, weeks=weeks)
    return decomposition_of([(runs[2 * k], runs[2 * k + 1]) for k in range(len(confs))], reference=a.name,
                            variant=b.name, outcome=outcome, master_seed=master_seed, world=world,
                            channels=channels)


# --- the decomposition of a contrast between two design points of a sweep -----------------------

# The runs of a decomposition of a sweep's contrast (``run_sweep_points``; `python -m sim questions` keeps
# them in RESULTS/q_NAME_channels/runs.csv): these columns, then runs.csv's from ``scenario`` on.
SWEEP_RUN_COLUMNS: dict[str, Column] = {
    "configuration": ("object", "", "Which mechanisms act: 'all channels on', '<channel> off' (denial, support, "
                                    "punishment, warning, politics: sim/experiments/channels.py) or 'all channels "
                                    "off'."),
    "role": ("object", "", "reference or variant: which design of the contrast the run is."),
    "run_id": ("int64", "", "The sweep's run id of this design point and replicate (design_point * 100000 + "
                            "replicate): with every channel on, the very run of the sweep's runs.csv."),
    "design_point": ("int64", "", "The sweep's design point."),
    "replicate": ("int64", "", "Replicate k: the seed replicate_seed(master_seed, k), the same in every "
                               "configuration and design (common random numbers)."),
    "posterior_draw": ("int64", "", "The plausible world (posterior draw k % draws) the run's constants come "
                                    "from; empty without a posterior."),
}


def _sweep_chunk(tasks: list[Task]) -> list[list[str]]:
    """Run a chunk of a sweep's tasks and keep runs.csv's values of each (as the sweep writes them)."""
    width = len(RUN_VALUE_COLUMNS)
    return [next(csv.reader([o.runs_line]))[-width:] for o in run_tasks(tasks)]


def run_sweep_points(exp: Any, reference: int, variant: int, replications: int, *,
                     channels: Sequence[Channel] = CHANNELS, workers: int = 1) -> str:
    """Design points ``reference`` and ``variant`` of a sweep (a ``sim.experiments.config.Experiment``,
    with its posterior when it has one) under every configuration of ``configurations(channels)``.

    Replicate k runs as the sweep runs it (the same task: scenario, the design point's values, seed,
    posterior draw k % draws, study folder), with the channel's overrides applied last, so with every
    channel on it is the sweep's own run. Returns CSV text (a header, then one line a run:
    ``SWEEP_RUN_COLUMNS`` then runs.csv's values, formatted as the sweep's runs.csv has them; the same
    bytes whatever the number of workers); ``pd.read_csv(io.StringIO(text))`` reads it."""
    params = exp.parameters
    tasks: list[Task] = []
    meta: list[tuple[str, str, int, int, int | None]] = []
    for name, off in configurations(channels):
        for role, dp in (("reference", reference), ("variant", variant)):
            point = exp.points[dp]
            for rep in range(replications):
                draw, constants = (None, ()) if exp.posterior is None else exp.posterior.for_replicate(rep)
                overrides = tuple(zip(params, point.values)) + tuple(off.items())
                tasks.append(Task(dp * 100000 + rep, dp, rep, point.scenario_ref, overrides, exp.master_seed,
                                  exp.horizon_weeks, study=exp.study, constants=constants, posterior_draw=draw))
                meta.append((name, role, dp * 100000 + rep, dp, rep, draw))
    size = 8
    chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    with executor(workers) as ex:
        done = map_in_order(ex.executor, _sweep_chunk, chunks, window=max(1, 4 * ex.slots))
    rows = [r for chunk in done for r in chunk]
    return csv_rows([[*m, *r] for m, r in zip(meta, rows)], header=[*SWEEP_RUN_COLUMNS, *RUN_VALUE_COLUMNS])


def decomposition_of_sweep_runs(runs: pd.DataFrame, *, outcome: str, reference: str, variant: str,
                                master_seed: int, channels: Sequence[Channel] = CHANNELS) -> Decomposition:
    """The decomposition from ``run_sweep_points``' table (or the CSV it was saved to)."""
    tables = []
    for name, _ in configurations(channels):
        pair = []
        for role in ("reference", "variant"):
            t = runs[(runs["configuration"] == name) & (runs["role"] == role)]
            if t.empty:
                raise ValueError(f"no runs of the {role} with {name!r}")
            pair.append(t.set_index("replicate").sort_index())
        if not pair[0].index.equals(pair[1].index):
            raise ValueError(f"{name!r}: the reference and the variant ran different replicates")
        tables.append((pair[0], pair[1]))
    return decomposition_of(tables, reference=reference, variant=variant, outcome=outcome,
                            master_seed=master_seed, channels=channels)


def page(decompositions: Sequence[Decomposition], command: str) -> str:
    """docs/MECHANISMS.md: the channels' definitions, then one table a comparison."""
    lines = ["# Mechanisms: which channel does a design act through?", "",
             f"Generated by `{command}` (sim/experiments/channels.py; do not edit by hand).", "",
             "A design's effect against a reference is measured with every channel of deterrence on, then with "
             "each channel switched off in both designs, on the same seeds (common random numbers). A channel's "
             "**share** is the difference with everything on less the difference with that channel off: what the "
             "comparison loses when the mechanism cannot act. Shares need not add up to the total: channels "
             "interact, and the table gives the difference left with every channel off and the interaction "
             "(total - that residual - the sum of the shares).", "",
             "| channel | switched off by | what it removes |", "|---|---|---|"]
    for ch in CHANNELS:
        lines.append(f"| {ch.name} | " + ", ".join(f"`{k}` = {v}" for k, v in ch.off.items()) + f" | {ch.what} |")
    lines.append("")
    for d in decompositions:
        lines += [f"## {d.variant} against {d.reference}", "", d.to_markdown(), ""]
    return "\n".join(lines)


def _value(text: str) -> Any:

    return yaml.safe_load(text)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.experiments.channels REFERENCE VARIANT [...]``: the decomposition as Markdown."""


    p = argparse.ArgumentParser(prog="python -m sim.experiments.channels",
                                description="Decompose a design's effect against a reference by channel "
                                            "(denial, punishment, warning, politics) on paired runs.")
    p.add_argument("pairs", nargs="+", metavar="REFERENCE VARIANT",
                   help="scenario names or paths, two by two (reference then variant)")
    p.add_argument("--outcome", default="escalated", help="a numeric runs.csv column (default escalated)")
    p.add_argument("--world", nargs="*", default=[], metavar="PATH=VALUE",
                   help="parameters both designs share, e.g. russia.ambition=2.0")
    p.add_argument("--replications", type=int, default=400, help="paired replicates (default 400)")
    p.add_argument("--master-seed", type=int, default=20260106)
    p.add_argument("--weeks", type=int, default=None, help="horizon (default: each scenario's own)")
    p.add_argument("--workers", type=int, default=1, help="local processes (the numbers do not depend on it)")
    p.add_argument("--page", default=None, help="write the page (docs/MECHANISMS.md) here instead of printing")
    args = p.parse_args(argv)
    if len(args.pairs) % 2:
        p.error("give the designs two by two: REFERENCE VARIANT [REFERENCE VARIANT ...]")
    if args.replications < 2:
        p.error("--replications must be at least 2")
    world = {}
    for item in args.world:
        key, sep, value = item.partition("=")
        if not sep:
            p.error(f"--world {item!r}: expected PATH=VALUE")
        world[key] = _value(value)
    try:
        out = [decompose(a, b, outcome=args.outcome, world=world, replications=args.replications,
                         master_seed=args.master_seed, workers=args.workers, weeks=args.weeks)
               for a, b in zip(args.pairs[::2], args.pairs[1::2])]
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"--outcome: {exc.args[0]}", file=sys.stderr)
        return 2
    command = "python -m sim.experiments.channels " + " ".join(argv if argv is not None else sys.argv[1:])
    text = page(out, command.strip())
    if args.page:

        Path(args.page).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
