"""Dashboard logic without a browser: levers -> design, the story adapter, charts, comparison, page."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from types import SimpleNamespace

import pandas as pd
import pytest

pytest.importorskip("solara", reason="the dashboard extras are not installed: pip install -e '.[dashboard]'")

from sim.config import load_scenario, shipped_scenarios  # noqa: E402
from sim.dashboard import charts  # noqa: E402
from sim.dashboard import compare as CMP  # noqa: E402
from sim.dashboard import components as C  # noqa: E402
from sim.dashboard import controls as K  # noqa: E402
from sim.dashboard import explain, outcomes, serve  # noqa: E402
from sim.dashboard.chain import chain_at, chain_table  # noqa: E402
from sim.dashboard.sentences import describe  # noqa: E402
from sim.dashboard.story import Story, event_table, run_story  # noqa: E402
from sim.dashboard.words import (  # noqa: E402
    INTENT_LANE,
    INTENTS,
    KINDS,
    LANES,
    OTHER_LANE,
    UKRAINE_LANE,
    clause_reason,
)
from sim.events import Event  # noqa: E402
from sim.runner import simulate  # noqa: E402

CLAUSE_IDS = {"P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1", "A"}


# --- levers -> design -------------------------------------------------------------------
def test_untouched_levers_keep_every_scenario():
    for name in K.scenario_names():
        design, error = K.build_design(name, K.default_controls(name))
        assert error is None and design.overrides == {}
        assert design.scenario == load_scenario(name)
        assert design.label == K.scenario_title(name)


def test_political_only_lever_matches_the_political_only_scenario():
    design, error = K.build_design("paris_declaration", {**K.default_controls(), "commitments": "political only"})
    assert error is None
    assert design.scenario.ratification == load_scenario("political_only").ratification
    assert design.label == "Paris declaration + Commitments (G0, G4): political only"


def test_sliders_start_at_the_scenarios_own_value_and_override_only_when_moved():
    minsk = K.default_controls("minsk_analogue")
    assert minsk["monitoring_coverage"] == load_scenario("minsk_analogue").monitoring.coverage == 0.3
    assert K.overrides_from_controls(minsk, "minsk_analogue") == {}
    moved = {**minsk, "monitoring_coverage": 0.5}
    assert K.overrides_from_controls(moved, "minsk_analogue") == {"monitoring.coverage": 0.5}
    design, _ = K.build_design("minsk_analogue", moved)
    assert design.scenario.monitoring.coverage == 0.5 and not design.scenario.commission.enabled


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
    ("warning_measures", "off", {"warning.measures": []}),
    ("snapback", "automatic", {"sanctions.snapback": "automatic"}),
    ("snapback", "none", {"sanctions.snapback": "none"}),
    ("relief_per_year", 0.5, {"sanctions.relief_per_year": 0.5}),
    ("us_role", "with US bilateral guarantee", {"united_states.pledges_response": True, "shocks": []}),
])
def test_each_lever_sets_its_parameters(name, value, expected):
    controls = {**K.default_controls(), name: value}
    assert K.overrides_from_controls(controls) == expected
    design, error = K.build_design("paris_declaration", controls)
    assert error is None
    for path, v in expected.items():
        assert K.get(design.scenario, path) == v


@pytest.mark.parametrize("choice,shipped", [("as written (no US pledge)", "paris_declaration"),
                                            ("with US bilateral guarantee", "paris_us_bilateral"),
                                            ("US withdraws in 2029", "us_withdraws_2029")])
def test_us_role_lever_gives_the_shipped_scenario(choice, shipped):
    """The US role lever on the Paris design is the shipped scenario, parameter for parameter."""
    design, error = K.build_design("paris_declaration", {**K.default_controls(), "us_role": choice})
    assert error is None
    same = {"exclude": {"name", "description"}}
    assert design.scenario.model_dump(**same) == load_scenario(shipped).model_dump(**same)
    rows = {r["lever"]: r for r in K.design_rows(design.scenario, load_scenario("paris_declaration"))}
    assert rows["US role (G1, G3, G4)"]["value"] == choice
    assert rows["US role (G1, G3, G4)"]["changed"] == (shipped != "paris_declaration")
    assert (design.key == K.named_design("paris_declaration").key) == (shipped == "paris_declaration")
    # the shipped scenario, loaded as such, says the same in the design card
    assert K.effect(K.CONTROLS_BY_NAME["us_role"], load_scenario(shipped)) == choice


def test_warning_and_sanctions_levers_say_what_is_in_effect():
    base = load_scenario("paris_declaration")
    rows = {r["lever"]: r["value"] for r in K.design_rows(base, base)}
    # Model v3: the declaration as written pre-agrees no warning measures (a lever to test)
    assert rows["Warning measures (G1)"] == "off" and rows["Sanctions snapback (G4)"] == "commission vote"
    assert rows["Sanctions relief a year (A)"] == "0.15"
    art5 = {r["lever"]: r["value"] for r in K.design_rows(load_scenario("article5_like"), base)}
    assert art5["Sanctions snapback (G4)"] == "automatic"
    design, _ = K.build_design("paris_declaration", {**K.default_controls(), "warning_measures": "on",
                                                     "relief_per_year": 0.4})
    assert design.label == ("Paris declaration + Warning measures (G1): on; Sanctions relief a year (A): 0.4")


def test_unknown_levers_are_refused():
    with pytest.raises(ValueError):
        K.overrides_from_controls({"nonsense": 1})
    with pytest.raises(ValueError):
        K.overrides_from_controls({"commission": "by lot"})


def test_a_combination_not_allowed_is_told_in_the_sidebars_words():
    design, error = K.build_design("paris_declaration", {**K.default_controls(), "monitoring": "off"})
    assert design is None
    assert "Commission rule (G1) needs Monitoring (G1)" in error
    assert "Monitoring (G1) set to 'on'" in error and "Commission rule (G1) set to 'no commission'" in error
    assert not re.search(r"[a-z_]+\.[a-z_]+", error), error  # no dotted parameter path
    assert K.in_sidebar_words("force.size: 2 or support.volume") == "Force size, x pledges (G3) at 2 or " \
                                                                    "Support volume, x 2025 aid (G2)"


def test_design_card_flags_only_real_changes_and_says_the_legal_status():
    base = load_scenario("paris_declaration")
    design, _ = K.build_design("paris_declaration", {**K.default_controls(), "commitments": "political only"})
    rows = {r["lever"]: r for r in K.design_rows(design.scenario, base)}
    assert rows["Commitments (G0, G4)"]["value"] == "political only" and rows["Commitments (G0, G4)"]["changed"]
    assert [r for r in rows.values() if r["changed"]] == [rows["Commitments (G0, G4)"]]
    # choosing the value the scenario already has is not a change
    same, _ = K.build_design("paris_declaration", {**K.default_controls(), "commission": "US-led (the US decides)"})
    assert not any(r["changed"] for r in K.design_rows(same.scenario, base))
    assert same.label == "Paris declaration"
    assert {c for r in rows.values() for c in r["clauses"]} <= CLAUSE_IDS
    for r in rows.values():  # issue 23, defect 14: the badges are the clauses the lever's label names
        assert r["lever"].endswith("(" + ", ".join(r["clauses"]) + ")")
    minsk = {r["lever"]: r["value"] for r in K.design_rows(load_scenario("minsk_analogue"), base)}
    assert minsk["Commitments (G0, G4)"] == "political only (not meant to be binding)"
    assert minsk["Commission rule (G1)"] == "no commission"


# --- the story adapter ------------------------------------------------------------------
# Seeds whose story shows what a test needs, found by search (Model v2 with the issue-18 data and US role); if the
# model changes, update them with the search in each docstring.
FORWARD_ATTACK_SEED = 1  # forward_tripwire: first seed in 0-399 with an attack after full deployment
PARIS_LIMITED_SEED = 83  # paris_declaration: first seed in 0-399 with a limited offensive prepared and launched (calibrated defaults)
PARIS_WARNING_SEED = 1  # paris_declaration: first seed in 0-199 with a warning


@pytest.fixture(scope="module")
def paris():
    return run_story(load_scenario("paris_declaration"), 0)


def test_story_steps_are_the_runs_steps_week_for_week(paris):
    steps = simulate(load_scenario("paris_declaration"), 0).steps
    assert list(paris.steps.index) == steps["week"] == list(range(paris.horizon))
    for col in ("escalation_level", "credibility_major", "ukraine_defence", "force_phase"):
        assert list(paris.steps[col]) == steps[col], col


def test_chain_agrees_with_the_models_own_counts():
    """Rebuilt from the event order alone, the chain reproduces every counter of runs.csv."""
    for name in shipped_scenarios():
        s = load_scenario(name)
        for seed in range(3):
            story = run_story(s, seed)
            c, r = story.chain, story.run
            russia = c[c["actor"] == "Russia"]
            self_evident = c["detected"] == "self-evident"
            assert len(russia) == r["violations_probe"] + r["violations_limited"] + r["violations_major"]
            assert (c["actor"] == "Ukraine").sum() == r["ukraine_violations"]
            assert (c["actor"] == "nobody").sum() == r["false_alarms"]
            detected = c["detected_week"].notna() & (c["actor"] != "nobody")
            assert detected.sum() - (self_evident.sum() if not s.monitoring.enabled else 0) == r["detected"]
            assert (c["attributed_to"].notna() & ~c["misattributed"] & ~self_evident).sum() == \
                r["attributed_correctly"], (name, seed)
            assert c["misattributed"].sum() == r["misattributed"]
            cleared = c["status"].isin(["not attributed", "no decision"]) & c["attributed_week"].notna()
            assert cleared.sum() == r["not_attributed"], (name, seed)
            assert c["decided_week"].notna().sum() == r["decisions"]
            states = c["states"].sum()
            assert states == (story.events["states"] * (story.events["kind"] == "response")).sum()
            for row in c.itertuples():  # stages never go back in time
                weeks = [w for w in (row.violation_week, row.detected_week, row.attributed_week,
                                     row.decided_week, row.responded_week) if w is not None and not math.isnan(w)]
                assert weeks == sorted(weeks), row


def test_member_tiles_end_where_the_model_ends(paris):
    r = paris.run
    end = paris.last_week
    assert sum(m.status_at(end) == "ratified" for m in paris.members[:-1]) == r["ratified_members"]
    assert (paris.members[-1].status_at(end) == "ratified") == r["us_ratified"]
    for t in ("diplomacy", "sanctions", "military"):
        assert sum(m.counts_at(end)[t] for m in paris.members) == r[f"responses_{t}"]
    # Model v2: the declaration as written has no US pledge; every member's pledge awaits ratification
    assert {m.status_at(0) for m in paris.members[:-1]} == {"pending"}
    assert paris.members[-1].name == "United States" and paris.members[-1].status_at(0) == "no pledge"
    bilateral = run_story(load_scenario("paris_us_bilateral"), 0)
    assert bilateral.members[-1].status_at(0) == "pending"  # the bilateral guarantee goes to Congress
    political = run_story(load_scenario("political_only"), 0)
    assert {m.status_at(0) for m in political.members[:-1]} == {"political"}
    assert any(m.status_at(259) == "dropped" for m in political.members)  # new governments drop some


def test_member_statuses_are_the_models_week_by_week():
    """The tiles rebuilt from the events agree with each state's ratification_status in the model,
    dropped pledges and 'no pledge' included, at several weeks of runs of every shipped scenario."""
    from sim.model import DeterrenceModel

    seen = set()
    for name in shipped_scenarios():
        s = load_scenario(name)
        for seed in (0,):
            story = run_story(s, seed)
            model = DeterrenceModel(s, seed)
            for week in (0, 60, 130, 259):
                model.run(week + 1 - model.week)
                truth = [m.ratification_status for m in (*model.members, model.united_states)]
                shown = [m.status_at(week) for m in story.members]
                assert shown == truth, (name, seed, week)
                seen.update(truth)
    assert {"no pledge", "dropped", "ratified", "pending", "political", "failed"} <= seen


def test_event_table_is_readable_and_collapses_member_responses(paris):
    ev = paris.events
    raw = [r for r in simulate(load_scenario("paris_declaration"), 0).events]
    assert ev["states"][ev["kind"] == "response"].sum() == sum(r.kind == "response" for r in raw)
    assert len(ev) < len(raw)
    text = " ".join(ev["text"]) + " ".join(ev["who"])
    assert not re.search(r"\b1 weeks\b", text)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)
    assert not re.search(r"SpecialCommission|MonitoringMechanism|MultinationalForce|CoordinationCell", text)
    assert set(ev["clause"]) <= CLAUSE_IDS and set(ev["lane"]) <= set(LANES)
    ukraine = ev[ev["actor"] == "Ukraine"]
    assert (ukraine[ukraine["kind"] == "violation"]["lane"] == UKRAINE_LANE).all()


def test_model_v2_events_read_plainly():
    """Campaigns, indicators, warnings, elections, pledges, sanctions, a shock, casualties: plain words,
    dates readable, no parameter paths."""
    texts = {}
    for name, seed in (("us_withdraws_2029", 0), ("forward_tripwire", FORWARD_ATTACK_SEED), ("political_only", 0),
                       ("paris_declaration", PARIS_WARNING_SEED)):
        ev = run_story(load_scenario(name), seed).events
        for kind, text, lane in zip(ev["kind"], ev["text"], ev["lane"]):
            texts.setdefault(kind, []).append(text)
            assert lane != OTHER_LANE, kind  # every kind the model logs has its lane
    for kind in ("campaign", "indicator", "indicator_detected", "warning", "warning_measure", "election",
                 "government_change", "pledge", "sanctions", "shock", "casualties"):
        assert texts.get(kind), kind
    every = " ".join(t for ts in texts.values() for t in ts)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b|\b\d{4}-\d{2}-\d{2}\b|[a-z]\.[a-z]", every)
    assert "US leads monitoring: no" in texts["shock"][0] and "Scripted shock" in texts["shock"][0]
    assert any(re.search(r"\(\d{1,2} [A-Z][a-z]{2} 20\d\d\)", t) for t in texts["election"])
    assert any("drops its predecessor's political pledge" in t for t in texts["pledge"])
    assert any(t.startswith("Warning issued: ") for t in texts["warning"])


def test_force_by_nation_is_the_models_and_shows_who_was_struck():
    from sim.model import DeterrenceModel

    s = load_scenario("forward_tripwire")
    story = run_story(s, FORWARD_ATTACK_SEED)  # an attack after deployment strikes the forward troops
    assert story.escalation_week is not None and story.deployed_share(story.escalation_week - 1) == 1.0
    model = DeterrenceModel(s, FORWARD_ATTACK_SEED)
    f = model.force
    assert story.force["troops"].sum() == f.troops.sum() * s.force.size  # pledged (before national decisions)
    assert 0 < story.force["sent"].sum() <= story.force["troops"].sum()
    assert story.force["aircraft"].sum() == f.aircraft.sum() and story.force["ships"].sum() == f.ships.sum()
    struck = set(story.force.loc[story.force["struck_week"].notna(), "nation"])
    # forward posture: every nation with troops in Ukraine is struck for certain, nobody outside Ukraine
    in_force = story.in_force(story.escalation_week)
    assert struck == set(story.force.loc[(story.force["exposure"] == 1.0) & in_force, "nation"])
    assert {"Germany", "Sweden"}.isdisjoint(struck) and {"United Kingdom", "France"} <= struck
    esc = story.escalation_week
    before, after = C.force_html(story, esc - 1), C.force_html(story, esc)
    assert 'data-struck="1"' not in before and after.count('data-struck="1"') == len(struck)
    assert "forward (posture)" in after and "outside Ukraine" in after
    assert story.deployed_share(0) == 0.0 and story.deployed_share(esc - 1) == 1.0
    assert "No Multinational Force" in C.force_html(run_story(load_scenario("minsk_analogue"), 0), 100)


def test_intent_bands_and_political_marks_follow_the_run():
    paris = run_story(load_scenario("paris_declaration"), PARIS_LIMITED_SEED)
    steps = paris.steps
    covered = set()
    for lane, name, _, first, last, words in charts.bands(paris):
        weeks = range(first, last + 1)
        column = "russia_intent" if lane == INTENT_LANE else "warning_in_force"
        assert len({str(steps.at[w, column]) for w in weeks}) == 1, (first, last)
        if lane == INTENT_LANE:
            covered.update(weeks)
            assert name == INTENTS[str(steps.at[first, column])][0]
    assert covered == set(steps.index[steps["russia_intent"] != "compliant"])
    assert any("preparing a limited offensive → launched" in b[5] for b in charts.bands(paris))
    opt = charts.sanctions(paris, None, False)
    marks = opt["series"][-2]["pgMarks"]  # the political events (the cursor comes last)
    assert sum(name.startswith("snapback") for _, name in marks) == paris.run["snapbacks"]
    withdraws = run_story(load_scenario("us_withdraws_2029"), 0)
    shock = [m for m in charts.sanctions(withdraws, None, False)["series"][-2]["pgMarks"] if m[1].startswith("shock")]
    week = load_scenario("us_withdraws_2029").week_of(__import__("datetime").date(2029, 1, 20))
    assert shock == [[week, f"shock ({withdraws.date_of(week)})"]]
    assert C.tiles_html(withdraws.members, week, str(withdraws.steps.at[week, "us_roles"])).count("roles: none") == 1
    # as written the US shares no intelligence (G5): it holds the monitoring lead and its support to the force
    assert ("roles: monitoring lead (G1), support to the force (G3)<" in
            C.tiles_html(withdraws.members, week - 1, str(withdraws.steps.at[week - 1, "us_roles"])))


def test_wording_of_the_chain_stages():
    wrong = Event(5, 9, "attribution", "SpecialCommission", "probe", "G1", 3, 4, outcome="attributed",
                  perpetrator="Russia", attributed_to="Ukraine", evidence=0.61)
    assert "a misattribution" in describe(wrong)
    ad_hoc = Event(6, 9, "decision", "Coalition", "major", "A", 3, 3, outcome="ad_hoc", attributed_to="Russia", weeks=1)
    assert describe(ad_hoc).endswith("responses in 1 week.")
    text = describe(Event(7, 9, "decision", "SpecialCommission", "major", "G1", 3, 6, outcome="corrective_measures",
                          perpetrator="Russia", attributed_to="Russia", items=("demarche",)))
    assert "demarche" in text and "G4 responses" in text  # a demarche answering an attack is explained
    assert "Ukraine's own defence (P1) decides" in clause_reason("violation", "P1")  # why a limited offensive is P1


def test_no_regular_expression_reads_the_models_prose():
    """Issue 17: the dashboard reads the events' fields. No module of sim/dashboard touches an event's
    ``detail`` text, and only the lever module uses regular expressions (on the configuration's own
    error messages, to put them in the sidebar's words)."""
    import ast
    from pathlib import Path

    import sim.dashboard

    folder = Path(sim.dashboard.__file__).parent
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text())
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert "detail" not in names, f"{path.name} reads the events' detail text"
        imports = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                   for a in n.names} | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        if path.name != "controls.py":
            assert "re" not in imports, f"{path.name} uses regular expressions"


