"""Web pages for comparisons: run one from a pair, read and review its report, and its
participants' overconfidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from comparison import selectors, services
from comparison.models import CommentarySection
from comparison.pages.participants import participant_overconfidence
from comparison.pages.report import report_page_context
from comparison.selectors.polarity import polarity_findings
from maps.models import Role
from maps.selectors import has_role, pairs_for, require_role


@login_required
@require_POST
def pair_compare(request, pk: int):
    pair = get_object_or_404(pairs_for(request.user), pk=pk)
    try:
        scorer = request.POST.get("scorer") or None
        report, created = services.report_request(
            user=request.user, pair=pair, settings={"scorer": scorer} if scorer else None
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pair-detail", pk=pair.pk)
    if created:
        messages.success(request, "Comparison queued. This page shows its progress.")
    else:
        messages.info(request, "A comparison of this pair is already running.")
    return redirect("pair-detail", pk=pair.pk)


@login_required
def report_page(request, pk: int):
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    return render(
        request,
        "comparison/report.html",
        {
            "current_workspace": report.pair.internal_map.persona.workspace,
            "polarity": polarity_findings(report),
            **report_page_context(
                report,
                can_edit=has_role(
                    request.user, report.pair.internal_map.persona.workspace_id, Role.EDITOR
                ),
            ),
        },
    )


@login_required
@require_POST
def report_decide(request, pk: int):
    """Accept or reject a suggested pair, or link two notes by hand."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    try:
        internal_id = int(request.POST.get("internal_note", ""))
        customer_id = int(request.POST.get("customer_note", ""))
    except ValueError:
        messages.error(request, "Choose one internal and one customer note.")
        return redirect("report-page", pk=report.pk)
    accepted = request.POST.get("decision") == "accept"
    try:
        services.decision_record(
            user=request.user,
            report=report,
            internal_note_id=internal_id,
            customer_note_id=customer_id,
            accepted=accepted,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Match accepted; scores updated." if accepted else "Match rejected; scores updated.",
        )
    return redirect("report-page", pk=report.pk)


@login_required
@require_POST
def report_commentary(request, pk: int, section: str):
    """Save (or, when emptied, remove) the consultant's commentary on one section."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    if section not in CommentarySection.values:
        raise Http404("No such report section.")
    try:
        saved = services.commentary_save(
            user=request.user, report=report, section=section, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = CommentarySection(section).label
        messages.success(
            request,
            f"Commentary on “{label}” saved." if saved else f"Commentary on “{label}” removed.",
        )
    return redirect(f"{reverse('report-page', kwargs={'pk': report.pk})}#commentary-{section}")


@login_required
@require_GET
def report_participants(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    workspace = report.pair.internal_map.persona.workspace
    # Names of people and how often they were wrong: owners and editors only.
    require_role(request.user, workspace, Role.EDITOR)
    return render(
        request,
        "comparison/participants.html",
        {
            "current_workspace": workspace,
            "report": report,
            "pair": report.pair,
            "rows": participant_overconfidence(report),
        },
    )
