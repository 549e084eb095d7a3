"""Template tags that draw `comparison.charts.Chart`s: plotly.js once per page, then each
chart's `<div>` and nonced script.

The report body is rendered by the report page, the anonymous shared page and the HTML
export; each supplies the CSP nonce differently (the request's `csp_nonce`, or
`chart_nonce` from `report_page_context(nonce=...)`), so the tags look for both.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from comparison import charts
from config.staticfiles import PLOTLY_STATIC_PATH

register = template.Library()


def _nonce(context: template.Context) -> str:
    # Not `or`: the request's LazyNonce is falsy until first turned into a string.
    nonce = context.get("chart_nonce")
    if nonce is None:
        nonce = context.get("csp_nonce")
    return "" if nonce is None else str(nonce)


@register.simple_tag(takes_context=True)
def draw_chart(context: template.Context, chart: charts.Chart) -> SafeString:
    """The chart's `<div>` and nonced drawing script; nothing without a nonce (the table
    fallback next to it still holds the numbers)."""
    nonce = _nonce(context)
    if not nonce:
        return mark_safe("")  # noqa: S308 - empty string
    fragment = charts.chart_html(
        chart.parts, nonce=nonce, div_id=chart.id, described_by=f"{chart.id}-table"
    )
    # chart_html escapes every user string for plotly and `<`, `>`, `&` inside its JSON,
    # so the fragment is our markup only (tests/comparison/test_charts.py holds it to that).
    return mark_safe(fragment)  # noqa: S308


@register.simple_tag(takes_context=True)
def plotly_loader(context: template.Context) -> SafeString:
    """plotly.js for the page's charts: inline in the export (one file, offline), else
    the same-origin static file, loaded after the page. The empty nonced `<style>` is
    where plotly.js puts its rules, so a strict style-src (no 'unsafe-inline') still lets
    it style the charts."""
    nonce = _nonce(context)
    if not nonce:
        return mark_safe("")  # noqa: S308 - empty string
    style = format_html('<style id="plotly.js-style-global" nonce="{}"></style>', nonce)
    if context.get("export"):
        # Our own bundle from the installed plotly package (plotlyjs_script refuses one
        # that could close the script element).
        return mark_safe(style + charts.plotlyjs_script(nonce=nonce))  # noqa: S308
    # A static file (config.staticfiles): compressed, and cached for good under its hash;
    # loaded once the page has loaded, the charts drawn then.
    loader = charts.plotly_loader_script(static(PLOTLY_STATIC_PATH), nonce=nonce)
    return mark_safe(style + loader)  # noqa: S308 - our markup; the URL is JSON-escaped
