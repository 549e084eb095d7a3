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
from maps.io.messages import gettext as _
from maps.io.messages import ngettext, number, too_large
from maps.io.note_values import (
    clean_author,
    clean_id,
    clean_segment,
    clean_text,
    clean_votes,
    quoted,
)
from maps.segments import SEGMENT_KEYS


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

    def to_dict(self) -> dict:
        """Plain JSON data (for the session between preview and confirm)."""
        return {
            "layout": self.layout,
            "encoding": self.encoding,
            "sheet": self.sheet,
            "notices": list(self.notices),
            "notes": [
                [note.row, note.segment, note.text, note.votes, note.author, note.id]
                for note in self.notes
            ],
        }

    @classmethod
    def from_dict(cls, data: object) -> MapFileRead:
        """Rebuild ``to_dict``'s output, validating every note again (the stored data may
        outlive this code's version); raises MapFileError when it is unusable."""
        try:
            notes = []
            for row, segment, text, votes, author, note_id in data["notes"]:  # type: ignore[index]
                problems = [
                    reason
                    for _value, reason in (
                        clean_segment(segment, {}),
                        clean_text(text),
                        clean_votes(votes),
                        clean_author(author),
                        clean_id(note_id),
                    )
                    if reason
                ]
                if problems or segment not in SEGMENT_KEYS or not isinstance(row, int):
                    raise ValueError("invalid note")
                notes.append(ParsedNote(row, segment, text, votes, author, note_id))
            if len(notes) > MAX_NOTES_PER_MAP:
                raise ValueError("too many notes")
            return cls(
                notes=notes,
                layout=str(data["layout"]),  # type: ignore[index]
                encoding=str(data["encoding"]),  # type: ignore[index]
                sheet=str(data["sheet"]),  # type: ignore[index]
                notices=tuple(str(notice) for notice in data["notices"]),  # type: ignore[index]
            )
        except (KeyError, TypeError, ValueError) as error:
            raise file_error(
                _("the stored preview is unreadable; upload the file again")
            ) from error


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
        raise file_error(too_large(len(data), max_bytes))
    notices: list[str] = []
    if data.startswith(ZIP_MAGIC):
        if filename.lower().endswith(".ods"):
            raise file_error(
                _("OpenDocument spreadsheets (ODS) are not read; save the sheet as XLSX or CSV")
            )
        rows, sheet_name = xlsx_rows(data, max_notes, notices, sheet=sheet)
        return _finish(rows, [], MapFileRead([], "XLSX", sheet=sheet_name), notices)
    kind = looks_like_spreadsheet(data, filename)
    if kind and data.startswith(OLE_MAGIC):
        raise file_error(
            _(
                "this is %(kind)s, which is not read; save it as an Excel workbook (XLSX) or as "
                "'CSV UTF-8'"
            )
            % {"kind": kind}
        )
    text, encoding = decode_spreadsheet_text(data)
    if not text.strip():
        raise file_error(_("no notes found: the file is empty"))
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("{", "[")):
        rows, errors = json_rows(text, max_notes)
        layout = "JSON"
    else:
        rows, errors = csv_rows(text, max_notes, notices)
        layout = "CSV"
    if encoding not in ("UTF-8", "UTF-16"):
        notices.append(
            _("read as %(encoding)s (the file is not UTF-8); check the umlauts")
            % {"encoding": encoding}
        )
    return _finish(rows, errors, MapFileRead([], layout, encoding=encoding), notices)


def _finish(
    rows: list[RawRow], errors: list[RowError], read: MapFileRead, notices: list[str]
) -> MapFileRead:
    if not rows and not errors:
        raise file_error(_("no notes found"))
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
        RowError(
            None,
            None,
            ngettext(
                "%(count)s more problem is not listed; fix these first",
                "%(count)s more problems are not listed; fix these first",
                hidden,
            )
            % {"count": number(hidden)},
        ),
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
                id_problem = _("id %(id)s is already used by row %(row)s") % {
                    "id": quoted(note_id),
                    "row": first,
                }
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


def describe_read(read: MapFileRead) -> dict:
    """How a file was read, as plain data for a dry run: layout, encoding, sheet, notices,
    the number of notes per segment, and the notes."""
    per_segment = dict.fromkeys(SEGMENT_KEYS, 0)
    for note in read.notes:
        per_segment[note.segment] += 1
    return {
        "layout": read.layout,
        "encoding": read.encoding,
        "sheet": read.sheet,
        "notices": list(read.notices),
        "note_count": len(read.notes),
        "per_segment": per_segment,
        "notes": [
            {
                "row": note.row,
                "segment": note.segment,
                "text": note.text,
                "votes": note.votes,
                "author": note.author,
                "id": note.id,
            }
            for note in read.notes
        ],
    }
