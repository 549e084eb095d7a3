"""A person's preferences (language, time zone): kept on the account and, for the current
session, in the session, so that every request can apply them without a query
(accounts.middleware.PreferencesMiddleware)."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Preferences
from config.languages import language_codes

SESSION_LANGUAGE = "gapmap_language"
SESSION_TIME_ZONE = "gapmap_time_zone"


# The IANA areas of real places; the database's old aliases (US/Eastern, Etc/GMT+1, …)
# would only make the list longer.
TIME_ZONE_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zones a person can choose, sorted (Europe/Berlin, America/New_York…),
    and UTC."""
    zones = (zone for zone in zoneinfo.available_timezones() if zone.startswith(TIME_ZONE_AREAS))
    return ("UTC", *sorted(zones))


def preferences_of(user: AbstractBaseUser) -> Preferences:
    """The person's preferences; unsaved defaults (browser's language, server's zone) when
    they never chose."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def preferences_update(
    *, user: AbstractBaseUser, language: str | None = None, time_zone: str | None = None
) -> Preferences:
    """Set what is given (None: unchanged; "": back to the default). An unknown language or
    time zone is a ValidationError naming it, and nothing changes."""
    errors: dict[str, str] = {}
    if language is not None and language and language not in language_codes():
        errors["language"] = _("“%(language)s” is not a language Gapmap speaks.") % {
            "language": language
        }
    if time_zone is not None and time_zone and time_zone not in time_zones():
        errors["time_zone"] = _("“%(time_zone)s” is not a time zone.") % {"time_zone": time_zone}
    if errors:
        raise ValidationError(errors)
    preferences = preferences_of(user)
    if language is not None:
        preferences.language = language
    if time_zone is not None:
        preferences.time_zone = time_zone
    preferences.save()
    return preferences


def preferences_to_session(session, preferences: Preferences) -> None:
    """Copy the preferences into a session (at login, and after a change)."""
    for key, value in (
        (SESSION_LANGUAGE, preferences.language),
        (SESSION_TIME_ZONE, preferences.time_zone),
    ):
        if value:
            session[key] = value
        else:
            session.pop(key, None)
