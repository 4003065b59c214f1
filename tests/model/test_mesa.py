"""Mesa as a client: schema parameters as keyword arguments, run-level reporters, batch_run."""

from __future__ import annotations

import inspect
import math

import mesa
import pytest

from sim import api
from sim.config import ConfigError, load_scenario, with_overrides
from sim.model import DeterrenceModel
from sim.outputs import run_record
from sim.runner import simulate

WEEKS = 60


def finished(model: DeterrenceModel) -> DeterrenceModel:
    model.run()
    return model


def test_keyword_parameters_are_schema_parameters():
    kw = dict(monitoring__coverage=0.3, russia__ambition=2.5, force__posture="forward", horizon_weeks=WEEKS)
    by_kwargs = finished(DeterrenceModel("paris_declaration", 4, **kw))
    dotted = {k.replace("__", "."): v for k, v in kw.items()}
    by_scenario = finished(DeterrenceModel(with_overrides(load_scenario("paris_declaration"), dotted), 4))
    assert by_kwargs.scenario_config == by_scenario.scenario_config
    assert by_kwargs.scenario_config.monitoring.coverage == 0.3
    assert run_record(by_kwargs) == run_record(by_scenario)


def test_bad_keyword_parameters_raise_config_errors_naming_them():
    with pytest.raises(ConfigError) as err:
        DeterrenceModel("paris_declaration", 0, monitoring__coverag=0.3, force__size="big")
    text = str(err.value)
    assert "DeterrenceModel: monitoring__coverag: unknown parameter (did you mean 'monitoring.coverage'?)" in text
    assert "force.size: wrong type (given: 'big'); allowed: a number from 0.0 to 5.0" in text
    with pytest.raises(ConfigError, match="monitoring.enabled.*commission.enabled: false"):
        DeterrenceModel("paris_declaration", 0, monitoring__enabled=False)
    with pytest.raises(ConfigError, match="seed: not a seed.*rng="):
        DeterrenceModel("paris_declaration", -1)
    with pytest.raises(ValueError, match="seed=1 and rng=2 disagree"):
        DeterrenceModel("paris_declaration", 1, rng=2)


def test_no_seed_draws_a_fresh_one_as_mesa_does_and_the_drawn_seed_reproduces_the_run():
    drawn = [finished(DeterrenceModel("paris_declaration", horizon_weeks=WEEKS, russia__ambition=2.5))
             for _ in range(6)]
    seeds = [m.seed for m in drawn]
    assert len(set(seeds)) == 6 and all(isinstance(s, int) and 0 <= s < 2**63 for s in seeds)
    again = finished(DeterrenceModel("paris_declaration", seeds[0], horizon_weeks=WEEKS, russia__ambition=2.5))
    assert run_record(again) == run_record(drawn[0])
    by_rng = finished(DeterrenceModel("paris_declaration", rng=seeds[0], horizon_weeks=WEEKS, russia__ambition=2.5))
    assert run_record(by_rng) == run_record(drawn[0])


@pytest.mark.skipif(not hasattr(mesa, "batch_run"), reason="mesa.batch_run is gone (Mesa 4)")
def test_mesa_batch_run_iterations_gives_different_runs_each_naming_its_seed():
    rows = mesa.batch_run(DeterrenceModel, parameters={"horizon_weeks": WEEKS, "russia__ambition": 2.5,
                                                       "record_events": False},
                          iterations=8, max_steps=WEEKS + 5, number_processes=1, data_collection_period=-1,
                          display_progress=False)
    assert len(rows) == 8 and len({r["seed"] for r in rows}) == 8  # not 8 copies of seed 0
    r = rows[3]
    out = api.run_experiment({"russia.ambition": 2.5}, seed=r["seed"], weeks=WEEKS)
    assert out["survival_weeks"] == r["survival_weeks"] and out["escalated"] == r["escalated"]


