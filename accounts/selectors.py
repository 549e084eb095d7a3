"""Reads of invitations and of a workspace's members page. Scoped through
`maps.selectors.workspaces_for`; the token lookup answers None for every bad case
(unknown, expired, used, revoked), so they all look the same from outside."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Invitation
from config.tokens import MAX_TOKEN_CHARS, token_hash
from maps.models import Membership, MembershipEvent, Role, Workspace
from maps.selectors import AnyUser, role_in, workspaces_for

InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]

# The members page shows this many of the latest membership changes.
HISTORY_ROWS = 50


def invitations_for(user: AnyUser) -> QuerySet[Invitation]:
    """Invitations of the workspaces the user belongs to (callers check the owner role)."""
    return Invitation.objects.filter(workspace__in=workspaces_for(user)).select_related(
        "workspace", "invited_by", "accepted_by"
    )


def invitation_status(
    invitation: Invitation, now: datetime.datetime | None = None
) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= (now or timezone.now()):
        return "expired"
    return "pending"


def _pending(invitation: Invitation | None) -> Invitation | None:
    if invitation is None or invitation_status(invitation) != "pending":
        return None
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation a link's token opens, or None. Looked up by digest: the
    database never sees the token, and comparison timing reveals nothing about it."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    found = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    return _pending(found)


def invitation_pending(invitation_id: object) -> Invitation | None:
    """The invitation a visitor's session points at, if still pending (checked on every
    request, so a revoke or the expiry takes effect at once)."""
    if isinstance(invitation_id, bool) or not isinstance(invitation_id, int):
        return None
    found = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    return _pending(found)


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: InvitationStatus

    @property
    def delivery(self) -> str:
        if self.invitation.send_error:
            return "not sent"
        return "sent" if self.invitation.sent_at else "sending"


@dataclass(frozen=True)
class MembersPage:
    workspace: Workspace
    my_role: Role
    members: list[Membership]
    owner_count: int
    invitations: list[InvitationRow]
    history: list[MembershipEvent]

    @property
    def is_owner(self) -> bool:
        return self.my_role == Role.OWNER


def members_page(user: AnyUser, workspace: Workspace) -> MembersPage:
    """What the members page shows; invitations only to owners (they hold addresses)."""
    my_role = role_in(user, workspace)
    if my_role is None:
        raise Workspace.DoesNotExist
    members = list(
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )
    invitations: list[InvitationRow] = []
    if my_role == Role.OWNER:
        now = timezone.now()
        invitations = [
            InvitationRow(invitation, invitation_status(invitation, now))
            for invitation in invitations_for(user).filter(
                workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True
            )
        ]
    history = list(
        MembershipEvent.objects.filter(workspace=workspace).select_related("actor")[:HISTORY_ROWS]
    )
    return MembersPage(
        workspace=workspace,
        my_role=my_role,
        members=members,
        owner_count=sum(1 for member in members if member.role == Role.OWNER),
        invitations=invitations,
        history=history,
    )
