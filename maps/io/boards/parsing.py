"""Parsing a board export: the file is read, its items sorted into areas and notes,
and each note placed in the area it lies in."""

from __future__ import annotations

import json

from maps.io.boards.items import (
    MIRO_FRAME,
    MIRO_SHAPE,
    Box,
    Problems,
    Sticky,
    board_items,
    detect_source,
    read_miro,
    read_mural,
)
from maps.io.boards.preview import (
    MAX_NOTES,
    OUTSIDE_ID,
    OUTSIDE_TITLE,
    BoardArea,
    BoardFileError,
    BoardNote,
    BoardPreview,
)
from maps.io.boards.text import segment_for_title
from maps.io.decoding import NotUtf8Error, decode_utf8
from maps.io.limits import MAX_FILE_BYTES
from maps.io.note_values import json_type_name


def parse_board(data: bytes, *, filename: str = "") -> BoardPreview:
    """Parse a Miro or Mural JSON export into a preview, or raise BoardFileError.

    ``filename`` only improves messages; the format is recognised from the content.
    """
    name = f"{filename}: " if filename else ""
    if len(data) > MAX_FILE_BYTES:
        raise BoardFileError(
            [
                f"{name}the file is {len(data):,} bytes; at most 2 MB "
                f"({MAX_FILE_BYTES:,} bytes) can be imported"
            ]
        )
    try:
        text = decode_utf8(data)
    except NotUtf8Error as error:
        raise BoardFileError([f"{name}{error.reason}"]) from None
    if not text.strip():
        raise BoardFileError([f"{name}the file is empty"])
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoardFileError(
            [
                f"{name}not valid JSON: {error.msg} at line {error.lineno}, column "
                f"{error.colno}; export the board as JSON from Miro or Mural"
            ]
        ) from None
    except RecursionError:
        raise BoardFileError([f"{name}the JSON is nested too deeply"]) from None
    items = board_items(document)
    if items is None:
        raise BoardFileError(
            [
                f"{name}expected a list of board items, or an object with one under "
                f'"data", "items", "widgets" or "value"; got {json_type_name(document)}'
            ]
        )
    source = detect_source(items)
    if source is None:
        raise BoardFileError(
            [
                f"{name}no sticky notes found: expected a Miro export (items of type "
                f'"sticky_note" inside "frame" items) or a Mural export (widgets of type '
                '"sticky note" inside "area" widgets)'
            ]
        )
    problems = Problems()
    if source == "miro":
        boxes, stickies, empty = read_miro(items, problems)
    else:
        boxes, stickies, empty = read_mural(items, problems)
    if len(stickies) > MAX_NOTES:
        raise BoardFileError(
            [
                f"{name}the board has {len(stickies):,} sticky notes; a map holds at most "
                f"{MAX_NOTES:,}"
            ]
        )
    areas = _place(boxes, stickies)
    if problems:
        raise BoardFileError([f"{name}{problem}" for problem in problems])
    if not stickies:
        raise BoardFileError([f"{name}the board's sticky notes are all empty; nothing to import"])
    return BoardPreview(source=source, areas=tuple(areas), empty_notes=empty)


def _place(boxes: list[Box], stickies: list[Sticky]) -> list[BoardArea]:
    """Put each sticky into its area; returns the areas that received notes, in file order.

    A sticky with a parent belongs to it, unless a titled shape (Miro) under the same
    parent contains it: a board drawn with rectangles inside one big frame means the
    rectangles. A sticky without a parent goes to the smallest area containing it
    (nested areas: the inner one).
    """
    by_id = {box.id: box for box in boxes}
    outside = Box(OUTSIDE_ID, OUTSIDE_TITLE, None, None, "outside")
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
        (home or outside).notes.append(
            BoardNote(text=sticky.text, votes=sticky.votes, author=sticky.author)
        )
    areas = []
    for box in [*boxes, outside]:
        if not box.notes:
            continue  # empty frames and decorative shapes have nothing to map
        title = box.title or ("(untitled frame)" if box.kind == MIRO_FRAME else "(untitled area)")
        segment = segment_for_title(box.title) if box.kind != "outside" else None
        areas.append(BoardArea(id=box.id, title=title, segment=segment, notes=tuple(box.notes)))
    return areas
