"""Tests of the pure plotly chart builders (comparison.charts). No database, no Django."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparison import charts
from comparison.charts import PersonaScores, PersonaTrend, TrendPoint
from maps.segments import SEGMENT_KEYS, SEGMENTS

LABELS = [segment.label for segment in SEGMENTS]
ESCAPED_LABELS = [html.escape(label) for label in LABELS]
EVIL_PERSONA = "</script><script>alert(1)</script>"
BOLD_NOTE = "<b>bold</b>"
NONCE = "r4nd0m+N0nce/value=="
# The only markup the builders add themselves: line breaks and plotly's <extra> hover box.
OWN_MARKUP = re.compile(r"<br>|<extra></extra>")


def metrics(index: int = 0, **overrides: float) -> dict:
    data = {
        "empathy_score": 40.0 + index,
        "precision": 30.0 + index,
        "coverage": 60.0 + index,
        "weighted_empathy_score": 45.0 + index,
        "weighted_precision": 35.0 + index,
        "weighted_coverage": 65.0 + index,
        "confirmed": index + 1,
        "partial": 2,
        "misplaced": index % 2,
        "unconfirmed": 6 - index,
        "anticipated": 3 + index,
        "missed": 7 - index,
        "internal_count": 10,
        "customer_count": 10,
    }
    data.update(overrides)
    return data


def make_summary() -> dict:
    # The shape of comparison.services.results._summary_json, segments out of canonical order.
    segments = {key: metrics(index) for index, key in enumerate(SEGMENT_KEYS)}
    return {**metrics(9), "segments": dict(reversed(segments.items()))}


def all_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from all_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from all_strings(item)


def assert_no_user_markup(fig: go.Figure) -> None:
    """No '<' in the figure except the markup the builders add on purpose."""
    for text in all_strings(fig.to_dict()):
        assert "<" not in OWN_MARKUP.sub("", text), text


class ScriptTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.divs: list[dict] = []
        self.end_scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        elif tag == "div":
            self.divs.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "script":
            self.end_scripts += 1


def parse(fragment: str) -> ScriptTags:
    parser = ScriptTags()
    parser.feed(fragment)
    parser.close()
    return parser


def persona_rows() -> list[PersonaScores]:
    return [
        PersonaScores(
            "Jane, procurement lead",
            {key: 10.0 * index for index, key in enumerate(SEGMENT_KEYS)},
            overall=42.5,
        ),
        PersonaScores(EVIL_PERSONA, {"pains": 80.0, "sees": None}),
    ]


def trend_series() -> list[PersonaTrend]:
    return [
        PersonaTrend(
            "Jane",
            [
                TrendPoint(date(2026, 5, 1), 70.0, "Round 3"),
                TrendPoint(date(2026, 1, 10), 40.0, "Round 1"),
                TrendPoint(date(2026, 3, 2), None),
            ],
        ),
        PersonaTrend(
            EVIL_PERSONA, [TrendPoint(datetime(2026, 2, 1, 9, 30, tzinfo=UTC), 20.0, BOLD_NOTE)]
        ),
    ]


def every_figure() -> list[go.Figure]:
    summary = make_summary()
    return [
        charts.verdict_bars(summary),
        charts.segment_scores(summary),
        charts.segment_radar(summary),
        charts.persona_heatmap(persona_rows()),
        charts.score_trend(trend_series()),
    ]


def empty_figures() -> list[go.Figure]:
    zero = dict.fromkeys(metrics(), 0)
    return [
        charts.verdict_bars(None),
        charts.verdict_bars({}),
        charts.verdict_bars({**zero, "segments": dict.fromkeys(SEGMENT_KEYS, zero)}),
        charts.verdict_bars({"segments": "not a mapping"}),
        charts.segment_scores({}),
        charts.segment_radar(None),
        charts.persona_heatmap([]),
        charts.score_trend([]),
        charts.score_trend([PersonaTrend("Jane", [])]),
    ]


# --- purity -------------------------------------------------------------------------------


def test_module_imports_neither_django_nor_models():
    # A fresh interpreter: this test process has Django loaded by pytest-django already.
    code = (
        "import sys, comparison.charts; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.') "
        "or m.endswith('.models')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(  # noqa: S603 - our own interpreter and a literal script
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- 1. verdict bars ----------------------------------------------------------------------


def test_verdict_bars_stack_every_verdict_per_segment_in_canonical_order():
    # given a summary whose segments come in reverse order
    summary = make_summary()

    # when
    fig = charts.verdict_bars(summary)

    # then six stacked traces over the same twelve (segment, side) slots, Sees first
    assert fig.layout.barmode == "stack"
    assert [trace.name for trace in fig.data] == [
        "Confirmed",
        "Partly confirmed",
        "Right insight, wrong segment",
        "Not confirmed",
        "Anticipated",
        "Missed",
    ]
    slots = [[label for label in ESCAPED_LABELS for _ in (1, 2)], ["Team", "Customers"] * 6]
    for trace in fig.data:
        assert trace.type == "bar"
        assert trace.orientation == "h"
        assert [list(level) for level in trace.y] == slots
    confirmed, *_, missed = fig.data
    assert list(confirmed.x) == [
        value for index in range(6) for value in (index + 1, None)
    ]  # team slots only
    assert list(missed.x) == [value for index in range(6) for value in (None, 7 - index)]
    assert fig.layout.yaxis.autorange == "reversed"  # Sees on top


def test_verdict_bars_use_the_palette_and_a_pattern_per_verdict():
    fig = charts.verdict_bars(make_summary())

    for trace in fig.data:
        verdict = next(key for key, label in charts.VERDICT_LABELS.items() if label == trace.name)
        assert trace.marker.color == charts.VERDICT_COLOURS[verdict]
        assert trace.marker.pattern.shape == charts.VERDICT_PATTERNS[verdict]
    assert {trace.legendgroup for trace in fig.data} == {"team", "customers"}


@pytest.mark.parametrize(
    "verdicts", [charts.INTERNAL_VERDICTS, charts.CUSTOMER_VERDICTS], ids=["team", "customers"]
)
def test_verdicts_stacked_together_differ_in_greyscale_and_pattern(verdicts):
    def luma(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * red + 0.587 * green + 0.114 * blue

    greys = sorted(luma(charts.VERDICT_COLOURS[verdict]) for verdict in verdicts)
    # 30 of 255 grey levels: apart on a greyscale print or a washed-out projector
    assert min(b - a for a, b in zip(greys, greys[1:], strict=False)) >= 30
    patterns = [charts.VERDICT_PATTERNS[verdict] for verdict in verdicts]
    assert len(set(patterns)) == len(patterns)


def test_verdict_bars_ignore_unknown_segments_and_count_missing_ones_as_zero():
    summary = {"segments": {"pains": metrics(), "nonsense": metrics(5)}}

    fig = charts.verdict_bars(summary)

    confirmed = fig.data[0]
    pains = SEGMENT_KEYS.index("pains")
    assert list(confirmed.x)[2 * pains] == 1
    assert sum(value or 0 for value in confirmed.x) == 1
    assert len(confirmed.x) == 12


def test_verdict_bars_table():
    table = charts.verdict_bars_table(make_summary())

    assert table.headers == ("Segment", *charts.VERDICT_LABELS.values())
    assert [row[0] for row in table.rows] == [*LABELS, "Overall"]
    assert table.rows[0] == ("Sees", "1", "2", "0", "6", "3", "7")
    assert table.rows[-1][1] == str(sum(range(1, 7)))  # confirmed summed over segments
    assert all(isinstance(cell, str) for row in table.rows for cell in row)


# --- 2. segment scores --------------------------------------------------------------------


def test_segment_scores_group_three_measures_per_segment_then_overall():
    fig = charts.segment_scores(make_summary())

    assert fig.layout.barmode == "group"
    assert [trace.name for trace in fig.data] == ["Empathy score", "Precision", "Coverage"]
    for trace in fig.data:
        assert list(trace.x) == [*ESCAPED_LABELS, "Overall"]
    empathy, precision, coverage = fig.data
    assert list(empathy.y) == [40.0 + index for index in range(6)] + [49.0]
    assert list(precision.y)[0] == 30.0
    assert list(coverage.y)[-1] == 69.0
    assert fig.layout.yaxis.range == (0, 105)


def test_segment_scores_weighted_reads_the_weighted_figures():
    fig = charts.segment_scores(make_summary(), weighted=True)

    assert fig.data[0].name == "Empathy score (vote-weighted)"
    assert list(fig.data[0].y)[0] == 45.0
    assert list(fig.data[2].y)[0] == 65.0


def test_segment_scores_show_a_gap_for_a_missing_or_broken_figure():
    summary = make_summary()
    summary["segments"]["hears"] = metrics(2, empathy_score=None, precision=float("nan"))
    del summary["segments"]["gains"]

    fig = charts.segment_scores(summary)

    hears, gains = SEGMENT_KEYS.index("hears"), SEGMENT_KEYS.index("gains")
    assert fig.data[0].y[hears] is None
    assert fig.data[1].y[hears] is None
    assert fig.data[2].y[gains] is None


def test_segment_radar_closes_one_outline_per_measure():
    fig = charts.segment_radar(make_summary())

    assert [trace.type for trace in fig.data] == ["scatterpolar"] * 3
    for trace in fig.data:
        assert list(trace.theta) == [*ESCAPED_LABELS, ESCAPED_LABELS[0]]
        assert trace.r[0] == trace.r[-1]
        assert "markers" in trace.mode
    assert [trace.line.dash for trace in fig.data] == ["solid", "dash", "dot"]
    assert fig.layout.polar.radialaxis.range == (0, 100)
    assert fig.layout.polar.radialaxis.title.text


def test_segment_scores_table():
    table = charts.segment_scores_table(make_summary())

    assert table.headers == ("Segment", "Empathy score", "Precision", "Coverage")
    assert table.rows[0] == ("Sees", "40", "30", "60")
    assert table.rows[-1] == ("Overall", "49", "39", "69")
    assert len(table.rows) == 7
    summary = make_summary()
    summary["segments"]["sees"]["coverage"] = None
    assert charts.segment_scores_table(summary).rows[0][3] == "no data"


# --- 3. persona heatmap -------------------------------------------------------------------


def test_persona_heatmap_rows_are_personas_and_columns_segments():
    fig = charts.persona_heatmap(persona_rows())

    (heatmap,) = fig.data
    assert heatmap.type == "heatmap"
    assert list(heatmap.x) == [
        label.replace(" &amp; ", " &amp;<br>") for label in ESCAPED_LABELS
    ] + ["Overall"]
    assert list(heatmap.y) == ["Jane, procurement lead", html.escape(EVIL_PERSONA)]
    assert [list(row) for row in heatmap.z] == [
        [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 42.5],
        [None, None, None, None, 80.0, None, None],
    ]
    assert [list(row) for row in heatmap.text][1][:5] == ["no data"] * 4 + ["80"]
    assert heatmap.texttemplate == "%{text}"
    assert (heatmap.zmin, heatmap.zmax) == (0, 100)
    assert heatmap.colorscale == go.Heatmap(colorscale="Cividis").colorscale
    assert fig.layout.yaxis.autorange == "reversed"  # first row on top


def test_persona_heatmap_omits_the_overall_column_when_no_row_has_one():
    rows = [PersonaScores("Jane", {"sees": 50.0})]

    fig = charts.persona_heatmap(rows)

    assert len(fig.data[0].x) == 6
    assert charts.persona_heatmap_table(rows).headers == ("Persona", *LABELS)


def test_persona_heatmap_keeps_duplicate_and_long_names_apart():
    long_name = "A persona with a remarkably long and descriptive name indeed"
    rows = [
        PersonaScores("Jane", {}),
        PersonaScores("Jane", {}),
        PersonaScores(long_name, {}),
    ]

    fig = charts.persona_heatmap(rows)

    labels = list(fig.data[0].y)
    assert labels[:2] == ["Jane", "Jane (2)"]
    assert labels[2].endswith("…")
    assert len(labels[2]) <= charts.AXIS_LABEL_CHARS
    assert list(fig.data[0].hovertext)[2][0] == html.escape(long_name)


def test_persona_heatmap_table():
    table = charts.persona_heatmap_table(persona_rows())

    assert table.headers == ("Persona", *LABELS, "Overall")
    assert table.rows[0] == (
        "Jane, procurement lead",
        *("0", "10", "20", "30", "40", "50"),
        "42",  # whole points (42.5 rounds half to even)
    )
    # plain text for the template to escape, never pre-escaped
    assert table.rows[1][0] == EVIL_PERSONA
    assert table.rows[1][1] == "no data"


# --- 4. score trend -----------------------------------------------------------------------


def test_score_trend_draws_one_dated_line_per_persona():
    fig = charts.score_trend(trend_series())

    jane, other = fig.data
    assert [trace.type for trace in fig.data] == ["scatter", "scatter"]
    assert jane.mode == "lines+markers"
    assert list(jane.x) == ["2026-01-10", "2026-03-02", "2026-05-01"]  # sorted by date
    assert list(jane.y) == [40.0, None, 70.0]
    assert list(other.x) == ["2026-02-01"]  # a datetime counts by its day
    assert jane.name == "Jane"
    assert other.name == html.escape(EVIL_PERSONA)
    assert jane.line.color != other.line.color
    assert jane.marker.symbol != other.marker.symbol
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.xaxis.title.text == "Customer workshop date"
    assert fig.layout.yaxis.range == (0, 100)


def test_score_trend_styles_stay_distinct_beyond_the_palette():
    series = [
        PersonaTrend(f"P{index}", [TrendPoint(date(2026, 1, 1), 50.0)]) for index in range(12)
    ]

    fig = charts.score_trend(series)

    styles = {(trace.line.color, trace.marker.symbol, trace.line.dash) for trace in fig.data}
    assert len(styles) == 12


def test_score_trend_table():
    table = charts.score_trend_table(trend_series())

    assert table.headers == ("Persona", "Customer workshop date", "Round", "Empathy score")
    assert table.rows == (
        ("Jane", "2026-01-10", "Round 1", "40"),
        ("Jane", "2026-03-02", "", "no data"),
        ("Jane", "2026-05-01", "Round 3", "70"),
        (EVIL_PERSONA, "2026-02-01", BOLD_NOTE, "20"),
    )


# --- every chart --------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(5))
def test_every_chart_has_a_title_titled_axes_and_projector_sized_text(index):
    fig = every_figure()[index]

    assert fig.layout.title.text
    assert fig.layout.font.size >= 18
    assert fig.layout.title.font.size > fig.layout.font.size
    if fig.data[0].type == "scatterpolar":
        assert fig.layout.polar.radialaxis.title.text
    else:
        assert fig.layout.xaxis.title.text
        assert fig.layout.yaxis.title.text


@pytest.mark.parametrize("index", range(9))
def test_empty_inputs_give_a_no_data_chart(index):
    fig = empty_figures()[index]

    assert fig.data == ()
    assert [annotation.text for annotation in fig.layout.annotations] == ["No data yet"]
    assert fig.layout.title.text
    assert fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text
    assert parse(charts.chart_html(fig, nonce=NONCE)).scripts == [{"nonce": NONCE}]


def test_empty_inputs_give_empty_tables_with_headers():
    tables = [
        charts.verdict_bars_table(None),
        charts.segment_scores_table({}),
        charts.persona_heatmap_table([]),
        charts.score_trend_table([]),
    ]

    for table in tables:
        assert table.headers
        assert table.rows == ()


def test_output_is_deterministic_whatever_the_default_template(monkeypatch):
    first = [fig.to_json() for fig in every_figure()]
    first_html = [charts.chart_html(fig, nonce=NONCE) for fig in every_figure()]

    monkeypatch.setattr(pio.templates, "default", "plotly_dark")

    assert [fig.to_json() for fig in every_figure()] == first
    assert [charts.chart_html(fig, nonce=NONCE) for fig in every_figure()] == first_html


# --- escaping -----------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(5))
def test_user_text_is_escaped_in_the_figure_and_the_fragment(index):
    fig = every_figure()[index]

    as_dict = json.dumps(fig.to_dict())
    fragment = charts.chart_html(fig, nonce=NONCE)

    assert "<b>" not in as_dict
    assert "<script" not in as_dict
    assert_no_user_markup(fig)
    assert "</script><script>alert" not in fragment
    assert fragment.count("</script") == 1  # the fragment's own closing tag


def test_escaped_forms_are_present():
    figures = json.dumps([fig.to_dict() for fig in every_figure()])

    assert "&lt;b&gt;bold&lt;/b&gt;" in figures
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in figures


def test_hover_templates_never_carry_user_text():
    # plotly substitutes %{...} in templates; user text goes into data the template names.
    persona = "%{x} %{y} <i>it</i>"
    figures = [
        charts.persona_heatmap([PersonaScores(persona, {"sees": 1.0})]),
        charts.score_trend([PersonaTrend(persona, [TrendPoint(date(2026, 1, 1), 1.0, persona)])]),
    ]

    for fig in figures:
        for trace in fig.data:
            assert "%{x} %{y}" not in (trace.hovertemplate or "")
            assert "%{x} %{y}" not in (getattr(trace, "texttemplate", None) or "")


@settings(max_examples=40, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=120),
        st.sampled_from(
            [
                EVIL_PERSONA,
                BOLD_NOTE,
                '"><img src=x onerror=alert(2)>',
                "<a href='javascript:alert(3)'>x</a>",
                "{{7*7}} %{x} $x^2$",
                "&lt;b&gt; already escaped",
                "<br>" * 3,
                "a\u2028b\u2029c",
            ]
        ),
    )
)
def test_arbitrary_text_never_leaks_markup(text):
    # given the same text as persona, note, round label and title everywhere
    figures = [
        charts.persona_heatmap([PersonaScores(text, {"sees": 50.0}, overall=50.0)]),
        charts.score_trend([PersonaTrend(text, [TrendPoint(date(2026, 1, 1), 50.0, text)])]),
        charts.verdict_bars(make_summary(), title=text),
        charts.segment_scores(make_summary(), title=text),
    ]

    for fig in figures:
        # then no '<' but the builders' own line breaks reaches plotly
        assert_no_user_markup(fig)
        # and the fragment holds one script element whatever the text
        fragment = charts.chart_html(fig, nonce=NONCE)
        parsed = parse(fragment)
        assert parsed.scripts == [{"nonce": NONCE}]
        assert parsed.end_scripts == 1
        assert fragment.count("<") == 4  # <div>, </div>, <script>, </script>

    # and the full text survives, escaped, in the hover (wrapped at spaces or long words)
    hover = html.unescape(figures[1].data[0].hovertext[0].replace("<br>", ""))
    assert "".join(hover.split()).startswith("".join(text.split()))


# --- rendering ----------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(5))
def test_fragment_is_one_div_and_one_nonced_script(index):
    fig = every_figure()[index]

    fragment = charts.chart_html(fig, nonce=NONCE, div_id="verdicts", described_by="v-table")

    parsed = parse(fragment)
    assert parsed.scripts == [{"nonce": NONCE}]  # no src: plotly.js is not included
    assert parsed.end_scripts == 1
    (div,) = parsed.divs
    assert div["id"] == "verdicts"
    assert div["role"] == "img"
    assert div["aria-label"] == html.unescape(fig.layout.title.text)
    assert div["aria-describedby"] == "v-table"
    assert "style" not in div  # nothing for a strict style-src to block
    assert 'getElementById("verdicts")' in fragment
    assert len(fragment) < 100_000  # the 4.8 MB bundle is served separately


def test_fragment_config_and_no_mathjax():
    fragment = charts.chart_html(every_figure()[0], nonce=NONCE)

    assert "mathjax" not in fragment.lower()
    assert (
        '{"displayModeBar":false,"displaylogo":false,"responsive":true,"typesetMath":false}'
        in fragment
    )
    assert "cdn" not in fragment.lower()
    assert "http" not in fragment


def test_fragment_json_cannot_close_the_script_even_for_unescaped_figures():
    # chart_html is safe on its own too: a figure built elsewhere with raw markup.
    fig = go.Figure(
        data=[go.Bar(x=["</script><script>alert(1)</script>"], y=[1])],
        layout={"title": {"text": "<!-- </SCRIPT> & \u2028"}},
    )

    fragment = charts.chart_html(fig, nonce=NONCE)

    assert fragment.lower().count("</script") == 1
    assert "<!--" not in fragment
    assert "\\u003c/script\\u003e" in fragment
    assert parse(fragment).scripts == [{"nonce": NONCE}]


def test_fragment_default_id_is_stable_and_differs_between_figures():
    first, second = every_figure()[:2]

    first_id = parse(charts.chart_html(first, nonce=NONCE)).divs[0]["id"]

    assert first_id == parse(charts.chart_html(first, nonce="other")).divs[0]["id"]
    assert first_id != parse(charts.chart_html(second, nonce=NONCE)).divs[0]["id"]
    assert re.fullmatch(r"chart-[0-9a-f]{16}", first_id)


@pytest.mark.parametrize("nonce", ["", 'x" onload="alert(1)', "a b", "<n>"])
def test_fragment_refuses_a_nonce_that_is_not_a_token(nonce):
    with pytest.raises(ValueError, match="nonce"):
        charts.chart_html(every_figure()[0], nonce=nonce)


@pytest.mark.parametrize("field", ["div_id", "described_by"])
@pytest.mark.parametrize("value", ['x"><script>', "1abc", "a b"])
def test_fragment_refuses_element_ids_that_are_not_ids(field, value):
    with pytest.raises(ValueError, match=field):
        charts.chart_html(every_figure()[0], nonce=NONCE, **{field: value})


def test_plotlyjs_bundle_comes_from_the_installed_package():
    path = charts.plotlyjs_path()

    assert path.name == "plotly.min.js"
    assert path.is_file()
    source = charts.plotlyjs_source()
    assert source == path.read_text(encoding="utf-8")
    assert f"plotly.js v{charts.plotlyjs_version()}" in source[:200]


def test_plotlyjs_script_inlines_the_bundle_with_the_nonce():
    script = charts.plotlyjs_script(nonce=NONCE)

    parsed = parse(script)
    assert parsed.scripts == [{"nonce": NONCE}]
    assert script.lower().count("</script") == 1
    assert len(script) > 1_000_000
    with pytest.raises(ValueError, match="nonce"):
        charts.plotlyjs_script(nonce='"')


def test_verdict_counts_tick_whole_notes():
    fig = charts.verdict_bars(make_summary())

    assert fig.layout.xaxis.tickformat == "d"
    assert fig.layout.xaxis.dtick == 1  # a few notes per bar: a tick for every note


# --- in German ----------------------------------------------------------------------------


def test_charts_built_under_german_have_german_words_and_numbers():
    from django.utils import translation

    trend = [PersonaTrend("Jane", [TrendPoint(date(2026, 3, 2), 47.6, "Runde 1")])]
    with translation.override("de"):
        bars = charts.verdict_bars(make_summary())
        scores = charts.segment_scores(make_summary(), weighted=True)
        heatmap = charts.persona_heatmap([PersonaScores("Jane", {"pains": None}, None)])
        line = charts.score_trend(trend)
        table = charts.score_trend_table(trend)
        empty = charts.score_trend([])
    assert bars.layout.title.text == "Bewertungen nach Segment"
    assert (bars.layout.xaxis.title.text, bars.layout.yaxis.title.text) == ("Notizen", "Segment")
    assert [trace.name for trace in bars.data][:2] == ["Bestätigt", "Teilweise bestätigt"]
    assert bars.data[0].legendgrouptitle.text == "Hypothesen des Teams"
    segments = {category for trace in bars.data for category in trace.y[0]}
    assert {"Sieht", "Sagt &amp; Tut", "Hört", "Denkt &amp; Fühlt", "Schmerzen", "Gewinne"} == (
        segments
    )
    assert bars.layout.separators == ",."  # 47,6 in hover boxes
    assert scores.data[0].name == "Empathie-Score (stimmengewichtet)"
    assert list(scores.data[0].x)[-1] == "Gesamt"
    assert heatmap.layout.title.text == "Empathie-Score nach Persona und Segment"
    assert list(heatmap.data[0].text[0])[4] == "keine Daten"
    assert line.layout.xaxis.tickformat == "%d.%m.%Y"
    assert table.headers == ("Persona", "Datum des Kunden-Workshops", "Runde", "Empathie-Score")
    assert table.rows[0][1] == "02.03.2026"
    assert [annotation.text for annotation in empty.layout.annotations] == ["Noch keine Daten"]
    # and back in English, nothing of it stays
    english = charts.verdict_bars(make_summary())
    assert english.layout.title.text == "Verdicts by segment"
    assert english.layout.separators is None


def test_percentages_in_german_have_a_space_before_the_sign():
    from django.utils import translation

    from comparison.charts import translation as chart_translation

    with translation.override("de"):
        assert chart_translation.percent("%{x:.0f}") == "%{x:.0f} %"
    assert chart_translation.percent("%{x:.0f}") == "%{x:.0f}%"