def test_chain_at_a_week_hides_what_comes_later(paris):
    answered = paris.chain[paris.chain["responded_week"].notna()].iloc[0]
    early = chain_at(paris.chain, int(answered["attributed_week"]))
    row = early[early["id"] == answered["id"]].iloc[0]
    assert row["response"] == "(later)" and math.isnan(row["responded_week"])
    assert not (chain_at(paris.chain, 3)["violation_week"] > 3).any()


def test_new_event_kinds_and_step_columns_are_shown_generically():
    """What a newer model adds (new kinds, a date and an intent column, a categorical column) needs no code."""
    rows = [
        Event(1, 0, "violation", "Russia", "probe", "A", 1, None, intent="pressure", perpetrator="Russia"),
        Event(2, 1, "indicator", "Russia", "limited", "A", 2, None, count=2, intent="preparing"),
        Event(3, 2, "warning", "MonitoringMechanism", "", "G1", 3, 2, count=3, window_weeks=6, weeks=0),
        Event(4, 3, "election", "France", "", "A", 4, None, outcome="no_change", office="presidential",
              note="2027-04-21"),
        Event(5, 4, "blockade", "BlackSeaFleet", "", "A", 5, None, outcome="corridor_closed", weeks=1,
              items=("grain_corridor",)),
    ]
    ev = event_table(rows)
    lanes = dict(zip(ev["kind"], ev["lane"]))
    assert lanes["warning"] == "Monitoring saw" and lanes["election"] == "Politics"
    assert lanes["blockade"] == OTHER_LANE
    blockade = ev[ev["kind"] == "blockade"].iloc[0]
    assert blockade["who"] == "Black sea fleet" and blockade["text"] == "Blockade: corridor closed; grain corridor; 1 week."
    assert ev[ev["kind"] == "warning"].iloc[0]["text"].startswith("Warning issued: 3 signs")
    assert "(21 Apr 2027)" in ev[ev["kind"] == "election"].iloc[0]["text"]
    s = load_scenario("paris_declaration")
    chain = chain_table(rows, s)
    assert len(chain) == 1 and chain.iloc[0]["status"] == "not detected"
    steps = pd.DataFrame({"escalation_level": [0, 1, 0], "credibility_probe": [.5] * 3, "credibility_limited": [.5] * 3,
                          "credibility_major": [.5] * 3, "russia_strength": [1.0] * 3, "ukraine_defence": [.8] * 3,
                          "at_war": [False] * 3, "force_strength": [0.0] * 3, "force_phase": ["not_requested"] * 3,
                          "date": ["2026-03-02", "2026-03-09", "2026-03-16"],
                          "russia_intent": ["compliant", "pressure", "preparing"]},
                         index=pd.RangeIndex(3, name="week"))
    steps["corridor"] = ["open", "closed", "open"]  # a categorical column no chart knows
    story = Story("v2", s, 0, 3, steps, ev, chain, [], {}, None)
    extra = charts.extra_columns(story)
    assert "corridor" in extra and "date" not in extra and "russia_intent" not in extra  # intent: a band
    measure = charts.measure(story, None, "corridor", False)
    assert measure["yAxis"]["data"] == ["open", "closed"]
    assert measure["series"][0]["pgData"] == [[0, 0], [1, 1], [2, 0]]
    assert "Week 1 (8 Jul 2026) of" in C.headline(story, None, 1)  # the ceasefire date plus one week
    timeline = charts.timeline(story, False)
    assert OTHER_LANE in timeline["yAxis"]["data"] and timeline["yAxis"]["data"][0] == INTENT_LANE
    assert {s["name"] for s in timeline["series"]} >= {KINDS["warning"].label, "Blockade"}
    bands = [x for x in timeline["series"] if x.get("pgBand")]
    assert [(b["name"], [seg[:2] for seg in b["pgBand"]]) for b in bands] == [
        (INTENTS["pressure"][0], [[1, 1]]), (INTENTS["preparing"][0], [[2, 2]])]  # the weeks each intent held
    story.steps["russia_intent"] = ["pressure", "compliant", "pressure"]
    story.cache.clear()
    pressure = charts.timeline(story, False)["series"][0]
    assert [seg[:2] for seg in pressure["pgBand"]] == [[0, 0], [2, 2]]  # two campaigns: one line, two segments
    json.dumps(timeline)


