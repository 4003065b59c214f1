"""What the story page shows, as pure functions of the model.

Data builders (``*_data``) read the DataCollector's ``model_vars`` and the event log
and return plain lists/dicts; figure builders return matplotlib ``Figure``s (no
pyplot: nothing global, nothing to close); HTML builders return strings; the thin
Solara components at the bottom put them on the page. Everything is rebuilt from
what the model already keeps, so a step costs one figure render.
"""

from __future__ import annotations

import html
from typing import Any

import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from sim.clauses import Clause
from sim.ladder import LEVEL_NAMES, RESPONSE_TYPES

LEVEL_INDEX = {name: i for i, name in enumerate(LEVEL_NAMES)}  # comply 0 .. major 3

# Ladder-chart markers: kind -> (label, marker, colour, offset above the level line).
MARKERS: dict[str, tuple[str, str, str, float]] = {
    "detection": ("detected (G1 monitoring)", "^", "#1f77b4", 0.12),
    "attribution": ("attributed (G1 commission)", "D", "#9467bd", 0.24),
    "decision": ("commission decision (G1)", "s", "#ff7f0e", 0.36),
    "response": ("member responses (G4)", "*", "#2ca02c", 0.48),
}

KIND_LABELS = {
    "violation": "Violation",
    "detection": "Detected",
    "false_alarm": "False alarm",
    "attribution": "Attribution",
    "decision": "Commission decision",
    "response": "Response",
    "corrective_measure": "Corrective measure",
    "ratification": "Ratification",
    "request": "Force requested",
    "deployment": "Force deployment",
    "escalation": "ESCALATION",
    "surge": "Stockpile surge",
    "war_end": "War ends",
}
KIND_COLOURS = {"violation": "#fdecea", "escalation": "#f8c4c0", "war_end": "#e3f2e1",
                "response": "#eef6ec", "decision": "#fff3e0", "attribution": "#f3e5f5",
                "detection": "#e8f1fb", "false_alarm": "#fff8e1"}

STATUS_COLOURS = {  # ratification status (G0) -> (background, text)
    "ratified": ("#2e7d32", "legally binding (ratified)"),
    "pending": ("#f9a825", "ratification pending: political for now"),
    "political": ("#757575", "political commitment only (not put to parliament)"),
    "failed": ("#c62828", "ratification failed: stays political"),
}
RESPONSE_LETTERS = {"diplomacy": "D", "sanctions": "S", "intelligence": "I", "logistics": "L", "military": "M"}
FORCE_PHASES = ("not_requested", "requested", "deploying", "deployed")
EVENT_LOG_LIMIT = 200


# --------------------------------------------------------------------------- #
# Text
# --------------------------------------------------------------------------- #
def design_of(model: Any) -> Any:
    """The model's Scenario (``scenario_config``: Mesa >= 3.5 reserves ``Model.scenario``)."""
    return model.scenario_config


def week_text(model: Any) -> str:
    """The week counter (our own: Mesa's step label differs between versions)."""
    if model.week == 0:
        return f"Week 0 of {model.horizon}: the ceasefire enters into force (G0). Press Step."
    state = "renewed war" if model.at_war else "ceasefire holds"
    if model.escalation_week is not None and not model.at_war:
        state = f"escalated in week {model.escalation_week}, war over"
    return f"Week {model.week} of {model.horizon}: {state}"


def clause_tooltip(clause_id: str) -> str:
    try:
        c = Clause(clause_id)
    except ValueError:
        return clause_id
    return f"{c.value} - {c.title}: {c.digest}"


def describe_event(row: tuple) -> str:
    """What happened, in one line: kind, level, detail."""
    _, kind, _, level, _, detail = row
    label = KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())
    return f"{label} ({level}): {detail}" if level else f"{label}: {detail}"


def event_log_rows(rows: list[tuple], limit: int = EVENT_LOG_LIMIT, kinds: set[str] | None = None) -> list[dict]:
    """Newest first, at most ``limit``: week, actor, what happened, clause id and its meaning."""
    out = []
    for row in reversed(rows):
        if kinds is not None and row[1] not in kinds:
            continue
        week, kind, actor, _, clause, _ = row
        out.append({"week": int(week), "kind": kind, "actor": actor, "what": describe_event(row),
                    "clause": clause, "clause_help": clause_tooltip(clause)})
        if len(out) >= limit:
            break
    return out


