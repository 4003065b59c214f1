"""The one adapter between the model and the dashboard: a finished run as tidy tables.

Everything the dashboard shows about a run comes from :func:`run_story`, which runs
the model for its whole horizon (milliseconds) and returns a :class:`Story`:

* ``steps``   one row a week, every step column of the model (extra columns a newer
  model adds are kept and charted generically);
* ``events``  one row an event, with a readable actor, a plain sentence and why the
  clause id fits; member responses to one decision collapse into one row;
* ``chain``   the commission's chain, one row a violation (or false alarm), built by
  :mod:`sim.dashboard.chain`;
* ``members`` each state's legal status (G0), responses and changes of government, week by week;
* ``force``   the Multinational Force by nation: troops, aircraft, ships, basing, when struck (G3).

Every table is read from the events' identities and typed fields (``sim.events.Event``:
event, case and cause ids, outcome codes, parties, counts, weeks, values, names), never from
their text. Dates: week ``w`` is shown with ``scenario.date_of(w)`` (the ceasefire date plus
``w`` weeks). Words and marker shapes come from :mod:`sim.dashboard.words`, sentences from
:mod:`sim.dashboard.sentences`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mesa
import pandas as pd

from sim.config import Scenario
from sim.dashboard.chain import chain_table, response_summary
from sim.dashboard.sentences import describe
from sim.dashboard.words import (
    INTENTS,
    LEVEL_NOUNS,
    NOT_CHARTED,
    SERIES,
    UKRAINE,
    UKRAINE_LANE,
    actor_name,
    clause_reason,
    day_text,
    lane_of,
    series_info,
)
from sim.events import Event
from sim.ladder import RESPONSE_TYPES
from sim.model import STEP_REPORTERS, DeterrenceModel
from sim.outputs import run_record

__all__ = ["Member", "Story", "run_story", "event_table", "response_summary", "NOT_CHARTED", "SERIES",
           "series_info", "IntentSpan"]

# A model that renames a step column the story charts draw: map its new name to the name
# used here (model column -> dashboard column), e.g. {"russia_level": "escalation_level"}.
STEP_RENAMES: dict[str, str] = {}


@dataclass
class Member:
    """One state's tile over time: legal status changes, responses and changes of government by week.

    Statuses (G0), as the model's ``CoalitionMember.ratification_status``: ratified, pending,
    political, failed, dropped (a new government withdrew a political pledge), no pledge.
    """

    name: str
    european: bool
    initial: str  # ratified | pending | political | no pledge
    changes: list[tuple[int, str]] = field(default_factory=list)  # (week, new status)
    responses: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    governments: list[tuple[int, str]] = field(default_factory=list)  # (week, what the change was)
    lead: bool = False  # a framework nation of the force (France, the UK)

    def status_at(self, week: int) -> str:
        status = self.initial
        for w, s in self.changes:
            if w <= week:
                status = s
        return status

    def dropped_at(self, week: int) -> int | None:
        """The week its pledge was dropped, if by ``week``."""
        return next((w for w, s in self.changes if s == "dropped" and w <= week), None)

    def counts_at(self, week: int) -> dict[str, int]:
        out = dict.fromkeys(RESPONSE_TYPES, 0)
        for w, types in self.responses:
            if w <= week:
                for t in types:
                    out[t] = out.get(t, 0) + 1
        return out

    def governments_at(self, week: int) -> list[tuple[int, str]]:
        return [(w, text) for w, text in self.governments if w <= week]


FORCE_COLUMNS = ("nation", "troops", "sent", "aircraft", "ships", "basing", "exposure", "lead", "struck_week",
                 "withdrawn_week")


# A campaign event's outcome code -> how the campaign before it ended.
ENDINGS = {"launched_by_surprise": "launched", "launched_after_warning": "launched", "stood_down": "stood down",
           "aborted": "aborted", "pressure_ends": "ended", "pressure_ends_early": "ended",
           "pressure_ends_to_prepare": "ended", "limited_offensive_ends": "ended"}


@dataclass(frozen=True)
class IntentSpan:
    """Weeks ``first``..``last`` of one Russian intent (a campaign, an offensive, the war), in words."""

    intent: str
    first: int
    last: int
    words: str  # 'preparing a limited offensive → launched'
    objective: str | None = None  # for a preparation: 'limited' or 'major'
    ending: str = ""  # launched, stood down, aborted, ended, or '' (goes on past the run)


@dataclass
class Story:
    """A finished run, as the dashboard reads it."""

    label: str
    scenario: Scenario
    seed: int
    horizon: int
    steps: pd.DataFrame  # index: week
    events: pd.DataFrame
    chain: pd.DataFrame
    members: list[Member]
    run: dict[str, Any]
    escalation_week: int | None
    # the force by nation (FORCE_COLUMNS): contributions at full deployment, basing, struck
    force: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(FORCE_COLUMNS)))
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # what views build once per run

    @property
    def last_week(self) -> int:
        return int(self.steps.index.max()) if len(self.steps) else 0

    def dates(self) -> list[str]:
        """Every week's date ('9 Sep 2026'), once per run (the event log asks for hundreds)."""
        if "dates" not in self.cache:
            self.cache["dates"] = [day_text(self.scenario.date_of(w)) for w in range(self.horizon)]
        return self.cache["dates"]

    def date_of(self, week: int) -> str:
        """Calendar date of a week: the ceasefire date plus ``week`` weeks."""
        dates, week = self.dates(), int(week)
        return dates[week] if 0 <= week < len(dates) else day_text(self.scenario.date_of(week))

    def event(self, event_id: int) -> Event:
        """The model's event with this id (its typed fields), from the log's table."""
        row = self.events[self.events["event_id"] == event_id].iloc[0]
        return Event(*(row[f] for f in Event._fields))

    def intent_at(self, week: int) -> str:
        if "russia_intent" in self.steps.columns and week in self.steps.index:
            return str(self.steps.at[week, "russia_intent"])
        return ""

    def in_force(self, week: int) -> pd.Series:
        """Which nations' contingents are in the force at ``week`` (sent, and not withdrawn by then)."""
        f = self.force
        gone = f["withdrawn_week"].notna() & (f["withdrawn_week"] <= week)
        return (f["sent"] > 0) & ~gone

    def deployed_share(self, week: int) -> float:
        """Share of the troops sent (and not withdrawn by ``week``) that is deployed at its end (0 before the
        request)."""
        total = float(self.force.loc[self.in_force(week), "sent"].sum()) if len(self.force) else 0.0
        if total <= 0 or "force_troops" not in self.steps.columns or week not in self.steps.index:
            return 0.0
        return min(1.0, float(self.steps.at[week, "force_troops"]) / total)

    def state_at(self, week: int) -> str:
        """'the ceasefire holds, Russia preparing an offensive' | 'renewed war since week 120' | ..."""
        esc = self.escalation_week
        if esc is None or week < esc:
            state = "the ceasefire holds"
            intent = self.intent_at(week)
            if intent in INTENTS and intent != "at_war":
                state += f", Russia: {INTENTS[intent][0].split(' (')[0]}"
            if "warning_in_force" in self.steps.columns and bool(self.steps.at[week, "warning_in_force"]):
                state += ", warning in force"
            return state
        war = self.steps["at_war"] if "at_war" in self.steps.columns else None
        if war is not None and week in war.index and bool(war.at[week]):
            return f"renewed war since week {esc}"
        return f"attack in week {esc}, war over"

    def intent_spans(self) -> list[IntentSpan]:
        """Russia's intent as spans of weeks (from the step column), named with the campaign's objective
        and how it ended (from the campaign events). Built once per run."""
        if "intent_spans" in self.cache:
            return self.cache["intent_spans"]
        out: list[IntentSpan] = []
        if "russia_intent" in self.steps.columns:
            ev = self.events[self.events["kind"] == "campaign"]
            said: dict[int, list[tuple[str, str]]] = {}  # week -> (outcome, level) of its campaign events
            for w, outcome, level in zip(ev["week"], ev["outcome"], ev["level"]):
                said.setdefault(int(w), []).append((str(outcome), str(level)))
            values = [str(v) for v in self.steps["russia_intent"]]
            start = 0
            for w in range(1, len(values) + 1):
                if w < len(values) and values[w] == values[start]:
                    continue
                intent, first, last = values[start], start, w - 1
                start = w
                if intent not in INTENTS:
                    continue
                words, objective = INTENTS[intent][0], None
                if intent == "preparing":
                    objective = next((lv for o, lv in said.get(first, []) if o == "preparation_starts"), None)
                    if objective:
                        words = f"preparing a {LEVEL_NOUNS[objective]}"
                ending = next((ENDINGS[o] for o, _ in said.get(last + 1, []) if o in ENDINGS), "")
                if intent == "preparing" and not ending and last + 1 < len(values):
                    ending = "launched" if values[last + 1] in ("attacking", "at_war") else ""
                shown = {"launched": " → launched", "stood down": " → stood down",
                         "aborted": " → aborted when exposed"}.get(ending, "")
                out.append(IntentSpan(intent, first, last, words + shown, objective, ending))
        self.cache["intent_spans"] = out
        return out

    def politics(self) -> list[tuple[int, str]]:
        """(week, what) of what moved the coalition or the sanctions: snapbacks, scripted shocks, US roles
        withdrawn, changes of government in the US and the framework nations."""
        leads = {m.name for m in self.members if m.lead} | {"United States"}
        out = []
        for w, kind, actor, outcome in zip(self.events["week"], self.events["kind"], self.events["actor"],
                                           self.events["outcome"]):
            if kind == "sanctions" and outcome == "snapback":
                out.append((int(w), "snapback"))
            elif kind == "shock":
                out.append((int(w), "shock"))
            elif kind == "us_roles" and outcome == "withdrawn":
                out.append((int(w), "US roles withdrawn"))
            elif kind == "government_change" and actor in leads:
                out.append((int(w), f"new government: {actor}"))
        return out


