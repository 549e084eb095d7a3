"""Creating, editing and deleting personas; a name is unique within its workspace."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maps.models import Persona, Role, Workspace
from maps.selectors import require_role


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
    _save_unique(persona, field="name", message=_("A persona with this name already exists."))
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
    _save_unique(persona, field="name", message=_("A persona with this name already exists."))
    return persona


@transaction.atomic
def persona_delete(*, user: AbstractBaseUser, persona: Persona) -> None:
    require_role(user, persona.workspace_id, Role.EDITOR)
    persona.delete()
