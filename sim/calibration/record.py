"""Model v3's calibration targets: what the record measures, matched to the model quantity that
measures the same thing.

Each target names the record's figure, its uncertainty (a standard error where the record is
a count; a stated assumption otherwise), the model quantity that measures the same thing,
and how the one maps to the other. ``measure(constants, replicates, seed)`` runs the model
at a set of constants and returns every target's model quantity with its Monte Carlo
variance (so that an emulator, or a plausibility test, can tell chance from misfit).

Calibration and validation are kept apart by time: the ceasefire record used here is the
Cold War part (war-ending ceasefires of Correlates of War interstate wars, 1946-1989: 24
cases); the history check scores the model out of sample on the ceasefires after 1989 and
the truces within wars (docs/VALIDATION.md).

The record's cases (scenarios/history_cases_v3.csv; research notes in docs/DATA.md):
ceasefires that ended COW interstate wars, 1946-1989, excluding wars that ended by conquest
or transformation; "renewed fighting" is armed clashes between the parties' regular forces
killing at least 25 within a year, or an offensive operation; "renewed war" a new COW war
or a large offensive to take territory. The model's "armed attack" (a limited offensive or
a renewed war) is renewed fighting; its "renewed war" (a major attack) is renewed war.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from sim.config import load_scenario, with_overrides
from sim.ladder import Action, Intent
from sim.model import DeterrenceModel
from sim.runner import replicate_seed

HORIZON_WEEKS = 260  # the record's five years
CALIBRATION_SCENARIO = "ceasefire_reference"  # a ceasefire as the post-1945 record has them
OSCE_SCENARIO = "minsk_analogue"  # observers along a contact line, 2015-2022
WARNING_SCENARIO = "minsk_analogue"  # 2021-22: US intelligence shared (set in measure)


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    value: float
    sd: float  # the record's uncertainty (standard error or stated assumption)
    measures: str  # the model quantity
    mapping: str  # why the two measure the same thing, and what the mapping assumes
    source: str
    sd_source: str


def _binomial_sd(k: int, n: int) -> float:
    p = k / n
    return math.sqrt(p * (1.0 - p) / n)


TARGETS: tuple[Target, ...] = (
    Target("armed_attack_5y", "Renewed fighting within five years of a ceasefire", 10 / 24, _binomial_sd(10, 24),
           f"P(armed attack within {HORIZON_WEEKS} weeks) in {CALIBRATION_SCENARIO}",
           "renewed fighting (armed clashes or an offensive) = the model's armed attack (a limited offensive or "
           "worse); the calibration scenario has the record's typical agreement: observers, no guarantor",
           "Correlates of War interstate wars 1946-1989 ending in a ceasefire (24 cases); renewal coded from "
           "the record (research notes, docs/DATA.md); Fortna (2004): 'almost half ... followed by renewed fighting'",
           "binomial standard error of 10 in 24"),
    Target("renewed_war_5y", "Renewed war within five years of a ceasefire", 3 / 24, _binomial_sd(3, 24),
           f"P(renewed war within {HORIZON_WEEKS} weeks) in {CALIBRATION_SCENARIO}",
           "a new COW war or a large offensive to take territory = the model's major attack",
           "the same 24 cases: the Off-shore Islands (1958), the Six-Day War (1967) after the 1956 ceasefire "
           "line, and the War of Attrition's end (1970-73)", "binomial standard error of 3 in 24"),
    Target("first_year_share", "Share of renewed fighting within five years that came in the first year",
           2 / 10, _binomial_sd(2, 10),
           f"P(first armed attack within 52 weeks | one within {HORIZON_WEEKS}) in {CALIBRATION_SCENARIO}",
           "the timing profile of failure (Fortna's survival data): failures of war-ending ceasefires spread over "
           "years, not weeks", "the same 24 cases: 2 of the 10 renewals came within a year",
           "binomial standard error of 2 in 10"),
    Target("calm_violations_counted", "Ceasefire violations the OSCE SMM counted a week in calm periods",
           252.0, 80.0, f"Ceasefire violations counted a week while Russia complies, in {OSCE_SCENARIO}",
           "the same unit (each explosion, burst or flash seen or heard) counted by observers at the SMM's coverage; "
           "the model's expectation under its own coverage and obstruction",
           "OSCE SMM via UNIAN (19 Jan 2021): 6,294 violations from 27 Jul 2020 to mid-January 2021 (25 weeks)",
           "assumption: a third of the level, the spread between calm weeks of 2020-21 (7-11 a day on the calmest "
           "days, up to about 100 a day)"),
    Target("pre_attack_spike", "The rise of violations counted in the week before a renewed war", 15.0, 6.0,
           f"Counted violations a week in the last weeks of a major preparation over a calm week, in {OSCE_SCENARIO}",
           "the SMM's daily counts before 24 February 2022 against January 2022's, in the same unit; the model's "
           "expectation with its own obstruction",
           "OSCE SMM daily reports 13/2022 and 37-43/2022: 83 a day on 19 Jan, 1,566 on 18 Feb, 1,927 on 21 Feb",
           "assumption: the range of the daily ratios, 10 to 25, read as 15 plus or minus 6"),
    Target("warning_lead_weeks", "Weeks from the first specific public warning to the attack", 12.0, 5.0,
           "Weeks from the first warning to the launch, a major preparation of the scenario's length, with US "
           f"intelligence shared, in {WARNING_SCENARIO} (0 when no warning came)",
           "the US warning of 3 December 2021 (175,000 troops, an offensive 'as soon as early 2022'), 83 days "
           "before 24 February 2022; the model's warning is the threshold of detected indicators",
           "Washington Post (3 Dec 2021), secondary copies; invasion on 24 Feb 2022",
           "assumption: one case; 5 weeks, the gap between the December warning and the January ones"),
    Target("militarised_action_ratio", "Dispute initiation against a state with a conditional defensive ally, "
           "relative to one without", 0.82, 0.09,
           f"Campaigns (pressure or preparation) started per year in {CALIBRATION_SCENARIO} with binding G4 "
           "commitments in force from the ceasefire, over the same without them",
           "Benson counts militarised interstate disputes (threats, displays, uses of force) initiated against a "
           "state with an alliance contingent on the adversary's attack; the model's analogue is Russia opening "
           "a campaign (grey-zone pressure or a preparation) against a Ukraine with binding commitments",
           "Benson (2011), 'Unpacking Alliances', Journal of Politics 73(4): an 18% decrease (1816-2000)",
           "no standard error in the abstract; assumption: 0.09, so that no effect (Kenwick & Vasquez 2017) is two "
           "away"),
)
BY_KEY: dict[str, Target] = {t.key: t for t in TARGETS}


@functools.lru_cache(maxsize=4)
def _base(name: str):
    return load_scenario(name)  # read once a process: a calibration measures hundreds of points


def _scenario(name: str, constants: Mapping[str, float], extra: Mapping[str, Any] | None = None):
    overrides = {**{k: float(v) for k, v in constants.items()}, **(extra or {}), "horizon_weeks": HORIZON_WEEKS}
    return with_overrides(_base(name), overrides, source="calibration")


def _runs(scenario, replicates: int, seed: int):
    for k in range(replicates):
        yield DeterrenceModel(scenario, replicate_seed(seed, k), record_events=False, collect_steps=False).run()


def measure(constants: Mapping[str, float], *, replicates: int, seed: int) -> dict[str, tuple[float, float]]:
    """Every target's model quantity at these constants, with its Monte Carlo variance: key -> (value, var)."""
    out: dict[str, tuple[float, float]] = {}
    # The ceasefire record: renewal, renewed war, timing; and the same with binding commitments (Benson).
    reference = _scenario(CALIBRATION_SCENARIO, constants)
    # A defensive alliance contingent on the adversary's attack: binding G4 commitments in force, the full menu.
    bound = _scenario(CALIBRATION_SCENARIO, constants, {
        "commitments.binding": True, "ratification.in_force_at_ceasefire": True,
        "commitments.response_menu": {"probe": [], "limited": ["diplomacy"],
                                      "major": ["diplomacy", "sanctions", "intelligence", "logistics", "military"]}})
    attacks, wars, first, campaigns = [], [], [], {False: [], True: []}
    for with_binding, scenario in ((False, reference), (True, bound)):
        for m in _runs(scenario, replicates, seed):
            c = m.russia.campaigns
            campaigns[with_binding].append(c["pressure"] + c["prepare_limited"] + c["prepare_major"])
            if with_binding:
                continue
            attack = m.war.armed_attack_week
            attacks.append(attack is not None)
            wars.append(m.war.escalation_week is not None)
            if attack is not None:
                first.append(attack < 52)
    n = replicates
    for key, xs in (("armed_attack_5y", attacks), ("renewed_war_5y", wars)):
        p = float(np.mean(xs))
        out[key] = (p, max(p * (1 - p), 0.25 / n) / n)
    if first:
        p = float(np.mean(first))
        out["first_year_share"] = (p, max(p * (1 - p), 0.25 / len(first)) / len(first))
    else:
        out["first_year_share"] = (math.nan, math.inf)
    a, b = np.array(campaigns[False], float), np.array(campaigns[True], float)
    ratio = (b.mean() + 0.5 / n) / (a.mean() + 0.5 / n)
    # Delta method on the ratio of two means (paired replicates: the covariance counts).
    cov = np.cov(a, b) / n if n > 1 else np.zeros((2, 2))
    out["militarised_action_ratio"] = (float(ratio), float(ratio**2 * (cov[1, 1] / max(b.mean(), 1e-9) ** 2
                                                                       + cov[0, 0] / max(a.mean(), 1e-9) ** 2
                                                                       - 2 * cov[0, 1] / max(a.mean() * b.mean(), 1e-9))))
    # The OSCE record: the model's expected count in its own unit (no Monte Carlo error: an expectation).
    osce = DeterrenceModel(_scenario(OSCE_SCENARIO, constants), 0, record_events=False, collect_steps=False)
    c = osce.scenario_config.campaigns
    counted = osce.monitoring._counted  # share of both sides' violations counted, obstructed or not
    both = 1.0 + osce.scenario_config.ukraine.return_fire_share
    calm = c.volume_compliant * both * counted[False]
    out["calm_violations_counted"] = (calm, 0.0)
    out["pre_attack_spike"] = (c.volume_preparing * c.volume_spike * counted[True] / (c.volume_compliant * counted[False])
                               if calm > 0 else math.inf, 0.0)
    # The 2021-22 warning: a major preparation started on purpose, its first warning before the launch.
    warned = _scenario(WARNING_SCENARIO, constants, {"united_states.shares_intelligence": True})
    leads = []
    for k in range(max(20, replicates // 4)):
        m = DeterrenceModel(warned, replicate_seed(seed + 1, k), record_events=False, collect_steps=False)
        start, weeks = 10, warned.campaigns.preparation_weeks_major
        m.russia.decisions.pause_until(10**6)  # Russia decides nothing: the preparation is scripted
        m.run(start)
        m.russia.start(start, Intent.PREPARING, Action.MAJOR, weeks)
        first_warning = None
        for _ in range(weeks):
            m.step()
            if first_warning is None and m.warning.warning_event is not None:
                first_warning = m.week - 1
        leads.append(start + weeks - first_warning if first_warning is not None else 0)
    leads_a = np.array(leads, float)
    out["warning_lead_weeks"] = (float(leads_a.mean()), float(leads_a.var(ddof=1) / len(leads_a)))
    return out


def implausibility(simulated: Mapping[str, tuple[float, float]], emulator_var: Mapping[str, float] | None = None,
                   discrepancy: float = 0.1) -> dict[str, float]:
    """|record - model| / sqrt(record variance + model variance + discrepancy): Vernon et al. (2010).

    The model's variance is its Monte Carlo variance (plus an emulator's, when one predicts it);
    the model discrepancy is a stated share (``discrepancy``) of the record's value, squared.
    """
    out = {}
    for t in TARGETS:
        value, var = simulated[t.key]
        if not math.isfinite(value):
            out[t.key] = math.inf
            continue
        v = t.sd**2 + var + (emulator_var or {}).get(t.key, 0.0) + (discrepancy * t.value) ** 2
        out[t.key] = abs(value - t.value) / math.sqrt(v)
    return out