def run_story(scenario: Scenario, seed: int, label: str = "") -> Story:
    """Run ``scenario`` with ``seed`` to its horizon and read the story off the finished model."""
    # The week's measures are read off the model after each step (as its DataCollector would, without the
    # copies it makes of every value: half the time of a run).
    model = DeterrenceModel(scenario, int(seed), collect_steps=False)
    columns: dict[str, list] = {name: [] for name in STEP_REPORTERS}
    for _ in range(model.horizon):
        week = model.week
        model.step()
        model.week = week  # the reporters read the week just played
        for name, values in columns.items():
            values.append(getattr(model, name))
        model.week = week + 1
    try:
        steps = pd.DataFrame(columns).rename(columns=STEP_RENAMES)
        steps.index = pd.RangeIndex(len(steps), name="week")  # once a week, from week 0
        rows: list[Event] = list(model.events.rows)
        members = _members(model, scenario, rows)
        force = _force(model, rows)
        run = run_record(model)
    finally:
        getattr(mesa.Agent, "_ids", {}).pop(model, None)  # Mesa 3.3 keeps every model (mesa#3179)
    events = event_table(rows, scenario)
    chain = chain_table(rows, scenario)
    return Story(label or scenario.name, scenario, int(seed), model.horizon, steps, events, chain, members,
                 run, model.escalation_week, force)


