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
