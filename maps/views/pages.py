"""What every page of the maps app shares: the page frame, the form page (a service
called on a valid POST, its errors on the form), the two-step delete, the role checks
made before a form is shown, and the sealed-map refusal (`editing_map`, `editing_note`
run the fetch, the editor check and the refusal before a view that changes a map)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats

from maps import selectors, services
from maps.models import EmpathyMap, Note, Role, Workspace

GET_POST = ["GET", "POST"]


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    workspace: Workspace | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render with the workspace the switcher marks as current."""
    return render(request, template, {"current_workspace": workspace, **context}, status=status)


def form_page(
    request: HttpRequest,
    form: Form,
    save: Callable[[dict], HttpResponse | None],
    *,
    template: str,
    context: dict,
    workspace: Workspace | None = None,
) -> HttpResponse:
    """A page with one form. A valid POST calls `save(cleaned_data)`, which runs the
    service and answers (a redirect), or returns None to show the form again; a service's
    ValidationError goes onto the form. The form is shown with 400 when it has errors."""
    if request.method == "POST" and form.is_valid():
        try:
            answer = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if answer is not None:
                return answer
    return render_page(
        request,
        template,
        {"form": form, **context},
        workspace=workspace,
        status=400 if form.errors else 200,
    )


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            known = field in form.fields and field != NON_FIELD_ERRORS
            form.add_error(field if known else None, errors)
    else:
        form.add_error(None, error.error_list)


def require_editor(request: HttpRequest, workspace_id: int) -> None:
    selectors.require_role(request.user, workspace_id, Role.EDITOR)


def user_can_edit(request: HttpRequest, workspace_id: int) -> bool:
    return selectors.has_role(request.user, workspace_id, Role.EDITOR)


def confirmed(request: HttpRequest) -> bool:
    """Deletes need a second, explicit step: the confirm page or the board script's dialog."""
    return request.method == "POST" and request.POST.get("confirm") == "yes"


def confirm_page(
    request: HttpRequest,
    *,
    workspace: Workspace,
    title: str,
    consequences: list[str],
    cancel_url: str,
) -> HttpResponse:
    return render_page(
        request,
        "maps/confirm_delete.html",
        {"title": title, "consequences": consequences, "cancel_url": cancel_url},
        workspace=workspace,
    )


def workspace_url(workspace_id: int) -> str:
    return reverse("workspace-detail", kwargs={"pk": workspace_id})


def board_url(map_id: int, anchor: str = "") -> str:
    url = reverse("map-board", kwargs={"pk": map_id})
    return f"{url}#{anchor}" if anchor else url


def number(count: int) -> str:
    """A count for a message, grouped the locale's way ("1,234"; German "1.234")."""
    return formats.number_format(count, force_grouping=True)


def sealed_refusal(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse | None:
    """Back to the board with the reason when the map is sealed.

    The services refuse every write to a sealed map anyway
    (`maps.services.sealing.require_unsealed`); this only spares the user a form they
    could not submit, and answers stale tabs.
    """
    if not empathy_map.is_sealed:
        return None
    messages.error(request, services.MapSealed(empathy_map).messages[0])
    return redirect(board_url(empathy_map.pk))


def write_unless_sealed_meanwhile(request: HttpRequest, write: Callable[[], object]) -> bool:
    """Run a write whose page saw the map unsealed. Whether it was written: a map sealed
    between the page and the click refuses it, and the reason becomes an error message."""
    try:
        write()
    except services.MapSealed as error:
        messages.error(request, error.messages[0])
        return False
    return True


def editing_map(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that changes the map `pk`: the view gets the map instead of its pk, after
    the scoped fetch (404), the editor check (403) and the sealed-map refusal."""

    @functools.wraps(view)
    def with_map(request: HttpRequest, pk: int) -> HttpResponse:
        empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
        require_editor(request, empathy_map.persona.workspace_id)
        if refusal := sealed_refusal(request, empathy_map):
            return refusal
        return view(request, empathy_map)

    return with_map


def editing_note(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that changes the note `pk`: the view gets the note instead of its pk,
    after the scoped fetch (404), the editor check (403) and its map's sealed refusal."""

    @functools.wraps(view)
    def with_note(request: HttpRequest, pk: int) -> HttpResponse:
        note: Note = get_object_or_404(selectors.notes_for(request.user), pk=pk)
        require_editor(request, note.map.persona.workspace_id)
        if refusal := sealed_refusal(request, note.map):
            return refusal
        return view(request, note)

    return with_note
