"""Chart options for ECharts (drawn in the browser by ``solara.FigureEcharts``; solara-assets serves it offline).

Pure functions: stories (and a week) in, an ECharts ``option`` dict out. The server
only sends numbers; the browser draws, so a scrub costs milliseconds, not the
1.6 s of four matplotlib figures. Your design is drawn solid, the reference dashed
in the same colour. Colours of text, axes and grid follow light or dark mode.
"""

from __future__ import annotations

import bisect
import math
from typing import Any, Iterable

import pandas as pd

from sim.dashboard.story import (
    INTENT_LANE,
    INTENTS,
    LANES,
    NOT_CHARTED,
    OTHER_LANE,
    SERIES,
    WARNING_LANE,
    Story,
    kind_info,
    series_info,
)

YOURS, REFERENCE = "your design", "reference"
LEVEL_COLOURS = {"probe": "#64b5f6", "limited": "#1e88e5", "major": "#0d47a1"}
LEVEL_COLOURS_DARK = {"probe": "#bbdefb", "limited": "#64b5f6", "major": "#2196f3"}
CHAIN_MARKS = (  # chain stage -> (label, symbol, colour, offset above the level)
    ("detected_week", "detected (G1 monitoring)", "triangle", "#1e88e5", 0.15),
    ("attributed_week", "attributed or cleared (G1 commission)", "diamond", "#8e24aa", 0.3),
    ("decided_week", "measures decided (G1)", "rect", "#ef6c00", 0.45),
    ("responded_week", "states responded (G4)", "circle", "#43a047", 0.6),
)


def theme(dark: bool) -> dict[str, str]:
    if dark:
        return {"fg": "#eceff1", "muted": "#b0bec5", "grid": "#455a64", "axis": "#90a4ae", "tip": "#263238",
                "red": "#ef5350", "blue": "#64b5f6", "green": "#81c784", "brown": "#bcaaa4", "war": "rgba(239,83,80,0.18)"}
    return {"fg": "#212121", "muted": "#546e7a", "grid": "#e0e0e0", "axis": "#757575", "tip": "#ffffff",
            "red": "#c62828", "blue": "#1565c0", "green": "#2e7d32", "brown": "#6d4c41", "war": "rgba(198,40,40,0.10)"}


def _r(v: Any) -> Any:
    if isinstance(v, (bool,)):
        return int(v)
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, 4)
    return v


def base(title: str, subtitle: str, dark: bool, horizon: int, y: dict, *, legend: bool = True) -> dict:
    t = theme(dark)
    axis = {"axisLine": {"lineStyle": {"color": t["axis"]}}, "axisLabel": {"color": t["fg"]},
            "splitLine": {"lineStyle": {"color": t["grid"]}}, "nameTextStyle": {"color": t["fg"]}}
    return {
        "animation": False,
        "backgroundColor": "transparent",
        "textStyle": {"color": t["fg"]},
        "title": {"text": title, "subtext": subtitle, "left": 4, "top": 0,
                  "textStyle": {"color": t["fg"], "fontSize": 14, "fontWeight": 600},
                  "subtextStyle": {"color": t["muted"], "fontSize": 11}},
        # the legend has its own band above the plot: it never covers the data
        "legend": {"show": legend, "type": "scroll", "top": 40, "left": 4, "right": 4,
                   "textStyle": {"color": t["fg"], "fontSize": 11}, "itemWidth": 22,
                   "pageTextStyle": {"color": t["fg"]}},
        "grid": {"left": 58, "right": 20, "top": 84 if legend else 52, "bottom": 40},
        "tooltip": {"trigger": "axis", "backgroundColor": t["tip"], "borderColor": t["grid"],
                    "textStyle": {"color": t["fg"], "fontSize": 12}, "confine": True},
        "xAxis": {"type": "value", "min": 0, "max": max(1, horizon - 1), "name": "week after the ceasefire",
                  "nameLocation": "middle", "nameGap": 24, **axis},
        "yAxis": {**axis, **y},
    }


