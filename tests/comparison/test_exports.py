"""Report exports: CSV of matches, JSON in the compare_files contract, self-contained HTML."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from comparison import charts, engine, exports, services
from comparison.exports import EXPORT_FORMATS
from comparison.models import Match, MatchKind, Report
from tests.support.builders import IMG, SCRIPT

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = [
    "engine_version",
    "settings",
    "summary",
    "segments",
    "internal",
    "customer",
    "pairs",
]
# After the contract: the report's own record of the internal map's seal when it ran.
REPORT_KEYS = [*CONTRACT_KEYS, "internal_seal"]


def web_url(report, file_format: str) -> str:
    return reverse("report-export", kwargs={"pk": report.pk, "file_format": file_format})


def api_url(report) -> str:
    return reverse("api-report-export", kwargs={"pk": report.pk})


# --- CSV ----------------------------------------------------------------------------------


def test_csv_lists_every_match_with_a_header(compared_report):
    rows = list(csv.reader(io.StringIO(exports.report_csv(compared_report))))
    assert tuple(rows[0]) == exports.CSV_COLUMNS
    assert len(rows) - 1 == compared_report.matches.count()
    by_text = {row[7] or row[12]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    confirmed = by_text["Too many tools that don't talk to each other"]
    assert confirmed["verdict"] == "confirmed"
    assert confirmed["customer_text"] == "Too many tools that do not talk to each other"
    assert float(confirmed["score"]) > 0
    assert confirmed["internal_votes"] == "5"


def test_csv_neutralises_formula_cells(compared_report):
    # Texts no import would let through unchanged, written straight into the report.
    for text in ("+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB", "\rCR", "'=quoted"):
        Match.objects.create(
            report=compared_report,
            kind=MatchKind.UNMATCHED,
            verdict="missed",
            customer_segment="pains",
            customer_text=text,
            customer_verdict="missed",
        )
    rows = list(csv.reader(io.StringIO(exports.report_csv(compared_report))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    for text in ("+SUM(A1:A9)", "-2+3", "@cmd", "\tTAB", "\rCR", "'=quoted"):
        assert "'" + text in cells
    dangerous = re.compile(r"^[=+\-@\t\r]")
    assert not [cell for cell in cells if dangerous.match(cell)]


# --- JSON ---------------------------------------------------------------------------------


def test_json_has_the_cli_contract_then_the_seal_record(compared_report):
    data = exports.report_json(compared_report)
    assert list(data) == REPORT_KEYS
    assert data["engine_version"] == compared_report.engine_version
    assert set(data["settings"]) == {
        "scorer",
        "threshold",
        "partial_threshold",
        "cross_segment",
        "language",
    }
    assert list(data["segments"]) == [
        "sees",
        "says_does",
        "hears",
        "thinks_feels",
        "pains",
        "gains",
    ]
    for note in data["internal"]:
        assert list(note) == ["id", "segment", "text", "verdict", "best", "suggestions"]
        for suggestion in note["suggestions"]:
            assert list(suggestion) == ["id", "segment", "score"]
    for note in data["customer"]:
        assert list(note) == ["id", "segment", "text", "verdict", "best"]
    for note in (*data["internal"], *data["customer"]):
        assert isinstance(note["id"], str)
    for pair in data["pairs"]:
        assert set(pair) == {"internal_id", "customer_id", "score", "verdict", "shared_terms"}
    json.dumps(data)  # serialisable as is


def test_json_equals_the_engine_result_on_the_same_notes(compared_report, compared_pair):
    """What `compare_files --format json` would print for these notes (ids = note ids)."""

    def notes(empathy_map):
        return [
            engine.NoteIn(id=str(n.pk), segment=n.segment, text=n.text, votes=n.votes)
            for n in empathy_map.notes.order_by("segment", "order", "id")
        ]

    expected = engine.compare(
        notes(compared_pair.internal_map),
        notes(compared_pair.customer_map),
        engine.Settings.from_dict(compared_report.settings),
    ).to_json_dict()
    data = exports.report_json(compared_report)
    for key in ("engine_version", "settings", "summary", "segments"):
        assert data[key] == expected[key], key
    assert sorted(data["pairs"], key=lambda p: p["internal_id"]) == sorted(
        expected["pairs"], key=lambda p: p["internal_id"]
    )
    for side in ("internal", "customer"):
        got = {note["id"]: note for note in data[side]}
        want = {note["id"]: note for note in expected[side]}
        assert set(got) == set(want)
        for note_id, note in want.items():
            for field in ("segment", "text", "verdict", "suggestions"):
                assert got[note_id].get(field) == note.get(field), field
            if note["best"] is None:
                assert got[note_id]["best"] is None
            elif got[note_id]["best"]["id"] is not None:  # paired: the partner, exactly
                assert got[note_id]["best"] == note["best"]
            else:  # unpaired: only the score is stored
                assert got[note_id]["best"]["score"] == note["best"]["score"]


def test_json_download_and_api(client, api, viewer, compared_report):
    client.force_login(viewer)
    response = client.get(web_url(compared_report, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == exports.report_json(compared_report)
    via_api = api(viewer).get(api_url(compared_report), {"format": "json"})
    assert via_api.status_code == 200
    assert list(json.loads(via_api.content)) == REPORT_KEYS


# --- HTML ---------------------------------------------------------------------------------


def test_html_export_is_self_contained(compared_report):
    page = exports.report_html(compared_report)
    assert 'src="http' not in page
    # plotly.js holds link strings for its own (unused) attributions; outside it, no link
    # leaves the file.
    outside_plotly = page.replace(charts.plotlyjs_source(), "")
    assert 'href="http' not in outside_plotly
    assert "url(" not in outside_plotly
    assert "<link" not in page
    assert re.search(r"<script[^>]*\bsrc=", page) is None  # every script inline
    assert charts.plotlyjs_source()[:2000] in page  # plotly.js inline
    assert len(page) > 3_000_000
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    # plotly.js's own fixed <style> is allowed by its hash, as on the site (no CSP error)
    assert settings.PLOTLY_MAPLIBRE_STYLE_HASH in html.unescape(page)
    for chart_id in ("report-chart-verdicts", "report-chart-scores"):
        assert f'id="{chart_id}"' in page
    assert ".verdict-legend" in page  # the report stylesheet, inline
    assert "Where we were right" in page
    nonce = re.search(r"'nonce-([^']+)'", page).group(1)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts
    assert all(f'nonce="{nonce}"' in attrs for attrs in scripts)


def test_html_export_escapes_notes_and_is_read_only(compared_report, editor):
    services.commentary_save(
        user=editor, report=compared_report, section="overall", text=f"Hm {IMG}"
    )
    page = exports.report_html(compared_report)
    assert SCRIPT not in page
    assert IMG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Hm &lt;img src=x onerror=alert(2)&gt;" in page  # the commentary, escaped
    assert "<form" not in page
    assert "csrfmiddlewaretoken" not in page
    assert "Download HTML" not in page


def test_html_download_has_a_good_filename(client, viewer, compared_report):
    client.force_login(viewer)
    response = client.get(web_url(compared_report, "html"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="gapmap-report-jane-procurement-lead-2026-03-12-'
        f'{compared_report.pk}.html"'
    )
    assert "no-store" in response["Cache-Control"]
    assert b"Where we were right" in response.content


def test_csv_download_and_api(client, api, viewer, compared_report):
    client.force_login(viewer)
    response = client.get(web_url(compared_report, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'-{compared_report.pk}.csv"')
    via_api = api(viewer).get(api_url(compared_report), {"format": "csv"})
    assert via_api.status_code == 200
    assert via_api.content == response.content
    html_api = api(viewer).get(api_url(compared_report), {"format": "html"})
    assert html_api.status_code == 200
    assert html_api["Content-Type"].startswith("text/html")


def test_report_page_links_the_exports(client, viewer, compared_report):
    client.force_login(viewer)
    page = client.get(reverse("report-page", kwargs={"pk": compared_report.pk})).content.decode()
    for file_format in EXPORT_FORMATS:
        assert f'href="{web_url(compared_report, file_format)}"' in page


def test_unknown_format_and_unfinished_report(
    client, api, editor, viewer, compared_report, compared_pair
):
    client.force_login(viewer)
    assert client.get(web_url(compared_report, "xlsx")).status_code == 404
    assert api(viewer).get(api_url(compared_report), {"format": "xlsx"}).status_code == 400
    queued, _ = services.report_request(user=editor, pair=compared_pair)
    assert queued.status == "queued"
    response = client.get(web_url(queued, "csv"))
    assert response.status_code == 302
    assert response["Location"] == reverse("report-page", kwargs={"pk": queued.pk})
    assert api(viewer).get(api_url(queued), {"format": "csv"}).status_code == 409


def test_outsider_gets_404_on_every_export_route(client, api, outsider, compared_report):
    client.force_login(outsider)
    for file_format in EXPORT_FORMATS:
        assert client.get(web_url(compared_report, file_format)).status_code == 404
        assert (
            api(outsider).get(api_url(compared_report), {"format": file_format}).status_code == 404
        )
    assert Report.objects.filter(pk=compared_report.pk).exists()


def test_anonymous_is_sent_to_login(client, compared_report):
    response = client.get(web_url(compared_report, "csv"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client.get(api_url(compared_report)).status_code in (401, 403)


# --- in German ----------------------------------------------------------------------------


def test_csv_in_german_reads_german_with_decimal_commas(compared_report):
    from django.utils import translation

    with translation.override("de"):
        rows = list(csv.reader(io.StringIO(exports.report_csv(compared_report))))
    header = rows[0]
    assert header[:3] == ["Art", "Bewertung", "Score"]
    assert "Notiz der Kunden" in header
    by_text = {row[7] or row[12]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    confirmed = by_text["Too many tools that don't talk to each other"]
    assert confirmed["Art"] == "Paar"
    assert confirmed["Bewertung"] == "Bestätigt"
    assert confirmed["Segment intern"] == "Schmerzen"
    assert re.fullmatch(r"\d+,\d", confirmed["Score"])
    # the English file keeps its keys and codes
    english = list(csv.reader(io.StringIO(exports.report_csv(compared_report))))
    assert tuple(english[0]) == exports.CSV_COLUMNS


def test_the_csv_download_follows_the_reports_language(client, viewer, compared_report):
    compared_report.language = "de"
    compared_report.save(update_fields=["language"])
    client.force_login(viewer)

    response = client.get(web_url(compared_report, "csv"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.content.decode().startswith("Art,Bewertung,Score,")
    assert response["Content-Language"] == "de"


def test_api_export_errors_speak_the_clients_language(api, viewer, compared_report):
    client = api(viewer)
    client.credentials(HTTP_ACCEPT_LANGUAGE="de")

    response = client.get(api_url(compared_report), {"format": "xlsx"})

    assert response.status_code == 400
    assert "Unbekanntes Format „xlsx“; wählen Sie csv, json oder html." in str(response.json())
