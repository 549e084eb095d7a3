"""The language switch in the header and a person's preferences page (language, time zone)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import PreferencesForm
from accounts.services import preferences as service
from config.languages import language_codes
from maps.views.pages import GET_POST, form_page

# A year: the choice outlives the session, like Django's own language cookie.
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def _back(request: HttpRequest) -> str:
    """Where the switch was pressed: `next` or the Referer, if on this site; else home."""
    for candidate in (request.POST.get("next"), request.headers.get("referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The header's EN/DE switch: the choice goes into the language cookie and, for a
    signed-in person, into their preferences (so it follows them to other devices)."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_back(request))
    if language not in language_codes():
        messages.error(request, _("Gapmap does not speak that language."))
        return response
    if request.user.is_authenticated:
        preferences = service.preferences_update(user=request.user, language=language)
        service.preferences_to_session(request.session, preferences)
    _remember_language(response, language)
    return response


@login_required
@require_http_methods(GET_POST)
def preferences(request: HttpRequest) -> HttpResponse:
    current = service.preferences_of(request.user)

    def save(data: dict) -> HttpResponse:
        updated = service.preferences_update(
            user=request.user, language=data["language"], time_zone=data["time_zone"]
        )
        service.preferences_to_session(request.session, updated)
        response = redirect("preferences")
        if updated.language:
            _remember_language(response, updated.language)
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        messages.success(request, _("Your preferences are saved."))
        return response

    form = PreferencesForm(
        request.POST or None,
        initial={"language": current.language, "time_zone": current.time_zone},
    )
    return form_page(request, form, save, template="accounts/preferences.html", context={})
