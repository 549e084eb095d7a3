"""Invitations: an owner invites an e-mail address into a workspace with a role; the
mail's single-use link lets the person create an account, or join with the one they are
logged in with.

The token exists only in the mail (and, until it is sent, in the queued task's
arguments); the database keeps its SHA-256, like a share link. Re-sending makes a new
token, so an older mail's link stops working. The mail goes out from the worker after
commit with retries (accounts.tasks); a send that finally fails is recorded on the
invitation, which stays pending and can be re-sent from the members page.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Invitation
from accounts.selectors import invitation_status
from accounts.services.mail import mail_send, one_line
from accounts.services.users import user_create
from config.languages import supported_language
from config.tokens import new_token, token_hash
from maps.models import Membership, Role, Workspace
from maps.selectors import AnyUser, has_role
from maps.services import membership_join

logger = logging.getLogger(__name__)

# Pending invitations per workspace: far above a team's size, low enough that a stolen
# owner session cannot turn the workspace into a mail cannon.
MAX_PENDING_INVITATIONS = 100
# One message for every link that does not open (unknown, expired, used, revoked), so an
# answer never tells which of them a guessed or old link is.
INVALID_INVITATION_MESSAGE = gettext_noop(
    "This invitation link is not valid: it may have expired, been used already or been "
    "revoked. Ask an owner of the workspace for a new invitation."
)
MAX_SEND_ERROR_CHARS = 300


def invalid_invitation_message() -> str:
    """INVALID_INVITATION_MESSAGE in the active language."""
    return _(INVALID_INVITATION_MESSAGE)


class InvitationUnusable(Exception):
    """The invitation is no longer pending; the message is the same for every reason."""

    def __init__(self) -> None:
        super().__init__(INVALID_INVITATION_MESSAGE)


def _require_owner(user: AnyUser, workspace_id: int) -> None:
    if not has_role(user, workspace_id, Role.OWNER):
        raise PermissionDenied(_("Inviting people needs the owner role in the workspace."))


def _clean_email(email: object) -> str:
    if not isinstance(email, str) or not email.strip():
        raise ValidationError({"email": _("Give the e-mail address to invite.")})
    email = email.strip()
    if len(email) > 254:  # RFC 5321's limit on a forward path
        raise ValidationError({"email": _("An e-mail address has at most 254 characters.")})
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(
            {"email": _("'%(email)s' is not an e-mail address.") % {"email": email}}
        ) from error
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean_role(role: object) -> str:
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Choose a role: %(roles)s; '%(role)s' is not one of them.")
                % {"roles": ", ".join(Role.values), "role": role}
            }
        )
    return str(role)


def _queue_mail(invitation: Invitation, token: str, base_url: str) -> None:
    """Send from the worker once the invitation is committed; a request that rolls back
    sends nothing. An unreachable broker is recorded, so the owner sees it and re-sends.
    The mail is written in the inviter's language of this moment (the worker has no
    request to take it from)."""
    from kombu.exceptions import OperationalError as BrokerError

    from accounts.tasks import invitation_send_task

    invitation_id = invitation.pk
    language = translation.get_language() or settings.LANGUAGE_CODE

    def send() -> None:
        try:
            invitation_send_task.delay(invitation_id, token, base_url, language)
        except BrokerError as error:
            logger.error("Invitation %s: mail not queued: %s", invitation_id, error)
            invitation_send_failed(invitation_id=invitation_id, error=f"Not queued: {error}")

    transaction.on_commit(send)


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.GAPMAP_INVITATION_DAYS)


@transaction.atomic
def invitation_create(
    *, user: AbstractBaseUser, workspace: Workspace, email: str, role: str, base_url: str
) -> tuple[Invitation, str]:
    """Invite `email` with `role` and queue the mail; returns the invitation and its token
    (which callers never store or log). `base_url` is where the link points."""
    _require_owner(user, workspace.pk)
    email = _clean_email(email)
    role = _clean_role(role)
    # Locks the workspace row: two owners inviting at once count the limit one at a time.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s already belongs to a member.") % {"email": email}}
        )
    pending = Invitation.objects.filter(
        workspace=workspace,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already invited; re-send that invitation instead.")
                % {"email": email}
            }
        )
    if pending.count() >= MAX_PENDING_INVITATIONS:
        raise ValidationError(
            {
                "email": _(
                    "This workspace has %(count)s open invitations, the limit; revoke some "
                    "or wait until they are accepted."
                )
                % {"count": MAX_PENDING_INVITATIONS}
            }
        )
    token = new_token()
    invitation = Invitation(
        workspace=workspace,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=user,
        expires_at=_expiry(),
    )
    invitation.full_clean()
    invitation.save()
    _queue_mail(invitation, token, base_url)
    return invitation, token


def _locked(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)


@transaction.atomic
def invitation_resend(
    *, user: AbstractBaseUser, invitation: Invitation, base_url: str
) -> Invitation:
    """A new link (the old one stops working), a new expiry, and the mail again. Works
    for expired invitations too; accepted or revoked ones are final."""
    invitation = _locked(invitation)
    _require_owner(user, invitation.workspace_id)
    if invitation_status(invitation) in ("accepted", "revoked"):
        message = (
            _("This invitation was accepted; invite the address again.")
            if invitation_status(invitation) == "accepted"
            else _("This invitation was revoked; invite the address again.")
        )
        raise ValidationError(message)
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = _expiry()
    invitation.sent_at = None
    invitation.send_error = ""
    invitation.save(
        update_fields=["token_hash", "expires_at", "sent_at", "send_error", "updated_at"]
    )
    _queue_mail(invitation, token, base_url)
    return invitation


@transaction.atomic
def invitation_revoke(*, user: AbstractBaseUser, invitation: Invitation) -> Invitation:
    """Revoke (idempotent: a second revoke keeps the first time). An accepted invitation
    cannot be revoked: remove the member instead."""
    invitation = _locked(invitation)
    _require_owner(user, invitation.workspace_id)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was accepted; remove the member instead."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: AnyUser | None = None,
    username: str = "",
    password: str = "",
) -> Membership:
    """Accept once: join with `user`'s account when given (logged in), otherwise create
    the account (`username`, `password`; the invitation's address becomes its e-mail).
    Raises InvitationUnusable unless the invitation is still pending."""
    invitation = _locked(invitation)
    if invitation_status(invitation) != "pending":
        raise InvitationUnusable
    if user is None or not user.is_authenticated:
        user = user_create(username=username, email=invitation.email, password=password)
    membership = membership_join(user=user, workspace=invitation.workspace, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return membership


def invitation_send(
    *, invitation_id: int, token: str, base_url: str, language: str | None = None
) -> bool:
    """Send the invitation's mail (the task's one call) in `language` (the inviter's when
    it was queued; the default language when not given). Returns False without sending
    when the invitation is no longer pending or the token is not its current one (a
    re-send replaced it): a late retry never mails a dead link. SMTP errors propagate."""
    with translation.override(supported_language(language)):
        return _invitation_send(invitation_id=invitation_id, token=token, base_url=base_url)


def _invitation_send(*, invitation_id: int, token: str, base_url: str) -> bool:
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if (
        invitation is None
        or invitation_status(invitation) != "pending"
        or invitation.token_hash != token_hash(token)
    ):
        return False
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "workspace_name": invitation.workspace.name,
        "inviter": (inviter.get_full_name() or inviter.get_username())
        if inviter
        else _("An owner"),
        "role": Role(invitation.role).in_sentence,
        "link": base_url.rstrip("/") + reverse("invitation-open", kwargs={"token": token}),
        "days": settings.GAPMAP_INVITATION_DAYS,
    }
    mail_send(
        to=invitation.email,
        subject=one_line(
            _("%(inviter)s invited you to “%(workspace)s” on Gapmap")
            % {"inviter": context["inviter"], "workspace": invitation.workspace.name}
        ),
        body=render_to_string("accounts/email/invitation.txt", context),
        html_body=render_to_string("accounts/email/invitation.html", context),
    )
    Invitation.objects.filter(pk=invitation_id, token_hash=invitation.token_hash).update(
        sent_at=timezone.now(), send_error=""
    )
    return True


def invitation_send_failed(*, invitation_id: int, error: str) -> None:
    """Record why the mail did not go out; the members page shows it with a re-send
    button."""
    Invitation.objects.filter(pk=invitation_id).update(
        send_error=one_line(error)[:MAX_SEND_ERROR_CHARS] or "Sending failed."  # stored: English
    )
