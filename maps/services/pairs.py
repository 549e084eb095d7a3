"""Pairing an internal map with a customer map, and removing a pair (its maps stay)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maps.models import EmpathyMap, MapPair, Role
from maps.selectors import require_role


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
        raise ValidationError(_("These two maps are already paired.")) from error
    return pair


@transaction.atomic
def pair_delete(*, user: AbstractBaseUser, pair: MapPair) -> None:
    require_role(user, pair.internal_map.persona.workspace_id, Role.EDITOR)
    pair.delete()
