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

Dates: week ``w`` is shown with ``scenario.date_of(w)`` (the ceasefire date plus ``w`` weeks).
Words and marker shapes come from :mod:`sim.dashboard.words`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mesa
import pandas as pd

from sim.config import Scenario
from sim.dashboard import prose
from sim.dashboard.chain import chain_table, response_summary
from sim.dashboard.words import (
    INTENTS,
    LEVEL_NOUNS,
    NOT_CHARTED,
    SERIES,
    UKRAINE_LANE,
    actor_name,
    clause_reason,
    day_text,
    lane_of,
    series_info,
)
from sim.ladder import RESPONSE_TYPES
from sim.model import DeterrenceModel
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


FORCE_COLUMNS = ("nation", "troops", "aircraft", "ships", "basing", "exposure", "lead", "struck_week")


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

    def intent_at(self, week: int) -> str:
        if "russia_intent" in self.steps.columns and week in self.steps.index:
            return str(self.steps.at[week, "russia_intent"])
        return ""

    def deployed_share(self, week: int) -> float:
        """Share of the force's troops deployed at the end of ``week`` (0 before the request)."""
        total = float(self.force["troops"].sum()) if len(self.force) else 0.0
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
            said: dict[int, list[str]] = {}
            for w, detail in zip(ev["week"], ev["detail"]):
                said.setdefault(int(w), []).append(str(detail))
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
                    objective = next((o for d in said.get(first, []) if (o := prose.campaign_objective(d))), None)
                    if objective:
                        words = f"preparing a {LEVEL_NOUNS[objective]}"
                ending = next((e for d in said.get(last + 1, []) if (e := prose.campaign_ending(d))), "")
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
        for w, kind, actor, detail in zip(self.events["week"], self.events["kind"], self.events["actor"],
                                          self.events["detail"]):
            detail = str(detail)
            if kind == "sanctions" and prose.snapback(detail):
                out.append((int(w), "snapback"))
            elif kind == "shock":
                out.append((int(w), "shock"))
            elif kind == "us_roles" and prose.us_roles_withdrawn(detail):
                out.append((int(w), "US roles withdrawn"))
            elif kind == "government_change" and actor in leads:
                out.append((int(w), f"new government: {actor}"))
        return out


def run_story(scenario: Scenario, seed: int, label: str = "") -> Story:
    """Run ``scenario`` with ``seed`` to its horizon and read the story off the finished model."""
    model = DeterrenceModel(scenario, int(seed))
    model.run()
    try:
        steps = pd.DataFrame(model.datacollector.model_vars).rename(columns=STEP_RENAMES)
        steps.index = pd.RangeIndex(len(steps), name="week")  # collected once a week, from week 0
        # The story's tables still take (week, kind, actor, level, clause, detail); reading the
        # structured fields instead is the dashboard's next change (issue 17).
        rows = [(e.week, e.kind, e.actor, e.level, e.clause, e.detail) for e in model.events.rows]
        members = _members(model, scenario, rows)
        force = _force(model, rows)
        run = run_record(model)
    finally:
        getattr(mesa.Agent, "_ids", {}).pop(model, None)  # Mesa 3.3 keeps every model (mesa#3179)
    events = event_table(rows, scenario)
    chain = chain_table(rows, scenario)
    return Story(label or scenario.name, scenario, int(seed), model.horizon, steps, events, chain, members,
                 run, model.escalation_week, force)


def _members(model: Any, sc: Scenario, rows: list[tuple]) -> list[Member]:
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
    for week, kind, actor, level, _, detail in rows:
        m = by_name.get(actor)
        if m is None:
            continue
        if kind == "ratification":
            m.changes.append((int(week), "failed" if prose.ratification_failed(detail) else "ratified"))
        elif kind == "pledge" and prose.pledge_dropped(detail):
            m.changes.append((int(week), "dropped"))
        elif kind == "government_change":
            m.governments.append((int(week), prose.plain(detail)))
        elif kind == "response":
            m.responses.append((int(week), prose.response_types(detail)))
    return out


def _force(model: Any, rows: list[tuple]) -> pd.DataFrame:
    """The force by nation at full deployment (scaled by the force size), basing, and when struck."""
    f, coal, sc = model.force, model.coalition, model.scenario_config
    size = sc.force.size if sc.force.enabled else 0.0
    forward = sc.force.posture == "forward"
    struck: dict[str, int] = {}
    for week, kind, _, _, _, detail in rows:
        if kind == "casualties":
            for name in prose.struck_nations(detail):
                struck.setdefault(name, int(week))
    out = []
    for i in map(int, (f.contributors.nonzero()[0])):
        basing = f.basing[i]
        where = {"outside": "outside Ukraine", "rear": "rear hubs in Ukraine", "forward": "forward"}.get(basing, basing)
        if forward and basing == "rear":
            where = "forward (posture)"
        out.append({"nation": coal.names[i], "troops": int(round(f.troops[i] * size)),
                    "aircraft": int(round(f.aircraft[i] * size)), "ships": int(round(f.ships[i] * size)),
                    "basing": where, "exposure": float(f.exposure[i]), "lead": bool(coal.framework_nation[i]),
                    "struck_week": struck.get(coal.names[i])})
    frame = pd.DataFrame(out, columns=list(FORCE_COLUMNS))
    return frame.sort_values(["troops", "aircraft", "ships"], ascending=False, kind="stable").reset_index(drop=True)


EVENT_COLUMNS = ("seq", "week", "kind", "actor", "level", "clause", "detail", "who", "text", "why", "lane",
                 "states", "group")


def event_table(rows: list[tuple], scenario: Scenario | None = None) -> pd.DataFrame:
    """The event log, readable: member responses to one decision collapse into one row.

    ``states`` counts the states in a collapsed response row; ``group`` lists them.
    """
    commission = scenario.commission.enabled if scenario is not None else True
    binding_levels = tuple(scenario.commitments.binding_levels) if scenario is not None else ("major",)
    out: list[dict[str, Any]] = []
    for seq, (week, kind, actor, level, clause, detail) in enumerate(rows):
        week = int(week)
        if kind == "response" and out and out[-1]["kind"] == "response" and out[-1]["week"] == week \
                and out[-1]["level"] == level:
            prev = out[-1]
            prev["group"].append((actor, detail))
            prev["states"] += 1
            continue
        lane = lane_of(kind, commission)
        if prose.ukrainian(kind, actor, detail):
            lane = UKRAINE_LANE
        out.append({"seq": seq, "week": week, "kind": kind, "actor": actor, "level": level, "clause": clause,
                    "detail": detail, "who": actor_name(actor), "text": prose.describe(kind, actor, level, detail),
                    "why": clause_reason(kind, clause), "lane": lane,
                    "states": 1 if kind == "response" else 0,
                    "group": [(actor, detail)] if kind == "response" else []})
    for r in out:
        if r["kind"] == "response":
            r["who"] = "Coalition states (G4)" if r["states"] > 1 else actor_name(r["actor"])
            r["text"] = response_summary(r["group"], r["level"], binding_levels)
    return pd.DataFrame(out, columns=list(EVENT_COLUMNS))
