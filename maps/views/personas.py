"""Creating, editing and deleting a workspace's personas."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from maps import forms, selectors, services
from maps.models import Persona
from maps.views.pages import (
    GET_POST,
    confirm_page,
    confirmed,
    form_page,
    number,
    require_editor,
    workspace_url,
)


def _persona_on_workspace_page(persona: Persona) -> HttpResponse:
    return redirect(f"{workspace_url(persona.workspace_id)}#persona-{persona.pk}")


@login_required
@require_http_methods(GET_POST)
def persona_create(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    workspace = get_object_or_404(selectors.workspaces_for(request.user), pk=workspace_pk)
    require_editor(request, workspace.pk)

    def save(data: dict) -> HttpResponse:
        persona = services.persona_create(user=request.user, workspace=workspace, **data)
        messages.success(
            request, _("Persona “%(name)s” created. Now add its maps.") % {"name": persona.name}
        )
        return _persona_on_workspace_page(persona)

    return form_page(
        request,
        forms.PersonaForm(request.POST or None),
        save,
        template="maps/persona_form.html",
        context={"workspace": workspace, "persona": None},
        workspace=workspace,
    )


@login_required
@require_http_methods(GET_POST)
def persona_edit(request: HttpRequest, pk: int) -> HttpResponse:
    persona = get_object_or_404(selectors.personas_for(request.user), pk=pk)
    require_editor(request, persona.workspace_id)
    initial = {"name": persona.name, "description": persona.description}

    def save(data: dict) -> HttpResponse:
        services.persona_update(user=request.user, persona=persona, **data)
        messages.success(request, _("Persona saved."))
        return _persona_on_workspace_page(persona)

    return form_page(
        request,
        forms.PersonaForm(request.POST or None, initial=initial),
        save,
        template="maps/persona_form.html",
        context={"workspace": persona.workspace, "persona": persona},
        workspace=persona.workspace,
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
            title=_("Delete the persona “%(name)s”?") % {"name": persona.name},
            consequences=[
                ngettext(
                    "Its %(count)s map, its notes and pairs are deleted too.",
                    "Its %(count)s maps, their notes and pairs are deleted too.",
                    map_count,
                )
                % {"count": number(map_count)}
            ],
            cancel_url=reverse("persona-edit", kwargs={"pk": persona.pk}),
        )
    services.persona_delete(user=request.user, persona=persona)
    messages.success(request, _("Persona “%(name)s” deleted.") % {"name": persona.name})
    return redirect("workspace-detail", pk=persona.workspace_id)
