"""Chart options for ECharts (drawn in the browser; solara-assets serves ECharts offline).

Pure functions: stories in, an ECharts ``option`` dict out. A story chart carries the
whole run once; the browser shows it up to the week the player broadcasts
(``echarts.vue``: ``pgData``, ``pgBand``, ``pgAreas``, ``pgMarks``, ``pgCursor``), so
Play and the week slider redraw without asking the server. Your design is drawn
solid, the reference dashed in the same colour; the lines are named at their ends,
and every chart has a text alternative (``aria``). Colours of text, axes and grid
follow light or dark mode.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.dashboard.story import NOT_CHARTED, SERIES, Story, series_info
from sim.dashboard.words import INTENT_LANE, INTENTS, WARNING_LANE, kind_info, timeline_lanes

YOURS, REFERENCE = "your design", "reference"
NOT_DRAWN = ("coordination", "assessment")  # listed in the log and told in the Why tab, not timeline markers
# Believed resolve per level: hues far apart (orange, teal, indigo), each line named at its end.
LEVEL_COLOURS = {"probe": "#e65100", "limited": "#00897b", "major": "#3949ab"}
LEVEL_COLOURS_DARK = {"probe": "#ffb74d", "limited": "#4db6ac", "major": "#9fa8da"}
WARNING_COLOUR = "#0288d1"


def chain_marks_spec(commission: bool) -> tuple[tuple[str, str, str, str, float], ...]:
    """Chain stage -> (label, symbol, colour, offset above the level) on the ladder. Without a
    commission nobody attributes: an attack is named by itself and states decide ad hoc."""
    named = ("attributed or cleared (G1 commission)" if commission else "named: self-evident (no commission)")
    decided = "measures decided (G1 commission)" if commission else "states decided ad hoc (no commission)"
    return (
        ("detected_week", "detected (G1 monitoring)", "triangle", "#1e88e5", 0.15),
        ("attributed_week", named, "diamond", "#8e24aa", 0.3),
        ("decided_week", decided, "rect", "#ef6c00", 0.45),
        ("responded_week", "states responded (G4)", "circle", "#43a047", 0.6),
    )


def theme(dark: bool) -> dict[str, str]:
    if dark:
        return {"fg": "#eceff1", "muted": "#b0bec5", "grid": "#455a64", "axis": "#90a4ae", "tip": "#263238",
                "red": "#ef5350", "blue": "#64b5f6", "green": "#81c784", "brown": "#bcaaa4",
                "war": "rgba(239,83,80,0.18)"}
    return {"fg": "#212121", "muted": "#546e7a", "grid": "#e0e0e0", "axis": "#757575", "tip": "#ffffff",
            "red": "#c62828", "blue": "#1565c0", "green": "#2e7d32", "brown": "#6d4c41",
            "war": "rgba(198,40,40,0.10)"}


def _r(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, 4)
    return v


def base(title: str, subtitle: str, dark: bool, horizon: int, y: dict, *, legend: bool = True,
         description: str = "") -> dict:
    t = theme(dark)
    axis = {"axisLine": {"lineStyle": {"color": t["axis"]}}, "axisLabel": {"color": t["fg"]},
            "splitLine": {"lineStyle": {"color": t["grid"]}}, "nameTextStyle": {"color": t["fg"]}}
    return {
        "animation": False,
        "backgroundColor": "transparent",
        "textStyle": {"color": t["fg"]},
        "aria": {"enabled": True, "label": {"description": description or f"{title}. {subtitle}"}},
        "title": {"text": title, "subtext": subtitle, "left": 4, "top": 0,
                  "textStyle": {"color": t["fg"], "fontSize": 14, "fontWeight": 600},
                  "subtextStyle": {"color": t["muted"], "fontSize": 11}},
        # the legend has its own band above the plot: it never covers the data; its line icons are
        # long enough to show a dashed line as dashed
        "legend": {"show": legend, "type": "scroll", "top": 40, "left": 4, "right": 4,
                   "textStyle": {"color": t["fg"], "fontSize": 11}, "itemWidth": 34, "itemHeight": 10,
                   "pageTextStyle": {"color": t["fg"]}},
        "grid": {"left": 58, "right": 20, "top": 84 if legend else 52, "bottom": 40},
        "tooltip": {"trigger": "axis", "backgroundColor": t["tip"], "borderColor": t["grid"],
                    "textStyle": {"color": t["fg"], "fontSize": 12}, "confine": True},
        "xAxis": {"type": "value", "min": 0, "max": max(1, horizon - 1), "name": "week after the ceasefire",
                  "nameLocation": "middle", "nameGap": 24, **axis},
        "yAxis": {**axis, **y},
    }


def _line(name: str, data: list, colour: str, *, dashed: bool = False, step: bool = False,
          width: float = 2.0, clip: bool = True) -> dict:
    """A line; ``clip``: its data is the whole run (``pgData``), shown up to the week in the browser."""
    return {"type": "line", "name": name, "showSymbol": False, "step": "end" if step else False,
            ("pgData" if clip else "data"): data, "itemStyle": {"color": colour},
            "lineStyle": {"color": colour, "width": width if not dashed else width * 0.8,
                          "type": "dashed" if dashed else "solid", "opacity": 0.85 if dashed else 1.0},
            "emphasis": {"disabled": True}, "z": 2 if dashed else 3}


def points(story: Story, column: str) -> list[list]:
    """[[week, value], ...] of a step column, built once per story."""
    cache = story.cache.setdefault("points", {})
    if column not in cache:
        cache[column] = [[int(w), _r(v)] for w, v in zip(story.steps.index, story.steps[column].tolist())]
    return cache[column]


def cursor(dark: bool) -> dict:
    """A vertical line at the week shown (set in the browser)."""
    t = theme(dark)
    return {"type": "line", "name": "week shown", "data": [], "silent": True, "pgCursor": True,
            "markLine": {"silent": True, "symbol": "none", "animation": False, "label": {"show": False},
                         "lineStyle": {"color": t["muted"], "type": "solid", "width": 1}, "data": []}}


def _pairs(a: Story, b: Story | None) -> list[tuple[Story, str, bool]]:
    return [(a, YOURS, False)] + ([(b, REFERENCE, True)] if b is not None else [])


def war_areas(story: Story) -> list[list]:
    """[[first week at war, first week after it (None: to the end)], ...]."""
    if "at_war" not in story.steps.columns:
        return []
    areas, start = [], None
    for w, flag in story.steps["at_war"].astype(bool).items():
        if flag and start is None:
            start = int(w)
        if not flag and start is not None:
            areas.append([start, int(w)])
            start = None
    if start is not None:
        areas.append([start, None])
    return areas


def _story_option(opt: dict, story: Story, series: list[dict], dark: bool, legend: list[str] | None = None) -> dict:
    """Finish a story chart: the cursor, the legend (cursor and guides left out), the browser's week data."""
    series.append(cursor(dark))
    opt["series"] = series
    opt["legend"]["data"] = legend if legend is not None else [
        s["name"] for s in series if s["name"] not in ("week shown", "levels", "political events")]
    opt["pg"] = {"last": story.last_week, "dates": story.dates()}
    return opt


