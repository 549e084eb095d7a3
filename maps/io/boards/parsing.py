"""Parsing a board export: the file is read, its format recognised, its items sorted into
areas and notes, and each note placed in the area it lies in."""

from __future__ import annotations

import json

from maps.io.boards.fields import Lookups
from maps.io.boards.formats import (
    FORMAT_NAMES,
    NotABoard,
    collect,
    detect_format,
    load_documents,
)
from maps.io.boards.items import (
    IMAGE_LEFT_OUT,
    MIRO_FRAME,
    MIRO_SHAPE,
    BoardRead,
    Box,
    Problems,
    Sticky,
    read_miro,
    read_miro_v1,
    read_mural,
)
from maps.io.boards.preview import (
    MAX_NOTES,
    OUTSIDE_ID,
    OUTSIDE_TITLE,
    BoardArea,
    BoardFileError,
    BoardPreview,
)
from maps.io.decoding import NotUtf8Error, decode_utf8, looks_like_spreadsheet
from maps.io.limits import MAX_FILE_BYTES
from maps.io.messages import gettext as _
from maps.io.messages import ngettext, number, too_large
from maps.io.titles import match_title


def parse_board(data: bytes, *, filename: str = "") -> BoardPreview:
    """Parse a Miro or Mural JSON export into a preview, or raise BoardFileError.

    ``filename`` only improves messages; the format is recognised from the content.
    """
    name = f"{filename}: " if filename else ""
    if len(data) > MAX_FILE_BYTES:
        raise BoardFileError([f"{name}{too_large(len(data), MAX_FILE_BYTES)}"])
    spreadsheet = looks_like_spreadsheet(data, filename)
    if spreadsheet:
        reason = _(
            "this is %(kind)s, not a board export: use “Import” (Excel, CSV or JSON) on the "
            "map instead"
        ) % {"kind": spreadsheet}
        raise BoardFileError([f"{name}{reason}"])
    try:
        text = decode_utf8(data)
    except NotUtf8Error as error:
        raise BoardFileError([f"{name}{error.reason}"]) from None
    if not text.strip():
        raise BoardFileError([f"{name}{_('the file is empty')}"])
    try:
        documents = load_documents(text)
    except json.JSONDecodeError as error:
        reason = _(
            "not valid JSON: %(error)s at line %(line)s, column %(column)s; save the API's "
            "answer (or the miro-export tool's output) as it is"
        ) % {"error": error.msg, "line": error.lineno, "column": error.colno}
        raise BoardFileError([f"{name}{reason}"]) from None
    except RecursionError:
        raise BoardFileError([f"{name}{_('the JSON is nested too deeply')}"]) from None
    except ValueError as error:
        # NotABoard, or Python refusing an integer of more than 4,300 digits.
        reason = error.reason if isinstance(error, NotABoard) else _("a number is far too long")
        raise BoardFileError([f"{name}{reason}"]) from None
    return parse_board_pages(documents, name=name)


def parse_board_pages(documents: list[object], *, name: str = "") -> BoardPreview:
    """A preview of a board's pages (JSON values already read: a saved file's, or the
    API's answers fetched by ``remote.fetch_board``), or raise BoardFileError."""
    try:
        document = collect(documents)
        kind = detect_format(document.items)
    except NotABoard as error:
        raise BoardFileError([f"{name}{error.reason}"]) from None
    problems = Problems()
    lookups = Lookups(tags=document.tags_by_id, people=document.people_by_id)
    if kind == "miro_v1":
        read = read_miro_v1(document.items, problems, lookups)
    elif kind == "mural":
        read = read_mural(document.items, problems, lookups)
    else:
        read = read_miro(document.items, problems, lookups, sdk=kind == "miro_sdk")
    if len(read.stickies) > MAX_NOTES:
        reason = _("the board has %(count)s sticky notes; a map holds at most %(limit)s") % {
            "count": number(len(read.stickies)),
            "limit": number(MAX_NOTES),
        }
        raise BoardFileError([f"{name}{reason}"])
    if problems:
        raise BoardFileError([f"{name}{problem}" for problem in problems])
    if not read.stickies:
        raise BoardFileError([f"{name}{_nothing_to_import(read, _(FORMAT_NAMES[kind]))}"])
    return BoardPreview(
        source="mural" if kind == "mural" else "miro",
        areas=tuple(_place(read.boxes, read.stickies)),
        empty_notes=read.empty,
        format=kind,
        left_out=tuple(read.left_out),
    )


def _nothing_to_import(read: BoardRead, format_name: str) -> str:
    image = _(IMAGE_LEFT_OUT)
    images = sum(1 for _label, reason in read.left_out if reason == image)
    if read.empty:
        return ngettext(
            "the board (%(format)s) has %(count)s sticky note and it is empty (a template "
            "before use?); nothing to import",
            "the board (%(format)s) has %(count)s sticky notes and all are empty (a template "
            "before use?); nothing to import",
            read.empty,
        ) % {"format": format_name, "count": number(read.empty)}
    if images:
        return ngettext(
            "the board (%(format)s) has no sticky notes: its %(count)s image cannot be "
            "imported as a note; nothing to import",
            "the board (%(format)s) has no sticky notes: its %(count)s images cannot be "
            "imported as notes; nothing to import",
            images,
        ) % {"format": format_name, "count": number(images)}
    return _("the board (%(format)s) has no sticky notes; nothing to import") % {
        "format": format_name
    }


def _place(boxes: list[Box], stickies: list[Sticky]) -> list[BoardArea]:
    """Put each sticky into its area; returns the areas that received notes, in file order.

    A sticky with a parent belongs to it, unless a titled shape under the same parent
    contains it: a board drawn with rectangles inside one big frame means the
    rectangles. A sticky without a parent goes to the smallest area containing it
    (nested areas: the inner one).
    """
    by_id = {box.id: box for box in boxes}
    outside = Box(OUTSIDE_ID, _(OUTSIDE_TITLE), None, None, "outside")
    for sticky in stickies:
        home = None
        if sticky.centre is not None:
            containing = [
                box
                for box in boxes
                if box.parent == sticky.parent
                and (box.kind == MIRO_SHAPE or sticky.parent is None)
                and box.contains(sticky.centre)
            ]
            if containing:
                home = min(containing, key=lambda box: box.size)
        if home is None and sticky.parent is not None:
            home = by_id.get(sticky.parent)
        (home or outside).notes.append(sticky.note)
    areas = []
    for box in [*boxes, outside]:
        if not box.notes:
            continue  # empty frames and decorative shapes have nothing to map
        title = box.title or (
            _("(untitled frame)") if box.kind == MIRO_FRAME else _("(untitled area)")
        )
        match = match_title(box.title) if box.kind != "outside" else None
        areas.append(
            BoardArea(
                id=box.id,
                title=title,
                segment=match.segment if match else None,
                notes=tuple(box.notes),
                candidates=match.candidates if match and match.ambiguous else (),
            )
        )
    return areas