# --- charts ---------------------------------------------------------------------------------
def test_story_charts_carry_the_whole_run_for_the_browser_to_cut(paris):
    """Each story chart holds every week once (the browser shows it up to the week: echarts.vue), the same
    weeks as the run, with a cursor, a text alternative, and its legend above the plot."""
    minsk = run_story(load_scenario("minsk_analogue"), 0)
    for build in (charts.ladder, charts.resolve, charts.balance, charts.force, charts.sanctions):
        opt = build(paris, minsk, True)
        json.dumps(opt, allow_nan=False)
        assert opt["xAxis"]["max"] == 259 and opt["pg"]["last"] == 259 and len(opt["pg"]["dates"]) == 260
        lines = [s for s in opt["series"] if s["type"] == "line" and s.get("pgData")]
        assert lines and all([p[0] for p in s["pgData"]] == list(range(260)) for s in lines)
        assert any("(reference)" in s["name"] for s in lines)
        assert [s for s in opt["series"] if s.get("pgCursor")], "no cursor at the week shown"
        assert opt["legend"]["top"] < opt["grid"]["top"]  # the legend has its own band
        assert opt["title"]["textStyle"]["color"] == charts.theme(True)["fg"]
        about = opt["aria"]["label"]["description"]
        assert "seed 0" in about and f"({paris.label})" in about and f"({minsk.label})" in about
        assert len(opt["title"]["subtext"]) <= 95 and minsk.label not in opt["title"]["subtext"]  # names: in the key


