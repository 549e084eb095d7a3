"""Writing a map's notes as a file ``parse_map_file`` reads back to the same notes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Protocol

from maps.io.map_files.rows import COLUMNS
from maps.io.spreadsheet import neutralize_spreadsheet_cell


class ExportNote(Protocol):
    """What the exporters read: a Note model instance, a ParsedNote, or anything alike."""

    @property
    def id(self) -> object: ...
    @property
    def segment(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def votes(self) -> int: ...
    @property
    def author(self) -> str: ...


def export_csv(notes: Iterable[ExportNote]) -> str:
    """CSV with the header ``segment,text,votes,author,id``; re-imports to the same notes.

    Every cell is neutralised against formula injection (see `maps.io.spreadsheet`);
    the caller encodes the string as UTF-8 without BOM.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for note in notes:
        cells = (
            str(note.segment),
            note.text,
            str(note.votes),
            note.author or "",
            "" if note.id is None else str(note.id),
        )
        writer.writerow([neutralize_spreadsheet_cell(cell) for cell in cells])
    return buffer.getvalue()


def export_json(notes: Iterable[ExportNote], *, meta: Mapping[str, object] | None = None) -> str:
    """``{"map": meta, "notes": [...]}``, the shape ``parse_map_file`` reads back.

    Values in ``meta`` that JSON cannot hold (dates, UUIDs) are written as strings.
    """
    document = {
        "map": dict(meta or {}),
        "notes": [
            {
                "id": None if note.id is None else str(note.id),
                "segment": str(note.segment),
                "text": note.text,
                "votes": int(note.votes),
                "author": note.author or "",
            }
            for note in notes
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
