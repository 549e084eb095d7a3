"""Pairing an internal map with a customer map of the same persona, a pair's page with
both boards side by side, and deleting a pair (its maps stay)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maps import forms, selectors, services
from maps.models import Persona
from maps.views.board import board_layout
from maps.views.pages import (
    GET_POST,
    confirm_page,
    confirmed,
    form_page,
    render_page,
    require_editor,
    user_can_edit,
)


@login_required
@require_http_methods(GET_POST)
def pair_create(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    """Step 1 picks the persona (skipped when given or when there is only one); step 2
    picks one internal and one customer map of it."""
    workspace = get_object_or_404(selectors.workspaces_for(request.user), pk=workspace_pk)
    require_editor(request, workspace.pk)
    personas = selectors.personas_for(request.user).filter(workspace=workspace)
    persona = _chosen_persona(request, personas)
    context: dict = {"workspace": workspace, "persona": persona, "persona_count": personas.count()}
    if persona is None:
        context["pick_form"] = forms.PersonaPickForm(personas=personas)
        return render_page(request, "maps/pair_form.html", context, workspace=workspace)

    candidates = selectors.pair_candidates(request.user, persona)
    form = forms.PairForm(
        request.POST or None,
        allowed=selectors.maps_for(request.user).filter(persona__workspace=workspace),
        internal=candidates["internal"],
        customer=candidates["customer"],
    )

    def save(data: dict) -> HttpResponse:
        pair = services.pair_create(user=request.user, **data)
        messages.success(request, _("Pair created. Run a comparison when both maps are done."))
        return redirect("pair-detail", pk=pair.pk)

    context.update(
        internal_count=candidates["internal"].count(),
        customer_count=candidates["customer"].count(),
    )
    return form_page(
        request, form, save, template="maps/pair_form.html", context=context, workspace=workspace
    )


def _chosen_persona(request: HttpRequest, personas: QuerySet[Persona]) -> Persona | None:
    chosen = request.POST.get("persona") or request.GET.get("persona")
    if chosen:
        try:
            return personas.get(pk=int(chosen))
        except (ValueError, Persona.DoesNotExist) as error:
            raise Http404(_("No such persona in this workspace.")) from error
    only = list(personas[:2])
    return only[0] if len(only) == 1 else None


@login_required
@require_GET
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.pairs_for(request.user), pk=pk)
    workspace = pair.internal_map.persona.workspace
    boards = []
    for empathy_map in (
        selectors.map_with_notes(request.user, pair.internal_map_id),
        selectors.map_with_notes(request.user, pair.customer_map_id),
    ):
        boards.append({"map": empathy_map, "board": board_layout(empathy_map, can_edit=False)})
    return render_page(
        request,
        "maps/pair_detail.html",
        {"pair": pair, "boards": boards, "can_edit": user_can_edit(request, workspace.pk)},
        workspace=workspace,
    )


@login_required
@require_http_methods(GET_POST)
def pair_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.pairs_for(request.user), pk=pk)
    workspace = pair.internal_map.persona.workspace
    require_editor(request, workspace.pk)
    if not confirmed(request):
        return confirm_page(
            request,
            workspace=workspace,
            title=_("Delete the pair “%(internal)s ↔ %(customer)s”?")
            % {"internal": pair.internal_map.title, "customer": pair.customer_map.title},
            consequences=[
                _("Both maps and their notes stay; the pair's comparison reports are deleted.")
            ],
            cancel_url=reverse("pair-detail", kwargs={"pk": pair.pk}),
        )
    services.pair_delete(user=request.user, pair=pair)
    messages.success(request, _("Pair deleted; both maps are kept."))
    return redirect("workspace-detail", pk=workspace.pk)
