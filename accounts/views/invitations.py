"""Opening an invitation's link and accepting it.

The link's token is moved into the session at once and the browser is redirected to a
URL without it (as Django's password-reset view does), so the token never leaks through
a Referer header or the history. Every link that does not open answers the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors, services
from accounts.backends import BACKEND_PATH
from accounts.forms import AcceptForm
from maps.models import Role
from maps.views.pages import GET_POST, add_service_errors, render_page

SESSION_KEY = "accounts_invitation_id"


def _invalid(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return render_page(
        request,
        "accounts/invitation_invalid.html",
        {"message": services.invalid_invitation_message()},
        status=404,
    )


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _no_referrer(_invalid(request))
    request.session[SESSION_KEY] = invitation.pk
    return _no_referrer(redirect("invitation-accept"))


@never_cache
@require_http_methods(GET_POST)
def invitation_accept(request: HttpRequest) -> HttpResponse:
    invitation = selectors.invitation_pending(request.session.get(SESSION_KEY))
    if invitation is None:
        return _invalid(request)
    logged_in = request.user.is_authenticated
    form = None if logged_in else AcceptForm(request.POST or None)
    if request.method == "POST" and (logged_in or form.is_valid()):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=request.user if logged_in else None,
                username="" if logged_in else form.cleaned_data["username"],
                password="" if logged_in else form.cleaned_data["password1"],
            )
        except services.InvitationUnusable:
            return _invalid(request)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
            else:
                add_service_errors(form, _as_form_errors(error))
        else:
            request.session.pop(SESSION_KEY, None)
            if not logged_in:
                login(request, membership.user, backend=BACKEND_PATH)
            messages.success(
                request,
                _("Welcome to “%(name)s”: you are %(role)s here.")
                % {"name": invitation.workspace.name, "role": Role(membership.role).in_sentence},
            )
            return redirect("workspace-detail", pk=invitation.workspace_id)
    return render_page(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "role": Role(invitation.role), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _as_form_errors(error: ValidationError) -> ValidationError:
    """The service names the password `password`; the form's field is `password2`."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {
        ("password2" if field == "password" else field): errors
        for field, errors in error.error_dict.items()
    }
    return ValidationError(renamed)
