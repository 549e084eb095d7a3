"""Throttles, page sizes and request-size limits: each limit explicit, each one tested at
the point where it bites, and nothing written by a refused request."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from maps import services
from maps.api.pagination import Pagination
from maps.models import Note
from tests.security.conftest import World
from tests.support.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- login throttling -------------------------------------------------------------------------


def test_login_is_refused_after_the_failure_budget_even_with_the_right_password():
    UserFactory(username="alice")
    client = Client()
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES - 1):
        assert _login(client, "alice", "wrong").status_code == 200  # the form, with its error
    # django-axes announces the lock on the failure that uses up the budget, not the next try.
    assert _login(client, "alice", "wrong").status_code == 429

    locked = _login(client, "alice", PASSWORD)

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert 'name="username"' in locked.content.decode()  # the login form, its error on top
    assert locked["Retry-After"] == str(settings.GAPMAP_LOGIN_WINDOW_SECONDS)
    assert "_auth_user_id" not in client.session


def test_django_admin_s_login_is_locked_out_too():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    url = reverse("admin:login")
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES):
        client.post(url, {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    locked = client.post(url, {"username": "root", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The admin and the login form share the counters.
    assert _login(Client(), "root", PASSWORD).status_code == 429


def test_the_budget_is_per_username_and_address():
    UserFactory(username="alice")
    UserFactory(username="bob")
    client = Client()
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES):
        _login(client, "alice", "wrong")

    assert _login(client, "bob", PASSWORD).status_code == 302
    assert _login(Client(), "alice", PASSWORD, ip="10.0.0.2").status_code == 302


def test_usernames_are_counted_case_insensitively():
    UserFactory(username="alice")
    client = Client()
    for index in range(settings.GAPMAP_LOGIN_MAX_FAILURES):
        _login(client, "ALICE" if index % 2 else " alice", "wrong")

    assert _login(client, "alice", PASSWORD).status_code == 429


def test_a_successful_login_resets_the_username_counter():
    UserFactory(username="alice")
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES - 1):
        _login(Client(), "alice", "wrong")
    assert _login(Client(), "alice", PASSWORD).status_code == 302

    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES - 1):
        assert _login(Client(), "alice", "wrong").status_code == 200
    assert _login(Client(), "alice", PASSWORD).status_code == 302


@override_settings(GAPMAP_LOGIN_MAX_FAILURES_PER_IP=3)
def test_one_address_guessing_many_usernames_is_throttled():
    UserFactory(username="alice")
    for name in ("u1", "u2"):
        assert _login(Client(), name, "wrong").status_code == 200
    assert _login(Client(), "u3", "wrong").status_code == 429  # the budget's last failure

    assert _login(Client(), "alice", PASSWORD).status_code == 429


@override_settings(GAPMAP_LOGIN_MAX_FAILURES_PER_IP=3)
def test_a_successful_login_does_not_renew_the_address_budget():
    UserFactory(username="alice")
    for name in ("u1", "u2"):
        _login(Client(), name, "wrong")
    assert _login(Client(), "alice", PASSWORD).status_code == 302  # the attacker's own account

    assert _login(Client(), "u3", "wrong").status_code == 429


def test_the_lock_ends_with_the_window():
    UserFactory(username="alice")
    for _ in range(settings.GAPMAP_LOGIN_MAX_FAILURES):
        _login(Client(), "alice", "wrong")
    # What the passing of the window does: the attempts are older than the cool-off time.
    window = timedelta(seconds=settings.GAPMAP_LOGIN_WINDOW_SECONDS + 1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - window)

    assert _login(Client(), "alice", PASSWORD).status_code == 302


# --- API throttles ------------------------------------------------------------------------------


# The lock-out (5 failures per username) would answer 429 first: this checks the rate alone.
@override_settings(GAPMAP_LOGIN_MAX_FAILURES=1000)
def test_the_token_endpoint_is_throttled():
    UserFactory(username="alice")
    client = APIClient()
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])
    url = reverse("api-token")
    statuses = [
        client.post(url, {"username": "alice", "password": "wrong"}).status_code
        for _ in range(limit)
    ]

    assert set(statuses) == {400}
    assert client.post(url, {"username": "alice", "password": PASSWORD}).status_code == 429


def test_default_throttles_cover_anonymous_and_users_generously():
    config = settings.REST_FRAMEWORK
    assert config["DEFAULT_THROTTLE_CLASSES"] == [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ]
    throttle = SimpleRateThrottle.__new__(SimpleRateThrottle)
    user_requests, user_seconds = throttle.parse_rate(config["DEFAULT_THROTTLE_RATES"]["user"])
    # The app and the load test must never meet the user throttle.
    assert user_requests / user_seconds >= 10


def test_anonymous_callers_are_throttled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "1000/min"})
    client = APIClient()
    statuses = [client.get(reverse("api-schema")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- bounded lists ------------------------------------------------------------------------------

LIST_ROUTES = [
    "/api/workspaces/",
    "/api/personas/",
    "/api/maps/",
    "/api/pairs/",
    "/api/reports/",
    "/api/workspaces/{workspace}/members/",
    "/api/workspaces/{workspace}/invitations/",
    "/api/maps/{map}/notes/",
    "/api/reports/{report}/matches/",
    "/api/reports/{report}/decisions/",
]


@pytest.mark.parametrize("template", LIST_ROUTES)
def test_every_list_is_paginated(world: World, template):
    url = template.format(
        workspace=world.workspace.pk, map=world.internal.pk, report=world.report.pk
    )
    client = APIClient()
    client.force_authenticate(world.users["owner"])

    body = client.get(url, {"page_size": 10**6}).json()

    assert {"count", "next", "previous", "results"} <= set(body)
    assert len(body["results"]) <= Pagination.max_page_size


def test_page_size_is_capped_at_the_maximum(world: World):
    services.notes_bulk_create(
        user=world.users["owner"],
        empathy_map=world.internal,
        notes=[
            services.NoteData(segment="sees", text=f"note {index}")
            for index in range(Pagination.max_page_size + 5)
        ],
    )
    client = APIClient()
    client.force_authenticate(world.users["owner"])

    body = client.get(f"/api/maps/{world.internal.pk}/notes/", {"page_size": 10**6}).json()

    assert body["count"] == Pagination.max_page_size + 5 + 2
    assert len(body["results"]) == Pagination.max_page_size == 200


# --- request size limits ------------------------------------------------------------------------


def test_upload_limits_are_set_explicitly():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 5


def test_an_oversized_json_body_is_refused_cleanly_and_writes_nothing(world: World):
    client = APIClient()
    client.force_authenticate(world.users["editor"])
    body = json.dumps([{"segment": "sees", "text": "x" * 400}] * 7_500)  # about 3 MB
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    before = Note.objects.count()

    response = client.post(
        f"/api/maps/{world.internal.pk}/notes/", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "the limit is 2,621,440 bytes" in response.json()["detail"]
    assert Note.objects.count() == before


def test_an_oversized_form_post_gets_413_naming_the_limit(world: World):
    client = Client()
    client.force_login(world.users["editor"])
    before = Note.objects.count()

    response = client.post(
        reverse("notes-paste", kwargs={"pk": world.internal.pk}),
        {"segment": "sees", "lines": "a note\n" * 400_000},  # 2.8 MB
    )

    assert response.status_code == 413
    assert "the limit is 2,621,440 bytes" in response.content.decode()
    assert Note.objects.count() == before


def test_too_many_form_fields_get_400_naming_the_limit(world: World):
    client = Client()
    client.force_login(world.users["editor"])
    fields = {f"field{index}": "x" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}

    response = client.post(
        reverse("note-create", kwargs={"pk": world.internal.pk}),
        {"segment": "sees", "text": "t", **fields},
    )

    assert response.status_code == 400
    assert "too many fields: the limit is 1,000" in response.content.decode()


def test_an_oversized_upload_is_refused_with_its_size_and_imports_nothing(world: World):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = APIClient()
    client.force_authenticate(world.users["editor"])
    line = b"sees,A customer said something long enough to fill the file quickly\n"
    upload = SimpleUploadedFile("big.csv", line * (3_000_000 // len(line)), "text/csv")
    before = Note.objects.count()

    response = client.post(f"/api/maps/{world.internal.pk}/import/", {"file": upload})

    assert response.status_code == 400
    assert "the limit is 2 MB" in json.dumps(response.json())
    assert Note.objects.count() == before
