"""Sign-up (when GAPMAP_OPEN_SIGNUP is on) and Django's password views, styled like the
rest. The reset form's answer is the same for known and unknown addresses (Django's
view redirects to the same page either way) and mails only known ones."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.backends import BACKEND_PATH
from accounts.forms import QueuedPasswordResetForm, SignupForm
from maps.views.pages import GET_POST, form_page


@require_http_methods(GET_POST)
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.GAPMAP_OPEN_SIGNUP:
        raise Http404(_("Sign-up is closed here: ask a workspace owner for an invitation."))
    if request.user.is_authenticated:
        return redirect("home")

    def save(data: dict) -> HttpResponse:
        user = services.signup(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            workspace_name=data["workspace_name"],
        )
        login(request, user, backend=BACKEND_PATH)
        return redirect("home")

    form = SignupForm(request.POST or None)
    return form_page(request, form, save, template="registration/signup.html", context={})


password_reset = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    template_name="registration/password_reset_form.html",
    email_template_name="registration/password_reset_email.txt",
    html_email_template_name="registration/password_reset_email.html",
    subject_template_name="registration/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change_form.html",
    success_url=reverse_lazy("password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html"
)
