"""Strategic warning (G1, G5, C1): indicators of a preparation, the warning, its measures.

While Russia prepares an offensive it shows indicators (build-ups, logistics). The
monitoring mechanism (G1, by its coverage) and intelligence cooperation (G5) detect
some of them, and report false ones; enough detections within a window issue a
warning, whose pre-agreed measures take effect after a delay (shortened by C1). A
warning is its own case; its measures and the exposure of a preparation name it as
their cause.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

from sim.agents.coordination import expedite
from sim.clauses import Clause

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
        self.warning_event: int | None = None  # the warning issued (its case)
        self.last_detected: int | None = None  # the latest detected indicator's event
        self._version = -1
        self._p = 0.0

    @property
    def p_indicator(self) -> float:
        """Chance an indicator is detected, from what monitoring last derived its picture from."""
        mon = self.model.monitoring
        if mon.version != self._version:
            self._version = mon.version
            self._p = self.indicator_detection(*mon.refreshed)
        return self._p

    def indicator_detection(self, coverage: float, intel: float) -> float:
        """Chance an indicator is detected by monitoring (G1) or intelligence (G5)."""
        w = self.model.scenario_config.warning
        return 1.0 - (1.0 - w.monitoring_detection * coverage) * (1.0 - w.intelligence_detection * intel)

    @property
    def warned(self) -> bool:
        return self.model.week < self.warning_until

    def _detector(self) -> tuple[str, Clause]:
        return ("MonitoringMechanism", Clause.G1) if self.model.monitoring.enabled else ("Intelligence", Clause.G5)

    def watch(self, indicators: int, indicator_event: int | None, week: int) -> bool:
        """Step 3: detect indicators of a preparation (and false ones); True when a warning takes effect."""
        p = self.p_indicator
        # One draw per possible indicator, plus one for a false indicator: designs share draws.
        if not indicators:
            u = self.stream.random()
            # The usual week: nothing to detect, no false sign, nothing counted, no warning due.
            if (not self.indicator_weeks and self.warning_due is None
                    and not (p > 0.0 and u < (1.0 - math.exp(-self.model.scenario_config.warning.false_indicator_rate)) * p)):
                return False
            draws = (u,)
        else:
            draws = self.stream.random(indicators + 1)
        w = self.model.scenario_config.warning
        log = self.model.events
        actor, clause = self._detector()
        for k in range(indicators):
            if draws[k] < p:
                self.indicators_detected += 1
                self.indicator_weeks.append(week)
                self.last_detected = log.add(week, "indicator_detected", actor, "", clause, case=indicator_event,
                                             cause=indicator_event, outcome="true")
        false_p = 1.0 - math.exp(-w.false_indicator_rate)
        if p > 0.0 and draws[-1] < false_p * p:
            self.false_indicators += 1
            self.indicator_weeks.append(week)
            self.last_detected = log.add(week, "indicator_detected", actor, "", clause, outcome="false_positive")
        while self.indicator_weeks and self.indicator_weeks[0] <= week - w.window_weeks:
            self.indicator_weeks.popleft()
        if self.warning_due is None and not self.warned and len(self.indicator_weeks) >= w.threshold:
            delay = expedite(self.model, w.delay_weeks)
            self.warning_due = week + delay
            self.warning_event = log.add(week, "warning", actor, "", clause, cause=self.last_detected,
                                         count=len(self.indicator_weeks), window_weeks=w.window_weeks, weeks=delay)
            expedite(self.model, w.delay_weeks, "warning", "", self.warning_event, self.warning_event)
        if self.warning_due is not None and week >= self.warning_due:
            self.warning_due = None
            self.warning_until = week + w.duration_weeks
            self.warnings += 1
            self.indicator_weeks.clear()
            return True
        return False

    def take_effect(self, week: int) -> None:
        """The warning's measures: Ukraine's readiness (P1) and the pre-agreed measures."""
        m = self.model
        sc = m.scenario_config
        measures = sc.warning.measures
        case = self.warning_event
        m.ukraine.raise_readiness(week, case)
        if "stockpile_prepositioning" in measures:
            m.ukraine.schedule_surge(week, "stockpiles_prepositioned", case, case)
        if "force_alert" in measures:
            m.force.alert(week, case)
        if "diplomatic_warning" in measures:
            m.events.add(week, "warning_measure", "Coalition", "", Clause.ASSUMPTION, case=case, cause=case,
                         outcome="diplomatic_warning")
        if "sanctions_threat" in measures:
            m.events.add(week, "warning_measure", "Coalition", "", Clause.G4, case=case, cause=case,
                         outcome="sanctions_threat", value=sc.warning.sanctions_threat)
        m.coalition.rally_all(sc.members.threat_rally)
        m.russia.on_warning(case)
