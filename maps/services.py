"""Writes. The only code that changes maps-app models; each entry point checks the
caller's role and owns its transaction."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from maps import selectors
from maps.io import boards, limits, map_files
from maps.io.note_values import normalize_note_text, validate_note_text
from maps.models import (
    EmpathyMap,
    MapPair,
    MapSealEvent,
    Membership,
    Note,
    Persona,
    Role,
    SealAction,
    Workspace,
)
from maps.segments import SEGMENT_KEYS, resolve_segment
from maps.selectors import require_role
from maps.signals import note_texts_changed

MAX_NOTES_PER_MAP = limits.MAX_NOTES_PER_MAP
# Pasted lists often keep their bullets or numbers ("- ", "• ", "3. ", "2) ").
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,3}[.)])\s+")


class ImportRejected(ValidationError):
    """A map file with problems; `rows` lists every one, nothing was stored."""

    def __init__(self, rows: list[map_files.RowError]) -> None:
        self.rows = rows
        super().__init__([row.reason for row in rows])


class BulkRejected(ValidationError):
    """Some notes of a bulk write are invalid; nothing was stored.

    `errors` maps each bad note's 0-based index to its field errors, the shape DRF
    uses for `many=True` serializers.
    """

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        self.errors = errors
        super().__init__(
            [
                f"Note {index + 1}: {field}: {message}"
                for index, fields in sorted(errors.items())
                for field, messages in fields.items()
                for message in messages
            ]
        )


class MapSealed(ValidationError):
    """A write to a sealed map's notes or details; nothing was changed."""

    def __init__(self, empathy_map: EmpathyMap) -> None:
        self.map_id = empathy_map.pk
        when = timezone.localtime(empathy_map.sealed_at).strftime("%d %b %Y %H:%M")
        who = (
            empathy_map.sealed_by.get_username() if empathy_map.sealed_by_id else "a former member"
        )
        super().__init__(
            f"The map “{empathy_map.title}” is sealed (since {when}, by {who}): its "
            "notes and details are read-only. An owner of the workspace can unseal it.",
            code="map_sealed",
        )


@dataclass(frozen=True)
class NoteData:
    segment: str
    text: str
    votes: int = 0
    author: str = ""


# --- workspaces and members -------------------------------------------------------------


@transaction.atomic
def workspace_create(*, user: AbstractBaseUser, name: str) -> Workspace:
    workspace = Workspace(name=name.strip())
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    return workspace


@transaction.atomic
def workspace_update(*, user: AbstractBaseUser, workspace: Workspace, name: str) -> Workspace:
    require_role(user, workspace, Role.OWNER)
    workspace.name = name.strip()
    workspace.full_clean()
    workspace.save(update_fields=["name", "updated_at"])
    return workspace


@transaction.atomic
def workspace_delete(*, user: AbstractBaseUser, workspace: Workspace) -> None:
    require_role(user, workspace, Role.OWNER)
    workspace.delete()


@transaction.atomic
def membership_add(
    *, user: AbstractBaseUser, workspace: Workspace, username: str, role: str
) -> Membership:
    require_role(user, workspace, Role.OWNER)
    member = get_user_model().objects.filter(username=username).first()
    if member is None:
        raise ValidationError({"username": f"No user is called '{username}'."})
    if Membership.objects.filter(workspace=workspace, user=member).exists():
        raise ValidationError({"username": f"'{username}' is already a member."})
    membership = Membership(workspace=workspace, user=member, role=role)
    membership.full_clean()
    membership.save()
    return membership


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.OWNER)
    if not others.exclude(pk=membership.pk).exists():
        raise ValidationError({"role": "A workspace needs at least one owner."})


@transaction.atomic
def membership_update(*, user: AbstractBaseUser, membership: Membership, role: str) -> Membership:
    require_role(user, membership.workspace_id, Role.OWNER)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, user: AbstractBaseUser, membership: Membership) -> None:
    require_role(user, membership.workspace_id, Role.OWNER)
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    membership.delete()


# --- personas -----------------------------------------------------------------------------


