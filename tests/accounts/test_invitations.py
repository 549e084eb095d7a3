"""Invitations through their service and the API: invite, the mail after commit, accept,
every kind of dead link, roles and outsiders."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from config.tokens import token_hash
from maps.models import Membership, MembershipEvent
from tests.accounts.conftest import BASE_URL

pytestmark = pytest.mark.django_db


def invite(owner, workspace, email="ada@example.com", role="viewer"):
    return services.invitation_create(
        user=owner, workspace=workspace, email=email, role=role, base_url=BASE_URL
    )


# --- the service ---------------------------------------------------------------------------


def test_an_owner_invites_and_the_mail_is_queued_after_commit(
    owner, workspace, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = invite(owner, workspace, email="Ada@Example.COM", role="editor")

    assert len(callbacks) == 1
    # The inviter's language goes with the task: the worker has no request to read it from.
    assert queued == [(invitation.pk, token, BASE_URL, "en")]
    invitation.refresh_from_db()
    assert invitation.email == "Ada@example.com"  # the domain is case-insensitive
    assert invitation.role == "editor"
    assert invitation.invited_by == owner
    # expires after the default 7 days
    remaining = invitation.expires_at - timezone.now()
    assert datetime.timedelta(days=6, hours=23) < remaining <= datetime.timedelta(days=7)


def test_nothing_is_queued_when_the_transaction_rolls_back(
    owner, workspace, queued, django_capture_on_commit_callbacks
):
    def failing_request() -> None:
        with transaction.atomic():
            invite(owner, workspace)
            raise RuntimeError("the request failed later")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_request()

    assert callbacks == []
    assert queued == []
    assert not Invitation.objects.exists()


def test_the_token_is_stored_only_as_its_hash(owner, workspace):
    invitation, token = invite(owner, workspace)

    assert len(token) >= 43  # 256 bits, URL-safe
    assert Invitation.objects.get(pk=invitation.pk).token_hash == token_hash(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_invitation")
        rows = cursor.fetchall()
    assert token not in repr(rows)


@pytest.mark.parametrize(
    ("email", "role", "field", "says"),
    [
        ("not-an-address", "viewer", "email", "is not an e-mail address"),
        ("", "viewer", "email", "Give the e-mail address"),
        ("a" * 250 + "@x.de", "viewer", "email", "at most 254 characters"),
        ("ada@example.com", "admin", "role", "'admin' is not one of them"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(owner, workspace, email, role, field, says):
    with pytest.raises(ValidationError) as raised:
        invite(owner, workspace, email=email, role=role)

    assert says in " ".join(raised.value.message_dict[field])
    assert not Invitation.objects.exists()


def test_a_pending_address_or_a_member_is_not_invited_twice(owner, workspace, editor):
    invite(owner, workspace, email="ada@example.com")
    editor.email = "editor@example.com"
    editor.save()

    with pytest.raises(ValidationError, match="already invited"):
        invite(owner, workspace, email="ADA@example.com")
    with pytest.raises(ValidationError, match="already belongs to a member"):
        invite(owner, workspace, email="Editor@Example.com")
    assert Invitation.objects.count() == 1


def test_open_invitations_are_limited_per_workspace(owner, workspace, settings):
    for number in range(services.MAX_PENDING_INVITATIONS):
        invite(owner, workspace, email=f"person{number}@example.com")

    with pytest.raises(ValidationError, match=f"{services.MAX_PENDING_INVITATIONS} open"):
        invite(owner, workspace, email="one-too-many@example.com")
    assert Invitation.objects.count() == services.MAX_PENDING_INVITATIONS


@pytest.mark.parametrize("who", ["editor", "viewer", "outsider"])
def test_only_owners_invite(request, workspace, who):
    with pytest.raises(PermissionDenied):
        invite(request.getfixturevalue(who), workspace)
    assert not Invitation.objects.exists()


def test_accepting_creates_the_account_and_the_membership(owner, workspace):
    invitation, _token = invite(owner, workspace, email="ada@example.com", role="viewer")

    membership = services.invitation_accept(
        invitation=invitation, username="ada", password="a-long-Passphrase-9"
    )

    ada = get_user_model().objects.get(username="ada")
    assert ada.email == "ada@example.com"
    assert ada.check_password("a-long-Passphrase-9")
    assert membership.user == ada
    assert membership.role == "viewer"
    assert membership.workspace == workspace
    invitation.refresh_from_db()
    assert invitation.accepted_by == ada
    assert invitation.accepted_at is not None
    event = MembershipEvent.objects.filter(workspace=workspace).first()
    assert (event.action, event.member, event.actor, event.new_role) == (
        "joined",
        ada,
        ada,
        "viewer",
    )


def test_a_logged_in_person_joins_with_the_account_they_have(owner, workspace, outsider):
    invitation, _token = invite(owner, workspace, role="editor")

    membership = services.invitation_accept(invitation=invitation, user=outsider)

    assert membership.user == outsider
    assert membership.role == "editor"
    assert get_user_model().objects.filter(username="ada").count() == 0


@pytest.mark.parametrize(
    ("username", "password", "field", "says"),
    [
        ("owner", "a-long-Passphrase-9", "username", "already exists"),
        ("OWNER", "a-long-Passphrase-9", "username", "already exists"),
        ("ada", "short", "password", "too short"),
        ("ada", "password123", "password", "too common"),
        ("bad name!", "a-long-Passphrase-9", "username", "valid username"),
    ],
)
def test_a_bad_account_changes_nothing(owner, workspace, username, password, field, says):
    invitation, _token = invite(owner, workspace)
    users_before = get_user_model().objects.count()

    with pytest.raises(ValidationError) as raised:
        services.invitation_accept(invitation=invitation, username=username, password=password)

    assert says in " ".join(raised.value.message_dict[field])
    assert get_user_model().objects.count() == users_before
    assert Membership.objects.filter(workspace=workspace).count() == 3
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def _expire(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def _revoke(invitation):
    services.invitation_revoke(user=invitation.invited_by, invitation=invitation)


def _use(invitation):
    services.invitation_accept(invitation=invitation, username="first", password="a-long-Pass-99")


@pytest.mark.parametrize("kill", [_expire, _revoke, _use], ids=["expired", "revoked", "used"])
def test_a_dead_invitation_cannot_be_accepted(owner, workspace, kill):
    invitation, _token = invite(owner, workspace)
    kill(invitation)

    with pytest.raises(services.InvitationUnusable) as raised:
        services.invitation_accept(invitation=invitation, username="ada", password="a-long-Pass-99")

    assert str(raised.value) == services.INVALID_INVITATION_MESSAGE
    assert not get_user_model().objects.filter(username="ada").exists()


def test_resending_replaces_the_link_and_the_old_one_stops_working(
    owner, workspace, queued, django_capture_on_commit_callbacks
):
    from accounts import selectors

    invitation, old_token = invite(owner, workspace)
    _expire(invitation)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(user=owner, invitation=invitation, base_url=BASE_URL)

    (_id, new_token, _base, _language) = queued[-1]
    assert new_token != old_token
    assert selectors.invitation_for_token(old_token) is None
    assert selectors.invitation_for_token(new_token) == invitation
    # a late retry of the first mail sends nothing: its token is no longer the current one
    assert (
        services.invitation_send(invitation_id=invitation.pk, token=old_token, base_url=BASE_URL)
        is False
    )


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_members_who_are_not_owners_cannot_resend_or_revoke(request, owner, workspace, who):
    invitation, _token = invite(owner, workspace)
    member = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.invitation_resend(user=member, invitation=invitation, base_url=BASE_URL)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(user=member, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- the API -------------------------------------------------------------------------------


def url(workspace) -> str:
    return f"/api/workspaces/{workspace.pk}/invitations/"


def test_api_invite_list_and_revoke(api, owner, workspace, queued):
    client = api(owner)

    created = client.post(
        url(workspace), {"email": "ada@example.com", "role": "viewer"}, format="json"
    )
    listed = client.get(url(workspace))

    assert created.status_code == 201
    body = created.json()
    assert set(body) == {
        "id", "email", "role", "status", "invited_by", "created_at", "expires_at", "sent_at",
        "send_error",
    }  # fmt: skip
    assert body["status"] == "pending"
    assert body["invited_by"] == "owner"
    assert [row["email"] for row in listed.json()["results"]] == ["ada@example.com"]
    assert "token" not in created.content.decode()
    assert "hash" not in created.content.decode()

    revoked = client.delete(f"/api/invitations/{body['id']}/")

    assert revoked.status_code == 204
    assert client.get(url(workspace)).json()["results"][0]["status"] == "revoked"


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_api_only_owners_see_or_make_invitations(api, request, owner, workspace, who, status):
    invitation, _token = invite(owner, workspace)
    client = api(request.getfixturevalue(who))

    assert (
        client.post(
            url(workspace), {"email": "x@example.com", "role": "owner"}, format="json"
        ).status_code
        == status
    )
    assert client.get(url(workspace)).status_code == status
    assert client.delete(f"/api/invitations/{invitation.pk}/").status_code == status
    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().revoked_at is None


def test_api_bad_input_is_400_naming_the_field(api, owner, workspace):
    answer = api(owner).post(url(workspace), {"email": "nope", "role": "boss"}, format="json")

    assert answer.status_code == 400
    assert set(answer.json()) == {"email", "role"}
    assert not Invitation.objects.exists()


def test_api_accept_creates_the_account(api, owner, workspace):
    _invitation, token = invite(owner, workspace, email="ada@example.com", role="editor")

    answer = api().post(
        f"/api/invitations/{token}/accept/",
        {"username": "ada", "password": "a-long-Passphrase-9"},
        format="json",
    )

    assert answer.status_code == 201
    assert answer.json() == {"workspace": workspace.pk, "username": "ada", "role": "editor"}
    assert Membership.objects.get(workspace=workspace, user__username="ada").role == "editor"


def test_api_accept_with_a_bad_password_is_400_and_the_link_still_works(api, owner, workspace):
    _invitation, token = invite(owner, workspace)

    bad = api().post(
        f"/api/invitations/{token}/accept/", {"username": "ada", "password": "1"}, format="json"
    )
    good = api().post(
        f"/api/invitations/{token}/accept/",
        {"username": "ada", "password": "a-long-Passphrase-9"},
        format="json",
    )

    assert bad.status_code == 400
    assert "password" in bad.json()
    assert good.status_code == 201


def test_api_every_dead_link_answers_the_same(api, owner, workspace):
    answers = []
    for kill in (_expire, _revoke, _use):
        invitation, token = invite(owner, workspace, email=f"{kill.__name__[1:]}@example.com")
        kill(invitation)
        answers.append(
            api().post(
                f"/api/invitations/{token}/accept/",
                {"username": "late", "password": "a-long-Passphrase-9"},
                format="json",
            )
        )
    answers.append(
        api().post(
            "/api/invitations/not-a-real-token/accept/",
            {"username": "late", "password": "a-long-Passphrase-9"},
            format="json",
        )
    )

    assert {(answer.status_code, answer.content) for answer in answers} == {
        (404, f'{{"detail":"{services.INVALID_INVITATION_MESSAGE}"}}'.encode())
    }
    assert not get_user_model().objects.filter(username="late").exists()


def test_api_a_logged_in_caller_joins_with_its_account(api, owner, workspace, outsider):
    _invitation, token = invite(owner, workspace, role="viewer")

    answer = api(outsider).post(f"/api/invitations/{token}/accept/", {}, format="json")

    assert answer.status_code == 201
    assert answer.json()["username"] == "outsider"


def test_the_invitation_link_in_the_mail_is_the_one_that_opens(
    owner, workspace, smtp_server, worker_sends, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(owner, workspace, email="ada@example.com")

    (message,) = smtp_server.to("ada@example.com")
    link = re.search(r"http://testserver/invitations/(\S+)/", smtp_server.text(message))
    assert link
    assert link[1] == token


def test_passwords_are_limited_to_256_characters(owner, workspace):
    from accounts.services.users import MAX_PASSWORD_CHARS

    first, _token = invite(owner, workspace, email="long@example.com")
    second, _token = invite(owner, workspace, email="longer@example.com")
    longest = ("Xy7-" * 100)[:MAX_PASSWORD_CHARS]

    services.invitation_accept(invitation=first, username="long", password=longest)
    with pytest.raises(ValidationError) as raised:
        services.invitation_accept(invitation=second, username="longer", password=longest + "z")

    assert MAX_PASSWORD_CHARS == 256
    assert get_user_model().objects.get(username="long").check_password(longest)
    assert "at most 256 characters" in " ".join(raised.value.message_dict["password"])
    assert not get_user_model().objects.filter(username="longer").exists()


def test_an_address_with_an_account_is_told_to_log_in_and_join(owner, workspace, outsider):
    outsider.email = "ada@example.com"
    outsider.save()
    invitation, _token = invite(owner, workspace, email="ada@example.com")

    with pytest.raises(ValidationError) as raised:
        services.invitation_accept(invitation=invitation, username="ada2", password=NEW)

    assert "log in with it" in " ".join(raised.value.message_dict["email"])
    membership = services.invitation_accept(invitation=invitation, user=outsider)
    assert membership.user == outsider


NEW = "a-long-Passphrase-9"


def test_api_resend_gives_a_new_link_and_expiry(
    api, owner, workspace, queued, django_capture_on_commit_callbacks
):
    invitation, old_token = invite(owner, workspace)
    _expire(invitation)

    with django_capture_on_commit_callbacks(execute=True):
        answer = api(owner).post(f"/api/invitations/{invitation.pk}/resend/")

    assert answer.status_code == 200
    assert answer.json()["status"] == "pending"
    assert queued[-1][1] != old_token


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_api_resend_is_for_owners_only(api, request, owner, workspace, queued, who, status):
    invitation, _token = invite(owner, workspace)
    before = Invitation.objects.get(pk=invitation.pk).token_hash

    answer = api(request.getfixturevalue(who)).post(f"/api/invitations/{invitation.pk}/resend/")

    assert answer.status_code == status
    assert Invitation.objects.get(pk=invitation.pk).token_hash == before


def test_api_resend_of_a_revoked_invitation_is_400(api, owner, workspace):
    invitation, _token = invite(owner, workspace)
    _revoke(invitation)

    answer = api(owner).post(f"/api/invitations/{invitation.pk}/resend/")

    assert answer.status_code == 400
    assert "was revoked" in str(answer.json())
