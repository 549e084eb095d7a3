"""Throttles and request limits that sit in front of the apps.

- `ThrottledLoginView`: the login form refuses further attempts (HTTP 429, a form error)
  after `GAPMAP_LOGIN_MAX_FAILURES` failed logins for one username from one IP address, or
  `GAPMAP_LOGIN_MAX_FAILURES_PER_IP` failed logins from one IP address for any usernames,
  within `GAPMAP_LOGIN_WINDOW_SECONDS`. The API token endpoint (maps.api.views) shares
  these counters, so switching from the form to the API gains nothing. Counters live in
  Django's default cache, which is Redis in production (shared by every gunicorn
  worker); a per-process cache would let an attacker multiply the limit by the number of
  workers. Like any throttle this slows
  guessing down; it is not an account lock and not a security boundary on its own.
- `CompareRateThrottle`: how many comparisons one user may start per minute.
- `bad_request`: the project's `handler400`, which names the limit an oversized or
  over-long request broke instead of Django's bare "Bad Request (400)".
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework.throttling import UserRateThrottle

API_PREFIX = "/api/"

LOCKED_MESSAGE = (
    "Too many failed logins. Wait %(minutes)d minutes and try again, "
    "or ask a workspace owner to check your username."
)


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR, never X-Forwarded-For directly: a client can write any X-Forwarded-For it
    # likes. Behind a trusted proxy config.proxies.TrustedProxyMiddleware has already put
    # the client's address (as that proxy reported it) into REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or "unknown"


def login_locked_message() -> str:
    return LOCKED_MESSAGE % {"minutes": max(1, settings.GAPMAP_LOGIN_WINDOW_SECONDS // 60)}


def _digest(value: str) -> str:
    # Hashed so a cache key never carries a raw username and stays short and key-safe.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    ip = _client_ip(request)
    user_key = f"login-fail:u:{_digest(username.strip().casefold() + '|' + ip)}"
    ip_key = f"login-fail:ip:{_digest(ip)}"
    return user_key, ip_key


def login_is_locked(request: HttpRequest, username: str) -> bool:
    """True once this username+IP or this IP has used up its failed attempts."""
    user_key, ip_key = _keys(request, username)
    counts = cache.get_many([user_key, ip_key])
    return (
        counts.get(user_key, 0) >= settings.GAPMAP_LOGIN_MAX_FAILURES
        or counts.get(ip_key, 0) >= settings.GAPMAP_LOGIN_MAX_FAILURES_PER_IP
    )


def _count_up(key: str, window: int) -> None:
    # add() starts the window only if no counter exists yet; incr() is atomic on Redis.
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr(): start again
        cache.set(key, 1, timeout=window)


def login_failed(request: HttpRequest, username: str) -> None:
    window = settings.GAPMAP_LOGIN_WINDOW_SECONDS
    for key in _keys(request, username):
        _count_up(key, window)


def login_succeeded(request: HttpRequest, username: str) -> None:
    # Only the username+IP counter is cleared: one good login of the attacker's own
    # account must not reset the per-IP budget for guessing others.
    cache.delete(_keys(request, username)[0])


class ThrottledLoginView(LoginView):
    """Django's LoginView that answers 429 with a form error once the budget is used up.

    While locked, the password is not even checked, so a correct guess gains nothing.
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")
        if login_is_locked(request, username):
            form = self.get_form()
            # `form.errors` would validate, which authenticates: the error goes onto an
            # unvalidated form by hand instead.
            form._errors = ErrorDict()
            form.cleaned_data = {}
            form.add_error(None, login_locked_message())
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(settings.GAPMAP_LOGIN_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        login_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form) -> HttpResponse:
        login_succeeded(self.request, form.get_user().get_username())
        return super().form_valid(form)


class CompareRateThrottle(UserRateThrottle):
    """Comparisons one user may start per period (`GAPMAP_COMPARE_THROTTLE`), on the API and
    the pair page alike: a burst of compare requests must not queue a run for each (only
    one run per pair is active, but each finished one lets the next request start another).
    """

    scope = "compare"


def compare_wait_seconds(request: HttpRequest) -> int | None:
    """None when `request.user` may start a comparison now (and count it), else the
    seconds to wait; for the pages, which have no DRF throttling of their own."""
    throttle = CompareRateThrottle()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler400`: say which request limit was exceeded; other 400s as Django renders them."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = (
            f"The request body is too large: the limit is {limit:,} bytes "
            f"({limit / 1_048_576:.1f} MB) besides uploaded files. Send less data at once."
        )
        status = 413
    elif isinstance(exception, TooManyFieldsSent):
        message = (
            f"The form has too many fields: the limit is "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}."
        )
        status = 400
    elif isinstance(exception, TooManyFilesSent):
        message = (
            f"Too many files in one request: the limit is "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES:,}."
        )
        status = 400
    else:
        return defaults.bad_request(request, exception)
    if request.path.startswith(API_PREFIX):
        # The exception escapes DRF's handler, so the API's error shape is built here.
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
