"""Bringing notes into a map from a Miro or Mural board, in two steps: the board (an
uploaded export, or read through the tool's API with the person's token) is previewed
with the segment each area's title names, the person fixes the mapping, then confirms."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from maps import forms, services
from maps.io import boards
from maps.models import EmpathyMap
from maps.segments import SEGMENT_LABELS
from maps.services import notes as note_services
from maps.views.pages import GET_POST, add_service_errors, editing_map, number, render_page

# The board import's preview waits in the session between upload and confirm. One
# pending preview per session (a new upload replaces it), bounded: the parse holds less
# text than the 2 MB file, and JSON's \u escapes of non-ASCII text at most double it.
BOARD_SESSION_KEY = "board_import"
BOARD_SESSION_MAX_CHARS = 2 * boards.MAX_FILE_BYTES
BOARD_SAMPLE_NOTES = 3  # enough to recognise an area in the preview
FETCH_OFF = gettext_lazy(
    "reading boards through the Miro or Mural API is switched off on this server "
    "(GAPMAP_BOARD_FETCH); upload the board's JSON file instead"
)


def _board_areas_view(preview: boards.BoardPreview) -> list[dict]:
    return [
        {
            "area": area,
            "candidates": [_(SEGMENT_LABELS[key]) for key in area.candidates],
            "count": len(area.notes),
            "sample": area.notes[:BOARD_SAMPLE_NOTES],
            "more": max(len(area.notes) - BOARD_SAMPLE_NOTES, 0),
        }
        for area in preview.areas
    ]


def _board_preview_page(
    request: HttpRequest,
    empathy_map: EmpathyMap,
    preview: boards.BoardPreview,
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
    return render_page(
        request,
        "maps/board_import_preview.html",
        {
            "map": empathy_map,
            "preview": preview,
            "rows": rows,
            "form": form,
            "filename": filename,
            "existing": existing,
            "max_notes": note_services.MAX_NOTES_PER_MAP,
            "over_capacity": existing + preview.note_count > note_services.MAX_NOTES_PER_MAP,
            "format_name": _(boards.FORMAT_NAMES.get(preview.format, preview.source)),
            "ambiguous_count": sum(1 for area in preview.areas if area.ambiguous),
            "unknown_count": sum(1 for area in preview.unknown_areas if not area.ambiguous),
            "left_out_counts": _left_out_counts(preview),
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
        preview = boards.BoardPreview.from_dict(stored.get("preview"))
    except boards.BoardFileError:
        return None
    return preview, str(stored.get("filename", ""))


@login_required
@require_http_methods(GET_POST)
@editing_map
def map_import_board(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    """Upload a Miro/Mural export, check the area -> segment mapping, then confirm.

    Step 1 parses the upload and keeps the parsed preview in the session (nothing is
    stored in the map). Step 2 posts only the chosen segments and the preview's token;
    the note texts come from the session, so an edited form cannot add other notes.
    """
    if request.method == "POST" and "token" in request.POST:
        return _confirm_board_import(request, empathy_map)

    fetching = request.method == "POST" and "access_token" in request.POST
    upload_form = forms.BoardUploadForm(
        request.POST if request.method == "POST" and not fetching else None,
        request.FILES or None,
    )
    fetch_form = forms.BoardFetchForm(request.POST if fetching else None)
    form = fetch_form if fetching else upload_form
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if fetching:
                if not settings.GAPMAP_BOARD_FETCH:
                    raise boards.BoardFileError([str(FETCH_OFF)])
                # The token is used for these requests only; it is never stored.
                pages = boards.fetch_board(data["source"], data["board"], data["access_token"])
                preview = boards.parse_board_pages(pages)
                board_id = boards.board_id_from(data["source"], data["board"])
                filename = _("%(tool)s board %(id)s") % {
                    "tool": data["source"].title(),
                    "id": board_id,
                }
            else:
                upload = data["file"]
                filename = upload.name or ""
                preview = boards.parse_board(upload.read(), filename=filename)
        except boards.BoardFileError as error:
            problems = error.problems
            form.add_error(
                None,
                ngettext(
                    "Nothing was imported: the board has %(count)s problem (listed below).",
                    "Nothing was imported: the board has %(count)s problems (listed below).",
                    len(problems),
                )
                % {"count": number(len(problems))},
            )
        else:
            stored = {
                "map": empathy_map.pk,
                "token": secrets.token_urlsafe(16),
                "filename": filename,
                "preview": preview.to_dict(),
            }
            if len(json.dumps(stored)) > BOARD_SESSION_MAX_CHARS:
                form.add_error(
                    None,
                    _(
                        "This board is too large to preview in the browser; import it "
                        "through the API (POST %(endpoint)s)."
                    )
                    % {"endpoint": f"/api/maps/{empathy_map.pk}/import-board/"},
                )
            else:
                request.session[BOARD_SESSION_KEY] = stored
                mapping_form = forms.BoardMappingForm(
                    initial={"token": stored["token"]}, areas=list(preview.areas)
                )
                return _board_preview_page(
                    request, empathy_map, preview, mapping_form, filename=filename
                )
    return render_page(
        request,
        "maps/board_import.html",
        {
            "form": upload_form,
            "fetch_form": fetch_form if settings.GAPMAP_BOARD_FETCH else None,
            "map": empathy_map,
            "problems": problems,
        },
        workspace=empathy_map.persona.workspace,
        status=400 if form.errors else 200,
    )


def _confirm_board_import(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    found = _stored_board(request, empathy_map.pk, request.POST.get("token", ""))
    if found is None:
        messages.error(
            request,
            _(
                "That board preview is no longer available (it expired or another upload "
                "replaced it); nothing was imported. Upload the board again."
            ),
        )
        return redirect("map-import-board", pk=empathy_map.pk)
    preview, filename = found
    form = forms.BoardMappingForm(request.POST, areas=list(preview.areas))
    if form.is_valid():
        try:
            result = services.map_import_board(
                user=request.user,
                empathy_map=empathy_map,
                preview=preview,
                mapping=form.mapping(),
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(BOARD_SESSION_KEY, None)
            messages.success(request, _board_outcome(result, filename))
            if preview.left_out or result.skipped:
                messages.warning(request, _left_out_summary(preview, result.skipped))
            return redirect("map-board", pk=empathy_map.pk)
    return _board_preview_page(request, empathy_map, preview, form, filename=filename, status=400)


def _board_outcome(result: services.BoardImportResult, filename: str) -> str:
    added = ngettext(
        "Imported %(count)s new note from %(filename)s.",
        "Imported %(count)s new notes from %(filename)s.",
        result.added,
    ) % {"count": number(result.added), "filename": filename}
    if not result.updated:
        return added
    updated = ngettext(
        "Updated %(count)s note imported before.",
        "Updated %(count)s notes imported before.",
        result.updated,
    ) % {"count": number(result.updated)}
    return f"{added} {updated}"


def _left_out_counts(preview: boards.BoardPreview) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for _label, reason in preview.left_out:
        counts[reason] = counts.get(reason, 0) + 1
    return list(counts.items())


def _left_out_summary(preview: boards.BoardPreview, skipped: int) -> str:
    """One line naming what was not imported and why (the preview listed each item)."""
    parts = [f"{count} × {reason}" for reason, count in _left_out_counts(preview)]
    if skipped:
        parts.append(
            ngettext("%(count)s note of skipped areas", "%(count)s notes of skipped areas", skipped)
            % {"count": number(skipped)}
        )
    return _("Not imported: %(items)s.") % {"items": "; ".join(parts)}
