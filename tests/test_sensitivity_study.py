"""The global sensitivity study (`python -m sim sensitivity`, sim/validation/sensitivity.py):
its factors come from the schema, its ranges keep to the schema, a parameter that cannot act
leaves a comparison unchanged run for run, the command writes what the docs say, and the
tables are the same bytes for one worker or two."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from sim.config import with_overrides  # noqa: E402
from sim.config.overrides import base_scenario  # noqa: E402
from sim.config.schema import Scenario, Section  # noqa: E402
from sim.validation import sensitivity as S  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def schema_parameters():
    """(path, role, annotation, default, ge, le) of every parameter, walked from the pydantic models."""
    out = []

    def bounds(f):
        ge = le = None
        for m in f.metadata:
            ge = getattr(m, "ge", ge)
            le = getattr(m, "le", le)
        return ge, le

    for name, f in Scenario.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, Section):
            for key, g in ann.model_fields.items():
                role = (g.json_schema_extra or {}).get("role")
                out.append((f"{name}.{key}", role, g.annotation, g.get_default(call_default_factory=True),
                            *bounds(g)))
        elif f.json_schema_extra:
            out.append((name, f.json_schema_extra.get("role"), ann, f.get_default(), *bounds(f)))
    return out


def test_the_factors_are_every_numeric_constant_and_uncertainty_of_the_schema():
    factors, skipped = S.factor_list()
    paths = [f.path for f in factors]
    assert len(paths) == len(set(paths))
    expected = {}
    not_numbers = set()
    for path, role, ann, default, _, _ in schema_parameters():
        if role not in ("constant", "uncertainty"):
            continue
        if path in S.EXCLUDED:
            continue
        if ann in (int, float):
            expected[path] = role
        elif isinstance(default, dict) and all(isinstance(v, (int, float)) for v in default.values()):
            expected.update({f"{path}.{k}": role for k in default})
        else:
            not_numbers.add(path)
    assert {f.path: f.group for f in factors} == expected
    # what is left out: the exclusions (with a reason), file names and the date, nothing numeric
    assert {s.path for s in skipped} == not_numbers | set(S.EXCLUDED)
    assert {"force.contributions_file", "members.data_file", "ceasefire_date"} <= not_numbers
    for s in skipped:
        assert s.reason
    assert not any(p.startswith("commitments.response_weights") and p.count(".") == 1 for p in paths)
    assert sum(f.group == "constant" for f in factors) >= 70 and sum(f.group == "uncertainty" for f in factors) >= 45
    # constants first, then uncertainties: the order of the Morris design
    groups = [f.group for f in factors]
    assert groups == sorted(groups)


def test_every_factor_path_is_accepted_by_the_model_at_both_ends():
    base = base_scenario("paris_declaration")
    factors, _ = S.factor_list()
    for end in (0.0, 1.0):
        configured = with_overrides(base, {f.path: f.value(end) for f in factors}, strict=True)
        dumped = configured.model_dump()
        for f in factors:
            node = dumped
            for part in f.path.split("."):
                node = node[part]
            assert node == f.value(end), f.path


def test_ranges_keep_to_the_schema_bounds_and_whole_numbers():
    specs = {p: (ann, d, ge, le) for p, _, ann, d, ge, le in schema_parameters()}
    factors, _ = S.factor_list()
    for f in factors:
        section_path = f.path if f.path in specs else f.path.rsplit(".", 1)[0]
        ann, _, ge, le = specs[section_path]
        assert f.low <= f.default <= f.high and f.low < f.high, f
        if ge is not None:
            assert f.low >= ge, f
        else:
            assert f.low >= 0, f  # mapping values (weights, costs, pulls) stay non-negative
        if le is not None:
            assert f.high <= le, f
        if ann is int:
            assert f.kind == "int" and float(f.low).is_integer() and float(f.high).is_integer(), f
            assert all(isinstance(f.value(u), int) for u in (0, 1 / 3, 2 / 3, 1))
        if f.unit.startswith("probability"):
            assert 0.0 <= f.low and f.high <= 1.0, f
        for u in np.linspace(0, 1, 7):
            assert f.low <= f.value(u) <= f.high
    by = {f.path: f for f in factors}
    assert (by["russia.weekly_discount"].low, by["russia.weekly_discount"].high) == (0.955, 0.985)  # complement rule
    assert (by["payoffs.gain_major"].low, by["payoffs.gain_major"].high) == (2.5, 7.5)  # x0.5 .. x1.5
    assert (by["commitments.response_costs.diplomacy"].low, by["commitments.response_costs.diplomacy"].high) \
        == (0.0, 0.05)  # zero default: half the smallest non-zero value of the mapping


@pytest.mark.parametrize("default,kind,ge,le,want", [
    (0.97, "float", 0.5, 1.0, (0.955, 0.985)),       # complement of a discount factor
    (0.6, "float", 0.0, 1.0, (0.4, 0.8)),            # complement of a probability
    (0.4, "float", 0.0, 1.0, (0.2, 0.6)),            # relative
    (1.6, "float", 0.0, 2.0, (0.8, 2.0)),            # clipped at le
    (0.0, "float", 0.0, 0.5, (0.0, 0.05)),           # zero default: a tenth of the schema range
    (1, "int", 1, 104, (1.0, 2.0)),                  # 0.5 and 1.5 round half up to 1 and 2
    (3, "int", 1, 26, (2.0, 5.0)),
    (1, "int", 1, 1000, (1.0, 2.0)),
    (2, "int", 2, 2, None),                          # no room: a degenerate range is refused below
])
def test_range_rule_cases(default, kind, ge, le, want):
    lo, hi, rule = S.factor_range(default, kind, ge, le)
    assert ge <= lo <= default <= hi <= le
    if want is None:
        assert lo == hi == default
    else:
        assert (lo, hi) == want, rule


def test_range_rule_on_random_parameters():
    rng = np.random.default_rng(7)
    for _ in range(2000):
        kind = "int" if rng.random() < 0.3 else "float"
        ge = float(rng.choice([0.0, 0.1, 1.0]))
        le = float(rng.choice([1.0, 3.0, 52.0, 520.0])) if rng.random() < 0.9 else None
        if le is not None and le <= ge:
            continue
        top = le if le is not None else 10.0
        default = float(rng.uniform(ge, top))
        if kind == "int":
            default = float(round(default))
            if not ge <= default <= top or (le is not None and le - ge < 1):
                continue
        lo, hi, _ = S.factor_range(default, kind, ge, le)
        assert ge <= lo <= default <= hi and (le is None or hi <= le), (default, kind, ge, le, lo, hi)
        assert lo < hi
        if kind == "int":
            assert lo.is_integer() and hi.is_integer()


def test_the_pairs_are_the_shipped_designs_and_differ_only_where_they_should():
    assert [(c.first, c.second) for c in S.COMPARISONS] == [
        ("paris_declaration", "political_only"), ("forward_tripwire", "paris_declaration"),
        ("paris_declaration", "no_us_backstop")]
    assert S.defining_keys("paris_declaration") == frozenset()
    assert S.defining_keys("political_only") == {"ratification.seek_ratification"}
    assert S.defining_keys("forward_tripwire") == {"force.posture"}
    # US intelligence sharing is off in both (the final text dropped it), so it does not define the pair.
    assert S.defining_keys("no_us_backstop") == {"united_states.leads_monitoring", "united_states.backstop_probability"}


def _factors(*paths):
    by = {f.path: f for f in S.factor_list()[0]}
    return [by[p] for p in paths]


def test_a_parameter_that_cannot_act_leaves_the_paired_runs_identical_at_both_ends():
    """The US Congress's lag matters only to a US pledge, and neither paris_declaration nor political_only
    has one: every run is the same at its low and high end. A positive control (Russia's cost of renewed
    war) changes runs on the same seeds, so the property is not vacuous."""
    from sim.api import _executor

    comparison = S.COMPARISONS[0]
    settings = S.Settings(confirm_replicates=24)
    factors = _factors("ratification.us_congress_lag_weeks", "payoffs.base_cost_major")
    chosen = {comparison.name: [f.path for f in factors]}
    with _executor(1) as ex:
        table, runs = S.confirm(factors, [comparison], chosen, settings, ex, 1)
    rows = table.set_index(["factor", "end"])
    lag = "ratification.us_congress_lag_weeks"
    assert rows.loc[(lag, "low"), "value"] == 26 and rows.loc[(lag, "high"), "value"] == 78
    for d in (comparison.first, comparison.second):
        assert np.array_equal(runs[(d, lag, "low")], runs[(d, lag, "high")])
        assert np.array_equal(runs[(d, lag, "low")], runs[(d, "", "default")])
    for col in ("difference", "diff_low", "diff_high", "p_first", "p_second"):
        assert rows.loc[(lag, "low"), col] == rows.loc[(lag, "high"), col] == rows.loc[("", "default"), col]
    cost = "payoffs.base_cost_major"
    assert not np.array_equal(runs[(comparison.first, cost, "low")], runs[(comparison.first, cost, "high")])
    assert rows.loc[(cost, "low"), "p_first"] > rows.loc[(cost, "high"), "p_first"]  # cheaper war, more of it


def test_screening_gives_zero_to_an_outcome_label_and_moves_with_a_payoff():
    """war.stall_weeks only decides how a war ends, never whether the first one starts: no escalation changes."""
    from sim.api import _executor

    factors = _factors("war.stall_weeks", "payoffs.base_cost_major")
    settings = S.Settings(samples=4, replicates=6)
    # the control visits its low end (a renewed war at half its cost: about a third of runs escalate)
    assert (S.morris_sample(factors, settings.samples, settings.master_seed)[:, 1] == 0).any()
    with _executor(1) as ex:
        table, meta = S.screen(factors, S.COMPARISONS, settings, ex, 1)
    assert list(table.columns) == list(S.SCREENING_COLUMNS)
    assert meta["points"] == 4 * 3 and meta["runs"] == 12 * 4 * 6
    label = table[table["factor"] == "war.stall_weeks"]
    assert (label["mu_star"] == 0).all() and (label["pairs_changed"] == 0).all() and (label["mu"] == 0).all()
    cost = table[table["factor"] == "payoffs.base_cost_major"]
    assert (cost["pairs_changed"] > 0).any()
    assert sorted(table.groupby("comparison")["rank"].apply(list).iloc[0]) == [1, 2]


def test_draws_apply_per_replicate_and_a_varied_factor_overrides_them():
    from sim.api import _executor

    comparison = S.COMPARISONS[2]
    cost = "payoffs.base_cost_major"
    factors = _factors(cost)
    settings = S.Settings(confirm_replicates=16)
    draws = S._draw_tuples([{cost: 3.75, "payoffs.gain_major": 7.5}, {cost: 11.25}])
    with _executor(1) as ex:
        _, plain = S.confirm(factors, [comparison], {comparison.name: [cost]}, settings, ex, 1)
        _, drawn = S.confirm(factors, [comparison], {comparison.name: [cost]}, settings, ex, 1, draws=draws)
    d = comparison.first
    assert not np.array_equal(plain[(d, "", "default")], drawn[(d, "", "default")])  # the draws act
    assert drawn[(d, "", "default")][0::2].mean() > drawn[(d, "", "default")][1::2].mean()  # k % 2 picks the draw
    # at an end the study's value of the cost wins over the draw's; the draw's other value stays
    with _executor(1) as ex:
        _, only_gain = S.confirm(factors, [comparison], {comparison.name: [cost]}, settings, ex, 1,
                                 draws=S._draw_tuples([{"payoffs.gain_major": 7.5}, {}]))
    for end in ("low", "high"):
        assert np.array_equal(drawn[(d, cost, end)], only_gain[(d, cost, end)])
    with pytest.raises(Exception, match="constants and uncertainties only"):
        S._check_draws(S._draw_tuples([{"force.posture": "forward"}]))


def _small_study(workers):
    settings = S.Settings(samples=2, replicates=2, top=1, top_uncertainties=1, confirm_replicates=8)
    return S.run_study(settings, workers=workers,
                       factors=["payoffs.base_cost_major", "payoffs.gain_major", "russia.ambition"])


def test_the_tables_are_the_same_bytes_for_one_worker_or_two(tmp_path):
    meta = {"command": "test", "mode": "test", "workers": 0, "seconds": 0.0, "git_commit": "x"}
    for w in (1, 2):
        S.write_study(_small_study(w), tmp_path / f"w{w}", meta)
    for name in ("factors.csv", "screening.csv", "confirmation.csv", "sign_flips.csv", "sensitivity_tables.md"):
        a, b = (tmp_path / "w1" / name).read_bytes(), (tmp_path / "w2" / name).read_bytes()
        assert a == b, name
    conf = pd.read_csv(tmp_path / "w1" / "confirmation.csv", keep_default_na=False)
    assert (conf["pairs"] == 8).all()


def test_sign_flip_rules():
    def row(factor, end, diff, lo, hi, verdict):
        return {"comparison": "c", "factor": factor, "group": "constant", "screening_rank": 1, "end": end,
                "value": 1.0, "pairs": 400, "p_first": 0.1, "p_second": 0.1 - diff, "difference": diff,
                "diff_low": lo, "diff_high": hi, "both": 0, "only_first": 40, "only_second": int(round(40 - 400 * diff)),
                "verdict": verdict}
    base_undecided = row("", "default", 0.01, -0.01, 0.03, "undecided")
    table = pd.DataFrame([base_undecided,
                          row("a", "low", -0.05, -0.08, -0.02, "first safer"),      # other side: flips
                          row("a", "high", 0.05, 0.02, 0.08, "first riskier"),      # same side: decides
                          row("b", "low", 0.0, -0.02, 0.02, "undecided"),           # nothing
                          row("b", "high", 0.0, -0.02, 0.02, "undecided")])
    flips = S.sign_flips(table)
    assert list(flips.columns) == list(S.SIGN_FLIP_COLUMNS)
    assert list(zip(flips["factor"], flips["end"], flips["effect"])) == [("a", "low", "flips"), ("a", "high", "decides")]
    decided = pd.DataFrame([row("", "default", 0.05, 0.02, 0.08, "first riskier"),
                            row("a", "low", 0.01, -0.01, 0.03, "undecided"),
                            row("a", "high", -0.05, -0.08, -0.02, "first safer")])
    flips = S.sign_flips(decided)
    assert list(zip(flips["end"], flips["effect"])) == [("low", "undecides"), ("high", "flips")]


def test_quick_command_writes_the_documented_files_and_columns(tmp_path):
    out = tmp_path / "sens"
    proc = subprocess.run([sys.executable, "-m", "sim", "sensitivity", "--quick", "--confirm-replicates", "10",
                           "--workers", "1", "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["files"]) == sorted(S.FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted([*S.FILES, "manifest.json"])
    assert manifest["command_line"].startswith("python -m sim sensitivity --quick")
    assert manifest["mode"] == "quick" and manifest["runs"] > 1000
    assert manifest["factors"]["constants"] + manifest["factors"]["uncertainties"] == len(S.factor_list()[0])
    read = lambda n: pd.read_csv(out / n, keep_default_na=False)  # noqa: E731
    screening = read("screening.csv")
    assert list(screening.columns) == list(S.SCREENING_COLUMNS)
    assert len(screening) == len(S.COMPARISONS) * len(S.factor_list()[0])
    assert list(read("confirmation.csv").columns) == list(S.CONFIRMATION_COLUMNS)
    assert list(read("sign_flips.csv").columns) == list(S.SIGN_FLIP_COLUMNS)
    assert list(read("factors.csv").columns) == list(S.FACTOR_COLUMNS)
    conf = read("confirmation.csv")
    assert set(conf[conf["end"] == "default"]["comparison"]) == {c.name for c in S.COMPARISONS}
    md = (out / "sensitivity_tables.md").read_text()
    for heading in ("## Method", "## The conclusions at the defaults", "## Sign-flip table",
                    "## Confirmation: the difference at the low end"):
        assert heading in md
    assert (out / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"
    again = subprocess.run([sys.executable, "-m", "sim", "sensitivity", "--quick", "--out", str(out)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert again.returncode == 2 and "--overwrite" in again.stderr  # an earlier result is never replaced silently


def test_the_how_to_page_documents_every_file_and_column():
    page = (ROOT / "docs" / "howto" / "which-assumptions-decide.md").read_text(encoding="utf-8")
    for name in S.FILES:
        assert f"`{name}`" in page, name
    for columns in (S.SCREENING_COLUMNS, S.CONFIRMATION_COLUMNS, S.SIGN_FLIP_COLUMNS, S.FACTOR_COLUMNS):
        for col in columns:
            assert f"`{col}`" in page, col
    for c in S.COMPARISONS:
        assert f"`{c.name}`" in page and f"`{c.first}` minus `{c.second}`" in page


@pytest.mark.parametrize("args,words", [(["--samples", "0"], ["--samples", "at least 1"]),
                                        (["--replicates", "two"], ["--replicates", "whole number"])])
def test_bad_options_exit_2_before_any_run(tmp_path, args, words):
    proc = subprocess.run([sys.executable, "-m", "sim", "sensitivity", *args, "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    for w in words:
        assert w in proc.stderr, proc.stderr
    assert not (tmp_path / "o").exists()