def event_log_html(rows: list[dict], total: int) -> str:
    e = html.escape
    body = []
    for r in rows:
        bg = KIND_COLOURS.get(r["kind"], "#ffffff")
        body.append(
            f'<tr style="background:{bg}"><td style="text-align:right">{r["week"]}</td>'
            f'<td>{e(r["actor"])}</td><td>{e(r["what"])}</td>'
            f'<td><span class="clause-chip" title="{e(r["clause_help"])}">{e(r["clause"])}</span></td></tr>')
    if not body:
        body.append('<tr><td colspan="4" style="color:#666">No events yet: press Step.</td></tr>')
    shown = f"newest first; the latest {len(rows)} of {total}" if total > len(rows) else "newest first"
    return (
        '<div class="event-log" style="max-height:430px;overflow:auto;border:1px solid #ddd">'
        '<table style="border-collapse:collapse;width:100%;font-size:13px;color:#222">'
        '<thead style="position:sticky;top:0;background:#f5f5f5"><tr>'
        '<th style="text-align:right;padding:2px 6px">Week</th><th style="text-align:left">Actor</th>'
        '<th style="text-align:left">What happened</th>'
        '<th title="Clause of the Paris Declaration that acted (hover for its text)">Clause</th>'
        f'</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
        f'<div style="font-size:12px;color:#555">Event log, {shown}. Hover a clause id for its text.</div>')


CLAUSE_CSS = (
    "<style>.clause-chip{display:inline-block;min-width:1.6em;padding:0 4px;border-radius:4px;"
    "background:#1565c0;color:#fff;font-weight:600;text-align:center;cursor:help}"
    ".event-log td{padding:2px 6px;border-bottom:1px solid #eee;vertical-align:top}</style>")


def clause_legend_html() -> str:
    rows = "".join(
        f'<tr><td><span class="clause-chip" title="{html.escape(c.digest)}">{c.value}</span></td>'
        f'<td><b>{html.escape(c.title)}</b><br><span style="font-size:12px">{html.escape(c.digest)}</span></td></tr>'
        for c in Clause)
    return (f'{CLAUSE_CSS}<table class="clause-legend" style="font-size:13px;color:#222;border-collapse:collapse">'
            f'{rows}</table>')


# --------------------------------------------------------------------------- #
# Coalition tiles
# --------------------------------------------------------------------------- #
def tile_status(member: Any) -> dict:
    """One member's tile: name, ratification status (G0), responses activated (G4)."""
    status = member.ratification_status
    colour, meaning = STATUS_COLOURS.get(status, ("#757575", status))
    responses = member.responses
    return {"name": member.name, "status": status, "colour": colour, "meaning": meaning,
            "european": bool(member.is_european),
            "activated": [t for t in RESPONSE_TYPES if responses.get(t, 0) > 0],
            "counts": {t: int(responses.get(t, 0)) for t in RESPONSE_TYPES}}


def coalition_tiles(model: Any) -> list[dict]:
    """A tile per member, the US last."""
    return [tile_status(m) for m in model.members] + [tile_status(model.united_states)]


def tiles_html(tiles: list[dict]) -> str:
    e = html.escape
    cells = []
    for t in tiles:
        chips = "".join(
            f'<span title="{r}: activated {t["counts"][r]} time(s)" style="display:inline-block;width:17px;'
            f'margin:1px;border-radius:3px;text-align:center;font-size:11px;'
            + ("background:#2e7d32;color:#fff;font-weight:700" if t["counts"][r] else "background:#e0e0e0;color:#9e9e9e")
            + f'">{RESPONSE_LETTERS[r]}</span>'
            for r in RESPONSE_TYPES)
        region = "European" if t["european"] else "non-European"
        cells.append(
            f'<div class="member-tile" data-status="{t["status"]}" title="{e(t["name"])} ({region}): {e(t["meaning"])}"'
            f' style="border:1px solid #ccc;border-left:6px solid {t["colour"]};border-radius:4px;padding:3px 5px;'
            f'background:#fff;color:#222">'
            f'<div style="font-size:12px;font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis">'
            f'{e(t["name"])}</div>'
            f'<div style="font-size:11px;color:{t["colour"]};font-weight:600">{t["status"]}</div>'
            f'<div>{chips}</div></div>')
    legend = " ".join(
        f'<span style="border-left:6px solid {c};padding-left:4px;margin-right:10px">{s}: {html.escape(m)}</span>'
        for s, (c, m) in STATUS_COLOURS.items())
    letters = ", ".join(f"{v} {k}" for k, v in RESPONSE_LETTERS.items())
    return (
        '<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(118px,1fr));gap:5px">'
        f'{"".join(cells)}</div>'
        f'<div style="font-size:12px;color:#444;margin-top:4px">Status (G0): {legend}<br>'
        f'Pledged responses (G4), green when activated at least once: {letters}. Hover a tile or letter.</div>')


