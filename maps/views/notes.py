"""Writing a map's notes from the board: add one, paste many, edit, delete and move.

A failed add or paste re-renders the board with the form open in its segment."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from maps import forms, selectors, services
from maps.models import EmpathyMap, Note
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS
from maps.views.board import render_board, segment_note_form, segment_paste_form
from maps.views.pages import (
    GET_POST,
    add_service_errors,
    board_url,
    confirm_page,
    confirmed,
    editing_map,
    editing_note,
    form_page,
    number,
    write_unless_sealed_meanwhile,
)


def _posted_segment(request: HttpRequest) -> str | None:
    segment = request.POST.get("segment", "")
    return segment if segment in SEGMENT_KEYS else None


def _write_to_segment(
    request: HttpRequest,
    empathy_map: EmpathyMap,
    make_form: Callable[[str, QueryDict], Form],
    write: Callable[[str, dict], str],
    *,
    board_form: str,
) -> HttpResponse:
    """A board form posted for one segment: `write(segment, cleaned_data)` calls the
    service and returns the board anchor to go back to. A failed form re-renders the
    board with it open in its segment, as `render_board`'s `board_form` argument; the
    service's errors go onto it."""
    segment = _posted_segment(request)
    if segment is None:
        return HttpResponseBadRequest(_("Unknown segment."))
    form = make_form(segment, request.POST)
    if form.is_valid():
        try:
            anchor = write(segment, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(board_url(empathy_map.pk, anchor))
    return render_board(
        request,
        selectors.map_with_notes(request.user, empathy_map.pk),
        failed_segment=segment,
        **{board_form: form},
    )


@login_required
@require_POST
@editing_map
def note_create(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    def write(segment: str, data: dict) -> str:
        services.note_create(user=request.user, empathy_map=empathy_map, segment=segment, **data)
        messages.success(
            request, _("Note added to %(segment)s.") % {"segment": _(SEGMENT_LABELS[segment])}
        )
        return f"add-{segment}"

    return _write_to_segment(request, empathy_map, segment_note_form, write, board_form="note_form")


@login_required
@require_POST
@editing_map
def notes_paste(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    def write(segment: str, data: dict) -> str:
        notes = services.notes_paste(
            user=request.user, empathy_map=empathy_map, segment=segment, lines=data["lines"]
        )
        messages.success(
            request,
            ngettext(
                "Added %(count)s note to %(segment)s.",
                "Added %(count)s notes to %(segment)s.",
                len(notes),
            )
            % {"count": number(len(notes)), "segment": _(SEGMENT_LABELS[segment])},
        )
        return f"seg-{segment}"

    return _write_to_segment(
        request, empathy_map, segment_paste_form, write, board_form="paste_form"
    )


@login_required
@require_http_methods(GET_POST)
@editing_note
def note_edit(request: HttpRequest, note: Note) -> HttpResponse:
    initial = {field: getattr(note, field) for field in ("segment", "text", "votes", "author")}

    def save(data: dict) -> HttpResponse:
        services.note_update(user=request.user, note=note, **data)
        messages.success(request, _("Note saved."))
        return redirect(board_url(note.map_id, f"note-{note.pk}"))

    return form_page(
        request,
        forms.NoteEditForm(request.POST or None, initial=initial),
        save,
        template="maps/note_form.html",
        context={"note": note, "map": note.map},
        workspace=note.map.persona.workspace,
    )


@login_required
@require_http_methods(GET_POST)
@editing_note
def note_delete(request: HttpRequest, note: Note) -> HttpResponse:
    if not confirmed(request):
        return confirm_page(
            request,
            workspace=note.map.persona.workspace,
            title=_("Delete this note?"),
            consequences=[
                _("“%(text)s” in %(segment)s")
                % {"text": note.text, "segment": _(SEGMENT_LABELS[note.segment])}
            ],
            cancel_url=board_url(note.map_id, f"note-{note.pk}"),
        )
    deleted = write_unless_sealed_meanwhile(
        request, lambda: services.note_delete(user=request.user, note=note)
    )
    if not deleted:
        return redirect(board_url(note.map_id))
    messages.success(
        request,
        _("Note deleted from %(segment)s.") % {"segment": _(SEGMENT_LABELS[note.segment])},
    )
    return redirect(board_url(note.map_id, f"seg-{note.segment}"))


@login_required
@require_POST
@editing_note
def note_move(request: HttpRequest, note: Note) -> HttpResponse:
    """Up/down buttons post `direction`; the board script's drag and drop posts `offset`."""
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        offset = -1 if direction == "up" else 1
    else:
        try:
            offset = int(request.POST.get("offset", ""))
        except ValueError:
            return HttpResponseBadRequest(_("Post direction=up|down or an integer offset."))
    write_unless_sealed_meanwhile(
        request, lambda: services.note_move(user=request.user, note=note, offset=offset)
    )
    return redirect(board_url(note.map_id, f"note-{note.pk}"))
