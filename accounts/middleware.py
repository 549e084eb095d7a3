"""Applies a signed-in person's own language and time zone to each request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts.services.preferences import SESSION_LANGUAGE, SESSION_TIME_ZONE


class PreferencesMiddleware:
    """After LocaleMiddleware (cookie or Accept-Language) and authentication: the language
    and time zone a person chose (copied into the session at login) win, on every device.
    Read from the session, so a request costs no extra query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None) or {}
        language = session.get(SESSION_LANGUAGE)
        if language and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        zone = session.get(SESSION_TIME_ZONE)
        try:
            if zone:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # The thread's next work (another request, a test) starts from the default.
            timezone.deactivate()
