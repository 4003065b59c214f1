"""The must-shows of issue 19 (sim.validation.reasons): launches read from the decision events, the
value of waiting, and the paired windows, against hand-built runs with known answers."""

from __future__ import annotations

import math

import pytest

from sim.validation import reasons as Rs


def _run(scenario, launches=(), preparations=(), assessments=10, waiting=0, **weeks):
    return {"scenario": scenario, "launches": list(launches), "preparations": list(preparations),
            "assessments": assessments, "assessments_waiting": waiting, **weeks}


def test_launches_for_reasons_count_the_margin_without_the_draw():
    runs = [_run("paris_declaration", launches=[("major", 0.4, -0.1), ("limited", -0.2, 0.5)]),
            _run("paris_declaration", launches=[("major", -0.3, 0.6), ("major", 1.0, 0.0)]),
            _run("ceasefire_reference", launches=[("limited", 0.1, 0.2)], waiting=3)]
    table = Rs.launches_table(runs)
    pooled = table[(table["decision"] == "launches") & (table["scenario"] == "all")].set_index("level")
    assert pooled.loc["major", "count"] == 3 and pooled.loc["major", "margin_favours"] == 2
    assert pooled.loc["limited", "share"] == pytest.approx(0.5)
    assert pooled.loc["major", "low"] < 2 / 3 < pooled.loc["major", "high"]
    waiting = Rs.waiting_table(runs).set_index("scenario")
    assert waiting.loc["all", "runs_waiting"] == 1 and waiting.loc["all", "assessment_share"] == pytest.approx(0.1)


def test_a_window_that_opens_raises_the_hazard_after_it_and_says_so():
    week = Rs._week_of(Rs.WINDOWS["us_withdrawal"][3])
    runs, n = [], 200
    for key, (_, with_event, without, _) in Rs.WINDOWS.items():
        for k in range(n):
            after = week + 5 if key == "us_withdrawal" else Rs._week_of(Rs.WINDOWS[key][3]) + 5
            a = after if k % 4 == 0 else None  # with the event: a quarter attack after it
            b = after if k % 20 == 0 else None  # without: a twentieth (nested in the first)
            runs.append({"scenario": with_event[0], "elections_file": with_event[1] or "", "replicate": k,
                         "armed_attack_week": a, "escalation_week": a})
            runs.append({"scenario": without[0], "elections_file": without[1] or "", "replicate": k,
                         "armed_attack_week": b, "escalation_week": b})
    table = Rs.windows_table(runs, n)
    assert (table["verdict"] == "raises").all(), table
    row = table.iloc[0]
    assert row["difference"] == pytest.approx(0.25 - 0.05) and row["pairs_at_risk"] == n
    assert all(Rs.verdicts({"launches": Rs.launches_table([_run("x", launches=[("major", 1, 0), ("limited", 1, 0)],
                                                                 waiting=1)]),
                            "waiting": Rs.waiting_table([_run("x", waiting=1)]), "windows": table}).values())


def test_one_run_logs_its_decision_points_with_margin_and_draw():
    """A real run: every assessment event carries the margin and the draw the tables read."""
    out = Rs.run_task(Rs.Task("ceasefire_reference", 3, 0, ()))
    assert out["assessments"] > 0 and out["assessments_waiting"] <= out["assessments"]
    for level, margin, noise in out["launches"] + out["preparations"]:
        assert level in ("limited", "major") and math.isfinite(margin) and math.isfinite(noise)


def test_a_confirmatory_run_draws_fresh_replicates_in_the_same_worlds(tmp_path):
    """--windows and --master-seed: only the named window's pairs, on fresh replicate seeds, in the same
    plausible worlds; the tables and the verdicts name only that window."""
    study = Rs.elections_variants(tmp_path / "study")
    sizes = Rs.Sizes(runs=3, pairs=4, draws=2)
    launch, window = Rs.tasks(sizes, study)
    launch2, confirm = Rs.tasks(sizes, study, 7, ("us_withdrawal",))
    assert {t.scenario for t in confirm} == {"us_withdraws_2029", "paris_declaration"} and len(confirm) == 8
    assert all(t.seed == 7 for t in confirm) and all(t.seed == Rs.MASTER_SEED for t in window)
    assert [t.constants for t in confirm[:4]] == [t.constants for t in window[:4]]  # the same worlds
    runs = [{"scenario": t.scenario, "elections_file": t.elections_file or "", "replicate": t.replicate,
             "armed_attack_week": None, "escalation_week": None} for t in confirm]
    tables = {"windows": Rs.windows_table(runs, sizes.pairs, ("us_withdrawal",))}
    assert set(tables["windows"]["window"]) == {"us_withdrawal"}
    assert Rs.verdicts(tables) == {"window_us_withdrawal": False}
    text = Rs.markdown(tables, sizes, 7)
    assert "Confirmatory run: 4 pairs a window" in text and "master seed 7" in text and "France" not in text


