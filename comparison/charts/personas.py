"""The dashboard's persona figures: empathy score per persona and segment (a heatmap) and
each persona's score across workshop rounds (a line per persona), with their tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import plotly.graph_objects as go

from comparison.charts.style import (
    HEATMAP_COLOURSCALE,
    OVERALL,
    axis,
    layout,
    no_data,
    series_line,
    series_marker,
)
from comparison.charts.text import (
    Table,
    escape_for_plotly,
    format_score,
    hover_text,
    shorten,
    unique,
)
from comparison.charts.translation import (
    format_date,
    gettext,
    gettext_noop,
    plotly_date_format,
)
from comparison.scores import number
from maps.segments import SEGMENTS


@dataclass(frozen=True)
class PersonaScores:
    """One heatmap row: a persona's empathy score per segment key (0-100, None = no data)."""

    persona: str
    scores: Mapping[str, float | None]
    overall: float | None = None


@dataclass(frozen=True)
class TrendPoint:
    """One workshop round of a persona: the customer workshop's date and the score.

    A datetime counts by its own calendar day: convert it to the workspace's time zone first.
    """

    workshop_date: date
    empathy_score: float | None
    label: str = ""  # optional round name shown in hover, e.g. "Spring workshop"


@dataclass(frozen=True)
class PersonaTrend:
    persona: str
    points: Sequence[TrendPoint]


# --- heatmap ------------------------------------------------------------------------------

HEATMAP_TITLE = gettext_noop("Empathy score by persona and segment")


def _heatmap_columns(rows: Sequence[PersonaScores]) -> list[tuple[str, str | None]]:
    """(label, segment key) per column; the overall column (key None) only when used."""
    columns: list[tuple[str, str | None]] = [
        (gettext(segment.label), segment.key) for segment in SEGMENTS
    ]
    if any(number(row.overall) is not None for row in rows):
        columns.append((gettext(OVERALL), None))
    return columns


def _heatmap_value(row: PersonaScores, key: str | None) -> float | None:
    return number(row.overall if key is None else row.scores.get(key))


def persona_heatmap(
    rows: Sequence[PersonaScores], *, title: str | None = None, y_title: str | None = None
) -> go.Figure:
    """Personas (in the given order, top to bottom) against segments, coloured 0-100.
    `title` and `y_title` are the caller's, translated; the defaults are the personas'."""
    title = title or gettext(HEATMAP_TITLE)
    y_title = y_title or gettext("Persona")
    x_title = gettext("Segment")
    if not rows:
        return no_data(title, x_title, y_title)
    columns = _heatmap_columns(rows)
    # "Thinks & Feels" on two lines: one-line labels run into each other at 18 px.
    x = [escape_for_plotly(label).replace(" &amp; ", " &amp;<br>") for label, _ in columns]
    y = [escape_for_plotly(name) for name in unique([shorten(row.persona) for row in rows])]
    z = [[_heatmap_value(row, key) for _, key in columns] for row in rows]
    return go.Figure(
        data=[
            go.Heatmap(
                x=x,
                y=y,
                z=z,
                zmin=0,
                zmax=100,
                colorscale=HEATMAP_COLOURSCALE,
                colorbar={"title": {"text": escape_for_plotly(gettext("Empathy score"))}},
                text=[[format_score(value) for value in line] for line in z],
                texttemplate="%{text}",
                hovertext=[[hover_text(row.persona)] * len(columns) for row in rows],
                hovertemplate="%{hovertext}<br>%{x}: %{text}<extra></extra>",
                hoverongaps=False,
                xgap=2,
                ygap=2,
            )
        ],
        layout=layout(
            title,
            x_title,
            y_title,
            # Row height readable on a projector; 40 personas still fit a long page.
            height=max(360, 180 + 56 * len(rows)),
            yaxis=axis(y_title, autorange="reversed", showgrid=False),
            xaxis=axis(x_title, showgrid=False, side="bottom"),
        ),
    )


def persona_heatmap_table(rows: Sequence[PersonaScores], *, title: str | None = None) -> Table:
    columns = _heatmap_columns(rows)
    headers = (gettext("Persona"), *(label for label, _ in columns))
    return Table(
        title or gettext(HEATMAP_TITLE),
        headers,
        tuple(
            (row.persona, *(format_score(_heatmap_value(row, key)) for _, key in columns))
            for row in rows
        ),
    )


# --- score trend --------------------------------------------------------------------------

TREND_TITLE = gettext_noop("Empathy score across workshop rounds")
TREND_X = gettext_noop("Customer workshop date")
TREND_Y = gettext_noop("Empathy score (0–100)")


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _sorted_points(trend: PersonaTrend) -> list[TrendPoint]:
    return sorted(trend.points, key=lambda point: _day(point.workshop_date))


def score_trend(series: Sequence[PersonaTrend], *, title: str | None = None) -> go.Figure:
    """One line per persona through its rounds, dated by the customer workshop."""
    title = title or gettext(TREND_TITLE)
    x_title, y_title = gettext(TREND_X), gettext(TREND_Y)
    day_format = plotly_date_format()
    if not any(trend.points for trend in series):
        return no_data(title, x_title, y_title)
    names = unique([shorten(trend.persona) for trend in series])
    traces = []
    for index, (trend, name) in enumerate(zip(series, names, strict=True)):
        if not trend.points:
            continue
        points = _sorted_points(trend)
        persona = hover_text(trend.persona)
        traces.append(
            go.Scatter(
                name=escape_for_plotly(name),
                x=[_day(point.workshop_date).isoformat() for point in points],
                y=[number(point.empathy_score) for point in points],
                mode="lines+markers",
                connectgaps=False,
                line=series_line(index, width=3),
                marker=series_marker(index, size=12),
                hovertext=[
                    f"{persona}<br>{hover_text(point.label)}" if point.label else persona
                    for point in points
                ],
                hovertemplate="%{hovertext}<br>%{x|" + day_format + "}: %{y:.0f}<extra></extra>",
            )
        )
    figure_layout = layout(title, x_title, y_title, hovermode="closest")
    figure_layout["xaxis"].update(type="date", tickformat=day_format)
    figure_layout["yaxis"]["range"] = [0, 100]
    return go.Figure(data=traces, layout=figure_layout)


def score_trend_table(series: Sequence[PersonaTrend], *, title: str | None = None) -> Table:
    headers = (gettext("Persona"), gettext(TREND_X), gettext("Round"), gettext("Empathy score"))
    rows = tuple(
        (
            trend.persona,
            format_date(_day(point.workshop_date)),
            point.label,
            format_score(number(point.empathy_score)),
        )
        for trend in series
        for point in _sorted_points(trend)
    )
    return Table(title or gettext(TREND_TITLE), headers, rows)