def outcome_words(story: Story) -> str:
    """'11 probes, no limited offensive, a renewed armed attack in week 120' (the run's record)."""
    r = story.run
    probes, limited = int(r.get("violations_probe", 0)), int(r.get("violations_limited", 0))
    parts = [f"{probes} probe{'s' if probes != 1 else ''}",
             "no limited offensive" if not limited else f"{limited} limited offensive{'s' if limited > 1 else ''}"]
    parts.append(f"a renewed armed attack in week {story.escalation_week}" if story.escalation_week is not None
                 else "no renewed armed attack")
    return ", ".join(parts)


def about_run(a: Story, b: Story | None) -> str:
    """The run a chart shows, for its text alternative."""
    text = f"Simulated run with seed {a.seed}. Your design ({a.label}): {outcome_words(a)}."
    if b is not None:
        text += f" Reference ({b.label}): {outcome_words(b)}."
    return text


# --------------------------------------------------------------------------- #
# Story charts
# --------------------------------------------------------------------------- #
def ladder(a: Story, b: Story | None, dark: bool) -> dict:
    """Russia's action on the ladder, with the commission's chain for Russia's violations only."""
    t = theme(dark)
    opt = base("Russia's action on the escalation ladder", "level each week; markers: what followed a violation",
               dark, a.horizon, {"type": "value", "min": -0.2, "max": 3.75, "interval": 1,
                                 "axisLabel": {"show": False}, "splitLine": {"show": False}, "name": ""},
               description="Russia's action on the escalation ladder, week by week. " + about_run(a, b))
    opt["grid"]["left"] = 62
    series = []
    for story, who, dashed in _pairs(a, b):
        series.append(_line(f"Russia's action ({who})", points(story, "escalation_level"),
                            t["red"] if not dashed else t["muted"], dashed=dashed, step=True))
    series[0]["markArea"] = {"silent": True, "itemStyle": {"color": t["war"]}, "data": []}
    series[0]["pgAreas"] = war_areas(a)
    guides = [{"yAxis": i, "label": {"formatter": name, "position": "start", "color": t["fg"]}}
              for i, name in enumerate(("comply", "probe", "limited", "major"))]
    series.append({"type": "line", "name": "levels", "data": [], "silent": True,
                   "markLine": {"silent": True, "symbol": "none", "data": guides,
                                "lineStyle": {"color": t["grid"], "type": "dotted"}}})
    for (label, symbol, colour), data in chain_marks(a).items():
        series.append({"type": "scatter", "name": label, "symbol": symbol, "symbolSize": 9,
                       "itemStyle": {"color": colour}, "pgData": data, "z": 4})
    opt = _story_option(opt, a, series, dark)
    opt["tooltip"] = {**opt["tooltip"], "trigger": "item"}
    return opt


