"""Plotly figures for reports and the dashboard (pure: no Django, no models).

Services and selectors hand the builders plain data: a report's `summary` JSON
(`{**overall_metrics, "segments": {key: metrics}}`, see `comparison.services`) or the small
dataclasses below. Every builder returns a `plotly.graph_objects.Figure`; `chart_html`
renders one as a `<div>` plus one nonced inline `<script>`, and every chart has a
`*_table` twin holding the same numbers as plain text for screen readers and no-JS.

Security (RELIABILITY.md items 3 and 16). plotly.js renders a subset of HTML
(`b i em sup sub span a br`) in titles, tick labels, legends, annotations and hover text,
so every string that reaches a figure passes through `escape_for_plotly` first: persona names, note
texts, titles, segment labels. User text never goes into a hover or text *template*
(plotly substitutes `%{...}` there), only into `customdata`, `hovertext`, `text` and
category values that a template references. The rendered fragment escapes `<`, `>` and
`&` inside its JSON, so no string can close the script element; MathJax is never loaded
and `typesetMath` is off, so `$...$` in a note stays text.

The `*_table` functions return plain, unescaped text: Django templates escape on output,
and escaping here too would show `&amp;` to the reader.

Output is deterministic: the same input gives the same figure JSON and the same HTML
(the default element id is a hash of the figure, not a random UUID).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs, get_plotlyjs_version
from plotly.utils import PlotlyJSONEncoder

from maps.segments import SEGMENTS

# --- palette and type ---------------------------------------------------------------------

# Okabe-Ito colours (safe for the common colour-vision deficiencies). Lightness alone
# separates the four internal verdicts (greyscale ~87 / 158 / 213 / 119 of 255) and the two
# customer ones (106 / 162); the patterns below tell them apart on a greyscale print too.
VERDICT_COLOURS: dict[str, str] = {
    "confirmed": "#0072B2",  # blue
    "partial": "#56B4E9",  # sky blue
    "misplaced": "#F0E442",  # yellow
    "unconfirmed": "#D55E00",  # vermillion
    "anticipated": "#009E73",  # bluish green
    "missed": "#E69F00",  # orange
}
VERDICT_PATTERNS: dict[str, str] = {
    "confirmed": "",
    "partial": "/",
    "misplaced": ".",
    "unconfirmed": "x",
    "anticipated": "",
    "missed": "\\",
}
# Capitalised for legends and table headers; the wording follows comparison.reporting
# (not imported: it pulls in the whole engine).
VERDICT_LABELS: dict[str, str] = {
    "confirmed": "Confirmed",
    "partial": "Partly confirmed",
    "misplaced": "Right insight, wrong segment",
    "unconfirmed": "Not confirmed",
    "anticipated": "Anticipated",
    "missed": "Missed",
}
INTERNAL_VERDICTS: tuple[str, ...] = ("confirmed", "partial", "misplaced", "unconfirmed")
CUSTOMER_VERDICTS: tuple[str, ...] = ("anticipated", "missed")

# Precision is the confirmed share and coverage the anticipated share, so they wear those
# verdicts' colours; the empathy score takes the palette's reddish purple.
MEASURES: tuple[str, ...] = ("empathy_score", "precision", "coverage")
MEASURE_LABELS: dict[str, str] = {
    "empathy_score": "Empathy score",
    "precision": "Precision",
    "coverage": "Coverage",
}
MEASURE_COLOURS: dict[str, str] = {
    "empathy_score": "#CC79A7",
    "precision": VERDICT_COLOURS["confirmed"],
    "coverage": VERDICT_COLOURS["anticipated"],
}
MEASURE_PATTERNS: dict[str, str] = {"empathy_score": "", "precision": "/", "coverage": "."}
MEASURE_DASHES: dict[str, str] = {"empathy_score": "solid", "precision": "dash", "coverage": "dot"}
MEASURE_SYMBOLS: dict[str, str] = {
    "empathy_score": "circle",
    "precision": "square",
    "coverage": "diamond",
}

# One line per persona: colours cycle through the palette, symbols and dashes through
# lists of other lengths, so the first 8 x 7 personas differ in at least two ways.
SERIES_COLOURS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
SERIES_SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "star",
    "cross",
)
SERIES_DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot")

# Cividis: perceptually uniform, monotone in lightness (reads in greyscale) and designed
# for viewers with red-green colour-vision deficiency.
HEATMAP_COLOURSCALE = "Cividis"

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d0d0d0"
# 18 px body and 24 px titles stay legible from the back of a meeting room on a 1280 px
# wide projector image; plotly's 12 px default does not.
FONT_SIZE = 18
TITLE_SIZE = 24
HOVER_SIZE = 16

NO_DATA = "No data yet"
MISSING = "no data"  # a table cell without a figure: read aloud, unlike a dash
AXIS_LABEL_CHARS = 36  # long notes and names cut for tick labels; full text is in hover
HOVER_LINE_CHARS = 60  # hover boxes wrap instead of running off the screen
TEAM_SIDE = "Team"
CUSTOMER_SIDE = "Customers"
OVERALL = "Overall"

# No mode bar: plotly.js styles it through <style> elements of its own that a strict
# style-src (no 'unsafe-inline') blocks; the table fallback holds the numbers anyway.
CONFIG: dict[str, Any] = {
    "displayModeBar": False,
    "displaylogo": False,
    "responsive": True,
    "typesetMath": False,
}

# CSP nonces are base64 or base64url; anything else would need escaping in the attribute.
_NONCE = re.compile(r"[A-Za-z0-9+/=_-]{1,200}")
_ELEMENT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]{0,99}")


# --- inputs -------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class RankedNote:
    """A note for the "most voted" charts; `segment` is a segment key or empty."""

    text: str
    votes: int
    persona: str = ""
    segment: str = ""


@dataclass(frozen=True)
class Table:
    """A chart's data as plain text (not HTML-escaped: the template escapes on output)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# --- text helpers -------------------------------------------------------------------------


