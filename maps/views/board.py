"""The map board: a map's six segments of note cards, with the editors' forms when the
user may edit, laid out the way the workshop canvas is."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maps import forms, selectors
from maps.models import EmpathyMap, Note, Role
from maps.views.pages import render_page, user_can_edit

# Past ten, dots stop being countable at a glance; the rest is shown as "+N".
MAX_VOTE_DOTS = 10
# The Gray/XPLANE arrangement: these four around the persona, pains and gains below.
_AROUND_PERSONA = ("thinks_feels", "sees", "hears", "says_does")
_BELOW_MAP = ("pains", "gains")


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


def board_layout(
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
        entry = {
            **segment,
            # maps.segments marks them (gettext_noop); shown in the active language.
            "label": _(segment["label"]),
            "question": _(segment["question"]),
            "cards": _cards(segment["notes"]),
        }
        if can_edit:
            failed_here = key == failed_segment
            entry["note_form"] = (note_form if failed_here else None) or segment_note_form(key)
            entry["paste_form"] = (paste_form if failed_here else None) or segment_paste_form(key)
            entry["paste_open"] = failed_here and paste_form is not None
        segments[key] = entry
    return {
        "segments": segments,
        "around": [segments[key] for key in _AROUND_PERSONA],
        "below": [segments[key] for key in _BELOW_MAP],
        "note_count": sum(len(entry["cards"]) for entry in segments.values()),
    }


def segment_note_form(segment: str, data: QueryDict | None = None) -> forms.NoteForm:
    # One add-note form per segment on one page: ids must differ, names stay plain.
    return forms.NoteForm(data, auto_id=f"id_{segment}_%s")


def segment_paste_form(segment: str, data: QueryDict | None = None) -> forms.PasteForm:
    return forms.PasteForm(data, auto_id=f"id_{segment}_paste_%s")


@login_required
@require_GET
def map_board(request: HttpRequest, pk: int) -> HttpResponse:
    empathy_map = selectors.map_with_notes(request.user, pk)
    return render_board(request, empathy_map)


def render_board(
    request: HttpRequest,
    empathy_map: EmpathyMap,
    *,
    failed_segment: str | None = None,
    note_form: Form | None = None,
    paste_form: Form | None = None,
) -> HttpResponse:
    """The board page; a failed note or paste form is shown open in its segment (400)."""
    workspace = empathy_map.persona.workspace
    is_editor = user_can_edit(request, workspace.pk)
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
    board = board_layout(
        empathy_map,
        can_edit=can_edit,
        failed_segment=failed_segment,
        note_form=note_form,
        paste_form=paste_form,
    )
    return render_page(
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
