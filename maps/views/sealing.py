"""Sealing a map's hypotheses before the customer workshop (editors), and unsealing it
(owners only). Both are single POSTs from the board; the outcome is a message there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maps import selectors, services
from maps.models import Role
from maps.views.pages import board_url, require_editor


@login_required
@require_POST
def map_seal(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    require_editor(request, empathy_map.persona.workspace_id)
    try:
        services.map_seal(user=request.user, empathy_map=empathy_map)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Map sealed: its hypotheses are read-only now, and reports will say they "
                "compared a sealed map. Only an owner can unseal it."
            ),
        )
    return redirect(board_url(empathy_map.pk))


@login_required
@require_POST
def map_unseal(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    selectors.require_role(request.user, empathy_map.persona.workspace_id, Role.OWNER)
    try:
        services.map_unseal(user=request.user, empathy_map=empathy_map)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Map unsealed and editable again; the unsealing is recorded."))
    return redirect(board_url(empathy_map.pk))
