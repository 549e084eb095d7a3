"""Stage 5, metrics: precision, coverage and the empathy score, as pure functions of the
verdicts (so a manual review can recompute them without re-running anything)."""

from __future__ import annotations

from collections.abc import Sequence

from comparison.engine.records import CustomerVerdict, InternalVerdict, Metrics
from maps.segments import SEGMENT_KEYS


def _percent(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _harmonic(precision: float, coverage: float) -> float:
    if precision + coverage == 0:
        return 0.0
    return round(2 * precision * coverage / (precision + coverage), 1)


def metrics_of(internal: Sequence[InternalVerdict], customer: Sequence[CustomerVerdict]) -> Metrics:
    """Metrics as a pure function of verdicts (recompute after a manual review).

    An empty side gives 0 for its figure: no hypotheses confirm nothing, and a map with no
    customer notes has nothing to anticipate.
    """
    counts = dict.fromkeys(("confirmed", "partial", "misplaced", "unconfirmed"), 0)
    counts |= {"anticipated": 0, "missed": 0}
    confirmed_weight = internal_weight = anticipated_weight = customer_weight = 0
    for note in internal:
        counts[note.verdict] += 1
        weight = max(note.votes, 0) + 1
        internal_weight += weight
        confirmed_weight += weight if note.verdict == "confirmed" else 0
    for note in customer:
        counts[note.verdict] += 1
        weight = max(note.votes, 0) + 1
        customer_weight += weight
        anticipated_weight += weight if note.verdict == "anticipated" else 0
    precision = _percent(counts["confirmed"], len(internal))
    coverage = _percent(counts["anticipated"], len(customer))
    weighted_precision = _percent(confirmed_weight, internal_weight)
    weighted_coverage = _percent(anticipated_weight, customer_weight)
    return Metrics(
        empathy_score=_harmonic(precision, coverage),
        precision=precision,
        coverage=coverage,
        weighted_empathy_score=_harmonic(weighted_precision, weighted_coverage),
        weighted_precision=weighted_precision,
        weighted_coverage=weighted_coverage,
        internal_count=len(internal),
        customer_count=len(customer),
        **counts,
    )


def recompute_metrics(
    internal: Sequence[InternalVerdict], customer: Sequence[CustomerVerdict]
) -> tuple[Metrics, dict[str, Metrics]]:
    """(summary, per-segment metrics in canonical order) from verdict lists."""
    segments = {
        key: metrics_of(
            [note for note in internal if note.segment == key],
            [note for note in customer if note.segment == key],
        )
        for key in SEGMENT_KEYS
    }
    return metrics_of(internal, customer), segments