def test_ladder_markers_are_russias_violations_only(paris):
    opt = charts.ladder(paris, None, False)
    russia = paris.chain[paris.chain["actor"] == "Russia"]
    for col, label, _, _, _ in charts.chain_marks_spec(True):
        xs = sorted(x for x, _ in next(s for s in opt["series"] if s["name"] == label)["pgData"])
        assert xs == sorted(int(w) for w in russia[col].dropna()), label
    ukraine_weeks = set(paris.chain[paris.chain["actor"] == "Ukraine"]["detected_week"].dropna().astype(int))
    detected = {x for x, _ in next(s for s in opt["series"] if s["name"].startswith("detected"))["pgData"]}
    levels = dict(zip(paris.steps.index, paris.steps["escalation_level"]))
    assert all(levels[w] >= 1 for w in detected)
    assert ukraine_weeks - {w for w in ukraine_weeks if levels[w] >= 1}  # Ukraine's detections are elsewhere


def test_no_design_without_a_commission_shows_a_commission():
    """Issue 23, defect 9: markers, lanes and chain columns say what the design has."""
    minsk = run_story(load_scenario("minsk_analogue"), 0)
    text = json.dumps(charts.ladder(minsk, None, False)["legend"]) + json.dumps(charts.timeline(minsk, False)["yAxis"])
    assert "commission" not in text.replace("no commission", "")
    assert "States decided (no commission)" in charts.timeline(minsk, False)["yAxis"]["data"]
    assert "Commission decided" not in set(minsk.events["lane"])
    head = C.chain_rows_html(minsk.chain, commission=False)
    assert "Attributed (G1 commission)" not in head and "Named (no commission)" in head