def _save_unique(instance, *, field: str, message: str) -> None:
    """full_clean + save, turning a lost uniqueness race into the same clear error."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError({field: message}) from error


@transaction.atomic
def persona_create(
    *, user: AbstractBaseUser, workspace: Workspace, name: str, description: str = ""
) -> Persona:
    require_role(user, workspace, Role.EDITOR)
    persona = Persona(workspace=workspace, name=name.strip(), description=description.strip())
    _save_unique(persona, field="name", message="A persona with this name already exists.")
    return persona


@transaction.atomic
def persona_update(
    *,
    user: AbstractBaseUser,
    persona: Persona,
    name: str | None = None,
    description: str | None = None,
) -> Persona:
    require_role(user, persona.workspace_id, Role.EDITOR)
    if name is not None:
        persona.name = name.strip()
    if description is not None:
        persona.description = description.strip()
    _save_unique(persona, field="name", message="A persona with this name already exists.")
    return persona


@transaction.atomic
def persona_delete(*, user: AbstractBaseUser, persona: Persona) -> None:
    require_role(user, persona.workspace_id, Role.EDITOR)
    persona.delete()


# --- maps ---------------------------------------------------------------------------------

MAP_FIELDS = ("perspective", "title", "held_on", "facilitator", "participants", "round", "team")
MAX_ROUND = 32_767  # PositiveSmallIntegerField's ceiling on every database


@transaction.atomic
def map_create(
    *,
    user: AbstractBaseUser,
    persona: Persona,
    perspective: str,
    title: str,
    held_on: datetime.date | None = None,
    facilitator: str = "",
    participants: str = "",
    round: int = 1,  # noqa: A002 - the model's field name
    team: str = "",
) -> EmpathyMap:
    require_role(user, persona.workspace_id, Role.EDITOR)
    _check_round(round)
    empathy_map = EmpathyMap(
        persona=persona,
        perspective=perspective,
        title=title.strip(),
        held_on=held_on,
        facilitator=facilitator.strip(),
        participants=participants.strip(),
        round=round,
        team=team.strip(),
    )
    empathy_map.full_clean()
    empathy_map.save()
    return empathy_map


@transaction.atomic
def map_update(*, user: AbstractBaseUser, empathy_map: EmpathyMap, **changes) -> EmpathyMap:
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    unknown = set(changes) - set(MAP_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of a map.")
    _require_unsealed(empathy_map)
    if "round" in changes:
        _check_round(changes["round"])
    paired = empathy_map.pairs_as_internal.exists() or empathy_map.pairs_as_customer.exists()
    if "perspective" in changes and changes["perspective"] != empathy_map.perspective and paired:
        raise ValidationError(
            {"perspective": "This map is part of a pair; remove the pair before switching."}
        )
    for field, value in changes.items():
        setattr(empathy_map, field, value.strip() if isinstance(value, str) else value)
    empathy_map.full_clean()
    empathy_map.save()
    return empathy_map


@transaction.atomic
def map_delete(*, user: AbstractBaseUser, empathy_map: EmpathyMap) -> None:
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    _require_unsealed(empathy_map)
    empathy_map.delete()


def _check_round(value: object) -> None:
    # The model's PositiveSmallIntegerField allows 0 and stops at 32,767; rounds count from 1.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROUND:
        raise ValidationError({"round": f"Round must be a whole number from 1 to {MAX_ROUND:,}."})


# --- sealing ------------------------------------------------------------------------------


def _require_unsealed(empathy_map: EmpathyMap) -> EmpathyMap:
    """Lock the map row and refuse if it is sealed; returns the locked row.

    The one guard every write of a map's notes or details calls. It reads the seal from
    the locked row, not from the caller's possibly stale instance, and `map_seal` takes
    the same lock, so a note write and a seal are serialised: a note either lands
    before the seal (and is in its digest) or is refused.
    """
    locked = _lock_map(empathy_map)
    if locked.sealed_at is not None:
        raise MapSealed(locked)
    return locked


def _note_texts_changed(empathy_map: EmpathyMap) -> None:
    """Announce, once the transaction commits, that the map has new note texts.

    `robust`: a failing listener (say, an unreachable broker) is logged, never turned
    into an error for a write that has already been committed."""
    map_id = empathy_map.pk
    transaction.on_commit(
        lambda: note_texts_changed.send(sender=EmpathyMap, map_id=map_id), robust=True
    )


def _touch(empathy_map: EmpathyMap) -> None:
    """Mark the map changed: deleted notes leave no `updated_at` behind, so deletions
    must show on the map for `selectors.map_edited_after_workshop`."""
    EmpathyMap.objects.filter(pk=empathy_map.pk).update(updated_at=timezone.now())


@transaction.atomic
def map_seal(*, user: AbstractBaseUser, empathy_map: EmpathyMap) -> EmpathyMap:
    """Freeze an internal map's hypotheses: record when, by whom, and a digest of its notes.

    Editors seal (before the customer workshop); only owners unseal. `updated_at` is left
    alone on purpose: sealing is not an edit, and reports flag maps edited after their
    workshop by it.
    """
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    locked = _lock_map(empathy_map)
    if not locked.is_internal:
        raise ValidationError(
            "Only internal (hypotheses) maps can be sealed; a customer map records what "
            "customers said, not what the team predicted."
        )
    if locked.sealed_at is not None:
        raise MapSealed(locked)
    notes = list(locked.notes.all())
    if not notes:
        raise ValidationError("An empty map cannot be sealed; write the hypotheses first.")
    locked.sealed_at = timezone.now()
    locked.sealed_by = user
    locked.seal_digest = selectors.notes_digest(notes)
    locked.save(update_fields=["sealed_at", "sealed_by", "seal_digest"])
    MapSealEvent.objects.create(
        map=locked, action=SealAction.SEALED, actor=user, digest=locked.seal_digest
    )
    return locked


@transaction.atomic
def map_unseal(*, user: AbstractBaseUser, empathy_map: EmpathyMap) -> EmpathyMap:
    """Make a sealed map editable again (owners only); the event records the notes' digest
    at that moment, so the audit trail shows whether they still matched the seal."""
    require_role(user, empathy_map.persona.workspace_id, Role.OWNER)
    locked = _lock_map(empathy_map)
    if locked.sealed_at is None:
        raise ValidationError(f"The map “{locked.title}” is not sealed.")
    digest = selectors.notes_digest(locked.notes.all())
    locked.sealed_at = None
    locked.sealed_by = None
    locked.seal_digest = ""
    locked.save(update_fields=["sealed_at", "sealed_by", "seal_digest"])
    MapSealEvent.objects.create(map=locked, action=SealAction.UNSEALED, actor=user, digest=digest)
    return locked


# --- notes --------------------------------------------------------------------------------


def _clean_note_fields(*, segment: str, text: str, votes: int, author: str) -> dict:
    errors: dict[str, str] = {}
    key = segment if segment in SEGMENT_KEYS else resolve_segment(segment or "")
    if key is None:
        errors["segment"] = f"Unknown segment '{segment}'; use one of {', '.join(SEGMENT_KEYS)}."
    clean_text = normalize_note_text(text or "")
    problem = validate_note_text(clean_text)
    if problem:
        errors["text"] = problem
    if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
        errors["votes"] = "Votes must be a whole number of 0 or more."
    if errors:
        raise ValidationError(errors)
    return {"segment": key, "text": clean_text, "votes": votes, "author": (author or "").strip()}


def _lock_map(empathy_map: EmpathyMap) -> EmpathyMap:
    """Serialise writers of one map so order numbers and the note limit stay exact."""
    return EmpathyMap.objects.select_for_update().get(pk=empathy_map.pk)


def _next_orders(empathy_map: EmpathyMap) -> dict[str, int]:
    rows = empathy_map.notes.values("segment").annotate(last=Max("order"))
    nexts = dict.fromkeys(SEGMENT_KEYS, 0)
    nexts.update({row["segment"]: row["last"] + 1 for row in rows})
    return nexts


def _check_capacity(empathy_map: EmpathyMap, adding: int) -> None:
    existing = empathy_map.notes.count()
    if existing + adding > MAX_NOTES_PER_MAP:
        raise ValidationError(
            f"A map holds at most {MAX_NOTES_PER_MAP:,} notes; it has {existing:,} "
            f"and {adding:,} more would exceed that."
        )


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
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    empathy_map = _require_unsealed(empathy_map)
    fields = _clean_note_fields(segment=segment, text=text, votes=votes, author=author)
    _check_capacity(empathy_map, 1)
    note = Note(map=empathy_map, order=_next_orders(empathy_map)[fields["segment"]], **fields)
    note.full_clean()
    note.save()
    _note_texts_changed(empathy_map)
    return note


@transaction.atomic
def notes_bulk_create(
    *, user: AbstractBaseUser, empathy_map: EmpathyMap, notes: Sequence[NoteData]
) -> list[Note]:
    """Add many notes at once, all or nothing; errors are keyed by the note's index."""
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    # Sealed first: a list of fixes for notes that could not be added anyway helps nobody.
    empathy_map = _require_unsealed(empathy_map)
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
        raise ValidationError("No notes to add.")
    _check_capacity(empathy_map, len(cleaned))
    nexts = _next_orders(empathy_map)
    created = []
    for fields in cleaned:
        created.append(Note(map=empathy_map, order=nexts[fields["segment"]], **fields))
        nexts[fields["segment"]] += 1
    _note_texts_changed(empathy_map)
    return Note.objects.bulk_create(created)