def chain_marks(story: Story) -> dict[tuple[str, str, str], list[list]]:
    """Markers of the commission's chain for Russia's violations only (built once per run)."""
    if "chain_marks" not in story.cache:
        russia = story.chain[story.chain["actor"] == "Russia"]
        level = russia["level"].map({"probe": 1, "limited": 2, "major": 3})
        marks = {}
        for col, label, symbol, colour, dy in chain_marks_spec(story.scenario.commission.enabled):
            keep = russia[col].notna()
            marks[(label, symbol, colour)] = sorted([int(w), round(lv + dy, 2)]
                                                    for w, lv in zip(russia[col][keep], level[keep]))
        story.cache["chain_marks"] = marks
    return story.cache["chain_marks"]


def resolve(a: Story, b: Story | None, dark: bool) -> dict:
    colours = LEVEL_COLOURS_DARK if dark else LEVEL_COLOURS
    opt = base("What Russia believes about the coalition's resolve",
               "believed share of the pledged power that would act, if Russia violated at each level", dark,
               a.horizon, {"type": "value", "min": 0, "max": 1, "name": "share 0-1"},
               description="What Russia believes about the coalition's resolve, for a probe, a limited offensive "
                           "and a major attack, week by week. " + about_run(a, b))
    opt["grid"]["right"] = 64  # room for the names at the lines' ends
    series = []
    for story, who, dashed in _pairs(a, b):
        for lvl in ("probe", "limited", "major"):
            col = f"credibility_{lvl}"
            if col in story.steps.columns:
                line = _line(f"if {lvl} ({who})", points(story, col), colours[lvl], dashed=dashed)
                if not dashed:  # named at its end: the three levels are not told apart by colour alone
                    line["endLabel"] = {"show": True, "formatter": f"if {lvl}", "color": colours[lvl],
                                        "fontSize": 11, "fontWeight": 600}
                    line["labelLayout"] = {"moveOverlap": "shiftY"}
                series.append(line)
    return _story_option(opt, a, series, dark)


def balance(a: Story, b: Story | None, dark: bool) -> dict:
    t = theme(dark)
    opt = base("Ukraine's defence against Russia's strength", "strength units · red band: renewed war",
               dark, a.horizon, {"type": "value", "min": 0, "name": "strength units"},
               description="Ukraine's effective defence and Russia's strength, week by week, in strength units; "
                           "weeks of renewed war shaded. " + about_run(a, b))
    opt["grid"]["right"] = 72
    series = []
    for story, who, dashed in _pairs(a, b):
        for column, label, colour in (("ukraine_defence", "Ukraine's defence", t["blue"]),
                                      ("russia_strength", "Russia's strength", t["red"])):
            line = _line(f"{label} ({who})", points(story, column), colour, dashed=dashed)
            if not dashed:
                line["endLabel"] = {"show": True, "formatter": label.split("'")[0], "color": colour, "fontSize": 11}
            series.append(line)
    series[0]["markArea"] = {"silent": True, "itemStyle": {"color": t["war"]}, "data": []}
    series[0]["pgAreas"] = war_areas(a)
    return _story_option(opt, a, series, dark)


