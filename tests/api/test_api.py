"""sim.api: one run, checks without running, sweeps in memory or on disk, SALib problems."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim import api
from sim.outputs import EVENT_COLUMNS
from sim.config import ConfigError, load_scenario, with_overrides
from sim.errors import FolderError
from sim.runner import replicate_seed, simulate
from tests.helpers import ROOT

SMALL_SOBOL = {
    "name": "api_small", "scenarios": "minsk_analogue", "design": "sobol", "samples": 4,
    "levers": {"monitoring.coverage": {"low": 0.0, "high": 1.0}, "force.size": {"low": 0.0, "high": 2.0}},
    "uncertainties": {"russia.ambition": {"low": 0.5, "high": 2.5}},
    "replications": 3, "horizon_weeks": 104, "master_seed": 7,
}


def problems_of(exc: ConfigError) -> dict[str, str]:
    return {p.key: str(p) for p in exc.problems}


# --- run_experiment ----------------------------------------------------------------------------

def test_outcomes_are_the_run_record_as_numbers():
    params = {"monitoring.coverage": 0.3, "russia.ambition": 2.5}
    out = api.run_experiment(params, seed=11, weeks=156)
    record = simulate(with_overrides(load_scenario("paris_declaration"), {**params, "horizon_weeks": 156}), 11,
                      steps=False, events=False).run
    assert list(out) == list(api.OUTCOMES)
    # true/false outcomes are bool, as in runs.csv and Mesa's reporters; the rest numbers
    flags = [k for k, (t, _, _) in api.OUTCOMES.items() if t == "bool"]
    assert {"escalated", "armed_attack"} <= set(flags)
    assert all(type(out[k]) is bool for k in flags)
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in out.items() if k not in flags)
    assert out["escalated"] is record["escalated"]
    assert out["survival_weeks"] == record["survival_weeks"]
    if record["escalation_week"] is None:
        assert math.isnan(out["escalation_week"]) and out["survival_weeks"] == 156
    else:
        assert out["escalation_week"] == record["escalation_week"] == out["survival_weeks"]
    # the armed attack's week, censored at the horizon, beside its flag: never missing
    if record["armed_attack"]:
        assert out["armed_attack_survival_weeks"] == out["armed_attack_week"] < 156
    else:
        assert math.isnan(out["armed_attack_week"]) and out["armed_attack_survival_weeks"] == 156
    assert out["horizon_weeks"] == 156
    assert not any(math.isnan(out[k]) for k in api.uncensored_outcomes())
    assert api.FORCE_PHASES[out["force_phase_code"]] == record["force_phase"]
    assert api.ATTACK_OUTCOMES[out["attack_outcome_code"]] == record["attack_outcome"]
    for name in ("violations_probe", "detected", "responses_military", "credibility_major", "territory_seized_pct"):
        assert out[name] == record[name]


def test_censored_and_escalated_runs_over_seeds():
    # A very revisionist Russia facing no coalition escalates in some runs and not in others.
    params = {"russia.ambition": 3.0, "members.resolve_mean": 0.0}
    outs = [api.run_experiment(params, seed=s, weeks=104) for s in range(12)]
    escalated = [o for o in outs if o["escalated"] == 1]
    calm = [o for o in outs if o["escalated"] == 0]
    assert escalated and calm, "seeds 0-11 should give both kinds of run"
    assert all(0 <= o["escalation_week"] < 104 and o["survival_weeks"] == o["escalation_week"] for o in escalated)
    assert all(math.isnan(o["escalation_week"]) and o["survival_weeks"] == 104 for o in calm)


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a.values(),
                                                                                                 b.values()))


def test_same_arguments_same_outcomes_and_both_spellings_agree():
    a = api.run_experiment({"monitoring.coverage": 0.4}, seed=5, weeks=104)
    b = api.run_experiment({"monitoring__coverage": np.float64(0.4)}, seed=np.int64(5), weeks=104)
    c = api.run_experiment({"monitoring.coverage": 0.9}, seed=5, weeks=104)
    assert same(a, b)
    assert not same(a, c)


def test_steps_and_events_only_when_asked():
    plain = api.run_experiment(seed=2, weeks=52)
    assert "steps" not in plain and "events" not in plain
    full = api.run_experiment(seed=2, weeks=52, steps=True, events=True)
    steps, events = full["steps"], full["events"]
    assert list(steps["week"]) == list(range(52))
    assert list(events.columns) == list(EVENT_COLUMNS)[1:]  # run_id aside: one run
    assert events["week"].between(0, 51).all()
    assert int((events["kind"] == "detection").sum()) == full["detected"]
    assert {k: v for k, v in full.items() if k not in ("steps", "events")}.keys() == plain.keys()


# --- errors and check() ------------------------------------------------------------------------

@pytest.mark.parametrize("params, key, words", [
    ({"monitoring.coverag": 0.5}, "monitoring.coverag", ["unknown parameter", "did you mean 'monitoring.coverage'"]),
    ({"monitoring.coverage": "high"}, "monitoring.coverage", ["wrong type", "'high'", "a number from 0.0 to 1.0"]),
    ({"monitoring.coverage": 1.5}, "monitoring.coverage", ["out of range", "1.5", "a number from 0.0 to 1.0"]),
    ({"monitoring.enabled": 1}, "monitoring.enabled", ["wrong type", "true or false"]),
    ({"force.build_up_weeks": 3.5}, "force.build_up_weeks", ["not a whole number", "a whole number from 1 to 104"]),
    ({"force.posture": "middle"}, "force.posture", ["not an allowed value", "one of rear, forward"]),
    ({"commitments.binding_levels": "major"}, "commitments.binding_levels", ["wrong type", "a list of"]),
    ({"members.data_file": "nope.csv"}, "members.data_file", ["no such file", "'nope.csv'"]),
    ({"horizon_weeks": "10"}, "horizon_weeks", ["wrong type", "a whole number from 1 to 2600"]),
    ({"monitoring.enabled": False}, "monitoring.enabled",
     ["commission.enabled needs monitoring.enabled", "commission.enabled: false"]),
])
def test_bad_parameters_name_the_parameter_and_what_is_allowed(params, key, words):
    with pytest.raises(ConfigError) as err:
        api.run_experiment(params, seed=0, weeks=None if "horizon_weeks" in params else 10)
    found = problems_of(err.value)
    assert key in found, found
    for w in words:
        assert w in found[key]
    assert [str(p) for p in api.check(params)] == [str(p) for p in err.value.problems]


def test_check_reports_every_problem_at_once_and_nothing_for_valid_parameters():
    bad = {"monitoring.coverag": 0.5, "russia.ambition": 9.0, "force.posture": "middle"}
    assert set(p.key for p in api.check(bad)) == {"monitoring.coverag", "russia.ambition", "force.posture"}
    assert api.check({"monitoring.enabled": False, "commission.enabled": False}) == []
    assert api.check({"commission.decision_rule": np.str_("us_led"), "monitoring.enabled": np.bool_(True),
                      "force.build_up_weeks": np.int64(8), "force.size": np.float32(1.5)}) == []
    assert api.check(None) == []
    assert [p.key for p in api.check({}, scenario="no_such_scenario")] == [""]
    assert "no_such_scenario" in str(api.check({}, scenario="no_such_scenario")[0])


def test_other_arguments_are_checked_too():
    with pytest.raises(ConfigError, match="seed.*not a seed"):
        api.run_experiment(seed=-1)
    with pytest.raises(ConfigError, match="horizon_weeks.*given twice"):
        api.run_experiment({"horizon_weeks": 10}, weeks=20)
    with pytest.raises(ConfigError, match="mapping"):
        api.run_experiment([("monitoring.coverage", 0.5)])


# --- the catalogue -----------------------------------------------------------------------------

def test_catalogue_roles_and_frame():
    cat = api.parameter_catalogue()
    assert cat["monitoring__coverage"] is cat["monitoring.coverage"]
    assert {s.role for s in cat.levers.values()} == {"lever"}
    assert {s.role for s in cat.uncertainties.values()} == {"uncertainty"}
    frame = cat.frame()
    assert len(frame) == len(cat) and set(frame["role"]) == {"lever", "uncertainty", "constant"}
    assert (frame["name"] == frame["path"].str.replace(".", "__", regex=False)).all()
    with pytest.raises(ConfigError, match="not a role"):
        cat.select("levers")


@pytest.mark.needs("sensitivity")
def test_salib_problem_decodes_to_valid_parameters():
    from SALib.sample import sobol as sobol_sample

    cat = api.parameter_catalogue()
    problem = cat.salib_problem("lever")
    names = problem["names"]
    assert problem["num_vars"] == len(names) == len(problem["bounds"])
    assert set(names) == {p for p, s in cat.levers.items() if s.kind in api.SAMPLED_KINDS}
    assert "commitments.response_menu" not in names  # a mapping: set, not sampled
    i = names.index("commission.decision_rule")
    assert problem["bounds"][i] == [-0.5, 3.5] and "0 us_led" in problem["encoding"]["commission.decision_rule"]
    X = sobol_sample.sample(problem, 32, calc_second_order=False, seed=3)
    rows = api.params_from_salib(problem, X)
    assert len(rows) == len(X)
    choices = {r["commission.decision_rule"] for r in rows}
    assert choices == {"us_led", "us_and_qualified_majority", "consensus", "qualified_majority"}
    assert {r["force.posture"] for r in rows} == {"rear", "forward"}
    assert all(isinstance(r["monitoring.latency_weeks"], int) and 0 <= r["monitoring.latency_weeks"] <= 26
               for r in rows)
    # every decoded row is a valid parameter set except for the schema's one cross-section rule
    for r in rows:
        problems = api.check(r)
        assert all("commission.enabled needs monitoring.enabled" in str(p) for p in problems), problems
    # each whole number gets an equal share of a uniform axis
    one = api.params_from_salib({"names": ["monitoring.latency_weeks"], "bounds": [[-0.5, 26.5]]},
                                ((np.arange(2700) + 0.5) / 100 - 0.5)[:, None])
    counts = pd.Series([r["monitoring.latency_weeks"] for r in one]).value_counts()
    assert len(counts) == 27 and counts.min() == counts.max() == 100


def test_salib_bounds_narrow_numbers_only():
    cat = api.parameter_catalogue()
    problem = cat.salib_problem("uncertainty", bounds={"russia.ambition": (0.5, 2.0)})
    assert problem["bounds"][problem["names"].index("russia.ambition")] == [0.5, 2.0]
    with pytest.raises(ConfigError, match="russia.ambition.*outside"):
        cat.salib_problem("uncertainty", bounds={"russia.ambition": (0.5, 4.0)})
    with pytest.raises(ConfigError, match="force.posture.*switch or a choice"):
        cat.salib_problem(names=["force.posture"], bounds={"force.posture": (0, 1)})
    with pytest.raises(ConfigError, match="monitoring.coverag.*unknown parameter"):
        cat.salib_problem(names=["monitoring.coverag"])


# --- sweeps ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def in_memory():
    return api.sweep(SMALL_SOBOL)


def test_sweep_in_memory_equals_the_files(in_memory, tmp_path):
    on_disk = api.sweep(SMALL_SOBOL, out=tmp_path / "s")
    assert in_memory.out is None and on_disk.out == tmp_path / "s"
    pd.testing.assert_frame_equal(in_memory.runs, on_disk.runs)
    pd.testing.assert_frame_equal(in_memory.summary, on_disk.summary)
    pd.testing.assert_frame_equal(in_memory.differences, on_disk.differences)
    from_file = pd.read_csv(tmp_path / "s" / "runs.csv").sort_values("run_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(in_memory.runs, from_file)
    assert (tmp_path / "s" / "summary.csv").is_file() and (tmp_path / "s" / "manifest.json").is_file()
    assert len(in_memory.runs) == 4 * (3 + 2) * 3 and in_memory.manifest["status"] == "complete"


def test_the_files_hold_the_api_tables_at_full_precision(tmp_path):
    """summary.csv and differences.csv read back with a plain read_csv are the API's frames, bit for bit
    (p-values were once written with six decimals: 2.3e-10 became 0.000000)."""
    on_disk = api.sweep({**SMALL_SOBOL, "reference": 0}, out=tmp_path / "s")
    assert len(on_disk.differences) > 0
    tables = [("summary", on_disk.summary), ("differences", on_disk.differences)]
    if on_disk.sensitivity is not None:
        tables.append(("sensitivity", on_disk.sensitivity))
    for name, frame in tables:
        # bit for bit with pandas' round-trip parser; its default C parser may miss the last bit
        exact = pd.read_csv(tmp_path / "s" / f"{name}.csv", float_precision="round_trip")
        pd.testing.assert_frame_equal(exact, frame.reset_index(drop=True), check_exact=True, check_dtype=False)
        plain = pd.read_csv(tmp_path / "s" / f"{name}.csv")
        pd.testing.assert_frame_equal(plain, frame.reset_index(drop=True), rtol=1e-15, check_dtype=False)
    # a statistic that is not a multiple of 1e-6 is written with every digit it has
    p = on_disk.summary["p_low"].dropna()
    assert (p * 1e6 % 1 != 0).any()
    text = (tmp_path / "s" / "summary.csv").read_text(encoding="utf-8")
    assert repr(float(p.iloc[0])) in text


@pytest.mark.needs("sensitivity")
def test_a_sobol_sweep_in_memory_has_its_sensitivity_indices(in_memory):
    assert in_memory.sensitivity is not None and set(in_memory.sensitivity["method"]) >= {"delta", "sobol"}


def test_a_sweep_row_is_run_experiment_with_the_replicate_seed(in_memory):
    runs = in_memory.runs
    for i in (0, len(runs) - 1):
        row = runs.iloc[i]
        params = {p: row[p] for p in ("monitoring.coverage", "force.size", "russia.ambition")}
        out = api.run_experiment(params, seed=replicate_seed(7, int(row["replicate"])), weeks=104,
                                 scenario="minsk_analogue")
        assert out["escalated"] == int(row["escalated"])
        assert out["survival_weeks"] == row["survival_weeks"]
        assert out["detected"] == row["detected"] and out["credibility_major"] == pytest.approx(row["credibility_major"])


def test_two_workers_give_the_same_runs(in_memory):
    pd.testing.assert_frame_equal(api.sweep(SMALL_SOBOL, workers=2).runs, in_memory.runs)


def test_sweep_errors_name_the_key(tmp_path):
    with pytest.raises(ConfigError) as err:
        api.sweep({**SMALL_SOBOL, "levers": {"monitoring.coverag": {"low": 0.0, "high": 1.0}}})
    assert "experiment (dict): levers.monitoring.coverag: unknown parameter" in str(err.value)
    assert "did you mean 'monitoring.coverage'" in str(err.value)
    with pytest.raises(ConfigError, match="workers"):
        api.sweep(SMALL_SOBOL, workers=0)
    with pytest.raises(ConfigError, match="resume needs"):
        api.sweep(SMALL_SOBOL, resume=True)
    (tmp_path / "file").write_text("x")
    with pytest.raises(FolderError, match="out must be a folder"):
        api.sweep(SMALL_SOBOL, out=tmp_path / "file")


def test_a_file_and_a_dict_give_the_same_sweep(in_memory, tmp_path):
    import yaml

    path = tmp_path / "api_small.yaml"
    path.write_text(yaml.safe_dump(SMALL_SOBOL, sort_keys=False), encoding="utf-8")
    from_file = api.sweep(path)
    pd.testing.assert_frame_equal(from_file.runs, in_memory.runs)
    assert from_file.manifest["fingerprint"] == in_memory.manifest["fingerprint"]


# --- documentation -----------------------------------------------------------------------------

def test_api_doc_lists_every_outcome():
    text = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    assert api.outcomes_table() in text, "docs/API.md is stale: python -m sim.outputs_doc --api"
    # counts and costs are generated from the code, not typed
    from sim.outputs_doc import render_api, salib_cost

    performance = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    assert render_api(text, performance) == text, "docs/API.md is stale: python -m sim.outputs_doc --api"
    assert repr(api.parameter_catalogue()) in text and salib_cost(performance) in text
    d = api.parameter_catalogue().salib_problem("uncertainty", bounds={"russia.ambition": (0.5, 2.0)})["num_vars"]
    assert f"{256 * (d + 2):,} runs" in text
    for name in ("run_experiment", "check", "sweep", "parameter_catalogue", "params_from_salib",
                 "DeterrenceModel", "batch_run", "sim.ema", "discover"):
        assert name in text


def test_codes_follow_the_model():
    from sim.agents.force import ForcePhase

    assert tuple(p.label for p in sorted(ForcePhase)) == api.FORCE_PHASES
