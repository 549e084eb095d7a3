"""Report downloads: `reports/<pk>/export.csv|json|html` (viewer role suffices).

Thin: `comparison.exports` builds the files; the report is found through `reports_for`,
so another workspace's report answers 404 like a missing one.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from comparison import exports, selectors
from comparison.models import Report, ReportStatus

EXPORT_FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}


def export_response(report: Report, file_format: str) -> HttpResponse:
    """The export of a succeeded report as a download (shared with the API)."""
    if file_format == "csv":
        content: str = exports.report_csv(report)
    elif file_format == "json":
        content = json.dumps(exports.report_json(report), ensure_ascii=False, indent=2) + "\n"
    else:
        content = exports.report_html(report)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    response["Content-Disposition"] = content_disposition_header(
        True, exports.export_filename(report, file_format)
    )
    # A report holds a client's words: keep copies out of shared caches.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def report_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in EXPORT_FORMATS:
        raise Http404("Export as csv, json or html.")
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    if report.status != ReportStatus.SUCCEEDED:
        messages.error(request, "Only a finished, successful comparison can be exported.")
        return redirect("report-page", pk=report.pk)
    return export_response(report, file_format)
