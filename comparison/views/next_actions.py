"""Pages for a report's next actions: list, draft, edit, reorder, delete, carry, export.

Thin: the parent comes through `reports_for` (another workspace answers 404), writes go
through `comparison.next_actions.services`, which check the editor role (PermissionDenied,
a 403, for viewers). Viewers read the list and download the exports, which are in the
report's own language (`Report.language`), like the report's other exports.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from comparison.models import ActionKind, NextAction, Report
from comparison.next_actions import exports as action_exports
from comparison.next_actions import selectors as action_selectors
from comparison.next_actions import services as action_services
from comparison.selectors import reports_for
from comparison.selectors.polarity import polarity_findings
from maps.models import Role
from maps.segments import SEGMENTS
from maps.selectors import has_role, maps_for, require_role

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8"}


class ActionForm(forms.Form):
    """An action's editable fields (both kinds; the service checks what each needs)."""

    segment = forms.ChoiceField(
        choices=[
            ("", gettext_lazy("No segment")),
            *((s.key, gettext_lazy(s.label)) for s in SEGMENTS),
        ],
        required=False,
    )
    question = forms.CharField(
        required=False, max_length=action_services.FIELD_LIMITS["question"], widget=forms.Textarea
    )
    hypothesis = forms.CharField(
        required=False, max_length=action_services.FIELD_LIMITS["hypothesis"], widget=forms.Textarea
    )
    test = forms.CharField(required=False, max_length=action_services.FIELD_LIMITS["test"])
    metric = forms.CharField(required=False, max_length=action_services.FIELD_LIMITS["metric"])
    criterion = forms.CharField(
        required=False, max_length=action_services.FIELD_LIMITS["criterion"]
    )


def _posted_to_action(
    view: Callable[[HttpRequest, Report, NextAction], HttpResponse],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A logged-in POST to the next action `pk`: the view gets its report and the action,
    fetched among the user's reports (another workspace's action answers 404)."""

    @login_required
    @require_POST
    @functools.wraps(view)
    def with_action(request: HttpRequest, pk: int) -> HttpResponse:
        actions = NextAction.objects.filter(report__in=reports_for(request.user))
        action = get_object_or_404(actions.select_related("report"), pk=pk)
        return view(request, action.report, action)

    return with_action


def _back(report: Report, anchor: str = "") -> HttpResponse:
    url = reverse("report-actions", kwargs={"pk": report.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _write_and_tell(request: HttpRequest, write: Callable[[], object], success: str) -> None:
    """Run a service write; tell the user `success`, or the service's ValidationError."""
    try:
        write()
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, success)


@login_required
@require_GET
def actions_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_for(request.user), pk=pk)
    workspace = report.pair.internal_map.persona.workspace
    can_edit = has_role(request.user, workspace, Role.EDITOR)
    return render(
        request,
        "comparison/next_actions.html",
        {
            "current_workspace": workspace,
            "report": report,
            "pair": report.pair,
            "actions": list(action_selectors.report_actions(report)),
            "can_edit": can_edit,
            "targets": list(action_selectors.carry_targets(request.user, report))
            if can_edit
            else [],
            "segments": SEGMENTS,
            "kinds": ActionKind,
            "polarity": polarity_findings(report),
        },
    )


@login_required
@require_POST
def actions_draft(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_for(request.user), pk=pk)
    try:
        outcome = action_services.next_actions_draft(user=request.user, report=report)
    except ValidationError as error:
        _error(request, error)
        return _back(report)
    created = len(outcome.created)
    parts = [
        ngettext("%(count)s next action drafted.", "%(count)s next actions drafted.", created)
        % {"count": created}
    ]
    if outcome.already_drafted:
        parts.append(
            ngettext(
                "%(count)s note already had one.",
                "%(count)s notes already had one.",
                outcome.already_drafted,
            )
            % {"count": outcome.already_drafted}
        )
    if outcome.left_out:
        parts.append(
            ngettext(
                "%(count)s more was left out (at most %(per_draft)s per draft and "
                "%(per_report)s per report); draft again for the rest.",
                "%(count)s more were left out (at most %(per_draft)s per draft and "
                "%(per_report)s per report); draft again for the rest.",
                outcome.left_out,
            )
            % {
                "count": outcome.left_out,
                "per_draft": action_services.MAX_DRAFT_ACTIONS,
                "per_report": action_services.MAX_ACTIONS_PER_REPORT,
            }
        )
    messages.success(request, " ".join(parts))
    return _back(report)


