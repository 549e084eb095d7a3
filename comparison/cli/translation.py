"""The command line's language, without Django: the site's catalogue read by the standard
library's `gettext`.

`compare_files` prints in English or German: `--output-language de|en`, else the
environment as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: "de_DE.UTF-8"
is German), else English. The words come from the project's own compiled catalogue
(`locale/<language>/LC_MESSAGES/django.mo`, the one the web pages use); without it the
output stays English. Strings are marked with `gettext(...)`, so `makemessages` finds them.
The catalogue is installed into `maps.translation`, the hook of every module that must
not import Django, so the file readers' refusals read in the same language.
"""

from __future__ import annotations

import gettext as gettext_module
import os
from collections.abc import Mapping
from pathlib import Path

from maps import translation

LANGUAGES: tuple[str, ...] = ("en", "de")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
# The environment variables gettext reads, strongest first (LANGUAGE may list several).
_LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# How each language writes a decimal number (thousands are not grouped in the output).
_DECIMAL_MARKS: dict[str, str] = {"en": ".", "de": ","}

_active_language = DEFAULT_LANGUAGE
_catalogue: gettext_module.NullTranslations = gettext_module.NullTranslations()


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The first of our languages the environment asks for ("de_DE.UTF-8" is "de");
    English when none is set or the first one set is another language."""
    environ = os.environ if environ is None else environ
    for name in _LANGUAGE_VARIABLES:
        value = environ.get(name, "")
        if not value:
            continue
        for entry in value.split(":"):
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
        return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def activate(language: str | None = None) -> str:
    """Print in `language` from now on (None: the environment's); returns the language."""
    global _active_language, _catalogue  # noqa: PLW0603 - one process, one output language
    chosen = language if language in LANGUAGES else language_from_environment()
    _active_language = chosen
    if chosen == DEFAULT_LANGUAGE:
        _catalogue = gettext_module.NullTranslations()
    else:
        _catalogue = gettext_module.translation(
            "django", localedir=str(LOCALE_DIR), languages=[chosen], fallback=True
        )
    translation.install(
        gettext=_catalogue.gettext,
        ngettext=_catalogue.ngettext,
        pgettext=_catalogue.pgettext,
        number=_grouped,
    )
    return chosen


def _grouped(value: int | float) -> str:
    """A whole number grouped as the active language writes it: 5,000 / 5.000."""
    grouped = f"{value:,}"
    return grouped.translate(str.maketrans(",.", ".,")) if _active_language == "de" else grouped


def active_language() -> str:
    return _active_language


gettext = translation.gettext
ngettext = translation.ngettext


def number(value: float, digits: int = 1) -> str:
    """A figure with `digits` decimals in the active language ("47.6", "47,6")."""
    return f"{value:.{digits}f}".replace(".", _DECIMAL_MARKS[_active_language])


def setting(value: object) -> str:
    """A setting's value as given (a threshold of 0.5 is "0,5" in German)."""
    if isinstance(value, float):
        return str(value).replace(".", _DECIMAL_MARKS[_active_language])
    return str(value)