def test_timeline_markers_are_never_look_alike():
    """Issue 23, defect 7: no two event kinds share a shape in a colour close enough to confuse."""
    def rgb(c):
        return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))

    kinds = list(KINDS.items())
    for i, (a, ka) in enumerate(kinds):
        for b, kb in kinds[i + 1:]:
            if ka.symbol == kb.symbol:
                dist = sum((x - y) ** 2 for x, y in zip(rgb(ka.colour), rgb(kb.colour))) ** 0.5
                assert dist >= 100, (a, b, ka.symbol, dist)
    assert KINDS["attribution"].symbol != KINDS["government_change"].symbol
    for lane in LANES:  # within a lane every kind has its own shape
        shapes = [k.symbol for k in KINDS.values() if k.lane == lane]
        assert len(shapes) == len(set(shapes)), lane


def test_resolve_levels_are_named_not_only_coloured(paris):
    opt = charts.resolve(paris, paris, False)
    yours = [s for s in opt["series"] if s["name"].endswith("(your design)")]
    assert [s["endLabel"]["formatter"] for s in yours] == ["if probe", "if limited", "if major"]
    assert {s["lineStyle"]["type"] for s in opt["series"] if s["name"].endswith("(reference)")} == {"dashed"}
    assert opt["legend"]["itemWidth"] >= 30  # long enough to show a dash


# --- the run told as cases --------------------------------------------------------------------
WAR_WARNING_SEED = 210  # paris_declaration: first seed in 0-399 with a war, a warning and a pressure campaign valuing the force held back (v3.1)


def test_a_war_reads_as_one_story_from_intent_to_answer():
    story = run_story(load_scenario("paris_declaration"), WAR_WARNING_SEED)
    cases = explain.cases(story)
    war = cases[0]
    assert war.kind == "war" and f"week {story.escalation_week}" in war.title
    stages = [s.stage for s in war.steps]
    order = ["intent", "reasons", "signs", "warning", "attack", "detected", "attributed", "decided", "answered"]
    assert [st for st in stages if st in order] == sorted((st for st in stages if st in order), key=order.index)
    assert [s.week for s in war.steps] == sorted(s.week for s in war.steps)
    reasons = next(s.text for s in war.steps if s.stage == "reasons")
    assert "Russia believed" in reasons and "strength" in reasons
    attack = next(s for s in war.steps if s.stage == "attack")
    assert attack.week == story.escalation_week
    assert any(s.stage == "war" and s.text.startswith("War ends") for s in war.steps) or \
        bool(story.steps["at_war"].iloc[-1])
    html = __import__("sim.dashboard.guide", fromlist=["case_html"]).case_html(story, war)
    assert html.count('class="why-step"') == len(war.steps)


def test_russias_reasons_are_the_recorded_components_of_the_decision_that_started_the_war():
    """The war's 'reasons' step quotes the assessment event that caused the preparation: its choice, margin
    before chance (value), the random draw (noise), the value of waiting and the attack's components."""
    from sim.dashboard.sentences import CHOICES, reasons

    story = run_story(load_scenario("paris_declaration"), WAR_WARNING_SEED)
    war = explain.cases(story)[0]
    ev = story.events
    start = ev[(ev["kind"] == "campaign") & (ev["outcome"] == "preparation_starts") & (ev["week"] == war.first)]
    decision = story.event(int(start["cause_id"].iloc[-1]))
    assert decision.kind == "assessment" and decision.gain is not None
    text = next(s.text for s in war.steps if s.stage == "reasons")
    assert text.startswith("Russia's reasons: " + reasons(decision))
    for number in (f"{decision.value:+.2f} before chance", f"{decision.noise:+.2f} from chance",
                   f"worth {decision.wait_value:.2f}", f"gain {decision.gain:.2f}", f"odds of {decision.p_win:.0%}",
                   f"losses {decision.losses:.2f}", f"punishment {decision.punishment:.2f}",
                   f"sanctions {decision.sanctions_cost:.2f}", f"at home {decision.domestic_cost:.2f}"):
        assert number in text, number
    assert CHOICES[decision.outcome].lower() in text.lower()


def test_a_decision_an_event_triggered_names_the_event():
    """An assessment triggered by an event (here the US withdrawal's scripted shock, week 133) carries that event
    as its cause, and the case it starts says so before Russia's reasons."""
    from sim.dashboard.sentences import describe

    story = run_story(load_scenario("us_withdraws_2029"), 199)  # a preparation starts at the shock's week (v3.1)
    ev = story.events
    start = ev[(ev["kind"] == "campaign") & (ev["outcome"] == "preparation_starts") & (ev["week"] == 133)]
    decision = story.event(int(start["cause_id"].iloc[-1]))
    assert decision.kind == "assessment" and decision.cause_id is not None
    shock = story.event(int(decision.cause_id))
    assert shock.kind == "shock" and shock.week == 133
    case = next(c for c in explain.cases(story) if c.first == 133)
    text = next(s.text for s in case.steps if s.stage == "reasons")
    assert text.startswith(f"It decided at once, after this: {describe(shock)} Russia's reasons: ")
    # go/no-go and exposure keep their own causes (the campaign, the warning), told by their own steps
    for point in ev[(ev["kind"] == "assessment") & ev["note"].isin(["go_no_go", "exposure"])].itertuples():
        assert "decided at once" not in explain.decided(story, int(point.event_id), None)
    # a periodic assessment has no cause and says nothing of one
    periodic = ev[(ev["kind"] == "assessment") & (ev["note"] == "assessment") & ev["cause_id"].isna()]
    assert len(periodic) > 0 and "decided at once" not in explain.decided(story, int(periodic["event_id"].iloc[0]),
                                                                            None)


