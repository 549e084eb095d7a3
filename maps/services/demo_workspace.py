"""The demo workspaces `make run` loads (English and German): the personas, rounds and
maps of `maps.demo`, written through the same services as everything else."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from maps import demo
from maps.models import EmpathyMap, Note, Persona, Workspace
from maps.services.empathy_maps import map_create
from maps.services.notes import NoteData, notes_bulk_create
from maps.services.pairs import pair_create
from maps.services.personas import persona_create
from maps.services.workspaces import workspace_create


@transaction.atomic
def demo_load(*, user: AbstractBaseUser, language: str = "en") -> Workspace:
    """Create the demo workspace in `language` ("en" or "de", `maps.demo.WORKSPACES`) for
    `user` (used by `make run`)."""
    spec = demo.WORKSPACES[language]
    workspace = workspace_create(user=user, name=spec["name"])
    for persona_data in spec["personas"]:
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
