"""Parsing a map file: the layout is chosen, its rows are read, then every row is
validated, so one answer lists every problem of the file (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from maps.io.decoding import OLE_MAGIC, ZIP_MAGIC, decode_spreadsheet_text, looks_like_spreadsheet
from maps.io.limits import MAX_FILE_BYTES, MAX_NOTES_PER_MAP, MAX_REPORTED_ERRORS
from maps.io.map_files.csv_layout import csv_rows
from maps.io.map_files.json_layout import json_rows
from maps.io.map_files.rows import MapFileError, ParsedNote, RawRow, RowError, file_error
from maps.io.map_files.xlsx_layout import xlsx_rows
from maps.io.note_values import (
    clean_author,
    clean_id,
    clean_segment,
    clean_text,
    clean_votes,
    quoted,
)


@dataclass(frozen=True)
class MapFileRead:
    """A map file's notes and how it was read: ``layout`` ("CSV", "JSON", "XLSX"),
    ``encoding`` (a text file's, as guessed; "" for XLSX), ``sheet`` (XLSX), and
    ``notices``: what was read differently from what the file might have meant (columns
    ignored, the sheet chosen), for the person to check."""

    notes: list[ParsedNote]
    layout: str
    encoding: str = ""
    sheet: str = ""
    notices: tuple[str, ...] = ()


def parse_map_file(
    data: bytes,
    *,
    filename: str = "",
    max_notes: int = MAX_NOTES_PER_MAP,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[ParsedNote]:
    """Parse a CSV, JSON or XLSX empathy-map file into notes, or raise MapFileError."""
    return read_map_file(data, filename=filename, max_notes=max_notes, max_bytes=max_bytes).notes


def read_map_file(
    data: bytes,
    *,
    filename: str = "",
    sheet: str | None = None,
    max_notes: int = MAX_NOTES_PER_MAP,
    max_bytes: int = MAX_FILE_BYTES,
) -> MapFileRead:
    """Read a CSV, JSON or XLSX empathy-map file, or raise MapFileError.

    XLSX is recognised by its content (a zip archive); JSON when the filename ends with
    ``.json`` or the content starts with ``{`` or ``[``; anything else is read as CSV.
    Text files may be UTF-8, UTF-16, Windows-1252 or Latin-1 (see ``maps.io.decoding``).
    See the package docstring for the accepted layouts and how rows are numbered.
    """
    if len(data) > max_bytes:
        raise file_error(
            f"the file is {len(data):,} bytes; at most {max_bytes / 1024 / 1024:g} MB "
            f"({max_bytes:,} bytes) can be imported"
        )
    notices: list[str] = []
    if data.startswith(ZIP_MAGIC):
        if filename.lower().endswith(".ods"):
            raise file_error(
                "OpenDocument spreadsheets (ODS) are not read; save the sheet as XLSX or CSV"
            )
        rows, sheet_name = xlsx_rows(data, max_notes, notices, sheet=sheet)
        return _finish(rows, [], MapFileRead([], "XLSX", sheet=sheet_name), notices)
    kind = looks_like_spreadsheet(data, filename)
    if kind and data.startswith(OLE_MAGIC):
        raise file_error(
            f"this is {kind}, which is not read; save it as an Excel workbook (XLSX) or as "
            "'CSV UTF-8'"
        )
    text, encoding = decode_spreadsheet_text(data)
    if not text.strip():
        raise file_error("no notes found: the file is empty")
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("{", "[")):
        rows, errors = json_rows(text, max_notes)
        layout = "JSON"
    else:
        rows, errors = csv_rows(text, max_notes, notices)
        layout = "CSV"
    if encoding not in ("UTF-8", "UTF-16"):
        notices.append(f"read as {encoding} (the file is not UTF-8); check the umlauts")
    return _finish(rows, errors, MapFileRead([], layout, encoding=encoding), notices)


def _finish(
    rows: list[RawRow], errors: list[RowError], read: MapFileRead, notices: list[str]
) -> MapFileRead:
    if not rows and not errors:
        raise file_error("no notes found")
    notes = _build_notes(rows, errors)
    if errors:
        raise MapFileError(_capped(errors))
    return replace(read, notes=notes, notices=tuple(notices))


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
