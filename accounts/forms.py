"""Forms of the accounts pages. They parse and check input; the services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts.services import mail_queue
from accounts.services.preferences import time_zones
from maps.models import Role


class LoginForm(AuthenticationForm):
    """Django's login form, saying that an e-mail address works too
    (accounts.backends.UsernameOrEmailBackend)."""

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username or e-mail address")


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.VIEWER,
        help_text=_(
            "Viewers read; editors also change maps and run comparisons; owners also "
            "manage members."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptForm(UserCreationForm):
    """Django's own user-creation fields (username, password1, password2) with its
    password validators; the invitation service creates the account."""


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, help_text=_("For resetting your password.")
    )
    workspace_name = forms.CharField(
        label=_("Your first workspace"),
        max_length=120,
        help_text=_("Your team's name, for instance. You become its owner and can invite others."),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose mail goes out from the worker after commit instead of
    inside the request: the answer takes as long for a known address as for an unknown
    one, and a slow mail server never holds the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        html_body = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else ""
        )
        mail_queue(to=to_email, subject=subject, body=body, html_body=html_body)


class PreferencesForm(forms.Form):
    """A person's language (empty: the browser's) and time zone (empty: the server's)."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("“Browser’s language” follows what your browser asks for."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Dates and times are shown in this zone."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("Browser’s language")),
            *[(code, name) for code, name in settings.LANGUAGES],
        ]
        self.fields["time_zone"].choices = [
            ("", _("Server’s time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}),
            *[(zone, zone.replace("_", " ")) for zone in time_zones()],
        ]
