"""Creating an account, with Django's own username and password rules."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Hashing cost grows with a password's length; no person or password manager needs more.
MAX_PASSWORD_CHARS = 256


def user_create(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """A new active account. Errors are keyed `username`, `email` and `password`; the
    username must differ from every other in more than letter case (as Django's sign-up
    form), and the address from every other account's."""
    model = get_user_model()
    username = model.normalize_username((username or "").strip())
    user = model(username=username, email=model.objects.normalize_email(email or ""))
    errors: dict[str, list[str]] = {}
    try:
        user.clean_fields(exclude=["password", "last_login", "date_joined"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if username and model.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("A user with that username already exists."))
    if user.email and model.objects.filter(email__iexact=user.email).exists():
        # Two accounts on one address could log in by e-mail with neither.
        errors.setdefault("email", []).append(
            _("An account already uses this e-mail address: log in with it, or reset its password.")
        )
    if not password:
        errors.setdefault("password", []).append(_("Choose a password."))
    elif len(password) > MAX_PASSWORD_CHARS:
        errors.setdefault("password", []).append(
            _("A password has at most %(count)s characters.") % {"count": MAX_PASSWORD_CHARS}
        )
    else:
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            errors.setdefault("password", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user