def escape_for_plotly(text: object) -> str:
    """HTML-escape text for plotly. plotly.js decodes `&amp; &lt; &gt;` and numeric
    references but not `&quot;`, so the quote becomes `&#34;` (still fully escaped)."""
    return html.escape(str(text), quote=True).replace("&quot;", "&#34;")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _shorten(text: object, limit: int = AXIS_LABEL_CHARS) -> str:
    """Cut raw text (before escaping, so no entity is cut in half) for a tick label."""
    flat = _one_line(text)
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _hover_text(text: object) -> str:
    """Escaped text wrapped with `<br>` for a hover box (the only markup added here)."""
    lines = textwrap.wrap(_one_line(text), HOVER_LINE_CHARS, break_long_words=True) or [""]
    return "<br>".join(escape_for_plotly(line) for line in lines)


def _unique(labels: Sequence[str]) -> list[str]:
    """Categorical axes merge equal labels, so repeat names get " (2)", " (3)", ..."""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique


def _score(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _count(metrics: Mapping[str, Any], name: str) -> int:
    value = metrics.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    return max(int(value), 0)


def _format_score(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1f}"


def _segment_metrics(summary: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """Each segment's metrics in canonical order; absent or malformed ones are empty."""
    segments = summary.get("segments") if isinstance(summary, Mapping) else None
    if not isinstance(segments, Mapping):
        segments = {}
    return [
        metrics if isinstance(metrics := segments.get(segment.key), Mapping) else {}
        for segment in SEGMENTS
    ]


def _has_notes(metrics: Mapping[str, Any]) -> bool:
    names = ("internal_count", "customer_count", *INTERNAL_VERDICTS, *CUSTOMER_VERDICTS)
    return any(_count(metrics, name) for name in names)


def _summary_has_data(summary: Mapping[str, Any] | None) -> bool:
    return any(_has_notes(metrics) for metrics in _segment_metrics(summary))


# --- layout -------------------------------------------------------------------------------


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": escape_for_plotly(title), "standoff": 12},
        "gridcolor": GRID_COLOUR,
        "linecolor": "#666666",
        "zeroline": False,
        "automargin": True,
        **extra,
    }


def _layout(title: str, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    # An explicit empty template: plotly's global default template could be changed by any
    # import, and it would add ~7 kB to every chart.
    return {
        "template": go.layout.Template(),
        "title": {
            "text": escape_for_plotly(title),
            "x": 0,
            "xanchor": "left",
            "pad": {"l": 16},
            "font": {"size": TITLE_SIZE},
        },
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": HOVER_SIZE}, "align": "left"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"t": 80, "r": 30, "b": 30, "l": 30},
        "xaxis": _axis(x_title),
        "yaxis": _axis(y_title),
        "height": 520,
        **extra,
    }


def _no_data(title: str, x_title: str, y_title: str) -> go.Figure:
    """An empty chart that says so, keeping its title and axis titles."""
    return go.Figure(
        layout=_layout(
            title,
            x_title,
            y_title,
            height=360,
            xaxis=_axis(x_title, showticklabels=False, showgrid=False),
            yaxis=_axis(y_title, showticklabels=False, showgrid=False),
            annotations=[
                {
                    "text": NO_DATA,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                    "font": {"size": TITLE_SIZE, "color": "#555555"},
                }
            ],
        )
    )


def _bar_marker(colour: str, pattern: str) -> dict[str, Any]:
    return {
        "color": colour,
        "line": {"color": TEXT_COLOUR, "width": 1},
        "pattern": {
            "shape": pattern,
            "fillmode": "overlay",
            "fgcolor": TEXT_COLOUR,
            "fgopacity": 0.55,
            "size": 9,
            "solidity": 0.25,
        },
    }


# --- 1. verdict bars ----------------------------------------------------------------------

VERDICT_BARS_TITLE = "Verdicts by segment"
VERDICT_BARS_X = "Notes"
VERDICT_BARS_Y = "Segment"


def verdict_bars(
    summary: Mapping[str, Any] | None, *, title: str = VERDICT_BARS_TITLE
) -> go.Figure:
    """Per segment, a stacked bar of the team's verdicts above one of the customers'.

    Horizontal, so "Team" and "Customers" read level on a projector (twelve upright bars
    turn their labels vertical).
    """
    if not _summary_has_data(summary):
        return _no_data(title, VERDICT_BARS_X, VERDICT_BARS_Y)
    per_segment = _segment_metrics(summary)
    labels = [escape_for_plotly(segment.label) for segment in SEGMENTS]
    sides = (escape_for_plotly(TEAM_SIDE), escape_for_plotly(CUSTOMER_SIDE))
    # Every trace spans all twelve (segment, side) slots, with None where the verdict does
    # not apply, so the axis order never depends on which trace happens to come first.
    slots = [[label for label in labels for _ in sides], [side for _ in labels for side in sides]]
    traces = []
    for verdict in (*INTERNAL_VERDICTS, *CUSTOMER_VERDICTS):
        internal = verdict in INTERNAL_VERDICTS
        counts = []
        for metrics in per_segment:
            count = _count(metrics, verdict)
            counts.extend((count, None) if internal else (None, count))
        label = escape_for_plotly(VERDICT_LABELS[verdict])
        traces.append(
            go.Bar(
                name=label,
                orientation="h",
                x=counts,
                y=slots,
                marker=_bar_marker(VERDICT_COLOURS[verdict], VERDICT_PATTERNS[verdict]),
                legendgroup="team" if internal else "customers",
                legendgrouptitle={
                    "text": escape_for_plotly("Team hypotheses" if internal else "Customer notes")
                },
                texttemplate="%{x}",
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,  # a sideways digit is worse than none (uniformtext hides it)
                textfont={"shadow": "auto"},  # a halo keeps digits legible on patterns
                hovertemplate=f"%{{y}}<br>{label}: %{{x}}<extra></extra>",
            )
        )
    layout = _layout(
        title,
        VERDICT_BARS_X,
        VERDICT_BARS_Y,
        barmode="stack",
        bargap=0.2,
        uniformtext={"minsize": 14, "mode": "hide"},
        legend={"traceorder": "grouped", "groupclick": "toggleitem"},
        height=720,
    )
    layout["yaxis"].update(autorange="reversed", showgrid=False)  # Sees on top
    return go.Figure(data=traces, layout=layout)


def verdict_bars_table(
    summary: Mapping[str, Any] | None, *, title: str = VERDICT_BARS_TITLE
) -> Table:
    verdicts = (*INTERNAL_VERDICTS, *CUSTOMER_VERDICTS)
    headers = ("Segment", *(VERDICT_LABELS[verdict] for verdict in verdicts))
    if not _summary_has_data(summary):
        return Table(title, headers, ())
    per_segment = _segment_metrics(summary)
    rows = [
        (segment.label, *(str(_count(metrics, verdict)) for verdict in verdicts))
        for segment, metrics in zip(SEGMENTS, per_segment, strict=True)
    ]
    totals = (sum(_count(metrics, verdict) for metrics in per_segment) for verdict in verdicts)
    rows.append((OVERALL, *(str(total) for total in totals)))
    return Table(title, headers, tuple(rows))


# --- 2. segment scores --------------------------------------------------------------------

SEGMENT_SCORES_TITLE = "Scores by segment"
SCORE_AXIS = "Score (0–100)"


def _measure_field(measure: str, weighted: bool) -> str:
    return f"weighted_{measure}" if weighted else measure


def _measure_label(measure: str, weighted: bool) -> str:
    label = MEASURE_LABELS[measure]
    return f"{label} (vote-weighted)" if weighted else label


def segment_scores(
    summary: Mapping[str, Any] | None,
    *,
    weighted: bool = False,
    title: str = SEGMENT_SCORES_TITLE,
) -> go.Figure:
    """Grouped bars of empathy score, precision and coverage per segment, then overall.

    `weighted` uses the vote-weighted figures (`weighted_empathy_score`, ...).
    """
    if not _summary_has_data(summary):
        return _no_data(title, "Segment", SCORE_AXIS)
    columns = [*_segment_metrics(summary), summary or {}]
    x = [escape_for_plotly(segment.label) for segment in SEGMENTS] + [escape_for_plotly(OVERALL)]
    traces = []
    for measure in MEASURES:
        name = escape_for_plotly(_measure_label(measure, weighted))
        traces.append(
            go.Bar(
                name=name,
                x=x,
                y=[_score(metrics.get(_measure_field(measure, weighted))) for metrics in columns],
                marker=_bar_marker(MEASURE_COLOURS[measure], MEASURE_PATTERNS[measure]),
                texttemplate="%{y:.0f}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}<br>{name}: %{{y:.1f}}<extra></extra>",
            )
        )
    layout = _layout(
        title,
        "Segment",
        SCORE_AXIS,
        barmode="group",
        bargap=0.2,
        uniformtext={"minsize": 12, "mode": "hide"},
    )
    layout["yaxis"]["range"] = [0, 105]  # room above 100 for the bar labels
    return go.Figure(data=traces, layout=layout)


def segment_radar(
    summary: Mapping[str, Any] | None,
    *,
    weighted: bool = False,
    title: str = SEGMENT_SCORES_TITLE,
) -> go.Figure:
    """The same figures as `segment_scores` on a radar, one closed line per measure."""
    if not _summary_has_data(summary):
        return _no_data(title, "Segment", SCORE_AXIS)
    per_segment = _segment_metrics(summary)
    theta = [escape_for_plotly(segment.label) for segment in SEGMENTS]
    traces = []
    for measure in MEASURES:
        name = escape_for_plotly(_measure_label(measure, weighted))
        r = [_score(metrics.get(_measure_field(measure, weighted))) for metrics in per_segment]
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
    layout = _layout(title, "Segment", SCORE_AXIS)
    del layout["xaxis"], layout["yaxis"]
    layout["polar"] = {
        "bgcolor": "#ffffff",
        "radialaxis": {
            "range": [0, 100],
            "title": {"text": escape_for_plotly(SCORE_AXIS)},
            "gridcolor": GRID_COLOUR,
            # Level, on the spoke between Says & Does and Hears, clear of their labels.
            "angle": 0,
            "tickangle": 0,
        },
        "angularaxis": {"direction": "clockwise", "gridcolor": GRID_COLOUR},
    }
    layout["height"] = 600
    return go.Figure(data=traces, layout=layout)


def segment_scores_table(
    summary: Mapping[str, Any] | None,
    *,
    weighted: bool = False,
    title: str = SEGMENT_SCORES_TITLE,
) -> Table:
    """The table for both `segment_scores` and `segment_radar`."""
    headers = ("Segment", *(_measure_label(measure, weighted) for measure in MEASURES))
    if not _summary_has_data(summary):
        return Table(title, headers, ())
    labels = [segment.label for segment in SEGMENTS] + [OVERALL]
    rows = tuple(
        (
            label,
            *(
                _format_score(_score(metrics.get(_measure_field(measure, weighted))))
                for measure in MEASURES
            ),
        )
        for label, metrics in zip(labels, [*_segment_metrics(summary), summary or {}], strict=True)
    )
    return Table(title, headers, rows)


# --- 3. persona heatmap -------------------------------------------------------------------

HEATMAP_TITLE = "Empathy score by persona and segment"


def _heatmap_columns(rows: Sequence[PersonaScores]) -> list[tuple[str, str | None]]:
    """(label, segment key) per column; the overall column (key None) only when used."""
    columns: list[tuple[str, str | None]] = [(segment.label, segment.key) for segment in SEGMENTS]
    if any(_score(row.overall) is not None for row in rows):
        columns.append((OVERALL, None))
    return columns


def _heatmap_value(row: PersonaScores, key: str | None) -> float | None:
    return _score(row.overall if key is None else row.scores.get(key))


def persona_heatmap(rows: Sequence[PersonaScores], *, title: str = HEATMAP_TITLE) -> go.Figure:
    """Personas (in the given order, top to bottom) against segments, coloured 0-100."""
    if not rows:
        return _no_data(title, "Segment", "Persona")
    columns = _heatmap_columns(rows)
    # "Thinks & Feels" on two lines: one-line labels run into each other at 18 px.
    x = [escape_for_plotly(label).replace(" &amp; ", " &amp;<br>") for label, _ in columns]
    y = [escape_for_plotly(name) for name in _unique([_shorten(row.persona) for row in rows])]
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
                text=[[_format_score(value) for value in line] for line in z],
                texttemplate="%{text}",
                hovertext=[[_hover_text(row.persona)] * len(columns) for row in rows],
                hovertemplate="%{hovertext}<br>%{x}: %{text}<extra></extra>",
                hoverongaps=False,
                xgap=2,
                ygap=2,
            )
        ],
        layout=_layout(
            title,
            "Segment",
            "Persona",
            # Row height readable on a projector; 40 personas still fit a long page.
            height=max(360, 180 + 56 * len(rows)),
            yaxis=_axis("Persona", autorange="reversed", showgrid=False),
            xaxis=_axis("Segment", showgrid=False, side="bottom"),
        ),
    )


