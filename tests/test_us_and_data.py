"""The US as in the final text, and the input data as the record has it (issue 18, items 7 and 9).

Elections: none before the ceasefire date is an event of the run (they are the initial state),
every member's elections 2026-2032 are there, and the US rows make no partisan assumption.
Force contributions: low-high ranges read through ``force.contribution_level``. The US:
intelligence sharing off as written, and a within-term withdrawal hazard with its own draws.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from sim.config import ConfigError, data_file_path, load_scenario, with_overrides
from sim.config.datafiles import ELECTIONS, FORCE_CONTRIBUTIONS, read_table
from sim.config.scenarios import shipped_scenarios
from sim.config.schema import UnitedStates
from sim.data import read_elections, read_force_contributions, read_members
from sim.model import DeterrenceModel

PARIS = load_scenario("paris_declaration")
ELECTIONS_FILE = data_file_path(PARIS.members.elections_file)
CONTRIBUTIONS_FILE = data_file_path(PARIS.force.contributions_file)
MEMBERS = read_members(data_file_path(PARIS.members.data_file))


def make(overrides: dict | None = None, seed: int = 0, scenario=PARIS, **kw) -> DeterrenceModel:
    return DeterrenceModel(with_overrides(scenario, overrides or {}), seed, **kw)


def kinds(model, kind):
    return [e for e in model.events.rows if e.kind == kind]


# --- elections ---------------------------------------------------------------------------------

@pytest.mark.parametrize("ceasefire", [dt.date(2026, 7, 1), dt.date(2028, 1, 1)])
def test_no_election_before_the_ceasefire_date_is_an_event_of_the_run(ceasefire):
    model = make({"ceasefire_date": ceasefire, "members.government_change_scale": 3.0}, seed=5,
                 collect_steps=False)
    scheduled = [r for rows in model.coalition.election_weeks.values() for r in rows]
    assert scheduled and min(r[5] for r in scheduled) >= ceasefire
    model.run()
    dated = kinds(model, "election") + kinds(model, "government_change")
    assert dated and all(dt.date.fromisoformat(e.note) >= ceasefire for e in dated)


def test_the_held_elections_are_exactly_those_before_the_baseline_ceasefire():
    table = read_elections(ELECTIONS_FILE)
    held = {(r.iso3, r.date) for r in table.itertuples() if r.date_status == "held"}
    before = {(r.iso3, r.date) for r in table.itertuples() if r.date < PARIS.ceasefire_date}
    assert held == before and len(held) == 4


def _initial_shift(overrides: dict, seeds: range, iso3: str) -> np.ndarray:
    """Shift of the member's initial resolve by the elections held before the ceasefire, run by run."""
    quiet = {"members.resolve_spread": 0.0, "members.election_shock": 0.0, **overrides}
    out = []
    for seed in seeds:
        with_elections = make(quiet, seed, collect_steps=False).coalition
        without = make({**quiet, "members.government_change_scale": 0.0}, seed, collect_steps=False).coalition
        i = with_elections.index_of[iso3]
        out.append(with_elections.resolve_anchor[i] - without.resolve_anchor[i])
    return np.array(out)


def test_elections_before_the_ceasefire_set_the_initial_resolve_at_their_chance():
    """Bulgaria 19 Apr 2026 (p 0.8, shift -0.1) moves the initial state in about 80% of runs;
    Japan 8 Feb 2026 (known: no change) never; with a 2028 ceasefire, France's 2027 presidential
    election (p 0.55) is part of the initial state too. 300 runs: 4 standard errors is under 0.12."""
    seeds = range(300)
    bgr = _initial_shift({}, seeds, "BGR")
    assert set(np.round(bgr, 9)) <= {0.0, -0.1}
    assert abs((bgr < 0).mean() - 0.8) < 0.1
    assert not _initial_shift({}, range(20), "JPN").any()
    fra = _initial_shift({"ceasefire_date": dt.date(2028, 1, 1)}, seeds, "FRA")
    assert abs((fra < 0).mean() - 0.55) < 0.12


# The longest legal term (years) of each office: constitutions and election laws as cited in the file.
TERM = {"legislative": 4, "presidential": 5, "midterm": 4}
TERM_BY_STATE = {("GBR", "legislative"): 5, ("FRA", "legislative"): 5, ("ITA", "legislative"): 5,
                 ("BEL", "legislative"): 5, ("IRL", "legislative"): 5, ("AUT", "legislative"): 5,
                 ("LUX", "legislative"): 5, ("AUS", "legislative"): 3, ("NZL", "legislative"): 3,
                 ("FIN", "presidential"): 6, ("USA", "presidential"): 4}