def force(a: Story, b: Story | None, dark: bool) -> dict:
    t = theme(dark)
    opt = base("Multinational Force (G3)", "deployed strength; lines mark its phases", dark, a.horizon,
               {"type": "value", "min": 0, "name": "strength units"},
               description="Strength of the Multinational Force deployed, week by week. " + about_run(a, b))
    series = []
    for story, who, dashed in _pairs(a, b):
        name = f"force strength ({who})" + ("" if story.scenario.force.enabled else ": no force in this design")
        series.append(_line(name, points(story, "force_strength"), t["green"], dashed=dashed))
    opt = _story_option(opt, a, series, dark)
    if "force_phase" in a.steps.columns:
        phase = a.steps["force_phase"].astype(str)
        changes = phase[phase.ne(phase.shift())].iloc[1:]
        items = [[int(w), f"{p.replace('_', ' ')} in week {int(w)}"] for w, p in changes.items()]
        series[0]["markLine"] = {"silent": True, "symbol": "none", "label": {"show": False}, "data": [],
                                 "lineStyle": {"color": t["brown"], "type": "dashed"}}
        series[0]["pgMarks"] = [[w, text] for w, text in items]
        if items:
            opt["pg"]["subtitle"] = {"head": "your design's force: ", "items": items, "tail": "",
                                     "none": "not yet requested"}
    return opt


def politics_marks(story: Story) -> list[tuple[int, str]]:
    """(week, label) of what moved the coalition or the sanctions: snapbacks, scripted shocks, US roles,
    changes of government in the US and the framework nations (built once per story)."""
    if "politics_marks" not in story.cache:
        story.cache["politics_marks"] = [(w, f"{label} ({story.date_of(w)})") for w, label in story.politics()]
    return story.cache["politics_marks"]


def sanctions(a: Story, b: Story | None, dark: bool) -> dict:
    """Sanctions on Russia (relief, snapback, G4 additions) and members' resolve, with the political
    events that move them marked by date."""
    t = theme(dark)
    opt = base("Sanctions on Russia (G4) and the coalition's resolve",
               "dashed grey lines: snapbacks, shocks, new governments in the US and the lead nations", dark,
               a.horizon, {"type": "value", "min": 0, "name": "level / share"},
               description="Sanctions level on Russia and the members' mean resolve, week by week, with political "
                           "events marked. " + about_run(a, b))
    series = []
    for story, who, dashed in _pairs(a, b):
        if "sanctions_level" in story.steps.columns:
            series.append(_line(f"sanctions level ({who})", points(story, "sanctions_level"), t["brown"],
                                dashed=dashed))
        if "mean_member_resolve" in story.steps.columns:
            series.append(_line(f"members' mean resolve ({who})", points(story, "mean_member_resolve"), t["blue"],
                                dashed=dashed))
    if not series:
        series.append({"type": "line", "name": "no sanctions data", "data": []})
    series.append({"type": "line", "name": "political events", "data": [], "silent": True,
                   "pgMarks": [[w, text] for w, text in politics_marks(a)],
                   "markLine": {"silent": True, "symbol": "none", "animation": False, "data": [],
                                "lineStyle": {"color": t["muted"], "type": "dashed", "width": 1},
                                "label": {"show": True, "formatter": "{b}", "position": "insideEndTop",
                                          "color": t["fg"], "fontSize": 10}}})
    return _story_option(opt, a, series, dark)


def bands(story: Story) -> list[tuple[str, str, str, int, int, str]]:
    """Segments of the timeline's bands (built once per story): (lane, legend name, colour, first week,
    last week, what it was): Russia's intent, named with the campaign's objective and how it ended,
    and the weeks a warning's measures were in force."""
    if "bands" not in story.cache:
        out = [(INTENT_LANE, INTENTS[c.intent][0], INTENTS[c.intent][1], c.first, c.last, c.words)
               for c in story.intent_spans()]
        if "warning_in_force" in story.steps.columns:
            values = [bool(v) for v in story.steps["warning_in_force"]]
            for first, last, _ in runs_of(values, bool):
                out.append((WARNING_LANE, "warning in force", WARNING_COLOUR, first, last,
                            "warning measures in force (G1, G5)"))
        story.cache["bands"] = out
    return story.cache["bands"]