def persona_heatmap_table(rows: Sequence[PersonaScores], *, title: str = HEATMAP_TITLE) -> Table:
    columns = _heatmap_columns(rows)
    headers = ("Persona", *(label for label, _ in columns))
    return Table(
        title,
        headers,
        tuple(
            (row.persona, *(_format_score(_heatmap_value(row, key)) for _, key in columns))
            for row in rows
        ),
    )


# --- 4. score trend -----------------------------------------------------------------------

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
        return _no_data(title, TREND_X, TREND_Y)
    names = _unique([_shorten(trend.persona) for trend in series])
    traces = []
    for index, (trend, name) in enumerate(zip(series, names, strict=True)):
        if not trend.points:
            continue
        points = _sorted_points(trend)
        persona = _hover_text(trend.persona)
        traces.append(
            go.Scatter(
                name=escape_for_plotly(name),
                x=[_day(point.workshop_date).isoformat() for point in points],
                y=[_score(point.empathy_score) for point in points],
                mode="lines+markers",
                connectgaps=False,
                line={
                    "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
                    "dash": SERIES_DASHES[index % len(SERIES_DASHES)],
                    "width": 3,
                },
                marker={"symbol": SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)], "size": 12},
                hovertext=[
                    f"{persona}<br>{_hover_text(point.label)}" if point.label else persona
                    for point in points
                ],
                hovertemplate="%{hovertext}<br>%{x|%d %b %Y}: %{y:.1f}<extra></extra>",
            )
        )
    layout = _layout(title, TREND_X, TREND_Y, hovermode="closest")
    layout["xaxis"].update(type="date", tickformat="%d %b %Y")
    layout["yaxis"]["range"] = [0, 100]
    return go.Figure(data=traces, layout=layout)


