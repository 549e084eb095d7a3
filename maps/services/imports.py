"""Storing what a map file or a board export holds as notes of a map, all or nothing.
Parsing and validating the files is `maps.io`'s; this adds the role, the seal, the
map's note limit and the transaction."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from maps.io import boards, map_files
from maps.io.limits import MAX_NOTES_PER_MAP
from maps.models import EmpathyMap, Note
from maps.services.notes import (
    NoteData,
    announce_note_texts_changed,
    mark_map_changed,
    next_note_orders,
    notes_bulk_create,
)
from maps.services.sealing import require_editor_unsealed


class ImportRejected(ValidationError):
    """A map file with problems; `rows` lists every one, nothing was stored."""

    def __init__(self, rows: list[map_files.RowError]) -> None:
        self.rows = rows
        super().__init__([row.reason for row in rows])


@transaction.atomic
def map_import(
    *,
    user: AbstractBaseUser,
    empathy_map: EmpathyMap,
    data: bytes,
    filename: str = "",
    replace: bool = False,
) -> int:
    """Import a CSV/JSON map file, all or nothing; returns the number of notes stored.

    With `replace`, the map's notes are replaced by the file's. Otherwise notes are
    appended, except that a row whose `id` names a note of this map updates that note,
    so an exported and edited file can be imported back.
    """
    empathy_map = require_editor_unsealed(user, empathy_map)
    try:
        parsed = map_files.parse_map_file(data, filename=filename)
    except map_files.MapFileError as error:
        raise ImportRejected(error.errors) from error

    existing = {} if replace else {str(note.pk): note for note in empathy_map.notes.all()}
    updates = [row for row in parsed if row.id in existing]
    additions = [row for row in parsed if row.id not in existing]
    kept = 0 if replace else len(existing)
    if kept + len(additions) > MAX_NOTES_PER_MAP:
        raise ImportRejected(
            [
                map_files.RowError(
                    row=None,
                    column=None,
                    reason=f"A map holds at most {MAX_NOTES_PER_MAP:,} notes; the map has "
                    f"{kept:,} and the file adds {len(additions):,}.",
                )
            ]
        )
    if replace:
        empathy_map.notes.all().delete()
        mark_map_changed(empathy_map)
    for row in updates:
        note = existing[row.id]
        note.segment, note.text, note.votes, note.author = (
            row.segment,
            row.text,
            row.votes,
            row.author,
        )
    Note.objects.bulk_update(
        [existing[row.id] for row in updates], ["segment", "text", "votes", "author"]
    )
    nexts = next_note_orders(empathy_map)
    new_notes = []
    for row in additions:
        new_notes.append(
            Note(
                map=empathy_map,
                segment=row.segment,
                text=row.text,
                votes=row.votes,
                author=row.author,
                order=nexts[row.segment],
            )
        )
        nexts[row.segment] += 1
    Note.objects.bulk_create(new_notes)
    announce_note_texts_changed(empathy_map)
    return len(parsed)


@transaction.atomic
def map_import_board(
    *,
    user: AbstractBaseUser,
    empathy_map: EmpathyMap,
    preview: boards.BoardPreview,
    mapping: dict[str, str] | None = None,
) -> list[Note]:
    """Store a parsed Miro/Mural board (see `maps.io.boards`) as notes, all or nothing.

    `mapping` fixes or overrides the segment of areas, keyed by area id or title
    (see `boards.assign_segments`); every area with notes must end with a
    segment or be skipped, otherwise nothing is stored.
    """
    require_editor_unsealed(user, empathy_map)
    try:
        assigned = boards.assign_segments(preview, mapping or {})
    except boards.BoardFileError as error:
        raise ValidationError({"mapping": error.problems}) from error
    notes = [
        NoteData(segment=segment, text=note.text, votes=note.votes, author=note.author)
        for segment, note in assigned
    ]
    return notes_bulk_create(user=user, empathy_map=empathy_map, notes=notes)
