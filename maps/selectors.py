"""Reads. Every query that returns workspace data starts from `workspaces_for(user)`,
so no view can forget to scope by the requesting user's memberships."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, FloatField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from maps.io import map_files
from maps.models import EmpathyMap, MapPair, Membership, Note, Persona, Role, Workspace
from maps.segments import SEGMENT_KEYS, SEGMENTS

AnyUser = AbstractBaseUser | AnonymousUser

SEGMENT_ORDER = {key: position for position, key in enumerate(SEGMENT_KEYS)}

# Higher rank includes the rights of the lower ones.
_ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}


def workspaces_for(user: AnyUser) -> QuerySet[Workspace]:
    """The workspaces `user` belongs to: the single choke-point of tenant scoping."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def personas_for(user: AnyUser) -> QuerySet[Persona]:
    return Persona.objects.filter(workspace__in=workspaces_for(user)).select_related("workspace")


def maps_for(user: AnyUser) -> QuerySet[EmpathyMap]:
    return EmpathyMap.objects.filter(persona__workspace__in=workspaces_for(user)).select_related(
        "persona__workspace"
    )


def notes_for(user: AnyUser) -> QuerySet[Note]:
    return Note.objects.filter(map__persona__workspace__in=workspaces_for(user)).select_related(
        "map__persona__workspace"
    )


def pairs_for(user: AnyUser) -> QuerySet[MapPair]:
    return MapPair.objects.filter(
        internal_map__persona__workspace__in=workspaces_for(user)
    ).select_related(
        "internal_map__persona__workspace", "customer_map__persona__workspace", "created_by"
    )


def memberships_for(user: AnyUser) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace__in=workspaces_for(user)).select_related(
        "user", "workspace"
    )


