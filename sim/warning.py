"""Strategic warning (G5, G1, C1): indicators of a preparation, the warning, what it costs.

A preparation shows two kinds of indicators. **Strategic** ones (a build-up in depth, in
Russia and Belarus) come throughout a preparation and are seen only by national
intelligence: the coalition's own services (the UK and France first, pooled by G5
intelligence cooperation) and, if the US shares what it sees, US intelligence (a lever,
off in the baseline: the final text dropped US intelligence participation).
**Tactical** ones (forward deployment, the spike of violations of the last days) come in
the last weeks and are seen by the monitoring mechanism near the line (G1), by its
coverage less obstruction, and by intelligence. In 2021-22 the build-up was seen by US
and UK intelligence months ahead; the OSCE monitors saw only the last week's spike.

Enough detections within a window issue a warning; after a delay (shortened by C1)
Ukraine raises its readiness (P1). The declaration agrees no measures on warning: the
pre-agreed measures (``warning.measures``) are levers to test. A warning is its own case;
its measures and the exposure of a preparation name it as their cause. False alarms
cost: every warning tires the members (``alarm_fatigue``), and a warning that no attack
followed makes the analysts ask for more signs before the next (``false_alarm_threshold_step``).
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

from sim.agents.coordination import expedite
from sim.clauses import Clause
from sim.ladder import MAJOR, Action

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class WarningSystem:
    def __init__(self, model: DeterrenceModel) -> None:
        self.model = model
        self.stream = model.streams["monitoring"]  # the monitors' and analysts' draws share one stream
        self.indicator_weeks: deque[int] = deque()  # weeks of indicators detected, in the window
        self.indicators_detected = 0
        self.false_indicators = 0
        self.warning_due: int | None = None  # week the warning's measures take effect
        self.warning_until = -1
        self.warnings = 0
        self.false_alarms = 0  # warnings after which no attack came while they were in force
        self.attack_during_warning = False
        self.warning_event: int | None = None  # the warning issued (its case)
        self.last_detected: int | None = None  # the latest detected indicator's event
        self._version = -1
        self._p = (0.0, 0.0)
        self._false_p = (None, 0.0)  # (the warning parameters, the chance of a false indicator a week)

    # --- who sees what ---------------------------------------------------------------
    def intelligence(self) -> float:
        """Chance national intelligence sees a strategic indicator: the coalition's (G5) and the US's if shared."""
        m = self.model
        w = m.params.warning
        own = w.coalition_intelligence_detection * m.params.cooperation.intelligence_sharing
        us = w.us_intelligence_detection if m.united_states.shares_intelligence else 0.0
        return 1.0 - (1.0 - own) * (1.0 - us)

    def detection(self, coverage: float, intel: float) -> tuple[float, float]:
        """Chance a strategic and a tactical indicator are detected, at a coverage and intelligence."""
        w = self.model.params.warning
        tactical = 1.0 - (1.0 - w.monitoring_detection * coverage) * (1.0 - intel)
        return intel, tactical

    @property
    def p_detect(self) -> tuple[float, float]:
        """(strategic, tactical) detection now, from what monitoring last derived its picture from."""
        mon = self.model.monitoring
        if mon.version != self._version:
            self._version = mon.version
            self._p = self.detection(mon.effective_coverage(obstructed=True), self.intelligence())
        return self._p

    def threshold(self) -> int:
        w = self.model.params.warning
        return w.threshold + w.false_alarm_threshold_step * self.false_alarms

    def expected_detections(self, level: Action, prep_weeks: int, p: tuple[float, float] | None = None) -> float:
        """Detected indicators expected within the window before a launch prepared for ``prep_weeks``."""
        w = self.model.params.warning
        strategic, tactical = self.p_detect if p is None else p
        usable = max(0, prep_weeks - w.delay_weeks)
        window = min(usable, w.window_weeks)
        if level == MAJOR:
            return (w.indicators_per_week_major * strategic * window
                    + w.tactical_per_week_major * tactical * min(window, w.tactical_weeks))
        return w.tactical_per_week_limited * tactical * window

    @property
    def warned(self) -> bool:
        return self.model.week < self.warning_until

    def _detector(self) -> tuple[str, Clause]:
        return ("Intelligence", Clause.G5)

    # --- the week -----------------------------------------------------------------------------
    def watch(self, strategic: int, tactical: int, indicator_event: int | None, week: int) -> bool:
        """Step 3: detect indicators of a preparation (and false ones); True when a warning takes effect."""
        p_s, p_t = self.p_detect
        n = strategic + tactical
        # One draw per possible indicator, plus one for a false indicator: designs share draws.
        w = self.model.params.warning
        if w is not self._false_p[0]:  # per set of parameters (a shock may change them)
            self._false_p = (w, 1.0 - math.exp(-w.false_indicator_rate))
        false_p = self._false_p[1]
        if not n:
            u = self.stream.random()
            # The usual week: nothing to detect, no false sign, nothing counted, no warning due.
            if (not self.indicator_weeks and self.warning_due is None and self.warning_until < week
                    and not u < false_p * p_s):
                return False
            draws = (u,)
        else:
            draws = self.stream.random(n + 1)
        log = self.model.events
        for k in range(n):
            if draws[k] < (p_s if k < strategic else p_t):
                self.indicators_detected += 1
                self.indicator_weeks.append(week)
                actor = "Intelligence" if k < strategic else "MonitoringMechanism"
                self.last_detected = log.add(week, "indicator_detected", actor, "",
                                             Clause.G5 if k < strategic else Clause.G1, case=indicator_event,
                                             cause=indicator_event, outcome="true")
        if draws[-1] < false_p * p_s:
            self.false_indicators += 1
            self.indicator_weeks.append(week)
            self.last_detected = log.add(week, "indicator_detected", "Intelligence", "", Clause.G5,
                                         outcome="false_positive")
        while self.indicator_weeks and self.indicator_weeks[0] <= week - w.window_weeks:
            self.indicator_weeks.popleft()
        if self.warning_until == week:  # a warning ends: was it a false alarm?
            if not self.attack_during_warning:
                self.false_alarms += 1
        if self.warning_due is None and not self.warned and len(self.indicator_weeks) >= self.threshold():
            delay = expedite(self.model, w.delay_weeks)
            self.warning_due = week + delay
            self.warning_event = log.add(week, "warning", "Intelligence", "", Clause.G5, cause=self.last_detected,
                                         count=len(self.indicator_weeks), window_weeks=w.window_weeks, weeks=delay)
            expedite(self.model, w.delay_weeks, "warning", "", self.warning_event, self.warning_event)
        if self.warning_due is not None and week >= self.warning_due:
            self.warning_due = None
            self.warning_until = week + w.duration_weeks
            self.attack_during_warning = False
            self.warnings += 1
            self.indicator_weeks.clear()
            return True
        return False

    def attack_seen(self) -> None:
        """An armed attack came while a warning was in force: the warning was right."""
        if self.warned:
            self.attack_during_warning = True

    def take_effect(self, week: int) -> None:
        """The warning's measures: Ukraine's readiness (P1), the pre-agreed measures, its cost."""
        m = self.model
        sc = m.params
        measures = sc.warning.measures
        case = self.warning_event
        m.ukraine.raise_readiness(week, case)
        if "stockpile_prepositioning" in measures:
            m.ukraine.preposition(week, case)
        if "force_alert" in measures:
            m.force.alert(week, case)
        if "diplomatic_warning" in measures:
            m.events.add(week, "warning_measure", "Coalition", "", Clause.ASSUMPTION, case=case, cause=case,
                         outcome="diplomatic_warning")
        if "sanctions_threat" in measures:
            m.events.add(week, "warning_measure", "Coalition", "", Clause.G4, case=case, cause=case,
                         outcome="sanctions_threat", value=sc.warning.sanctions_threat)
        m.coalition.rally_all(sc.members.threat_rally)
        m.coalition.tire_all(sc.warning.alarm_fatigue)
        m.russia.on_warning(case)