def test_the_value_of_holding_the_force_back_is_stated_only_where_recorded():
    from sim.dashboard.sentences import reasons

    base = Event(event_id=1, week=3, kind="assessment", actor="Russia", level="limited", clause="G3", case_id=1,
                 outcome="pressure", value=0.4, noise=-0.1, wait_value=0.2, note="assessment")
    assert "Holding back Ukraine's request for the Multinational Force (G3) by pressure is worth 0.37" in \
        reasons(base._replace(force_held_back=0.37))
    for nothing in (None, float("nan"), 0.0):
        assert "Holding back" not in reasons(base._replace(force_held_back=nothing))
    # in a run: each pressure campaign started by an assessment that valued holding the force back says so
    story = run_story(load_scenario("paris_declaration"), WAR_WARNING_SEED)
    ev = story.events
    said = 0
    for case in (c for c in explain.cases(story) if c.kind == "pressure"):
        start = ev[(ev["kind"] == "campaign") & (ev["outcome"] == "pressure_starts") & (ev["week"] == case.first)]
        held = story.event(int(start["cause_id"].iloc[-1])).force_held_back
        text = next(s.text for s in case.steps if s.stage == "reasons")
        if held is not None and held == held and held != 0:
            assert f"by pressure is worth {held:.2f}" in text
            said += 1
    assert said > 0


# --- outcomes shared by all sessions ----------------------------------------------------------
def test_outcomes_are_keyed_by_what_the_design_is_not_its_name():
    political, _ = K.build_design("paris_declaration", {**K.default_controls(), "commitments": "political only"})
    assert outcomes.design_key(political.scenario) == outcomes.design_key(load_scenario("political_only"))
    assert outcomes.design_key(political.scenario) != outcomes.design_key(load_scenario("paris_declaration"))


def test_outcomes_are_the_runs_and_are_made_once(tmp_path):
    store = outcomes.Outcomes(workers=0, cache=tmp_path)
    paris = load_scenario("paris_declaration")
    rows = store.ensure(paris, range(8))
    for k in range(8):
        run = simulate(paris, k, steps=False, events=False).run
        assert rows[k, outcomes.ESCALATED] == int(run["escalated"])
        assert rows[k, outcomes.SURVIVAL] == run["survival_weeks"]
        assert rows[k, outcomes.LIMITED] == run["violations_limited"] and rows[k, outcomes.WARNINGS] == run["warnings"]
    made = store.runs_made
    assert (store.ensure(paris, range(4)) == rows[:4]).all() and store.runs_made == made  # reused
    again = outcomes.Outcomes(workers=0, cache=tmp_path)  # a restarted server reads them from disk
    assert (again.known(paris, range(8)) == rows).all() and again.runs_made == 0


def test_next_seed_finds_the_first_run_with_a_war():
    store = outcomes.Outcomes(workers=0)
    minsk = load_scenario("minsk_analogue")
    found = store.next_seed(minsk, 3, lambda row: row[outcomes.ESCALATED] == 1, limit=200)
    assert found is not None and found > 3
    assert simulate(minsk, found, steps=False, events=False).run["escalated"]
    assert not any(simulate(minsk, k, steps=False, events=False).run["escalated"] for k in range(4, found))


def test_a_shorter_horizon_is_the_same_runs_cut_short():
    """Compare reads every horizon off the full runs: the weeks before H do not depend on the horizon."""
    for name in ("paris_declaration", "minsk_analogue", "us_withdraws_2029"):
        s = load_scenario(name)
        rows = outcomes.Outcomes(workers=0).ensure(s, range(20))
        attacked, survival = outcomes.at_horizon(rows, 104)
        short = CMP_short(s, 104)
        for k in range(20):
            run = simulate(short, k, steps=False, events=False).run
            assert bool(attacked[k]) == bool(run["escalated"]) and survival[k] == run["survival_weeks"], (name, k)


def CMP_short(s, weeks):
    """The scenario over a shorter horizon, its scripted shocks after it left out."""
    kept = [sh.model_dump() for sh in s.shocks if (sh.week if sh.week is not None else s.week_of(sh.date)) < weeks]
    from sim.config import with_overrides

    return with_overrides(s, {"horizon_weeks": weeks, "shocks": kept}, source="test")


# --- comparison -----------------------------------------------------------------------------
def test_share_and_difference_have_one_format():
    assert CMP.pct(13, 200) == "6.5% (13 of 200 runs)"
    assert CMP.pp(-25.61) == "−25.6 pp" and CMP.pp(0.3) == "+0.3 pp"
    assert CMP.p_text(0.0) == "p < 0.001" and CMP.p_text(0.0312) == "p = 0.031"
    assert CMP.horizon_words(260) == "5 years (weeks 0-259)" and CMP.horizon_words(104) == "2 years (weeks 0-103)"


def test_same_design_on_both_sides_gives_no_difference():
    d = K.named_design("paris_declaration")
    states = list(CMP.adaptive(d, d, outcomes.Outcomes(workers=0), horizon=52, target=5, cap=200))
    p = states[-1]
    assert p.finished and p.n == 100 and "narrower" in p.reason
    assert p.only_design == p.only_reference == 0 and p.diff == 0 and p.low <= 0 <= p.high
    assert CMP.verdict(p).startswith("No difference detected")


@pytest.mark.slow  # about 500 runs made in this process (12 s on an idle core)
def test_adaptive_comparison_stops_when_clear_precise_or_capped():
    paris, minsk = K.named_design("paris_declaration"), K.named_design("minsk_analogue")
    store = outcomes.Outcomes(workers=0)
    budapest = K.named_design("budapest_memorandum")  # a wide gap at the calibrated defaults: clear early
    clear = list(CMP.adaptive(paris, budapest, store, horizon=260, target=0.5, cap=300))[-1]
    assert clear.finished and clear.high < 0 and "clear" in clear.reason and clear.n < 300
    capped = list(CMP.adaptive(paris, minsk, store, horizon=104, target=0.1, cap=60))[-1]
    assert capped.n == 60 and "cap" in capped.reason
    # run k is seed k for both designs: the reference's attacks are its runs' own
    weeks = [simulate(minsk.scenario, k, steps=False, events=False).run["escalation_week"] for k in range(60)]
    assert capped.escalated_reference == sum(w is not None and w < 104 for w in weeks)
    rows = CMP.table_rows(capped)
    assert rows[0]["renewed attack within weeks 0-103"] == CMP.pct(capped.escalated, 60)
    assert CMP.pct(capped.escalated, 60) in capped.curves[0]["label"]  # table and chart say the same share
    assert capped.design_attacked == [] or all(isinstance(k, int) for k in capped.design_attacked)


