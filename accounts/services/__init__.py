"""Writes of the accounts app: the only code here that changes models or sends mail.

mail         sending one message, and queueing it after commit
users        creating an account (Django's username and password validation)
invitations  inviting by e-mail, re-sending, revoking, accepting
signup       open sign-up: an account and its first workspace
"""

from accounts.services.invitations import (
    INVALID_INVITATION_MESSAGE,
    MAX_PENDING_INVITATIONS,
    InvitationUnusable,
    invalid_invitation_message,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    invitation_send_failed,
)
from accounts.services.mail import mail_queue, mail_send
from accounts.services.signup import SignupClosed, signup
from accounts.services.users import user_create

__all__ = [
    "INVALID_INVITATION_MESSAGE",
    "MAX_PENDING_INVITATIONS",
    "InvitationUnusable",
    "SignupClosed",
    "invitation_accept",
    "invitation_create",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "invitation_send_failed",
    "invalid_invitation_message",
    "mail_queue",
    "mail_send",
    "signup",
    "user_create",
]