def _members(model: Any, sc: Scenario, rows: list[Event]) -> list[Member]:
    """Each state's status at the ceasefire (as the model schedules ratification), then its events."""
    coal = model.coalition
    binding, r = sc.commitments.binding, sc.ratification
    out = []
    for i, name in enumerate(coal.names):
        if not bool(coal.pledged_at_ceasefire[i]):
            initial = "no pledge"  # the US in the declaration as written
        elif binding and r.in_force_at_ceasefire:
            initial = "ratified"  # binding from day one
        elif binding and r.seek_ratification:
            initial = "pending"
        else:
            initial = "political"
        out.append(Member(name, bool(coal.is_europe[i]), initial, lead=bool(coal.framework_nation[i])))
    by_name = {m.name: m for m in out}
    for e in rows:
        m = by_name.get(e.actor)
        if m is None:
            continue
        if e.kind == "ratification":
            m.changes.append((e.week, "failed" if e.outcome == "failed" else "ratified"))
        elif e.kind == "pledge" and e.outcome == "dropped":
            m.changes.append((e.week, "dropped"))
        elif e.kind == "government_change":
            m.governments.append((e.week, describe(e).rstrip(".")))
        elif e.kind == "response":
            m.responses.append((e.week, tuple(t for t in e.items if t in RESPONSE_TYPES)))
    return out


