"""The home page (every workspace of the user), one workspace's page, and creating one."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maps import forms, selectors, services
from maps.models import MapPair, Role, Workspace
from maps.views.pages import GET_POST, form_page, render_page


def _round_key(pair: MapPair) -> tuple:
    held_on = pair.customer_map.held_on
    return (held_on is None, held_on or datetime.date.min, pair.pk)


def _workspace_summary(workspace: Workspace) -> dict:
    """A workspace from `selectors.workspace_overview` laid out for the home page."""
    personas = []
    for persona in workspace.personas.all():
        maps = list(persona.maps.all())
        pairs = sorted(
            (pair for empathy_map in maps for pair in empathy_map.pairs_as_internal.all()),
            key=_round_key,
        )
        personas.append(
            {
                "persona": persona,
                "maps": maps,
                "pairs": pairs,
                "can_pair": {m.perspective for m in maps} == {"internal", "customer"},
            }
        )
    return {
        "workspace": workspace,
        "role": Role(workspace.my_role),
        "can_edit": workspace.my_role in (Role.EDITOR, Role.OWNER),
        "personas": personas,
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    summaries = [_workspace_summary(ws) for ws in selectors.workspace_overview(request.user)]
    single = summaries[0]["workspace"] if len(summaries) == 1 else None
    return render_page(
        request, "maps/home.html", {"summaries": summaries, "single": single}, workspace=single
    )


@login_required
@require_GET
def workspace_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_object_or_404(selectors.workspace_overview(request.user), pk=pk)
    return render_page(
        request,
        "maps/home.html",
        {"summaries": [_workspace_summary(workspace)], "single": workspace},
        workspace=workspace,
    )


@login_required
@require_http_methods(GET_POST)
def workspace_create(request: HttpRequest) -> HttpResponse:
    def save(data: dict) -> HttpResponse:
        workspace = services.workspace_create(user=request.user, **data)
        messages.success(request, _("Workspace “%(name)s” created.") % {"name": workspace.name})
        return redirect("workspace-detail", pk=workspace.pk)

    form = forms.WorkspaceForm(request.POST or None)
    return form_page(request, form, save, template="maps/workspace_form.html", context={})
