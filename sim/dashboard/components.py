"""What the pages show as HTML and rows (pure functions, tested without a browser).

Text colours are never hard-coded: tables inherit the theme's colour, tints are
translucent, and the few coloured chips carry their own contrasting text, so every
table reads in light and dark mode (``CSS``). No meaning rests on colour alone: a
status is written, a response chip carries its letter and count, a marker has its
own shape, a line its name.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache
from typing import Any, Iterable

import pandas as pd

from sim.clauses import Clause
from sim.dashboard.story import Member, Story
from sim.dashboard.words import CLAUSE_REASONS, GLOSSARY, LANES, NOBODY, RUSSIA, UKRAINE, kind_info
from sim.ladder import RESPONSE_TYPES

e = html.escape

CSS = """
.pg-table { border-collapse: collapse; width: 100%; font-size: 13px; color: inherit; }
.pg-table th { text-align: left; padding: 3px 6px; border-bottom: 2px solid rgba(128,128,128,.45);
  position: sticky; top: 0; background: var(--pg-head); z-index: 1; }
.pg-table td { padding: 3px 6px; border-bottom: 1px solid rgba(128,128,128,.25); vertical-align: top; }
.pg-table td.num { text-align: right; white-space: nowrap; }
.pg-small { font-size: 12px; opacity: .9; }
.pg-date { font-size: 12px; white-space: nowrap; }
.pg-scroll { max-height: 620px; overflow: auto; border: 1px solid rgba(128,128,128,.35); border-radius: 4px; }
.clause-chip { display: inline-block; min-width: 1.7em; padding: 0 4px; margin: 0 1px; border-radius: 4px;
  background: #1565c0; color: #fff; font-weight: 600; text-align: center; cursor: help; }
.pg-changed { color: #c62828; font-weight: 600; }
.theme--dark .pg-changed { color: #ff8a80; }
.pg-tint-russia { background: rgba(229,57,53,.10); }
.pg-tint-ukraine { background: rgba(255,193,7,.14); }
.pg-tint-ok { background: rgba(67,160,71,.12); }
.pg-tint-war { background: rgba(229,57,53,.22); }
.member-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(132px, 1fr)); gap: 5px; }
.member-tile { border: 1px solid rgba(128,128,128,.45); border-radius: 4px; padding: 3px 5px; color: inherit; }
.member-tile .name { font-size: 12px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.member-tile .status { font-size: 11px; font-weight: 600; }
.member-tile .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 3px; }
.member-tile .gov { font-size: 10px; opacity: .9; }
.pg-tint-struck { background: rgba(229,57,53,.18); }
.resp-chip { display: inline-block; min-width: 19px; margin: 1px; padding: 0 2px; border-radius: 3px;
  text-align: center; font-size: 11px; border: 1px solid transparent; }
.resp-chip.on { background: #2e7d32; color: #fff; font-weight: 700; }
.resp-chip.past { background: transparent; color: inherit; border: 1px solid #8d6e63; font-weight: 700; }
.resp-chip.off { background: transparent; color: inherit; border: 1px dashed rgba(128,128,128,.7); opacity: .75; }
.theme--light { --pg-head: #f5f5f5; }
.theme--dark { --pg-head: #2c2c2c; }
.pg-headline { min-height: 3.1em; max-height: 3.1em; overflow: hidden; }
.week-counter { font-size: 19px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.run-state { font-size: 14px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.scrub-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 4px 0; }
.play-speed { display: flex; align-items: center; gap: 4px; flex-wrap: wrap; }
.week-slider { width: 100%; }
.pg-slider-label { font-size: 12px; }
.pg-notice { font-size: 12px; opacity: .95; }
.pg-key { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; font-size: 12px; margin: 2px 0 6px; }
.pg-key svg { vertical-align: middle; margin-right: 3px; }
.config-banner { position: sticky; top: 0; z-index: 5; }
.why-step td.stage { white-space: nowrap; font-weight: 600; }
.intro-card p { margin-bottom: 6px; }
@media (min-width: 1100px) { .intro-text { column-count: 2; column-gap: 28px; } .intro-text ol, .intro-text ul { break-inside: avoid; } }
.event-filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-bottom: 6px; }
*:focus-visible { outline: 3px solid #ff6f00 !important; outline-offset: 2px; }
.v-slider__thumb-container--focused .v-slider__thumb { box-shadow: 0 0 0 4px #ff6f00; }
@media (max-width: 700px) {
  .week-counter { font-size: 16px; }
  .chart { min-width: 260px !important; }
}
"""

STATUS_COLOURS = {  # legal status (G0) -> (colour, meaning)
    "ratified": ("#43a047", "legally binding (ratified): survives a change of government"),
    "pending": ("#f9a825", "ratification pending: political for now"),
    "political": ("#9e9e9e", "political commitment only (not put to parliament)"),
    "failed": ("#e53935", "ratification failed: stays political"),
    "dropped": ("#8d6e63", "pledge dropped by a new, less supportive government (it was not ratified)"),
    "no pledge": ("#546e7a", "no G4 pledge: in the declaration as written the US leads monitoring and offers "
                             "support to the force, but the binding commitments are the Coalition's"),
}
RESPONSE_LETTERS = {"diplomacy": "D", "sanctions": "S", "intelligence": "I", "logistics": "L", "military": "M"}
US_ROLE_WORDS = {"monitoring": "monitoring lead (G1)", "force": "support to the force (G3)",
                 "intelligence": "intelligence sharing (G5)"}


@lru_cache(maxsize=512)
def clause_chip(clause: str, why: str = "") -> str:
    return f'<span class="clause-chip" title="{e(clause_title(clause, why))}">{e(clause)}</span>'


@lru_cache(maxsize=512)
def clause_title(clause: str, why: str = "") -> str:
    try:
        c = Clause(clause)
        tip = f"{c.value} - {c.title}: {c.digest}"
    except ValueError:
        tip = clause
    if why and why != clause and not tip.startswith(f"{clause} - {why}:"):  # only a reason the title does not give
        tip = f"{tip} (here: {why})"
    return tip


def week_label(story: Story, week: int) -> str:
    """'week 37 (17 Mar 2027)'."""
    return f"week {week} ({story.date_of(week)})"


def run_states(a: Story, b: Story | None) -> list[str]:
    """The headline's second line, for every week: what a run is, and where both designs stand."""
    out = []
    for w in range(a.last_week + 1):
        text = f"Simulated run, seed {a.seed} (one possible future, not a forecast): your design: {a.state_at(w)}"
        if b is not None:
            text += f" · reference: {b.state_at(w) if w <= b.last_week else ''}"
        out.append(text)
    return out


def headline(a: Story, b: Story | None, week: int) -> str:
    """Both lines of the headline at ``week`` (as the player shows them)."""
    return f"Week {week} ({a.date_of(week)}) of weeks 0-{a.last_week} · {run_states(a, b)[week]}"


OUTCOME_LEVELS = ("armed attack (a limited offensive or worse)", "renewed war (a renewed armed attack)",
                  "territory seized at the end")


def _first_week(story: Story, key: str) -> str:
    week = story.run.get(key)
    if week is None or week != week:  # None or NaN: never
        return "none"
    return f"week {int(week)} ({story.date_of(int(week))})"


def run_outcomes(story: Story) -> dict[str, str]:
    """The run's outcome at the model's three levels, as the model reports them (runs.csv): the first armed
    attack of any size and the first renewed war, each with its week and date, and the territory seized."""
    land = story.run.get("territory_seized_pct")
    return {OUTCOME_LEVELS[0]: _first_week(story, "armed_attack_week"),
            OUTCOME_LEVELS[1]: _first_week(story, "escalation_week"),
            OUTCOME_LEVELS[2]: "none" if not land else f"{float(land):.2f}% of Ukraine"}


def run_outcomes_html(a: Story, b: Story | None) -> str:
    """One row a design: this run's outcome at the three levels."""
    rows = [{"this run": f"your design ({a.label})", **run_outcomes(a)}]
    if b is not None:
        rows.append({"this run": f"the reference ({b.label})", **run_outcomes(b)})
    return table_html(rows, "run-outcomes")


def divergence_week(a: Story, b: Story | None) -> int | None:
    """First week the two designs' stories differ (any step column they share), or None."""
    if b is None:
        return None
    cols = [c for c in a.steps.columns if c in b.steps.columns and c != "date"]
    n = min(len(a.steps), len(b.steps))
    x, y = a.steps[cols].iloc[:n], b.steps[cols].iloc[:n]
    same = (x == y) | (x.isna() & y.isna())
    differ = ~same.all(axis=1)
    return int(differ.idxmax()) if differ.any() else None


# --------------------------------------------------------------------------- #
# Keys: what solid and dashed mean, the timeline's markers
# --------------------------------------------------------------------------- #
def _line_svg(dashed: bool, colour: str = "currentColor") -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return (f'<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/></svg>')


def lines_key_html(a: Story, b: Story | None) -> str:
    """The one key for every story chart: which design is solid, which dashed, and the seed."""
    parts = [f'<span class="key-yours">{_line_svg(False)}solid: your design, <b>{e(a.label)}</b></span>']
    if b is not None:
        parts.append(f'<span class="key-reference">{_line_svg(True)}dashed: the reference, <b>{e(b.label)}</b></span>')
    parts.append(f'<span class="key-seed">both in the simulated run with seed <b>{a.seed}</b></span>')
    return f'<div class="pg-key lines-key">{"".join(parts)}</div>'


SVG_SHAPES = {  # ECharts symbol -> SVG in a 100 x 100 box
    "circle": '<circle cx="50" cy="50" r="42"/>',
    "rect": '<rect x="10" y="10" width="80" height="80"/>',
    "roundRect": '<rect x="10" y="10" width="80" height="80" rx="20"/>',
    "triangle": '<path d="M50,6 L95,92 L5,92 Z"/>',
    "diamond": '<path d="M50,2 L92,50 L50,98 L8,50 Z"/>',
    "pin": '<path d="M50,98 L22,55 A34,34 0 1 1 78,55 Z"/>',
    "arrow": '<path d="M50,4 L90,96 L50,74 L10,96 Z"/>',
}


def symbol_svg(symbol: str, colour: str, size: int = 12) -> str:
    """A timeline marker as the page's key draws it (the chart's own shape and colour)."""
    empty = symbol.startswith("empty")
    shape = symbol[5].lower() + symbol[6:] if empty else symbol
    if shape.startswith("path://"):
        body = f'<path d="{e(shape[len("path://"):])}"/>'
    else:
        body = SVG_SHAPES.get(shape, SVG_SHAPES["circle"])
    paint = (f'fill="none" stroke="{colour}" stroke-width="12"' if empty else f'fill="{colour}"')
    return (f'<svg width="{size}" height="{size}" viewBox="0 0 100 100" aria-hidden="true">'
            f'<g {paint}>{body}</g></svg>')


def timeline_key_html(story: Story) -> str:
    """The timeline's key, lane by lane, for the kinds this run has: each marker its shape, colour and name."""
    kinds = [k for k in dict.fromkeys(story.events["kind"]) if k not in ("coordination", "assessment")]
    by_lane: dict[str, list[str]] = {lane: [] for lane in LANES}
    for kind in kinds:
        by_lane.setdefault(kind_info(kind).lane, []).append(kind)
    by_lane = {lane: members for lane, members in by_lane.items() if members}
    rows = []
    for lane, members in by_lane.items():
        items = " ".join(f'<span class="key-kind" data-kind="{e(k)}">{symbol_svg(kind_info(k).symbol, kind_info(k).colour)}'
                         f'{e(kind_info(k).label)}</span>' for k in members)
        rows.append(f'<div><b>{e(lane)}:</b> {items}</div>')
    return f'<div class="pg-key timeline-key" style="display:block">{"".join(rows)}</div>'


# --------------------------------------------------------------------------- #
# Event log rows (filtered and ordered in the browser: widgets.EventLog)
# --------------------------------------------------------------------------- #
def event_rows(story: Story) -> list[list[Any]]:
    """[week, date, lane, kind label, who, text, clause, clause title, why, tint, names, seq] per event,
    oldest first (built once per run)."""
    if "event_rows" not in story.cache:
        out = []
        for r in story.events.itertuples():
            tint = {"escalation": "pg-tint-war", "war_end": "pg-tint-ok",
                    "violation": "pg-tint-russia" if r.actor == RUSSIA else "pg-tint-ukraine"}.get(
                r.kind, "pg-tint-ukraine" if r.lane.startswith("Ukraine") else "")
            names = ", ".join(g[0] for g in r.group) if r.kind == "response" and r.states > 1 else ""
            why = r.why if (r.kind, r.clause) in CLAUSE_REASONS else ""
            out.append([int(r.week), story.date_of(int(r.week)), r.lane, kind_info(r.kind).label, r.who, r.text,
                        r.clause, clause_title(r.clause, r.why), why, tint, names, int(r.seq)])
        story.cache["event_rows"] = out
    return story.cache["event_rows"]


# --------------------------------------------------------------------------- #
# The commission's chain
# --------------------------------------------------------------------------- #
def filter_chain(chain: pd.DataFrame, actor: str = "all", level: str = "all", clause: str = "all") -> pd.DataFrame:
    out = chain
    if actor != "all":
        out = out[out["actor"] == {"false alarms": NOBODY}.get(actor, actor)]
    if level != "all":
        out = out[out["level"] == level]
    if clause != "all":
        out = out[out["clauses"].map(lambda cs: clause in cs)]
    return out


def _stage(week: Any, text: str) -> str:
    if week is None or (isinstance(week, float) and math.isnan(week)):
        return f'<span class="pg-small">{e(text)}</span>' if text else '<span class="pg-small">-</span>'
    return f"<b>wk {int(week)}</b> {e(text)}"


def chain_rows_html(rows: pd.DataFrame, commission: bool = True) -> str:
    body = []
    for r in rows.itertuples():
        tint = {"answered": "pg-tint-ok", "misattributed": "pg-tint-ukraine",
                "false alarm": "pg-tint-ukraine"}.get(r.status, "pg-tint-russia" if r.actor == RUSSIA else "")
        who = "false alarm" if r.actor == NOBODY else f"{r.level} by {r.actor}"
        vweek = r.violation_week if r.actor != NOBODY else None
        chips = " ".join(clause_chip(c) for c in r.clauses)
        notes = f'<div class="pg-small">{e(r.notes)}</div>' if r.notes else ""
        body.append(
            f'<tr class="chain-row {tint}" data-status="{e(r.status)}" data-actor="{e(r.actor)}">'
            f'<td>{_stage(vweek, who)}<div class="pg-small">{e(r.violation.partition(": ")[2] or r.violation)}</div></td>'
            f'<td>{_stage(r.detected_week, r.detected)}</td><td>{_stage(r.attributed_week, r.attribution)}</td>'
            f'<td>{_stage(r.decided_week, r.decision)}</td><td>{_stage(r.responded_week, r.response)}{notes}</td>'
            f'<td><b>{e(r.status)}</b><div>{chips}</div></td></tr>')
    if not body:
        body.append('<tr><td colspan="6">None up to this week with these filters.</td></tr>')
    named, decided = (("Attributed (G1 commission)", "Decided (G1 commission)") if commission else
                      ("Named (no commission)", "Decided (states, ad hoc)"))
    return ('<div class="pg-scroll"><table class="pg-table chain-table"><thead><tr><th>Violation</th>'
            f'<th>Detected (G1)</th><th>{named}</th><th>{decided}</th><th>Responded (G4)</th>'
            f'<th>Outcome</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def chain_summary(chain: pd.DataFrame) -> str:
    r = chain[chain["actor"] == RUSSIA]
    u = chain[chain["actor"] == UKRAINE]
    fa = chain[chain["actor"] == NOBODY]
    blamed_u = int((r["attributed_to"] == UKRAINE).sum())
    blamed_r = int((u["attributed_to"] == RUSSIA).sum())
    return (f"Russia: {len(r)} violations, {int(r['detected_week'].notna().sum())} detected, "
            f"{int((r['attributed_to'] == RUSSIA).sum())} attributed to Russia, {blamed_u} blamed on Ukraine, "
            f"{int((r['states'] > 0).sum())} answered by states. Ukraine: {len(u)} violations "
            f"({int(u['detected_week'].notna().sum())} detected, {blamed_r} blamed on Russia). "
            f"False alarms: {len(fa)} ({int((fa['attributed_to'] == RUSSIA).sum())} blamed on Russia).")


UKRAINE_EXPLAINED = (
    "Ukraine's units also break the ceasefire now and then, more often just after Russia probes (a modelling "
    "assumption). Monitoring reports them, and reports can name the wrong party. When the commission blames "
    "Ukraine for what Russia did (a misattribution, listed here too), Russia goes unpunished for it and learns "
    "that violating is cheap; when it blames Russia for Ukraine's act or for a false alarm, the coalition "
    "answers a violation Russia did not commit. These cases sit here, apart from Russia's ladder; the ladder "
    "chart shows Russia's own actions only.")


# --------------------------------------------------------------------------- #
# Coalition tiles, the force and the design card
# --------------------------------------------------------------------------- #
def us_roles_held(roles: str, force: bool) -> str:
    """'monitoring lead (G1), intelligence sharing (G5)': the US roles at a week (the step column
    us_roles); support to the force only where the design has a force."""
    held = [] if roles in ("none", "") else [r for r in roles.split("+") if r != "pledge"]
    if not force:
        held = [r for r in held if r != "force"]
    return ", ".join(US_ROLE_WORDS.get(r, r) for r in held) or "none"


def _chips(m: Member, week: int) -> str:
    counts = m.counts_at(week)
    dropped = m.dropped_at(week)
    out = []
    for t in RESPONSE_TYPES:
        n = counts.get(t, 0)
        letter = RESPONSE_LETTERS[t]
        if not n:
            out.append(f'<span class="resp-chip off" title="{t}: never activated by week {week}">{letter}</span>')
        elif dropped is not None:  # answered before its pledge was dropped: history, not a commitment
            out.append(f'<span class="resp-chip past" title="{t}: activated {n} time(s) before the pledge was '
                       f'dropped in week {dropped}">{letter}{n}</span>')
        else:
            out.append(f'<span class="resp-chip on" title="{t}: activated {n} time(s) by week {week}">{letter}{n}</span>')
    return "".join(out)


def tiles_html(members: Iterable[Member], week: int, us_roles: str | None = None, force: bool = True) -> str:
    """One tile a state: legal status at ``week`` (G0), responses so far (G4), changes of government.

    ``us_roles``: the US roles held at ``week`` (the step column us_roles), shown on the US tile;
    ``force``: whether the design has a force (else no 'support to the force' role is shown)."""
    cells = []
    for m in members:
        status = m.status_at(week)
        colour, meaning = STATUS_COLOURS.get(status, ("#9e9e9e", status))
        region = "European" if m.european else "non-European"
        extra = ""
        changes = m.governments_at(week)
        if changes:
            what = "; ".join(f"week {w}: {text}" for w, text in changes)
            n = len(changes)
            extra += (f'<div class="gov" title="{e(what)}">&#8635; {n} new government{"s" if n > 1 else ""} '
                      f'(latest: week {changes[-1][0]})</div>')
        if m.dropped_at(week) is not None and any(m.counts_at(week).values()):
            extra += f'<div class="gov">responses before the drop (week {m.dropped_at(week)})</div>'
        if us_roles is not None and m.name == "United States":
            extra += (f'<div class="gov us-roles" title="US roles held at week {week}">roles: '
                      f'{e(us_roles_held(us_roles, force))}</div>')
        cells.append(
            f'<div class="member-tile" data-status="{status}" title="{e(m.name)} ({region}): {e(meaning)}" '
            f'style="border-left:6px solid {colour}"><div class="name">{e(m.name)}</div>'
            f'<div class="status"><span class="dot" style="background:{colour}"></span>{status}</div>'
            f'<div>{_chips(m, week)}</div>{extra}</div>')
    legend = " · ".join(f'<span style="border-left:6px solid {c};padding-left:4px">{s}: {e(m)}</span>'
                        for s, (c, m) in STATUS_COLOURS.items())
    letters = ", ".join(f"{v} {k}" for k, v in RESPONSE_LETTERS.items())
    return (f'<div class="member-grid">{"".join(cells)}</div>'
            f'<div class="pg-small tiles-legend" style="margin-top:4px">Legal status at week {week} (G0): {legend}<br>'
            f'Responses (G4), each chip a letter and how many times: {letters}. Filled: activated; outlined brown: '
            f'activated before the state dropped its pledge; dashed: never. &#8635;: changes of government so far '
            f'(hover for the elections); a new, less supportive government may drop a political pledge, never a '
            f'ratified one.</div>')


def force_html(story: Story, week: int) -> str:
    """The Multinational Force by nation (G3): contributions, basing, deployed at ``week``, struck."""
    s = story.scenario
    if not s.force.enabled or story.force.empty or story.force[["troops", "aircraft", "ships"]].to_numpy().sum() == 0:
        return '<div class="force-table pg-small">No Multinational Force in this design (G3).</div>'
    share = story.deployed_share(week)
    phase = str(story.steps.at[week, "force_phase"]).replace("_", " ") if "force_phase" in story.steps else ""
    roles = str(story.steps.at[week, "us_roles"]) if "us_roles" in story.steps else ""
    us = ("US support to the force (G3): yes" if "force" in roles.split("+") else
          "US support to the force (G3): no")
    rows = []
    for r in story.force.itertuples():
        struck = r.struck_week is not None and not (isinstance(r.struck_week, float) and math.isnan(r.struck_week)) \
            and int(r.struck_week) <= week
        gone = bool(pd.notna(r.withdrawn_week)) and r.withdrawn_week <= week
        deployed = 0 if gone else int(round(r.sent * share))
        asked = story.steps["force_phase"].iloc[: week + 1].ne("not_requested").any() if "force_phase" in \
            story.steps else True
        sent = (f"withdrawn (week {int(r.withdrawn_week)})" if gone else f"{r.sent:,}" if r.sent else "declined") \
            if asked and (share > 0 or gone) else "-"
        hit = f"week {int(r.struck_week)} ({story.date_of(int(r.struck_week))})" if struck else ""
        lead = " (lead)" if r.lead else ""
        rows.append(f'<tr class="force-row{" pg-tint-struck" if struck else ""}" data-struck="{int(struck)}">'
                    f'<td>{e(r.nation)}{lead}</td><td class="num">{r.troops:,}</td><td class="num">{sent}</td>'
                    f'<td class="num">{deployed:,}</td>'
                    f'<td class="num">{r.aircraft}</td><td class="num">{r.ships}</td><td>{e(r.basing)}</td>'
                    f'<td>{e(hit)}</td></tr>')
    f = story.force
    sent_now = int(f.loc[story.in_force(week), "sent"].sum())
    rows.append(f'<tr><td><b>All</b></td><td class="num"><b>{int(f.troops.sum()):,}</b></td>'
                f'<td class="num"><b>{sent_now if share > 0 else 0:,}</b></td>'
                f'<td class="num"><b>{int(round(sent_now * share)):,}</b></td>'
                f'<td class="num"><b>{int(f.aircraft.sum())}</b></td><td class="num"><b>{int(f.ships.sum())}</b></td>'
                f'<td></td><td></td></tr>')
    return (f'<div class="pg-small force-summary">Posture: {e(s.force.posture)}, size x{s.force.size:g} of the '
            f'contributions; at {e(week_label(story, week))} the force is {e(phase)}, {share:.0%} of its troops deployed; '
            f'{us}.</div><div class="pg-scroll" style="max-height:360px"><table class="pg-table force-table">'
            f'<thead><tr><th>Nation</th><th>Troops (contribution)</th><th>Troops sent</th><th>Troops deployed</th>'
            f'<th>Combat aircraft</th>'
            f'<th>Ships</th><th>Basing</th><th>Struck (tripwire)</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table></div><div class="pg-small">Contributions from public pledges and reports, read at '
            f'{s.force.contribution_level:g} of each nation\'s low-high range (0 low, 1 high), times the force '
            f'size; each nation decides to send its contingent when Ukraine asks for the force, and reviews it at its '
            f'elections and if the US support is withdrawn. An attack strikes troops forward for certain and at rear '
            f'hubs in Ukraine sometimes; a struck nation\'s resolve rises, its allies\' less (the tripwire rally).</div>')


def design_card_html(rows_a: list[dict], rows_b: list[dict] | None, label_a: str, label_b: str | None) -> str:
    head = f"<th>Lever</th><th>{e(label_a)}</th>" + (f"<th>{e(label_b)}</th>" if label_b else "") + "<th>Clauses</th>"
    body = []
    for i, r in enumerate(rows_a):
        mark = ' <span class="pg-changed">(your change)</span>' if r["changed"] else ""
        other = f"<td>{e(rows_b[i]['value'])}</td>" if rows_b else ""
        chips = "".join(clause_chip(c) for c in r["clauses"])
        body.append(f'<tr><td>{e(r["lever"])}</td><td><b>{e(r["value"])}</b>{mark}</td>{other}'
                    f'<td class="lever-clauses">{chips}</td></tr>')
    return f'<table class="pg-table design-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def glossary_html(extra: dict[str, str] | None = None) -> str:
    terms = {**GLOSSARY, **(extra or {})}
    rows = "".join(f"<tr><td><b>{e(k)}</b></td><td>{e(v)}</td></tr>" for k, v in terms.items())
    return f'<table class="pg-table glossary">{rows}</table>'


def clause_legend_html() -> str:
    rows = "".join(f"<tr><td>{clause_chip(c.value)}</td><td><b>{e(c.title)}</b><br>"
                   f'<span class="pg-small">{e(c.digest)}</span></td></tr>' for c in Clause)
    return f'<table class="pg-table clause-legend">{rows}</table>'


def table_html(rows: list[dict[str, str]], cls: str) -> str:
    head = "".join(f"<th>{e(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in r.values()) + "</tr>" for r in rows)
    return f'<table class="pg-table {cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