@login_required
@require_POST
def actions_create(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_for(request.user), pk=pk)
    form = ActionForm(request.POST)
    kind = request.POST.get("kind", "")
    if not form.is_valid():
        messages.error(
            request, _("The action was not added: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return _back(report)
    _write_and_tell(
        request,
        lambda: action_services.next_action_create(
            user=request.user, report=report, kind=kind, **form.cleaned_data
        ),
        _("Next action added."),
    )
    return _back(report)


@_posted_to_action
def action_edit(request: HttpRequest, report: Report, action: NextAction) -> HttpResponse:
    require_role(request.user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Nothing was saved: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return _back(report, f"action-{action.pk}")
    # Only the fields this kind shows are posted; the others keep their values.
    changes = {name: value for name, value in form.cleaned_data.items() if name in request.POST}
    _write_and_tell(
        request,
        lambda: action_services.next_action_update(user=request.user, action=action, **changes),
        _("Next action saved."),
    )
    return _back(report, f"action-{action.pk}")


@_posted_to_action
def action_delete(request: HttpRequest, report: Report, action: NextAction) -> HttpResponse:
    _write_and_tell(
        request,
        lambda: action_services.next_action_delete(user=request.user, action=action),
        _("Next action deleted."),
    )
    return _back(report)


@_posted_to_action
def action_move(request: HttpRequest, report: Report, action: NextAction) -> HttpResponse:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Post direction=up or direction=down."))
    try:
        action_services.next_action_move(
            user=request.user, action=action, offset=-1 if direction == "up" else 1
        )
    except ValidationError as error:
        _error(request, error)
    return _back(report, f"action-{action.pk}")


@login_required
@require_POST
def actions_carry(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_for(request.user), pk=pk)
    require_role(request.user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    try:
        map_id = int(request.POST.get("map", ""))
        chosen = [int(value) for value in request.POST.getlist("actions")]
    except ValueError:
        messages.error(request, _("Choose the internal map to carry the actions into."))
        return _back(report)
    empathy_map = maps_for(request.user).filter(pk=map_id).first()
    if empathy_map is None:
        messages.error(request, _("That map does not exist or is not in this workspace."))
        return _back(report)
    try:
        notes = action_services.next_actions_carry(
            user=request.user,
            report=report,
            empathy_map=empathy_map,
            action_ids=chosen or None,
        )
    except ValidationError as error:
        _error(request, error)
        return _back(report)
    messages.success(
        request,
        ngettext(
            "%(count)s action carried into “%(map)s” as a note.",
            "%(count)s actions carried into “%(map)s” as notes.",
            len(notes),
        )
        % {"count": len(notes), "map": empathy_map.title},
    )
    return _back(report)


@login_required
@require_GET
def actions_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Export as csv or md."))
    report = get_object_or_404(reports_for(request.user), pk=pk)
    rows = list(action_selectors.report_actions(report))
    with translation.override(report.language):
        if file_format == "csv":
            content = action_exports.actions_csv(rows)
        else:
            content = action_exports.actions_markdown(report, rows)
    # The file name stays English and ASCII: scripts that fetch it can rely on it.
    stem = slugify(f"next actions {report.pair.internal_map.persona.name}") or "next-actions"
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    response["Content-Language"] = report.language
    response["Content-Disposition"] = content_disposition_header(
        True, f"{stem}-report-{report.pk}.{file_format}"
    )
    return response
