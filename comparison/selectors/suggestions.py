"""Reads of a report's evidence suggestions: the customer notes the engine proposes for each
hypothesis, and which of them still await a person's review."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from comparison.models import MatchKind, Report, Suggestion, SuggestionState, Verdict

# Only a hypothesis no customer note confirmed (or only in part) asks for evidence: a
# confirmed or misplaced one already has its partner, which editors accept or reject.
REVIEWABLE_VERDICTS: tuple[str, ...] = (Verdict.UNCONFIRMED, Verdict.PARTIAL)


# `awaits_review` as a query condition.
AWAITING_REVIEW = Q(
    state=SuggestionState.OPEN,
    internal_verdict__in=REVIEWABLE_VERDICTS,
    internal_note__isnull=False,
    customer_note__isnull=False,
)


def awaits_review(suggestion: Suggestion) -> bool:
    """Open, under a hypothesis that asks for evidence, and both notes still exist (a
    decision names the two notes)."""
    return (
        suggestion.state == SuggestionState.OPEN
        and suggestion.internal_verdict in REVIEWABLE_VERDICTS
        and suggestion.internal_note_id is not None
        and suggestion.customer_note_id is not None
    )


def report_suggestions(report: Report) -> list[Suggestion]:
    """Every suggestion of the report, per hypothesis most likely first (one query)."""
    return list(report.suggestions.order_by("id"))


def suggestions_awaiting_review(report: Report) -> QuerySet[Suggestion]:
    """The suggestions `awaits_review` keeps, as a queryset (for the API and counts)."""
    return report.suggestions.filter(AWAITING_REVIEW).order_by("id")


def shares_evidence(report: Report, internal_note_id: int, customer_note_id: int) -> bool:
    """Whether a hypothesis' link to this customer note is kept beyond one-to-one: the
    customer note is the partner of another hypothesis, and this link an also-match."""
    return report.matches.filter(
        kind=MatchKind.ALSO, internal_note_id=internal_note_id, customer_note_id=customer_note_id
    ).exists()