def test_settings_go_on_every_run_both_arms_alike(tmp_path, capsys):
    """--settings (a robustness check): each task carries them, over its plausible point's constants, and a
    run is built with them; a wrong key or value is refused before any run, naming it and what is allowed."""
    study = Rs.elections_variants(tmp_path / "study")
    sizes = Rs.Sizes(runs=2, pairs=3, draws=2)
    off = {"campaigns.triggered_assessment_redraws": False}
    launch, window = Rs.tasks(sizes, study, settings=off)
    plain_launch, plain_window = Rs.tasks(sizes, study)
    assert all(t.settings == (("campaigns.triggered_assessment_redraws", False),) for t in launch + window)
    assert [t.constants for t in window] == [t.constants for t in plain_window]  # the same worlds
    model = Rs._run(window[0], weeks=1)
    assert model.params.campaigns.triggered_assessment_redraws is False
    assert Rs._run(plain_window[0], weeks=1).params.campaigns.triggered_assessment_redraws is True
    runs = [{"scenario": t.scenario, "elections_file": t.elections_file or "", "replicate": t.replicate,
             "armed_attack_week": None, "escalation_week": None} for t in window if t.window == "us_withdrawal"]
    text = Rs.markdown({"windows": Rs.windows_table(runs, sizes.pairs, ("us_withdrawal",))}, sizes, 7, off)
    assert text.startswith("Settings on every run, both arms alike: `campaigns.triggered_assessment_redraws=False`")
    assert "the period's random draw, kept" in text and "a fresh random draw" not in text
    same = Rs.markdown({"windows": Rs.windows_table(runs, sizes.pairs, ("us_withdrawal",))}, sizes)
    assert "a fresh random draw" in same and same.startswith("The windows only: 3 pairs a window, the full run's")
    for given, words in (("campaigns.triggered_assesment_redraws=false", "did you mean"),
                         ("campaigns.triggered_assessment_redraws=maybe", "allowed: true or false"),
                         ("oops", "'oops' is not key=value")):
        with pytest.raises(SystemExit) as stop:
            Rs.main(["--settings", given, "--out", str(tmp_path / "never")])
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert words in err and "--settings" in err and "Traceback" not in err
        assert not (tmp_path / "never").exists()


def test_the_mechanism_table_pairs_the_arms_and_reads_what_the_event_did():
    def state(window, scenario, elections, k, left, value):
        return {"window": window, "scenario": scenario, "elections_file": elections or "", "replicate": k,
                "contingents_left": left, "france_left": left > 0, "force_withdrew": False, "troops": 1000 - 100 * left,
                "value_major": value, "value_limited": value / 2}

    _, (sw, ew), (so, eo), _ = Rs.WINDOWS["us_withdrawal"]
    states = [state("us_withdrawal", sw, ew, k, 2, 0.5 + 0.1 * k) for k in range(4)]
    states += [state("us_withdrawal", so, eo, k, 0, 0.3 + 0.1 * k) for k in range(4)]
    states += [None, state("us_withdrawal", sw, ew, 9, 5, 9.0)]  # an attack came first; an arm without its pair
    row = Rs.mechanisms_table(states, ("us_withdrawal",)).iloc[0]
    assert row["pairs"] == 4 and row["contingents_left_with"] == 2 and row["contingents_left_without"] == 0
    assert row["value_major_change"] == pytest.approx(0.2) and row["value_major_change_se"] == pytest.approx(0.0)
    assert row["value_limited_change"] == pytest.approx(0.1) and row["troops_with"] == 800


@pytest.mark.slow
def test_a_window_state_is_read_the_week_after_the_event():
    """A real run of one arm: the state is read without random terms (the same run gives the same values)."""
    use = Rs.use_posterior("plausible", 2, Rs.MASTER_SEED)
    _, (sw, _), (so, _), _ = Rs.WINDOWS["us_withdrawal"]
    a = Rs.window_state(Rs.Task(sw, 0, *use.for_replicate(0), window="us_withdrawal"))
    again = Rs.window_state(Rs.Task(sw, 0, *use.for_replicate(0), window="us_withdrawal"))
    assert a == again and a is not None and math.isfinite(a["value_major"]) and math.isfinite(a["value_limited"])


def test_the_attacks_only_the_event_arm_made_are_checked_for_reasons_and_for_a_fresh_draw():
    key = "us_withdrawal"
    _, (sw, ew), (so, eo), date = Rs.WINDOWS[key]
    week = Rs._week_of(date)
    runs = []
    for k in range(6):  # k < 3: only the arm with the event attacks, on margins +0.5, -0.5, -1.5
        a = week + 3 if k < 3 else None
        first = (0.5 - k, week if k == 2 else week - 10) if a is not None else None
        runs.append({"scenario": sw, "elections_file": ew or "", "replicate": k, "armed_attack_week": a,
                     "escalation_week": None, "first_launch": first})
        runs.append({"scenario": so, "elections_file": eo or "", "replicate": k, "armed_attack_week": None,
                     "escalation_week": None, "first_launch": None})
    row = Rs.windows_table(runs, 6, (key,)).set_index("level").loc["any armed attack"]
    assert row["only_with"] == 3 and row["only_with_for_reasons"] == 1 and row["only_with_prepared_at_event"] == 1
