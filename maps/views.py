"""Web pages of the maps app: workspaces, personas, maps, the map board and pairs.

Thin views: every object is fetched through a scoped selector (another workspace's
object answers 404), every write goes through a service (which checks the role and
raises PermissionDenied, Django's 403). Write views also check the editor role before
showing a form, so a viewer gets 403 whether they GET or POST. Service errors go onto
the form; nothing is swallowed.
"""

from __future__ import annotations

import datetime
import json
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maps import board_imports, forms, selectors, services
from maps.models import EmpathyMap, MapPair, Note, Persona, Role, Workspace
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS

# Past ten, dots stop being countable at a glance; the rest is shown as "+N".
MAX_VOTE_DOTS = 10
EXPORT_FORMATS = ("csv", "json")
# The Gray/XPLANE arrangement: these four around the persona, pains and gains below.
_AROUND_PERSONA = ("thinks_feels", "sees", "hears", "says_does")
_BELOW_MAP = ("pains", "gains")

GET_POST = ["GET", "POST"]
# The board import's preview waits in the session between upload and confirm. One
# pending preview per session (a new upload replaces it), bounded: the parse holds less
# text than the 2 MB file, and JSON's \u escapes of non-ASCII text at most double it.
BOARD_SESSION_KEY = "board_import"
BOARD_SESSION_MAX_CHARS = 2 * board_imports.MAX_FILE_BYTES
BOARD_SAMPLE_NOTES = 3  # enough to recognise an area in the preview


# --- presentation helpers -----------------------------------------------------------------


@dataclass(frozen=True)
class NoteCard:
    """A note as the board draws it: the note plus its vote dots and neighbours."""

    note: Note
    dots: range
    more_votes: int
    is_first: bool
    is_last: bool


def _cards(notes: list[Note]) -> list[NoteCard]:
    return [
        NoteCard(
            note=note,
            dots=range(min(note.votes, MAX_VOTE_DOTS)),
            more_votes=max(note.votes - MAX_VOTE_DOTS, 0),
            is_first=position == 0,
            is_last=position == len(notes) - 1,
        )
        for position, note in enumerate(notes)
    ]


def _board(
    empathy_map: EmpathyMap,
    *,
    can_edit: bool,
    failed_segment: str | None = None,
    note_form: Form | None = None,
    paste_form: Form | None = None,
) -> dict:
    """The six segments of a map, keyed for the layout, with the editors' forms."""
    segments = {}
    for segment in selectors.board_segments(empathy_map.notes.all()):
        key = segment["key"]
        entry = {**segment, "cards": _cards(segment["notes"])}
        if can_edit:
            failed_here = key == failed_segment
            entry["note_form"] = (note_form if failed_here else None) or _note_form(key)
            entry["paste_form"] = (paste_form if failed_here else None) or _paste_form(key)
            entry["paste_open"] = failed_here and paste_form is not None
        segments[key] = entry
    return {
        "segments": segments,
        "around": [segments[key] for key in _AROUND_PERSONA],
        "below": [segments[key] for key in _BELOW_MAP],
        "note_count": sum(len(entry["cards"]) for entry in segments.values()),
    }


def _note_form(segment: str, data=None) -> forms.NoteForm:
    # One add-note form per segment on one page: ids must differ, names stay plain.
    return forms.NoteForm(data, auto_id=f"id_{segment}_%s")


def _paste_form(segment: str, data=None) -> forms.PasteForm:
    return forms.PasteForm(data, auto_id=f"id_{segment}_paste_%s")


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


def _page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    workspace: Workspace | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render with the workspace the switcher marks as current."""
    return render(request, template, {"current_workspace": workspace, **context}, status=status)


def _add_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            known = field in form.fields and field != NON_FIELD_ERRORS
            form.add_error(field if known else None, errors)
    else:
        form.add_error(None, error.error_list)


def _require_editor(request: HttpRequest, workspace_id: int) -> None:
    selectors.require_role(request.user, workspace_id, Role.EDITOR)


def _can_edit(request: HttpRequest, workspace_id: int) -> bool:
    return selectors.has_role(request.user, workspace_id, Role.EDITOR)


def _confirmed(request: HttpRequest) -> bool:
    """Deletes need a second, explicit step: the confirm page or the board script's dialog."""
    return request.method == "POST" and request.POST.get("confirm") == "yes"


