"""A report as files: CSV of its matches, JSON in the `compare_files --format json`
contract, and one self-contained HTML page (stylesheet and plotly.js inline).

Built from the stored report (its Match rows, summary and settings), never by running
the engine again, so an export always says what the report page says.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import pgettext_lazy

from comparison import selectors
from comparison.models import Match, MatchKind, Report
from comparison.pages.report import report_page_context
from maps.io.spreadsheet import neutralize_spreadsheet_cell
from maps.segments import SEGMENT_KEYS

CSV_COLUMNS: tuple[str, ...] = (
    "kind",
    "verdict",
    "score",
    "shared_terms",
    "source",
    "internal_id",
    "internal_segment",
    "internal_text",
    "internal_votes",
    "internal_verdict",
    "customer_id",
    "customer_segment",
    "customer_text",
    "customer_votes",
    "customer_verdict",
)
# The CSV is a spreadsheet for people: it speaks the report's language (the export views
# run it under `translation.override(report.language)`). In English it keeps the column
# keys and stored codes it always had (scripts read it; the JSON is the stable contract);
# in German the header, the kinds, sources, verdicts and segments read German and the
# scores have a decimal comma.
# Translators: CSV column headers; translate them as spreadsheet column titles.
CSV_HEADERS: dict[str, str] = {
    "kind": pgettext_lazy("CSV column", "kind"),
    "verdict": pgettext_lazy("CSV column", "verdict"),
    "score": pgettext_lazy("CSV column", "score"),
    "shared_terms": pgettext_lazy("CSV column", "shared_terms"),
    "source": pgettext_lazy("CSV column", "source"),
    "internal_id": pgettext_lazy("CSV column", "internal_id"),
    "internal_segment": pgettext_lazy("CSV column", "internal_segment"),
    "internal_text": pgettext_lazy("CSV column", "internal_text"),
    "internal_votes": pgettext_lazy("CSV column", "internal_votes"),
    "internal_verdict": pgettext_lazy("CSV column", "internal_verdict"),
    "customer_id": pgettext_lazy("CSV column", "customer_id"),
    "customer_segment": pgettext_lazy("CSV column", "customer_segment"),
    "customer_text": pgettext_lazy("CSV column", "customer_text"),
    "customer_votes": pgettext_lazy("CSV column", "customer_votes"),
    "customer_verdict": pgettext_lazy("CSV column", "customer_verdict"),
}
# Translators: codes in the CSV's cells; translate them as the words a reader knows.
CSV_VALUES: dict[str, str] = {
    "pair": pgettext_lazy("CSV value", "pair"),
    "also": pgettext_lazy("CSV value", "also"),
    "unmatched": pgettext_lazy("CSV value", "unmatched"),
    "engine": pgettext_lazy("CSV value", "engine"),
    "manual": pgettext_lazy("CSV value", "manual"),
    "learned": pgettext_lazy("CSV value", "learned"),
    "confirmed": pgettext_lazy("CSV value", "confirmed"),
    "partial": pgettext_lazy("CSV value", "partial"),
    "misplaced": pgettext_lazy("CSV value", "misplaced"),
    "unconfirmed": pgettext_lazy("CSV value", "unconfirmed"),
    "anticipated": pgettext_lazy("CSV value", "anticipated"),
    "missed": pgettext_lazy("CSV value", "missed"),
    "sees": pgettext_lazy("CSV value", "sees"),
    "says_does": pgettext_lazy("CSV value", "says_does"),
    "hears": pgettext_lazy("CSV value", "hears"),
    "thinks_feels": pgettext_lazy("CSV value", "thinks_feels"),
    "pains": pgettext_lazy("CSV value", "pains"),
    "gains": pgettext_lazy("CSV value", "gains"),
}
CODED_COLUMNS = frozenset(
    {
        "kind",
        "verdict",
        "source",
        "internal_segment",
        "internal_verdict",
        "customer_segment",
        "customer_verdict",
    }
)
# The stylesheets the HTML export inlines, in cascade order.
EXPORT_STYLESHEETS: tuple[str, ...] = ("css/gapmap.css", "css/report.css")
_SEGMENT_RANK = {key: rank for rank, key in enumerate(SEGMENT_KEYS)}


def _note_id(match: Match, prefix: str) -> str:
    """The note's id as a string; a note deleted since the run keeps a stable stand-in
    (the same one `comparison.services.review._snapshot` uses)."""
    note_id = getattr(match, f"{prefix}_note_id")
    return str(note_id) if note_id else f"gone-{prefix}-{match.pk}"


def _score(value: float | None) -> str:
    """One decimal, with the language's decimal mark ("47.6", "47,6")."""
    return "" if value is None else number_format(value, 1)


