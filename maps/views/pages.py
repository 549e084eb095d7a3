"""What every page of the maps app shares: the page frame, the two-step delete, service
errors on forms, the role checks made before a form is shown, and the sealed-map refusal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from maps import selectors, services
from maps.models import EmpathyMap, Role, Workspace

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


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


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
