"""Share links on the web: the editors' management page and the anonymous shared page.

Opening a link follows Django's PasswordResetConfirmView: `/s/<token>/` checks the token,
puts the link's id (never the token) into the visitor's session and redirects to the
token-free `/shared/`, so the token does not reach the `Referer` of anything the page
loads, the browser history of later pages, or the server's log of later requests.
`/shared/` checks the link again on every request, so a revoke or the expiry takes effect
at once, also for a visitor who opened the link before.

Every bad case (unknown, forged, expired, revoked token; no link in the session) answers
the same 404 page. Both URLs send `Referrer-Policy: no-referrer`, `Cache-Control:
no-store` and `X-Robots-Tag: noindex`, on errors too.

The shared report is in the report's own language (`Report.language`), whatever the
visitor's browser asks for; the refusals follow the browser.
"""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.log import log_response
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from comparison import selectors
from comparison.pages.report import report_page_context
from comparison.sharing import rate_limit
from comparison.sharing import selectors as share_selectors
from comparison.sharing import services as share_services
from maps.models import Role
from maps.selectors import has_role

# The visitor's session holds the id of the link they opened; the token is never kept.
SESSION_KEY = "shared_link_id"
SHARED_TEMPLATE = "comparison/shared_report.html"
PRIVATE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}
READ_METHODS = ("GET", "HEAD")


class ShareLinkForm(forms.Form):
    # Range checked by the service (one message for the page and the API); the widget's
    # min/max only help the browser.
    expires_in_days = forms.IntegerField(
        label=gettext_lazy("Expires after (days)"),
        initial=share_services.DEFAULT_EXPIRY_DAYS,
        help_text=format_lazy(
            gettext_lazy("Between {low} and {high} days. You can revoke the link at any time."),
            low=share_services.MIN_EXPIRY_DAYS,
            high=share_services.MAX_EXPIRY_DAYS,
        ),
        widget=forms.NumberInput(
            attrs={"min": share_services.MIN_EXPIRY_DAYS, "max": share_services.MAX_EXPIRY_DAYS}
        ),
    )
    # One key per rendered form: a form sent twice (a reload of the answer page asks the
    # browser to send it again) creates one link, not a second one unnoticed.
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


# The form keys a session has used, newest last; a few suffice to catch a resent form.
SENT_FORMS_SESSION_KEY = "share_forms_sent"
SENT_FORMS_KEPT = 20


def _new_share_form() -> ShareLinkForm:
    return ShareLinkForm(initial={"request_key": secrets.token_urlsafe(16)})


def _sent_before(request: HttpRequest, key: str) -> bool:
    """Whether this session sent the form with `key` before; remembers it if not."""
    if not key:
        return False
    sent = request.session.get(SENT_FORMS_SESSION_KEY, [])
    if key in sent:
        return True
    request.session[SENT_FORMS_SESSION_KEY] = [*sent, key][-SENT_FORMS_KEPT:]
    return False


# --- management (editors) ----------------------------------------------------------------


def _link_rows(request: HttpRequest, report) -> list[dict]:
    links = share_selectors.share_links_for(request.user).filter(report=report)
    return [{"link": link, "status": share_selectors.share_link_status(link)} for link in links]


