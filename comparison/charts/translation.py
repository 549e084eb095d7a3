"""The figures' words and number formats in the reader's language, without Django.

The chart builders are pure (no Django: an import-linter contract), yet they run inside a
request and must speak its language. So they translate through `maps.translation`, the
hook every pure module shares, which the Django side fills at start-up (`maps.apps`):
from then on a figure built under `translation.override("de")` or a German request has
German titles, axes, legends and hover texts, and German number separators. Here are the
figures' own helpers on top of it.

Strings are marked where they are written, `gettext("Votes")` in a builder or
`gettext_noop("Verdicts by segment")` for a module constant translated when used, so
`makemessages` finds them like any other.
"""

from __future__ import annotations

from maps.translation import format_date, gettext, gettext_noop, pgettext

__all__ = [
    "format_date",
    "gettext",
    "gettext_noop",
    "percent",
    "pgettext",
    "plotly_date_format",
    "separators",
]


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
