"""The consultant's commentary on the sections of a report."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comparison.models import MAX_COMMENTARY_CHARS, CommentarySection, Report, ReportCommentary
from maps.models import Role
from maps.selectors import require_role


def commentary_save(
    *, user: AbstractBaseUser, report: Report, section: str, text: str
) -> ReportCommentary | None:
    """Write (or, with empty text, delete) the commentary on one section of a report.

    Editors only. Plain text: line breaks are kept (normalised to "\\n"), surrounding
    whitespace dropped; it is escaped wherever it is shown. Returns the saved commentary,
    or None when the text was empty and any earlier commentary was removed.
    """
    require_role(user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    if section not in CommentarySection.values:
        raise ValidationError(
            {
                "section": _("Unknown section “%(section)s”; choose one of %(sections)s.")
                % {"section": section, "sections": ", ".join(CommentarySection.values)}
            }
        )
    if not isinstance(text, str):
        raise ValidationError({"text": _("The commentary must be text.")})
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in cleaned:
        raise ValidationError({"text": _("The commentary contains a NUL character; remove it.")})
    if len(cleaned) > MAX_COMMENTARY_CHARS:
        raise ValidationError(
            {
                "text": _("The commentary has %(length)s characters; the limit is %(limit)s.")
                % {"length": len(cleaned), "limit": MAX_COMMENTARY_CHARS}
            }
        )
    with transaction.atomic():
        existing = (
            ReportCommentary.objects.select_for_update()
            .filter(report=report, section=section)
            .first()
        )
        if not cleaned:
            if existing is not None:
                existing.delete()
            return None
        commentary = existing or ReportCommentary(report=report, section=section)
        commentary.text = cleaned
        commentary.updated_by = user
        commentary.full_clean()
        commentary.save()
    return commentary
