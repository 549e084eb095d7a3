"""Figures read from a report's stored summary, and pooled over several reports (pure).

A summary is `{**overall_metrics, "segments": {key: metrics}}` (see `comparison.services`);
it is JSON from the database, so every reader here accepts a missing or malformed value
and reads it as "no data".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any


def number(value: object) -> float | None:
    """A finite number as float, else None (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def summary_count(metrics: Mapping[str, Any], name: str) -> int:
    value = number(metrics.get(name))
    return max(int(value), 0) if value is not None else 0


def segment_figures(summary: Mapping[str, Any] | None, key: str) -> Mapping[str, Any]:
    """One segment's metrics of a summary; empty when absent or malformed."""
    segments = summary.get("segments") if isinstance(summary, Mapping) else None
    metrics = segments.get(key) if isinstance(segments, Mapping) else None
    return metrics if isinstance(metrics, Mapping) else {}


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal; None when `whole` is nothing."""
    return round(100.0 * part / whole, 1) if whole else None


def _has_notes(metrics: Mapping[str, Any]) -> bool:
    return summary_count(metrics, "internal_count") + summary_count(metrics, "customer_count") > 0


def pooled_score(metrics: Sequence[Mapping[str, Any]]) -> float | None:
    """The empathy score of several comparisons taken together, or None without notes.

    One comparison keeps its own figure (the report page shows the same). Several (e.g.
    the pairs of one round) pool their counts: precision = confirmed / hypotheses,
    coverage = anticipated / customer notes, harmonic mean, as the engine computes it.
    """
    with_notes = [item for item in metrics if _has_notes(item)]
    if not with_notes:
        return None
    if len(with_notes) == 1:
        return number(with_notes[0].get("empathy_score"))
    internal = sum(summary_count(item, "internal_count") for item in with_notes)
    customer = sum(summary_count(item, "customer_count") for item in with_notes)
    confirmed = sum(summary_count(item, "confirmed") for item in with_notes)
    anticipated = sum(summary_count(item, "anticipated") for item in with_notes)
    precision = 100.0 * confirmed / internal if internal else 0.0
    coverage = 100.0 * anticipated / customer if customer else 0.0
    if precision + coverage == 0:
        return 0.0
    return round(2 * precision * coverage / (precision + coverage), 1)


class HypothesisShares:
    """The shares a team (one perspective, or pooled) is judged by, from its counts
    (`hypotheses`, `confirmed`, `unconfirmed`, `anticipated`, `customer_notes`)."""

    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int
    customer_notes: int

    @property
    def unconfirmed_share(self) -> float | None:
        """Share (percent) of the hypotheses no customer note supported."""
        return share(self.unconfirmed, self.hypotheses)

    @property
    def precision(self) -> float | None:
        """Hypothesis precision: confirmed / hypotheses ("were we right?")."""
        return share(self.confirmed, self.hypotheses)

    @property
    def coverage(self) -> float | None:
        """Coverage: anticipated / customer notes ("did we see it coming?")."""
        return share(self.anticipated, self.customer_notes)
