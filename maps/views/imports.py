"""Bringing notes into a map from a map file (Excel, CSV, JSON): at once, or after a
preview of how the file was read; and the import template. Boards: ``board_imports``."""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from maps import forms, services
from maps.io import map_files
from maps.io.limits import MAX_FILE_BYTES
from maps.models import EmpathyMap
from maps.segments import SEGMENT_LABELS
from maps.views.pages import (
    GET_POST,
    add_service_errors,
    editing_map,
    form_page,
    number,
    render_page,
)

# A map file's preview waits in the session between upload and confirm, one per session
# (a new upload replaces it), bounded: the notes hold less text than the 2 MB file, and
# JSON's \u escapes of non-ASCII text at most double it.
FILE_SESSION_KEY = "file_import"
FILE_SESSION_MAX_CHARS = 2 * MAX_FILE_BYTES
FILE_SAMPLE_NOTES = 20  # enough rows to see that the columns were read right


@login_required
@require_http_methods(GET_POST)
@editing_map
def map_import(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    """Import a map file: at once ("Import"), or after a preview of how it was read
    ("Preview": the encoding, sheet and notices, the notes per segment), confirmed with
    the preview's token; the notes then come from the session, not from the form."""
    if request.method == "POST" and "token" in request.POST:
        return _confirm_file_import(request, empathy_map)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    row_errors: list = []

    def rejected(filename: str, errors: list) -> None:
        row_errors.extend(errors)
        form.add_error(
            "file",
            ngettext(
                "Nothing was imported: %(filename)s has %(count)s problem (listed below). "
                "Fix it and upload the file again.",
                "Nothing was imported: %(filename)s has %(count)s problems (listed below). "
                "Fix them and upload the file again.",
                len(row_errors),
            )
            % {"filename": filename, "count": number(len(row_errors))},
        )

    def save(data: dict) -> HttpResponse | None:
        upload = data["file"]
        if "preview" in request.POST:
            try:
                read = map_files.read_map_file(
                    upload.read(), filename=upload.name, sheet=data["sheet"] or None
                )
            except map_files.MapFileError as error:
                rejected(upload.name, error.errors)
                return None
            stored = {
                "map": empathy_map.pk,
                "token": secrets.token_urlsafe(16),
                "filename": upload.name,
                "read": read.to_dict(),
            }
            if len(json.dumps(stored)) > FILE_SESSION_MAX_CHARS:
                form.add_error(
                    "file",
                    _("This file is too large to preview; import it directly with “Import now”."),
                )
                return None
            request.session[FILE_SESSION_KEY] = stored
            confirm = forms.FileImportConfirmForm(
                initial={"token": stored["token"], "replace": data["replace"]}
            )
            return _file_preview_page(request, empathy_map, read, confirm, upload.name)
        try:
            result = services.map_import_file(
                user=request.user,
                empathy_map=empathy_map,
                data=upload.read(),
                filename=upload.name,
                replace=data["replace"],
                sheet=data["sheet"] or None,
            )
        except services.ImportRejected as error:
            rejected(upload.name, error.rows)
            return None
        return _file_imported(request, empathy_map, result, upload.name, data["replace"])

    return form_page(
        request,
        form,
        save,
        template="maps/map_import.html",
        context={"map": empathy_map, "row_errors": row_errors},
        workspace=empathy_map.persona.workspace,
    )


def _file_imported(
    request: HttpRequest,
    empathy_map: EmpathyMap,
    result: services.FileImportResult,
    filename: str,
    replace: bool,
) -> HttpResponse:
    if replace:
        text = ngettext(
            "Imported %(count)s note replacing the previous notes from %(filename)s (%(how)s).",
            "Imported %(count)s notes replacing the previous notes from %(filename)s (%(how)s).",
            result.imported,
        )
    else:
        text = ngettext(
            "Imported %(count)s note from %(filename)s (%(how)s).",
            "Imported %(count)s notes from %(filename)s (%(how)s).",
            result.imported,
        )
    messages.success(
        request,
        text
        % {
            "count": number(result.imported),
            "filename": filename,
            "how": _how_read(result.read),
        },
    )
    for notice in result.read.notices:
        messages.warning(request, f"{filename}: {notice}.")
    return redirect("map-board", pk=empathy_map.pk)


def _file_preview_page(
    request: HttpRequest,
    empathy_map: EmpathyMap,
    read: map_files.MapFileRead,
    form: forms.FileImportConfirmForm,
    filename: str,
    *,
    status: int = 200,
) -> HttpResponse:
    counts = dict.fromkeys(SEGMENT_LABELS, 0)
    for note in read.notes:
        counts[note.segment] += 1
    return render_page(
        request,
        "maps/map_import_preview.html",
        {
            "map": empathy_map,
            "read": read,
            "how_read": _how_read(read),
            "form": form,
            "filename": filename,
            "counts": [(_(SEGMENT_LABELS[key]), count) for key, count in counts.items()],
            "sample": [
                (note, _(SEGMENT_LABELS[note.segment])) for note in read.notes[:FILE_SAMPLE_NOTES]
            ],
            "more": max(len(read.notes) - FILE_SAMPLE_NOTES, 0),
        },
        workspace=empathy_map.persona.workspace,
        status=status,
    )


def _confirm_file_import(request: HttpRequest, empathy_map: EmpathyMap) -> HttpResponse:
    stored = request.session.get(FILE_SESSION_KEY)
    read = None
    if (
        isinstance(stored, dict)
        and stored.get("map") == empathy_map.pk
        and isinstance(stored.get("token"), str)
        and secrets.compare_digest(stored["token"], request.POST.get("token", ""))
    ):
        try:
            read = map_files.MapFileRead.from_dict(stored.get("read"))
        except map_files.MapFileError:
            read = None
    if read is None:
        messages.error(
            request,
            _(
                "That preview is no longer available (it expired or another upload replaced "
                "it); nothing was imported. Upload the file again."
            ),
        )
        return redirect("map-import", pk=empathy_map.pk)
    filename = str(stored.get("filename", ""))
    form = forms.FileImportConfirmForm(request.POST)
    if form.is_valid():
        try:
            result = services.map_import_read(
                user=request.user,
                empathy_map=empathy_map,
                read=read,
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(FILE_SESSION_KEY, None)
            return _file_imported(
                request, empathy_map, result, filename, form.cleaned_data["replace"]
            )
    return _file_preview_page(request, empathy_map, read, form, filename, status=400)


def _how_read(read: map_files.MapFileRead) -> str:
    if read.layout == "XLSX":
        return _("Excel workbook, sheet “%(sheet)s”") % {"sheet": read.sheet}
    return f"{read.layout}, {read.encoding}" if read.encoding else read.layout


@login_required
@require_GET
def import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    """The import template (see ``maps.io.map_files.template``) as CSV or XLSX."""
    if file_format == "xlsx":
        content = map_files.template_xlsx()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type = map_files.template_csv(), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="gapmap-template.{file_format}"'
    return response
