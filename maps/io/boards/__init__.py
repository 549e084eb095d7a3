"""Read Miro and Mural boards into a preview of areas and their sticky notes.

Like ``maps.io.map_files`` it only parses and validates, it never stores anything. The
web page and the API show the preview, let the person fix the segment of each area, then
``services.map_import_board`` stores the notes.

Contract
    ``parse_board`` (a saved file) and ``parse_board_pages`` (pages already read, such as
    ``fetch_board``'s) return a ``BoardPreview`` or raise ``BoardFileError`` listing every
    problem found (capped at ``limits.MAX_REPORTED_ERRORS``), each naming the item (its
    position and its board id) and what is wrong. No other exception escapes for any input.

Formats (``formats``: recognised by their shape; ``items``: read into one shape)
    Miro REST API v2 items (one page, a list of pages, pages one after another), Miro v1
    widgets, the miro-export tool's Web SDK objects, Mural's widgets. A file that holds
    one page of several is refused, not imported as the board.

Areas and notes
    Frames, titled shapes (Miro) and areas (Mural) are areas; a sticky belongs to its
    parent, or to the smallest titled shape or area containing it. Notes keep their text
    (HTML cleaned; plain text as typed), votes (a count, voters, or a tag such as
    "3 votes" given inline or by id), author (where the export names a person), colour and
    board id. Notes in no area are collected in a pseudo-area titled ``OUTSIDE_TITLE``.
    Empty stickies, images and text boxes are left out and listed (``left_out``).

Titles
    ``maps.io.titles`` reads a title as a segment (names, questions, synonyms, English and
    German); a title naming no segment, or two, must be mapped (or skipped) by the person.
"""

from maps.io.boards.formats import FORMAT_NAMES
from maps.io.boards.mapping import (
    SKIP,
    assign_segments,
    describe,
    left_out_dicts,
    unmapped_areas,
)
from maps.io.boards.parsing import parse_board, parse_board_pages
from maps.io.boards.preview import (
    MAX_NOTES,
    OUTSIDE_ID,
    OUTSIDE_TITLE,
    BoardArea,
    BoardFileError,
    BoardNote,
    BoardPreview,
)
from maps.io.boards.remote import board_id_from, fetch_board
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
    "board_id_from",
    "clean_markup",
    "describe",
    "left_out_dicts",
    "match_title",
    "fetch_board",
    "parse_board",
    "parse_board_pages",
    "segment_for_title",
    "unmapped_areas",
]