@login_required
@require_http_methods(["GET", "POST"])
def report_share(request: HttpRequest, pk: int) -> HttpResponse:
    """List a report's links; editors create and revoke them, viewers only read the list.

    A new link's URL is rendered in the answer to the POST itself, not carried through a
    redirect: a flash message would keep the token in the session (a database row) or a
    cookie until the next page. Reloading asks the browser to send the form again; the
    form's key makes that a no-op, which the page says.
    """
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    workspace = report.pair.internal_map.persona.workspace
    can_edit = has_role(request.user, workspace.pk, Role.EDITOR)
    form = _new_share_form()
    new_link, new_url, resent = None, None, False
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Sharing a report needs the editor role in its workspace."))
        form = ShareLinkForm(request.POST)
        if form.is_valid() and _sent_before(request, form.cleaned_data["request_key"]):
            resent = True
            form = _new_share_form()
        elif form.is_valid():
            try:
                new_link, token = share_services.share_link_create(
                    user=request.user,
                    report=report,
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                new_url = request.build_absolute_uri(reverse("share-open", kwargs={"token": token}))
                form = _new_share_form()
    response = render(
        request,
        "comparison/share_links.html",
        {
            "current_workspace": workspace,
            "report": report,
            "pair": report.pair,
            "can_edit": can_edit,
            "form": form,
            "new_link": new_link,
            "new_url": new_url,
            "resent": resent,
            "rows": _link_rows(request, report),
        },
    )
    # The page may carry a token: no cache keeps it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def share_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(share_selectors.share_links_for(request.user), pk=pk)
    share_services.share_link_revoke(user=request.user, link=link)
    messages.success(request, _("Link revoked: it no longer opens the report."))
    return redirect("report-share", pk=link.report_id)


# --- the anonymous side ----------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR, not X-Forwarded-For, which a client writes as it likes; behind the
    # trusted proxy config.proxies has already set REMOTE_ADDR to the client's address.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _private(
    request: HttpRequest, response: HttpResponse, token: str | None = None
) -> HttpResponse:
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    if response.status_code >= 400:
        # Django logs every 4xx with request.path, and on /s/ the path holds the token.
        # Logging here first, with the token cut out, marks the response as logged, so
        # Django's own "Not Found: /s/<token>/" is never written.
        path = request.path.replace(token, "[redacted]") if token else request.path
        log_response("%s: %s", response.reason_phrase, path, response=response, request=request)
    return response


def _refused(request: HttpRequest, token: str | None = None) -> HttpResponse:
    """The one page for every bad case: it holds nothing from the request (no nonce, no
    CSRF token), so its body is byte-identical whatever went wrong."""
    return _private(request, render(request, SHARED_TEMPLATE, {"report": None}, status=404), token)


# csrf_exempt: any method but GET changes nothing here, and without the exemption the CSRF
# middleware would refuse a POST itself and log the path, token included.
@csrf_exempt
def share_open(request: HttpRequest, token: str) -> HttpResponse:
    """`/s/<token>/`: move a valid link into the session and redirect to `/shared/`."""
    if request.method not in READ_METHODS:
        return _private(request, HttpResponseNotAllowed(READ_METHODS), token)
    client_ip = _client_ip(request)
    if rate_limit.share_lookups_exhausted(client_ip):
        minutes = max(1, settings.GAPMAP_SHARE_WINDOW_SECONDS // 60)
        response = render(request, SHARED_TEMPLATE, {"report": None, "limited_minutes": minutes})
        response.status_code = 429
        response["Retry-After"] = str(settings.GAPMAP_SHARE_WINDOW_SECONDS)
        return _private(request, response, token)
    link = share_selectors.share_link_for_token(token)
    if link is None:
        rate_limit.share_lookup_failed(client_ip)
        return _refused(request, token)
    request.session[SESSION_KEY] = link.pk
    return _private(request, redirect("shared-report"))


def shared_report(request: HttpRequest) -> HttpResponse:
    """`/shared/`: the report of the link in the session, while that link is active."""
    if request.method not in READ_METHODS:
        return _private(request, HttpResponseNotAllowed(READ_METHODS))
    link = share_selectors.share_link_active(request.session.get(SESSION_KEY))
    if link is None:
        if SESSION_KEY in request.session:
            del request.session[SESSION_KEY]
        return _refused(request)
    if request.method == "GET":
        share_services.share_link_record_view(link)
    report = link.report
    # Rendered here, inside the override: a TemplateResponse would render after it ends.
    with translation.override(report.language):
        context = report_page_context(report, shared=True)
        response = render(request, SHARED_TEMPLATE, {**context, "link_expires_at": link.expires_at})
    response["Content-Language"] = report.language
    return _private(request, response)