def _cell(column: str, value: str) -> str:
    if column in CODED_COLUMNS and value in CSV_VALUES:
        return str(CSV_VALUES[value])
    return value


def report_csv(report: Report) -> str:
    """One row per match (pairs, also-matches, unmatched notes), header `CSV_COLUMNS`.

    Every cell is neutralised against formula injection: a cell a spreadsheet would run
    (starting with `=`, `+`, `-`, `@`, TAB, CR) gets a leading `'`, as the map export does.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(CSV_HEADERS[column]) for column in CSV_COLUMNS])
    for match in report.matches.all():
        sides = []
        for prefix in ("internal", "customer"):
            text = getattr(match, f"{prefix}_text")
            sides += [
                _note_id(match, prefix) if text else "",
                getattr(match, f"{prefix}_segment"),
                text,
                str(getattr(match, f"{prefix}_votes")) if text else "",
                getattr(match, f"{prefix}_verdict"),
            ]
        cells = [
            match.kind,
            match.verdict,
            _score(match.score),
            "; ".join(match.shared_terms or []),
            match.source,
            *sides,
        ]
        writer.writerow(
            [
                neutralize_spreadsheet_cell(_cell(column, str(cell)))
                for column, cell in zip(CSV_COLUMNS, cells, strict=True)
            ]
        )
    return buffer.getvalue()


def report_json(report: Report) -> dict[str, Any]:
    """The report in the `compare_files --format json` contract
    (`engine.ComparisonResult.to_json_dict`): the same keys, in the same order, followed
    by `internal_seal`, the seal of the internal map as recorded when the report ran.

    Notes are listed in canonical segment order, then by note id. `best` of a paired note
    is its partner, as the engine gives it; for an unpaired note the report stores only the
    best score, so its `best` has that score with `id` and `segment` null (null when there
    was no score at all). `suggestions` of an internal note are the report's stored
    suggestions, most likely first. Also-matches are not part of the contract and are left
    out.
    """
    summary = dict(report.summary or {})
    segments = summary.pop("segments", {})
    internal: list[dict[str, Any]] = []
    customer: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    # A note deleted since the run is known by its stand-in id, found by segment and text.
    customer_ids: dict[tuple, str] = {}
    for match in report.matches.exclude(kind=MatchKind.ALSO).order_by("id"):
        ids = {prefix: _note_id(match, prefix) for prefix in ("internal", "customer")}
        paired = match.kind == MatchKind.PAIR
        for prefix, bucket in (("internal", internal), ("customer", customer)):
            if not getattr(match, f"{prefix}_text"):
                continue
            other = "customer" if prefix == "internal" else "internal"
            if paired:
                best = {
                    "id": ids[other],
                    "segment": getattr(match, f"{other}_segment"),
                    "score": match.score,
                }
            elif match.score is not None:
                best = {"id": None, "segment": None, "score": match.score}
            else:
                best = None
            bucket.append(
                {
                    "id": ids[prefix],
                    "segment": getattr(match, f"{prefix}_segment"),
                    "text": getattr(match, f"{prefix}_text"),
                    "verdict": getattr(match, f"{prefix}_verdict"),
                    "best": best,
                }
            )
            if prefix == "customer":
                customer_ids[(match.customer_segment, match.customer_text)] = ids[prefix]
        if paired:
            pairs.append(
                {
                    "internal_id": ids["internal"],
                    "customer_id": ids["customer"],
                    "score": match.score,
                    "verdict": match.verdict,
                    "shared_terms": list(match.shared_terms or []),
                }
            )

    suggestions: dict[tuple, list[dict[str, Any]]] = {}
    for suggestion in report.suggestions.order_by("rank", "id"):
        key = suggestion.internal_note_id or (suggestion.internal_segment, suggestion.internal_text)
        suggestions.setdefault(key, []).append(
            {
                "id": str(suggestion.customer_note_id)
                if suggestion.customer_note_id
                else customer_ids.get((suggestion.customer_segment, suggestion.customer_text)),
                "segment": suggestion.customer_segment,
                "score": suggestion.score,
            }
        )
    for note in internal:
        key = int(note["id"]) if note["id"].isdigit() else (note["segment"], note["text"])
        note["suggestions"] = suggestions.get(key, [])

    def order(note: dict[str, Any]) -> tuple:
        note_id = note["id"]
        return (
            _SEGMENT_RANK.get(note["segment"], len(_SEGMENT_RANK)),
            not note_id.isdigit(),
            int(note_id) if note_id.isdigit() else 0,
            note_id,
        )

    return {
        "engine_version": report.engine_version,
        "settings": dict(report.settings or {}),
        "summary": summary,
        "segments": {key: segments[key] for key in SEGMENT_KEYS if key in segments},
        "internal": sorted(internal, key=order),
        "customer": sorted(customer, key=order),
        "pairs": pairs,
        # Not part of the engine's contract: the report's own record of the internal
        # map's seal when the comparison ran (`selectors.ReportSeal.as_json`).
        "internal_seal": selectors.report_seal(report).as_json(),
    }


def _stylesheets() -> str:
    parts = []
    for name in EXPORT_STYLESHEETS:
        path = finders.find(name)
        if path is None:  # pragma: no cover - the files ship with the app
            raise FileNotFoundError(f"static file {name} not found")
        with open(path, encoding="utf-8") as file:
            parts.append(file.read())
    css = "\n".join(parts)
    # Our own files; refuse rather than emit a page whose style element ends early.
    if "</style" in css.lower():
        raise ValueError("a stylesheet contains '</style' and cannot be inlined")
    return css


def report_html(report: Report) -> str:
    """The report as one HTML file that opens offline with working charts: the report
    body read-only (as on the shared page), the stylesheets and plotly.js inline, and a
    Content-Security-Policy that lets nothing load from anywhere."""
    nonce = secrets.token_urlsafe(16)
    context = report_page_context(report, shared=True, export=True, nonce=nonce)
    context["inline_css"] = mark_safe(_stylesheets())  # noqa: S308 - our own stylesheets
    context["csp_nonce"] = nonce
    # The same style hashes as the site's policy: plotly.js adds MapLibre's fixed <style>
    # and clears style attributes when it loads.
    context["csp_style_hash"] = settings.PLOTLY_MAPLIBRE_STYLE_HASH
    context["csp_style_attr_hash"] = settings.EMPTY_TEXT_HASH
    return render_to_string("comparison/report_export.html", context)


def export_filename(report: Report, extension: str) -> str:
    """`gapmap-report-<persona>-<customer workshop date>-<id>.<ext>`, ASCII only."""
    workshop = report.pair.customer_map
    day = workshop.held_on or (report.finished_at.date() if report.finished_at else None)
    parts = [
        "gapmap-report",
        slugify(report.pair.internal_map.persona.name)[:40].strip("-"),
        day.isoformat() if day else "",
        str(report.pk),
    ]
    return "-".join(part for part in parts if part) + f".{extension}"


EXPORT_FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}


def export_response(report: Report, file_format: str) -> HttpResponse:
    """The export of a succeeded report as a download (shared with the API), in the
    report's language whatever the reader's browser asks for."""
    with translation.override(report.language):
        if file_format == "csv":
            content: str = report_csv(report)
        elif file_format == "json":
            content = json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
        else:
            content = report_html(report)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    response["Content-Language"] = report.language
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(report, file_format)
    )
    # A report holds a client's words: keep copies out of shared caches.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
