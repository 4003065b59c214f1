"""Clauses of the Paris Declaration (6 January 2026) that the model implements.

Every rule, event and chart names one of these ids. Rules with no clause behind
them are modelling assumptions: they carry ``ASSUMPTION`` and are listed in
``docs/ODD.md`` (section 7, "Assumptions").
"""

from __future__ import annotations

from enum import StrEnum


class Clause(StrEnum):
    P1 = "P1"
    G0 = "G0"
    G1 = "G1"
    G2 = "G2"
    G3 = "G3"
    G4 = "G4"
    G5 = "G5"
    C1 = "C1"
    ASSUMPTION = "A"

    @property
    def title(self) -> str:
        return CLAUSE_TITLES[self]

    @property
    def digest(self) -> str:
        return CLAUSE_DIGESTS[self]


CLAUSE_TITLES: dict[Clause, str] = {
    Clause.P1: "Ukraine's own defence is decisive",
    Clause.G0: "Guarantees activate at ceasefire; binding per national procedures",
    Clause.G1: "US-led monitoring and special commission",
    Clause.G2: "Support to Ukraine's armed forces",
    Clause.G3: "Multinational Force for Ukraine",
    Clause.G4: "Binding commitments if Russia attacks again",
    Clause.G5: "Long-term defence cooperation",
    Clause.C1: "US-Ukraine-Coalition coordination cell",
    Clause.ASSUMPTION: "Modelling assumption (no clause)",
}

CLAUSE_DIGESTS: dict[Clause, str] = {
    Clause.P1: (
        "Just and lasting peace per the UN Charter; Ukraine's ability to defend "
        "itself is decisive; the first layer of deterrence is denial."
    ),
    Clause.G0: (
        "Politically and legally binding guarantees, activated when a ceasefire "
        "enters into force, in accordance with each member's legal and "
        "constitutional provisions (ratification; the US Congress included)."
    ),
    Clause.G1: (
        "US-led ceasefire monitoring and verification with Coalition "
        "contributions; a special commission addresses violations, attributes "
        "responsibility and determines corrective measures."
    ),
    Clause.G2: (
        "Long-term support to Ukraine's forces: programmes, financing, budget "
        "cooperation, access to defence stockpiles for rapid support after an "
        "armed attack, help with defensive fortifications."
    ),
    Clause.G3: (
        "A European-led Multinational Force for Ukraine (air, sea, land), "
        "implemented only at Ukraine's request once a credible cessation of "
        "hostilities is in place, with proposed US support."
    ),
    Clause.G4: (
        "Binding commitments in case of a future armed attack by Russia: "
        "military capabilities, intelligence and logistics, diplomacy, "
        "additional sanctions."
    ),
    Clause.G5: (
        "Long-term defence cooperation: training, joint defence-industrial "
        "production, intelligence cooperation."
    ),
    Clause.C1: (
        "A US-Ukraine-Coalition coordination cell at the Coalition's "
        "operational headquarters in Paris."
    ),
    Clause.ASSUMPTION: "A rule the declaration does not state; see docs/ODD.md.",
}
