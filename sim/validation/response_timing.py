"""The 2022 record: how fast and how broadly the members respond militarily to a renewed attack.

After Russia's full-scale invasion of 24 February 2022, the Coalition's members, with no
binding commitment and no commission, gave military aid fast and broadly: of the 32
members the Kiel Institute's Ukraine Support Tracker covers, about 17 within a week, 17-23
within 4-5 weeks, 23-28 within 8-9 weeks and 28 within 12-14 weeks (the tracker dates
allocations by month; dated announcements narrow the first weeks:
``scenarios/kiel_2022_response_timing.csv``). This module puts the model in the same
position: a design whose commitments are political (``ratification.seek_ratification:
false``, as in 2022), a self-evident renewed armed attack in week 0, the model's own chain
from the attack to the members' decision, then the members' cascade, lags and votes. It
counts, among the same 32 members, those whose military response took effect within 4, 8
and 12 weeks of the attack, and those that decided one (the analogue of an announcement).

**Mapping.** Kiel counts *aid* (weapons, equipment, money for them), announced by governments
without a vote. The model's G4 "military capabilities" response is a member's armed forces
or military capabilities in a war, which needs a parliamentary vote where troops do (the
members file), and costs a member more (``commitments.response_costs``). 2022 offers no
analogue of a military response with forces; the record is an upper bound on the speed and
breadth of that, and the literature expects a response with forces to be slower and narrower
than aid: states honour alliance commitments about three times in four when invoked (Leeds,
Long & Mitchell 2000: 74.5%; Leeds 2003) and contribute forces well below their aid
(burden-sharing: Olson & Zeckhauser 1966), and parliaments can refuse troops a government
wanted (the UK Commons, Syria, 2013). A model below the record is what that literature
predicts; a model above it would not be. No constant is tuned to this measure.

``python -m sim.validation.response_timing [--seeds N] [--out FILE]`` prints (or writes) the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from dataclasses import dataclass
from typing import Any

from pathlib import Path

import numpy as np
import pandas as pd

from sim.model import DeterrenceModel  # first: it imports the chain, the agents and the responses in order
from sim.chain import Decision  # noqa: I001 (after the model)
from sim.config import data_file_path
from sim.data import read_kiel_2022
from sim.files import atomic_write
from sim.ladder import RUSSIA, Action, Violation

WEEKS = (4, 8, 12)
INVASION = dt.date(2022, 2, 24)
RECORD_FILE = "kiel_2022_response_timing.csv"
# The design of the comparison: the declaration with political commitments, as in 2022.
DESIGN = {"ratification.seek_ratification": False}


@dataclass(frozen=True)
class Record:
    """The 2022 count within ``weeks`` weeks: at least ``low``, at most ``high``, of ``covered`` members."""

    weeks: int
    low: int
    high: int
    covered: int


def _month_span(month: str) -> tuple[float, float]:
    """Weeks after the invasion of the first and the last day of a month 'YYYY-MM'."""
    year, m = (int(x) for x in month.split("-"))
    first = dt.date(year, m, 1)
    last = dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return (first - INVASION).days / 7.0, (last - INVASION).days / 7.0


def record(table: pd.DataFrame, weeks: tuple[int, ...] = WEEKS) -> list[Record]:
    """The 2022 counts from the record: a member counts within W weeks if it announced military aid
    by then (non-lethal aid apart), or if its first military allocation's month ended by then (at
    least) or began by then (at most): the tracker dates allocations by month only."""
    rows = table[table.in_kiel]
    announced, begun, ended = [], [], []
    for r in rows.itertuples():
        day = r.press_first_announcement
        if day and not r.press_non_lethal:
            day = dt.date.fromisoformat(day if len(day) == 10 else day + "-01")
            announced.append((day - INVASION).days / 7.0)
        else:
            announced.append(math.inf)
        start, end = _month_span(r.kiel_first_military_month) if r.kiel_first_military_month else (math.inf,) * 2
        begun.append(start)
        ended.append(end)
    a, b, e = np.array(announced), np.array(begun), np.array(ended)
    return [Record(w, int(((a <= w) | (e <= w)).sum()), int(((a <= w) | (b <= w)).sum()), len(rows)) for w in weeks]


def covered_members(table: pd.DataFrame) -> set[str]:
    return set(table.iso3[table.in_kiel])


def model_counts(seeds: int = 200, scenario: str = "paris_declaration", design: dict[str, Any] | None = None,
                 covered: set[str] | None = None, weeks: tuple[int, ...] = WEEKS) -> dict[str, np.ndarray]:
    """Per seed, the members (among ``covered``) with a military response to a renewed attack in week 0
    in effect within each of ``weeks`` weeks (``in_effect``, shape seeds x weeks), and those that decided
    one within them (``decided``); plus the chain's delay from the attack to the decision (``delay``)."""
    design = DESIGN if design is None else design
    horizon = max(weeks)
    in_effect = np.zeros((seeds, len(weeks)), dtype=np.int64)
    decided = np.zeros((seeds, len(weeks)), dtype=np.int64)
    delays = np.zeros(seeds, dtype=np.int64)
    for seed in range(seeds):
        model = DeterrenceModel(scenario, seed, record_events=False, collect_steps=False,
                                **{k.replace(".", "__"): v for k, v in design.items()})
        coal = model.coalition
        keep = np.array([covered is None or code in covered for code in coal.iso3])
        keep[coal.us] = False
        delay = model.russia.outlook.total_response_delay(Action.MAJOR)  # the chain from the attack to the decision
        delays[seed] = delay
        attack = Violation(0, RUSSIA, Action.MAJOR, 0)
        model.responses.schedule([Decision(0, Action.MAJOR, RUSSIA, delay, attack,
                                           not model.scenario_config.commission.enabled, 0, 0)])
        for week in range(horizon + 1):
            model.responses.week(week)
        first_effect = np.full(coal.n_members + 1, np.inf)
        for a, i, w in model.responses.military_in_effect:
            if a == 0:
                first_effect[i] = min(first_effect[i], w)
        first_decision = np.full(coal.n_members + 1, np.inf)
        for a, i, w in model.responses.military_decided:
            if a == 0:
                first_decision[i] = min(first_decision[i], w)
        for k, w in enumerate(weeks):
            in_effect[seed, k] = int(((first_effect <= w) & keep).sum())
            decided[seed, k] = int(((first_decision <= w) & keep).sum())
    return {"in_effect": in_effect, "decided": decided, "delay": delays}


