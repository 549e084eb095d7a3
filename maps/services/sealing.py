"""Sealing an internal map's hypotheses before the customer workshop, unsealing it, and
the guard every other write of a map's notes or details passes through."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maps import selectors
from maps.models import EmpathyMap, MapSealEvent, Role, SealAction
from maps.selectors import require_role


class MapSealed(ValidationError):
    """A write to a sealed map's notes or details; nothing was changed."""

    def __init__(self, empathy_map: EmpathyMap) -> None:
        self.map_id = empathy_map.pk
        # Day, month name and time in the active language ("03 Dez 2026 13:45").
        when = date_format(timezone.localtime(empathy_map.sealed_at), "d M Y H:i")
        who = (
            empathy_map.sealed_by.get_username()
            if empathy_map.sealed_by_id
            else _("a former member")
        )
        super().__init__(
            _(
                "The map “%(title)s” is sealed (since %(when)s, by %(who)s): its notes and "
                "details are read-only. An owner of the workspace can unseal it."
            )
            % {"title": empathy_map.title, "when": when, "who": who},
            code="map_sealed",
        )


def lock_map(empathy_map: EmpathyMap) -> EmpathyMap:
    """Serialise writers of one map so order numbers and the note limit stay exact."""
    return EmpathyMap.objects.select_for_update().get(pk=empathy_map.pk)


def require_unsealed(empathy_map: EmpathyMap) -> EmpathyMap:
    """Lock the map row and refuse if it is sealed; returns the locked row.

    The one guard every write of a map's notes or details calls. It reads the seal from
    the locked row, not from the caller's possibly stale instance, and `map_seal` takes
    the same lock, so a note write and a seal are serialised: a note either lands
    before the seal (and is in its digest) or is refused.
    """
    locked = lock_map(empathy_map)
    if locked.sealed_at is not None:
        raise MapSealed(locked)
    return locked


def require_editor_unsealed(user: AbstractBaseUser, empathy_map: EmpathyMap) -> EmpathyMap:
    """The editor check (PermissionDenied), then `require_unsealed`: the locked row."""
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    return require_unsealed(empathy_map)


@transaction.atomic
def map_seal(*, user: AbstractBaseUser, empathy_map: EmpathyMap) -> EmpathyMap:
    """Freeze an internal map's hypotheses: record when, by whom, and a digest of its notes.

    Editors seal (before the customer workshop); only owners unseal. `updated_at` is left
    alone on purpose: sealing is not an edit, and reports flag maps edited after their
    workshop by it.
    """
    require_role(user, empathy_map.persona.workspace_id, Role.EDITOR)
    locked = lock_map(empathy_map)
    if not locked.is_internal:
        raise ValidationError(
            _(
                "Only internal (hypotheses) maps can be sealed; a customer map records what "
                "customers said, not what the team predicted."
            )
        )
    if locked.sealed_at is not None:
        raise MapSealed(locked)
    notes = list(locked.notes.all())
    if not notes:
        raise ValidationError(_("An empty map cannot be sealed; write the hypotheses first."))
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
    locked = lock_map(empathy_map)
    if locked.sealed_at is None:
        raise ValidationError(_("The map “%(title)s” is not sealed.") % {"title": locked.title})
    digest = selectors.notes_digest(locked.notes.all())
    locked.sealed_at = None
    locked.sealed_by = None
    locked.seal_digest = ""
    locked.save(update_fields=["sealed_at", "sealed_by", "seal_digest"])
    MapSealEvent.objects.create(map=locked, action=SealAction.UNSEALED, actor=user, digest=digest)
    return locked
