"""`handler500`: answers in the API's language, and says "try again" during an outage.

Django renders every unhandled exception as its HTML 500 page, including those from the
API (DRF passes on what it does not know) and from middleware (the session and the user
are loaded from the database before any view runs). During a database outage that was an
HTML 500 on /api/ for every client. Here a lost database answers 503 with Retry-After, so
clients and proxies know it is temporary, and every /api/ answer is JSON.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from config.throttling import API_PREFIX

# Seconds a client should wait before trying again: long enough not to hammer a database
# that is restarting, short enough that people retry soon after it is back.
RETRY_AFTER_SECONDS = 30


def _database_unavailable() -> bool:
    # handler500 is called inside Django's `except` block, so the exception is at hand.
    return isinstance(sys.exc_info()[1], OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    is_api = request.path.startswith(API_PREFIX)
    if _database_unavailable():
        message = _(
            "The service is temporarily unavailable: its database cannot be reached. "
            "Try again in a minute."
        )
        response: HttpResponse = (
            JsonResponse({"detail": message}, status=503)
            if is_api
            else HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif is_api:
        response = JsonResponse({"detail": _("A server error occurred.")}, status=500)
    else:
        return defaults.server_error(request)
    response["Cache-Control"] = "no-store"
    return response
