"""Storing what a map file or a board export holds as notes of a map, all or nothing.
Parsing and validating the files is `maps.io`'s; this adds the role, the seal, the
map's note limit and the transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from maps.io import boards, map_files
from maps.io.limits import MAX_NOTES_PER_MAP
from maps.models import EmpathyMap, Note
from maps.services.notes import (
    announce_note_texts_changed,
    mark_map_changed,
    next_note_orders,
)
from maps.services.sealing import require_editor_unsealed


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


class ImportRejected(ValidationError):
    """A map file with problems; `rows` lists every one, nothing was stored."""

    def __init__(self, rows: list[map_files.RowError]) -> None:
        self.rows = rows
        super().__init__([row.reason for row in rows])


@dataclass(frozen=True)
class FileImportResult:
    """What a map-file import stored, and how the file was read (layout, encoding,
    sheet, notices such as ignored columns) so the person can check the guess."""

    imported: int
    read: map_files.MapFileRead


@transaction.atomic
def map_import(
    *,
    user: AbstractBaseUser,
    empathy_map: EmpathyMap,
    data: bytes,
    filename: str = "",
    replace: bool = False,
) -> int:
    """Import a CSV/JSON/XLSX map file, all or nothing; returns the number of notes stored
    (see `map_import_file`)."""
    return map_import_file(
        user=user, empathy_map=empathy_map, data=data, filename=filename, replace=replace
    ).imported


@transaction.atomic
def map_import_file(
    *,
    user: AbstractBaseUser,
    empathy_map: EmpathyMap,
    data: bytes,
    filename: str = "",
    replace: bool = False,
    sheet: str | None = None,
) -> FileImportResult:
    """Import a CSV/JSON/XLSX map file, all or nothing.

    With `replace`, the map's notes are replaced by the file's. Otherwise notes are
    appended, except that a row whose `id` names a note of this map updates that note,
    so an exported and edited file can be imported back. `sheet` names the worksheet
    of a workbook (the first one otherwise).
    """
    empathy_map = require_editor_unsealed(user, empathy_map)
    try:
        read = map_files.read_map_file(data, filename=filename, sheet=sheet)
    except map_files.MapFileError as error:
        raise ImportRejected(error.errors) from error
    return map_import_read(user=user, empathy_map=empathy_map, read=read, replace=replace)


@transaction.atomic
def map_import_read(
    *,
    user: AbstractBaseUser,
    empathy_map: EmpathyMap,
    read: map_files.MapFileRead,
    replace: bool = False,
) -> FileImportResult:
    """Store a map file already read (`map_files.read_map_file`, shown as a preview),
    all or nothing, as `map_import_file` does."""
    empathy_map = require_editor_unsealed(user, empathy_map)
    parsed = read.notes

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
                    reason=_(
                        "A map holds at most %(limit)s notes; the map has %(kept)s and the "
                        "file adds %(adding)s."
                    )
                    % {
                        "limit": _number(MAX_NOTES_PER_MAP),
                        "kept": _number(kept),
                        "adding": _number(len(additions)),
                    },
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
    return FileImportResult(imported=len(parsed), read=read)


@dataclass(frozen=True)
class BoardImportResult:
    """What a board import did: notes added and updated (by their board id), and the
    areas' notes left out because the person skipped them."""

    added: int
    updated: int
    skipped: int

    @property
    def imported(self) -> int:
        return self.added + self.updated


@transaction.atomic
def map_import_board(
    *,
    user: AbstractBaseUser,
    empathy_map: EmpathyMap,
    preview: boards.BoardPreview,
    mapping: dict[str, str] | None = None,
    replace: bool = False,
) -> BoardImportResult:
    """Store a parsed Miro/Mural board (see `maps.io.boards`) as notes, all or nothing.

    `mapping` fixes or overrides the segment of areas, keyed by area id or title
    (see `boards.assign_segments`); every area with notes must end with a
    segment or be skipped, otherwise nothing is stored. A sticky whose board id names a
    note this map already imported updates that note (text, segment, votes, author,
    colour), so importing the same board again changes nothing; with `replace` the
    map's notes are replaced by the board's.
    """
    empathy_map = require_editor_unsealed(user, empathy_map)
    try:
        assigned = boards.assign_segments(preview, mapping or {})
    except boards.BoardFileError as error:
        raise ValidationError({"mapping": error.problems}) from error
    existing: dict[str, Note] = {}
    if not replace:
        for note in empathy_map.notes.exclude(source_id=""):
            existing.setdefault(note.source_id, note)
    updates: list[Note] = []
    additions: list[tuple[str, boards.BoardNote]] = []
    seen: set[str] = set()
    for segment, board_note in assigned:
        source_id = board_note.source_id
        if source_id and source_id in seen:
            continue  # one sticky listed twice (a page saved twice) is one note
        if source_id:
            seen.add(source_id)
        note = existing.get(source_id) if source_id else None
        if note is None:
            additions.append((segment, board_note))
            continue
        note.segment, note.text, note.votes = segment, board_note.text, board_note.votes
        note.author, note.colour = board_note.author, board_note.colour
        updates.append(note)
    kept = 0 if replace else empathy_map.notes.count()
    if kept + len(additions) > MAX_NOTES_PER_MAP:
        raise ValidationError(
            _(
                "A map holds at most %(limit)s notes; the map has %(kept)s and the board "
                "adds %(adding)s."
            )
            % {
                "limit": _number(MAX_NOTES_PER_MAP),
                "kept": _number(kept),
                "adding": _number(len(additions)),
            }
        )
    if replace:
        empathy_map.notes.all().delete()
        mark_map_changed(empathy_map)
    # The preview validated every value already (maps.io.boards); full_clean here would
    # cost queries per note for its constraints.
    Note.objects.bulk_update(updates, ["segment", "text", "votes", "author", "colour"])
    nexts = next_note_orders(empathy_map)
    new_notes = []
    for segment, board_note in additions:
        note = Note(
            map=empathy_map,
            segment=segment,
            text=board_note.text,
            votes=board_note.votes,
            author=board_note.author,
            source_id=board_note.source_id,
            colour=board_note.colour,
            order=nexts[segment],
        )
        new_notes.append(note)
        nexts[segment] += 1
    Note.objects.bulk_create(new_notes)
    announce_note_texts_changed(empathy_map)
    skipped = preview.note_count - len(assigned)
    return BoardImportResult(added=len(new_notes), updated=len(updates), skipped=skipped)