@transaction.atomic
def notes_paste(
    *, user: AbstractBaseUser, empathy_map: EmpathyMap, segment: str, lines: str
) -> list[Note]:
    """Bulk paste: one note per non-blank line, leading bullets and numbering removed."""
    texts = [_BULLET.sub("", line).strip() for line in lines.splitlines()]
    texts = [text for text in texts if text]
    if not texts:
        raise ValidationError({"lines": "Paste at least one line of text."})
    notes = [NoteData(segment=segment, text=text) for text in texts]
    try:
        return notes_bulk_create(user=user, empathy_map=empathy_map, notes=notes)
    except BulkRejected as error:
        raise ValidationError(
            {
                "lines": [
                    f"Line {index + 1}: {' '.join(sum(fields.values(), []))}"
                    for index, fields in sorted(error.errors.items())
                ]
            }
        ) from error


@transaction.atomic
def note_update(*, user: AbstractBaseUser, note: Note, **changes) -> Note:
    require_role(user, note.map.persona.workspace_id, Role.EDITOR)
    locked_map = _require_unsealed(note.map)
    text_before = note.text
    note = _note_change(note, locked_map, changes)
    if note.text != text_before:
        _note_texts_changed(locked_map)
    return note


def _note_change(note: Note, locked_map: EmpathyMap, changes: dict) -> Note:
    """Validate and save `changes` to one note of the locked, unsealed `locked_map`."""
    unknown = set(changes) - {"segment", "text", "votes", "author"}
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of a note.")
    current = {
        "segment": note.segment,
        "text": note.text,
        "votes": note.votes,
        "author": note.author,
    }
    fields = _clean_note_fields(**{**current, **changes})
    if fields["segment"] != note.segment:
        note.order = _next_orders(locked_map)[fields["segment"]]
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
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    locked_map = _require_unsealed(empathy_map)
    notes = {note.pk: note for note in empathy_map.notes.filter(pk__in=[c["id"] for c in changes])}
    texts_before = {pk: note.text for pk, note in notes.items()}
    updated, errors = [], {}
    for index, change in enumerate(changes):
        fields = {key: value for key, value in change.items() if key != "id"}
        note = notes.get(change["id"])
        if note is None:
            errors[index] = {"id": [f"Note {change['id']} is not in this map."]}
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
        _note_texts_changed(locked_map)
    return updated