def _line(name: str, xs: Iterable, ys: Iterable, colour: str, *, dashed: bool = False, step: bool = False,
          width: float = 2.0) -> dict:
    return {"type": "line", "name": name, "showSymbol": False, "step": "end" if step else False,
            "data": [[int(x), _r(y)] for x, y in zip(xs, ys)], "itemStyle": {"color": colour},
            "lineStyle": {"color": colour, "width": width if not dashed else width * 0.8,
                          "type": "dashed" if dashed else "solid", "opacity": 0.8 if dashed else 1.0},
            "emphasis": {"disabled": True}, "z": 2 if dashed else 3}


def _upto(story: Story, week: int) -> pd.DataFrame:
    return story.steps.loc[: max(0, int(week))]


def points(story: Story, column: str) -> list[list]:
    """[[week, value], ...] of a step column, built once per story (a scrub only slices it)."""
    cache = story.cache.setdefault("points", {})
    if column not in cache:
        cache[column] = [[int(w), _r(v)] for w, v in zip(story.steps.index, story.steps[column].tolist())]
    return cache[column]


def _column_line(name: str, story: Story, column: str, week: int, colour: str, **kw) -> dict:
    line = _line(name, [], [], colour, **kw)
    line["data"] = points(story, column)[: max(0, int(week)) + 1]
    return line


def _cursor(series: list[dict], week: int, dark: bool) -> None:
    """A vertical line at the week shown, on the first series."""
    t = theme(dark)
    if series:
        series[0]["markLine"] = {"silent": True, "symbol": "none", "animation": False,
                                 "lineStyle": {"color": t["muted"], "type": "solid", "width": 1},
                                 "label": {"show": False},
                                 "data": [{"xAxis": int(week)}]}


def _pairs(a: Story, b: Story | None) -> list[tuple[Story, str, bool]]:
    out = [(a, YOURS, False)]
    if b is not None:
        out.append((b, REFERENCE, True))
    return out


def _war_areas(story: Story, week: int, dark: bool) -> list:
    if "at_war" not in story.steps.columns:
        return []
    war = _upto(story, week)["at_war"].astype(bool)
    areas, start = [], None
    for w, flag in war.items():
        if flag and start is None:
            start = int(w)
        if not flag and start is not None:
            areas.append([{"xAxis": start}, {"xAxis": int(w)}])
            start = None
    if start is not None:
        areas.append([{"xAxis": start}, {"xAxis": int(week)}])
    return areas


def subtitle(a: Story, b: Story | None) -> str:
    if b is None:
        return f"{a.label}, seed {a.seed}"
    return f"solid: {a.label} · dashed: {b.label} · seed {a.seed}"


# --------------------------------------------------------------------------- #
# Story charts
# --------------------------------------------------------------------------- #
def ladder(a: Story, b: Story | None, week: int, dark: bool) -> dict:
    """Russia's action on the ladder, with the commission's chain for Russia's violations only."""
    t = theme(dark)
    opt = base("Russia's action on the escalation ladder", subtitle(a, b), dark, a.horizon,
               {"type": "value", "min": -0.2, "max": 3.75, "interval": 1, "axisLabel": {"show": False},
                "splitLine": {"show": False}, "name": ""})
    opt["grid"]["left"] = 62
    series = []
    for story, who, dashed in _pairs(a, b):
        colour = t["red"] if not dashed else t["muted"]
        series.append(_column_line(f"Russia's action ({who})", story, "escalation_level", week, colour,
                                   dashed=dashed, step=True))
    series[0]["markArea"] = {"silent": True, "itemStyle": {"color": t["war"]}, "data": _war_areas(a, week, dark)}
    guides = [{"yAxis": i, "label": {"formatter": name, "position": "start", "color": t["fg"]}}
              for i, name in enumerate(("comply", "probe", "limited", "major"))]
    series.append({"type": "line", "name": "levels", "data": [], "silent": True,
                   "markLine": {"silent": True, "symbol": "none", "data": guides,
                                "lineStyle": {"color": t["grid"], "type": "dotted"}}})
    for (label, symbol, colour), data in chain_marks(a).items():
        series.append({"type": "scatter", "name": label, "symbol": symbol, "symbolSize": 9,
                       "itemStyle": {"color": colour}, "data": [d for d in data if d[0] <= week], "z": 4})
    _cursor(series, week, dark)
    opt["series"] = series
    opt["legend"]["data"] = [s["name"] for s in series if s["name"] != "levels"]
    opt["tooltip"] = {**opt["tooltip"], "trigger": "item"}
    return opt


