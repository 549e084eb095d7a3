"""A person's preferences enter the session at login (accounts.middleware applies them)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.services.preferences import preferences_of, preferences_to_session


@receiver(user_logged_in, dispatch_uid="accounts-preferences-to-session")
def preferences_into_session(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        preferences_to_session(request.session, preferences_of(user))
