"""Reads of share links: the links in the caller's workspaces, a link's status, and the
link a token or a visitor's session opens.

Every bad case (unknown, forged, expired, revoked, a report that is no longer finished)
answers None, so they all look the same from outside.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone

from comparison.models import Report, ReportStatus, ShareLink
from config.tokens import MAX_TOKEN_CHARS, token_hash
from maps.selectors import AnyUser, workspaces_for

LinkStatus = Literal["active", "expired", "revoked"]


def share_links_for(user: AnyUser) -> QuerySet[ShareLink]:
    """The links of every report in the user's workspaces."""
    return ShareLink.objects.filter(
        report__pair__internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related("report__pair__internal_map__persona", "created_by")


def share_link_status(link: ShareLink, now: datetime.datetime | None = None) -> LinkStatus:
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def _usable(link: ShareLink | None) -> ShareLink | None:
    """The link if it still opens its report, else None: one answer for every bad case."""
    if link is None or share_link_status(link) != "active":
        return None
    if link.report.status != ReportStatus.SUCCEEDED:
        return None
    return link


def _links_with_report() -> QuerySet[ShareLink]:
    return ShareLink.objects.select_related(
        "report__pair__internal_map__persona__workspace",
        "report__pair__customer_map",
        "report__created_by",
    )


def share_link_for_token(token: str) -> ShareLink | None:
    """The active link for a token, or None. Lookup is by hash: the database compares
    digests of a secret it never saw, so comparison timing reveals nothing about it."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return _usable(_links_with_report().filter(token_hash=token_hash(token)).first())


def share_link_active(link_id: object) -> ShareLink | None:
    """The link a visitor's session points at, if it is still active (checked on every
    request, so a revoke or the expiry takes effect at once)."""
    if isinstance(link_id, bool) or not isinstance(link_id, int):
        return None
    return _usable(_links_with_report().filter(pk=link_id).first())


def shared_report_for_token(token: str) -> Report | None:
    link = share_link_for_token(token)
    return link.report if link else None
