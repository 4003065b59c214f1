"""History out of sample (`python -m sim validate-history`: sim/validation/history*.py).

The pre-registered file's own properties are in tests/config/test_history_cases.py. Here: the cases as the
check reads them (the split, t, the outcomes, the base rate from the in-sample record); the scores against
hand-computed values; the paired test on known inputs (the exact Wilcoxon distribution enumerated by hand,
zeros dropped, Holm's adjustment, and a detectable difference that is detected about 80% of the time); the
tables (primary, secondary and descriptive families apart); the quick command's files; the same bytes for 1
and 2 workers; the calibration's draws per replicate.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.config import ConfigError
from sim.config.cases import NO_GUARANTEES, mapped_settings
from sim.validation import history as H
from sim.validation import history_command as C
from sim.validation import history_report as R
from sim.validation import history_scores as S
from tests.helpers import ROOT


def sim(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


# --- the cases as the check reads them ---------------------------------------------------------------

def test_cases_split_windows_and_outcomes():
    cases = {c.case_id: c for c in H.load_cases()}
    scored = [c for c in cases.values() if c.scored]
    assert len(cases) == 54 and len(scored) == 46
    assert sum(c.sample == "out_of_sample" for c in scored) == 22
    assert sum(c.sample == "in_sample" for c in scored) == 24
    assert not cases["cow156_hungary_1956"].scored  # a war ended by conquest: no ceasefire
    # Five years, or the weeks observed when the window is open (Armenia-Azerbaijan 2022: 172 weeks to 2026-01-06).
    assert cases["b_georgia_2008"].t_weeks == H.WINDOW_WEEKS == 260
    assert cases["b_arm_aze_2022"].t_weeks == 172 and cases["b_arm_aze_2022"].y("armed_attack") == 0
    # A renewed war inside the weeks observed settles both levels: scored at five years.
    drc = cases["b_drc_rwanda_2022"]
    assert not drc.censored and drc.t_weeks == 260 and drc.y("armed_attack") == drc.y("renewed_war") == 1
    minsk2 = cases["b_minsk2_2015"]
    assert (minsk2.y("armed_attack"), minsk2.y("renewed_war"), minsk2.sample) == (1, 0, "out_of_sample")
    assert {c.group for c in scored} == set(H.GROUPS)
    # The base rate is the in-sample record, the calibration's targets: 10/24 and 3/24.
    assert H.base_rates(list(cases.values())) == pytest.approx({"armed_attack": 10 / 24, "renewed_war": 3 / 24})


def test_case_types_read_the_mapped_features_and_their_in_sample_rates():
    cases = {c.case_id: c for c in H.load_cases()}
    assert cases["cow216_nk_1994"].case_type == "none"  # no feature at all
    assert cases["cow166_kashmir_1965"].case_type == "observers"  # monitors only
    assert cases["b_georgia_2008"].case_type == "stronger"  # observers and a joint commission
    assert cases["cow160_sino_indian_1962"].case_type == "none"  # a partial DMZ only: not represented, as in the mapping
    rates = H.type_rates(list(cases.values()))
    inside = [c for c in cases.values() if c.sample == "in_sample"]
    assert sum(c.case_type == k for c in inside for k in H.CASE_TYPES) == 24
    for kind in H.CASE_TYPES:
        of = [c for c in inside if c.case_type == kind]
        for level in H.LEVELS:
            # Smoothed as the model's forecasts, so a type with no event keeps a finite log score.
            assert rates[(kind, level)] == pytest.approx((sum(c.y(level) for c in of) + 0.5) / (len(of) + 1))
            assert 0 < rates[(kind, level)] < 1


def test_reliability_bins_are_equal_count_and_ordered():
    ps = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8]
    ys = [1, 0, 1, 0, 1, 0, 0]
    bins = R.reliability_bins(ps, ys, bins=3)
    assert [n for _, _, n in bins] == [2, 2, 3]
    assert bins[0] == (pytest.approx(0.15), 0.0, 2) and bins[1] == (pytest.approx(0.4), 0.5, 2)
    assert bins[2] == (pytest.approx(0.8), pytest.approx(2 / 3), 3)
    assert sum(n for _, _, n in R.reliability_bins(ps, ys, bins=10)) == len(ps)


def test_the_cases_file_is_unchanged_since_its_preregistration():
    """The pre-registration's evidence is the commit order: the file was added before any forecast, and no
    commit or uncommitted edit has touched it since (a change is a new version beside it)."""
    path = H.cases_path()
    git = ["git", "-C", str(path.parent)]
    log = subprocess.run([*git, "log", "--format=%h", "--", path.name], capture_output=True, text=True)
    if log.returncode != 0 or not log.stdout.strip():
        pytest.skip("not a git work tree with the file's history (a wheel or a shallow clone)")
    commits = log.stdout.split()
    assert len(commits) == 1, f"{path.name} was changed after its pre-registration: {commits}"
    assert subprocess.run([*git, "diff", "--quiet", "HEAD", "--", path.name]).returncode == 0
    assert C.preregistration(path).split()[0] == commits[0]


def test_reliability_figure_draws_bins_where_none_or_all_failed(tmp_path: Path):
    rows = []
    # Every out-of-sample case failed (4 bins of 6: Wilson's upper end at 1 falls a rounding error below 1), no
    # in-sample case did (4 bins of 11: its lower end at 0 a rounding error below 0).
    for i in range(24 + 44):
        sample = "out_of_sample" if i < 24 else "in_sample"
        rows.append(_row(f"c{i}", sample, "B 2004-2023", {lvl: (0.01 + 0.01 * (i % 50), 0.5, 0.4) for lvl in H.LEVELS},
                         {lvl: int(sample == "out_of_sample") for lvl in H.LEVELS}))
    for share, n in ((0.0, 11), (1.0, 6), (0.5, 7)):
        low, high = R._wilson(share, n)
        assert 0.0 <= low <= share + 1e-12 and share - 1e-12 <= high <= 1.0
    R.reliability_figure(rows, tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"


def test_guarantees_off_is_the_rule_with_no_guarantee():
    assert H.GUARANTEES_OFF == mapped_settings(NO_GUARANTEES) == {"monitoring.enabled": False}
    cases = H.load_cases()
    none = [c for c in cases if all(v == "no" for v in c.features.values())]
    assert none and all(H.overrides_for(c, "model") == H.overrides_for(c, "guarantees_off") for c in none)


# --- scores against hand-computed values ------------------------------------------------------------

def test_scores_match_hand_computed_values():
    assert S.brier(0.7, 1) == pytest.approx(0.09) and S.brier(0.7, 0) == pytest.approx(0.49)
    assert S.log_score(0.5, 1) == pytest.approx(math.log(2))
    assert S.log_score(0.8, 0) == pytest.approx(-math.log(0.2))
    assert S.smoothed(0, 10) == pytest.approx(0.5 / 11) and S.smoothed(10, 10) == pytest.approx(10.5 / 11)
    assert math.isfinite(S.log_score(S.smoothed(0, 5), 1)) and math.isfinite(S.log_score(S.smoothed(5, 5), 0))
    assert S.constant_hazard(260, 10 / 24, 260) == pytest.approx(10 / 24)
    assert S.constant_hazard(130, 0.75, 260) == pytest.approx(0.5) and S.constant_hazard(0, 0.4, 260) == 0.0
    assert S.skill(0.2, 0.4) == pytest.approx(0.5) and S.skill(0.4, 0.4) == 0.0


# --- the paired test on known inputs ------------------------------------------------------------------

def _exact_signed_rank_p(d: list[float]) -> float:
    """Two-sided p of the signed-rank statistic by enumerating every sign (distinct non-zero |d|)."""
    ranks = stats.rankdata(np.abs(d))
    observed = sum(r for r, x in zip(ranks, d) if x > 0)
    null = [sum(r for r, s in zip(ranks, signs) if s) for signs in itertools.product((0, 1), repeat=len(d))]
    low = sum(t <= observed for t in null) / len(null)
    high = sum(t >= observed for t in null) / len(null)
    return min(1.0, 2 * min(low, high))


@pytest.mark.parametrize("d", [
    [0.3, -0.1, 0.25, 0.05, 0.4, 0.15, -0.2, 0.35],
    [-0.02, -0.11, 0.03, -0.07, -0.05, -0.09],
    [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
])
def test_wilcoxon_is_the_exact_signed_rank_test(d):
    p, method, n = S.wilcoxon(d)
    assert method == "exact" and n == len(d)
    assert p == pytest.approx(_exact_signed_rank_p(d))


def test_wilcoxon_drops_zero_differences_and_says_how_it_decided():
    d = [0.1, -0.05, 0.3, 0.2, 0.15, 0.25, 0.12]
    assert S.wilcoxon([0.0, 0.0, *d, 0.0]) == S.wilcoxon(d)
    assert S.wilcoxon([0.1] * 8)[1] == "asymptotic"  # ties: the normal approximation
    assert S.wilcoxon([0.0, 0.0]) == (pytest.approx(float("nan"), nan_ok=True), "none differ", 0)
    assert S.smallest_p(6) == pytest.approx(0.03125) and S.smallest_p(5) == pytest.approx(0.0625)
    # All six of one sign: the smallest p six cases can give.
    assert S.wilcoxon([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])[0] == pytest.approx(S.smallest_p(6))


def test_holm_adjustment():
    assert S.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    # A test that could not be run (no case differs) still counts in the family of four, as p = 1.
    adjusted = S.holm([0.001, 0.02, 0.5, float("nan")])
    assert adjusted[:3] == pytest.approx([0.004, 0.06, 1.0]) and math.isnan(adjusted[3])
    assert S.decision(-0.05, 0.01) == "model better" and S.decision(0.05, 0.01) == "model worse"
    assert S.decision(-0.05, 0.2) == "undecided" and S.decision(-0.05, float("nan")) == "undecided"


def test_detectable_difference_is_detected_about_80_percent_of_the_time():
    rng = np.random.default_rng(11)
    observed = rng.normal(0.0, 0.1, 22)
    shift = S.detectable_shift(observed)
    # Of the order of the t-test's (z_0.975 + z_0.8) sd / sqrt(n), inflated for the signed-rank test's efficiency.
    analytic = (1.96 + 0.8416) * observed.std() / math.sqrt(22 * 3 / math.pi)
    assert 0.8 * analytic < shift < 1.5 * analytic
    assert S.power_at(observed, shift) >= 0.8 > S.power_at(observed, 0.9 * shift)
    # Fresh sets of 22 differences with that mean and the observed spread: the test rejects about 80% of them.
    fresh = np.random.default_rng(12)
    rejected = np.mean([S.wilcoxon(fresh.normal(shift, observed.std(), 22))[0] < 0.05 for _ in range(400)])
    assert 0.70 <= rejected <= 0.90, rejected
    # With no true difference the test rejects at about its level.
    assert S.power_at(observed, 0.0) == pytest.approx(0.05, abs=0.03)


def test_too_few_differing_cases_can_detect_nothing():
    assert S.detectable_shift([0.0] * 20 + [0.1, -0.05]) == math.inf  # 2 cases differ: no p below 0.05
    six = [0.0] * 16 + [0.1, -0.05, 0.2, 0.12, 0.05, 0.3]
    assert math.isfinite(S.detectable_shift(six))
    # The shift is found among the six that differ and spread over all 22.
    only = S.detectable_shift(six[16:])
    assert S.detectable_shift(six) == pytest.approx(only * 6 / 22)


# --- the tables ------------------------------------------------------------------------------------

def _row(case_id: str, sample: str, group: str, ps: dict[str, tuple[float, ...]], ys: dict[str, int]):
    """A per-case row; ps gives model, guarantees off, base rate (and case type: the base rate's if not given)."""
    r = {"case_id": case_id, "sample": sample, "group": group}
    for level in H.LEVELS:
        y = ys[level]
        r[f"y_{level}"] = y
        for f, p in zip(H.FORECASTERS, (*ps[level], ps[level][2]) if len(ps[level]) == 3 else ps[level]):
            r[f"p_{f}_{level}"], r[f"brier_{f}_{level}"], r[f"log_{f}_{level}"] = p, S.brier(p, y), S.log_score(p, y)
    return r


def test_tables_keep_the_samples_apart_and_adjust_only_the_primary_family():
    rows = []
    for i in range(8):
        y = i % 2
        rows.append(_row(f"o{i}", "out_of_sample", "B 2004-2023",
                         {"armed_attack": (0.8 if y else 0.2, 0.5, 0.42), "renewed_war": (0.3, 0.3, 0.125)},
                         {"armed_attack": y, "renewed_war": 0}))
    rows.append(_row("i0", "in_sample", "A1 1946-1989", {"armed_attack": (0.9, 0.9, 0.42),
                                                         "renewed_war": (0.9, 0.9, 0.125)},
                     {"armed_attack": 0, "renewed_war": 0}))
    scores = R.score_rows(rows)
    out = {(s["level"], s["forecaster"]): s for s in scores if s["sample"] == "out_of_sample" and s["group"] == "all"}
    assert out[("armed_attack", "model")]["cases"] == 8  # the in-sample case is not pooled in
    assert out[("armed_attack", "model")]["mean_brier"] == pytest.approx(0.04)
    assert out[("armed_attack", "guarantees_off")]["mean_brier"] == pytest.approx(0.25)
    inside = [s for s in scores if s["sample"] == "in_sample"]
    assert {s["cases"] for s in inside} == {1} and inside[0]["mean_brier"] == pytest.approx(0.81)
    tests = R.test_rows(rows)
    primary = [t for t in tests if t["role"] == "primary"]
    assert len(primary) == 4 and {(t["sample"], t["score"]) for t in primary} == {("out_of_sample", "brier")}
    attack_off = next(t for t in primary if t["level"] == "armed_attack" and t["reference"] == "guarantees_off")
    # All 8 better by 0.21 (ties: the normal approximation); Holm over the four, by hand.
    assert (attack_off["model_better"], attack_off["model_worse"], attack_off["differing"]) == (8, 0, 8)
    raw = [1.0 if math.isnan(t["wilcoxon_p"]) else t["wilcoxon_p"] for t in primary]
    order = sorted(range(4), key=lambda i: raw[i])
    by_hand, running = {}, 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (4 - k) * raw[i]))
        by_hand[i] = running
    for i, t in enumerate(primary):
        assert (math.isnan(t["holm_p"]) and math.isnan(t["wilcoxon_p"])) or t["holm_p"] == pytest.approx(by_hand[i])
    assert attack_off["decision"] == "model better" and attack_off["mean_difference"] == pytest.approx(-0.21)
    war_off = next(t for t in primary if t["level"] == "renewed_war" and t["reference"] == "guarantees_off")
    assert war_off["differing"] == 0 and war_off["decision"] == "undecided"
    assert war_off["detectable_difference"] == math.inf  # the forecasts never differ: nothing can be detected
    # The case-type base rate (not pre-registered) is a family of its own: Holm over its two, apart from the four.
    added = [t for t in tests if t["role"] == "added"]
    assert len(added) == 2 and {t["reference"] for t in added} == {"case_type"}
    low, high = sorted(added, key=lambda t: t["wilcoxon_p"])
    assert low["holm_p"] == pytest.approx(min(1.0, 2 * low["wilcoxon_p"]))
    assert high["holm_p"] == pytest.approx(max(low["holm_p"], high["wilcoxon_p"]))
    # The case type's forecasts here are the base rate's: the same raw p, adjusted in a family of 2, not of 4.
    attack_base = next(t for t in primary if t["level"] == "armed_attack" and t["reference"] == "base_rate")
    attack_type = next(t for t in added if t["level"] == "armed_attack")
    assert attack_type["wilcoxon_p"] == attack_base["wilcoxon_p"] and attack_type["holm_p"] <= attack_base["holm_p"]
    assert all(t["holm_p"] is None and t["decision"] in ("secondary", "descriptive")
               for t in tests if t["role"] not in ("primary", "added"))
    assert {t["role"] for t in tests if t["sample"] == "in_sample"} == {"descriptive"}


