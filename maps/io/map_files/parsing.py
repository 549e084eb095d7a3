"""Parsing a map file: the layout is chosen, its rows are read, then every row is
validated, so one answer lists every problem of the file (see the package docstring)."""

from __future__ import annotations

from maps.io.decoding import NotUtf8Error, decode_utf8
from maps.io.limits import MAX_FILE_BYTES, MAX_NOTES_PER_MAP, MAX_REPORTED_ERRORS
from maps.io.map_files.csv_layout import csv_rows
from maps.io.map_files.json_layout import json_rows
from maps.io.map_files.rows import MapFileError, ParsedNote, RawRow, RowError, file_error
from maps.io.note_values import (
    clean_author,
    clean_id,
    clean_segment,
    clean_text,
    clean_votes,
    quoted,
)


def parse_map_file(
    data: bytes,
    *,
    filename: str = "",
    max_notes: int = MAX_NOTES_PER_MAP,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[ParsedNote]:
    """Parse a CSV or JSON empathy-map file into notes, or raise MapFileError.

    JSON is chosen when the filename ends with ``.json`` or the content starts with
    ``{`` or ``[``; anything else is read as CSV. See the package docstring for the
    accepted layouts and for how rows are numbered.
    """
    if len(data) > max_bytes:
        raise file_error(
            f"the file is {len(data):,} bytes; at most {max_bytes / 1024 / 1024:g} MB "
            f"({max_bytes:,} bytes) can be imported"
        )
    try:
        text = decode_utf8(data)
    except NotUtf8Error as error:
        raise file_error(error.reason) from None
    if not text.strip():
        raise file_error("no notes found: the file is empty")
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("{", "[")):
        rows, errors = json_rows(text, max_notes)
    else:
        rows, errors = csv_rows(text, max_notes)
    if not rows and not errors:
        raise file_error("no notes found")
    notes = _build_notes(rows, errors)
    if errors:
        raise MapFileError(_capped(errors))
    return notes


def _capped(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    hidden = len(errors) - MAX_REPORTED_ERRORS
    return [
        *errors[:MAX_REPORTED_ERRORS],
        RowError(None, None, f"{hidden:,} more problems are not listed; fix these first"),
    ]


def _build_notes(rows: list[RawRow], errors: list[RowError]) -> list[ParsedNote]:
    """Validate every row, appending each problem to ``errors`` (all rows, not the first)."""
    notes: list[ParsedNote] = []
    segment_cache: dict[str, str | None] = {}
    first_row_of_id: dict[str, int] = {}
    for raw in rows:
        errors.extend(raw.problems)
        if raw.values is None:
            continue
        values = raw.values
        segment, segment_problem = clean_segment(values.get("segment"), segment_cache)
        text, text_problem = clean_text(values.get("text"))
        votes, votes_problem = clean_votes(values.get("votes"))
        author, author_problem = clean_author(values.get("author"))
        note_id, id_problem = clean_id(values.get("id"))
        if note_id is not None and id_problem is None:
            # The import service updates notes by id; two rows with one id are ambiguous.
            first = first_row_of_id.setdefault(note_id, raw.row)
            if first != raw.row:
                id_problem = f"id {quoted(note_id)} is already used by row {first}"
        row_errors = [
            RowError(raw.row, column, reason)
            for column, reason in (
                ("segment", segment_problem),
                ("text", text_problem),
                ("votes", votes_problem),
                ("author", author_problem),
                ("id", id_problem),
            )
            if reason
        ]
        errors.extend(row_errors)
        if not row_errors and not raw.problems and segment is not None and text is not None:
            notes.append(ParsedNote(raw.row, segment, text, votes, author, note_id))
    return notes
