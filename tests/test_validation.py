"""Pattern-oriented validation (docs/VALIDATION.md).

The fast tests check the statistics and the decision rules on synthetic run tables with
known answers. The slow test runs ``validate-model --quick`` (3,200 seeded runs) and fails
when any published pattern no longer holds: a later change to the model or its constants
cannot silently break the calibration.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.validation import measures as M
from sim.validation import patterns as P

HORIZON = 260


def _exponential_runs(scenario: str, weekly_hazard: float, n: int, rng: np.random.Generator,
                      probe_rate: float = 0.09) -> pd.DataFrame:
    t = rng.exponential(1.0 / weekly_hazard, size=n)
    escalated = t < HORIZON
    survival = np.where(escalated, np.maximum(1, np.ceil(t)), HORIZON).astype(int)
    war = np.where(escalated, HORIZON - survival, 0)
    probes = rng.poisson(probe_rate * (HORIZON - war))
    return pd.DataFrame({"scenario": scenario, "replicate": np.arange(n), "escalated": escalated,
                         "survival_weeks": survival, "horizon_weeks": HORIZON, "war_weeks": war,
                         "violations_probe": probes, "violations_limited": rng.poisson(0.01 * (HORIZON - war))})


def _hazard(p5: float) -> float:
    """Weekly hazard giving P(escalation within 260 weeks) = p5."""
    return -np.log(1.0 - p5) / HORIZON


def synthetic(n: int = 3000, seed: int = 1, **hr: float) -> pd.DataFrame:
    """Runs where every pattern holds by construction (hazard ratios can be overridden)."""
    rng = np.random.default_rng(seed)
    h0 = _hazard(0.45)
    ratios = {P.MONITORING: 0.72, P.FORCE: 0.7, P.FORCE_DOUBLE: 0.5, P.BINDING: 0.82, **hr}
    frames = [_exponential_runs(P.REFERENCE, h0, n, rng)]
    frames += [_exponential_runs(s, h0 * r, n, rng) for s, r in ratios.items()]
    # ordering: minsk, political_only, paris, article5 share budapest's draws shifted down (paired)
    base = frames[0]
    for scen, keep in (("minsk_analogue", 0.85), ("political_only", 0.12), ("paris_declaration", 0.09),
                       ("article5_like", 0.04)):
        f = base.copy()
        f["scenario"] = scen
        u = np.random.default_rng(7).random(n)  # the same uniforms for each: nested escalations
        drop = f["escalated"] & (u > keep)
        f.loc[drop, "escalated"] = False
        f.loc[drop, "survival_weeks"] = HORIZON
        f.loc[drop, "war_weeks"] = 0
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_cox_hazard_ratio_recovers_a_known_ratio():
    rng = np.random.default_rng(3)
    ref = _exponential_runs("a", _hazard(0.45), 4000, rng)
    var = _exponential_runs("b", _hazard(0.45) * 0.5, 4000, rng)
    hr = M.cox_hazard_ratio(ref, var)
    assert hr.low < 0.5 < hr.high
    assert 0.4 < hr.hr < 0.6
    assert hr.runs == 8000 and hr.events_reference > hr.events_variant


def test_hazard_ratio_is_not_a_ratio_of_counts():
    """Censoring at the horizon: HR differs from P(variant)/P(reference) when events are common."""
    rng = np.random.default_rng(4)
    ref = _exponential_runs("a", _hazard(0.8), 4000, rng)
    var = _exponential_runs("b", _hazard(0.8) * 0.5, 4000, rng)
    hr = M.cox_hazard_ratio(ref, var, test_ph=False).hr
    count_ratio = var["escalated"].mean() / ref["escalated"].mean()
    assert abs(hr - 0.5) < 0.06
    assert count_ratio > 0.6  # the naive ratio understates the effect


def test_probe_rate_is_per_week_at_peace():
    runs = pd.DataFrame({"violations_probe": [10, 0], "horizon_weeks": [260, 260], "war_weeks": [160, 260]})
    assert M.probe_rate(runs) == pytest.approx(10 / 100)


def test_every_pattern_passes_on_data_built_to_pass():
    results = P.evaluate_all(synthetic())
    failing = [f"{r.pattern.id} {r.pattern.name}: {r.measured}" for r in results if not r.passed]
    assert not failing, failing


@pytest.mark.parametrize("variant, ratio, pattern", [
    (P.BINDING, 0.50, 4),   # commitments far too strong
    (P.BINDING, 0.95, 4),   # far too weak
    (P.FORCE_DOUBLE, 0.72, 3),  # twice the force deters no more than the force
    (P.MONITORING, 1.0, 2),  # a mechanism that does not help
])
def test_a_pattern_fails_when_its_effect_is_off(variant, ratio, pattern):
    result = P.PATTERNS[pattern - 1].evaluate(synthetic(n=1500, **{variant: ratio}), False)
    assert not result.passed, result.measured


def test_ordering_rule_strict_and_quick():
    runs = synthetic(n=400)
    paris = runs["scenario"] == "paris_declaration"
    runs.loc[paris, "escalated"] = runs.loc[runs["scenario"] == "political_only", "escalated"].to_numpy()
    strict = P.ordering(runs, quick=False)
    assert not strict.passed  # political_only == paris: '>' not shown
    quick = P.ordering(runs, quick=True)
    assert not quick.passed  # the quick rule still needs a positive point estimate


ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED = ROOT / "docs" / "validation"  # validate-model --out docs/validation: what VALIDATION.md includes


def documented_verdicts() -> dict[int, bool]:
    """The verdicts of the full run docs/VALIDATION.md shows (its patterns.csv, included verbatim)."""
    table = pd.read_csv(DOCUMENTED / "patterns.csv")
    return {int(r.pattern): r.verdict == "PASS" for r in table.itertuples()}


def test_documented_verdicts_are_the_calibrated_models():
    """Pins what section 4 of docs/VALIDATION.md says (full run, 3,000 pairs, calibrated constants): both
    calibration checks (1, 4) and the four validation patterns (2, 3, 5, 6) pass; section 8 discusses how
    narrowly. A new full run that changes a verdict must change this test and the discussion with it."""
    assert documented_verdicts() == {1: True, 2: True, 3: True, 4: True, 5: True, 6: True}


@pytest.mark.slow
def test_quick_validation_reproduces_the_documented_verdicts(tmp_path: Path):
    from sim.validation.commands import validate

    started = time.perf_counter()
    results, meta = validate(True, tmp_path, workers=2, figures=True)
    seconds = time.perf_counter() - started
    documented = documented_verdicts()
    verdicts = {r.pattern.id: r.passed for r in results}
    assert set(verdicts) == set(documented)
    # A verdict is judged where 400 pairs decide it: a range target when its whole interval is inside
    # or outside the range, an interval rule when its interval excludes the threshold.
    changed = [f"pattern {r.pattern.id} ({r.pattern.name}): documented {'PASS' if documented[r.pattern.id] else 'FAIL'}, "
               f"now {'PASS' if r.passed else 'FAIL'}; target {r.pattern.target}; measured {r.measured}"
               for r in results if r.decided and r.passed != documented[r.pattern.id]]
    assert sum(r.decided for r in results) >= 2, [(r.pattern.id, r.measured) for r in results if not r.decided]
    assert not changed, "validation verdicts differ from docs/VALIDATION.md:\n" + "\n".join(changed)
    # Every quantity of patterns 1-5 that the full run documents lies inside its quick 95% interval (the
    # 400 pairs are the full run's first 400, so a drift of the model or of the document shows here).
    full = pd.read_csv(DOCUMENTED / "measures.csv")
    outside = []
    for r in results:
        if r.pattern.id == 6:
            continue  # paired differences of rare events: 400 pairs are too few for this check
        for m in r.measures:
            row = full[(full["pattern"] == r.pattern.id) & (full["quantity"] == m.label)]
            assert len(row) == 1, (r.pattern.id, m.label)
            v = float(row["value"].iloc[0])
            if not (m.low <= v <= m.high):
                outside.append(f"pattern {r.pattern.id}, {m.label}: documented {v:.3f}, quick [{m.low:.3f}, {m.high:.3f}]")
    assert not outside, outside
    # 400 paired replicates of each of the nine scenarios, and it says so (issue 9).
    assert meta["runs"] == 9 * 400
    said = "400 paired replicates per scenario"
    assert meta["replicates"] == 400 and said in (tmp_path / "validation_tables.md").read_text()
    for name in ("patterns.csv", "measures.csv", "validation_tables.md", "pattern1_base_rate.png",
                 "pattern6_ordering.png"):
        assert (tmp_path / name).is_file(), name
    print(f"quick validation: {meta['runs']} runs, {seconds:.0f} s")