# --- runs, the command and determinism -------------------------------------------------------------------

def _short_cases() -> list[H.Case]:
    """A case with no guarantee, one with observers and a joint commission, one censored, plus two in sample (so
    that the base rate has a record)."""
    cases = {c.case_id: c for c in H.load_cases()}
    return [cases[i] for i in ("cow216_nk_1994", "b_georgia_2008", "b_arm_aze_2022", "cow147_kashmir_1949",
                               "cow172_attrition_1970")]


def test_runs_share_configurations_and_count_both_levels():
    cases = _short_cases()
    result = H.run(cases, 6, 1)
    # Five model configurations; cow216 (no guarantee) is also every uncensored case's guarantees-off one, and the
    # censored case's guarantees-off runs are the sixth (a shorter horizon).
    assert result.configurations == 6 and result.runs == 6 * 6
    for case in cases:
        for f in H.MODEL_FORECASTERS:
            attacks, wars = result.events[(f, case.case_id)]
            assert 0 <= wars <= attacks <= 6  # a renewed war is an armed attack
    none = cases[0]
    assert result.events[("model", none.case_id)] == result.events[("guarantees_off", none.case_id)]
    assert result.rates == pytest.approx({"armed_attack": 0.5, "renewed_war": 0.5})  # the two in-sample cases
    assert result.p("base_rate", cases[2], "armed_attack") == pytest.approx(1 - 0.5 ** (172 / 260))