def test_run_level_reporters_match_runs_csv_and_weeks_match_steps_csv():
    scenario = with_overrides(load_scenario("paris_declaration"),
                              {"russia.ambition": 3.0, "members.resolve_mean": 0.0, "horizon_weeks": 104})
    seen_escalation = seen_calm = False
    for seed in range(8):
        model = finished(DeterrenceModel(scenario, seed))
        frame = model.datacollector.get_model_vars_dataframe()
        record = run_record(model)
        steps = simulate(scenario, seed).steps
        assert list(frame["week"]) == steps["week"] == list(range(104))
        last = frame.iloc[-1]
        assert bool(last["escalated"]) == record["escalated"]
        assert last["survival_weeks"] == record["survival_weeks"]
        if record["escalated"]:
            seen_escalation = True
            assert last["escalation_week"] == record["escalation_week"]
            week = int(record["escalation_week"])
            # the reporters switch at the escalation week, not before
            assert not frame["escalated"].iloc[:week].any() and frame["escalated"].iloc[week:].all()
            assert (frame["survival_weeks"].iloc[:week] == frame["week"].iloc[:week] + 1).all()
        else:
            seen_calm = True
            assert math.isnan(last["escalation_week"]) and last["survival_weeks"] == 104
    assert seen_escalation and seen_calm


def test_without_steps_the_final_week_is_still_collected():
    model = finished(DeterrenceModel("paris_declaration", 3, collect_steps=False, horizon_weeks=WEEKS))
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 1 and frame["week"].iloc[0] == WEEKS - 1
    assert frame["survival_weeks"].iloc[0] == run_record(model)["survival_weeks"]


@pytest.mark.skipif(not hasattr(mesa, "batch_run"), reason="mesa.batch_run is gone (Mesa 4); "
                                                           "the project does not depend on it")
def test_mesa_batch_run_varies_schema_parameters():
    parameters = {"scenario": "paris_declaration", "monitoring__coverage": [0.1, 0.9], "russia__ambition": 2.5,
                  "horizon_weeks": WEEKS, "record_events": False}
    if "rng" in inspect.signature(mesa.batch_run).parameters:  # Mesa 3.5+: seeds are given as rng
        seeds = {"rng": [1, 2]}
    else:  # Mesa 3.3: a model parameter like any other
        seeds = {"iterations": 1}
        parameters["seed"] = [1, 2]
    rows = mesa.batch_run(DeterrenceModel, parameters=parameters, max_steps=WEEKS + 5, number_processes=1,
                          data_collection_period=-1, display_progress=False, **seeds)
    assert len(rows) == 4
    assert sorted((r["seed"], r["monitoring__coverage"]) for r in rows) == [(1, 0.1), (1, 0.9), (2, 0.1), (2, 0.9)]
    for r in rows:
        assert r["week"] == WEEKS - 1  # the last week, labelled as in steps.csv
        out = api.run_experiment({"monitoring.coverage": r["monitoring__coverage"], "russia.ambition": 2.5},
                                 seed=r["seed"], weeks=WEEKS)
        assert int(r["escalated"]) == out["escalated"]
        assert r["survival_weeks"] == out["survival_weeks"]
        assert r["credibility_major"] == pytest.approx(out["credibility_major"])


def test_a_finished_model_is_freed_however_it_was_run():
    """Mesa 3.3 keeps every model in Agent._ids (mesa#3179); the model releases it once its agents are built,
    so a study that builds models itself (not through ``simulate``) does not keep them all alive."""
    import gc

    from sim.config import load_scenario
    from sim.model import DeterrenceModel

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, DeterrenceModel) for o in gc.get_objects())

    before = alive()  # other tests' fixtures may hold models of their own
    for seed in range(3):
        DeterrenceModel(load_scenario("paris_declaration"), seed, collect_steps=False).run(20)
    assert alive() == before
    ids = {a.unique_id for a in DeterrenceModel(load_scenario("paris_declaration"), 0).agents}
    assert len(ids) == len(DeterrenceModel(load_scenario("paris_declaration"), 0).agents)  # ids stay unique
