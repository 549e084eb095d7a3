"""Writes of share links: create, revoke, count a view.

Creating and revoking need the editor role in the report's workspace. The token exists
only in `share_link_create`'s return value; the database keeps its SHA-256
(`tokens.token_hash`).
"""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comparison.models import Report, ReportStatus, ShareLink
from config.tokens import TOKEN_BYTES, token_hash
from maps.models import Role
from maps.selectors import AnyUser, has_role

MIN_EXPIRY_DAYS = 1
# A link outliving a quarter is forgotten rather than used; a new one is one click away.
MAX_EXPIRY_DAYS = 90
DEFAULT_EXPIRY_DAYS = 14

EXPIRY_RANGE_MESSAGE = format_lazy(
    gettext_lazy("A share link expires after {low} to {high} days."),
    low=MIN_EXPIRY_DAYS,
    high=MAX_EXPIRY_DAYS,
)


def _workspace_id(report: Report) -> int:
    return report.pair.internal_map.persona.workspace_id


def _require_editor(user: AnyUser, report: Report) -> None:
    if not has_role(user, _workspace_id(report), Role.EDITOR):
        raise PermissionDenied(_("Sharing a report needs the editor role in its workspace."))


def _validate_days(expires_in_days: object) -> int:
    # bool is an int subclass; True days is not a choice anyone means.
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int):
        raise ValidationError(
            {"expires_in_days": _("Give the expiry as a whole number of days.")},
            code="invalid",
        )
    if not MIN_EXPIRY_DAYS <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            {
                "expires_in_days": _(
                    "A share link expires after %(low)s to %(high)s days; %(days)s is outside "
                    "that range."
                )
                % {"low": MIN_EXPIRY_DAYS, "high": MAX_EXPIRY_DAYS, "days": expires_in_days}
            },
            code="out_of_range",
        )
    return expires_in_days


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
            _("Only a finished report can be shared; this one is %(status)s."),
            code="not_finished",
            params={"status": str(report.get_status_display()).lower()},
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