def test_same_seed_same_bytes_for_one_and_two_workers(tmp_path: Path):
    cases = _short_cases()
    texts = []
    for workers in (1, 2):
        result = H.run(cases, 6, workers)
        R.write(tmp_path, result, {"seconds": 0.0, "workers": "-"})
        texts.append({n: (tmp_path / n).read_bytes() for n in R.OUTPUT_FILES})
    assert texts[0] == texts[1]


def test_draws_apply_per_replicate_and_are_checked():
    cases = _short_cases()
    cheap = {"payoffs.base_cost_major": 1.0}  # renewed wars in a few replicates of these short cases
    plain = H.run(cases, 6, 1, draws=[cheap])
    assert any(w for _, w in plain.events.values())
    # A draw equal to the shipped constant changes nothing: the hook leaves the seeds alone.
    assert H.run(cases, 6, 1, draws=[{**cheap, "payoffs.gain_major": 5.0}]).events == plain.events
    # Without any gain from a renewed war, no replicate has one; on odd replicates only, no more than before.
    none = H.run(cases, 6, 1, draws=[{**cheap, "payoffs.gain_major": 0.0}])
    assert not any(w for _, w in none.events.values())
    half = H.run(cases, 6, 1, draws=[cheap, {**cheap, "payoffs__gain_major": 0.0}])
    assert sum(w for _, w in half.events.values()) <= sum(w for _, w in plain.events.values())
    with pytest.raises(ConfigError, match=r"draws\[0\].*payoffs.gain_majr"):
        H.run(cases, 2, 1, draws=[{"payoffs.gain_majr": 1.0}])
    with pytest.raises(ConfigError, match="draws"):
        H.run(cases, 2, 1, draws=[])


