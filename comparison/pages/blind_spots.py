"""Blind-spot segments of the dashboard: where customers spoke and the team did not see
it coming, from the dashboard's loaded results (no query)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

from comparison.scores import segment_figures, share, summary_count
from comparison.selectors.dashboard import PairResult
from comparison.selectors.notes import SEGMENT_ORDER
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS

# A blind spot is judged against the workspace's own coverage, not an absolute bar: a team
# that anticipates 40% of what customers say overall has every segment under 50%, and
# flagging five of six segments says nothing. A segment is a blind spot when its coverage
# is this many percentage points below the coverage over all segments, or when customers
# gave it this many points more of their notes than the team did; in either case only with
# enough customer notes that one note does not decide it.
BLIND_SPOT_COVERAGE_MARGIN = 15.0
BLIND_SPOT_ATTENTION_GAP = 10.0
BLIND_SPOT_MIN_NOTES = 3
# Attention gaps smaller than this (points) are noise from a note or two: shown as "even".
ATTENTION_GAP_NOISE = 5.0


@dataclass(frozen=True)
class BlindSpot:
    """A segment across the dashboard's comparisons: customers' notes against the team's."""

    segment: str
    customer_notes: int
    internal_notes: int
    anticipated: int
    customer_share: float | None  # percent of all customer notes that are in this segment
    internal_share: float | None  # likewise for the team's hypotheses
    # Anticipated customer notes over all segments, percent: the bar this segment is held to.
    overall_coverage: float | None = None

    @property
    def label(self) -> str:
        label = SEGMENT_LABELS.get(self.segment)
        return gettext(label) if label else self.segment

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
    def coverage_below_overall(self) -> float | None:
        """Percentage points by which this segment's coverage trails the overall one."""
        if self.coverage is None or self.overall_coverage is None:
            return None
        return round(self.overall_coverage - self.coverage, 1)

    @property
    def attention_gap_shown(self) -> float | None:
        """The attention gap, or None when it is too small to mean anything."""
        gap = self.attention_gap
        return None if gap is None or abs(gap) < ATTENTION_GAP_NOISE else gap

    @property
    def is_blind_spot(self) -> bool:
        if self.customer_notes < BLIND_SPOT_MIN_NOTES:
            return False
        below = self.coverage_below_overall
        gap = self.attention_gap
        return (below is not None and below >= BLIND_SPOT_COVERAGE_MARGIN) or (
            gap is not None and gap >= BLIND_SPOT_ATTENTION_GAP
        )


def blind_spots(results: Sequence[PairResult]) -> list[BlindSpot]:
    """The six segments ranked as blind spots, worst first, from the dashboard's loaded
    `PairResult.summary` figures (no query).

    Counts are summed over the comparisons (a customer workshop compared with three
    teams counts three times, once against each team's hypotheses); a segment is held to
    the coverage over all segments of the same comparisons. Ranking: flagged
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
    all_anticipated = sum(min(figures[2], figures[0]) for figures in totals.values())
    overall_coverage = share(all_anticipated, all_customer)
    spots = [
        BlindSpot(
            segment=key,
            customer_notes=customer,
            internal_notes=internal,
            anticipated=min(anticipated, customer),
            customer_share=share(customer, all_customer),
            internal_share=share(internal, all_internal) if all_internal else 0.0,
            overall_coverage=overall_coverage,
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