def role_in(user: AnyUser, workspace: Workspace | int) -> Role | None:
    """The user's role in a workspace, or None for outsiders and anonymous users."""
    if not user.is_authenticated:
        return None
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    role = (
        Membership.objects.filter(workspace_id=workspace_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def has_role(user: AnyUser, workspace: Workspace | int, minimum: Role) -> bool:
    role = role_in(user, workspace)
    return role is not None and _ROLE_RANK[role] >= _ROLE_RANK[minimum]


def require_role(user: AnyUser, workspace: Workspace | int, minimum: Role) -> None:
    """Raise PermissionDenied unless `user` holds at least `minimum` in `workspace`."""
    if not has_role(user, workspace, minimum):
        raise PermissionDenied(
            gettext("This needs the %(role)s role in the workspace.")
            % {"role": minimum.in_sentence}
        )


def workspace_overview(user: AnyUser) -> QuerySet[Workspace]:
    """Workspaces with their personas, maps (with note counts) and pairs, for the home page."""
    maps = EmpathyMap.objects.annotate(note_count=Count("notes")).order_by("-held_on", "title")
    # Each pair's newest comparison: its status and empathy score, shown next to the pair.
    # The comparison app's model by name: maps does not import comparison.
    newest = (
        apps.get_model("comparison", "Report")
        .objects.filter(pair=OuterRef("pk"))
        .order_by("-created_at", "-pk")
    )
    pairs = MapPair.objects.select_related("internal_map", "customer_map").annotate(
        latest_report_id=Subquery(newest.values("pk")[:1]),
        latest_status=Subquery(newest.values("status")[:1]),
        latest_score=Subquery(
            newest.annotate(score=Cast(KT("summary__empathy_score"), FloatField())).values("score")[
                :1
            ]
        ),
    )
    personas = Persona.objects.prefetch_related(
        Prefetch("maps", queryset=maps),
        Prefetch("maps__pairs_as_internal", queryset=pairs),
    )
    return (
        workspaces_for(user)
        .annotate(
            my_role=Membership.objects.filter(workspace=OuterRef("pk"), user=user).values("role")[
                :1
            ]
        )
        .prefetch_related(Prefetch("personas", queryset=personas))
    )


def board_segments(notes: Iterable[Note]) -> list[dict]:
    """Group a map's notes into the six segments in canonical order for the board."""
    by_segment: dict[str, list[Note]] = {segment.key: [] for segment in SEGMENTS}
    for note in notes:
        by_segment[note.segment].append(note)
    return [
        {
            "key": segment.key,
            "label": segment.label,
            "question": segment.question,
            "notes": by_segment[segment.key],
        }
        for segment in SEGMENTS
    ]


def map_with_notes(user: AnyUser, map_id: int) -> EmpathyMap:
    """A map the user can see, with its notes prefetched in board order (404 otherwise)."""
    return get_object_or_404(
        maps_for(user)
        .select_related("sealed_by")
        .prefetch_related(
            Prefetch("notes", queryset=Note.objects.order_by("segment", "order", "id"))
        ),
        pk=map_id,
    )


def pair_candidates(user: AnyUser, persona: Persona) -> dict[str, QuerySet[EmpathyMap]]:
    scoped = maps_for(user).filter(persona=persona)
    return {
        "internal": scoped.filter(perspective="internal"),
        "customer": scoped.filter(perspective="customer"),
    }


def map_export(empathy_map: EmpathyMap, file_format: str) -> tuple[str, str, str]:
    """The map as a file: (content, content type, file name). Re-importable."""
    ordered = sorted(
        empathy_map.notes.all(), key=lambda note: (SEGMENT_ORDER[note.segment], note.order, note.pk)
    )
    stem = slugify(empathy_map.title) or f"map-{empathy_map.pk}"
    if file_format == "json":
        meta = {
            "title": empathy_map.title,
            "persona": empathy_map.persona.name,
            "perspective": empathy_map.perspective,
            "held_on": empathy_map.held_on.isoformat() if empathy_map.held_on else None,
            "facilitator": empathy_map.facilitator,
            "participants": empathy_map.participants,
        }
        return map_files.export_json(ordered, meta=meta), "application/json", f"{stem}.json"
    return map_files.export_csv(ordered), "text/csv; charset=utf-8", f"{stem}.csv"


# --- sealing ------------------------------------------------------------------------------


def notes_digest(notes: Iterable[Note]) -> str:
    """SHA-256 of a map's notes: what a seal vouches for.

    Each note contributes its segment, text, votes and author; they are sorted in the
    canonical segment order, then by text, votes and author, so neither database ids
    nor the order on the board (reordering is not a change of content) affect it.
    JSON with sorted, fixed separators makes the bytes unambiguous: no text can forge a
    boundary between two notes.
    """
    rows = sorted(
        (SEGMENT_ORDER[note.segment], note.segment, note.text, note.votes, note.author)
        for note in notes
    )
    canonical = json.dumps(
        [list(row[1:]) for row in rows], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SealState:
    """Whether a map is sealed and whether its notes are still what was sealed.

    `digest_matches` is None for an unsealed map (there is nothing to compare with).
    """

    sealed: bool
    sealed_at: datetime.datetime | None
    sealed_by: str
    seal_digest: str
    current_digest: str
    digest_matches: bool | None


def map_seal_state(empathy_map: EmpathyMap) -> SealState:
    """The map's seal and a fresh digest of its notes (uses prefetched notes when present)."""
    current = notes_digest(empathy_map.notes.all())
    sealed = empathy_map.sealed_at is not None
    sealed_by = empathy_map.sealed_by.get_username() if empathy_map.sealed_by_id else ""
    return SealState(
        sealed=sealed,
        sealed_at=empathy_map.sealed_at,
        sealed_by=sealed_by,
        seal_digest=empathy_map.seal_digest,
        current_digest=current,
        digest_matches=(current == empathy_map.seal_digest) if sealed else None,
    )


def map_edited_after_workshop(
    empathy_map: EmpathyMap, *, workshop_date: datetime.date | None = None
) -> bool:
    """True when the map or one of its notes changed after the workshop day.

    The workshop day is the map's own `held_on` unless `workshop_date` is given (a
    report passes the customer workshop's date for the internal map). Changes on the
    workshop day itself are allowed: notes are typed up that day. Days are counted in
    the site's time zone. A map without a date cannot be judged and answers False.
    Deleted notes leave no row behind; the services touch the map's `updated_at` when
    they delete notes so that a deletion is seen here too.
    """
    day = workshop_date or empathy_map.held_on
    if day is None:
        return False
    cutoff = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    if empathy_map.updated_at >= cutoff:
        return True
    return Note.objects.filter(map_id=empathy_map.pk, updated_at__gte=cutoff).exists()
