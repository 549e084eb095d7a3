"""Writing a map's notes: one at a time, in bulk (all or nothing), pasted as lines,
changed, moved within their segment and deleted. Every write locks the map, so order
numbers and the note limit stay exact, and is refused while the map is sealed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from maps.io.limits import MAX_NOTES_PER_MAP
from maps.io.note_values import normalize_note_text, validate_note_text
from maps.models import EmpathyMap, Note
from maps.segments import SEGMENT_KEYS, resolve_segment
from maps.services.sealing import require_editor_unsealed
from maps.signals import note_texts_changed

# Pasted lists often keep their bullets or numbers ("- ", "• ", "3. ", "2) ").
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class NoteData:
    """One note to write, as the bulk services take it (before validation)."""

    segment: str
    text: str
    votes: int = 0
    author: str = ""


class BulkRejected(ValidationError):
    """Some notes of a bulk write are invalid; nothing was stored.

    `errors` maps each bad note's 0-based index to its field errors, the shape DRF
    uses for `many=True` serializers.
    """

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        self.errors = errors
        super().__init__(
            [
                _("Note %(number)s: %(field)s: %(message)s")
                % {"number": index + 1, "field": field, "message": message}
                for index, fields in sorted(errors.items())
                for field, messages in fields.items()
                for message in messages
            ]
        )


def _clean_note_fields(*, segment: str, text: str, votes: int, author: str) -> dict:
    errors: dict[str, str] = {}
    key = segment if segment in SEGMENT_KEYS else resolve_segment(segment or "")
    if key is None:
        errors["segment"] = _("Unknown segment '%(segment)s'; use one of %(segments)s.") % {
            "segment": segment,
            "segments": ", ".join(SEGMENT_KEYS),
        }
    clean_text = normalize_note_text(text or "")
    problem = validate_note_text(clean_text)
    if problem:
        errors["text"] = problem
    if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
        errors["votes"] = _("Votes must be a whole number of 0 or more.")
    if errors:
        raise ValidationError(errors)
    return {"segment": key, "text": clean_text, "votes": votes, "author": (author or "").strip()}


def next_note_orders(empathy_map: EmpathyMap) -> dict[str, int]:
    rows = empathy_map.notes.values("segment").annotate(last=Max("order"))
    nexts = dict.fromkeys(SEGMENT_KEYS, 0)
    nexts.update({row["segment"]: row["last"] + 1 for row in rows})
    return nexts


def _check_capacity(empathy_map: EmpathyMap, adding: int) -> None:
    existing = empathy_map.notes.count()
    if existing + adding > MAX_NOTES_PER_MAP:
        raise ValidationError(
            _(
                "A map holds at most %(limit)s notes; it has %(existing)s and %(adding)s more "
                "would exceed that."
            )
            % {
                "limit": number_format(MAX_NOTES_PER_MAP, force_grouping=True),
                "existing": number_format(existing, force_grouping=True),
                "adding": number_format(adding, force_grouping=True),
            }
        )


def announce_note_texts_changed(empathy_map: EmpathyMap) -> None:
    """Announce, once the transaction commits, that the map has new note texts.

    `robust`: a failing listener (say, an unreachable broker) is logged, never turned
    into an error for a write that has already been committed."""
    map_id = empathy_map.pk
    transaction.on_commit(
        lambda: note_texts_changed.send(sender=EmpathyMap, map_id=map_id), robust=True
    )


def mark_map_changed(empathy_map: EmpathyMap) -> None:
    """Mark the map changed: deleted notes leave no `updated_at` behind, so deletions
    must show on the map for `selectors.map_edited_after_workshop`."""
    EmpathyMap.objects.filter(pk=empathy_map.pk).update(updated_at=timezone.now())


@transaction.atomic
def note_create(
    *,
    user: AbstractBaseUser,
    empathy_map: EmpathyMap,
    segment: str,
    text: str,
    votes: int = 0,
    author: str = "",
) -> Note:
    empathy_map = require_editor_unsealed(user, empathy_map)
    fields = _clean_note_fields(segment=segment, text=text, votes=votes, author=author)
    _check_capacity(empathy_map, 1)
    note = Note(map=empathy_map, order=next_note_orders(empathy_map)[fields["segment"]], **fields)
    note.full_clean()
    note.save()
    announce_note_texts_changed(empathy_map)
    return note


@transaction.atomic
def notes_bulk_create(
    *, user: AbstractBaseUser, empathy_map: EmpathyMap, notes: Sequence[NoteData]
) -> list[Note]:
    """Add many notes at once, all or nothing; errors are keyed by the note's index."""
    # Sealed first: a list of fixes for notes that could not be added anyway helps nobody.
    empathy_map = require_editor_unsealed(user, empathy_map)
    cleaned, errors = [], {}
    for index, data in enumerate(notes):
        try:
            cleaned.append(
                _clean_note_fields(
                    segment=data.segment, text=data.text, votes=data.votes, author=data.author
                )
            )
        except ValidationError as error:
            errors[index] = error.message_dict
    if errors:
        raise BulkRejected(errors)
    if not cleaned:
        raise ValidationError(_("No notes to add."))
    _check_capacity(empathy_map, len(cleaned))
    nexts = next_note_orders(empathy_map)
    created = []
    for fields in cleaned:
        created.append(Note(map=empathy_map, order=nexts[fields["segment"]], **fields))
        nexts[fields["segment"]] += 1
    announce_note_texts_changed(empathy_map)
    return Note.objects.bulk_create(created)


