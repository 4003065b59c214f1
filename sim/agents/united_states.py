"""The United States as the final text gives it (G1, G3, C1; no G4 pledge but under a bilateral guarantee),
and how its roles can end: a new administration, the sitting one within its term, or a shock."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.agents.coalition import CoalitionMember
from sim.clauses import Clause

if TYPE_CHECKING:
    from sim.model import DeterrenceModel


class UnitedStates(CoalitionMember):
    """The US as the final text gives it: it leads monitoring (G1), offers 'proposed support'
    to the force (G3) and sits in the coordination cell (C1); it is not a formal signatory and
    pledges G4 responses only under a bilateral guarantee. Intelligence sharing, dropped from the
    drafts, is a lever (off as written). Its roles can go two ways: a new administration may
    withdraw them (elections), and so may the sitting one within its term (a hazard, an assumption);
    a shock may too."""

    def __init__(self, model: DeterrenceModel, index: int) -> None:
        super().__init__(model, index)
        us = model.params.united_states
        self.leads_monitoring = us.leads_monitoring
        self.shares_intelligence = us.shares_intelligence
        stream = model.streams["us"]
        # G3: "proposed US support", drawn once a run (drawn whatever the design: common random numbers).
        self.offers_backstop = bool(stream.random() < us.backstop_probability)
        self.backs_force = self.offers_backstop
        self.withdrew_week: int | None = None
        # Within-term withdrawal: it comes when the cumulative hazard reaches an Exp(1) draw made once a run,
        # so that a higher rate withdraws earlier on the same seed and a shock may change the rate mid-run.
        self._hazard_threshold = -math.log1p(-stream.random())
        self._hazard = 0.0

    def reconfigure(self) -> None:
        """A shock changed the US parameters: roles switched off stay off, backstop redrawn never."""
        us = self.model.params.united_states
        held = bool(self._acting_roles())
        backed = self.backs_force
        self.leads_monitoring = self.leads_monitoring and us.leads_monitoring
        self.shares_intelligence = self.shares_intelligence and us.shares_intelligence
        if us.backstop_probability == 0.0:
            self.backs_force = False
        self.model.coalition.keep_us_pledge(us.pledges_response)
        if held and not self._acting_roles() and self.withdrew_week is None:
            self.withdrew_week = self.model.week  # a scripted withdrawal (a shock) is a withdrawal too
        if backed and not self.backs_force:
            self._support_ended(self.model.week, None)

    def _support_ended(self, week: int, case: int | None) -> None:
        """The US support to the force is gone: its contributors review their contingents (G3)."""
        force = self.model.force
        force.review(week, force.contributors, "the US support to the force withdrawn", case)

    def _acting_roles(self) -> list[str]:
        """The roles the US holds that act in this design (leading a monitoring mechanism that does not
        exist, or backing a force that is not part of it, is no role to withdraw)."""
        sc = self.model.params
        leads = self.leads_monitoring and sc.monitoring.enabled and sc.monitoring.us_lead_share > 0.0
        return [name for name, held in (("the monitoring lead (G1)", leads),
                                         ("support to the force (G3)", self.backs_force and sc.force.enabled),
                                         ("intelligence sharing (G5)", self.shares_intelligence)) if held]

    @property
    def holds_roles(self) -> bool:
        coal = self.model.coalition
        political_pledge = bool(coal.pledges[self.index]) and not bool(coal.ratified[self.index])
        return bool(self._acting_roles()) or political_pledge

    def advance(self, week: int) -> int | None:
        """Step 0 (assumption): the sitting administration may withdraw the US roles within its term.

        Returns the withdrawal's event when it does (Russia re-assesses at once), else None."""
        if self._hazard >= self._hazard_threshold:
            return None  # already fired: a withdrawal is for good
        self._hazard += self.model.params.united_states.within_term_withdrawal_per_year / 52.0
        if self._hazard < self._hazard_threshold or not self.holds_roles:
            return None
        return self.withdraw(week, "the sitting administration withdraws within its term", drop_pledge=True)

    def administration_changes(self, week: int, draw: float, case: int) -> None:
        """A new administration: with some chance it withdraws the US roles of the declaration."""
        if draw >= self.model.params.united_states.withdrawal_on_change:
            self.model.events.add(week, "us_roles", "United States", "", Clause.G1, case=case, cause=case,
                                  outcome="kept")
            return
        self.withdraw(week, "the new administration withdraws", case)

    def withdraw(self, week: int, why: str, case: int | None = None, drop_pledge: bool = False) -> int | None:
        """The US roles end: monitoring loses the US share and the force the US support at once.

        ``drop_pledge``: an unratified (political) US pledge goes too; a ratified one binds (G0). After an
        election the pledge is the coalition's business (``Coalition._election``)."""
        roles = self._acting_roles()
        coal = self.model.coalition
        backed = self.backs_force
        if drop_pledge and coal.pledges[self.index] and not coal.ratified[self.index]:
            coal.pledges[self.index] = False
            coal.pledges_dropped += 1
            coal.ratification_week[self.index] = -1  # the bill is withdrawn with the pledge
            coal.refresh_pledges()
            roles.append("its political pledge (G4)")
        self.leads_monitoring = self.backs_force = self.shares_intelligence = False
        if self.withdrew_week is None:  # the first withdrawal is the one; a later one finds nothing to end
            self.withdrew_week = week
        event = None  # the us_roles event, when there were roles to end
        if roles:
            event = self.model.events.add(week, "us_roles", "United States", "", Clause.G1, case=case, cause=case,
                                          outcome="withdrawn", note=why, items=tuple(roles))
        self.model.monitoring.refresh()
        self.model.force.refresh()
        if backed:
            self._support_ended(week, case)
        return event
