"""Read Miro and Mural board exports into a preview of areas and their sticky notes.

Like ``maps.io.map_files`` it only parses and validates, it never stores anything. The
web page and the API show the preview, let the user fix the segment of each area, then
hand the notes to ``services.notes_bulk_create``.

Contract
    ``parse_board`` returns a ``BoardPreview`` or raises ``BoardFileError`` listing
    every problem found (capped at ``limits.MAX_REPORTED_ERRORS``), each naming the
    item (its position in the file and its board id) and what is wrong. No other
    exception escapes for any input.

Miro (REST API v2 items, ``{"data": [...]}``, ``{"items": [...]}`` or a plain list)
    ``frame`` items are areas, titled by ``data.title``. ``shape`` items with text
    (``data.content``) are areas too when sticky notes lie inside them, for boards
    drawn with rectangles instead of frames. ``sticky_note`` items carry HTML in
    ``data.content``; a note belongs to the frame named by ``parent.id`` (or
    ``parentId``), or else to the smallest titled shape whose box contains its centre
    (Miro positions are item centres, relative to the same parent).

Mural (widgets, ``{"value": [...]}``, ``{"widgets": [...] | {id: widget}}`` or a list)
    ``area`` widgets are areas, titled by ``title``. ``sticky note`` widgets carry
    ``text`` (or ``htmlText``); a note belongs to the area named by ``parentId``, or
    else to the smallest area whose box contains its centre (Mural positions are
    top-left corners).

Both
    Votes come from ``votes`` (a number, or a list of voters) or a tag such as
    ``"3 votes"``, ``"+3"`` or ``"Stimmen: 3"``; authors from ``author`` or
    ``createdBy`` (``name``, or ``firstName`` and ``lastName``). Sticky text is
    cleaned of markup: tags are removed (``<script>`` and ``<style>`` with their
    content), entities are unescaped and whitespace collapses to single spaces.
    Notes empty after cleaning are left out and counted. Notes in no area are
    collected in a pseudo-area titled ``OUTSIDE_TITLE``. Area titles map to segments
    through the English and German aliases of ``maps.segments``; areas whose title
    matches none are "unknown" and must be mapped (or skipped) before importing.
"""

from maps.io.boards.formats import FORMAT_NAMES
from maps.io.boards.mapping import SKIP, assign_segments, describe, left_out_dicts
from maps.io.boards.parsing import parse_board
from maps.io.boards.preview import (
    MAX_NOTES,
    OUTSIDE_ID,
    OUTSIDE_TITLE,
    BoardArea,
    BoardFileError,
    BoardNote,
    BoardPreview,
)
from maps.io.boards.text import clean_markup
from maps.io.limits import MAX_FILE_BYTES, MAX_NOTE_CHARS
from maps.io.titles import TitleMatch, match_title, segment_for_title

__all__ = [
    "FORMAT_NAMES",
    "MAX_FILE_BYTES",
    "MAX_NOTES",
    "MAX_NOTE_CHARS",
    "OUTSIDE_ID",
    "OUTSIDE_TITLE",
    "SKIP",
    "BoardArea",
    "BoardFileError",
    "BoardNote",
    "BoardPreview",
    "TitleMatch",
    "assign_segments",
    "clean_markup",
    "describe",
    "left_out_dicts",
    "match_title",
    "parse_board",
    "segment_for_title",
]
