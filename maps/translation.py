"""The interface's words in the reader's language, for the modules that must not import
Django: the file readers (`maps.io`), the chart builders (`comparison.charts`), the
segments and verdicts, and the command line.

They write every message with the functions here, which `makemessages` finds by their
names (`gettext`, `ngettext`, `pgettext`, `gettext_noop`), and whoever runs them installs
the real translation once (`install`): the Django app at start-up (`maps.apps`: Django's
functions, so messages follow the request's language) or the command line (the compiled
catalogue read by the standard library, `comparison.cli.translation`). Until then the
words stay English, numbers are grouped with commas and days are ISO 8601.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _no_context(context: str, message: str) -> str:
    return message


def _grouped(value: int | float) -> str:
    return f"{value:,}"


def _iso_date(value: datetime.date) -> str:
    return value.isoformat()


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural
_pgettext: Callable[[str, str], str] = _no_context
_number: Callable[[int | float], str] = _grouped
_format_date: Callable[[datetime.date], str] = _iso_date


def install(
    *,
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    pgettext: Callable[[str, str], str],
    number: Callable[[int | float], str] | None = None,
    format_date: Callable[[datetime.date], str] | None = None,
) -> None:
    """Translate every later message with these; format numbers and days with these
    (None: grouped with commas, ISO 8601)."""
    global _gettext, _ngettext, _pgettext, _number, _format_date  # noqa: PLW0603 - one hook, set at start-up
    _gettext, _ngettext, _pgettext = gettext, ngettext, pgettext
    _number = number or _grouped
    _format_date = format_date or _iso_date


def gettext(message: str) -> str:
    """`message` in the active language."""
    return _gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for `count`, in the active language."""
    return _ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the active language, where `context` tells two of its meanings apart."""
    return _pgettext(context, message)


def gettext_noop(message: str) -> str:
    """Mark a constant for makemessages; translate it with `gettext` where it is shown."""
    return message


def number(value: int | float) -> str:
    """A whole number (or a size) as the active language groups it: 5,000 / 5.000."""
    return _number(value)


def format_date(value: datetime.date) -> str:
    """A day as the reader writes it in a table (ISO 8601 until a translation is installed)."""
    return _format_date(value)


def installed() -> tuple[Callable[..., str], ...]:
    """What is installed now, for `restore` (a test that runs the command line in-process
    puts back the Django side's translation afterwards)."""
    return (_gettext, _ngettext, _pgettext, _number, _format_date)


def restore(functions: tuple[Callable[..., str], ...]) -> None:
    global _gettext, _ngettext, _pgettext, _number, _format_date  # noqa: PLW0603 - see install
    _gettext, _ngettext, _pgettext, _number, _format_date = functions
