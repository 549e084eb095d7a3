"""Who belongs to a workspace and in which role; owners manage it, and a workspace
always keeps at least one owner."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from maps.models import Membership, Role, Workspace
from maps.selectors import require_role


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