def chain_marks(story: Story) -> dict[tuple[str, str, str], list[list]]:
    """Markers of the commission's chain for Russia's violations only (built once per run)."""
    if "chain_marks" not in story.cache:
        russia = story.chain[story.chain["actor"] == "Russia"]
        level = russia["level"].map({"probe": 1, "limited": 2, "major": 3})
        marks = {}
        for col, label, symbol, colour, dy in CHAIN_MARKS:
            keep = russia[col].notna()
            marks[(label, symbol, colour)] = [[int(w), round(lv + dy, 2)]
                                              for w, lv in zip(russia[col][keep], level[keep])]
        story.cache["chain_marks"] = marks
    return story.cache["chain_marks"]


def resolve(a: Story, b: Story | None, week: int, dark: bool) -> dict:
    colours = LEVEL_COLOURS_DARK if dark else LEVEL_COLOURS
    opt = base("What Russia believes about the coalition's resolve",
               "believed share of pledged power that would act, per level · " + subtitle(a, b), dark, a.horizon,
               {"type": "value", "min": 0, "max": 1, "name": "share 0-1"})
    series = []
    for story, who, dashed in _pairs(a, b):
        for lvl in ("probe", "limited", "major"):
            col = f"credibility_{lvl}"
            if col in story.steps.columns:
                series.append(_column_line(f"if {lvl} ({who})", story, col, week, colours[lvl], dashed=dashed))
    _cursor(series, week, dark)
    opt["series"] = series
    return opt


def balance(a: Story, b: Story | None, week: int, dark: bool) -> dict:
    t = theme(dark)
    opt = base("Ukraine's defence against Russia's strength", "strength units · red band: renewed war · "
               + subtitle(a, b), dark, a.horizon, {"type": "value", "min": 0, "name": "strength units"})
    series = []
    for story, who, dashed in _pairs(a, b):
        series.append(_column_line(f"Ukraine's defence ({who})", story, "ukraine_defence", week, t["blue"],
                                   dashed=dashed))
        series.append(_column_line(f"Russia's strength ({who})", story, "russia_strength", week, t["red"],
                                   dashed=dashed))
    series[0]["markArea"] = {"silent": True, "itemStyle": {"color": t["war"]}, "data": _war_areas(a, week, dark)}
    _cursor(series, week, dark)
    opt["series"] = series
    return opt


def force(a: Story, b: Story | None, week: int, dark: bool) -> dict:
    t = theme(dark)
    opt = base("Multinational Force (G3)", "deployed strength; lines mark its phases · " + subtitle(a, b), dark,
               a.horizon, {"type": "value", "min": 0, "name": "strength units"})
    series = []
    for story, who, dashed in _pairs(a, b):
        name = f"force strength ({who})" + ("" if story.scenario.force.enabled else ": no force in this design")
        series.append(_column_line(name, story, "force_strength", week, t["green"], dashed=dashed))
    s = _upto(a, week)
    if "force_phase" in s.columns:
        phase = s["force_phase"].astype(str)
        changes = phase[phase.ne(phase.shift())].iloc[1:]
        series[0]["markLine"] = {"silent": True, "symbol": "none",
                                 "lineStyle": {"color": t["brown"], "type": "dashed"}, "label": {"show": False},
                                 "data": [{"xAxis": int(w)} for w in changes.index]}
        if len(changes):
            opt["title"]["subtext"] = ("your design's force: " + ", ".join(
                f"{p.replace('_', ' ')} in week {int(w)}" for w, p in changes.items()) + " · " + subtitle(a, b))
    if len(series) > 1:
        _cursor(series[1:], week, dark)
    else:
        series.append({"type": "line", "name": "week", "data": []})
        _cursor(series[1:], week, dark)
    opt["series"] = series
    return opt


