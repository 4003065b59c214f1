"""Where Russia decides: its decision points and the choice it makes at each.

Russia moves between intent states only at decision points: its periodic assessment,
the end of a campaign, go or no-go at the end of a preparation, a public warning that
exposes a preparation (proceed or abort), and triggering events (a change of
government in a framework nation or the US, a ratification, a shock). At an
assessment it compares options by expected utility (``outlook``) with a logit
(quantal response): each option's value plus a Gumbel shock, the best wins. The
winning option's shock is kept as the campaign's motive, so a campaign is followed
through unless the world turns against it. It compares acting now with waiting for a
better window (shifting power: Fearon 1995, Powell 2006).
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TYPE_CHECKING

from sim.clauses import Clause
from sim.decisions.outlook import Value
from sim.ladder import AT_WAR, ATTACKING, LIMITED, MAJOR, PREPARING, PRESSURE, Action, Intent, Week

if TYPE_CHECKING:
    from sim.agents.russia import Russia
    from sim.model import DeterrenceModel


class Option(IntEnum):
    COMPLY = 0
    PRESSURE = 1
    PREPARE_LIMITED = 2
    PREPARE_MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


OPTIONS = tuple(Option)  # by index, and the members as module names: quicker than the enum's (Python 3.11)
_COMPLY, _PRESSURE, _PREPARE_LIMITED, _PREPARE_MAJOR = OPTIONS


class Decisions:
    """Russia's decision state: when it next assesses, its window, the motive of its campaign."""

    def __init__(self, model: DeterrenceModel, russia: Russia) -> None:
        self.model = model
        self.russia = russia
        self.next_assessment = 0
        self.window_value = 0.0  # value of waiting for a later attack (continuation)
        self.window_until = 0
        self.world_changed = False  # a triggering event: the window is re-computed at once
        self.motive = 0.0  # private motive of the current campaign (its random-utility shock)
        self.period_shocks: list[float] | None = None  # the random terms of the latest drawing assessment
        self.paused_until = 0
        self.decision_event: int | None = None  # the latest decision point's event (the cause of what follows)
        self.margins: list[tuple[str, Action, str, float]] = []  # go/no-go and exposure: the margin without noise

    def pause_until(self, week: int) -> None:
        """No decision before ``week`` (after a war: Russia reconstitutes first)."""
        self.paused_until = week
        self.next_assessment = max(self.next_assessment, week)

    def act(self, week: int) -> Week:
        """Step 1: decide if this is a decision point, then carry out the current intent."""
        ru = self.russia
        intent = ru.intent
        if intent == AT_WAR:
            ru.action = MAJOR
            return Week()
        if (intent == PRESSURE or intent == ATTACKING) and week >= ru.campaign_end:
            ru.end_campaign(week)
            intent = ru.intent
        if intent == PREPARING:
            if week >= ru.campaign_end:
                return self._go_or_no_go(week)
            if ru.trigger == "exposed":
                ru.trigger = None
                self.world_changed = True
                self._proceed_or_abort(week)
        elif intent == ATTACKING:
            pass  # a limited offensive runs its course; triggers wait for its end
        elif week < self.paused_until:
            ru.trigger = ru.trigger_case = None  # reconstituting after a war: nothing is decided yet
        elif week >= self.next_assessment or ru.trigger is not None:
            self.world_changed |= ru.trigger is not None
            cause = ru.trigger_case if ru.trigger is not None else None
            ru.trigger = ru.trigger_case = None
            self._assess(week, triggered=week < self.next_assessment, cause=cause)
        return ru.campaign_week(week)

    def _assess(self, week: int, triggered: bool = False, cause: int | None = None) -> None:
        """The periodic assessment (or one an event triggers): comply, pressure, or prepare an offensive.

        An offensive's exact value is costly to project, so it is computed only when an
        upper bound on it (the gain if it surely succeeds, less its certain costs) plus its
        shock could still win: the choice is the same as computing every value.
        """
        ru = self.russia
        c = self.model.params.campaigns
        if triggered and not c.triggered_assessment_redraws and self.period_shocks is not None:
            # the period's random terms and calendar: the event moves the values only
            ru.reading.reassess(noise=False)
            shock = self.period_shocks
        else:
            self.next_assessment = week + c.assessment_interval_weeks
            ru.reading.reassess()
            shock = self.period_shocks = self._shocks(4)
        outlook = ru.outlook
        wait = self._window(week)
        values: list[Value | None] = [outlook.comply_value(), outlook.pressure_value(), None, None]
        u: list[float] = [values[0].total + wait, values[1].total + wait, -math.inf, -math.inf]
        bound = [u[0], u[1], -math.inf, -math.inf]
        best = max(u[0] + shock[0], u[1] + shock[1])
        for i, level, weeks, extra in ((2, LIMITED, c.preparation_weeks_limited, wait),
                                       (3, MAJOR, c.preparation_weeks_major, 0.0)):
            bound[i] = outlook.attack_upper_bound(level, weeks) + extra
            if bound[i] + shock[i] > best:
                values[i] = outlook.attack_value(level, weeks, prepared=0)
                u[i] = bound[i] = values[i].total + extra
                best = max(best, u[i] + shock[i])
        scores = [v + e for v, e in zip(u, shock)]
        choice = OPTIONS[scores.index(max(scores))]
        self.motive = float(shock[choice] - shock[0])
        # Why: the margin of the choice over the best alternative without the random term (an
        # alternative never valued counts at its upper bound), and the random draw between them.
        rival = max((i for i in range(4) if i != choice), key=bound.__getitem__)
        margin = u[choice] - bound[rival]
        considered = choice if choice >= _PREPARE_LIMITED else (
            3 if values[3] is not None and (values[2] is None or u[3] >= u[2]) else 2 if values[2] is not None else 3)
        if values[considered] is None and self.model.events.record:  # to tell why not (no draws: same outcome)
            values[considered] = outlook.attack_value(LIMITED if considered == 2 else MAJOR,
                                                      c.preparation_weeks_limited if considered == 2
                                                      else c.preparation_weeks_major, prepared=0)
        self._log("assessment", choice.label, LIMITED if considered == 2 else MAJOR,
                  values[considered], margin, float(shock[choice] - shock[rival]), wait,
                  held_back=values[1].force_held_back, cause=cause)
        if choice == _PRESSURE and ru.intent != PRESSURE:
            ru.start(week, PRESSURE, None, max(1, int(round(ru.stream.exponential(c.pressure_weeks)))))
        elif choice == _COMPLY and ru.intent == PRESSURE:
            ru.end_campaign(week, "pressure_ends_early")
        elif choice in (_PREPARE_LIMITED, _PREPARE_MAJOR):
            level = LIMITED if choice == _PREPARE_LIMITED else MAJOR
            weeks = c.preparation_weeks_limited if level == LIMITED else c.preparation_weeks_major
            ru.start(week, PREPARING, level, weeks)

    def _log(self, point: str, outcome: str, level: Action, value: Value | None, margin: float, noise: float,
             wait: float, held_back: float | None = None, cause: int | None = None) -> None:
        """A decision point as an event: what was chosen, the attack weighed and its components, the
        margin without the random term, and the random draw (so 'why?' is answered by a row); ``cause``: the
        event that triggered an assessment (a change of government, a withdrawal, a shock)."""
        ru = self.russia
        if point == "go_no_go" or point == "exposure":
            self.margins.append((point, level, outcome, margin))
        log = self.model.events
        if not log.record:
            self.decision_event = log.skip("assessment")
            return
        fields = {} if value is None else {
            "gain": value.gain, "p_win": value.p_win, "losses": value.losses, "punishment": value.punishment,
            "sanctions_cost": value.sanctions, "domestic_cost": value.domestic}
        self.decision_event = self.model.events.add(
            self.model.week, "assessment", "Russia", level.label, Clause.ASSUMPTION,
            case=ru.campaign_case if point != "assessment" else None,
            cause=(ru.exposed_by if point == "exposure" else ru.campaign_case if point == "go_no_go" else cause),
            outcome=outcome, note=point, intent=ru.intent.label, value=margin, noise=noise, wait_value=wait,
            force_held_back=held_back, **fields)

    def _go_or_no_go(self, week: int) -> Week:
        """The preparation is complete: launch, or stand down (the preparation is sunk)."""
        ru = self.russia
        level = ru.objective
        ru.reading.reassess(noise=False)
        launch = ru.outlook.attack_value(level, 0, prepared=0, warned=ru.exposed)
        # A limited offensive keeps the window of a later renewed war open; a renewed war now closes it.
        stand_down = self._window(week) if level == MAJOR else 0.0
        go = self._follow_through(launch.total, stand_down)
        self._log("go_no_go", "launch" if go else "stand_down", level, launch, launch.total - stand_down,
                  self.motive, stand_down)
        if go:
            return ru.launch(week, level)
        ru.stand_down(week)
        return ru.campaign_week(week)

    def _proceed_or_abort(self, week: int) -> None:
        """A public warning exposed the preparation: go on without surprise, or abort."""
        ru = self.russia
        level = ru.objective
        ru.reading.reassess(noise=False)
        remaining = max(0, ru.campaign_end - week)
        proceed = ru.outlook.attack_value(level, remaining, prepared=week - ru.campaign_start, warned=True)
        abort = self._window(week) if level == MAJOR else 0.0
        go = self._follow_through(proceed.total, abort)
        self._log("exposure", "proceed" if go else "abort", level, proceed, proceed.total - abort, self.motive, abort)
        if go:
            ru.proceed_exposed(week)
            return
        ru.abort(week)

    def _window(self, week: int) -> float:
        """Value of waiting for a later attack; re-computed every few months or when the world changes.

        Zero without projecting when even a sure success would not pay (the upper bound).
        """
        c = self.model.params.campaigns
        if week >= self.window_until or self.world_changed:
            outlook = self.russia.outlook
            self.window_value = (max(0.0, outlook.best_later_attack(week))
                                 if outlook.attack_upper_bound(MAJOR, c.preparation_weeks_major) > 0.0
                                 else 0.0)
            self.window_until = week + c.window_refresh_weeks
            self.world_changed = False
        return self.window_value

    def _shocks(self, n: int) -> list[float]:
        """Gumbel shocks of a random-utility choice, scaled by 1/rationality (the logit)."""
        lam = self.model.params.russia.rationality
        return [-math.log(-math.log(u)) / lam for u in self.russia.stream.random(n).tolist()]

    def _follow_through(self, value: float, alternative: float) -> bool:
        """Go on with the campaign if its updated value, with the motive that started it, still wins."""
        return value + self.motive >= alternative
