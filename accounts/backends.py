"""Log in by username or by e-mail address."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

# Its dotted path, for `login()` of an account that was just created.
BACKEND_PATH = "accounts.backends.UsernameOrEmailBackend"


class UsernameOrEmailBackend(ModelBackend):
    """Django's ModelBackend, which also accepts an e-mail address in the username field.

    The username wins when both match. An address shared by several accounts logs in
    none of them (which one was meant is unknowable); those people use their username.
    The login lock-out (django-axes, whose backend runs first; config.throttling) counts
    failures by what was typed, so it holds for both ways in.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ) -> AbstractBaseUser | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None or not username or "@" not in username or password is None:
            return user
        matches = list(get_user_model()._default_manager.filter(email__iexact=username.strip())[:2])
        if len(matches) != 1:
            return None
        candidate = matches[0]
        if candidate.check_password(password) and self.user_can_authenticate(candidate):
            return candidate
        return None
