"""Who belongs to a workspace and in which role; owners manage it, and a workspace
always keeps at least one owner. Every change is recorded (`MembershipEvent`: who did
what to whom, and when)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maps.models import Membership, MembershipAction, MembershipEvent, Role, Workspace
from maps.selectors import require_role

LAST_OWNER_MESSAGE = gettext_lazy(
    "A workspace needs at least one owner: make someone else owner first."
)


def _record(
    *,
    workspace_id: int,
    action: MembershipAction,
    member: AbstractBaseUser,
    actor: AbstractBaseUser | None,
    old_role: str = "",
    new_role: str = "",
) -> MembershipEvent:
    event = MembershipEvent(
        workspace_id=workspace_id,
        action=action,
        member=member,
        member_username=member.get_username(),
        actor=actor,
        old_role=old_role,
        new_role=new_role,
    )
    event.full_clean()
    event.save()
    return event


def membership_insert(
    *,
    workspace: Workspace,
    member: AbstractBaseUser,
    role: str,
    actor: AbstractBaseUser,
    action: MembershipAction,
) -> Membership:
    """Insert and record a membership; no role check (callers do it, and own the
    transaction)."""
    membership = Membership(workspace=workspace, user=member, role=role)
    membership.full_clean()
    membership.save()
    _record(workspace_id=workspace.pk, action=action, member=member, actor=actor, new_role=role)
    return membership


@transaction.atomic
def membership_add(
    *, user: AbstractBaseUser, workspace: Workspace, username: str, role: str
) -> Membership:
    require_role(user, workspace, Role.OWNER)
    member = get_user_model().objects.filter(username=username).first()
    if member is None:
        raise ValidationError(
            {"username": _("No user is called '%(username)s'.") % {"username": username}}
        )
    if Membership.objects.filter(workspace=workspace, user=member).exists():
        raise ValidationError(
            {"username": _("'%(username)s' is already a member.") % {"username": username}}
        )
    return membership_insert(
        workspace=workspace, member=member, role=role, actor=user, action=MembershipAction.ADDED
    )


def membership_join(*, user: AbstractBaseUser, workspace: Workspace, role: str) -> Membership:
    """The user joins by an accepted invitation (the caller checked it and owns the
    transaction); recorded as joined, by the user themselves."""
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError(_("You are already a member of this workspace."))
    return membership_insert(
        workspace=workspace, member=user, role=role, actor=user, action=MembershipAction.JOINED
    )


def _lock_workspace(workspace_id: int) -> None:
    """Serialise membership changes per workspace: two owners demoting each other at the
    same time cannot both see the other as the remaining owner (and locking one row, the
    workspace, first cannot deadlock the way locking member rows in two orders could)."""
    Workspace.objects.select_for_update().filter(pk=workspace_id).first()


def _ensure_another_owner(membership: Membership) -> None:
    owners = Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.OWNER)
    if not owners.exclude(pk=membership.pk).exists():
        raise ValidationError({"role": LAST_OWNER_MESSAGE})


@transaction.atomic
def membership_update(*, user: AbstractBaseUser, membership: Membership, role: str) -> Membership:
    require_role(user, membership.workspace_id, Role.OWNER)
    _lock_workspace(membership.workspace_id)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    old_role = membership.role
    if old_role == role:
        return membership
    if old_role == Role.OWNER:
        _ensure_another_owner(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    _record(
        workspace_id=membership.workspace_id,
        action=MembershipAction.ROLE_CHANGED,
        member=membership.user,
        actor=user,
        old_role=old_role,
        new_role=role,
    )
    return membership


@transaction.atomic
def membership_remove(*, user: AbstractBaseUser, membership: Membership) -> None:
    require_role(user, membership.workspace_id, Role.OWNER)
    _delete(membership=membership, actor=user, action=MembershipAction.REMOVED)


@transaction.atomic
def membership_leave(*, user: AbstractBaseUser, workspace: Workspace) -> None:
    """The user leaves the workspace; the last owner cannot."""
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        raise PermissionDenied(_("You are not a member of this workspace."))
    _delete(membership=membership, actor=user, action=MembershipAction.LEFT)


def _delete(*, membership: Membership, actor: AbstractBaseUser, action: MembershipAction) -> None:
    _lock_workspace(membership.workspace_id)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.role == Role.OWNER:
        _ensure_another_owner(membership)
    _record(
        workspace_id=membership.workspace_id,
        action=action,
        member=membership.user,
        actor=actor,
        old_role=membership.role,
    )
    membership.delete()


def membership_record_admin_change(
    *,
    actor: AbstractBaseUser,
    membership: Membership,
    old_role: str | None,
    deleted: bool = False,
) -> MembershipEvent | None:
    """Record a change staff made in Django's admin, which writes the row itself under its
    own permissions: the members page's history then shows it too. None when nothing
    changed that the history shows."""
    if deleted:
        action, old, new = MembershipAction.REMOVED, membership.role, ""
    elif old_role is None:
        action, old, new = MembershipAction.ADDED, "", membership.role
    elif old_role != membership.role:
        action, old, new = MembershipAction.ROLE_CHANGED, old_role, membership.role
    else:
        return None
    return _record(
        workspace_id=membership.workspace_id,
        action=action,
        member=membership.user,
        actor=actor,
        old_role=old,
        new_role=new,
    )
