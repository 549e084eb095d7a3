"""Throttles and request limits that sit in front of the apps.

- The login lock-out is django-axes (settings: AXES_*); this module holds its callables.
  After `GAPMAP_LOGIN_MAX_FAILURES` failed logins for one username from one IP address,
  or `GAPMAP_LOGIN_MAX_FAILURES_PER_IP` from one IP address for any usernames, within
  `GAPMAP_LOGIN_WINDOW_SECONDS` of the last one, the login form, Django admin's login and
  the API token endpoint (maps.api.views, same counters) answer 429 without checking the
  password. Attempts are kept in the database, shared by every gunicorn worker. Like any
  throttle this slows guessing down; it is not a security boundary on its own.
- `CompareRateThrottle`: how many comparisons one user may start per minute.
- `bad_request`: the project's `handler400`, which names the limit an oversized or
  over-long request broke instead of Django's bare "Bad Request (400)".
"""

from __future__ import annotations

import math

from axes.attempts import get_cool_off_threshold
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db.models import Sum
from django.dispatch import receiver
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from rest_framework.throttling import UserRateThrottle

API_PREFIX = "/api/"


def client_ip(request: HttpRequest) -> str:
    """`AXES_CLIENT_IP_CALLABLE`: REMOTE_ADDR, never X-Forwarded-For directly (a client can
    write any it likes). Behind a trusted proxy config.proxies.TrustedProxyMiddleware has
    already put the client's address (as that proxy reported it) into REMOTE_ADDR. A
    request without one (only a test's) counts as 0.0.0.0: axes stores a real address."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104  # nosec B104


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """`AXES_USERNAME_CALLABLE`: what was typed (a username or an e-mail address, see
    accounts.backends), compared without case or surrounding spaces."""
    data = credentials or getattr(request, "data", None) or request.POST
    return str(data.get("username") or "").strip().casefold()


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """`AXES_FAILURE_LIMIT`: `GAPMAP_LOGIN_MAX_FAILURES` per username+IP and
    `GAPMAP_LOGIN_MAX_FAILURES_PER_IP` per IP. Axes compares one limit with the larger of its
    counters, and the per-IP one is never the smaller: so the limit is the username's own
    once that username+IP counter has reached it, else the per-IP one."""
    per_user = AccessAttempt.objects.filter(
        username=login_username(request, credentials),
        ip_address=client_ip(request),
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(failures=Sum("failures_since_start"))["failures"]
    if (per_user or 0) >= settings.GAPMAP_LOGIN_MAX_FAILURES:
        return settings.GAPMAP_LOGIN_MAX_FAILURES
    return settings.GAPMAP_LOGIN_MAX_FAILURES_PER_IP


def login_locked_message() -> str:
    """The lock-out message in the request's language."""
    minutes = max(1, settings.GAPMAP_LOGIN_WINDOW_SECONDS // 60)
    return ngettext(
        "Too many failed logins. Wait %(minutes)d minute and try again, "
        "or ask a workspace owner to check your username.",
        "Too many failed logins. Wait %(minutes)d minutes and try again, "
        "or ask a workspace owner to check your username.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """`AXES_LOCKOUT_CALLABLE`: 429 with Retry-After; a login form (ours or the admin's) is
    shown again with the message as its only error, the API gets `{detail}`."""
    message = login_locked_message()
    form = (getattr(original_response, "context_data", None) or {}).get("form")
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=429)
    elif form is None:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    else:
        form._errors = ErrorDict()  # the lock replaces "wrong password", it is not added to it
        form.add_error(None, message)
        response = original_response
        response.content = response.rendered_content
        response.status_code = 429
    response["Retry-After"] = str(settings.GAPMAP_LOGIN_WINDOW_SECONDS)
    return response


def login_succeeded(request: HttpRequest, username: str) -> None:
    """Clear the username+IP counter. Not axes' AXES_RESET_ON_SUCCESS, which clears the
    per-IP counter too: one good login of the attacker's own account must not renew the
    per-IP budget for guessing others."""
    reset(ip=client_ip(request), username=login_username(request, {"username": username}))


@receiver(user_logged_in)
def _reset_on_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None:
        login_succeeded(request, request.POST.get("username") or user.get_username())


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
        message = _(
            "The request body is too large: the limit is %(bytes)s bytes (%(megabytes)s MB) "
            "besides uploaded files. Send less data at once."
        ) % {
            "bytes": number_format(limit, force_grouping=True),
            "megabytes": number_format(limit / 1_048_576, decimal_pos=1),
        }
        status = 413
    elif isinstance(exception, TooManyFieldsSent):
        message = _("The form has too many fields: the limit is %(limit)s.") % {
            "limit": number_format(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, force_grouping=True)
        }
        status = 400
    elif isinstance(exception, TooManyFilesSent):
        message = _("Too many files in one request: the limit is %(limit)s.") % {
            "limit": number_format(settings.DATA_UPLOAD_MAX_NUMBER_FILES, force_grouping=True)
        }
        status = 400
    else:
        return defaults.bad_request(request, exception)
    if request.path.startswith(API_PREFIX):
        # The exception escapes DRF's handler, so the API's error shape is built here.
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
