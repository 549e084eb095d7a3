"""Report downloads: `reports/<pk>/export.csv|json|html` (viewer role suffices).

Thin: `comparison.exports` builds the files; the report is found through `reports_for`,
so another workspace's report answers 404 like a missing one. A file is in the report's
own language (`Report.language`), whatever the browser of whoever downloads it asks for.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comparison import exports, selectors
from comparison.models import ReportStatus


@login_required
@require_GET
def report_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in exports.EXPORT_FORMATS:
        raise Http404(_("Export as csv, json or html."))
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    if report.status != ReportStatus.SUCCEEDED:
        messages.error(request, _("Only a finished, successful comparison can be exported."))
        return redirect("report-page", pk=report.pk)
    return exports.export_response(report, file_format)
