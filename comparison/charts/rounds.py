"""A persona's rounds: each segment's empathy score (and the overall one) across the
customer-workshop rounds, with its table."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Protocol

import plotly.graph_objects as go

from comparison.charts.style import layout, overall_label, series_line, series_marker
from comparison.charts.text import MISSING, Table, escape_for_plotly, format_score
from comparison.charts.translation import format_date, gettext, gettext_noop
from maps.segments import SEGMENTS

SEGMENT_TREND_TITLE = gettext_noop("Empathy score by segment across rounds")


class RoundScores(Protocol):
    """One round's scores (`comparison.pages.rounds.TrendPoint`)."""

    @property
    def label(self) -> str: ...
    @property
    def workshop_date(self) -> datetime.date | None: ...
    @property
    def scores(self) -> Mapping[str, float | None]: ...
    @property
    def overall(self) -> float | None: ...


def segment_trend_figure(points: Sequence[RoundScores]) -> go.Figure:
    """One line per segment (and the overall score) through the rounds."""
    figure_layout = layout(
        gettext(SEGMENT_TREND_TITLE), gettext("Round"), gettext("Empathy score (0–100)"), height=520
    )
    figure_layout["yaxis"]["range"] = [0, 100]
    x = [escape_for_plotly(point.label) for point in points]
    figure_layout["xaxis"].update(type="category", categoryorder="array", categoryarray=x)
    series = [(gettext(segment.label), segment.key) for segment in SEGMENTS]
    series.append((overall_label(), None))
    traces = []
    for index, (label, key) in enumerate(series):
        traces.append(
            go.Scatter(
                name=escape_for_plotly(label),
                x=x,
                y=[point.overall if key is None else point.scores.get(key) for point in points],
                mode="lines+markers",
                connectgaps=False,
                line=series_line(index, width=4 if key is None else 2),
                marker=series_marker(index, size=10),
                hovertemplate=escape_for_plotly(label) + "<br>%{x}: %{y:.1f}<extra></extra>",
            )
        )
    return go.Figure(data=traces, layout=figure_layout)


def segment_trend_table(points: Sequence[RoundScores]) -> Table:
    return Table(
        gettext(SEGMENT_TREND_TITLE),
        (
            gettext("Round"),
            gettext("Workshop date"),
            *(gettext(segment.label) for segment in SEGMENTS),
            overall_label(),
        ),
        tuple(
            (
                point.label,
                format_date(point.workshop_date) if point.workshop_date else gettext(MISSING),
                *(format_score(point.scores.get(segment.key)) for segment in SEGMENTS),
                format_score(point.overall),
            )
            for point in points
        ),
    )