SLACK = dt.timedelta(days=80)  # day-15 placeholders, run-offs, an autumn date for a spring term


def test_every_member_election_2026_to_2032_is_in_the_file():
    """Each series of elections (a state's office) has no gap longer than the office's term, and
    the next one after the file's last is due after 2032: nothing in 2026-2032 is missing."""
    table = read_elections(ELECTIONS_FILE)
    members = set(MEMBERS.iso3) | {"USA"}
    assert members <= set(table.iso3), "every member has at least one election row"
    for (iso3, office), rows in table.groupby(["iso3", "office"]):
        term = dt.timedelta(days=365.25 * TERM_BY_STATE.get((iso3, office), TERM[office]))
        dates = sorted(rows.date)
        for a, b in zip(dates, dates[1:]):
            assert b - a <= term + SLACK, f"{iso3} {office}: no election between {a} and {b}"
        assert dates[-1] + term + SLACK > dt.date(2032, 12, 31), f"{iso3} {office}: one is due after {dates[-1]}"
    for added in (("POL", "legislative", 2031), ("LTU", "legislative", 2032), ("ROU", "legislative", 2032),
                  ("BGR", "presidential", 2031)):
        assert any((r.iso3, r.office, r.date.year) == added for r in table.itertuples()), added


def test_the_us_rows_make_no_partisan_assumption():
    """Expected shift 0 and a symmetric range: the US level reads -spread, 0, +spread."""
    table = read_elections(ELECTIONS_FILE)
    us = table[table.iso3 == "USA"]
    assert len(us) == 4 and (us.resolve_shift == 0.0).all() and (us.resolve_shift_spread > 0).all()
    shifts = {}
    for level in (0.0, 0.5, 1.0):
        coal = make({"united_states.election_shift_level": level}).coalition
        shifts[level] = sorted(r[4] for rows in coal.election_weeks.values() for r in rows if r[1] == coal.us)
    assert shifts[0.5] == [0.0] * len(shifts[0.5])
    assert shifts[0.0] == pytest.approx([-s for s in shifts[1.0]][::-1])
    assert min(shifts[0.0]) < 0 < max(shifts[1.0])
    # The members' level leaves the US rows alone, and the other way round.
    coal = make({"members.election_shift_level": 0.0}).coalition
    assert all(r[4] == 0.0 for rows in coal.election_weeks.values() for r in rows if r[1] == coal.us)
    assert coal.expected_shift[coal.us].max() == coal.expected_shift[coal.us].min() == 0.0


def test_the_elections_file_checks_its_ranges(tmp_path):
    text = ELECTIONS_FILE.read_text()
    bad = tmp_path / "elections.csv"
    bad.write_text(text.replace("USA,United States,2028-11-07,presidential,fixed,0.5,0.0,0.15,",
                                "USA,United States,2028-11-07,presidential,fixed,0.5,-0.95,0.15,"))
    with pytest.raises(ConfigError, match=r"resolve_shift_spread: the range -1\.1 to -0\.8 leaves the resolve scale"):
        read_table(bad, ELECTIONS)
    # A v1 file without the spread column still reads, with no range.
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    v1 = tmp_path / "v1.csv"
    v1.write_text("\n".join(",".join(ln.split(",")[:7] + ln.split(",")[8:]) for ln in lines) + "\n")
    old = read_table(v1, ELECTIONS)
    assert len(old) == len(lines) - 1 and (old.resolve_shift_spread == 0.0).all()


# --- force contributions -----------------------------------------------------------------------

def _totals(table, level: float) -> dict[str, float]:
    """Each member's contribution at ``level`` of its range, in whole units (half up), summed."""
    rows = table[table.iso3.isin(MEMBERS.iso3)]
    return {d: float(np.floor(rows[f"{d}_low"] + level * (rows[f"{d}_high"] - rows[f"{d}_low"]) + 0.5).sum())
            for d in ("troops", "aircraft", "ships")}


