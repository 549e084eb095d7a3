"""The report's figures from its `summary` JSON: verdicts per segment, and the scores per
segment as grouped bars or a radar (with their tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from comparison.charts.style import (
    CUSTOMER_SIDE,
    CUSTOMER_VERDICTS,
    GRID_COLOUR,
    INTERNAL_VERDICTS,
    MEASURE_COLOURS,
    MEASURE_DASHES,
    MEASURE_PATTERNS,
    MEASURE_SYMBOLS,
    MEASURES,
    TEAM_SIDE,
    VERDICT_COLOURS,
    VERDICT_PATTERNS,
    bar_marker,
    layout,
    measure_label,
    no_data,
    overall_label,
    verdict_label,
)
from comparison.charts.text import Table, escape_for_plotly, format_score
from comparison.charts.translation import gettext, gettext_noop
from comparison.scores import number, segment_figures, summary_count
from maps.segments import SEGMENTS

# Below this many notes in a bar, the count axis ticks every note (plotly would otherwise
# choose steps of 0.5 for small counts).
WHOLE_TICKS_UP_TO = 10


def _segment_metrics(summary: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """Each segment's metrics in canonical order; absent or malformed ones are empty."""
    return [segment_figures(summary, segment.key) for segment in SEGMENTS]


def _has_notes(metrics: Mapping[str, Any]) -> bool:
    names = ("internal_count", "customer_count", *INTERNAL_VERDICTS, *CUSTOMER_VERDICTS)
    return any(summary_count(metrics, name) for name in names)


def _summary_has_data(summary: Mapping[str, Any] | None) -> bool:
    return any(_has_notes(metrics) for metrics in _segment_metrics(summary))


# --- verdict bars -------------------------------------------------------------------------

# In English; shown through `gettext` (a `title` passed in is the caller's, translated).
VERDICT_BARS_TITLE = gettext_noop("Verdicts by segment")
VERDICT_BARS_X = gettext_noop("Notes")
VERDICT_BARS_Y = gettext_noop("Segment")


def verdict_bars(summary: Mapping[str, Any] | None, *, title: str | None = None) -> go.Figure:
    """Per segment, a stacked bar of the team's verdicts above one of the customers'.

    Horizontal, so "Team" and "Customers" read level on a projector (twelve upright bars
    turn their labels vertical).
    """
    title = title or gettext(VERDICT_BARS_TITLE)
    x_title, y_title = gettext(VERDICT_BARS_X), gettext(VERDICT_BARS_Y)
    if not _summary_has_data(summary):
        return no_data(title, x_title, y_title)
    per_segment = _segment_metrics(summary)
    labels = [escape_for_plotly(gettext(segment.label)) for segment in SEGMENTS]
    sides = (escape_for_plotly(gettext(TEAM_SIDE)), escape_for_plotly(gettext(CUSTOMER_SIDE)))
    groups = {
        "team": escape_for_plotly(gettext("Team hypotheses")),
        "customers": escape_for_plotly(gettext("Customer notes")),
    }
    # Every trace spans all twelve (segment, side) slots, with None where the verdict does
    # not apply, so the axis order never depends on which trace happens to come first.
    slots = [[label for label in labels for _ in sides], [side for _ in labels for side in sides]]
    traces = []
    for verdict in (*INTERNAL_VERDICTS, *CUSTOMER_VERDICTS):
        internal = verdict in INTERNAL_VERDICTS
        counts = []
        for metrics in per_segment:
            count = summary_count(metrics, verdict)
            counts.extend((count, None) if internal else (None, count))
        label = escape_for_plotly(verdict_label(verdict))
        traces.append(
            go.Bar(
                name=label,
                orientation="h",
                x=counts,
                y=slots,
                marker=bar_marker(VERDICT_COLOURS[verdict], VERDICT_PATTERNS[verdict]),
                legendgroup="team" if internal else "customers",
                legendgrouptitle={"text": groups["team" if internal else "customers"]},
                texttemplate="%{x}",
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,  # a sideways digit is worse than none (uniformtext hides it)
                textfont={"shadow": "auto"},  # a halo keeps digits legible on patterns
                hovertemplate=f"%{{y}}<br>{label}: %{{x}}<extra></extra>",
            )
        )
    figure_layout = layout(
        title,
        x_title,
        y_title,
        barmode="stack",
        bargap=0.2,
        uniformtext={"minsize": 14, "mode": "hide"},
        legend={"traceorder": "grouped", "groupclick": "toggleitem"},
        height=720,
    )
    figure_layout["yaxis"].update(autorange="reversed", showgrid=False)  # Sees on top
    # Notes are counted whole: no tick at half a note. Up to ten, a tick for every note.
    longest = max(
        (
            sum(summary_count(metrics, verdict) for verdict in side)
            for metrics in per_segment
            for side in (INTERNAL_VERDICTS, CUSTOMER_VERDICTS)
        ),
        default=0,
    )
    figure_layout["xaxis"].update(tickformat="d", rangemode="tozero")
    if longest <= WHOLE_TICKS_UP_TO:
        figure_layout["xaxis"].update(dtick=1)
    return go.Figure(data=traces, layout=figure_layout)


