"""The language of what a client reads of a report: its shared page and its exports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comparison.models import Report
from maps.models import Role
from maps.selectors import require_role


def report_languages() -> dict[str, str]:
    """The languages a report can be read in: code -> the language's own name."""
    return dict(settings.LANGUAGES)


@transaction.atomic
def report_language_set(*, user: AbstractBaseUser, report: Report, language: str) -> Report:
    """Set the language of a report's shared page and exports. Editors only (checked
    first, so a viewer learns nothing from the validation); a language Gapmap does not
    speak is refused and nothing changes. Setting the language it has is a no-op."""
    require_role(user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    languages = report_languages()
    if language not in languages:
        raise ValidationError(
            {
                "language": _("Choose one of these languages: %(languages)s.")
                % {"languages": ", ".join(languages.values())}
            },
            code="invalid_language",
        )
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.language != language:
        report.language = language
        report.save(update_fields=["language", "updated_at"])
    return report
