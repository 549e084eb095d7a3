"""The pages a person meets outside a workspace: an invitation's link, password reset,
login by e-mail, sign-up."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from maps.models import Membership, Workspace
from tests.accounts.conftest import BASE_URL
from tests.support.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-Passphrase-9"


def invite(owner, workspace, email="ada@example.com", role="viewer"):
    return services.invitation_create(
        user=owner, workspace=workspace, email=email, role=role, base_url=BASE_URL
    )


# --- an invitation's link ------------------------------------------------------------------


def test_the_link_moves_its_token_into_the_session_and_shows_the_invitation(owner, workspace):
    _invitation, token = invite(owner, workspace, role="editor")
    client = Client()

    opened = client.get(f"/invitations/{token}/")
    page = client.get(opened["Location"])

    assert opened.status_code == 302
    assert opened["Location"] == "/invitations/accept/"
    assert token not in opened["Location"]
    assert opened["Referrer-Policy"] == "no-referrer"
    html = page.content.decode()
    assert "Join “Acme”" in html
    assert "ada@example.com" in html
    assert "as <strong>editor</strong>" in html
    assert 'name="password2"' in html
    assert token not in html


def test_the_invitee_creates_an_account_joins_and_is_logged_in(owner, workspace):
    _invitation, token = invite(owner, workspace, role="viewer")
    client = Client()
    client.get(f"/invitations/{token}/")

    answer = client.post(
        "/invitations/accept/",
        {"username": "ada", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert answer.status_code == 302
    assert answer["Location"] == f"/workspaces/{workspace.pk}/"
    assert Membership.objects.get(workspace=workspace, user__username="ada").role == "viewer"
    dashboard = client.get(f"/workspaces/{workspace.pk}/dashboard/")
    assert dashboard.status_code == 200
    # the link is spent
    assert Client().get(f"/invitations/{token}/").status_code == 404


def test_password_rules_are_djangos_and_nothing_is_created(owner, workspace):
    _invitation, token = invite(owner, workspace)
    client = Client()
    client.get(f"/invitations/{token}/")

    answer = client.post(
        "/invitations/accept/", {"username": "ada", "password1": "123", "password2": "123"}
    )

    assert answer.status_code == 400
    assert "too short" in answer.content.decode()
    assert not get_user_model().objects.filter(username="ada").exists()


def test_a_logged_in_person_joins_with_one_click(owner, workspace, outsider):
    _invitation, token = invite(owner, workspace, role="editor")
    client = Client()
    client.force_login(outsider)
    client.get(f"/invitations/{token}/")

    shown = client.get("/invitations/accept/")
    joined = client.post("/invitations/accept/")

    assert "Join as outsider" in shown.content.decode()
    assert joined.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=outsider).role == "editor"


def _dead_links(owner, workspace) -> list[str]:
    expired, expired_token = invite(owner, workspace, email="a@example.com")
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    revoked, revoked_token = invite(owner, workspace, email="b@example.com")
    services.invitation_revoke(user=owner, invitation=revoked)
    used, used_token = invite(owner, workspace, email="c@example.com")
    services.invitation_accept(invitation=used, username="carl", password=NEW_PASSWORD)
    return [expired_token, revoked_token, used_token, "never-issued-token"]


def test_every_dead_link_shows_the_same_page(owner, workspace):
    answers = [Client().get(f"/invitations/{token}/") for token in _dead_links(owner, workspace)]

    assert {answer.status_code for answer in answers} == {404}
    bodies = {
        re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]*", "", a.content.decode()) for a in answers
    }
    assert len(bodies) == 1
    assert services.INVALID_INVITATION_MESSAGE.split(":")[0] in bodies.pop()


def test_a_link_revoked_after_opening_stops_at_the_next_step(owner, workspace):
    invitation, token = invite(owner, workspace)
    client = Client()
    client.get(f"/invitations/{token}/")
    services.invitation_revoke(user=owner, invitation=invitation)

    answer = client.post(
        "/invitations/accept/",
        {"username": "ada", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert answer.status_code == 404
    assert not get_user_model().objects.filter(username="ada").exists()


def test_the_accept_page_without_an_opened_link_is_404():
    assert Client().get("/invitations/accept/").status_code == 404


# --- password reset ------------------------------------------------------------------------


def test_reset_answers_the_same_for_known_and_unknown_and_mails_only_known(
    owner, smtp_server, worker_sends, django_capture_on_commit_callbacks
):
    owner.email = "owner@example.com"
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/password-reset/", {"email": "OWNER@example.com"})
        unknown = Client().post("/password-reset/", {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/password-reset/done/"
    assert [message["To"] for message in smtp_server.messages] == ["owner@example.com"]
    assert smtp_server.to("nobody@example.com") == []


def test_the_reset_link_sets_a_new_password(
    owner, smtp_server, worker_sends, django_capture_on_commit_callbacks
):
    owner.email = "owner@example.com"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/password-reset/", {"email": "owner@example.com"})
    (message,) = smtp_server.messages
    link = re.search(r"http://testserver(/reset/\S+/\S+/)", smtp_server.text(message))[1]
    client = Client()

    form = client.get(link, follow=True)  # Django moves the token into the session
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert 'name="new_password1"' in form.content.decode()
    assert done["Location"] == "/reset/done/"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_the_password_change_page_changes_it(owner):
    client = Client()
    client.force_login(owner)

    answer = client.post(
        "/password-change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert answer["Location"] == "/password-change/done/"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


# --- login by e-mail -----------------------------------------------------------------------


def test_login_by_username_or_email(owner):
    owner.email = "Owner@Example.com"
    owner.save()

    by_name = Client().post("/login/", {"username": "owner", "password": PASSWORD})
    by_email = Client().post("/login/", {"username": "owner@example.COM", "password": PASSWORD})
    wrong = Client().post("/login/", {"username": "owner@example.com", "password": "nope"})

    assert by_name.status_code == 302
    assert by_email.status_code == 302
    assert wrong.status_code == 200


def test_an_address_shared_by_two_accounts_logs_in_neither(db):
    UserFactory(username="one", email="team@example.com")
    UserFactory(username="two", email="team@example.com")

    answer = Client().post("/login/", {"username": "team@example.com", "password": PASSWORD})

    assert answer.status_code == 200


def test_the_lock_out_counts_logins_by_email_too(owner, settings):
    owner.email = "owner@example.com"
    owner.save()
    client = Client()
    for _attempt in range(settings.GAPMAP_LOGIN_MAX_FAILURES):
        client.post("/login/", {"username": "owner@example.com", "password": "wrong"})

    locked = client.post("/login/", {"username": "owner@example.com", "password": PASSWORD})

    assert locked.status_code == 429


# --- sign-up -------------------------------------------------------------------------------


SIGNUP = {
    "username": "newbie",
    "email": "newbie@example.com",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
    "workspace_name": "Newbie's team",
}


def test_signup_is_closed_by_default(db):
    assert Client().get("/signup/").status_code == 404
    assert Client().post("/signup/", SIGNUP).status_code == 404
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert "Create an account" not in Client().get("/login/").content.decode()


def test_open_signup_creates_the_account_and_its_workspace(db, settings):
    settings.GAPMAP_OPEN_SIGNUP = True
    client = Client()

    login_page = client.get("/login/")
    answer = client.post("/signup/", SIGNUP)

    assert "Create an account" in login_page.content.decode()
    assert answer.status_code == 302
    workspace = Workspace.objects.get(name="Newbie's team")
    assert workspace.memberships.get().user.username == "newbie"
    assert workspace.memberships.get().role == "owner"
    assert client.get(f"/workspaces/{workspace.pk}/members/").status_code == 200


def test_signup_with_a_bad_password_creates_nothing(db, settings):
    settings.GAPMAP_OPEN_SIGNUP = True

    answer = Client().post("/signup/", {**SIGNUP, "password1": "abc", "password2": "abc"})

    assert answer.status_code == 400
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert not Workspace.objects.filter(name="Newbie's team").exists()