def compare(seeds: int = 200, scenario: str = "paris_declaration") -> pd.DataFrame:
    """The model against the 2022 record, one row per window."""
    table = read_kiel_2022(data_file_path(RECORD_FILE))
    rec = record(table)
    counts = model_counts(seeds, scenario, covered=covered_members(table))
    rows = []
    for k, r in enumerate(rec):
        eff, dec = counts["in_effect"][:, k], counts["decided"][:, k]
        mean = float(eff.mean())
        verdict = "within" if r.low <= mean <= r.high else ("below" if mean < r.low else "above")
        rows.append({"weeks": r.weeks, "record_low": r.low, "record_high": r.high, "covered": r.covered,
                     "model_in_effect_mean": mean, "model_in_effect_se": float(eff.std(ddof=1) / np.sqrt(len(eff)))
                     if len(eff) > 1 else float("nan"), "model_in_effect_p5": float(np.percentile(eff, 5)),
                     "model_in_effect_p95": float(np.percentile(eff, 95)),
                     "model_decided_mean": float(dec.mean()), "verdict": verdict,
                     "chain_delay_weeks": float(np.median(counts["delay"])), "seeds": seeds})
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame, scenario: str = "paris_declaration") -> str:
    lines = [f"Members (of the {int(frame.covered.iloc[0])} the Kiel tracker covers) with a military response to a "
             f"renewed attack, {scenario} with political commitments "
             f"({', '.join(f'{k}: {v}' for k, v in DESIGN.items())}), {int(frame.seeds.iloc[0])} seeds; the chain "
             f"from the attack to the decision takes {frame.chain_delay_weeks.iloc[0]:g} "
             f"week{'' if frame.chain_delay_weeks.iloc[0] == 1 else 's'} (median).", "",
             "| within | 2022 record (aid) | model: in effect, mean [5%, 95%] | model: decided, mean | verdict |",
             "|---|---|---|---|---|"]
    for r in frame.itertuples():
        lines.append(f"| {r.weeks} weeks | {r.record_low}-{r.record_high} | {r.model_in_effect_mean:.1f} "
                     f"[{r.model_in_effect_p5:.0f}, {r.model_in_effect_p95:.0f}] | {r.model_decided_mean:.1f} | "
                     f"{r.verdict} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.validation.response_timing",
                                     description="The members' military responses against the 2022 record.")
    parser.add_argument("--seeds", type=int, default=200, help="seeded replicates (default 200)")
    parser.add_argument("--scenario", default="paris_declaration", help="shipped scenario (default paris_declaration)")
    parser.add_argument("--out", help="write the Markdown table to this file instead of printing it")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        print("error: --seeds: a whole number, 1 or more", file=sys.stderr)
        return 2
    text = markdown(compare(args.seeds, args.scenario), args.scenario)
    if args.out:
        atomic_write(Path(args.out), text)
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