def test_contribution_level_reads_the_low_and_high_totals():
    table = read_force_contributions(CONTRIBUTIONS_FILE)
    rows = table[table.iso3.isin(MEMBERS.iso3)]
    low, high = _totals(table, 0.0), _totals(table, 1.0)
    assert low == {d: float(rows[f"{d}_low"].sum()) for d in low}
    assert high == {d: float(rows[f"{d}_high"].sum()) for d in high}
    assert low["troops"] < high["troops"]
    for level, expected in ((0.0, low), (1.0, high), (0.5, _totals(table, 0.5))):
        f = make({"force.contribution_level": level}).force
        assert f.troops.sum() == pytest.approx(expected["troops"])
        assert f.aircraft.sum() == pytest.approx(expected["aircraft"])
        assert f.ships.sum() == pytest.approx(expected["ships"])
    assert PARIS.force.contribution_level == 0.5  # the central reading by default
    targets = [make({"force.contribution_level": x}).force.target for x in (0.0, 0.5, 1.0)]
    for domain in ("land", "air", "sea"):
        assert targets[0][domain] < targets[1][domain] < targets[2][domain]


def test_the_contributions_say_how_public_each_number_is():
    table = read_force_contributions(CONTRIBUTIONS_FILE).set_index("iso3")
    gbr = table.loc["GBR"]
    assert gbr.troops_high == 7500 and gbr.troops_low < 7500  # 'fewer than 7,500' is an upper bound
    assert set(table.aircraft_basis) <= {"assumed", "none"}  # no government or paper gave an aircraft number
    assert {table.loc[c].status for c in ("LVA", "ESP", "PRT", "CAN")} <= {"reported", "assumed"}
    assert table.loc["NOR"].status == "pledged"
    nothing = table[table.status == "none"]
    assert len(nothing) and (nothing[[f"{d}_high" for d in ("troops", "aircraft", "ships")]] == 0).all().all()
    assert (table.troops_low <= table.troops_high).all()
    for path in (CONTRIBUTIONS_FILE, ELECTIONS_FILE):
        header = "".join(ln for ln in path.read_text().splitlines(keepends=True) if ln.startswith("#"))
        assert "WHAT IS ASSUMPTION" in header


@pytest.mark.parametrize("old,new,words", [
    ("GBR,United Kingdom,pledged,rear,3500,7500,", "GBR,United Kingdom,pledged,rear,8500,7500,",
     "troops_low: the low end is above the high end (7500)"),
    ("JPN,Japan,none,none,0,0,", "JPN,Japan,none,none,0,10,", "status none with a contribution (up to 10)"),
    ("NOR,Norway,pledged,rear,", "NOR,Norway,promised,rear,", "status: not an allowed value"),
])
def test_the_contributions_file_checks_its_rows(tmp_path, old, new, words):
    bad = tmp_path / "force_contributions.csv"
    text = CONTRIBUTIONS_FILE.read_text()
    assert old in text
    bad.write_text(text.replace(old, new))
    with pytest.raises(ConfigError) as err:
        read_table(bad, FORCE_CONTRIBUTIONS)
    assert words in str(err.value) and "force_contributions.csv:" in str(err.value)


# --- the US role ---------------------------------------------------------------------------------

def test_us_intelligence_sharing_is_off_as_written():
    assert UnitedStates().shares_intelligence is False and PARIS.united_states.shares_intelligence is False
    assert not make().united_states.shares_intelligence
    sharing = {name for name in shipped_scenarios() if load_scenario(name).united_states.shares_intelligence}
    assert sharing == {"minsk_analogue", "article5_like"}  # 2021's sharing; an Article 5-like upper bound
    for name in shipped_scenarios():  # each description says what its scenario sets
        sc = load_scenario(name)
        text = sc.description.lower()
        if name in sharing:
            assert "intelligence" in text, name
        if "no us intelligence sharing" in text or "no intelligence sharing" in text:
            assert not sc.united_states.shares_intelligence, name


def _withdrawal_weeks(rate: float, seeds: range, weeks: int, scenario=PARIS) -> list[int | None]:
    """Week the within-term hazard withdraws the US roles, run by run (the agent's own rule, week by week)."""
    out = []
    for seed in seeds:
        model = make({"united_states.within_term_withdrawal_per_year": rate}, seed, scenario, collect_steps=False)
        us = model.united_states
        out.append(next((w for w in range(weeks) if us.advance(w)), None))
    return out


