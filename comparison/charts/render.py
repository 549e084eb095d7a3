"""Figures into a page: serialised once (cacheable), drawn with a CSP nonce, and the
plotly.js bundle of the installed plotly package.

The rendered fragment escapes `<`, `>` and `&` inside its JSON, so no string can close
the script element; MathJax is never loaded and `typesetMath` is off, so `$...$` in a note
stays text. Output is deterministic: the same figure gives the same HTML (the default
element id is a hash of the figure, not a random UUID).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs, get_plotlyjs_version
from plotly.utils import PlotlyJSONEncoder

from comparison.charts.text import Table

# No mode bar: plotly.js styles it through <style> elements of its own that a strict
# style-src (no 'unsafe-inline') blocks; the table fallback holds the numbers anyway.
CONFIG: dict[str, Any] = {
    "displayModeBar": False,
    "displaylogo": False,
    "responsive": True,
    "typesetMath": False,
}

# Below this width (px) a chart lays out for a phone: legend under the plot, narrow margins,
# a smaller title. Above it plotly's own layout (legend at the right) reads best.
NARROW_CHART_PX = 560
# Titles longer than this (characters) take two lines in a narrow chart.
NARROW_TITLE_CHARS = 34
# A4 portrait less the print stylesheet's margins, in CSS pixels: charts are redrawn at this
# width before printing, so their text stays legible on paper.
PRINT_CHART_PX = 680
# Chart text on a page in large type (a projector): the page's text grows by about a third.
LARGE_TYPE_CHART_FONT_PX = 20

# Defined once per page (the first chart's script), used by every chart's (written without
# "<", so the fragment's only markup stays its own two elements):
# - draw: a phone layout when the box is narrow, then a viewBox on plotly's SVG layers so
#   the print stylesheet can scale the drawing to the page's width (it is never cut);
# - before printing, every chart is redrawn at the page's width with its legend below (the
#   right-hand legend would squeeze the plot), and back afterwards;
# - `queue` holds the charts waiting for plotly.js, which `plotly_loader_script` loads once
#   the page has loaded (off the first screen's critical path).
DRAW_HELPERS = (
    "if(!window.GapmapChart){window.GapmapChart={queue:[],"
    "below:{orientation:'h',x:0,xanchor:'left',y:0,yanchor:'bottom',yref:'container'},"
    "fit:function(el){var s=el.querySelectorAll('svg.main-svg');for(var i=0;s.length>i;i++){"
    "var w=s[i].getAttribute('width'),h=s[i].getAttribute('height');if(w&&h){"
    "s[i].setAttribute('viewBox','0 0 '+w+' '+h);el.style.setProperty('--chart-ratio',w+' / '+h);"
    "}}},"
    "draw:function(el,data,layout,config){var G=window.GapmapChart;"
    "if(document.body.classList.contains('large-type')&&layout.font){"
    f"layout.font=Object.assign({{}},layout.font,{{size:{LARGE_TYPE_CHART_FONT_PX}}});}}"
    f"if({NARROW_CHART_PX}>el.clientWidth){{"
    "layout.legend=Object.assign({},layout.legend,G.below);"
    "layout.margin=Object.assign({},layout.margin,{l:8,r:8});"
    "if(layout.title&&layout.title.font){layout.title.font.size=14;}"
    # Long titles break at the space nearest their middle (they are escaped text: a space
    # is never inside an entity).
    "var wrap=function(o){if(o&&o.title&&typeof o.title.text==='string'&&o.title.text.length"
    f">{NARROW_TITLE_CHARS}){{var t=o.title.text,m=t.lastIndexOf(' ',Math.ceil(t.length/2)+4);"
    "if(m>0){o.title=Object.assign({},o.title,{text:t.slice(0,m)+'\\u003cbr\\u003e'+"
    "t.slice(m+1)});}}};wrap(layout);wrap(layout.xaxis);"
    # Projector-sized text shrinks; a heatmap drops its colour bar (each cell shows its
    # number) and its axis titles, and breaks "persona · team" labels in two lines, to
    # leave the width to the plot.
    "layout.font=Object.assign({},layout.font,{size:12});"
    "var br=function(v){return typeof v==='string'?v.replace(' · ','\\u003cbr\\u003e'):v;};"
    "var heat=false;data.forEach(function(t){if(t.type==='heatmap'){heat=true;"
    "t.showscale=false;t.textfont=Object.assign({},t.textfont,{size:10});"
    "if(t.y){t.y=t.y.map(br);}}});"
    "if(heat&&layout.yaxis&&layout.yaxis.categoryarray){"
    "layout.yaxis.categoryarray=layout.yaxis.categoryarray.map(br);}"
    "if(heat){['xaxis','yaxis'].forEach(function(a){if(layout[a]){"
    "layout[a]=Object.assign({},layout[a],{title:{text:''},tickfont:{size:11}});}});}}"
    "window.Plotly.newPlot(el,data,layout,config).then(function(){G.fit(el);"
    "el.on('plotly_afterplot',function(){G.fit(el);});});},"
    "print:function(width){var G=window.GapmapChart,c=document.querySelectorAll('.js-plotly-plot');"
    "for(var i=0;c.length>i;i++){if(width){c[i].gapmapLegend=Object.assign({},c[i].layout.legend);"
    "window.Plotly.relayout(c[i],{width:width,legend:Object.assign({},c[i].gapmapLegend,G.below)});}"
    "else if(c[i].gapmapLegend){window.Plotly.relayout(c[i],{width:null,autosize:true,"
    "legend:c[i].gapmapLegend});}}}};"
    "window.addEventListener('beforeprint',function(){"
    f"window.GapmapChart.print({PRINT_CHART_PX});}});"
    "window.addEventListener('afterprint',function(){window.GapmapChart.print(0);});}"
)

# CSP nonces are base64 or base64url; anything else would need escaping in the attribute.
_NONCE = re.compile(r"[A-Za-z0-9+/=_-]{1,200}")
_ELEMENT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]{0,99}")


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


@dataclass(frozen=True)
class Chart:
    """One chart of a page without any per-request value (the template tag `draw_chart`
    adds the nonce): its element id, serialised figure and the same numbers as a table."""

    id: str
    parts: FigureParts
    table: Table


def page_chart(chart_id: str, fig: go.Figure, table: Table) -> Chart:
    return Chart(id=chart_id, parts=figure_parts(fig), table=table)


def chart_html(
    fig: go.Figure | FigureParts,
    *,
    nonce: str,
    div_id: str | None = None,
    described_by: str | None = None,
) -> str:
    """The figure as an HTML fragment: one `<div>` and one `<script nonce=...>`.

    plotly.js is not included: load it first (inline, `plotlyjs_script`) or after the page
    (`plotly_loader_script`), which draws the charts waiting in `GapmapChart.queue`. No
    MathJax, no inline styles. The element id defaults to a hash of the figure, so pass
    `div_id` when one page shows the same figure twice. `described_by` is the id of the
    table fallback, for `aria-describedby`.
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
    # The chart's height is kept free before plotly.js arrives, so drawing it later does
    # not move the page under the reader (plotly's default height is 450 px).
    script = (
        f'(function(){{var el=document.getElementById("{div_id}");var layout={parts.layout};'
        "if(el){el.style.minHeight=(layout.height||450)+'px';}"
        f"var draw=function(){{if(el&&window.Plotly){{window.GapmapChart.draw(el,{parts.data},"
        f"layout,{config});}}}};"
        f"{DRAW_HELPERS}"
        "if(window.Plotly){draw();}else{window.GapmapChart.queue.push(draw);}})();"
    )
    return (
        f'<div id="{div_id}" class="gapmap-chart plotly-graph-div" role="img"{attributes}></div>'
        f'<script nonce="{nonce}">{script}</script>'
    )


def plotly_loader_script(src: str, *, nonce: str) -> str:
    """`<script nonce=...>` that loads plotly.js from `src` once the page has loaded, then
    draws the charts waiting for it: the first screen (text and figures, no chart) shows
    without waiting for 4.8 MB of JavaScript to be parsed."""
    if not _NONCE.fullmatch(nonce):
        raise ValueError("nonce must be a base64 or base64url token")
    source = _script_json(src)
    return (
        f'<script nonce="{nonce}">(function(){{var load=function(){{'
        "var s=document.createElement('script');"
        f"s.src={source};"
        "s.onload=function(){var G=window.GapmapChart;if(G){var q=G.queue;G.queue=[];"
        "for(var i=0;q.length>i;i++){q[i]();}}};document.head.appendChild(s);};"
        "if(document.readyState==='complete'){load();}"
        "else{window.addEventListener('load',load);}})();</script>"
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
