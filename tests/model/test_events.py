"""The event log: every event names a clause of the declaration, and a run's log tells the story
of its campaigns.

Events with identities: ids in order, cases and causes that lead back to what started them,
typed fields that keep to each kind's declaration, and prose rendered from the fields."""

from __future__ import annotations

from collections import Counter

import pytest

from sim.clauses import Clause
from sim.config import load_scenario, with_overrides
from sim.events import FIELDS, KINDS, Event, render
from sim.model import DeterrenceModel
from sim.runner import simulate
from tests.model.drive import make

ALLOWED_CLAUSES = {c.value for c in Clause}


def test_every_event_names_a_known_clause():
    assert ALLOWED_CLAUSES == {"P1", "G0", "G1", "G2", "G3", "G4", "G5", "C1", "A"}
    from sim.config import shipped_scenarios
    for name in shipped_scenarios():
        sc = load_scenario(name)
        for seed in range(3):
            res = simulate(sc, seed, steps=False)
            bad = {e.clause for e in res.events} - ALLOWED_CLAUSES
            assert not bad, (name, seed, bad)


@pytest.mark.parametrize("clause", ["P1", "G0", "G1", "G2", "G3", "G4", "C1"])
def test_each_declaration_clause_appears_in_paris_events(paris_runs, clause):
    seen = Counter(e.clause for res in paris_runs for e in res.events)
    assert seen[clause] > 0, f"clause {clause} never named in 30 paris_declaration event logs: {dict(seen)}"


def test_event_kinds_of_a_paris_run_tell_a_campaign_story():
    """From first indicator to the end: the log names campaigns, indicators, warnings, elections."""
    seen = Counter()
    for seed in range(20):
        model = make({"payoffs.base_cost_major": 5.0}, seed, collect_steps=False).run()
        seen.update(e.kind for e in model.events.rows)
    for kind in ("campaign", "indicator", "indicator_detected", "warning", "election", "government_change",
                 "ratification", "sanctions"):
        assert seen[kind] > 0, (kind, seen)


SCENARIOS = ("paris_declaration", "budapest_memorandum", "minsk_analogue", "us_withdraws_2029", "forward_tripwire")
EMPTY = (None, "", ())


@pytest.fixture(scope="module")
def logs() -> list[list[Event]]:
    out = []
    for name in SCENARIOS:
        sc = load_scenario(name)
        for seed in range(6):
            out.append(DeterrenceModel(sc, seed, collect_steps=False).run().events.rows)
    # Wars, warnings, exposures and ad hoc decisions are rare at the defaults: make them common.
    eager = with_overrides(load_scenario("paris_declaration"),
                           {"payoffs.base_cost_major": 3.0, "warning.threshold": 2})
    out += [DeterrenceModel(eager, seed, collect_steps=False).run().events.rows for seed in range(6)]
    return out


def test_ids_count_up_and_cases_and_causes_point_backwards(logs):
    for rows in logs:
        ids = [e.event_id for e in rows]
        assert ids == list(range(1, len(rows) + 1))
        for e in rows:
            assert 1 <= e.case_id <= e.event_id
            assert e.cause_id is None or 1 <= e.cause_id < e.event_id, e  # a cause is logged before its effect
            if e.cause_id is not None:
                assert rows[e.cause_id - 1].week <= e.week


def test_every_event_keeps_to_its_kinds_declaration(logs):
    seen_kinds = set()
    for rows in logs:
        for e in rows:
            outcomes, fields, _ = KINDS[e.kind]
            filled = {f for f in FIELDS[3:] if getattr(e, f) not in EMPTY}
            assert filled <= set(fields), (e.kind, filled - set(fields))
            assert e.outcome in outcomes or (not outcomes and e.outcome == ""), (e.kind, e.outcome)
            assert render(e) == e.detail and e.detail
            seen_kinds.add(e.kind)
    assert len(seen_kinds) >= 25, set(KINDS) - seen_kinds


def test_the_commissions_chain_leads_from_a_response_back_to_its_violation(logs):
    chains = 0
    for rows in logs:
        by_id = {e.event_id: e for e in rows}
        for e in rows:
            if e.kind != "response":
                continue
            decision = by_id[e.cause_id]
            assert decision.kind == "decision" and decision.case_id == e.case_id
            root = by_id[e.case_id]
            assert root.kind in ("violation", "escalation", "false_alarm")
            if decision.outcome == "corrective_measures":
                attribution = by_id[decision.cause_id]
                assert attribution.kind == "attribution" and attribution.outcome == "attributed"
                detection = by_id[attribution.cause_id]
                assert detection.kind in ("detection", "false_alarm") and detection.case_id == e.case_id
                if detection.kind == "detection":
                    assert detection.cause_id == root.event_id
                    assert detection.perpetrator == root.perpetrator == attribution.perpetrator
                chains += 1
    assert chains > 100


def test_a_campaign_is_one_case_from_its_start_to_its_end(logs):
    launches = 0
    for rows in logs:
        by_id = {e.event_id: e for e in rows}
        for e in rows:
            if e.kind in ("campaign", "indicator") and e.outcome not in ("pressure_starts", "preparation_starts"):
                start = by_id[e.case_id]
                assert start.kind == "campaign" and start.outcome in ("pressure_starts", "preparation_starts")
            if e.kind == "escalation":
                launch = by_id[e.cause_id]
                assert launch.outcome in ("launched_by_surprise", "launched_after_warning")
                launches += 1
            if e.kind == "campaign" and e.outcome in ("aborted", "proceeds_exposed", "stood_down") or (
                    e.kind == "campaign" and e.outcome.startswith("launched")):
                decision = by_id[e.cause_id]  # Russia's decision point, with its reasons
                assert decision.kind == "assessment" and decision.note in ("go_no_go", "exposure")
                assert decision.case_id == e.case_id
                if e.outcome in ("aborted", "proceeds_exposed"):
                    assert by_id[decision.cause_id].kind == "warning"  # the warning exposed the preparation
    assert launches > 5


def test_ids_are_the_same_whether_or_not_events_are_kept():
    sc = load_scenario("budapest_memorandum")
    for seed in range(5):
        kept = DeterrenceModel(sc, seed, collect_steps=False).run().events
        counted = DeterrenceModel(sc, seed, collect_steps=False, record_events=False).run().events
        assert not counted.rows and counted.last_id == kept.last_id == len(kept.rows)
        assert counted.counts == kept.counts
