"""Creating a map, editing its details, deleting it, and exporting its notes."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from maps import forms, selectors, services
from maps.models import EmpathyMap, Workspace
from maps.services.empathy_maps import MAP_FIELDS
from maps.views.pages import (
    GET_POST,
    board_url,
    confirm_page,
    confirmed,
    editing_map,
    form_page,
    number,
    require_editor,
    write_unless_sealed_meanwhile,
)

EXPORT_FORMATS = ("csv", "json")


def _map_form_page(
    request: HttpRequest,
    form: forms.MapForm,
    save: Callable[[dict], HttpResponse],
    workspace: Workspace,
    empathy_map: EmpathyMap | None,
    *,
    has_personas: bool,
) -> HttpResponse:
    """The form of a new map (`empathy_map` None) or of an existing map's details."""
    context = {"workspace": workspace, "map": empathy_map, "has_personas": has_personas}
    return form_page(
        request, form, save, template="maps/map_form.html", context=context, workspace=workspace
    )


@login_required
@require_http_methods(GET_POST)
def map_create(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    workspace = get_object_or_404(selectors.workspaces_for(request.user), pk=workspace_pk)
    require_editor(request, workspace.pk)
    personas = selectors.personas_for(request.user).filter(workspace=workspace)
    initial = {
        "persona": request.GET.get("persona"),
        "perspective": request.GET.get("perspective", "internal"),
    }

    def save(data: dict) -> HttpResponse:
        empathy_map = services.map_create(user=request.user, **data)
        messages.success(
            request, _("Map “%(title)s” created. Add its notes.") % {"title": empathy_map.title}
        )
        return redirect("map-board", pk=empathy_map.pk)

    form = forms.MapCreateForm(request.POST or None, initial=initial, personas=personas)
    return _map_form_page(request, form, save, workspace, None, has_personas=personas.exists())


@login_required
@require_http_methods(GET_POST)
@editing_map
def map_edit(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    initial = {field: getattr(empathy_map, field) for field in MAP_FIELDS}

    def save(data: dict) -> HttpResponse:
        services.map_update(user=request.user, empathy_map=empathy_map, **data)
        messages.success(request, _("Map saved."))
        return redirect("map-board", pk=empathy_map.pk)

    form = forms.MapForm(request.POST or None, initial=initial)
    workspace = empathy_map.persona.workspace
    return _map_form_page(request, form, save, workspace, empathy_map, has_personas=True)


@login_required
@require_http_methods(GET_POST)
@editing_map
def map_delete(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    workspace = empathy_map.persona.workspace
    if not confirmed(request):
        note_count = empathy_map.notes.count()
        pair_count = empathy_map.pairs_as_internal.count() + empathy_map.pairs_as_customer.count()
        consequences = [
            ngettext(
                "Its %(count)s note is deleted too.",
                "All its notes (%(count)s) are deleted too.",
                note_count,
            )
            % {"count": number(note_count)}
        ]
        if pair_count:
            consequences.append(
                ngettext(
                    "It is part of %(count)s pair; the pair and its comparison reports are "
                    "deleted too.",
                    "It is part of %(count)s pairs; pairs with this map and their comparison "
                    "reports are deleted too.",
                    pair_count,
                )
                % {"count": number(pair_count)}
            )
        return confirm_page(
            request,
            workspace=workspace,
            title=_("Delete the map “%(title)s”?") % {"title": empathy_map.title},
            consequences=consequences,
            cancel_url=board_url(empathy_map.pk),
        )
    deleted = write_unless_sealed_meanwhile(
        request, lambda: services.map_delete(user=request.user, empathy_map=empathy_map)
    )
    if not deleted:
        return redirect(board_url(empathy_map.pk))
    messages.success(request, _("Map “%(title)s” deleted.") % {"title": empathy_map.title})
    return redirect("workspace-detail", pk=workspace.pk)


@login_required
@require_GET
def map_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Export as csv or json."))
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    content, content_type, filename = selectors.map_export(empathy_map, file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
