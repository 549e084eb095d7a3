"""Creating a map, changing its details and deleting it; a sealed map's details stay as
they were sealed."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from maps.models import EmpathyMap, Persona, Role
from maps.selectors import require_role
from maps.services.sealing import require_editor_unsealed, require_unsealed

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
        raise ValidationError(
            _("Cannot change %(fields)s of a map.") % {"fields": ", ".join(sorted(unknown))}
        )
    require_unsealed(empathy_map)
    if "round" in changes:
        _check_round(changes["round"])
    paired = empathy_map.pairs_as_internal.exists() or empathy_map.pairs_as_customer.exists()
    if "perspective" in changes and changes["perspective"] != empathy_map.perspective and paired:
        raise ValidationError(
            {"perspective": _("This map is part of a pair; remove the pair before switching.")}
        )
    for field, value in changes.items():
        setattr(empathy_map, field, value.strip() if isinstance(value, str) else value)
    empathy_map.full_clean()
    empathy_map.save()
    return empathy_map


@transaction.atomic
def map_delete(*, user: AbstractBaseUser, empathy_map: EmpathyMap) -> None:
    require_editor_unsealed(user, empathy_map)
    empathy_map.delete()


def _check_round(value: object) -> None:
    # The model's PositiveSmallIntegerField allows 0 and stops at 32,767; rounds count from 1.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROUND:
        raise ValidationError(
            {
                "round": _("Round must be a whole number from 1 to %(limit)s.")
                % {"limit": number_format(MAX_ROUND, force_grouping=True)}
            }
        )