def _confirm_page(
    request: HttpRequest,
    *,
    workspace: Workspace,
    title: str,
    consequences: list[str],
    cancel_url: str,
) -> HttpResponse:
    return _page(
        request,
        "maps/confirm_delete.html",
        {"title": title, "consequences": consequences, "cancel_url": cancel_url},
        workspace=workspace,
    )


def _workspace_url(workspace_id: int) -> str:
    return reverse("workspace-detail", kwargs={"pk": workspace_id})


def _board_url(map_id: int, anchor: str = "") -> str:
    url = reverse("map-board", kwargs={"pk": map_id})
    return f"{url}#{anchor}" if anchor else url


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _sealed_refusal(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse | None:
    """Back to the board with the reason when the map is sealed.

    The services refuse every write to a sealed map anyway (`services._require_unsealed`);
    this only spares the user a form they could not submit, and answers stale tabs.
    """
    if not empathy_map.is_sealed:
        return None
    messages.error(request, services.MapSealed(empathy_map).messages[0])
    return redirect(_board_url(empathy_map.pk))


# --- workspaces ---------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    summaries = [_workspace_summary(ws) for ws in selectors.workspace_overview(request.user)]
    single = summaries[0]["workspace"] if len(summaries) == 1 else None
    return _page(
        request, "maps/home.html", {"summaries": summaries, "single": single}, workspace=single
    )


@login_required
@require_GET
def workspace_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_object_or_404(selectors.workspace_overview(request.user), pk=pk)
    return _page(
        request,
        "maps/home.html",
        {"summaries": [_workspace_summary(workspace)], "single": workspace},
        workspace=workspace,
    )


@login_required
@require_http_methods(GET_POST)
def workspace_create(request: HttpRequest) -> HttpResponse:
    form = forms.WorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.workspace_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Workspace “{workspace.name}” created.")
            return redirect("workspace-detail", pk=workspace.pk)
    return _page(
        request, "maps/workspace_form.html", {"form": form}, status=400 if form.errors else 200
    )


# --- personas -----------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def persona_create(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    workspace = get_object_or_404(selectors.workspaces_for(request.user), pk=workspace_pk)
    _require_editor(request, workspace.pk)
    form = forms.PersonaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            persona = services.persona_create(
                user=request.user, workspace=workspace, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Persona “{persona.name}” created. Now add its maps.")
            return redirect(f"{_workspace_url(workspace.pk)}#persona-{persona.pk}")
    return _page(
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
    _require_editor(request, persona.workspace_id)
    initial = {"name": persona.name, "description": persona.description}
    form = forms.PersonaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.persona_update(user=request.user, persona=persona, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Persona saved.")
            return redirect(f"{_workspace_url(persona.workspace_id)}#persona-{persona.pk}")
    return _page(
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
    _require_editor(request, persona.workspace_id)
    if not _confirmed(request):
        map_count = persona.maps.count()
        return _confirm_page(
            request,
            workspace=persona.workspace,
            title=f"Delete the persona “{persona.name}”?",
            consequences=[
                f"Its {_plural(map_count, 'map')}, their notes and pairs are deleted too."
            ],
            cancel_url=reverse("persona-edit", kwargs={"pk": persona.pk}),
        )
    services.persona_delete(user=request.user, persona=persona)
    messages.success(request, f"Persona “{persona.name}” deleted.")
    return redirect("workspace-detail", pk=persona.workspace_id)


# --- maps ---------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def map_create(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    workspace = get_object_or_404(selectors.workspaces_for(request.user), pk=workspace_pk)
    _require_editor(request, workspace.pk)
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
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Map “{empathy_map.title}” created. Add its notes.")
            return redirect("map-board", pk=empathy_map.pk)
    return _page(
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
    _require_editor(request, workspace.pk)
    if refusal := _sealed_refusal(request, empathy_map):
        return refusal
    initial = {field: getattr(empathy_map, field) for field in services.MAP_FIELDS}
    form = forms.MapForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.map_update(user=request.user, empathy_map=empathy_map, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Map saved.")
            return redirect("map-board", pk=empathy_map.pk)
    return _page(
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
    _require_editor(request, workspace.pk)
    if refusal := _sealed_refusal(request, empathy_map):
        return refusal
    if not _confirmed(request):
        note_count = empathy_map.notes.count()
        pair_count = empathy_map.pairs_as_internal.count() + empathy_map.pairs_as_customer.count()
        consequences = [f"All its notes ({note_count:,}) are deleted too."]
        if pair_count:
            consequences.append(
                f"It is part of {_plural(pair_count, 'pair')}; "
                "pairs with this map and their comparison reports are deleted too."
            )
        return _confirm_page(
            request,
            workspace=workspace,
            title=f"Delete the map “{empathy_map.title}”?",
            consequences=consequences,
            cancel_url=_board_url(empathy_map.pk),
        )
    try:
        services.map_delete(user=request.user, empathy_map=empathy_map)
    except services.MapSealed as error:  # sealed between the page and the click
        messages.error(request, error.messages[0])
        return redirect(_board_url(empathy_map.pk))
    messages.success(request, f"Map “{empathy_map.title}” deleted.")
    return redirect("workspace-detail", pk=workspace.pk)


@login_required
@require_GET
def map_board(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = selectors.map_with_notes(request.user, pk)
    return _render_board(request, empathy_map)


def _render_board(
    request: HttpRequest,
    empathy_map: EmpathyMap,
    *,
    failed_segment: str | None = None,
    note_form: Form | None = None,
    paste_form: Form | None = None,
) -> HttpResponse:
    workspace = empathy_map.persona.workspace
    is_editor = _can_edit(request, workspace.pk)
    # A sealed map is read-only for everyone; the seal buttons follow the roles.
    can_edit = is_editor and not empathy_map.is_sealed
    seal = selectors.map_seal_state(empathy_map) if empathy_map.is_sealed else None
    can_seal = is_editor and empathy_map.is_internal and not empathy_map.is_sealed
    can_unseal = empathy_map.is_sealed and selectors.has_role(request.user, workspace, Role.OWNER)
    pairs = (
        selectors.pairs_for(request.user)
        .filter(Q(internal_map=empathy_map) | Q(customer_map=empathy_map))
        .order_by("-customer_map__held_on", "-id")
    )
    board = _board(
        empathy_map,
        can_edit=can_edit,
        failed_segment=failed_segment,
        note_form=note_form,
        paste_form=paste_form,
    )
    return _page(
        request,
        "maps/board.html",
        {
            "map": empathy_map,
            "board": board,
            "can_edit": can_edit,
            "pairs": pairs,
            "seal": seal,
            "can_seal": can_seal,
            "can_unseal": can_unseal,
        },
        workspace=workspace,
        status=400 if failed_segment else 200,
    )


@login_required
@require_http_methods(GET_POST)
def map_import(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    workspace = empathy_map.persona.workspace
    _require_editor(request, workspace.pk)
    if refusal := _sealed_refusal(request, empathy_map):
        return refusal
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    row_errors: list = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.map_import(
                user=request.user,
                empathy_map=empathy_map,
                data=upload.read(),
                filename=upload.name,
                replace=form.cleaned_data["replace"],
            )
        except services.ImportRejected as rejected:
            row_errors = rejected.rows
            form.add_error(
                "file",
                f"Nothing was imported: {upload.name} has "
                f"{_plural(len(row_errors), 'problem')} (listed below). Fix them and upload the "
                "file again.",
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            replaced = " replacing the previous notes" if form.cleaned_data["replace"] else ""
            messages.success(request, f"Imported {_plural(count, 'note')}{replaced}.")
            return redirect("map-board", pk=empathy_map.pk)
    return _page(
        request,
        "maps/map_import.html",
        {"form": form, "map": empathy_map, "row_errors": row_errors},
        workspace=workspace,
        status=400 if form.errors else 200,
    )


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


# --- sealing ------------------------------------------------------------------------------


@login_required
@require_POST
def map_seal(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    _require_editor(request, empathy_map.persona.workspace_id)
    try:
        services.map_seal(user=request.user, empathy_map=empathy_map)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Map sealed: its hypotheses are read-only now, and reports will say they "
            "compared a sealed map. Only an owner can unseal it.",
        )
    return redirect(_board_url(empathy_map.pk))


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
        messages.success(request, "Map unsealed and editable again; the unsealing is recorded.")
    return redirect(_board_url(empathy_map.pk))


# --- board import (Miro, Mural) ---------------------------------------------------------


def _board_areas_view(preview: board_imports.BoardPreview) -> list[dict]:
    return [
        {
            "area": area,
            "count": len(area.notes),
            "sample": area.notes[:BOARD_SAMPLE_NOTES],
            "more": max(len(area.notes) - BOARD_SAMPLE_NOTES, 0),
        }
        for area in preview.areas
    ]


def _board_preview_page(
    request: HttpRequest,
    empathy_map: EmpathyMap,
    preview: board_imports.BoardPreview,
    form: forms.BoardMappingForm,
    *,
    filename: str,
    status: int = 200,
) -> HttpResponse:
    # The form's fields follow the preview's areas, in the same order.
    rows = [
        {**row, "field": field}
        for row, (_, field) in zip(_board_areas_view(preview), form.rows(), strict=True)
    ]
    existing = empathy_map.notes.count()
    return _page(
        request,
        "maps/board_import_preview.html",
        {
            "map": empathy_map,
            "preview": preview,
            "rows": rows,
            "form": form,
            "filename": filename,
            "existing": existing,
            "max_notes": services.MAX_NOTES_PER_MAP,
            "over_capacity": existing + preview.note_count > services.MAX_NOTES_PER_MAP,
        },
        workspace=empathy_map.persona.workspace,
        status=status,
    )


def _stored_board(request: HttpRequest, map_id: int, token: str) -> tuple | None:
    """The pending preview of this map from the session, if the token matches."""
    stored = request.session.get(BOARD_SESSION_KEY)
    if (
        not isinstance(stored, dict)
        or stored.get("map") != map_id
        or not isinstance(stored.get("token"), str)
        or not secrets.compare_digest(stored["token"], token)
    ):
        return None
    try:
        preview = board_imports.BoardPreview.from_dict(stored.get("preview"))
    except board_imports.BoardFileError:
        return None
    return preview, str(stored.get("filename", ""))


@login_required
@require_http_methods(GET_POST)
def map_import_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a Miro/Mural export, check the area -> segment mapping, then confirm.

    Step 1 parses the upload and keeps the parsed preview in the session (nothing is
    stored in the map). Step 2 posts only the chosen segments and the preview's token;
    the note texts come from the session, so an edited form cannot add other notes.
    """
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    workspace = empathy_map.persona.workspace
    _require_editor(request, workspace.pk)
    if refusal := _sealed_refusal(request, empathy_map):
        return refusal
    if request.method == "POST" and "token" in request.POST:
        return _confirm_board_import(request, empathy_map)

    upload_form = forms.BoardUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            preview = board_imports.parse_board(upload.read(), filename=upload.name or "")
        except board_imports.BoardFileError as error:
            problems = error.problems
            upload_form.add_error(
                "file",
                f"Nothing was imported: the board has {_plural(len(problems), 'problem')} "
                "(listed below).",
            )
        else:
            stored = {
                "map": empathy_map.pk,
                "token": secrets.token_urlsafe(16),
                "filename": upload.name or "",
                "preview": preview.to_dict(),
            }
            if len(json.dumps(stored)) > BOARD_SESSION_MAX_CHARS:
                upload_form.add_error(
                    "file",
                    "This board is too large to preview in the browser; import it through "
                    f"the API (POST /api/maps/{empathy_map.pk}/import-board/).",
                )
            else:
                request.session[BOARD_SESSION_KEY] = stored
                form = forms.BoardMappingForm(
                    initial={"token": stored["token"]}, areas=list(preview.areas)
                )
                return _board_preview_page(
                    request, empathy_map, preview, form, filename=stored["filename"]
                )
    return _page(
        request,
        "maps/board_import.html",
        {"form": upload_form, "map": empathy_map, "problems": problems},
        workspace=workspace,
        status=400 if upload_form.errors else 200,
    )


def _confirm_board_import(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    found = _stored_board(request, empathy_map.pk, request.POST.get("token", ""))
    if found is None:
        messages.error(
            request,
            "That board preview is no longer available (it expired or another upload "
            "replaced it); nothing was imported. Upload the board again.",
        )
        return redirect("map-import-board", pk=empathy_map.pk)
    preview, filename = found
    form = forms.BoardMappingForm(request.POST, areas=list(preview.areas))
    if form.is_valid():
        try:
            notes = services.map_import_board(
                user=request.user, empathy_map=empathy_map, preview=preview, mapping=form.mapping()
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            request.session.pop(BOARD_SESSION_KEY, None)
            messages.success(request, f"Imported {_plural(len(notes), 'note')} from {filename}.")
            return redirect("map-board", pk=empathy_map.pk)
    return _board_preview_page(request, empathy_map, preview, form, filename=filename, status=400)


# --- notes --------------------------------------------------------------------------------


def _posted_segment(request: HttpRequest) -> str | None:
    segment = request.POST.get("segment", "")
    return segment if segment in SEGMENT_KEYS else None


@login_required
@require_POST
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    _require_editor(request, empathy_map.persona.workspace_id)
    if refusal := _sealed_refusal(request, empathy_map):
        return refusal
    segment = _posted_segment(request)
    if segment is None:
        return HttpResponseBadRequest("Unknown segment.")
    form = _note_form(segment, request.POST)
    if form.is_valid():
        try:
            services.note_create(
                user=request.user, empathy_map=empathy_map, segment=segment, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Note added to {SEGMENT_LABELS[segment]}.")
            return redirect(_board_url(empathy_map.pk, f"add-{segment}"))
    return _render_board(
        request,
        selectors.map_with_notes(request.user, empathy_map.pk),
        failed_segment=segment,
        note_form=form,
    )


@login_required
@require_POST
def notes_paste(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    _require_editor(request, empathy_map.persona.workspace_id)
    if refusal := _sealed_refusal(request, empathy_map):
        return refusal
    segment = _posted_segment(request)
    if segment is None:
        return HttpResponseBadRequest("Unknown segment.")
    form = _paste_form(segment, request.POST)
    if form.is_valid():
        try:
            notes = services.notes_paste(
                user=request.user,
                empathy_map=empathy_map,
                segment=segment,
                lines=form.cleaned_data["lines"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request, f"Added {_plural(len(notes), 'note')} to {SEGMENT_LABELS[segment]}."
            )
            return redirect(_board_url(empathy_map.pk, f"seg-{segment}"))
    return _render_board(
        request,
        selectors.map_with_notes(request.user, empathy_map.pk),
        failed_segment=segment,
        paste_form=form,
    )


@login_required
@require_http_methods(GET_POST)
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(selectors.notes_for(request.user), pk=pk)
    workspace = note.map.persona.workspace
    _require_editor(request, workspace.pk)
    if refusal := _sealed_refusal(request, note.map):
        return refusal
    initial = {field: getattr(note, field) for field in ("segment", "text", "votes", "author")}
    form = forms.NoteEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(user=request.user, note=note, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Note saved.")
            return redirect(_board_url(note.map_id, f"note-{note.pk}"))
    return _page(
        request,
        "maps/note_form.html",
        {"form": form, "note": note, "map": note.map},
        workspace=workspace,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(GET_POST)
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(selectors.notes_for(request.user), pk=pk)
    workspace = note.map.persona.workspace
    _require_editor(request, workspace.pk)
    if refusal := _sealed_refusal(request, note.map):
        return refusal
    if not _confirmed(request):
        return _confirm_page(
            request,
            workspace=workspace,
            title="Delete this note?",
            consequences=[f"“{note.text}” in {SEGMENT_LABELS[note.segment]}"],
            cancel_url=_board_url(note.map_id, f"note-{note.pk}"),
        )
    try:
        services.note_delete(user=request.user, note=note)
    except services.MapSealed as error:  # sealed between the page and the click
        messages.error(request, error.messages[0])
        return redirect(_board_url(note.map_id))
    messages.success(request, f"Note deleted from {SEGMENT_LABELS[note.segment]}.")
    return redirect(_board_url(note.map_id, f"seg-{note.segment}"))


@login_required
@require_POST
def note_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Up/down buttons post `direction`; the board script's drag and drop posts `offset`."""
    note = get_object_or_404(selectors.notes_for(request.user), pk=pk)
    _require_editor(request, note.map.persona.workspace_id)
    if refusal := _sealed_refusal(request, note.map):
        return refusal
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        offset = -1 if direction == "up" else 1
    else:
        try:
            offset = int(request.POST.get("offset", ""))
        except ValueError:
            return HttpResponseBadRequest("Post direction=up|down or an integer offset.")
    try:
        services.note_move(user=request.user, note=note, offset=offset)
    except services.MapSealed as error:  # sealed between the page and the click
        messages.error(request, error.messages[0])
    return redirect(_board_url(note.map_id, f"note-{note.pk}"))


# --- pairs --------------------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def pair_create(request: HttpRequest, workspace_pk: int) -> HttpResponse:
    """Step 1 picks the persona (skipped when given or when there is only one); step 2
    picks one internal and one customer map of it."""
    workspace = get_object_or_404(selectors.workspaces_for(request.user), pk=workspace_pk)
    _require_editor(request, workspace.pk)
    personas = selectors.personas_for(request.user).filter(workspace=workspace)
    persona = _chosen_persona(request, personas)
    context: dict = {"workspace": workspace, "persona": persona, "persona_count": personas.count()}
    if persona is None:
        context["pick_form"] = forms.PersonaPickForm(personas=personas)
        return _page(request, "maps/pair_form.html", context, workspace=workspace)

    candidates = selectors.pair_candidates(request.user, persona)
    form = forms.PairForm(
        request.POST or None,
        allowed=selectors.maps_for(request.user).filter(persona__workspace=workspace),
        internal=candidates["internal"],
        customer=candidates["customer"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.pair_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Pair created. Run a comparison when both maps are done.")
            return redirect("pair-detail", pk=pair.pk)
    context.update(
        form=form,
        internal_count=candidates["internal"].count(),
        customer_count=candidates["customer"].count(),
    )
    return _page(
        request,
        "maps/pair_form.html",
        context,
        workspace=workspace,
        status=400 if form.errors else 200,
    )


def _chosen_persona(request: HttpRequest, personas) -> Persona | None:
    chosen = request.POST.get("persona") or request.GET.get("persona")
    if chosen:
        try:
            return personas.get(pk=int(chosen))
        except (ValueError, Persona.DoesNotExist) as error:
            raise Http404("No such persona in this workspace.") from error
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
        boards.append({"map": empathy_map, "board": _board(empathy_map, can_edit=False)})
    return _page(
        request,
        "maps/pair_detail.html",
        {"pair": pair, "boards": boards, "can_edit": _can_edit(request, workspace.pk)},
        workspace=workspace,
    )


@login_required
@require_http_methods(GET_POST)
def pair_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.pairs_for(request.user), pk=pk)
    workspace = pair.internal_map.persona.workspace
    _require_editor(request, workspace.pk)
    if not _confirmed(request):
        return _confirm_page(
            request,
            workspace=workspace,
            title=f"Delete the pair “{pair.internal_map.title} ↔ {pair.customer_map.title}”?",
            consequences=[
                "Both maps and their notes stay; the pair's comparison reports are deleted."
            ],
            cancel_url=reverse("pair-detail", kwargs={"pk": pair.pk}),
        )
    services.pair_delete(user=request.user, pair=pair)
    messages.success(request, "Pair deleted; both maps are kept.")
    return redirect("workspace-detail", pk=workspace.pk)