# --------------------------------------------------------------------------- #
# Chart data
# --------------------------------------------------------------------------- #
def series(model: Any, name: str) -> tuple[list[int], list]:
    """(weeks, values) of a DataCollector model reporter (collected once a week)."""
    values = list(model.datacollector.model_vars.get(name, []))
    return list(range(len(values))), values


def ladder_data(model: Any) -> dict:
    """Russia's weekly action (0-3) and marker positions for the chain from detection to response."""
    weeks, levels = series(model, "escalation_level")
    markers: dict[str, tuple[list[int], list[int]]] = {k: ([], []) for k in MARKERS}
    seen = set()
    for week, kind, _, level, _, _ in model.events.rows:
        if kind in markers and level in LEVEL_INDEX and (week, kind, level) not in seen:
            seen.add((week, kind, level))
            markers[kind][0].append(int(week))
            markers[kind][1].append(LEVEL_INDEX[level])
    return {"weeks": weeks, "levels": [int(v) for v in levels], "markers": markers,
            "escalation_week": model.escalation_week}


def credibility_data(model: Any) -> dict:
    weeks, _ = series(model, "credibility_probe")
    return {"weeks": weeks, **{lvl: series(model, f"credibility_{lvl}")[1] for lvl in ("probe", "limited", "major")}}


def balance_data(model: Any) -> dict:
    weeks, ru = series(model, "russia_strength")
    return {"weeks": weeks, "russia_strength": ru, "ukraine_defence": series(model, "ukraine_defence")[1],
            "at_war": series(model, "at_war")[1]}


def force_data(model: Any) -> dict:
    weeks, phase = series(model, "force_phase")
    return {"weeks": weeks, "phase": [FORCE_PHASES.index(p) if p in FORCE_PHASES else 0 for p in phase],
            "strength": series(model, "force_strength")[1], "enabled": bool(design_of(model).force.enabled)}


# --------------------------------------------------------------------------- #
# Figures
# --------------------------------------------------------------------------- #
def _xlim(ax, weeks: list[int]) -> None:
    ax.set_xlim(0, max(10, (weeks[-1] if weeks else 0) + 1))
    ax.set_xlabel("week after the ceasefire")
    ax.grid(alpha=0.3)


def _empty_note(ax, weeks: list[int]) -> None:
    if not weeks:
        ax.text(0.5, 0.5, "no weeks yet: press Step", transform=ax.transAxes, ha="center", va="center",
                color="#666")


def draw_ladder(ax, data: dict) -> None:
    w = data["weeks"]
    if w:
        ax.step(w, data["levels"], where="post", color="#b71c1c", lw=1.8, label="Russia's action")
        ax.plot(w, data["levels"], ".", color="#b71c1c", ms=3)
    for kind, (label, marker, colour, dy) in MARKERS.items():
        xs, ys = data["markers"][kind]
        if xs:
            ax.scatter(xs, [y + dy for y in ys], marker=marker, color=colour, s=36, label=label, zorder=3)
    if data["escalation_week"] is not None:
        ax.axvline(data["escalation_week"], color="#b71c1c", ls="--", lw=1, label="escalation (G4 called on)")
    ax.set_yticks(range(4), LEVEL_NAMES)
    ax.set_ylim(-0.3, 3.7)
    ax.set_title("Russia's action on the escalation ladder, with the G1-G4 chain")
    _xlim(ax, w)
    _empty_note(ax, w)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8, ncol=3, frameon=False)


def draw_credibility(ax, data: dict) -> None:
    w = data["weeks"]
    for lvl, colour in (("probe", "#90caf9"), ("limited", "#1e88e5"), ("major", "#0d47a1")):
        ax.plot(w, data[lvl], color=colour, lw=1.8, label=f"if {lvl}")
    ax.set_ylim(0, 1)
    ax.set_ylabel("believed share of\npledged power acting")
    ax.set_title("Russia's believed coalition resolve, per level")
    _xlim(ax, w)
    _empty_note(ax, w)
    ax.legend(loc="upper right", fontsize=8)


