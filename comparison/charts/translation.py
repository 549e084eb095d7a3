"""The figures' words and number formats in the reader's language, without Django.

The chart builders are pure (no Django: an import-linter contract), yet they run inside a
request and must speak its language. So they translate through the functions here, which
do nothing until the Django side hands over its own (`use_translation`, called once by
`comparison.apps.ComparisonConfig.ready`): from then on a figure built under
`translation.override("de")` or a German request has German titles, axes, legends and
hover texts, and German number separators.

Strings are marked where they are written, `gettext("Votes")` in a builder or
`gettext_noop("Verdicts by segment")` for a module constant translated when used, so
`makemessages` finds them like any other.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Marks a string for translation without translating it (done where it is shown)."""
    return message


def _identity(message: str) -> str:
    return message


def _no_context(context: str, message: str) -> str:
    return message


def _iso_date(value: datetime.date) -> str:
    return value.isoformat()


_gettext: Callable[[str], str] = _identity
_pgettext: Callable[[str, str], str] = _no_context
_format_date: Callable[[datetime.date], str] = _iso_date


def use_translation(
    *,
    gettext: Callable[[str], str],
    pgettext: Callable[[str, str], str],
    format_date: Callable[[datetime.date], str] | None = None,
) -> None:
    """Translate every later figure with these (Django's `gettext` and `pgettext`, which
    follow the language active in the current thread)."""
    global _gettext, _pgettext, _format_date  # noqa: PLW0603 - set once, at start-up
    _gettext, _pgettext = gettext, pgettext
    _format_date = format_date or _iso_date


def gettext(message: str) -> str:
    return _gettext(message)


def pgettext(context: str, message: str) -> str:
    return _pgettext(context, message)


def format_date(value: datetime.date) -> str:
    """A day as the reader writes it in a table (ISO 8601 until translation is set up)."""
    return _format_date(value)


def separators() -> str:
    """plotly's `layout.separators`: the decimal mark, then the thousands separator."""
    return pgettext("plotly number separators: decimal mark, then thousands separator", ".,")


def percent(number: str) -> str:
    """A number (or a plotly `%{x:.0f}` reference) followed by the percent sign, as the
    language writes it ("47%", "47 %")."""
    return pgettext("a percentage; %(number)s is the number", "%(number)s%%") % {"number": number}


def plotly_date_format() -> str:
    """A day in a chart's ticks and hover boxes, in d3-time-format (plotly's) directives."""
    # Translators: d3-time-format directives (%d day, %m month number, %b month name, %Y year).
    # xgettext:no-python-format
    return pgettext("plotly date format", "%d %b %Y")