def runs_of(values: list, keep) -> list[tuple[int, int, Any]]:
    """(first week, last week, value) of each run of equal values that ``keep`` accepts."""
    out, start = [], None
    for w, v in enumerate(values + [None]):
        if start is not None and (v != values[start] if w < len(values) else True):
            out.append((start, w - 1, values[start]))
            start = None
        if start is None and w < len(values) and keep(v):
            start = w
    return out


def timeline(a: Story, dark: bool) -> dict:
    """What monitoring saw next to what Russia did: Russia's intent as a band, one lane per actor group,
    one marker per event (each kind its own shape and colour; the key is on the page, under the chart)."""
    t = theme(dark)
    lanes = timeline_lanes(a)
    opt = base("What Russia did, what monitoring saw, who answered",
               "bands: Russia's intent and warnings in force · hover a marker for what happened", dark, a.horizon,
               {"type": "category", "data": lanes, "inverse": True, "name": "",
                "axisLabel": {"color": t["fg"], "fontSize": 11},
                "splitLine": {"show": True, "lineStyle": {"color": t["grid"]}}}, legend=False,
               description=f"Timeline of the events of your design ({a.label}) in the run with seed {a.seed}, "
                           f"one lane per actor: {', '.join(lanes)}. {len(a.events)} events. The event log below "
                           "lists them as text.")
    opt["grid"]["left"] = 150
    opt["tooltip"] = {**opt["tooltip"], "trigger": "item", "formatter": "{b}"}
    series: list[dict] = []
    groups: dict[str, dict] = {}
    for lane, name, colour, first, last, words in bands(a):
        s = groups.setdefault(name, {
            "type": "line", "name": name, "data": [], "pgBand": [], "symbol": "rect", "symbolSize": [2, 12],
            "showSymbol": True, "connectNulls": False, "itemStyle": {"color": colour},
            "lineStyle": {"color": colour, "width": 11, "cap": "butt"}, "z": 1, "emphasis": {"disabled": True}})
        s["pgBand"].append([first, last, lane, words])
    series += list(groups.values())
    for kind, data in timeline_points(a).items():
        info = kind_info(kind)
        series.append({"type": "scatter", "name": info.label, "symbol": info.symbol, "symbolSize": 9,
                       "itemStyle": {"color": info.colour, "opacity": 0.9}, "pgData": data})
    if not series:
        series.append({"type": "scatter", "name": "no events", "data": []})
    return _story_option(opt, a, series, dark, legend=[])


def timeline_points(story: Story) -> dict[str, list[dict]]:
    """Per event kind, a marker per event with what happened (built once per story)."""
    if "timeline" not in story.cache:
        out: dict[str, list[dict]] = {}
        ev = story.events[~story.events["kind"].isin(NOT_DRAWN)]
        for kind, week, lane, who, text in zip(ev["kind"], ev["week"], ev["lane"], ev["who"], ev["text"]):
            out.setdefault(kind, []).append({"value": [int(week), lane],
                                             "name": f"week {int(week)} ({story.date_of(int(week))}): {who}: {text}"})
        story.cache["timeline"] = out
    return story.cache["timeline"]


def extra_columns(story: Story) -> list[str]:
    """Step columns no story chart draws (any a newer model adds included), numeric or categorical."""
    drawn = {c for c, info in SERIES.items() if info.chart != "more"}
    return [c for c in story.steps.columns if c not in drawn and c not in NOT_CHARTED]