def verdict_bars_table(summary: Mapping[str, Any] | None, *, title: str | None = None) -> Table:
    title = title or gettext(VERDICT_BARS_TITLE)
    verdicts = (*INTERNAL_VERDICTS, *CUSTOMER_VERDICTS)
    headers = (gettext("Segment"), *(verdict_label(verdict) for verdict in verdicts))
    if not _summary_has_data(summary):
        return Table(title, headers, ())
    per_segment = _segment_metrics(summary)
    rows = [
        (gettext(segment.label), *(str(summary_count(metrics, verdict)) for verdict in verdicts))
        for segment, metrics in zip(SEGMENTS, per_segment, strict=True)
    ]
    totals = (
        sum(summary_count(metrics, verdict) for metrics in per_segment) for verdict in verdicts
    )
    rows.append((overall_label(), *(str(total) for total in totals)))
    return Table(title, headers, tuple(rows))


# --- segment scores -----------------------------------------------------------------------

SEGMENT_SCORES_TITLE = gettext_noop("Scores by segment")
SCORE_AXIS = gettext_noop("Score (0–100)")


def _measure_field(measure: str, weighted: bool) -> str:
    return f"weighted_{measure}" if weighted else measure


def _measure_label(measure: str, weighted: bool) -> str:
    label = measure_label(measure)
    return gettext("%(measure)s (vote-weighted)") % {"measure": label} if weighted else label


def segment_scores(
    summary: Mapping[str, Any] | None,
    *,
    weighted: bool = False,
    title: str | None = None,
) -> go.Figure:
    """Grouped bars of empathy score, precision and coverage per segment, then overall.

    `weighted` uses the vote-weighted figures (`weighted_empathy_score`, ...).
    """
    title = title or gettext(SEGMENT_SCORES_TITLE)
    segment_axis, score_axis = gettext("Segment"), gettext(SCORE_AXIS)
    if not _summary_has_data(summary):
        return no_data(title, segment_axis, score_axis)
    columns = [*_segment_metrics(summary), summary or {}]
    x = [escape_for_plotly(gettext(segment.label)) for segment in SEGMENTS]
    x.append(escape_for_plotly(overall_label()))
    traces = []
    for measure in MEASURES:
        name = escape_for_plotly(_measure_label(measure, weighted))
        traces.append(
            go.Bar(
                name=name,
                x=x,
                y=[number(metrics.get(_measure_field(measure, weighted))) for metrics in columns],
                marker=bar_marker(MEASURE_COLOURS[measure], MEASURE_PATTERNS[measure]),
                texttemplate="%{y:.0f}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}<br>{name}: %{{y:.1f}}<extra></extra>",
            )
        )
    figure_layout = layout(
        title,
        segment_axis,
        score_axis,
        barmode="group",
        bargap=0.2,
        uniformtext={"minsize": 12, "mode": "hide"},
    )
    figure_layout["yaxis"]["range"] = [0, 105]  # room above 100 for the bar labels
    return go.Figure(data=traces, layout=figure_layout)


def segment_radar(
    summary: Mapping[str, Any] | None,
    *,
    weighted: bool = False,
    title: str | None = None,
) -> go.Figure:
    """The same figures as `segment_scores` on a radar, one closed line per measure."""
    title = title or gettext(SEGMENT_SCORES_TITLE)
    segment_axis, score_axis = gettext("Segment"), gettext(SCORE_AXIS)
    if not _summary_has_data(summary):
        return no_data(title, segment_axis, score_axis)
    per_segment = _segment_metrics(summary)
    theta = [escape_for_plotly(gettext(segment.label)) for segment in SEGMENTS]
    traces = []
    for measure in MEASURES:
        name = escape_for_plotly(_measure_label(measure, weighted))
        r = [number(metrics.get(_measure_field(measure, weighted))) for metrics in per_segment]
        traces.append(
            go.Scatterpolar(
                name=name,
                r=[*r, r[0]],  # back to the first segment: a closed outline
                theta=[*theta, theta[0]],
                mode="lines+markers",
                line={
                    "color": MEASURE_COLOURS[measure],
                    "dash": MEASURE_DASHES[measure],
                    "width": 3,
                },
                marker={"symbol": MEASURE_SYMBOLS[measure], "size": 10},
                hovertemplate=f"%{{theta}}<br>{name}: %{{r:.1f}}<extra></extra>",
            )
        )
    figure_layout = layout(title, segment_axis, score_axis)
    del figure_layout["xaxis"], figure_layout["yaxis"]
    figure_layout["polar"] = {
        "bgcolor": "#ffffff",
        "radialaxis": {
            "range": [0, 100],
            "title": {"text": escape_for_plotly(score_axis)},
            "gridcolor": GRID_COLOUR,
            # Level, on the spoke between Says & Does and Hears, clear of their labels.
            "angle": 0,
            "tickangle": 0,
        },
        "angularaxis": {"direction": "clockwise", "gridcolor": GRID_COLOUR},
    }
    figure_layout["height"] = 600
    return go.Figure(data=traces, layout=figure_layout)


def segment_scores_table(
    summary: Mapping[str, Any] | None,
    *,
    weighted: bool = False,
    title: str | None = None,
) -> Table:
    """The table for both `segment_scores` and `segment_radar`."""
    title = title or gettext(SEGMENT_SCORES_TITLE)
    headers = (gettext("Segment"), *(_measure_label(measure, weighted) for measure in MEASURES))
    if not _summary_has_data(summary):
        return Table(title, headers, ())
    labels = [gettext(segment.label) for segment in SEGMENTS] + [overall_label()]
    rows = tuple(
        (
            label,
            *(
                format_score(number(metrics.get(_measure_field(measure, weighted))))
                for measure in MEASURES
            ),
        )
        for label, metrics in zip(labels, [*_segment_metrics(summary), summary or {}], strict=True)
    )
    return Table(title, headers, rows)