@transaction.atomic
def notes_paste(
    *, user: AbstractBaseUser, empathy_map: EmpathyMap, segment: str, lines: str
) -> list[Note]:
    """Bulk paste: one note per non-blank line, leading bullets and numbering removed."""
    texts = [_BULLET.sub("", line).strip() for line in lines.splitlines()]
    texts = [text for text in texts if text]
    if not texts:
        raise ValidationError({"lines": _("Paste at least one line of text.")})
    notes = [NoteData(segment=segment, text=text) for text in texts]
    try:
        return notes_bulk_create(user=user, empathy_map=empathy_map, notes=notes)
    except BulkRejected as error:
        raise ValidationError(
            {
                "lines": [
                    _("Line %(number)s: %(problems)s")
                    % {"number": index + 1, "problems": " ".join(sum(fields.values(), []))}
                    for index, fields in sorted(error.errors.items())
                ]
            }
        ) from error


@transaction.atomic
def note_update(*, user: AbstractBaseUser, note: Note, **changes) -> Note:
    locked_map = require_editor_unsealed(user, note.map)
    text_before = note.text
    note = _note_change(note, locked_map, changes)
    if note.text != text_before:
        announce_note_texts_changed(locked_map)
    return note


def _note_change(note: Note, locked_map: EmpathyMap, changes: dict) -> Note:
    """Validate and save `changes` to one note of the locked, unsealed `locked_map`."""
    unknown = set(changes) - {"segment", "text", "votes", "author"}
    if unknown:
        raise ValidationError(
            _("Cannot change %(fields)s of a note.") % {"fields": ", ".join(sorted(unknown))}
        )
    current = {
        "segment": note.segment,
        "text": note.text,
        "votes": note.votes,
        "author": note.author,
    }
    fields = _clean_note_fields(**{**current, **changes})
    if fields["segment"] != note.segment:
        note.order = next_note_orders(locked_map)[fields["segment"]]
    for field, value in fields.items():
        setattr(note, field, value)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def notes_bulk_update(
    *, user: AbstractBaseUser, empathy_map: EmpathyMap, changes: Sequence[dict]
) -> list[Note]:
    """Change many notes of one map at once, all or nothing; errors keyed by index."""
    locked_map = require_editor_unsealed(user, empathy_map)
    notes = {note.pk: note for note in empathy_map.notes.filter(pk__in=[c["id"] for c in changes])}
    texts_before = {pk: note.text for pk, note in notes.items()}
    updated, errors = [], {}
    for index, change in enumerate(changes):
        fields = {key: value for key, value in change.items() if key != "id"}
        note = notes.get(change["id"])
        if note is None:
            errors[index] = {"id": [_("Note %(id)s is not in this map.") % {"id": change["id"]}]}
            continue
        try:
            # Savepoint per note: a rejected note leaves no half-written row behind.
            with transaction.atomic():
                updated.append(_note_change(note, locked_map, fields))
        except ValidationError as error:
            errors[index] = error.message_dict
    if errors:
        raise BulkRejected(errors)
    if any(note.text != texts_before[note.pk] for note in updated):
        announce_note_texts_changed(locked_map)
    return updated


@transaction.atomic
def notes_bulk_delete(
    *, user: AbstractBaseUser, empathy_map: EmpathyMap, note_ids: Sequence[int]
) -> int:
    require_editor_unsealed(user, empathy_map)
    unknown = set(note_ids) - set(
        empathy_map.notes.filter(pk__in=note_ids).values_list("pk", flat=True)
    )
    if unknown:
        raise ValidationError(
            {
                "ids": _("Not notes of this map: %(ids)s.")
                % {"ids": ", ".join(map(str, sorted(unknown)))}
            }
        )
    deleted, _by_model = empathy_map.notes.filter(pk__in=note_ids).delete()
    mark_map_changed(empathy_map)
    return deleted


@transaction.atomic
def note_delete(*, user: AbstractBaseUser, note: Note) -> None:
    require_editor_unsealed(user, note.map)
    note.delete()
    mark_map_changed(note.map)


@transaction.atomic
def note_move(*, user: AbstractBaseUser, note: Note, offset: int) -> Note:
    """Move a note up (offset < 0) or down within its segment, renumbering the segment."""
    require_editor_unsealed(user, note.map)
    siblings = list(
        Note.objects.filter(map_id=note.map_id, segment=note.segment).order_by("order", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == note.pk)
    target = max(0, min(len(siblings) - 1, index + offset))
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings):
        sibling.order = position
    Note.objects.bulk_update(siblings, ["order"])
    note.order = target
    return note
