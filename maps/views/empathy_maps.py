"""Creating a map, editing its details, deleting it, and exporting its notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from maps import forms, selectors, services
from maps.services.empathy_maps import MAP_FIELDS
from maps.views.pages import (
    GET_POST,
    add_service_errors,
    board_url,
    confirm_page,
    confirmed,
    plural,
    render_page,
    require_editor,
    sealed_refusal,
)

EXPORT_FORMATS = ("csv", "json")


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
    form = forms.MapCreateForm(request.POST or None, initial=initial, personas=personas)
    if request.method == "POST" and form.is_valid():
        try:
            empathy_map = services.map_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Map “{empathy_map.title}” created. Add its notes.")
            return redirect("map-board", pk=empathy_map.pk)
    return render_page(
        request,
        "maps/map_form.html",
        {"form": form, "workspace": workspace, "map": None, "has_personas": personas.exists()},
        workspace=workspace,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def map_edit(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    workspace = empathy_map.persona.workspace
    require_editor(request, workspace.pk)
    if refusal := sealed_refusal(request, empathy_map):
        return refusal
    initial = {field: getattr(empathy_map, field) for field in MAP_FIELDS}
    form = forms.MapForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.map_update(user=request.user, empathy_map=empathy_map, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Map saved.")
            return redirect("map-board", pk=empathy_map.pk)
    return render_page(
        request,
        "maps/map_form.html",
        {"form": form, "workspace": workspace, "map": empathy_map, "has_personas": True},
        workspace=workspace,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def map_delete(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    workspace = empathy_map.persona.workspace
    require_editor(request, workspace.pk)
    if refusal := sealed_refusal(request, empathy_map):
        return refusal
    if not confirmed(request):
        note_count = empathy_map.notes.count()
        pair_count = empathy_map.pairs_as_internal.count() + empathy_map.pairs_as_customer.count()
        consequences = [f"All its notes ({note_count:,}) are deleted too."]
        if pair_count:
            consequences.append(
                f"It is part of {plural(pair_count, 'pair')}; "
                "pairs with this map and their comparison reports are deleted too."
            )
        return confirm_page(
            request,
            workspace=workspace,
            title=f"Delete the map “{empathy_map.title}”?",
            consequences=consequences,
            cancel_url=board_url(empathy_map.pk),
        )
    try:
        services.map_delete(user=request.user, empathy_map=empathy_map)
    except services.MapSealed as error:  # sealed between the page and the click
        messages.error(request, error.messages[0])
        return redirect(board_url(empathy_map.pk))
    messages.success(request, f"Map “{empathy_map.title}” deleted.")
    return redirect("workspace-detail", pk=workspace.pk)


@login_required
@require_GET
def map_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in EXPORT_FORMATS:
        raise Http404("Export as csv or json.")
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    content, content_type, filename = selectors.map_export(empathy_map, file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
