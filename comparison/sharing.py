"""Share links: read-only access to one report for people without an account.

A link is an unguessable token (`secrets.token_urlsafe(32)`: 256 bits) of which only the
SHA-256 is stored, so a copy of the database opens nothing. Whoever holds the token reads
that one report until the link expires or is revoked; every bad case (unknown, forged,
expired, revoked, a report that is no longer finished) looks the same from outside.

Services (`share_link_*`) write and check the editor role; selectors read and scope by
the caller's workspaces. The rate limit of token lookups lives here too, so the view and
any later entry point share one budget.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from comparison.models import Report, ReportStatus, ShareLink
from maps.models import Role
from maps.selectors import AnyUser, has_role, workspaces_for

MIN_EXPIRY_DAYS = 1
# A link outliving a quarter is forgotten rather than used; a new one is one click away.
MAX_EXPIRY_DAYS = 90
DEFAULT_EXPIRY_DAYS = 14
# 32 random bytes: 256 bits of entropy, 43 URL-safe characters.
TOKEN_BYTES = 32
# Longer input is not a token; refusing it early bounds the hashing work per request.
MAX_TOKEN_CHARS = 128

EXPIRY_RANGE_MESSAGE = f"A share link expires after {MIN_EXPIRY_DAYS} to {MAX_EXPIRY_DAYS} days."

LinkStatus = Literal["active", "expired", "revoked"]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _workspace_id(report: Report) -> int:
    return report.pair.internal_map.persona.workspace_id


def _require_editor(user: AnyUser, report: Report) -> None:
    if not has_role(user, _workspace_id(report), Role.EDITOR):
        raise PermissionDenied("Sharing a report needs the editor role in its workspace.")


def _validate_days(expires_in_days: object) -> int:
    # bool is an int subclass; True days is not a choice anyone means.
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int):
        raise ValidationError(
            {"expires_in_days": "Give the expiry as a whole number of days."},
            code="invalid",
        )
    if not MIN_EXPIRY_DAYS <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            {
                "expires_in_days": (
                    f"{EXPIRY_RANGE_MESSAGE[:-1]}; {expires_in_days} is outside that range."
                )
            },
            code="out_of_range",
        )
    return expires_in_days


# --- services ---------------------------------------------------------------------------


@transaction.atomic
def share_link_create(
    *, user: AnyUser, report: Report, expires_in_days: int
) -> tuple[ShareLink, str]:
    """Create a link and return it with its token. The token exists only in this return
    value: callers show it once and never store or log it."""
    _require_editor(user, report)
    days = _validate_days(expires_in_days)
    if report.status != ReportStatus.SUCCEEDED:
        raise ValidationError(
            "Only a finished report can be shared; this one is %(status)s.",
            code="not_finished",
            params={"status": report.get_status_display().lower()},
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        report=report,
        token_hash=token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        created_by=user,
    )
    link.full_clean()
    link.save()
    return link, token


@transaction.atomic
def share_link_revoke(*, user: AnyUser, link: ShareLink) -> ShareLink:
    """Revoke a link (idempotent: a second revoke keeps the first time). The row stays so
    its views remain visible."""
    link = (
        ShareLink.objects.select_for_update()
        .select_related("report__pair__internal_map__persona")
        .get(pk=link.pk)
    )
    _require_editor(user, link.report)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "updated_at"])
    return link


def share_link_record_view(link: ShareLink) -> None:
    """Count one view atomically (F() in SQL: concurrent views never lose a count)."""
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )


# --- selectors --------------------------------------------------------------------------


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


# --- rate limit of token lookups ---------------------------------------------------------


def _attempts_key(client_ip: str) -> str:
    # Hashed: a cache key never carries a raw address and stays short and key-safe.
    return "share-fail:" + hashlib.sha256(client_ip.encode()).hexdigest()[:32]


def share_lookups_exhausted(client_ip: str) -> bool:
    """True once this address has used up its failed lookups in the current window."""
    return cache.get(_attempts_key(client_ip), 0) >= settings.GAPMAP_SHARE_MAX_FAILURES


def share_lookup_failed(client_ip: str) -> None:
    """Count a failed lookup. Only failures count: a client's whole team opening the
    real link from one office address must not lock itself out."""
    key = _attempts_key(client_ip)
    # add() starts the window only if no counter exists yet; incr() is atomic on Redis.
    cache.add(key, 0, timeout=settings.GAPMAP_SHARE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr(): start a new window
        cache.set(key, 1, timeout=settings.GAPMAP_SHARE_WINDOW_SECONDS)
