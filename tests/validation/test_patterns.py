"""Pattern-oriented validation: each pattern passes on data built to pass and fails when its
effect is off; the documented verdicts are the calibrated model's."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.validation import patterns as P
from tests.helpers import ROOT
from tests.validation.test_measures import synthetic, synthetic_timing


def test_every_pattern_passes_on_data_built_to_pass():
    results = P.evaluate_all(synthetic(), timing=synthetic_timing())
    failing = [f"{r.pattern.id} {r.pattern.name}: {r.measured}" for r in results if not r.passed]
    assert not failing, failing


@pytest.mark.parametrize("variant, ratio, pattern", [
    (P.MONITORING, 1.0, 1),  # a mechanism that does not help
    (P.FORCE_FORWARD_DEFENCE, 0.9, 2),  # a force that fights deters no more than one that does not
    (P.FORCE_DOUBLE, 0.7, 2),  # twice the force deters no more than the force
    (P.MONITORING, 1.0, 3),  # monitors that cut no wars
])
def test_a_pattern_fails_when_its_effect_is_off(variant, ratio, pattern):
    result = P.PATTERNS[pattern - 1].evaluate(synthetic(n=1500, **{variant: ratio}), False)
    assert not result.passed, result.measured


def test_war_durations_and_response_timing_fail_when_off():
    short = P.war_durations(synthetic(n=1500, war_median_weeks=4.0))  # wars of a month: COW's median is 103 days
    assert not short.passed and short.decided, short.measured
    fast = P.response_timing(synthetic(n=50), timing=synthetic_timing(mean=12.0))  # faster than 2022's aid
    assert not fast.passed and fast.decided, fast.measured


def test_ordering_rule_strict_and_quick():
    runs = synthetic(n=400)
    paris = runs["scenario"] == "paris_declaration"
    runs.loc[paris, "escalated"] = runs.loc[runs["scenario"] == "political_only", "escalated"].to_numpy()
    strict = P.ordering(runs, quick=False)
    assert not strict.passed  # political_only == paris: '>' not shown
    quick = P.ordering(runs, quick=True)
    assert not quick.passed  # the quick rule still needs a positive point estimate


DOCUMENTED = ROOT / "docs" / "validation"  # validate-model --out docs/validation: what VALIDATION.md includes


def documented_verdicts() -> dict[int, bool]:
    """The verdicts of the full run docs/VALIDATION.md shows (its patterns.csv, included verbatim)."""
    table = pd.read_csv(DOCUMENTED / "patterns.csv")
    return {int(r.pattern): r.verdict == "PASS" for r in table.itertuples()}


def test_documented_verdicts_are_the_calibrated_models():
    """Pins what section 4 of docs/VALIDATION.md says (3,000 pairs over the plausible set, calibrated v3
    model): patterns 1, 2, 4 and 6 pass (4's close pair, political_only > paris, decided from about 1,300
    pairs); 3 fails on a small rise in the volume of violations at peace (displacement); 5 fails on the
    spread of war durations. Section 9 explains each by mechanism. A new run that changes a verdict must
    change this test and the discussion with it."""
    assert documented_verdicts() == {1: True, 2: True, 3: False, 4: True, 5: False, 6: True}


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
        if r.pattern.id in (4, 6):
            continue  # 4: paired differences of rare events, too few in 400 pairs; 6: its own seeds
        for m in r.measures:
            row = full[(full["pattern"] == r.pattern.id) & (full["quantity"] == m.label)]
            assert len(row) == 1, (r.pattern.id, m.label)
            v = float(row["value"].iloc[0])
            if not (math.isfinite(m.low) and math.isfinite(m.high)):
                # No interval (a ratio of quartiles): the full run's 6,000 wars against the quick run's
                # ~800, whose quartiles carry about 5% sampling error each; 15% is three of those.
                if v != pytest.approx(m.value, rel=0.15):
                    outside.append(f"pattern {r.pattern.id}, {m.label}: documented {v:.3f}, quick {m.value:.3f}")
            elif not (m.low <= v <= m.high):
                outside.append(f"pattern {r.pattern.id}, {m.label}: documented {v:.3f}, quick [{m.low:.3f}, {m.high:.3f}]")
    assert not outside, outside
    # 400 paired replicates of each of the eleven scenarios, and it says so (issue 9).
    assert meta["runs"] == 11 * 400
    said = "400 paired replicates per scenario"
    assert meta["replicates"] == 400 and said in (tmp_path / "validation_tables.md").read_text()
    for name in ("patterns.csv", "measures.csv", "validation_tables.md", "response_timing.csv",
                 "pattern1_mechanisms.png", "pattern5_war_durations.png", "pattern6_response_timing.png"):
        assert (tmp_path / name).is_file(), name
    print(f"quick validation: {meta['runs']} runs, {seconds:.0f} s")


def test_validate_model_reports_the_replicates_it_ran():
    from sim.validation import commands, report

    rows = [{"scenario": s, "replicate": k, "horizon_weeks": 260}
            for s, n in (("budapest_memorandum", 400), ("paris_declaration", 2500), ("political_only", 2500))
            for k in range(n)]
    meta = commands._meta(type("E", (), {"master_seed": 1})(), True, pd.DataFrame(rows), 1.0, 2, "cmd")
    assert meta["replicates"] == 400
    text = report.replicates_text(meta)
    assert text == "400 paired replicates per scenario (2500 for paris_declaration and political_only)"
    assert text in report.console([], meta) and text in report.markdown([], meta, {})
