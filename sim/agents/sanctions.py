"""The sanctions track: sanctions in force at the ceasefire, relief as part of the deal,
snapback on attributed violations, the G4 "additional sanctions" of the responses, and the
EU's unanimity.

Relief proceeds while Russia complies; when the commission attributes enough Russian
violations within snapback_window_weeks (or at a renewed armed attack) the relieved sanctions snap
back, automatically or after a vote, as the scenario's rule says (the 2015 Iran
agreement's snapback is the template). Relief then pauses (relief_pause_weeks).

EU sanctions need all 27 EU members (Art. 29 TEU, Art. 215 TFEU), and three of them are outside
the Coalition (Hungary, Slovakia, Malta: ``EUUnanimity``, from a data file of the 2022-2026
record). The Coalition's EU members' G4 sanctions become one EU package (``sim.responses``);
under ``commission_vote`` the EU's share of the relieved sanctions comes back only through such
a package, which a veto player may hold up or veto. Under ``automatic`` the relief acts are taken
to carry their own snapback clause, so no new unanimity is needed (an assumption: the design
would have to be written so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.clauses import Clause
from sim.ladder import MAJOR

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class EUUnanimity:
    """The EU members outside the Coalition whose consent an EU package needs (G4).

    Per package and player: a veto with ``p_veto``, else a hold-out with ``p_hold_out`` for a
    whole number of weeks uniform from low to high, else consent; the chances are scaled by
    ``sanctions.eu_hold_out_scale`` (capped so that they add up to at most 1).
    """

    def __init__(self, table: pd.DataFrame, scale: float) -> None:
        self.names = table.country.tolist()
        self.outside = frozenset(self.names)
        self.p_veto = np.minimum(1.0, table.p_veto.to_numpy(float) * scale)
        self.p_hold = np.minimum(1.0 - self.p_veto, table.p_hold_out.to_numpy(float) * scale)
        self.low = table.hold_out_weeks_low.to_numpy(np.int64)
        self.high = table.hold_out_weeks_high.to_numpy(np.int64)
        self.p_no_veto = float(np.prod(1.0 - self.p_veto))
        # Distribution of the longest hold-out, given no veto: P(longest <= k), k = 0, 1, ...
        k = np.arange(int(self.high.max(initial=0)) + 2)
        given = np.divide(self.p_hold, 1.0 - self.p_veto, out=np.zeros_like(self.p_hold), where=self.p_veto < 1.0)
        within = np.clip((k[:, None] - self.low + 1) / (self.high - self.low + 1), 0.0, 1.0)
        self.hold_cdf = np.prod(1.0 - given + given * within, axis=1)
        self._terms: dict[float, tuple[float, float]] = {}

    def draw(self, stream: np.random.Generator) -> tuple[list[str], int, list[str]]:
        """One package: (the players that veto it, its longest hold-out in weeks, the players that hold out).

        Two draws a player, whatever happens (common random numbers)."""
        u = stream.random((len(self.names), 2))
        veto = u[:, 0] < self.p_veto
        hold = ~veto & (u[:, 0] < self.p_veto + self.p_hold)
        weeks = np.where(hold, self.low + np.floor(u[:, 1] * (self.high - self.low + 1)).astype(np.int64), 0)
        return ([n for n, v in zip(self.names, veto) if v], int(weeks.max(initial=0)),
                [n for n, h in zip(self.names, hold) if h])

    def discount_terms(self, discount: float) -> tuple[float, float]:
        """(a, b) such that E[discount ** delay | no veto] = a * first_round + b, where the delay is the
        longer of the veto players' longest hold-out and the Coalition's own hold-outs: none with probability
        ``first_round`` (every Coalition EU member agrees at once), else one week (they give way when
        everyone else has agreed)."""
        cached = self._terms.get(discount)
        if cached is None:
            c = self.hold_cdf
            later = float(np.diff(c[1:]) @ discount ** np.arange(2, len(c))) if len(c) > 2 else 0.0
            cached = self._terms[discount] = (c[0] * (1.0 - discount), discount * c[1] + later)
        return cached

    def expected_discount(self, discount: float, first_round: float | np.ndarray) -> float | np.ndarray:
        """E[discount ** delay] given no veto (``discount_terms``)."""
        a, b = self.discount_terms(discount)
        return a * first_round + b


_UNANIMITY: dict[tuple, tuple] = {}


def eu_unanimity(table: pd.DataFrame, scale: float) -> EUUnanimity:
    """The veto players of a table at a scale: built once per process (read only)."""
    key = (id(table), scale)
    cached = _UNANIMITY.get(key)
    if cached is None or cached[0] is not table:
        if len(_UNANIMITY) >= 16:
            _UNANIMITY.clear()
        cached = _UNANIMITY[key] = (table, EUUnanimity(table, scale))
    return cached[1]


class SanctionsRegime:
    def __init__(self, model: DeterrenceModel, veto_players: pd.DataFrame) -> None:
        self.model = model
        sc = model.params
        self.ceasefire_level = sc.sanctions.in_force_at_ceasefire
        self.relieved = 0.0  # share of the ceasefire level lifted so far
        self.additional = 0.0  # G4 sanctions activated by responses (they erode as evaded)
        self.paused_until = 0
        self.snapped_until = 0  # no second snapback of what is left relieved (an EU part) before this week
        self.snapbacks = 0
        self.unanimity = eu_unanimity(veto_players, sc.sanctions.eu_hold_out_scale)
        coal = model.coalition
        # The EU's share of the ceasefire sanctions: its members' share of the Coalition's economic weight.
        self.eu_share = float(coal.capacity["sanctions"][: coal.n_members][coal.eu[: coal.n_members]].sum())
        self.pending_restore: list[tuple[int, float, str, tuple[str, ...], int, int]] = []
        # EU packages (G4 responses and snapbacks): adopted at once, adopted after a hold-out, vetoed.
        self.eu_packages = {"adopted": 0, "adopted_after_hold_out": 0, "vetoed": 0, "held_by_veto_player": 0}

    @property
    def level(self) -> float:
        return self.ceasefire_level * (1.0 - self.relieved) + self.additional

    def restorable(self, weeks_ahead: int) -> float:
        """Sanctions level an attack in ``weeks_ahead`` weeks would bring back (Russia's view)."""
        s = self.model.params.sanctions
        if s.snapback == "none":
            return 0.0
        later = max(0, weeks_ahead - max(0, self.paused_until - self.model.week))
        relieved = min(1.0, self.relieved + s.relief_per_year * later / 52.0)
        return self.ceasefire_level * relieved

    def snapback_probability(self) -> float:
        """Russia's reading of whether the rule would restore sanctions after an attack (for a vote: the share
        the EU's veto players would let through)."""
        rule = self.model.params.sanctions.snapback
        if rule == "automatic":
            return 1.0
        if rule == "none":
            return 0.0
        vetoed = self.eu_share * (1.0 - self.unanimity.p_no_veto)
        return self.model.russia.reading.perceived(MAJOR) * (1.0 - vetoed)

    def add(self, sanctions_power: float) -> None:
        self.additional += self.model.params.commitments.sanctions_per_unit * sanctions_power

    def package(self, outcome: str, holders: tuple[str, ...] = ()) -> None:
        """Count an EU package's outcome (adopted, adopted_after_hold_out, vetoed), and whether a veto player
        outside the Coalition held it up."""
        self.eu_packages[outcome] += 1
        if outcome == "adopted_after_hold_out" and not self.unanimity.outside.isdisjoint(holders):
            self.eu_packages["held_by_veto_player"] += 1

    def week(self, week: int, at_war: bool, war_started: int | None) -> None:
        """Relief while Russia complies; snapback on attributed violations or an attack.

        ``war_started``: the escalation event of an attack launched this week, if any.
        """
        s = self.model.params.sanctions
        log = self.model.events
        if self.pending_restore:
            self._restore(week)
        commission = self.model.commission
        attributed, latest = (commission.attributed_to_russia_within(week, s.snapback_window_weeks)
                              if commission.attributed_russia else (0, None))  # most weeks: none to count
        self.additional *= 1.0 - s.decay_per_week
        if ((war_started is not None or attributed >= s.snapback_threshold) and self.relieved > 0.0
                and week >= self.snapped_until):
            cause = war_started if war_started is not None else latest
            if s.snapback == "automatic" or (
                    s.snapback == "commission_vote"
                    and commission.vote(1.0, self.model.params.commission.decision_rule)):
                eu = self.eu_share if s.snapback == "commission_vote" else 0.0
                now = self.relieved * (1.0 - eu)
                event = log.add(week, "sanctions", "Coalition", "", Clause.G4, cause=cause, outcome="snapback",
                                note=s.snapback, value=self.ceasefire_level * now, weeks=s.relief_pause_weeks,
                                count=attributed)
                if eu > 0.0:
                    self._eu_snapback(week, self.relieved * eu, event)
                self.relieved -= now
                self.snapbacks += 1
                self.paused_until = self.snapped_until = week + s.relief_pause_weeks
                return
            if s.snapback == "commission_vote":
                log.add(week, "sanctions", "SpecialCommission", "", Clause.G4, cause=cause, outcome="vote_failed",
                        count=attributed)
                self.paused_until = week + int(s.relief_pause_weeks * s.failed_vote_pause_share)
        if at_war or week < self.paused_until or s.relief_per_year <= 0.0 or self.relieved >= 1.0:
            return
        before = int(self.relieved * 4)  # relief is logged by quarters of the ceasefire level
        self.relieved = min(1.0, self.relieved + s.relief_per_year / 52.0)
        if int(self.relieved * 4) > before:
            log.add(week, "sanctions", "Coalition", "", Clause.ASSUMPTION, outcome="relief", value=self.relieved)

    def _eu_snapback(self, week: int, amount: float, event: int) -> None:
        """The EU's share of the relieved sanctions returns only through an EU package (unanimity)."""
        vetoed_by, hold, holders = self.unanimity.draw(self.model.coalition.eu_stream)
        due = week + self.model.params.sanctions.eu_package_weeks
        if vetoed_by:
            self.pending_restore.append((due, 0.0, "vetoed", tuple(vetoed_by), event, due - week))
        else:
            outcome = "adopted_after_hold_out" if hold > 0 else "adopted"
            self.pending_restore.append((due + hold, amount, outcome, tuple(holders), event, due + hold - week))

    def _restore(self, week: int) -> None:
        due = [p for p in self.pending_restore if p[0] <= week]
        if not due:
            return
        self.pending_restore = [p for p in self.pending_restore if p[0] > week]
        for _, amount, outcome, items, event, weeks in due:
            restored = min(amount, self.relieved)
            self.relieved -= restored
            self.package(outcome, items)
            self.model.events.add(week, "eu_package", "EU", "", Clause.G4, case=event, cause=event, outcome=outcome,
                                  items=items, weeks=weeks, value=self.ceasefire_level * restored, note="snapback")
