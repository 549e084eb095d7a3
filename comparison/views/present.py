"""A report as slides for a projector: the overview, then one segment at a time."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comparison import selectors
from comparison.pages.present import present_page_context


@login_required
@require_GET
def report_present(request: HttpRequest, pk: int) -> HttpResponse:
    """Any member may present; `?segment=<key>` picks a segment's slide (an unknown key
    is a 404, so a mistyped link never shows the wrong slide)."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    try:
        context = present_page_context(report, segment=request.GET.get("segment") or None)
    except KeyError:
        raise Http404(_("No such segment.")) from None
    return render(
        request,
        "comparison/present.html",
        {"current_workspace": report.pair.internal_map.persona.workspace, **context},
    )
