"""Membership changes staff make in Django's admin go into the workspace's history too."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from maps.models import Membership, MembershipEvent
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db) -> Client:
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-12345")
    client = Client()
    client.force_login(admin)
    return client


def latest(workspace) -> tuple:
    event = MembershipEvent.objects.filter(workspace=workspace).first()
    return event.action, event.member_username, event.actor.username, event.old_role, event.new_role


def test_adding_changing_and_deleting_in_the_admin_is_recorded(staff, workspace):
    newcomer = UserFactory(username="newcomer")

    added = staff.post(
        "/admin/maps/membership/add/",
        {"workspace": workspace.pk, "user": newcomer.pk, "role": "viewer"},
    )
    membership = Membership.objects.get(workspace=workspace, user=newcomer)
    assert added.status_code == 302
    assert latest(workspace) == ("added", "newcomer", "root", "", "viewer")

    staff.post(
        f"/admin/maps/membership/{membership.pk}/change/",
        {"workspace": workspace.pk, "user": newcomer.pk, "role": "editor"},
    )
    assert latest(workspace) == ("role_changed", "newcomer", "root", "viewer", "editor")

    staff.post(f"/admin/maps/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert latest(workspace) == ("removed", "newcomer", "root", "editor", "")


def test_the_workspace_pages_inline_is_recorded(staff, workspace, viewer):
    memberships = list(workspace.memberships.order_by("pk"))
    data = {
        "name": workspace.name,
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        data |= {
            f"memberships-{index}-id": str(membership.pk),
            f"memberships-{index}-workspace": str(workspace.pk),
            f"memberships-{index}-user": str(membership.user_id),
            f"memberships-{index}-role": "owner" if membership.user == viewer else membership.role,
        }

    answer = staff.post(f"/admin/maps/workspace/{workspace.pk}/change/", data)

    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert latest(workspace) == ("role_changed", "viewer", "root", "viewer", "owner")