def politics_marks(story: Story) -> list[tuple[int, str]]:
    """(week, label) of what moved the coalition or the sanctions: snapbacks, scripted shocks, US roles,
    changes of government in the US and the framework nations (built once per story)."""
    if "politics_marks" not in story.cache:
        leads = {m.name for m in story.members if m.lead} | {"United States"}
        ev = story.events
        marks = []
        for w, kind, actor, detail in zip(ev["week"], ev["kind"], ev["actor"], ev["detail"]):
            w = int(w)
            if kind == "sanctions" and str(detail).startswith("snapback ("):
                marks.append((w, f"snapback ({story.date_of(w)})"))
            elif kind == "shock":
                marks.append((w, f"shock ({story.date_of(w)})"))
            elif kind == "us_roles" and "withdraw" in str(detail):
                marks.append((w, f"US roles withdrawn ({story.date_of(w)})"))
            elif kind == "government_change" and actor in leads:
                marks.append((w, f"new government: {actor} ({story.date_of(w)})"))
        story.cache["politics_marks"] = marks
    return story.cache["politics_marks"]


def sanctions(a: Story, b: Story | None, week: int, dark: bool) -> dict:
    """Sanctions on Russia (relief, snapback, G4 additions) and members' resolve, with the political
    events that move them marked by date."""
    t = theme(dark)
    opt = base("Sanctions on Russia (G4) and the coalition's resolve",
               "sanctions level and members' mean resolve · lines: snapbacks, shocks, new governments in the "
               "US and the lead nations · " + subtitle(a, b), dark, a.horizon,
               {"type": "value", "min": 0, "name": "level / share"})
    series = []
    for story, who, dashed in _pairs(a, b):
        if "sanctions_level" in story.steps.columns:
            series.append(_column_line(f"sanctions level ({who})", story, "sanctions_level", week, t["brown"],
                                       dashed=dashed))
        if "mean_member_resolve" in story.steps.columns:
            series.append(_column_line(f"members' mean resolve ({who})", story, "mean_member_resolve", week,
                                       t["blue"], dashed=dashed))
    if not series:
        series.append({"type": "line", "name": "no sanctions data", "data": []})
    marks = [m for m in politics_marks(a) if m[0] <= week]
    series.append({"type": "line", "name": "political events", "data": [], "silent": True,
                   "markLine": {"silent": True, "symbol": "none", "animation": False,
                                "lineStyle": {"color": t["muted"], "type": "dashed", "width": 1},
                                "label": {"show": True, "formatter": "{b}", "position": "insideEndTop",
                                          "color": t["fg"], "fontSize": 10},
                                "data": [{"xAxis": w, "name": text} for w, text in marks]}})
    _cursor(series, week, dark)
    opt["series"] = series
    opt["legend"]["data"] = [s["name"] for s in series if s["name"] != "political events"]
    return opt


WARNING_COLOUR = "#0288d1"


def timeline_lanes(story: Story) -> list[str]:
    """Lanes top to bottom: Russia's intent (a band), what it did, what monitoring saw, the warning
    in force (a band), then the commission, responses, Ukraine's acts and wrong blame, politics, the force."""
    lanes = list(LANES) + sorted({ln for ln in story.events["lane"] if ln not in LANES})
    if OTHER_LANE in lanes:
        lanes.remove(OTHER_LANE)
        lanes.append(OTHER_LANE)
    if "warning_in_force" in story.steps.columns:
        lanes.insert(lanes.index("Monitoring saw") + 1, WARNING_LANE)
    if "russia_intent" in story.steps.columns:
        lanes.insert(0, INTENT_LANE)
    return lanes


def _runs(values: list, keep) -> list[tuple[int, int, Any]]:
    """(first week, last week, value) of each run of equal values that ``keep`` accepts."""
    out, start = [], None
    for w, v in enumerate(values + [None]):
        if start is not None and (v != values[start] if w < len(values) else True):
            out.append((start, w - 1, values[start]))
            start = None
        if start is None and w < len(values) and keep(v):
            start = w
    return out