def score_trend_table(series: Sequence[PersonaTrend], *, title: str = TREND_TITLE) -> Table:
    headers = ("Persona", TREND_X, "Round", "Empathy score")
    rows = tuple(
        (
            trend.persona,
            _day(point.workshop_date).isoformat(),
            point.label,
            _format_score(_score(point.empathy_score)),
        )
        for trend in series
        for point in _sorted_points(trend)
    )
    return Table(title, headers, rows)


# --- 5. top items -------------------------------------------------------------------------

TOP_ITEMS_LIMIT = 10  # a projector slide holds about ten readable bars


def _ranked(items: Sequence[RankedNote], limit: int) -> list[RankedNote]:
    # Ties broken by text, persona and segment: the same notes always give the same order.
    return sorted(
        items,
        key=lambda item: (-item.votes, item.text.casefold(), item.persona, item.segment),
    )[: max(limit, 0)]


def _segment_label(key: str) -> str:
    return next((segment.label for segment in SEGMENTS if segment.key == key), key)


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
    x_title, y_title = "Votes", "Note"
    ranked = _ranked(items, limit)
    if not ranked:
        return _no_data(title, x_title, y_title)
    # The rank makes every label unique, so two notes cut to the same words stay two bars.
    labels = [
        escape_for_plotly(f"{rank}. {_shorten(item.text)}") for rank, item in enumerate(ranked, 1)
    ]
    details = []
    for item in ranked:
        lines = [_hover_text(item.text)]
        where = " · ".join(
            part for part in (_one_line(item.persona), _segment_label(item.segment)) if part
        )
        if where:
            lines.append(_hover_text(where))
        details.append("<br>".join(lines))
    colour = VERDICT_COLOURS[verdict] if verdict else "#999999"
    pattern = VERDICT_PATTERNS[verdict] if verdict else ""
    layout = _layout(
        title,
        x_title,
        y_title,
        height=max(360, 160 + 52 * len(ranked)),
        showlegend=False,
    )
    layout["yaxis"].update(
        autorange="reversed", categoryorder="array", categoryarray=labels, showgrid=False
    )
    layout["xaxis"].update(rangemode="tozero")
    return go.Figure(
        data=[
            go.Bar(
                orientation="h",
                x=[item.votes for item in ranked],
                y=labels,
                marker=_bar_marker(colour, pattern),
                texttemplate="%{x}",
                textposition="outside",
                cliponaxis=False,
                hovertext=details,
                hovertemplate="%{hovertext}<br>Votes: %{x}<extra></extra>",
            )
        ],
        layout=layout,
    )


