"""Text for figures: escaping for plotly, cutting and wrapping, and the table fallback.

plotly.js renders a subset of HTML (`b i em sup sub span a br`) in titles, tick labels,
legends, annotations and hover text, so every string that reaches a figure passes through
`escape_for_plotly` first. A `Table` holds plain, unescaped text: Django templates escape
on output, and escaping here too would show `&amp;` to the reader.
"""

from __future__ import annotations

import html
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from comparison.charts.translation import gettext, gettext_noop

# A table cell without a figure: read aloud, unlike a dash (translated where it is shown).
MISSING = gettext_noop("no data")
AXIS_LABEL_CHARS = 36  # long notes and names cut for tick labels; full text is in hover
HOVER_LINE_CHARS = 60  # hover boxes wrap instead of running off the screen


@dataclass(frozen=True)
class Table:
    """A chart's data as plain text (not HTML-escaped: the template escapes on output)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def escape_for_plotly(text: object) -> str:
    """HTML-escape text for plotly. plotly.js decodes `&amp; &lt; &gt;` and numeric
    references but not `&quot;`, so the quote becomes `&#34;` (still fully escaped)."""
    return html.escape(str(text), quote=True).replace("&quot;", "&#34;")


# Marks stacked on one letter beyond this are dropped: real scripts use up to about three
# (Vietnamese, IPA), and 499 of them drew a glyph 150 px tall over the chart.
MAX_COMBINING_MARKS = 3


def _clip_combining(text: str) -> str:
    kept, stacked = [], 0
    for char in text:
        stacked = stacked + 1 if unicodedata.combining(char) else 0
        if stacked <= MAX_COMBINING_MARKS:
            kept.append(char)
    return "".join(kept)


def one_line(text: object) -> str:
    return " ".join(_clip_combining(str(text)).split())


def shorten(text: object, limit: int = AXIS_LABEL_CHARS) -> str:
    """Cut raw text (before escaping, so no entity is cut in half) for a tick label."""
    flat = one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def hover_text(text: object) -> str:
    """Escaped text wrapped with `<br>` for a hover box (the only markup added here)."""
    lines = textwrap.wrap(one_line(text), HOVER_LINE_CHARS, break_long_words=True) or [""]
    return "<br>".join(escape_for_plotly(line) for line in lines)


def unique(labels: Sequence[str]) -> list[str]:
    """Categorical axes merge equal labels, so repeat names get " (2)", " (3)", ..."""
    seen: dict[str, int] = {}
    numbered = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        numbered.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return numbered


def format_score(value: float | None) -> str:
    """A score in whole points, as every page shows it (one decimal suggested a precision
    the notes do not have, and "47.6" here against "48" there read as two figures)."""
    return gettext(MISSING) if value is None else f"{value:.0f}"
