"""The lever screen (issue 19, "no inert lever"): every lever of the schema is declared, a handful are
shown to move what they act through in the fast set, and the slow set screens them all."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config import parameter_catalogue
from sim.experiments.paired import NUMERIC_COLUMNS
from sim.validation.levers import (
    CHECKS,
    ENTRIES,
    INTERACTIONS,
    WORLD,
    at_defaults,
    comparisons,
    entry_values,
    lever_paths,
    run_comparison,
    run_interaction,
    screen,
    undeclared,
)
from sim.validation.levers.report import declarations_markdown, markdown, results_frame
from tests.helpers import ROOT

PAGE = ROOT / "docs" / "LEVERS.md"


def test_every_lever_of_the_schema_is_declared_once():
    paths = [e.path for e in ENTRIES]
    assert len(paths) == len(set(paths)), "a lever declared twice"
    missing, not_levers = undeclared()
    assert not missing, f"levers with no entry in sim/validation/levers/table.py: {missing}"
    assert not not_levers, f"entries that are not levers of the schema: {not_levers}"


def test_a_new_lever_fails_the_declaration_check():
    """The check above is real: a lever added to the schema without an entry is reported, and an entry
    whose lever left the schema too."""
    missing, extra = undeclared(paths=[*lever_paths(), "force.new_lever"])
    assert missing == ["force.new_lever"] and extra == []
    missing, extra = undeclared(paths=[p for p in lever_paths() if p != "force.size"])
    assert missing == [] and extra == ["force.size"]


def test_every_declaration_reads_columns_and_configures():
    cat = parameter_catalogue()
    for c in comparisons():
        assert c.measure in NUMERIC_COLUMNS and c.outcome in NUMERIC_COLUMNS, c.name
        sa, sb = c.scenarios()  # a bad context or value raises ConfigError here
        assert sa != sb, f"{c.name}: both values give the same scenario"
        if c.name in cat and cat[c.name].kind != "choice":
            assert c.direction in (-1, 1), f"{c.name}: a direction"
    for e in ENTRIES:  # a choice names the direction of every value it is compared at
        spec = cat[e.path]
        if spec.kind == "choice":
            others = set(entry_values(e)[1:])
            assert set(e.direction) == others, e.path
    for check in (*CHECKS, *INTERACTIONS):
        assert check.measure in NUMERIC_COLUMNS and check.outcome in NUMERIC_COLUMNS


def fast(path: str, pairs: int = 16) -> list:
    """The lever's comparisons in a short world (two years), for the default test run."""
    return [dataclasses.replace(c, world={**WORLD, "horizon_weeks": 104}) for c in comparisons() if c.name == path]


@pytest.mark.parametrize("path", ["monitoring.coverage", "commitments.automaticity", "support.volume",
                                  "sanctions.relief_per_year"])
def test_a_handful_of_levers_move_what_they_act_through(path):
    """16 pairs, two years: each moves its measure in the declared direction (the sign test decides at 5%
    with 6 or more pairs all one way)."""
    (comparison,) = fast(path)
    result = run_comparison(comparison, step=16, max_pairs=16)
    assert result.verdict in ("measure", "outcome"), (result.verdict, result.measure)  # not negligible either
    assert result.measure.sign == comparison.direction


def test_a_lever_that_cannot_act_is_found_inert():
    """Without the force_alert measure, the force's alert boost changes nothing: every pair is identical,
    so the screen says inert (a negative control of the screen itself)."""
    (comparison,) = fast("warning.force_alert_boost")
    bare = dataclasses.replace(comparison, context={})
    result = run_comparison(bare, step=16, max_pairs=16)
    assert result.verdict == "inert"
    assert result.measure.higher == result.measure.lower == 0


def test_the_page_is_generated_from_the_table():
    """docs/LEVERS.md holds the declarations as the table gives them, and every lever."""
    text = PAGE.read_text(encoding="utf-8")
    assert declarations_markdown() in text, "regenerate: python -m sim.validation.levers (docs/LEVERS.md)"
    for path in lever_paths():
        assert f"`{path}`" in text


def test_levers_screened_in_a_context_are_also_run_at_the_defaults():
    bare, refused = at_defaults()
    contexts = {c.name for c in comparisons() if c.context}
    assert {c.name for c in bare} | set(refused) == contexts
    assert all(not c.context and c.at_defaults and c.needs for c in bare)
    assert "commitments.automaticity" in {c.name for c in bare}
    assert "monitoring.enabled" in refused  # the commission needs monitoring: a rule of the schema


def test_the_page_writer_orders_inert_first_and_counts():
    (inert_at_defaults,) = at_defaults(fast("warning.force_alert_boost"))[0]
    inert = run_comparison(inert_at_defaults, step=8, max_pairs=8)
    (moving,) = fast("monitoring.coverage")
    moved = run_comparison(moving, step=8, max_pairs=8)
    page = markdown([moved, inert], [], {"step": 8, "max_pairs": 8, "until": "measure", "master_seed": 1},
                    [inert], {"monitoring.enabled": "a rule"})
    results = page.split("## Results, inert ones first")[1]
    assert results.index("warning.force_alert_boost") < results.index("monitoring.coverage")
    assert "1 measure" in page and "1 inert" in page
    cannot = page.split("### Levers that cannot matter at the shipped defaults, and why")[1]
    assert "`warning.force_alert_boost`" in cannot and "`warning.measures` = ['force_alert']" in cannot
    assert "`monitoring.enabled` (a rule)" in page
    frame = results_frame([moved, inert])
    assert list(frame.verdict) == ["measure", "inert"] and (frame.pairs == 8).all()
    assert list(frame.at_defaults) == [False, True]


# Found by the screen on the shipped model and reported to the model's lead (docs/LEVERS.md): each must
# still fail to move its measure, so that a fix removes it from here.
KNOWN_NOT_MOVING = {
    ("sanctions.snapback", "automatic"): "the commission's vote on a snapback nearly always passes, so an "
                                         "automatic snapback adds almost nothing",
}


@pytest.mark.study  # 5 to 40 min by load: docs/LEVERS.md is made by the same screen (python -m sim.validation.levers)
def test_no_lever_is_inert():
    """Every lever, in its declared context, moves its measure in the declared direction by more than 0.1% of
    its level (40 to 400 pairs, two-sided sign test at 5% and the 95% interval), as docs/LEVERS.md was made;
    the named checks too. The known exceptions still do not move."""
    results = screen(step=40, max_pairs=400)
    bad, fixed = [], []
    for r in results:
        c = r.comparison
        moved = r.verdict in ("measure", "outcome")
        if (c.name, c.second) in KNOWN_NOT_MOVING:
            if moved:
                fixed.append(f"{c.name} -> {c.second}")
        elif not moved:
            bad.append(f"{c.name} {c.first}->{c.second}: {r.verdict} ({c.measure} {r.measure.mean:+.3g}, "
                       f"{r.measure.higher} up / {r.measure.lower} down)")
    assert not bad, "\n".join(bad)
    assert not fixed, f"these move now: remove them from KNOWN_NOT_MOVING: {fixed}"


@pytest.mark.slow
def test_ratified_pledges_survive_more_changes_of_government():
    """Issue 19: ratification's effect should grow when governments change more often. Its mechanism does:
    with three times the changes of government, political pledges are dropped more often than ratified
    ones (the paired difference in pledges dropped grows)."""
    (check,) = INTERACTIONS
    r = run_interaction(check, pairs=200)
    assert r.measure_without.mean < 0 and r.measure_without.decided  # ratified: fewer pledges dropped
    assert r.measure_within.mean < r.measure_without.mean
