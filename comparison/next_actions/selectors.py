"""Reads of next actions: a report's list, and the maps its actions can be carried into.

The caller fetched the report through `reports_for`, so it is scoped to the user's
workspaces.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from comparison.models import NextAction, Report
from maps.models import EmpathyMap, Perspective
from maps.selectors import maps_for


def report_actions(report: Report) -> QuerySet[NextAction]:
    """The report's actions in list order."""
    return (
        NextAction.objects.filter(report=report)
        .select_related("carried_to_note__map")
        .order_by("position", "id")
    )


def carry_targets(user: AbstractBaseUser, report: Report) -> QuerySet[EmpathyMap]:
    """Internal maps of the report's persona that can take carried actions (unsealed),
    the newest round first."""
    return (
        maps_for(user)
        .filter(
            persona_id=report.pair.internal_map.persona_id,
            perspective=Perspective.INTERNAL,
            sealed_at__isnull=True,
        )
        .order_by("-round", "title", "id")
    )
