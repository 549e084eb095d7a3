"""Reads of reports, review decisions, commentaries and the recorded seal, scoped through
`maps.selectors.workspaces_for`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from comparison.models import CommentarySection, Report, ReportCommentary, ReviewDecision
from maps.models import MapPair
from maps.selectors import AnyUser, workspaces_for


def reports_for(user: AnyUser) -> QuerySet[Report]:
    """Every report of the user's workspaces: the choke-point every report read starts from."""
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


def report_commentaries(report: Report) -> dict[str, ReportCommentary]:
    """The report's commentary per section key (one query)."""
    return {
        commentary.section: commentary
        for commentary in report.commentaries.select_related("updated_by")
    }


def report_commentary_blocks(report: Report) -> dict[str, dict]:
    """Per section key: its label and commentary (None when nobody wrote one)."""
    commentaries = report_commentaries(report)
    return {
        section.value: {
            "key": section.value,
            "label": section.label,
            "commentary": commentaries.get(section.value),
        }
        for section in CommentarySection
    }


@dataclass(frozen=True)
class ReportSeal:
    """The internal map's seal as recorded when the report's comparison ran (never the
    map's current state). `recorded` is False for reports run before it was kept."""

    recorded: bool
    sealed: bool | None = None
    sealed_at: datetime.datetime | None = None
    sealed_by: str = ""
    seal_digest: str = ""
    compared_digest: str = ""
    # True: the comparison used exactly the sealed hypotheses; None: not sealed.
    compared_sealed_notes: bool | None = None

    @property
    def mismatch(self) -> bool:
        """Sealed, yet the compared notes are not the sealed ones (written around the seal)."""
        return bool(self.sealed) and self.compared_sealed_notes is False

    def as_json(self) -> dict[str, Any]:
        """The API's and the JSON export's `internal_seal` (same keys when not recorded)."""
        return {
            "recorded": self.recorded,
            "sealed": self.sealed,
            "sealed_at": self.sealed_at.isoformat() if self.sealed_at else None,
            "sealed_by": self.sealed_by,
            "seal_digest": self.seal_digest,
            "compared_digest": self.compared_digest,
            "compared_sealed_notes": self.compared_sealed_notes,
        }


def _aware(value: object) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def report_seal(report: Report) -> ReportSeal:
    """What `Report.internal_seal` recorded, read defensively (no query)."""
    data = report.internal_seal
    if not isinstance(data, Mapping):
        return ReportSeal(recorded=False)
    sealed = data.get("sealed") is True
    matches = data.get("compared_sealed_notes")
    return ReportSeal(
        recorded=True,
        sealed=sealed,
        sealed_at=_aware(data.get("sealed_at")) if sealed else None,
        sealed_by=str(data.get("sealed_by") or ""),
        seal_digest=str(data.get("seal_digest") or ""),
        compared_digest=str(data.get("compared_digest") or ""),
        compared_sealed_notes=matches if sealed and isinstance(matches, bool) else None,
    )
