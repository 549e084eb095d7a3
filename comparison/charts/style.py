"""How every figure looks: palette, type and the shared layout pieces.

Verdict colours and patterns come from `comparison.verdicts`, so a chart's "missed" is the
report page's "missed".
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from comparison import verdicts
from comparison.charts.text import escape_for_plotly
from comparison.charts.translation import gettext, gettext_noop, separators
from maps.segments import SEGMENT_LABELS

VERDICT_COLOURS: dict[str, str] = verdicts.COLOURS
VERDICT_PATTERNS: dict[str, str] = verdicts.PATTERNS
VERDICT_LABELS: dict[str, str] = verdicts.LABELS  # English: `verdict_label` translates
INTERNAL_VERDICTS: tuple[str, ...] = verdicts.INTERNAL_VERDICTS
CUSTOMER_VERDICTS: tuple[str, ...] = verdicts.CUSTOMER_VERDICTS

# Precision is the confirmed share and coverage the anticipated share, so they wear those
# verdicts' colours; the empathy score takes the palette's reddish purple.
MEASURES: tuple[str, ...] = ("empathy_score", "precision", "coverage")
MEASURE_LABELS: dict[str, str] = {  # English: `measure_label` translates
    "empathy_score": gettext_noop("Empathy score"),
    "precision": gettext_noop("Precision"),
    "coverage": gettext_noop("Coverage"),
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

# One line per series: colours cycle through the palette, symbols and dashes through
# lists of other lengths, so the first 8 x 7 series differ in at least two ways.
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

# In English here; the builders show them through `gettext`.
NO_DATA = gettext_noop("No data yet")
TEAM_SIDE = gettext_noop("Team")
CUSTOMER_SIDE = gettext_noop("Customers")
OVERALL = gettext_noop("Overall")
# plotly's own default; a figure names its separators only when the language differs.
DEFAULT_SEPARATORS = ".,"


def verdict_label(key: str) -> str:
    """A verdict's words in the reader's language (`comparison.verdicts` marks them)."""
    return gettext(verdicts.label(key))


def measure_label(key: str) -> str:
    return gettext(MEASURE_LABELS[key])


def segment_label(key: str) -> str:
    """A segment's name in the reader's language (`maps.segments` marks them); an
    unknown key is shown as it is."""
    label = SEGMENT_LABELS.get(key)
    return gettext(label) if label else key


def overall_label() -> str:
    return gettext(OVERALL)


def series_line(index: int, *, width: int) -> dict[str, Any]:
    """The line of the `index`-th series (colour and dash cycling)."""
    return {
        "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
        "dash": SERIES_DASHES[index % len(SERIES_DASHES)],
        "width": width,
    }


def series_marker(index: int, *, size: int) -> dict[str, Any]:
    return {"symbol": SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)], "size": size}


def axis(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": escape_for_plotly(title), "standoff": 12},
        "gridcolor": GRID_COLOUR,
        "linecolor": "#666666",
        "zeroline": False,
        "automargin": True,
        **extra,
    }


def layout(title: str, x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    # An explicit empty template: plotly's global default template could be changed by any
    # import, and it would add ~7 kB to every chart.
    number_separators = separators()
    if number_separators != DEFAULT_SEPARATORS:
        extra = {"separators": number_separators, **extra}
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
        "xaxis": axis(x_title),
        "yaxis": axis(y_title),
        "height": 520,
        **extra,
    }


def no_data(title: str, x_title: str, y_title: str) -> go.Figure:
    """An empty chart that says so, keeping its title and axis titles."""
    return go.Figure(
        layout=layout(
            title,
            x_title,
            y_title,
            height=360,
            xaxis=axis(x_title, showticklabels=False, showgrid=False),
            yaxis=axis(y_title, showticklabels=False, showgrid=False),
            annotations=[
                {
                    "text": escape_for_plotly(gettext(NO_DATA)),
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


def bar_marker(colour: str, pattern: str) -> dict[str, Any]:
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
