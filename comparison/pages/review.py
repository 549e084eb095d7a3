"""Review mode: every suggestion that awaits review, one card each, in the report's order
(segment by segment, each hypothesis' suggestions most likely first), with the progress
("4 of 17 reviewed"). What `comparison/review.html` and its fragment need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from comparison.models import Report
from comparison.pages.report import Evidence, report_review_status
from comparison.selectors.suggestions import awaits_review, report_suggestions
from comparison.templatetags.verdict_tags import translated_segment_label, translated_verdict_label
from maps.segments import SEGMENT_KEYS

_SEGMENT_RANK = {key: rank for rank, key in enumerate(SEGMENT_KEYS)}


@dataclass(frozen=True)
class ReviewCard(Evidence):
    """One suggestion in review mode: the hypothesis and the customer note side by side."""

    position: int = 0  # 1-based among the cards
    # Where review mode goes on after a decision on this card: the next card, or for a
    # confirmation the next card of another hypothesis (a confirmed hypothesis' other
    # suggestions leave the queue).
    next_key: str = "review"
    next_other_key: str = "review"

    @property
    def hypothesis_segment_label(self) -> str:
        return translated_segment_label(self.suggestion.internal_segment)

    @property
    def verdict_label(self) -> str:
        return translated_verdict_label(self.suggestion.internal_verdict)

    @property
    def anchor(self) -> str:
        """The hypothesis' anchor on the report page."""
        return f"note-{self.suggestion.internal_note_id}"


def review_cards(report: Report) -> list[ReviewCard]:
    """The suggestions awaiting review, in the report's segment order (one query)."""
    waiting = [s for s in report_suggestions(report) if awaits_review(s)]
    waiting.sort(key=lambda s: (_SEGMENT_RANK.get(s.internal_segment, len(_SEGMENT_RANK)), s.id))
    cards = []
    for index, suggestion in enumerate(waiting):
        later = waiting[index + 1 :]
        other = next((s for s in later if s.internal_note_id != suggestion.internal_note_id), None)
        cards.append(
            ReviewCard(
                suggestion,
                position=index + 1,
                next_key=Evidence(later[0]).key if later else "review",
                next_other_key=Evidence(other).key if other else "review",
            )
        )
    return cards


def review_page_context(report: Report, *, can_edit: bool) -> dict[str, Any]:
    """Review mode's cards and progress. `progress.reviewed` counts the pairs of notes a
    person decided that this report applies (confirmed, dismissed, accepted, rejected or
    linked, here or, learned, elsewhere in the workspace); `progress.total` adds those
    still open."""
    cards = review_cards(report)
    status = report_review_status(report, [card.suggestion for card in cards])
    percent = round(100 * status["reviewed"] / status["total"]) if status["total"] else 100
    return {
        "report": report,
        "pair": report.pair,
        "can_edit": can_edit,
        "cards": cards,
        "progress": {**status, "percent": percent},
    }
