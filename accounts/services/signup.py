"""Open sign-up (GAPMAP_OPEN_SIGNUP): anyone creates an account and a first workspace."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services.users import user_create
from maps.services import workspace_create


class SignupClosed(Exception):
    """Sign-up is off on this installation (the default in production)."""


@transaction.atomic
def signup(*, username: str, email: str, password: str, workspace_name: str) -> AbstractBaseUser:
    """The account and its workspace, with the new user as its owner: both or neither."""
    if not settings.GAPMAP_OPEN_SIGNUP:
        raise SignupClosed
    if not (workspace_name or "").strip():
        raise ValidationError({"workspace_name": _("Name your first workspace.")})
    user = user_create(username=username, email=email, password=password)
    workspace_create(user=user, name=workspace_name)
    return user
