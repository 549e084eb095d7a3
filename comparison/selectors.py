"""Reads of reports and matches, scoped through maps.selectors.workspaces_for."""

from __future__ import annotations

from django.db.models import QuerySet

from comparison.models import Match, MatchKind, Report, ReviewDecision
from maps.models import MapPair
from maps.segments import SEGMENTS
from maps.selectors import AnyUser, workspaces_for


def reports_for(user: AnyUser) -> QuerySet[Report]:
    return Report.objects.filter(
        pair__internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related("pair__internal_map__persona__workspace", "pair__customer_map", "created_by")


def decisions_for(user: AnyUser) -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(
        pair__internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related("decided_by")


def latest_report(pair: MapPair) -> Report | None:
    """The pair's newest report of any status (what the pair page shows)."""
    return pair.reports.order_by("-created_at", "-id").first()


def report_sections(report: Report) -> dict:
    """A report's rows laid out for its page: per segment (canonical order) the pair and
    unmatched rows with the segment's figures, the also-matches, and the notes that can be
    linked by hand."""
    matches = list(report.matches.all())
    segment_figures = report.summary.get("segments", {})
    rows_by_segment: dict[str, list[Match]] = {segment.key: [] for segment in SEGMENTS}
    for match in matches:
        if match.kind != MatchKind.ALSO:
            # A misplaced pair is listed under the hypothesis' segment.
            rows_by_segment[match.internal_segment or match.customer_segment].append(match)

    def linkable(prefix: str) -> list[tuple[int, str]]:
        notes = {
            (getattr(m, f"{prefix}_note_id"), getattr(m, f"{prefix}_text"))
            for m in matches
            if getattr(m, f"{prefix}_note_id")
        }
        return sorted(notes, key=lambda note: note[1].casefold())

    return {
        "segments": [
            {
                "key": segment.key,
                "label": segment.label,
                "figures": segment_figures.get(segment.key, {}),
                "rows": rows_by_segment[segment.key],
            }
            for segment in SEGMENTS
        ],
        "also_matches": [match for match in matches if match.kind == MatchKind.ALSO],
        "internal_notes": linkable("internal"),
        "customer_notes": linkable("customer"),
    }


def report_page_context(report: Report, *, can_edit: bool = False, shared: bool = False) -> dict:
    """Everything `comparison/_report_body.html` needs, for the report page (`shared`
    False), the anonymous shared page and the HTML export (`shared` True: read-only)."""
    return {
        "report": report,
        "pair": report.pair,
        "shared": shared,
        "can_edit": can_edit and not shared,
        **report_sections(report),
    }
