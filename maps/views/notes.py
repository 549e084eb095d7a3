"""Writing a map's notes from the board: add one, paste many, edit, delete and move.

A failed add or paste re-renders the board with the form open in its segment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from maps import forms, selectors, services
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS
from maps.views.board import render_board, segment_note_form, segment_paste_form
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


def _posted_segment(request: HttpRequest) -> str | None:
    segment = request.POST.get("segment", "")
    return segment if segment in SEGMENT_KEYS else None


@login_required
@require_POST
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    require_editor(request, empathy_map.persona.workspace_id)
    if refusal := sealed_refusal(request, empathy_map):
        return refusal
    segment = _posted_segment(request)
    if segment is None:
        return HttpResponseBadRequest("Unknown segment.")
    form = segment_note_form(segment, request.POST)
    if form.is_valid():
        try:
            services.note_create(
                user=request.user, empathy_map=empathy_map, segment=segment, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Note added to {SEGMENT_LABELS[segment]}.")
            return redirect(board_url(empathy_map.pk, f"add-{segment}"))
    return render_board(
        request,
        selectors.map_with_notes(request.user, empathy_map.pk),
        failed_segment=segment,
        note_form=form,
    )


@login_required
@require_POST
def notes_paste(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = get_object_or_404(selectors.maps_for(request.user), pk=pk)
    require_editor(request, empathy_map.persona.workspace_id)
    if refusal := sealed_refusal(request, empathy_map):
        return refusal
    segment = _posted_segment(request)
    if segment is None:
        return HttpResponseBadRequest("Unknown segment.")
    form = segment_paste_form(segment, request.POST)
    if form.is_valid():
        try:
            notes = services.notes_paste(
                user=request.user,
                empathy_map=empathy_map,
                segment=segment,
                lines=form.cleaned_data["lines"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Added {plural(len(notes), 'note')} to {SEGMENT_LABELS[segment]}."
            )
            return redirect(board_url(empathy_map.pk, f"seg-{segment}"))
    return render_board(
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
    require_editor(request, workspace.pk)
    if refusal := sealed_refusal(request, note.map):
        return refusal
    initial = {field: getattr(note, field) for field in ("segment", "text", "votes", "author")}
    form = forms.NoteEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(user=request.user, note=note, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Note saved.")
            return redirect(board_url(note.map_id, f"note-{note.pk}"))
    return render_page(
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
    require_editor(request, workspace.pk)
    if refusal := sealed_refusal(request, note.map):
        return refusal
    if not confirmed(request):
        return confirm_page(
            request,
            workspace=workspace,
            title="Delete this note?",
            consequences=[f"“{note.text}” in {SEGMENT_LABELS[note.segment]}"],
            cancel_url=board_url(note.map_id, f"note-{note.pk}"),
        )
    try:
        services.note_delete(user=request.user, note=note)
    except services.MapSealed as error:  # sealed between the page and the click
        messages.error(request, error.messages[0])
        return redirect(board_url(note.map_id))
    messages.success(request, f"Note deleted from {SEGMENT_LABELS[note.segment]}.")
    return redirect(board_url(note.map_id, f"seg-{note.segment}"))


@login_required
@require_POST
def note_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Up/down buttons post `direction`; the board script's drag and drop posts `offset`."""
    note = get_object_or_404(selectors.notes_for(request.user), pk=pk)
    require_editor(request, note.map.persona.workspace_id)
    if refusal := sealed_refusal(request, note.map):
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
    return redirect(board_url(note.map_id, f"note-{note.pk}"))
