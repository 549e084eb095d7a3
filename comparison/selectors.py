"""Reads of reports and matches, scoped through maps.selectors.workspaces_for."""

from __future__ import annotations

from django.db.models import QuerySet

from comparison.models import Match, Report, ReportStatus, ReviewDecision
from maps.models import MapPair
from maps.selectors import AnyUser, workspaces_for


def reports_for(user: AnyUser) -> QuerySet[Report]:
    return Report.objects.filter(
        pair__internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related("pair__internal_map__persona__workspace", "pair__customer_map", "created_by")


def matches_for(user: AnyUser) -> QuerySet[Match]:
    return Match.objects.filter(report__in=reports_for(user))


def decisions_for(user: AnyUser) -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(
        pair__internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related("decided_by")


def latest_report(pair: MapPair) -> Report | None:
    """The pair's newest report of any status (what the pair page shows)."""
    return pair.reports.order_by("-created_at", "-id").first()


def latest_succeeded_report(pair: MapPair) -> Report | None:
    return (
        pair.reports.filter(status=ReportStatus.SUCCEEDED).order_by("-finished_at", "-id").first()
    )
