"""Member management: the last-owner rules, the recorded history, and the members page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts import services
from maps import services as map_services
from maps.models import Membership, MembershipEvent
from tests.accounts.conftest import BASE_URL
from tests.support.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def membership(workspace, user) -> Membership:
    return Membership.objects.get(workspace=workspace, user=user)


def events(workspace) -> list[tuple]:
    return [
        (event.action, event.member_username, event.actor.username, event.old_role, event.new_role)
        for event in MembershipEvent.objects.filter(workspace=workspace).order_by("id")
    ]


# --- the rules -----------------------------------------------------------------------------


def test_the_last_owner_cannot_be_demoted_removed_or_leave(owner, workspace):
    mine = membership(workspace, owner)

    with pytest.raises(ValidationError, match="at least one owner"):
        map_services.membership_update(user=owner, membership=mine, role="editor")
    with pytest.raises(ValidationError, match="at least one owner"):
        map_services.membership_remove(user=owner, membership=mine)
    with pytest.raises(ValidationError, match="at least one owner"):
        map_services.membership_leave(user=owner, workspace=workspace)

    assert membership(workspace, owner).role == "owner"
    assert [event[0] for event in events(workspace)] == ["created", "added", "added"]


def test_with_a_second_owner_the_first_may_step_down_and_leave(owner, editor, workspace):
    map_services.membership_update(
        user=owner, membership=membership(workspace, editor), role="owner"
    )

    map_services.membership_update(
        user=owner, membership=membership(workspace, owner), role="viewer"
    )
    map_services.membership_leave(user=owner, workspace=workspace)

    assert not Membership.objects.filter(workspace=workspace, user=owner).exists()
    assert events(workspace)[-3:] == [
        ("role_changed", "editor", "owner", "editor", "owner"),
        ("role_changed", "owner", "owner", "owner", "viewer"),
        ("left", "owner", "owner", "viewer", ""),
    ]


def test_every_change_is_recorded_with_who_and_when(owner, viewer, workspace):
    map_services.membership_update(
        user=owner, membership=membership(workspace, viewer), role="editor"
    )
    map_services.membership_remove(user=owner, membership=membership(workspace, viewer))

    latest = MembershipEvent.objects.filter(workspace=workspace).first()  # newest first
    assert (latest.action, latest.member_username, latest.actor) == ("removed", "viewer", owner)
    assert latest.created_at is not None
    assert events(workspace)[-2:] == [
        ("role_changed", "viewer", "owner", "viewer", "editor"),
        ("removed", "viewer", "owner", "editor", ""),
    ]


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_owners_change_roles_or_remove(request, workspace, owner, who):
    member = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        map_services.membership_update(
            user=member, membership=membership(workspace, owner), role="viewer"
        )
    with pytest.raises(PermissionDenied):
        map_services.membership_remove(user=member, membership=membership(workspace, owner))
    assert membership(workspace, owner).role == "owner"


def test_anyone_who_is_not_a_member_cannot_leave(outsider, workspace):
    with pytest.raises(PermissionDenied):
        map_services.membership_leave(user=outsider, workspace=workspace)


# --- the page ------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(workspace) -> str:
    return f"/workspaces/{workspace.pk}/members/"


def test_owners_see_members_invitations_and_history(owner, workspace):
    services.invitation_create(
        user=owner, workspace=workspace, email="ada@example.com", role="editor", base_url=BASE_URL
    )

    page = client_for(owner).get(page_url(workspace))

    html = page.content.decode()
    assert page.status_code == 200
    for text in ("editor", "viewer", "ada@example.com", "Send invitation", "Re-send", "Revoke"):
        assert text in html
    assert "created the workspace as owner" in html
    assert "The only owner" in html  # no controls that would demote the last owner


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_other_members_see_members_and_history_but_no_invitations(request, owner, workspace, who):
    services.invitation_create(
        user=owner, workspace=workspace, email="ada@example.com", role="editor", base_url=BASE_URL
    )

    page = client_for(request.getfixturevalue(who)).get(page_url(workspace))

    html = page.content.decode()
    assert page.status_code == 200
    assert "owner" in html
    assert "ada@example.com" not in html
    assert "Send invitation" not in html
    assert "Change role" not in html
    assert "Leave this workspace" in html


def test_an_outsider_gets_404(outsider, workspace):
    assert client_for(outsider).get(page_url(workspace)).status_code == 404


def test_the_page_changes_a_role_and_shows_the_change(owner, viewer, workspace):
    client = client_for(owner)
    target = membership(workspace, viewer)

    answer = client.post(
        f"/workspaces/{workspace.pk}/members/{target.pk}/role/", {"role": "editor"}
    )

    assert answer.status_code == 302
    assert membership(workspace, viewer).role == "editor"
    html = client.get(page_url(workspace)).content.decode()
    assert "viewer is now editor." in html
    assert "changed viewer from viewer to editor" in html


def test_the_page_refuses_to_demote_the_last_owner_with_the_reason(owner, workspace):
    client = client_for(owner)
    mine = membership(workspace, owner)

    answer = client.post(
        f"/workspaces/{workspace.pk}/members/{mine.pk}/role/", {"role": "viewer"}, follow=True
    )
    left = client.post(f"/workspaces/{workspace.pk}/leave/", follow=True)

    assert "at least one owner" in answer.content.decode()
    assert "at least one owner" in left.content.decode()
    assert membership(workspace, owner).role == "owner"


def test_a_member_leaves_and_the_workspace_is_gone_for_them(viewer, workspace):
    client = client_for(viewer)

    answer = client.post(f"/workspaces/{workspace.pk}/leave/")

    assert answer.status_code == 302
    assert client.get(page_url(workspace)).status_code == 404
    assert events(workspace)[-1] == ("left", "viewer", "viewer", "viewer", "")


def test_a_membership_of_another_workspace_is_404_here(owner, workspace, other_workspace, outsider):
    theirs = membership(other_workspace, outsider)

    answer = client_for(owner).post(
        f"/workspaces/{workspace.pk}/members/{theirs.pk}/remove/", {"confirm": "yes"}
    )

    assert answer.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_the_invite_form_names_a_bad_address(owner, workspace):
    answer = client_for(owner).post(
        f"/workspaces/{workspace.pk}/members/invite/", {"email": "nope", "role": "viewer"}
    )

    assert answer.status_code == 400
    assert "Enter a valid email address." in answer.content.decode()


def test_names_and_addresses_are_escaped_on_the_page(db):
    owner = UserFactory(username="boss")
    workspace = WorkspaceFactory(owner=owner, name="<script>alert(1)</script>")
    MembershipFactory(workspace=workspace, user=UserFactory(username="eve"), role="viewer")
    # Django's address check refuses <, > and quotes; & and ' are valid in a local part.
    services.invitation_create(
        user=owner,
        workspace=workspace,
        email="o'neil&co@example.com",
        role="viewer",
        base_url=BASE_URL,
    )
    client = client_for(owner)

    html = client.get(page_url(workspace)).content.decode()
    refused = client.post(
        f"/workspaces/{workspace.pk}/members/invite/",
        {"email": "<img src=x onerror=alert(1)>@example.com", "role": "viewer"},
    ).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "o'neil&co@example.com" not in html
    assert "o&#x27;neil&amp;co@example.com" in html
    assert "<img src=x" not in refused


def test_the_page_shows_the_latest_50_changes(owner, viewer, workspace):
    from accounts.selectors import HISTORY_ROWS

    target = membership(workspace, viewer)
    for index in range(30):
        role = "editor" if index % 2 == 0 else "viewer"
        map_services.membership_update(user=owner, membership=target, role=role)
    total = MembershipEvent.objects.filter(workspace=workspace).count()

    html = client_for(owner).get(page_url(workspace)).content.decode()

    assert HISTORY_ROWS == 50
    assert total == 33
    rows = html.split('id="history-heading"')[1].count("<tr>") - 1  # less the header row
    assert rows == total
    for _more in range(20):
        map_services.membership_update(
            user=owner, membership=target, role="editor" if _more % 2 else "viewer"
        )
    assert MembershipEvent.objects.filter(workspace=workspace).count() > HISTORY_ROWS
    html = client_for(owner).get(page_url(workspace)).content.decode()
    assert html.split('id="history-heading"')[1].count("<tr>") - 1 == HISTORY_ROWS
