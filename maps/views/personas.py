"""Creating, editing and deleting a workspace's personas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maps import forms, selectors, services
from maps.views.pages import (
    GET_POST,
    add_service_errors,
    confirm_page,
    confirmed,
    plural,
    render_page,
    require_editor,
    workspace_url,
)


@login_required
@require_http_methods(GET_POST)
def persona_create(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    workspace = get_object_or_404(selectors.workspaces_for(request.user), pk=workspace_pk)
    require_editor(request, workspace.pk)
    form = forms.PersonaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            persona = services.persona_create(
                user=request.user, workspace=workspace, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Persona “{persona.name}” created. Now add its maps.")
            return redirect(f"{workspace_url(workspace.pk)}#persona-{persona.pk}")
    return render_page(
        request,
        "maps/persona_form.html",
        {"form": form, "workspace": workspace, "persona": None},
        workspace=workspace,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def persona_edit(request: HttpRequest, pk: int) -> HttpResponse:
    persona = get_object_or_404(selectors.personas_for(request.user), pk=pk)
    require_editor(request, persona.workspace_id)
    initial = {"name": persona.name, "description": persona.description}
    form = forms.PersonaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.persona_update(user=request.user, persona=persona, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Persona saved.")
            return redirect(f"{workspace_url(persona.workspace_id)}#persona-{persona.pk}")
    return render_page(
        request,
        "maps/persona_form.html",
        {"form": form, "workspace": persona.workspace, "persona": persona},
        workspace=persona.workspace,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def persona_delete(request: HttpRequest, pk: int) -> HttpResponse:
    persona = get_object_or_404(selectors.personas_for(request.user), pk=pk)
    require_editor(request, persona.workspace_id)
    if not confirmed(request):
        map_count = persona.maps.count()
        return confirm_page(
            request,
            workspace=persona.workspace,
            title=f"Delete the persona “{persona.name}”?",
            consequences=[
                f"Its {plural(map_count, 'map')}, their notes and pairs are deleted too."
            ],
            cancel_url=reverse("persona-edit", kwargs={"pk": persona.pk}),
        )
    services.persona_delete(user=request.user, persona=persona)
    messages.success(request, f"Persona “{persona.name}” deleted.")
    return redirect("workspace-detail", pk=persona.workspace_id)