def bands(story: Story) -> list[tuple[str, str, str, int, int, str]]:
    """Segments of the timeline's bands (built once per story): (lane, legend name, colour, first week,
    last week, what it was). Russia's intent from steps.csv, named with the campaign's objective and how
    it ended (events), and the weeks a warning's measures were in force."""
    if "bands" in story.cache:
        return story.cache["bands"]
    out = []
    ev = story.events[story.events["kind"] == "campaign"]
    said: dict[int, list[str]] = {}
    for w, detail in zip(ev["week"], ev["detail"]):
        said.setdefault(int(w), []).append(str(detail))
    if "russia_intent" in story.steps.columns:
        values = [str(v) for v in story.steps["russia_intent"]]
        for first, last, intent in _runs(values, lambda v: v in INTENTS):
            words, colour = INTENTS[intent]
            if intent == "preparing":
                start = " ".join(said.get(first, []))
                words = ("preparing a renewed armed attack" if "renewed armed attack" in start else
                         "preparing a limited offensive" if "limited offensive" in start else words)
            ending = " ".join(said.get(last + 1, []))
            end = (" → launched" if "launches" in ending else " → stood down" if "stands down" in ending else
                   " → aborted when exposed" if "aborts" in ending else "")
            out.append((INTENT_LANE, INTENTS[intent][0], colour, first, last, words + end))
    if "warning_in_force" in story.steps.columns:
        values = [bool(v) for v in story.steps["warning_in_force"]]
        for first, last, _ in _runs(values, bool):
            out.append((WARNING_LANE, "warning in force", WARNING_COLOUR, first, last,
                        "warning measures in force (G1, G5)"))
    story.cache["bands"] = out
    return out


BREAK = "-"  # ECharts: an empty point, where a line breaks


def _band_series(story: Story, week: int) -> list[dict]:
    """One thick line per band (an intent, the warning), broken between its segments, up to the week shown."""
    out: dict[str, dict] = {}
    for lane, name, colour, first, last, words in bands(story):
        if first > week:
            continue
        end = min(last, week)
        when = (f"week {first} ({story.date_of(first)})" if end == first else
                f"weeks {first}-{end} ({story.date_of(first)} to {story.date_of(end)})")
        label = f"{when}: {words}" + (" (goes on)" if end < last else "")
        series = out.setdefault(name, {
            "type": "line", "name": name, "data": [], "symbol": "rect", "symbolSize": [2, 12], "showSymbol": True,
            "connectNulls": False, "itemStyle": {"color": colour},
            "lineStyle": {"color": colour, "width": 11, "cap": "butt"}, "z": 1, "emphasis": {"disabled": True}})
        if series["data"]:
            series["data"].append(BREAK)
        series["data"] += [{"value": [first, lane], "name": label}, {"value": [end + 1, lane], "name": label}]
    return list(out.values())


def timeline(a: Story, week: int, dark: bool) -> dict:
    """What monitoring saw next to what Russia did: Russia's intent as a band, one lane per actor group,
    one dot per event."""
    t = theme(dark)
    lanes = timeline_lanes(a)
    opt = base("What Russia did, what monitoring saw, who answered",
               f"events of {a.label}, seed {a.seed} · bands: Russia's intent and warnings in force · "
               "hover a dot for what happened", dark, a.horizon,
               {"type": "category", "data": lanes, "inverse": True, "name": "",
                "axisLabel": {"color": t["fg"], "fontSize": 11},
                "splitLine": {"show": True, "lineStyle": {"color": t["grid"]}}})
    opt["grid"]["left"] = 132
    opt["tooltip"] = {**opt["tooltip"], "trigger": "item", "formatter": "{b}"}
    series = _band_series(a, week)
    for kind, (weeks, data) in timeline_points(a).items():
        info = kind_info(kind)
        upto = bisect.bisect_right(weeks, week)
        if upto:
            series.append({"type": "scatter", "name": info.label, "symbol": info.symbol, "symbolSize": 8,
                           "itemStyle": {"color": info.colour, "opacity": 0.85}, "data": data[:upto]})
    if not series:
        series.append({"type": "scatter", "name": "no events yet", "data": []})
    _cursor(series, week, dark)
    opt["series"] = series
    return opt


def timeline_points(story: Story) -> dict[str, tuple[list[int], list[dict]]]:
    """Per event kind: the weeks, and a dot per event with what happened (built once per story)."""
    if "timeline" not in story.cache:
        out: dict[str, tuple[list[int], list[dict]]] = {}
        ev = story.events[story.events["kind"] != "coordination"]
        for kind, week, lane, who, text in zip(ev["kind"], ev["week"], ev["lane"], ev["who"], ev["text"]):
            weeks, data = out.setdefault(kind, ([], []))
            weeks.append(int(week))
            data.append({"value": [int(week), lane],
                         "name": f"week {int(week)} ({story.date_of(int(week))}): {who}: {text}"})
        story.cache["timeline"] = out
    return story.cache["timeline"]


