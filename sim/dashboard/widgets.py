"""The page's browser-side pieces (Vue templates next to this file) and their Python faces.

* :func:`Chart`: an ECharts figure fed its option as one JSON string (``echarts.vue``); a story
  chart carries the whole run and is cut at the week shown in the browser;
* :func:`Player`: the headline, Play/Pause, the week slider and the speed (``player.vue``); the
  week moves in the browser and is sent to the server when a move ends;
* :func:`EventLog`: the whole event log, filtered and ordered in the browser (``eventlog.vue``);
* :func:`ThemeButton`: light or dark mode, with a name a screen reader says (``theme.vue``).
"""

from __future__ import annotations

import json
from typing import Any, Callable

import solara
import solara.settings


def as_json(option: dict) -> str:
    # numpy scalars (pandas values) become Python numbers; a NaN is an error, not broken JSON
    return json.dumps(option, separators=(",", ":"), allow_nan=False, default=lambda o: o.item())


def _cdn() -> str | None:
    return None if solara.settings.assets.proxy else solara.settings.assets.cdn


@solara.component_vue("echarts.vue")
def _Echarts(option_json: str, attributes: dict, cdn: str | None):
    pass


@solara.component
def Chart(option_json: str, name: str, height: int = 330, flex: str = "1 1 560px", label: str = ""):
    """A chart; its option comes as JSON, so Solara never walks thousands of points to diff it.

    ``label``: the chart's text alternative (screen readers; ECharts' own ``aria`` describes the data)."""
    with solara.Div(classes=["chart", f"chart-{name}"], style={"flex": flex, "min-width": "300px"}):
        attributes = {"style": f"height: {height}px; width: 100%;", "role": "img"}
        if label:
            attributes["aria-label"] = label
        _Echarts(option_json=option_json, attributes=attributes, cdn=_cdn())


@solara.component_vue("player.vue")
def Player(week: int, on_week: Callable[[int], None], last: int, dates: list[str], states: list[str],
           speeds: list[list[Any]], speed: str, on_speed: Callable[[str], None], sync_ms: int = 1000):
    pass


@solara.component_vue("eventlog.vue")
def EventLog(rows: list[list[Any]], lanes: list[str], kinds: list[str], last: int):
    pass


@solara.component_vue("theme.vue")
def ThemeButton(event_sync_themes: Callable[[bool], None]):
    pass