def test_the_within_term_hazard_withdraws_at_its_rate():
    """P(withdrawal within T years) = 1 - exp(-rate T). 600 runs: one standard error is at most
    0.021; tolerance 0.07 (over 3 standard errors)."""
    default = PARIS.united_states.within_term_withdrawal_per_year
    for rate, years in ((default, 5), (0.3, 2)):
        fired = [w is not None for w in _withdrawal_weeks(rate, range(600), 52 * years)]
        assert abs(np.mean(fired) - (1 - math.exp(-rate * years))) < 0.07, (rate, np.mean(fired))
    assert _withdrawal_weeks(0.0, range(50), 260) == [None] * 50


def test_a_higher_hazard_withdraws_no_later_on_the_same_seed():
    low, high = _withdrawal_weeks(0.05, range(60), 260), _withdrawal_weeks(0.2, range(60), 260)
    for a, b in zip(low, high):
        assert b is not None if a is not None else True
        assert a is None or b <= a


def test_a_within_term_withdrawal_ends_the_roles_at_once_and_russia_notices():
    over = {"united_states.within_term_withdrawal_per_year": 1.0, "united_states.backstop_probability": 1.0,
            "united_states.shares_intelligence": True, "members.government_change_scale": 0.0}
    model = make(over, seed=3, collect_steps=False)
    coverage = model.monitoring.base_coverage
    air = model.force.target["air"]
    model.run(156)
    events = [e for e in kinds(model, "us_roles") if e.outcome == "withdrawn"]
    assert len(events) == 1 and "within its term" in events[0].note
    assert set(events[0].items) == {"the monitoring lead (G1)", "support to the force (G3)",
                                    "intelligence sharing (G5)"}
    us = model.united_states
    assert not (us.leads_monitoring or us.backs_force or us.shares_intelligence)
    assert us.withdrew_week == events[0].week
    assert model.monitoring.base_coverage == pytest.approx(coverage * (1 - PARIS.monitoring.us_lead_share))
    assert model.force.target["air"] < air


def test_the_hazard_has_its_own_draws():
    """Its one draw comes from the US stream: where the US holds no role, the rate changes nothing;
    where it does, nothing differs before the withdrawal."""
    none = load_scenario("no_us_backstop")
    runs = [make({"united_states.within_term_withdrawal_per_year": r}, 4, none).run() for r in (0.0, 0.9)]
    assert [(e.week, e.kind, e.actor, e.outcome) for e in runs[0].events.rows] == \
           [(e.week, e.kind, e.actor, e.outcome) for e in runs[1].events.rows]
    assert runs[0].datacollector.get_model_vars_dataframe().equals(runs[1].datacollector.get_model_vars_dataframe())
    anticipated = 0
    for seed in range(12):
        a = make({"united_states.within_term_withdrawal_per_year": 0.0}, seed).run()
        b = make({"united_states.within_term_withdrawal_per_year": 0.5}, seed).run()
        week = b.united_states.withdrew_week
        assert week is not None and week > 0
        # Russia reads the hazard (its margins may move a little), but what happens before the withdrawal does not.
        before = [(e.week, e.kind, e.actor, e.outcome) for e in a.events.rows if e.week < week]
        assert before == [(e.week, e.kind, e.actor, e.outcome) for e in b.events.rows if e.week < week]
        margins = [(e.value, f.value) for e, f in zip(a.events.rows, b.events.rows)
                   if e.week < week and e.kind == "assessment"]
        anticipated += any(x != y for x, y in margins)
    # The anticipation is there where a later attack could pay (at the calibrated defaults: 2 of these 12 runs).
    assert anticipated >= 1


def test_a_within_term_withdrawal_drops_a_political_us_pledge_not_a_ratified_one():
    bilateral = load_scenario("paris_us_bilateral")
    for ratified in (False, True):
        model = make(seed=1, scenario=bilateral, collect_steps=False)
        coal = model.coalition
        coal.ratified[coal.us] = ratified
        model.united_states.withdraw(10, "test", drop_pledge=True)
        assert bool(coal.pledges[coal.us]) == ratified
        assert coal.pledges_dropped == (0 if ratified else 1)


def test_an_election_withdrawal_takes_effect_at_once():
    """A new administration that withdraws the roles takes the US share out of monitoring that week."""
    model = make({"united_states.within_term_withdrawal_per_year": 0.0}, seed=2, collect_steps=False)
    coverage = model.monitoring.base_coverage
    model.united_states.administration_changes(5, 0.0, case=1)  # draw 0 < withdrawal_on_change
    assert not model.united_states.leads_monitoring
    assert model.monitoring.base_coverage == pytest.approx(coverage * (1 - PARIS.monitoring.us_lead_share))