@transaction.atomic
def notes_bulk_delete(
    *, user: AbstractBaseUser, empathy_map: EmpathyMap, note_ids: Sequence[int]
) -> int:
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    _require_unsealed(empathy_map)
    unknown = set(note_ids) - set(
        empathy_map.notes.filter(pk__in=note_ids).values_list("pk", flat=True)
    )
    if unknown:
        raise ValidationError(
            {"ids": f"Not notes of this map: {', '.join(map(str, sorted(unknown)))}."}
        )
    deleted, _ = empathy_map.notes.filter(pk__in=note_ids).delete()
    _touch(empathy_map)
    return deleted


@transaction.atomic
def note_delete(*, user: AbstractBaseUser, note: Note) -> None:
    require_role(user, note.map.persona.workspace_id, Role.EDITOR)
    _require_unsealed(note.map)
    note.delete()
    _touch(note.map)


@transaction.atomic
def note_move(*, user: AbstractBaseUser, note: Note, offset: int) -> Note:
    """Move a note up (offset < 0) or down within its segment, renumbering the segment."""
    require_role(user, note.map.persona.workspace_id, Role.EDITOR)
    _require_unsealed(note.map)
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


# --- import -------------------------------------------------------------------------------


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
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    empathy_map = _require_unsealed(empathy_map)
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
        _touch(empathy_map)
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
    nexts = _next_orders(empathy_map)
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
    _note_texts_changed(empathy_map)
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
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    _require_unsealed(empathy_map)
    try:
        assigned = boards.assign_segments(preview, mapping or {})
    except boards.BoardFileError as error:
        raise ValidationError({"mapping": error.problems}) from error
    notes = [
        NoteData(segment=segment, text=note.text, votes=note.votes, author=note.author)
        for segment, note in assigned
    ]
    return notes_bulk_create(user=user, empathy_map=empathy_map, notes=notes)


