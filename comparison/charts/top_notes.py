"""The most-voted notes of one kind (missed customer notes, unconfirmed hypotheses) as
horizontal bars, with their table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from comparison.charts.style import (
    VERDICT_COLOURS,
    VERDICT_PATTERNS,
    bar_marker,
    layout,
    no_data,
    segment_label,
)
from comparison.charts.text import Table, escape_for_plotly, hover_text, one_line, shorten
from comparison.charts.translation import gettext

TOP_ITEMS_LIMIT = 10  # a projector slide holds about ten readable bars


@dataclass(frozen=True)
class RankedNote:
    """A note for the "most voted" charts; `segment` is a segment key or empty."""

    text: str
    votes: int
    persona: str = ""
    segment: str = ""


def _ranked(items: Sequence[RankedNote], limit: int) -> list[RankedNote]:
    # Ties broken by text, persona and segment: the same notes always give the same order.
    return sorted(
        items,
        key=lambda item: (-item.votes, item.text.casefold(), item.persona, item.segment),
    )[: max(limit, 0)]


def top_items(
    items: Sequence[RankedNote],
    title: str,
    *,
    verdict: str | None = None,
    limit: int = TOP_ITEMS_LIMIT,
) -> go.Figure:
    """Horizontal bars of the `limit` most-voted notes, the most voted on top.

    Tick labels are numbered and cut to AXIS_LABEL_CHARS; the hover shows the full note.
    `verdict` ("missed", "unconfirmed", ...) colours the bars like that verdict.
    """
    if verdict is not None and verdict not in VERDICT_COLOURS:
        raise ValueError(f"unknown verdict {verdict!r}; choose one of {', '.join(VERDICT_COLOURS)}")
    x_title, y_title = gettext("Votes"), gettext("Note")
    ranked = _ranked(items, limit)
    if not ranked:
        return no_data(title, x_title, y_title)
    # The rank makes every label unique, so two notes cut to the same words stay two bars.
    labels = [
        escape_for_plotly(f"{rank}. {shorten(item.text)}") for rank, item in enumerate(ranked, 1)
    ]
    details = []
    for item in ranked:
        lines = [hover_text(item.text)]
        where = " · ".join(
            part for part in (one_line(item.persona), segment_label(item.segment)) if part
        )
        if where:
            lines.append(hover_text(where))
        details.append("<br>".join(lines))
    colour = VERDICT_COLOURS[verdict] if verdict else "#999999"
    pattern = VERDICT_PATTERNS[verdict] if verdict else ""
    figure_layout = layout(
        title,
        x_title,
        y_title,
        height=max(360, 160 + 52 * len(ranked)),
        showlegend=False,
    )
    figure_layout["yaxis"].update(
        autorange="reversed", categoryorder="array", categoryarray=labels, showgrid=False
    )
    figure_layout["xaxis"].update(rangemode="tozero")
    return go.Figure(
        data=[
            go.Bar(
                orientation="h",
                x=[item.votes for item in ranked],
                y=labels,
                marker=bar_marker(colour, pattern),
                texttemplate="%{x}",
                textposition="outside",
                cliponaxis=False,
                hovertext=details,
                hovertemplate="%{hovertext}<br>"
                + escape_for_plotly(gettext("Votes"))
                + ": %{x}<extra></extra>",
            )
        ],
        layout=figure_layout,
    )


def top_items_table(
    items: Sequence[RankedNote], title: str, *, limit: int = TOP_ITEMS_LIMIT
) -> Table:
    headers = (
        gettext("Rank"),
        gettext("Note"),
        gettext("Votes"),
        gettext("Persona"),
        gettext("Segment"),
    )
    rows = tuple(
        (str(rank), item.text, str(item.votes), item.persona, segment_label(item.segment))
        for rank, item in enumerate(_ranked(items, limit), 1)
    )
    return Table(title, headers, rows)