def draw_balance(ax, data: dict) -> None:
    w = data["weeks"]
    ax.plot(w, data["ukraine_defence"], color="#1565c0", lw=1.8, label="Ukraine's effective defence (P1, G2)")
    ax.plot(w, data["russia_strength"], color="#b71c1c", lw=1.8, label="Russia's strength")
    war = [i for i, x in zip(w, data["at_war"]) if x]
    if war:
        ax.scatter(war, [0.02] * len(war), marker="|", color="#b71c1c", transform=ax.get_xaxis_transform(),
                   label="weeks of renewed war")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("strength units")
    ax.set_title("Ukraine's defence against Russia's strength")
    _xlim(ax, w)
    _empty_note(ax, w)
    ax.legend(loc="lower right", fontsize=8)


def draw_force(ax, data: dict) -> None:
    w = data["weeks"]
    ax.plot(w, data["strength"], color="#2e7d32", lw=1.8, label="force strength (all domains)")
    ax.set_ylabel("strength units")
    ax.set_ylim(bottom=0, top=max([0.5, *data["strength"]]) * 1.15)
    ax2 = ax.twinx()
    ax2.step(w, data["phase"], where="post", color="#6d4c41", lw=1.2, ls="--", label="phase")
    ax2.set_yticks(range(4), [p.replace("_", " ") for p in FORCE_PHASES], fontsize=8)
    ax2.set_ylim(-0.2, 3.4)
    title = "Multinational Force (G3): phase and strength"
    if not data["enabled"]:
        title += " (no force in this design)"
    ax.set_title(title)
    _xlim(ax, w)
    _empty_note(ax, w)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8)


def story_figure(model: Any) -> Figure:
    """The week-by-week story: ladder, beliefs, balance of strength, the force (2 x 2)."""
    fig = Figure(figsize=(13, 7.8), dpi=80)  # fixed margins: constrained layout doubles the render time
    fig.subplots_adjust(left=0.07, right=0.92, top=0.95, bottom=0.13, hspace=0.55, wspace=0.28)
    axes = fig.subplots(2, 2)
    draw_ladder(axes[0, 0], ladder_data(model))
    draw_credibility(axes[0, 1], credibility_data(model))
    draw_balance(axes[1, 0], balance_data(model))
    draw_force(axes[1, 1], force_data(model))
    return fig


def design_html(rows: list[dict]) -> str:
    cells = "".join(
        f'<tr><td>{html.escape(r["lever"])}</td><td><b>{html.escape(_fmt(r["value"]))}</b>'
        + (' <span style="color:#c62828">(your change)</span>' if r["changed"] else "")
        + f'</td><td><span class="clause-chip" title="{html.escape(clause_tooltip(r["clause"]))}">'
        f'{r["clause"]}</span></td></tr>'
        for r in rows)
    return f'<table style="font-size:13px;color:#222">{cells}</table>'


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v).replace("_", " ")


# --------------------------------------------------------------------------- #
# Solara components
# --------------------------------------------------------------------------- #
# Each reads Mesa's ``update_counter``: Step mutates the model in place, so the
# ``model`` prop does not change and a component must subscribe to re-render.
@solara.component
def WeekCounter(model: Any):
    update_counter.get()
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(week_text(model)),
                classes=["week-counter"], style={"font-size": "20px", "font-weight": "600"})


@solara.component
def ConfigMessage(model: Any):
    update_counter.get()
    if getattr(model, "config_error", None):
        solara.Error(f"This combination is not allowed: {model.config_error}. The page runs "
                     f"'{design_of(model).name}' without your changes until you fix the levers and press Reset.",
                     text=True, dense=True, outlined=True, classes=["config-error"])


@solara.component
def StoryChart(model: Any):
    update_counter.get()
    n = len(model.datacollector.model_vars.get("escalation_level", []))
    fig = solara.use_memo(lambda: story_figure(model), dependencies=[id(model), n])
    solara.FigureMatplotlib(fig, format="png", dependencies=[id(model), n])


@solara.component
def CoalitionTiles(model: Any):
    update_counter.get()
    solara.HTML(tag="div", unsafe_innerHTML=tiles_html(coalition_tiles(model)))


@solara.component
def EventLog(model: Any):
    update_counter.get()
    rows = event_log_rows(model.events.rows)
    solara.HTML(tag="div", unsafe_innerHTML=CLAUSE_CSS + event_log_html(rows, len(model.events.rows)))


@solara.component
def ClauseLegend():
    solara.HTML(tag="div", unsafe_innerHTML=clause_legend_html())
