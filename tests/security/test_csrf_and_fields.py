"""CSRF enforced on session writes, and minimal response fields (each API answer carries exactly
its allow-listed keys; share answers expose no token, hash or e-mail)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from comparison.sharing import services as sharing
from tests.support.builders import build_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(owner, editor, persona):
    return build_comparison(
        owner,
        persona,
        internal=[("pains", "Too many tools")],
        customer=[("pains", "Too many tools here")],
        compared_by=editor,
    )


def test_api_writes_with_a_session_but_no_csrf_token_are_refused(editor, internal_map):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)  # login() authenticates without a request, which axes refuses
    before = internal_map.notes.count()

    created = client.post(
        f"/api/maps/{internal_map.pk}/notes/", {"segment": "pains", "text": "x"}, format="json"
    )
    note = internal_map.notes.first()
    detail = f"/api/maps/{internal_map.pk}/notes/{note.pk}/"
    changed = client.patch(detail, {"text": "changed"}, format="json")
    deleted = client.delete(detail)

    assert [created.status_code, changed.status_code, deleted.status_code] == [403] * 3
    assert "CSRF" in created.json()["detail"]
    assert internal_map.notes.count() == before
    note.refresh_from_db()
    assert note.text != "changed"


def test_form_posts_without_a_csrf_token_are_refused(editor, internal_map):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    before = internal_map.notes.count()
    response = client.post(
        reverse("note-create", kwargs={"pk": internal_map.pk}),
        {"segment": "pains", "text": "Sneaky", "votes": "0"},
    )
    assert response.status_code == 403
    assert internal_map.notes.count() == before


def test_api_answers_carry_exactly_their_allow_listed_keys(api, editor, report):
    client = api(editor)
    pair = report.pair

    report_keys = set(client.get(f"/api/reports/{report.pk}/").json())
    map_keys = set(client.get(f"/api/maps/{pair.internal_map_id}/").json())
    note = client.get(f"/api/maps/{pair.internal_map_id}/notes/").json()["results"][0]
    match = client.get(f"/api/reports/{report.pk}/matches/").json()["results"][0]

    assert report_keys == {
        "id", "pair", "status", "progress", "settings", "engine_version", "notes_digest",
        "summary", "error", "created_by", "created_at", "started_at", "finished_at",
        "matching", "internal_seal",
    }  # fmt: skip
    assert "email" not in str(client.get(f"/api/reports/{report.pk}/").json()["internal_seal"])
    assert {"id", "persona", "perspective", "title", "notes"} <= map_keys
    assert not map_keys & {"workspace_id", "sealed_by_id", "password", "email"}
    assert set(note) == {
        "id", "segment", "text", "votes", "author", "order", "created_at", "updated_at"
    }  # fmt: skip
    assert "email" not in str(match)
    suggestions = client.get(f"/api/reports/{report.pk}/suggestions/").json()
    assert set(suggestions) == {"count", "next", "previous", "results"}
    assert suggestions["results"], "the confirmed pair is its hypothesis' first suggestion"
    for suggestion in suggestions["results"]:
        assert set(suggestion) == {
            "id", "rank", "score", "state", "learned", "awaits_review", "internal_note",
            "internal_segment", "internal_text", "internal_verdict", "customer_note",
            "customer_segment", "customer_text",
        }  # fmt: skip


def test_review_decisions_in_place_need_the_csrf_token(editor, report):
    """An htmx request is a form post like any other: without the token it is refused."""
    from comparison.models import Match, ReviewDecision

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    pairing = Match.objects.get(report=report, kind="pair")
    response = client.post(
        reverse("report-decide", kwargs={"pk": report.pk}),
        {
            "internal_note": pairing.internal_note_id,
            "customer_note": pairing.customer_note_id,
            "decision": "confirm",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert not ReviewDecision.objects.exists()


def test_share_answers_expose_no_token_hash_or_email(api, editor, report):
    client = api(editor)
    created = client.post(
        f"/api/reports/{report.pk}/share-links/", {"expires_in_days": 7}, format="json"
    ).json()
    listed = client.get(f"/api/reports/{report.pk}/share-links/").json()["results"]

    assert set(created) == {"id", "url", "expires_at"}
    (row,) = listed
    assert set(row) == {
        "id", "status", "created_at", "expires_at", "revoked_at", "view_count",
        "last_viewed_at", "created_by",
    }  # fmt: skip
    link = sharing.ShareLink.objects.get()
    assert link.token_hash not in str(listed)
    assert created["url"].rsplit("/s/", 1)[1].strip("/") not in str(listed)
    assert "@" not in str(listed)


def test_invitation_answers_carry_no_token_or_hash(api, owner, workspace):
    client = api(owner)

    created = client.post(
        f"/api/workspaces/{workspace.pk}/invitations/",
        {"email": "ada@example.com", "role": "viewer"},
        format="json",
    )
    listed = client.get(f"/api/workspaces/{workspace.pk}/invitations/").json()["results"]

    allowed = {
        "id", "email", "role", "status", "invited_by", "created_at", "expires_at", "sent_at",
        "send_error",
    }  # fmt: skip
    assert set(created.json()) == allowed
    assert [set(row) for row in listed] == [allowed]
    assert "hash" not in created.content.decode()
    assert "token" not in created.content.decode()


def test_a_member_change_through_the_api_ignores_extra_fields(api, owner, viewer, workspace):
    membership = workspace.memberships.get(user=viewer)

    answer = api(owner).patch(
        f"/api/workspaces/{workspace.pk}/members/{membership.pk}/",
        {"role": "editor", "workspace": 999, "user": owner.pk},
        format="json",
    )

    membership.refresh_from_db()
    assert answer.status_code == 200
    assert (membership.role, membership.workspace_id, membership.user_id) == (
        "editor",
        workspace.pk,
        viewer.pk,
    )