def test_the_table_reports_the_models_three_outcome_levels():
    paris, minsk = K.named_design("paris_declaration"), K.named_design("minsk_analogue")
    p = list(CMP.adaptive(paris, minsk, outcomes.Outcomes(workers=0), horizon=260, target=50, cap=40))[-1]
    rows = CMP.table_rows(p)
    armed = "armed attack of any size (a limited offensive or worse)"
    land = "territory seized at the end (mean, % of Ukraine)"
    runs = [simulate(minsk.scenario, k, steps=False, events=False).run for k in range(40)]
    assert p.armed_reference == sum(bool(r["armed_attack"]) for r in runs) >= p.escalated_reference
    assert rows[1][armed] == CMP.pct(p.armed_reference, 40)
    assert rows[1][land] == f"{sum(round(100 * r['territory_seized_pct']) for r in runs) / 100 / 40:.2f}%"
    assert rows[2][armed].startswith(CMP.pp(p.armed_diff))


def test_verdict_and_table_use_the_same_signed_numbers():
    """Issue 23, defect 8: one sign convention (your design minus the reference) in the sentence and the table."""
    base = CMP.Paired("Your design", "Paris declaration", 260, 1, 2000, n=400, escalated=8, escalated_reference=110)
    safer = replace(base, diff=-25.6, low=-29.6, high=-21.8, p_value=0.0)
    text, diff_row = CMP.verdict(safer), CMP.table_rows(safer)[-1]
    assert text.startswith("Your design is safer: your design's risk of a renewed attack within 5 years")
    assert "−25.6 pp" in text and "−29.6 pp to −21.8 pp" in text and "from chance" in text
    assert diff_row["renewed attack within weeks 0-259"] == "−25.6 pp"
    assert diff_row["95% interval from chance"] == "−29.6 pp to −21.8 pp"
    assert CMP.verdict(replace(base, diff=4.0, low=1.0, high=7.0)).startswith("The reference is safer")
    none = CMP.verdict(replace(base, diff=0.5, low=-2.0, high=3.1))
    assert none.startswith("No difference detected") and "larger than 3.1 percentage points" in none
    assert "points [" not in text and "P(escalation)" not in text


def test_a_target_wider_than_the_risks_is_flagged():
    """Issue 23, defect 8: a ±3-point target beside a 1-2% risk says nothing; the page says so."""
    base = CMP.Paired("Your design", "Paris declaration", 260, 3, 2000, n=400, escalated=6, escalated_reference=8)
    assert "wider than both risks (1.5% and 2.0%)" in CMP.target_too_wide(base)
    assert CMP.target_too_wide(replace(base, target=1.0)) is None
    assert CMP.target_too_wide(replace(base, escalated=40)) is None  # a 10% risk: ±3 can tell


def test_survival_chart_is_zoomed_to_the_data():
    curves = [{"label": "a", "weeks": [0, 1, 2], "survival": [1, .97, .95], "low": [1, .95, .93], "high": [1, .99, .97]}]
    opt = charts.survival(curves, 2, False)
    assert 0.9 <= opt["yAxis"]["min"] <= 0.93
    assert "P(" not in json.dumps(opt)


# --- page pieces ----------------------------------------------------------------------------
def test_headline_says_what_a_run_is_and_where_both_designs_stand(paris):
    minsk = run_story(load_scenario("minsk_analogue"), 0)
    assert C.headline(paris, minsk, 10).startswith(
        "Week 10 (9 Sep 2026) of weeks 0-259 · Simulated run, seed 0 (one possible future, not a forecast): "
        "your design: the ceasefire holds")
    assert load_scenario("paris_declaration").ceasefire_date.isoformat() == "2026-07-01"  # week 10: 9 Sep
    assert C.divergence_week(paris, paris) is None
    split = C.divergence_week(paris, minsk)
    assert split is not None
    cols = list(paris.steps.columns)
    assert (paris.steps.loc[: split - 1, cols] == minsk.steps.loc[: split - 1, cols]).all().all()
    assert not (paris.steps.loc[split, cols] == minsk.steps.loc[split, cols]).all()


def test_html_is_escaped_and_keeps_no_hard_coded_text_colour(paris):
    html = C.chain_rows_html(paris.chain) + C.tiles_html(paris.members, 50)
    assert "color:#222" not in html and "color: #222" not in html
    assert "&lt;b&gt;" in C.table_html([{"a": "<b>"}], "x")