def top_items_table(
    items: Sequence[RankedNote], title: str, *, limit: int = TOP_ITEMS_LIMIT
) -> Table:
    headers = ("Rank", "Note", "Votes", "Persona", "Segment")
    rows = tuple(
        (str(rank), item.text, str(item.votes), item.persona, _segment_label(item.segment))
        for rank, item in enumerate(_ranked(items, limit), 1)
    )
    return Table(title, headers, rows)


# --- rendering ----------------------------------------------------------------------------


def _script_json(value: Any) -> str:
    """JSON safe inside an inline <script>: no string can close the element or open a
    comment, whatever it holds (the same characters Django's json_script escapes)."""
    text = json.dumps(value, cls=PlotlyJSONEncoder, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class FigureParts:
    """A figure serialised for the page (script-safe JSON and its plain title): the costly
    part of `chart_html`, free of any per-request value, so it can be cached."""

    data: str
    layout: str
    title: str


def figure_parts(fig: go.Figure) -> FigureParts:
    figure = fig.to_plotly_json()
    return FigureParts(
        data=_script_json(figure.get("data", [])),
        layout=_script_json(figure.get("layout", {})),
        title=html.unescape(fig.layout.title.text or ""),  # the figure holds it escaped
    )


def chart_html(
    fig: go.Figure | FigureParts,
    *,
    nonce: str,
    div_id: str | None = None,
    described_by: str | None = None,
) -> str:
    """The figure as an HTML fragment: one `<div>` and one `<script nonce=...>`.

    plotly.js is not included: load it first with `<script nonce=... src=...>` (plain or
    `defer`, not `async`; see `plotlyjs_path`). No MathJax, no inline styles. The element id
    defaults to a hash of the figure, so pass `div_id` when one page shows the same figure
    twice. `described_by` is the id of the table fallback, for `aria-describedby`.
    """
    if not _NONCE.fullmatch(nonce):
        raise ValueError("nonce must be a base64 or base64url token")
    parts = fig if isinstance(fig, FigureParts) else figure_parts(fig)
    config = _script_json(CONFIG)
    if div_id is None:
        digest = hashlib.sha256(f"{parts.data}\n{parts.layout}".encode()).hexdigest()
        div_id = f"chart-{digest[:16]}"
    for name, value in (("div_id", div_id), ("described_by", described_by)):
        if value is not None and not _ELEMENT_ID.fullmatch(value):
            raise ValueError(f"{name} must be an HTML id (a letter, then letters, digits, -_:.)")
    attributes = f' aria-label="{html.escape(parts.title)}"' if parts.title else ""
    if described_by:
        attributes += f' aria-describedby="{described_by}"'
    # Draw now if plotly.js is loaded, else once deferred scripts have run.
    script = (
        "(function(){var draw=function(){var el=document.getElementById("
        f'"{div_id}");if(el&&window.Plotly){{window.Plotly.newPlot(el,{parts.data},'
        f"{parts.layout},{config});}}}};"
        'if(window.Plotly){draw();}else{window.addEventListener("DOMContentLoaded",draw);}})();'
    )
    return (
        f'<div id="{div_id}" class="gapmap-chart plotly-graph-div" role="img"{attributes}></div>'
        f'<script nonce="{nonce}">{script}</script>'
    )


def plotlyjs_path() -> Path:
    """The minified plotly.js shipped inside the plotly package (serve it from here)."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def plotlyjs_version() -> str:
    """The bundled plotly.js version, for cache-busting the served file's URL."""
    return get_plotlyjs_version()


def plotlyjs_source() -> str:
    """The bundled plotly.js as text, to inline in a self-contained HTML export."""
    return get_plotlyjs()


def plotlyjs_script(*, nonce: str) -> str:
    """`<script nonce=...>` with plotly.js inline, for a self-contained HTML export."""
    if not _NONCE.fullmatch(nonce):
        raise ValueError("nonce must be a base64 or base64url token")
    source = plotlyjs_source()
    # The bundle has no "</script" today; refuse rather than emit a broken page if one
    # ever ships with it.
    if "</script" in source.lower():
        raise ValueError("the bundled plotly.js contains '</script' and cannot be inlined")
    return f'<script nonce="{nonce}">{source}</script>'
