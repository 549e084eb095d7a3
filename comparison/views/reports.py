"""Web pages for comparisons: run one from a pair, read and review its report (in place,
or one suggestion at a time in review mode), and its participants' overconfidence."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comparison import selectors, services
from comparison.models import CommentarySection, Report
from comparison.pages.participants import participant_overconfidence
from comparison.pages.report import report_page_context, report_review_update_context
from comparison.pages.review import review_page_context
from comparison.selectors.polarity import polarity_findings
from comparison.selectors.suggestions import shares_evidence
from comparison.services.language import report_language_set, report_languages
from config.throttling import compare_wait_seconds
from maps.models import Role
from maps.selectors import has_role, pairs_for, require_role

# The words a review form may send: accept a match or confirm a suggestion, reject a match
# or dismiss a suggestion.
ACCEPT_WORDS = frozenset({"accept", "confirm"})
REJECT_WORDS = frozenset({"reject", "dismiss"})
# The verdicts a confirmed piece of evidence gives its hypothesis.
# Where a decision returns to: a hypothesis on the report, a card in review mode.
_RETURN_ANCHOR = re.compile(r"review|link-heading|(note|suggestion)-\d+(-\d+)?")


@login_required
@require_POST
def pair_compare(request, pk: int):
    pair = get_object_or_404(pairs_for(request.user), pk=pk)
    wait = compare_wait_seconds(request)
    if wait is not None:
        messages.error(
            request,
            _("You started many comparisons just now. Try again in %(seconds)s seconds.")
            % {"seconds": wait},
        )
        return redirect("pair-detail", pk=pair.pk)
    try:
        scorer = request.POST.get("scorer") or None
        report, created = services.report_request(
            user=request.user, pair=pair, settings={"scorer": scorer} if scorer else None
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pair-detail", pk=pair.pk)
    if created:
        messages.success(request, _("Comparison queued. This page shows its progress."))
    else:
        messages.info(request, _("A comparison of this pair is already running."))
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
            "report_languages": report_languages(),
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
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or reject a match, confirm or dismiss a suggestion, or link two notes by hand.

    An htmx request gets the parts of the page the decision changed (the report's notes
    and scores, or review mode's cards); a plain form post is redirected back to where it
    came from: the hypothesis' anchor on the report (`anchor`), or review mode (`view`).
    """
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    # The role first, so a viewer learns nothing from validation errors.
    require_role(request.user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    view = "review" if request.POST.get("view") == "review" else "report"
    decision = request.POST.get("decision", "")
    feedback, failed = _decide(request, report, decision)
    if request.htmx:
        report = selectors.reports_for(request.user).get(pk=report.pk)
        response = _decision_fragment(request, report, view=view, feedback=feedback, failed=failed)
        patch_vary_headers(response, ["HX-Request"])
        return response
    (messages.error if failed else messages.success)(request, feedback)
    url = reverse("report-review" if view == "review" else "report-page", kwargs={"pk": report.pk})
    anchor = request.POST.get("anchor", "")
    if _RETURN_ANCHOR.fullmatch(anchor):
        url += f"#{anchor}"
    response = redirect(url)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _decide(request: HttpRequest, report: Report, decision: str) -> tuple[str, bool]:
    """Record the decision; (what to tell the person, whether it failed)."""
    try:
        internal_id = int(request.POST.get("internal_note", ""))
        customer_id = int(request.POST.get("customer_note", ""))
    except ValueError:
        return _("Choose one internal and one customer note."), True
    if decision not in ACCEPT_WORDS | REJECT_WORDS:
        return _("Choose whether to accept or reject the pair."), True
    try:
        services.decision_record(
            user=request.user,
            report=report,
            internal_note_id=internal_id,
            customer_note_id=customer_id,
            accepted=decision in ACCEPT_WORDS,
        )
    except ValidationError as error:
        return " ".join(error.messages), True
    if decision == "confirm" and shares_evidence(report, internal_id, customer_id):
        # Pairs stay one-to-one: the customer note keeps its first partner, and this link
        # confirms the hypothesis as an also-match.
        return _(
            "Evidence confirmed; scores updated. That customer note confirms another "
            "hypothesis too, so this link is listed under “Also matches”."
        ), False
    return {
        "accept": _("Match accepted; scores updated."),
        "reject": _("Match rejected; scores updated."),
        "confirm": _("Evidence confirmed; scores updated."),
        "dismiss": _("Suggestion dismissed."),
    }[decision], False


def _decision_fragment(
    request: HttpRequest, report: Report, *, view: str, feedback: str, failed: bool
) -> HttpResponse:
    workspace_id = report.pair.internal_map.persona.workspace_id
    can_edit = has_role(request.user, workspace_id, Role.EDITOR)
    if view == "review":
        context = review_page_context(report, can_edit=can_edit)
        template = "comparison/_review_update.html"
    else:
        context = report_review_update_context(report, can_edit=can_edit)
        template = "comparison/_report_review_update.html"
    return render(request, template, {**context, "feedback": feedback, "feedback_failed": failed})


@login_required
@require_GET
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Review mode: the suggestions awaiting review, one at a time with the keyboard
    (a list of plain forms without JavaScript); read-only for viewers."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    workspace = report.pair.internal_map.persona.workspace
    return render(
        request,
        "comparison/review.html",
        {
            "current_workspace": workspace,
            **review_page_context(
                report, can_edit=has_role(request.user, workspace.pk, Role.EDITOR)
            ),
        },
    )


@login_required
@require_POST
def report_commentary(request, pk: int, section: str):
    """Save (or, when emptied, remove) the consultant's commentary on one section."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    if section not in CommentarySection.values:
        raise Http404(_("No such report section."))
    try:
        saved = services.commentary_save(
            user=request.user, report=report, section=section, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = _(str(CommentarySection(section).label))
        messages.success(
            request,
            (
                _("Commentary on “%(section)s” saved.")
                if saved
                else _("Commentary on “%(section)s” removed.")
            )
            % {"section": label},
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


@login_required
@require_POST
def report_language(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the language of the report's shared page and exports (editors)."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    try:
        report = report_language_set(
            user=request.user, report=report, language=request.POST.get("language", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The shared page and the exports of this report are now in %(language)s.")
            % {"language": report_languages()[report.language]},
        )
    return redirect(f"{reverse('report-page', kwargs={'pk': report.pk})}#report-language")
