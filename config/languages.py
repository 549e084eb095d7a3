"""The interface's languages (settings.LANGUAGES) and how a requested one maps onto them:
one place for the report's language, the mail's and a person's preferences."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def language_codes() -> tuple[str, ...]:
    """The codes Gapmap speaks ("en", "de")."""
    return tuple(code for code, _name in settings.LANGUAGES)


def supported_language(language: str | None) -> str:
    """`language` as one of `language_codes()` ("de-at" -> "de"); the default language
    (settings.LANGUAGE_CODE) for none or one Gapmap does not speak."""
    if not language:
        return settings.LANGUAGE_CODE
    try:
        code = translation.get_supported_language_variant(language)
    except LookupError:
        return settings.LANGUAGE_CODE
    return code.split("-")[0]