def measure(a: Story, b: Story | None, column: str, dark: bool) -> dict:
    """Any step column, yours against the reference: numbers as lines, categories as steps."""
    t = theme(dark)
    info = series_info(column)
    values = a.steps[column]
    categorical = not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
    cats: list[str] = []
    if categorical:
        pool = [a.steps[column]] + ([b.steps[column]] if b is not None and column in b.steps else [])
        cats = list(dict.fromkeys(str(v) for p in pool for v in p))
        y = {"type": "category", "data": cats, "name": ""}
    else:
        y = {"type": "value", "name": info.unit, "scale": True}
    label = info.label[:1].upper() + info.label[1:]
    opt = base(label, info.unit, dark, a.horizon, y, description=f"{label}, week by week. " + about_run(a, b))
    series = []
    for story, who, dashed in _pairs(a, b):
        if column not in story.steps.columns:
            continue
        s = story.steps[column]
        ys = [cats.index(str(v)) for v in s] if categorical else [_r(v) for v in s.tolist()]
        series.append(_line(f"{info.label} ({who})", [[int(w), y] for w, y in zip(s.index, ys)],
                            t["brown"] if not dashed else t["muted"], dashed=dashed, step=categorical))
    return _story_option(opt, a, series, dark)


# --------------------------------------------------------------------------- #
# Compare page
# --------------------------------------------------------------------------- #
def survival(curves: list[dict], horizon: int, dark: bool) -> dict:
    """Kaplan-Meier curves with their 95% bands; the y axis zoomed to the data."""
    t = theme(dark)
    lows = [v for c in curves for v in c["low"] if v is not None and not math.isnan(v)]
    bottom = max(0.0, math.floor((min(lows) if lows else 0.0) * 100 - 1) / 100)
    names = " and ".join(c["label"] for c in curves)
    opt = base("Share of runs with no renewed attack yet, week by week",
               "Kaplan-Meier estimate with its 95% band from chance; y axis zoomed to the data", dark, horizon,
               {"type": "value", "min": bottom, "max": 1, "name": "no attack yet"},
               description=f"Share of runs with no renewed armed attack yet, week by week, over weeks 0-{horizon - 1}: "
                           f"{names}.")
    series = []
    for i, c in enumerate(curves):
        colour = t["red"] if i == 0 else t["blue"]
        series.append(_line(c["label"], [[w, _r(v)] for w, v in zip(c["weeks"], c["survival"])], colour,
                            dashed=i == 1, step=True, width=2.5, clip=False))
        for edge in ("low", "high"):  # the 95% band as two thin dotted steps
            band = _line(f"{c['label']} 95% band", [[w, _r(v)] for w, v in zip(c["weeks"], c[edge])], colour,
                         step=True, width=1, clip=False)
            band["lineStyle"].update(type="dotted", opacity=0.7)
            band["tooltip"] = {"show": False}
            band["silent"] = True
            series.append(band)
    opt["series"] = series
    opt["legend"]["data"] = [c["label"] for c in curves]
    return opt


def difference(estimate: float, low: float, high: float, label: str, dark: bool) -> dict:
    """The paired difference in percentage points with its 95% interval from chance, against zero."""
    t = theme(dark)
    span = math.ceil(max(abs(low), abs(high), 1.0) * 1.25)
    text = f"{estimate:+.1f} pp (95% interval from chance {low:+.1f} to {high:+.1f})"
    opt = base("Difference in the risk of a renewed attack: your design minus the reference",
               f"{label}, in percentage points (pp); below zero: your design is safer", dark, 2,
               {"type": "category", "data": [""], "axisLabel": {"show": False}}, legend=False,
               description=f"Difference in the risk of a renewed attack, your design minus the reference: {text}.")
    opt["xAxis"] = {**opt["xAxis"], "min": -span, "max": span, "name": "percentage points (your design minus reference)"}
    opt["grid"] = {"left": 20, "right": 20, "top": 56, "bottom": 44}
    colour = t["green"] if high < 0 else (t["red"] if low > 0 else t["muted"])
    opt["series"] = [
        {"type": "line", "name": "95% interval from chance", "data": [[_r(low), ""], [_r(high), ""]],
         "symbol": "rect", "symbolSize": [3, 16], "lineStyle": {"width": 5, "color": colour},
         "itemStyle": {"color": colour},
         "markLine": {"silent": True, "symbol": "none", "data": [{"xAxis": 0}],
                      "lineStyle": {"color": t["fg"], "type": "dashed"},
                      "label": {"formatter": "no difference", "color": t["fg"]}}},
        {"type": "scatter", "name": "estimate", "data": [[_r(estimate), ""]], "symbolSize": 14,
         "itemStyle": {"color": colour}, "label": {"show": True, "position": "top", "color": t["fg"],
                                                   "formatter": text}},
    ]
    opt["tooltip"] = {**opt["tooltip"], "trigger": "item"}
    return opt