def test_event_rows_are_the_whole_log_oldest_first(paris):
    rows = C.event_rows(paris)
    assert len(rows) == len(paris.events) and [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert {r[2] for r in rows} <= set(LANES)
    json.dumps(rows)


@pytest.mark.parametrize("status", ["ratified", "pending", "political", "failed"])
def test_tiles_show_status_and_responses(status):
    from sim.dashboard.story import Member

    m = Member("Latvia", True, status, responses=[(3, ("diplomacy", "intelligence")), (9, ("diplomacy",))])
    html = C.tiles_html([m], 5)
    assert f'data-status="{status}"' in html and "diplomacy: activated 1 time(s) by week 5" in html
    assert "diplomacy: activated 2 time(s) by week 9" in C.tiles_html([m], 9)
    assert ">D2<" in C.tiles_html([m], 9)  # the count is written, not told by colour alone


def test_a_dropped_pledge_is_not_shown_as_an_active_response():
    from sim.dashboard.story import Member

    m = Member("Italy", True, "political", changes=[(40, "dropped")], responses=[(10, ("diplomacy",))])
    assert 'class="resp-chip on"' in C.tiles_html([m], 20)
    after = C.tiles_html([m], 50)
    assert 'class="resp-chip on"' not in after and 'class="resp-chip past"' in after


def test_us_roles_follow_the_design():
    assert C.us_roles_held("monitoring+force+intelligence", force=False) == "monitoring lead (G1), intelligence sharing (G5)"
    assert C.us_roles_held("none", force=True) == "none"


def test_responses_to_a_probe_say_why_no_ratified_commitment_binds():
    story = run_story(load_scenario("paris_declaration"), 0)
    probe = story.events[(story.events["kind"] == "response") & (story.events["level"] == "probe")]["text"].iloc[0]
    assert "none bound" not in probe and "cover only a renewed armed attack" in probe


def test_seed_box_accepts_whole_numbers_in_range_only():
    assert K.parse_seed("1234") == (1234, None) and K.parse_seed(" 99,999 ") == (99999, None)
    for bad in ("-1", "100000", "12.5", "abc", ""):
        value, error = K.parse_seed(bad)
        assert value is None and "0 to 99,999" in error, bad


def test_no_repository_paths_in_what_students_read():
    from sim.dashboard import guide

    text = C.glossary_html() + guide.intro_html() + guide.scenarios_html() + C.force_html(
        run_story(load_scenario("paris_declaration"), 0), 100)
    assert not re.search(r"scenarios/|\.csv|\.yaml|sim/", text)
    for name in K.scenario_names():  # every scenario is described in its own file's words
        assert C.e(load_scenario(name).description) in guide.scenarios_html()


def test_page_renders_without_a_browser():
    import solara

    from sim.dashboard import app

    box, rc = solara.render(app.Page(), handle_error=False)
    import ipyvue

    players = [w for w in rc.find(ipyvue.VueTemplate).widgets if hasattr(w, "states") and hasattr(w, "dates")]
    assert players and players[0].week == 259 and players[0].dates[259] == "18 Jun 2031"
    assert players[0].states[259].startswith("Simulated run, seed 0 (one possible future, not a forecast)")
    rc.close()
    d = K.named_design("paris_declaration")
    assert app.story_for(d, 3) is app.story_for(d, 3)  # a run is cached: going back is instant


def test_serve_command_is_local_production_and_quiet(monkeypatch, capsys, tmp_path):
    cmd = serve.command("127.0.0.1", 8765)
    assert cmd[1:4] == ["-m", "solara", "run"] and cmd[4].endswith("app.py")
    assert ["--host", "127.0.0.1"] == cmd[5:7] and ["--port", "8765"] == cmd[7:9]
    assert "--production" in cmd and "--no-open" in cmd and "--no-check-version" in cmd
    env = serve.environment(workers=3, cache=tmp_path, session_timeout="90s")
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False" and env["SOLARA_THEME_SHOW_BANNER"] == "False"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "90s"  # a dropped session ends, its memory returns
    assert env[serve.ENV_WORKERS] == "3" and env[serve.ENV_CACHE] == str(tmp_path)
    calls = []
    monkeypatch.setattr(serve, "run_server", lambda c, env: calls.append((c, env)) or 0)
    assert serve.main(SimpleNamespace(host="127.0.0.1", port=9001)) == 0
    assert "http://127.0.0.1:9001/" in capsys.readouterr().out and calls
    assert serve.main(SimpleNamespace(host="0.0.0.0", port=9001, workers=0)) == 2  # no traceback: a message


def test_plausible_worlds_set_only_the_fitted_constants_and_give_each_worlds_paired_difference():
    from sim.config.posterior import load_posterior

    posterior = load_posterior(CMP.posterior_path())
    design, reference = K.named_design("budapest_memorandum"), K.named_design("paris_declaration")
    worlds = CMP.world_scenarios(design.scenario, 2)
    assert worlds == CMP.world_scenarios(design.scenario, 2)  # the same worlds for every student
    base = design.scenario.model_dump()
    for world in worlds:
        changed = {k for k, v in world.model_dump().items() if v != base[k]}
        assert changed <= {c.split(".")[0] for c in posterior.constants} and changed
    assert worlds[0] != worlds[1]
    got = CMP.across_worlds(design, reference, outcomes.Outcomes(workers=0), horizon=260, worlds=2, pairs=40)
    assert got.pairs == 40 and len(got.diffs) == 2 and got.low <= got.high
    refs = CMP.world_scenarios(reference.scenario, 2)  # each world's figure is its own paired difference
    told_apart = False
    for i in range(2):
        hit = [simulate(sc, k, steps=False, events=False).run["escalated"] for sc in (worlds[i], refs[i])
               for k in range(40)]
        assert got.diffs[i] == pytest.approx(100.0 * (sum(hit[:40]) - sum(hit[40:])) / 40)
        told_apart |= sum(hit[:40]) != sum(hit[40:])
    assert told_apart  # the seeds tell the designs apart in some world (a peaceful world may not: its own figure is 0)
    text = CMP.worlds_text(got)
    assert f"from {CMP.pp(got.low)} to {CMP.pp(got.high)}" in text and "2 plausible worlds" in text


def test_serve_checks_the_posterior_before_the_class_arrives(monkeypatch, capsys, tmp_path):
    calls = []
    monkeypatch.setattr(serve, "run_server", lambda c, env: calls.append(env) or 0)
    bad = tmp_path / "posterior.csv"
    bad.write_text("weight,no_such.constant\n1,2\n")
    assert serve.main(SimpleNamespace(host="127.0.0.1", port=9001, posterior=bad)) == 2 and not calls
    assert "posterior.csv" in capsys.readouterr().err
    good = CMP.posterior_path()
    assert serve.main(SimpleNamespace(host="127.0.0.1", port=9001, posterior=good)) == 0
    assert calls[-1][serve.ENV_POSTERIOR] == str(good.resolve()) and serve.ENV_POSTERIOR == CMP.ENV_POSTERIOR


def test_the_story_reports_the_run_at_the_models_three_outcome_levels():
    """Issue 18, deliver 1 and issue 23, item 6: the story says, for both designs, the first armed attack of any
    size and the first renewed war with their weeks and dates, and the territory seized, as runs.csv has them."""
    minsk = load_scenario("minsk_analogue")
    seed = next(k for k in range(200) if (r := simulate(minsk, k, steps=False, events=False).run)["escalated"]
                and r["armed_attack_week"] < r["escalation_week"])  # a limited offensive first, then the war
    run = simulate(minsk, seed, steps=False, events=False).run
    story = run_story(minsk, seed, "Minsk analogue")
    got = C.run_outcomes(story)
    attack, war = int(run["armed_attack_week"]), int(run["escalation_week"])
    assert got[C.OUTCOME_LEVELS[0]] == f"week {attack} ({story.date_of(attack)})"
    assert got[C.OUTCOME_LEVELS[1]] == f"week {war} ({story.date_of(war)})"
    assert got[C.OUTCOME_LEVELS[2]] == f"{run['territory_seized_pct']:.2f}% of Ukraine" != "0.00% of Ukraine"
    paris = K.named_design("paris_declaration").scenario
    calm = next(k for k in range(200) if not simulate(paris, k, steps=False, events=False).run["armed_attack"])
    quiet = C.run_outcomes(run_story(paris, calm, "Paris declaration"))
    assert list(quiet.values()) == ["none", "none", "none"]
    html = C.run_outcomes_html(story, run_story(paris, calm, "Paris declaration"))
    assert html.count("<tr>") == 3 and all(level in html for level in C.OUTCOME_LEVELS)
