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

HEATMAP_TITLE = "Empathy score by persona and segment"


def _heatmap_columns(rows: Sequence[PersonaScores]) -> list[tuple[str, str | None]]:
    """(label, segment key) per column; the overall column (key None) only when used."""
    columns: list[tuple[str, str | None]] = [(segment.label, segment.key) for segment in SEGMENTS]
    if any(number(row.overall) is not None for row in rows):
        columns.append((OVERALL, None))
    return columns


def _heatmap_value(row: PersonaScores, key: str | None) -> float | None:
    return number(row.overall if key is None else row.scores.get(key))


def persona_heatmap(
    rows: Sequence[PersonaScores], *, title: str = HEATMAP_TITLE, y_title: str = "Persona"
) -> go.Figure:
    """Personas (in the given order, top to bottom) against segments, coloured 0-100."""
    if not rows:
        return no_data(title, "Segment", y_title)
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
                colorbar={"title": {"text": escape_for_plotly("Empathy score")}},
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
            "Segment",
            y_title,
            # Row height readable on a projector; 40 personas still fit a long page.
            height=max(360, 180 + 56 * len(rows)),
            yaxis=axis(y_title, autorange="reversed", showgrid=False),
            xaxis=axis("Segment", showgrid=False, side="bottom"),
        ),
    )


def persona_heatmap_table(rows: Sequence[PersonaScores], *, title: str = HEATMAP_TITLE) -> Table:
    columns = _heatmap_columns(rows)
    headers = ("Persona", *(label for label, _ in columns))
    return Table(
        title,
        headers,
        tuple(
            (row.persona, *(format_score(_heatmap_value(row, key)) for _, key in columns))
            for row in rows
        ),
    )


# --- score trend --------------------------------------------------------------------------

TREND_TITLE = "Empathy score across workshop rounds"
TREND_X = "Customer workshop date"
TREND_Y = "Empathy score (0–100)"


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _sorted_points(trend: PersonaTrend) -> list[TrendPoint]:
    return sorted(trend.points, key=lambda point: _day(point.workshop_date))


def score_trend(series: Sequence[PersonaTrend], *, title: str = TREND_TITLE) -> go.Figure:
    """One line per persona through its rounds, dated by the customer workshop."""
    if not any(trend.points for trend in series):
        return no_data(title, TREND_X, TREND_Y)
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
                hovertemplate="%{hovertext}<br>%{x|%d %b %Y}: %{y:.0f}<extra></extra>",
            )
        )
    figure_layout = layout(title, TREND_X, TREND_Y, hovermode="closest")
    figure_layout["xaxis"].update(type="date", tickformat="%d %b %Y")
    figure_layout["yaxis"]["range"] = [0, 100]
    return go.Figure(data=traces, layout=figure_layout)


def score_trend_table(series: Sequence[PersonaTrend], *, title: str = TREND_TITLE) -> Table:
    headers = ("Persona", TREND_X, "Round", "Empathy score")
    rows = tuple(
        (
            trend.persona,
            _day(point.workshop_date).isoformat(),
            point.label,
            format_score(number(point.empathy_score)),
        )
        for trend in series
        for point in _sorted_points(trend)
    )
    return Table(title, headers, rows)
