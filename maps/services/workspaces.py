"""Creating, renaming and deleting a workspace; its creator becomes its first owner."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from maps.models import MembershipAction, Role, Workspace
from maps.selectors import require_role
from maps.services.memberships import membership_insert


@transaction.atomic
def workspace_create(*, user: AbstractBaseUser, name: str) -> Workspace:
    workspace = Workspace(name=name.strip())
    workspace.full_clean()
    workspace.save()
    membership_insert(
        workspace=workspace,
        member=user,
        role=Role.OWNER,
        actor=user,
        action=MembershipAction.CREATED,
    )
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