@pytest.mark.slow
def test_quick_command_writes_the_documented_files(tmp_path: Path):
    out = tmp_path / "hist"
    proc = sim("validate-history", "--quick", "--workers", "2", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "mean Brier" in proc.stdout and "Holm p" in proc.stdout and "detect only large" in proc.stdout
    with (out / "history.csv").open(encoding="utf-8") as f:
        scored = list(csv.DictReader(f))
    with (out / "history_tests.csv").open(encoding="utf-8") as f:
        tests = list(csv.DictReader(f))
    assert tuple(scored[0]) == R.SCORED_COLUMNS and tuple(tests[0]) == R.TESTS_COLUMNS
    assert len(scored) == 46 and {r["sample"] for r in scored} == {"out_of_sample", "in_sample"}
    for r in scored:
        for level in H.LEVELS:
            for f in H.FORECASTERS:
                assert 0 < float(r[f"p_{f}_{level}"]) < 1
            assert float(r[f"p_model_renewed_war"]) <= float(r["p_model_armed_attack"])
        assert int(r["replicates"]) == H.QUICK_REPLICATES
        if all(x.endswith("=no") for x in r["features"].split(";")):
            assert r["p_model_armed_attack"] == r["p_guarantees_off_armed_attack"]
    decided = [t for t in tests if t["role"] in ("primary", "added")]
    assert len(decided) == 6 and all(t["decision"] in ("model better", "model worse", "undecided") for t in decided)
    assert (out / "history_reliability.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "history_tables.md").read_text(encoding="utf-8")
    assert "Out of sample (22 cases): the test" in md and "In sample (24 cases): apart, never pooled" in md
    assert "What 22 cases can and cannot show" in md and all(f"`{r['case_id']}`" in md for r in scored)
    assert "**Verdict (out of sample, 22 cases, the pre-registered test).**" in md
    assert "![Reliability of the model's forecasts](history_reliability.png)" in md
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "validate-history" and set(R.OUTPUT_FILES) <= set(manifest["files"])
    assert manifest["inputs"]["cases_file"]["path"] == "scenarios/history_cases_v3.csv"
    if manifest["preregistered"] is not None:  # a git work tree: the commit that added the cases file is named
        assert f"added in commit {manifest['preregistered']}, before this run's commit" in md
    assert manifest["base_rates"] == pytest.approx({"armed_attack": 10 / 24, "renewed_war": 3 / 24})
    again = sim("validate-history", "--quick", "--workers", "1", "--out", out)
    assert again.returncode == 2 and "--overwrite" in again.stderr and "Traceback" not in again.stderr
