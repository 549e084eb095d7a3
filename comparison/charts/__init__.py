"""Plotly figures for reports, the dashboard and the analysis pages (pure: no Django, no
models).

    from comparison import charts
    html = charts.chart_html(charts.verdict_bars(report.summary), nonce=nonce)

Pages hand the builders plain data: a report's `summary` JSON or small dataclasses. Every
builder returns a `plotly.graph_objects.Figure`, and every chart has a `*_table` twin
holding the same numbers as plain text for screen readers and no-JS.

- `text`: escaping for plotly, cutting and wrapping, the `Table` fallback;
- `style`: palette (verdict colours from `comparison.verdicts`), type, layout pieces;
- `render`: `figure_parts`, `chart_html`, `Chart`, the bundled plotly.js;
- `report`, `personas`, `perspectives`, `rounds`: the figures.

Security: every script carries the request's CSP nonce; every string that reaches a figure passes
through `escape_for_plotly` first: persona names, note texts, titles, segment labels. User
text never goes into a hover or text *template* (plotly substitutes `%{...}` there), only
into `customdata`, `hovertext`, `text` and category values that a template references. See
`render` for the script element.
"""

from comparison.charts.personas import (
    HEATMAP_TITLE,
    TREND_TITLE,
    PersonaScores,
    PersonaTrend,
    TrendPoint,
    persona_heatmap,
    persona_heatmap_table,
    score_trend,
    score_trend_table,
)
from comparison.charts.perspectives import (
    PERSPECTIVE_CHART_ROW_LIMIT,
    dashboard_perspective_heatmap,
    dashboard_perspective_table,
    overestimation_bars,
    overestimation_table,
    perspective_heatmap,
    perspective_table,
    team_overestimation_bars,
    team_overestimation_table,
)
from comparison.charts.render import (
    CONFIG,
    Chart,
    FigureParts,
    chart_html,
    figure_parts,
    page_chart,
    plotly_loader_script,
    plotlyjs_path,
    plotlyjs_script,
    plotlyjs_source,
    plotlyjs_version,
)
from comparison.charts.report import (
    SEGMENT_SCORES_TITLE,
    VERDICT_BARS_TITLE,
    segment_radar,
    segment_scores,
    segment_scores_table,
    verdict_bars,
    verdict_bars_table,
)
from comparison.charts.rounds import segment_trend_figure, segment_trend_table
from comparison.charts.style import (
    CUSTOMER_VERDICTS,
    INTERNAL_VERDICTS,
    MEASURE_LABELS,
    MEASURES,
    OVERALL,
    VERDICT_COLOURS,
    VERDICT_LABELS,
    VERDICT_PATTERNS,
)
from comparison.charts.text import (
    AXIS_LABEL_CHARS,
    MISSING,
    Table,
    escape_for_plotly,
    format_score,
)

__all__ = [
    "AXIS_LABEL_CHARS",
    "CONFIG",
    "CUSTOMER_VERDICTS",
    "HEATMAP_TITLE",
    "INTERNAL_VERDICTS",
    "MEASURES",
    "MEASURE_LABELS",
    "MISSING",
    "OVERALL",
    "PERSPECTIVE_CHART_ROW_LIMIT",
    "SEGMENT_SCORES_TITLE",
    "TREND_TITLE",
    "VERDICT_BARS_TITLE",
    "VERDICT_COLOURS",
    "VERDICT_LABELS",
    "VERDICT_PATTERNS",
    "Chart",
    "FigureParts",
    "PersonaScores",
    "PersonaTrend",
    "Table",
    "TrendPoint",
    "chart_html",
    "dashboard_perspective_heatmap",
    "dashboard_perspective_table",
    "escape_for_plotly",
    "figure_parts",
    "format_score",
    "overestimation_bars",
    "overestimation_table",
    "page_chart",
    "persona_heatmap",
    "persona_heatmap_table",
    "perspective_heatmap",
    "perspective_table",
    "plotlyjs_path",
    "plotly_loader_script",
    "plotlyjs_script",
    "plotlyjs_source",
    "plotlyjs_version",
    "score_trend",
    "score_trend_table",
    "segment_radar",
    "segment_scores",
    "segment_scores_table",
    "segment_trend_figure",
    "segment_trend_table",
    "team_overestimation_bars",
    "team_overestimation_table",
    "verdict_bars",
    "verdict_bars_table",
]
