"""Blind-spot segments of the dashboard: where customers spoke and the team did not see
it coming, from the dashboard's loaded results (no query)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from comparison.scores import segment_figures, share, summary_count
from comparison.selectors.dashboard import PairResult
from comparison.selectors.notes import SEGMENT_ORDER
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS

# A blind spot: coverage below this (percent), or customers giving a segment this many
# percentage points more of their notes than the team did.
BLIND_SPOT_COVERAGE = 50.0
BLIND_SPOT_ATTENTION_GAP = 10.0


@dataclass(frozen=True)
class BlindSpot:
    """A segment across the dashboard's comparisons: customers' notes against the team's."""

    segment: str
    customer_notes: int
    internal_notes: int
    anticipated: int
    customer_share: float | None  # percent of all customer notes that are in this segment
    internal_share: float | None  # likewise for the team's hypotheses

    @property
    def label(self) -> str:
        return SEGMENT_LABELS.get(self.segment, self.segment)

    @property
    def coverage(self) -> float | None:
        return share(self.anticipated, self.customer_notes)

    @property
    def attention_gap(self) -> float | None:
        """Percentage points by which customers spoke of this segment more than the team."""
        if self.customer_share is None or self.internal_share is None:
            return None
        return round(self.customer_share - self.internal_share, 1)

    @property
    def is_blind_spot(self) -> bool:
        if not self.customer_notes:
            return False
        low_coverage = self.coverage is not None and self.coverage < BLIND_SPOT_COVERAGE
        gap = self.attention_gap
        return low_coverage or (gap is not None and gap >= BLIND_SPOT_ATTENTION_GAP)


def blind_spots(results: Sequence[PairResult]) -> list[BlindSpot]:
    """The six segments ranked as blind spots, worst first, from the dashboard's loaded
    `PairResult.summary` figures (no query).

    Counts are summed over the comparisons (a customer workshop compared with three
    teams counts three times, once against each team's hypotheses). Ranking: flagged
    segments first, then lowest coverage, then the widest attention gap, then the most
    customer notes. Segments without customer notes come last.
    """
    totals = {key: [0, 0, 0] for key in SEGMENT_KEYS}  # customer, internal, anticipated
    for result in results:
        for key in SEGMENT_KEYS:
            figures = segment_figures(result.summary, key)
            totals[key][0] += summary_count(figures, "customer_count")
            totals[key][1] += summary_count(figures, "internal_count")
            totals[key][2] += summary_count(figures, "anticipated")
    all_customer = sum(figures[0] for figures in totals.values())
    all_internal = sum(figures[1] for figures in totals.values())
    spots = [
        BlindSpot(
            segment=key,
            customer_notes=customer,
            internal_notes=internal,
            anticipated=min(anticipated, customer),
            customer_share=share(customer, all_customer),
            internal_share=share(internal, all_internal) if all_internal else 0.0,
        )
        for key, (customer, internal, anticipated) in totals.items()
    ]

    def rank(spot: BlindSpot) -> tuple:
        return (
            not spot.customer_notes,
            not spot.is_blind_spot,
            spot.coverage if spot.coverage is not None else 101.0,
            -(spot.attention_gap or 0.0),
            -spot.customer_notes,
            SEGMENT_ORDER[spot.segment],
        )

    return sorted(spots, key=rank)