# --- pairs --------------------------------------------------------------------------------


@transaction.atomic
def pair_create(
    *, user: AbstractBaseUser, internal_map: EmpathyMap, customer_map: EmpathyMap
) -> MapPair:
    require_role(user, internal_map.persona.workspace_id, Role.EDITOR)
    require_role(user, customer_map.persona.workspace_id, Role.EDITOR)
    pair = MapPair(internal_map=internal_map, customer_map=customer_map, created_by=user)
    pair.full_clean()
    try:
        with transaction.atomic():
            pair.save()
    except IntegrityError as error:
        raise ValidationError("These two maps are already paired.") from error
    return pair


@transaction.atomic
def pair_delete(*, user: AbstractBaseUser, pair: MapPair) -> None:
    require_role(user, pair.internal_map.persona.workspace_id, Role.EDITOR)
    pair.delete()


@transaction.atomic
def demo_load(*, user: AbstractBaseUser) -> Workspace:
    """Create the demo workspace for `user` from maps.demo (used by `make run`)."""
    from maps import demo

    workspace = workspace_create(user=user, name=demo.DEMO_WORKSPACE)
    for persona_data in demo.PERSONAS:
        persona = persona_create(
            user=user,
            workspace=workspace,
            name=persona_data["name"],
            description=persona_data["description"],
        )
        for round_data in persona_data["rounds"]:
            # One customer workshop, paired with each team's internal map.
            customer_map = _demo_map(user, persona, "customer", round_data["customer"])
            for spec in round_data["internal"]:
                internal_map = _demo_map(user, persona, "internal", spec)
                pair_create(user=user, internal_map=internal_map, customer_map=customer_map)
    return workspace


def _demo_map(user: AbstractBaseUser, persona: Persona, perspective: str, spec: dict) -> EmpathyMap:
    empathy_map = map_create(
        user=user,
        persona=persona,
        perspective=perspective,
        title=spec["title"],
        team=spec.get("team", ""),
        held_on=spec["held_on"],
        facilitator=spec["facilitator"],
        participants=spec["participants"],
    )
    notes_bulk_create(
        user=user,
        empathy_map=empathy_map,
        notes=[NoteData(segment=s, text=t, votes=v) for s, t, v in spec["notes"]],
    )
    # The demo tells of workshops in the past: its maps carry their workshop's day, or
    # every demo report would flag hypotheses "changed after the customer workshop".
    written = timezone.make_aware(datetime.datetime.combine(spec["held_on"], datetime.time(12)))
    EmpathyMap.objects.filter(pk=empathy_map.pk).update(created_at=written, updated_at=written)
    Note.objects.filter(map=empathy_map).update(created_at=written, updated_at=written)
    empathy_map.refresh_from_db()
    return empathy_map