def _force(model: Any, rows: list[Event]) -> pd.DataFrame:
    """The force by nation: pledged (scaled by the force size), sent (each nation decides when Ukraine asks;
    none before), basing, and when struck."""
    f, coal, sc = model.force, model.coalition, model.scenario_config
    pledged_troops, pledged_aircraft, pledged_ships = getattr(f, "pledged", (f.troops, f.aircraft, f.ships))
    size = sc.force.size if sc.force.enabled else 0.0
    forward = sc.force.posture == "forward"
    struck: dict[str, int] = {}
    withdrawn: dict[str, int] = {}
    for e in rows:
        if e.kind == "casualties":
            for name in e.items:
                struck.setdefault(name, e.week)
        elif e.kind == "deployment" and e.outcome in ("contingents_withdrawn", "withdrawn"):
            for name in e.items:
                withdrawn[name] = e.week
    sent = getattr(f, "ever_sent", f.troops > 0)
    rear_exposure = sc.force.rear_exposure
    out = []
    for i in map(int, (f.contributors.nonzero()[0])):  # contributors: nations that pledged something
        basing = f.basing[i]
        where = {"outside": "outside Ukraine", "rear": "rear hubs in Ukraine", "forward": "forward"}.get(basing, basing)
        if forward and basing == "rear":
            where = "forward (posture)"
        in_ukraine = basing in ("rear", "forward") and pledged_troops[i] > 0
        exposure = (1.0 if forward or basing == "forward" else rear_exposure) if in_ukraine else 0.0
        # A nation whose contingent left and came back with a new deployment is in the force at the end.
        gone = withdrawn.get(coal.names[i]) if not f.committed[i] or f.phase.label == "not_requested" else None
        out.append({"nation": coal.names[i], "troops": int(round(pledged_troops[i] * size)),
                    "sent": int(round(pledged_troops[i] * size)) if sent[i] else 0,
                    "aircraft": int(round(pledged_aircraft[i] * size)), "ships": int(round(pledged_ships[i] * size)),
                    "basing": where, "exposure": exposure, "lead": bool(coal.framework_nation[i]),
                    "struck_week": struck.get(coal.names[i]), "withdrawn_week": gone})
    frame = pd.DataFrame(out, columns=list(FORCE_COLUMNS))
    return frame.sort_values(["troops", "aircraft", "ships"], ascending=False, kind="stable").reset_index(drop=True)


EVENT_COLUMNS = ("seq", *Event._fields, "who", "text", "why", "lane", "states", "group")


def ukrainian(e: Event) -> bool:
    """Ukraine's own violations, and every report or attribution that blames the wrong party."""
    if e.kind == "violation":
        return e.perpetrator == UKRAINE
    if e.kind == "detection":
        return e.perpetrator == UKRAINE or e.perpetrator != e.attributed_to
    if e.kind == "attribution":
        return e.outcome == "attributed" and (e.attributed_to != e.perpetrator or e.attributed_to == UKRAINE)
    if e.kind == "false_alarm":
        return True
    if e.kind == "decision":
        return e.attributed_to == UKRAINE
    return e.kind == "corrective_measure" and e.outcome == "demarche" and e.attributed_to == UKRAINE


def event_table(rows: list[Event], scenario: Scenario | None = None) -> pd.DataFrame:
    """The event log, readable: the responses of the states to one decision (one case, one week) are one row.

    ``states`` counts the states in a collapsed response row; ``group`` lists (state, its commitment,
    its response types).
    """
    commission = scenario.commission.enabled if scenario is not None else True
    binding_levels = tuple(scenario.commitments.binding_levels) if scenario is not None else ("major",)
    out: list[dict[str, Any]] = []
    answer: dict[tuple[int, int], dict[str, Any]] = {}  # (case, week) -> its row of responses
    for seq, e in enumerate(rows):
        if e.kind == "response" and (e.case_id, e.week) in answer:
            row = answer[(e.case_id, e.week)]
            row["group"].append((e.actor, e.outcome, e.items))
            row["states"] += 1
            continue
        lane = UKRAINE_LANE if ukrainian(e) else lane_of(e.kind, commission)
        row = {"seq": seq, **e._asdict(), "who": actor_name(e.actor), "text": describe(e),
               "why": clause_reason(e.kind, e.clause), "lane": lane, "states": 0, "group": []}
        if e.kind == "response":
            row["states"], row["group"] = 1, [(e.actor, e.outcome, e.items)]
            answer[(e.case_id, e.week)] = row
        out.append(row)
    for r in out:
        if r["kind"] == "response":
            r["who"] = "Coalition states (G4)" if r["states"] > 1 else actor_name(r["actor"])
            r["text"] = response_summary(r["group"], r["level"], binding_levels)
    return pd.DataFrame(out, columns=list(EVENT_COLUMNS))
