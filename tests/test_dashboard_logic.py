"""Dashboard logic without a browser: controls -> overrides, chart data, event log, tiles."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest

pytest.importorskip("solara", reason="the dashboard extras are not installed: pip install -e '.[dashboard]'")

from matplotlib.figure import Figure  # noqa: E402

from sim.config import load_scenario  # noqa: E402
from sim.dashboard import compare as CMP  # noqa: E402
from sim.dashboard import components as C  # noqa: E402
from sim.dashboard import controls as K  # noqa: E402
from sim.dashboard import serve  # noqa: E402


# --- controls -> scenario -------------------------------------------------------------
def test_untouched_controls_keep_the_scenario():
    assert K.overrides_from_controls(K.default_controls()) == {}
    for name in K.scenario_names():
        scenario, error, overrides = K.build_scenario({**K.default_controls(), "scenario_name": name})
        assert error is None and overrides == {}
        assert scenario == load_scenario(name)


def test_political_only_lever_matches_the_political_only_scenario():
    controls = {**K.default_controls(), "commitments": "political only"}
    scenario, error, overrides = K.build_scenario(controls)
    assert error is None
    assert overrides["ratification.seek_ratification"] is False
    assert scenario.ratification == load_scenario("political_only").ratification


def test_sliders_override_only_when_moved():
    start = K.slider_start(K.CONTROLS_BY_NAME["monitoring_coverage"])
    assert K.overrides_from_controls({"monitoring_coverage": start}) == {}
    assert K.overrides_from_controls({"monitoring_coverage": 0.5}) == {"monitoring.coverage": 0.5}
    scenario, _, _ = K.build_scenario({"scenario_name": "minsk_analogue", "monitoring_coverage": 0.5})
    assert scenario.monitoring.coverage == 0.5 and not scenario.commission.enabled


@pytest.mark.parametrize("name,value,expected", [
    ("commission", "consensus", {"commission.enabled": True, "commission.decision_rule": "consensus"}),
    ("commission", "no commission", {"commission.enabled": False}),
    ("force_posture", "no force", {"force.enabled": False}),
    ("force_posture", "forward (tripwire)", {"force.enabled": True, "force.posture": "forward"}),
    ("us_backstop", "no US backstop", {"united_states.backstop_probability": 0.0}),
    ("coordination_cell", "off", {"coordination_cell.enabled": False}),
    ("support_volume", 2.0, {"support.volume": 2.0}),
    ("force_size", 0.5, {"force.size": 0.5}),
    ("evidence_threshold", 0.9, {"commission.evidence_threshold": 0.9}),
])
def test_each_lever_sets_its_parameters(name, value, expected):
    assert K.overrides_from_controls({name: value}) == expected
    scenario, error, _ = K.build_scenario({"scenario_name": "paris_declaration", name: value})
    assert error is None
    for path, v in expected.items():
        assert K._get(scenario, path) == v


def test_unknown_controls_are_refused():
    with pytest.raises(ValueError):
        K.overrides_from_controls({"nonsense": 1})
    with pytest.raises(ValueError):
        K.overrides_from_controls({"commission": "by lot"})


def test_invalid_combination_gives_the_config_error_text_not_an_exception():
    scenario, error, overrides = K.build_scenario({"scenario_name": "paris_declaration", "monitoring": "off"})
    assert "commission.enabled needs monitoring.enabled" in error
    assert scenario == load_scenario("paris_declaration") and overrides == {}
    model = K.DashboardModel(monitoring="off")
    assert "needs monitoring.enabled" in model.config_error
    model.step()
    assert model.week == 1


def test_model_params_match_the_keyword_only_init():
    params = K.model_params()
    sig = inspect.signature(K.DashboardModel.__init__).parameters
    kw = {n for n, p in sig.items() if p.kind == p.KEYWORD_ONLY}
    assert set(params) == kw == set(K.default_controls())
    assert all(p.default is not inspect.Parameter.empty for n, p in sig.items() if n != "self")
    for name, p in params.items():
        assert p["type"] in ("Select", "SliderFloat", "SliderInt")
        if p["type"] == "Select":
            assert p["value"] in p["values"]
        else:
            assert p["min"] <= p["value"] <= p["max"]
    model = K.DashboardModel(**{n: p["value"] for n, p in params.items()})  # what SolaraViz's Reset does
    assert model.overrides == {} and model.design.name == "paris_declaration"


def test_dashboard_model_runs_the_chosen_design():
    model = K.DashboardModel(scenario_name="forward_tripwire", seed=3)
    assert model.design is model.scenario_config and model.design.force.posture == "forward"
    assert model.seed == 3


def test_design_rows_flag_the_students_changes():
    model = K.DashboardModel(commitments="political only")
    rows = {r["lever"]: r for r in K.design_rows(model.design, model.overrides)}
    assert rows["seek ratification"]["value"] is False and rows["seek ratification"]["changed"]
    assert not rows["coverage"]["changed"]
    assert all(r["clause"] in {"P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1"} for r in rows.values())


# --- story page -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def war_model():
    """Minsk analogue, seed 0: probes and an attack in the first year (by the current calibration)."""
    model = K.DashboardModel(scenario_name="minsk_analogue", seed=0)
    model.run(80)
    return model


def test_week_counter():
    model = K.DashboardModel()
    assert C.week_text(model).startswith("Week 0 of 260")
    model.step()
    assert C.week_text(model).startswith("Week 1 of 260")


def test_ladder_data_follows_the_datacollector_and_the_events(war_model):
    data = C.ladder_data(war_model)
    assert data["weeks"] == list(range(war_model.week))
    assert data["levels"] == [int(x) for x in war_model.datacollector.model_vars["escalation_level"]]
    rows = war_model.events.rows
    for kind, (weeks, levels) in data["markers"].items():
        expected = {(w, C.LEVEL_INDEX[lvl]) for w, k, _, lvl, _, _ in rows if k == kind and lvl in C.LEVEL_INDEX}
        assert set(zip(weeks, levels)) == expected
    if war_model.escalation_week is not None:
        assert data["escalation_week"] == war_model.escalation_week
        assert data["levels"][war_model.escalation_week] == 3


def test_other_chart_data(war_model):
    cred = C.credibility_data(war_model)
    assert len(cred["weeks"]) == len(cred["major"]) == war_model.week
    assert all(0.0 <= v <= 1.0 for v in cred["probe"] + cred["limited"] + cred["major"])
    bal = C.balance_data(war_model)
    assert bal["ukraine_defence"][-1] == pytest.approx(war_model.datacollector.model_vars["ukraine_defence"][-1])
    force = C.force_data(war_model)
    assert set(force["phase"]) <= {0, 1, 2, 3} and force["enabled"] is False  # no force in Minsk


def test_story_figure_has_four_labelled_non_empty_charts(war_model):
    fig = C.story_figure(war_model)
    assert isinstance(fig, Figure)
    main = [ax for ax in fig.axes if ax.get_title()]
    assert len(main) == 4
    for ax in main:
        assert ax.get_xlabel() == "week after the ceasefire"
        assert ax.lines, ax.get_title()
    empty = C.story_figure(K.DashboardModel())  # week 0: axes and a note, not a blank image
    assert any("press Step" in t.get_text() for ax in empty.axes for t in ax.texts)


def test_event_log_rows_newest_first_with_clause_help(war_model):
    rows = C.event_log_rows(war_model.events.rows, limit=15)
    assert len(rows) == min(15, len(war_model.events.rows))
    weeks = [r["week"] for r in rows]
    assert weeks == sorted(weeks, reverse=True) and weeks[0] == war_model.events.rows[-1][0]
    for r in rows:
        assert r["clause"] in {"P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1", "A"}
        assert r["clause_help"].startswith(r["clause"] + " - ")
    only = C.event_log_rows(war_model.events.rows, kinds={"violation"})
    assert only and all(r["kind"] == "violation" for r in only)


def test_describe_event_and_html():
    row = (12, "decision", "SpecialCommission", "probe", "G1", "corrective measures against Russia: demarche")
    assert C.describe_event(row) == "Commission decision (probe): corrective measures against Russia: demarche"
    assert C.describe_event((3, "request", "Ukraine", "", "G3", "x")) == "Force requested: x"
    text = C.event_log_html(C.event_log_rows([row, (13, "response", "A <b>", "probe", "G4", "d & s")]), 2)
    assert text.index(">13<") < text.index(">12<")  # newest first
    assert "A &lt;b&gt;" in text and "d &amp; s" in text  # escaped
    assert 'title="G1 - US-led monitoring' in text
    assert "No events yet" in C.event_log_html([], 0)
    legend = C.clause_legend_html()
    for cid in ("P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1"):
        assert f">{cid}</span>" in legend


@pytest.mark.parametrize("status", ["ratified", "pending", "political", "failed"])
def test_tile_status(status):
    member = SimpleNamespace(name="Latvia", ratification_status=status, is_european=True,
                             responses={"diplomacy": 2, "sanctions": 0, "intelligence": 1, "logistics": 0,
                                        "military": 0})
    tile = C.tile_status(member)
    assert tile["status"] == status and tile["colour"] == C.STATUS_COLOURS[status][0]
    assert tile["activated"] == ["diplomacy", "intelligence"]
    html = C.tiles_html([tile])
    assert 'data-status="' + status + '"' in html and "diplomacy: activated 2 time(s)" in html


def test_coalition_tiles_cover_every_member_and_the_us(war_model):
    tiles = C.coalition_tiles(war_model)
    assert len(tiles) == len(war_model.members) + 1 and tiles[-1]["name"] == war_model.united_states.name
    political = K.DashboardModel(commitments="political only")
    political.run(60)
    statuses = [t["status"] for t in C.coalition_tiles(political)]
    assert statuses[-1] == "no pledge"  # the US makes no G4 pledge in the declaration as written
    assert "political" in statuses and set(statuses[:-1]) <= {"political", "dropped"}


# --- comparison -------------------------------------------------------------------------
def test_comparison_runs_both_designs_with_the_same_seeds():
    seen = []
    result = CMP.compare(load_scenario("political_only"), load_scenario("minsk_analogue"), n=6, horizon=30,
                         progress=seen.append)
    assert seen[-1] == pytest.approx(1.0) and len(seen) == 12 and seen == sorted(seen)
    for s in (result.current, result.reference):
        assert s.n == 6 and 0 <= s.escalated <= 6
        assert s.low <= s.p <= s.high
        assert len(s.weeks) == len(s.survival) == 31 and s.survival[0] == 1.0
        assert all(a >= b for a, b in zip(s.survival, s.survival[1:]))  # non-increasing
    again = CMP.compare(load_scenario("political_only"), load_scenario("minsk_analogue"), n=6, horizon=30)
    assert again.reference.escalated == result.reference.escalated  # seeded
    fig = CMP.comparison_figure(result)
    assert len(fig.axes) == 2 and all(ax.get_title() for ax in fig.axes)
    html = CMP.result_html(result)
    assert "P(escalation)" in html and "6 replicates per design, horizon 30 weeks" in html


def test_design_label_lists_the_changes():
    assert CMP.design_label(K.DashboardModel()) == "paris_declaration"
    assert "seek_ratification=False" in CMP.design_label(K.DashboardModel(commitments="political only"))


# --- components render without a browser --------------------------------------------------
def test_story_and_comparison_components_render():
    import ipyvuetify
    import solara

    from sim.dashboard.app import StoryPage

    model = K.DashboardModel(scenario_name="minsk_analogue")
    model.run(12)
    box, rc = solara.render(StoryPage(model), handle_error=False)
    html = " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
    assert "member-tile" in html and "event-log" in html and "clause-chip" in html
    assert "Week 12 of 260" in html
    rc.close()
    box, rc = solara.render(CMP.ComparisonPage(model, K.scenario_names()), handle_error=False)
    labels = [c for w in rc.find(ipyvuetify.Btn).widgets for c in w.children if isinstance(c, str)]
    assert "Run comparison" in labels
    rc.close()


def test_serve_command_is_local_production_and_quiet(monkeypatch, capsys):
    cmd = serve.command("127.0.0.1", 8765)
    assert cmd[1:4] == ["-m", "solara", "run"] and cmd[4].endswith("app.py")
    assert ["--host", "127.0.0.1"] == cmd[5:7] and ["--port", "8765"] == cmd[7:9]
    assert "--production" in cmd and "--no-open" in cmd and "--no-check-version" in cmd
    assert serve.environment()["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    calls = []
    monkeypatch.setattr(serve, "run_server", lambda c, env: calls.append(c) or 0)
    assert serve.main(SimpleNamespace(host="127.0.0.1", port=9001)) == 0
    assert "http://127.0.0.1:9001/" in capsys.readouterr().out and calls
