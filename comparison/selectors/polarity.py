"""Polarity findings ("same topic, opposite feeling"): a report's hypotheses in Gains
matched by customer notes in Pains, or the reverse."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q

from comparison.models import MatchKind, Report
from comparison.selectors.notes import MATCH_FIELDS, NoteRef, customer_note, internal_note
from maps.models import Segment


@dataclass(frozen=True)
class PolarityFinding:
    """A hypothesis and the customer note it matched, across Gains and Pains."""

    internal: NoteRef
    customer: NoteRef
    score: float | None
    kind: str


_OPPOSITES = Q(internal_segment=Segment.GAINS, customer_segment=Segment.PAINS) | Q(
    internal_segment=Segment.PAINS, customer_segment=Segment.GAINS
)


def polarity_findings(report: Report) -> list[PolarityFinding]:
    """The report's matched notes (pairs and "also matches") across Gains and Pains, the
    strongest first. One query."""
    rows = (
        report.matches.filter(kind__in=(MatchKind.PAIR, MatchKind.ALSO))
        .filter(_OPPOSITES)
        .order_by(F("score").desc(nulls_last=True), "id")
        .values(*MATCH_FIELDS)
    )
    return [
        PolarityFinding(
            internal=internal_note(row),
            customer=customer_note(row),
            score=row["score"],
            kind=row["kind"],
        )
        for row in rows
    ]
