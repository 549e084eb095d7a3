"""The round builder: a customer workshop, each team's internal map, their pairs and
compared reports, all written through the services (by way of the factories).

A round's customer map is paired with one internal map per team; a single comparison is
a round of one team. `teams` maps a team's name ("" for no team) to its notes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from comparison.models import Report
from maps.models import MapPair, Persona
from tests.support.factories import (
    HELD_ON,
    EmpathyMapFactory,
    MapPairFactory,
    NoteLike,
    ReportFactory,
)


def build_round_pairs(
    owner,
    persona: Persona,
    *,
    customer: Sequence[NoteLike],
    teams: Mapping[str, Sequence[NoteLike]],
    round_number: int = 1,
    held_on: datetime.date | None = HELD_ON,
    customer_title: str | None = None,
    titles: Mapping[str, str] | None = None,
    facilitator: str = "",
    participants: str = "",
) -> dict[str, MapPair]:
    """One customer workshop of `round_number` paired with each team's internal map, not
    yet compared. Titles default to "Customers round N" and "<team> round N"."""
    workshop = {
        "persona": persona,
        "held_on": held_on,
        "round": round_number,
        "facilitator": facilitator,
        "participants": participants,
        "by": owner,
    }
    customer_map = EmpathyMapFactory(
        perspective="customer",
        title=customer_title or f"Customers round {round_number}",
        notes=customer,
        **workshop,
    )
    pairs = {}
    for team, notes in teams.items():
        internal_map = EmpathyMapFactory(
            perspective="internal",
            title=(titles or {}).get(team) or f"{team or 'Team'} round {round_number}",
            team=team,
            notes=notes,
            **workshop,
        )
        pairs[team] = MapPairFactory(internal_map=internal_map, customer_map=customer_map, by=owner)
    return pairs


def build_round(
    owner,
    persona: Persona,
    *,
    customer: Sequence[NoteLike],
    teams: Mapping[str, Sequence[NoteLike]],
    compared_by=None,
    **round_options,
) -> dict[str, Report]:
    """`build_round_pairs`, each pair compared (by `compared_by`, default the owner) to a
    succeeded report; the reports by team."""
    pairs = build_round_pairs(owner, persona, customer=customer, teams=teams, **round_options)
    return {team: ReportFactory(pair=pair, by=compared_by or owner) for team, pair in pairs.items()}


def build_comparison(
    owner,
    persona: Persona,
    *,
    internal: Sequence[NoteLike],
    customer: Sequence[NoteLike],
    team: str = "",
    compared_by=None,
    **round_options,
) -> Report:
    """A round of one team: its internal map compared with the customer map, the report."""
    (report,) = build_round(
        owner,
        persona,
        customer=customer,
        teams={team: internal},
        compared_by=compared_by,
        **round_options,
    ).values()
    return report


# --- a known comparison: the report page's and the exports' tests -------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"

# (segment, text, votes)
INTERNAL = [
    ("pains", "Too many tools that don't talk to each other", 5),
    ("gains", f"Lower prices from suppliers {SCRIPT}", 2),
    ("thinks_feels", "Wants to be seen as the one who saves money", 4),
    ("sees", "Approval workflows take weeks", 3),
]
CUSTOMER = [
    ("pains", "Too many tools that do not talk to each other", 4),
    ("hears", f"Auditors ask for a complete paper trail {IMG}", 1),
    ("says_does", '=HYPERLINK("http://evil.example","click")', 6),
    ("pains", "Approval workflows take weeks and weeks", 2),
]


def known_pair(
    owner,
    persona: Persona,
    internal: Sequence[NoteLike] = INTERNAL,
    customer: Sequence[NoteLike] = CUSTOMER,
) -> MapPair:
    """The sales team's hypotheses and the March customer workshop, with markup and a
    spreadsheet formula among the notes; not yet compared."""
    return build_round_pairs(
        owner,
        persona,
        customer=customer,
        teams={"": internal},
        held_on=datetime.date(2026, 3, 12),
        customer_title="Customer workshop March",
        titles={"": "Sales team hypotheses"},
        facilitator="Fiona Facilitator",
        participants="Ana\nBen, Chris",
    )[""]