def extra_columns(story: Story) -> list[str]:
    """Step columns no story chart draws (any a newer model adds included), numeric or categorical."""
    drawn = {c for c, info in SERIES.items() if info.chart != "more"}
    return [c for c in story.steps.columns if c not in drawn and c not in NOT_CHARTED]


def measure(a: Story, b: Story | None, column: str, week: int, dark: bool) -> dict:
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
    opt = base(info.label[:1].upper() + info.label[1:], (info.unit + " · " if info.unit else "") + subtitle(a, b),
               dark, a.horizon, y)
    series = []
    for story, who, dashed in _pairs(a, b):
        if column not in story.steps.columns:
            continue
        s = _upto(story, week)[column]
        ys = [cats.index(str(v)) for v in s] if categorical else list(s)
        series.append(_line(f"{info.label} ({who})", s.index, ys, t["brown"] if not dashed else t["muted"],
                            dashed=dashed, step=categorical))
    _cursor(series, week, dark)
    opt["series"] = series
    return opt


# --------------------------------------------------------------------------- #
# Compare page
# --------------------------------------------------------------------------- #
def survival(curves: list[dict], horizon: int, dark: bool) -> dict:
    """Kaplan-Meier curves with their 95% bands; the y axis zoomed to the data."""
    t = theme(dark)
    lows = [v for c in curves for v in c["low"] if v is not None and not math.isnan(v)]
    bottom = max(0.0, math.floor((min(lows) if lows else 0.0) * 100 - 1) / 100)
    opt = base("Survival of the ceasefire", "P(no renewed armed attack by week t), Kaplan-Meier with 95% band; "
               "y axis zoomed to the data", dark, horizon + 1,
               {"type": "value", "min": bottom, "max": 1, "name": "P(no attack yet)"})
    opt["xAxis"]["max"] = horizon
    series = []
    for i, c in enumerate(curves):
        colour = t["red"] if i == 0 else t["blue"]
        series.append(_line(c["label"], c["weeks"], c["survival"], colour, dashed=i == 1, step=True, width=2.5))
        for edge in ("low", "high"):  # the 95% band as two thin dotted steps
            band = _line(f"{c['label']} 95% band", c["weeks"], c[edge], colour, step=True, width=1)
            band["lineStyle"].update(type="dotted", opacity=0.7)
            band["tooltip"] = {"show": False}
            band["silent"] = True
            series.append(band)
    opt["series"] = series
    opt["legend"]["data"] = [c["label"] for c in curves]
    return opt


def difference(estimate: float, low: float, high: float, label: str, dark: bool) -> dict:
    """The paired difference in points with its 95% interval, against zero."""
    t = theme(dark)
    span = math.ceil(max(abs(low), abs(high), 1.0) * 1.25)
    opt = base("Paired difference in P(escalation)", f"{label}, percentage points, 95% Newcombe interval",
               dark, 2, {"type": "category", "data": [""], "axisLabel": {"show": False}}, legend=False)
    opt["xAxis"] = {**opt["xAxis"], "min": -span, "max": span, "name": "points (your design minus reference)"}
    opt["grid"] = {"left": 20, "right": 20, "top": 56, "bottom": 44}
    colour = t["green"] if high < 0 else (t["red"] if low > 0 else t["muted"])
    opt["series"] = [
        {"type": "line", "name": "95% interval", "data": [[_r(low), ""], [_r(high), ""]], "symbol": "rect",
         "symbolSize": [3, 16], "lineStyle": {"width": 5, "color": colour}, "itemStyle": {"color": colour},
         "markLine": {"silent": True, "symbol": "none", "data": [{"xAxis": 0}],
                      "lineStyle": {"color": t["fg"], "type": "dashed"},
                      "label": {"formatter": "no difference", "color": t["fg"]}}},
        {"type": "scatter", "name": "estimate", "data": [[_r(estimate), ""]], "symbolSize": 14,
         "itemStyle": {"color": colour}, "label": {"show": True, "position": "top", "color": t["fg"],
                                                   "formatter": f"{estimate:+.1f} [{low:+.1f}, {high:+.1f}]"}},
    ]
    opt["tooltip"] = {**opt["tooltip"], "trigger": "item"}
    return opt
