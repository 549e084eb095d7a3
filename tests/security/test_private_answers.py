"""Smaller holds from the hostile pass (issue 19, point 7): private answers are not cached
(RELIABILITY 34), the API answers JSON only (the browsable API broke the CSP), and one user
cannot queue comparisons without bound.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from comparison.models import Report, ReportStatus
from comparison.tasks import report_run_task
from tests.security.conftest import World

pytestmark = pytest.mark.django_db


def _client(world: World, role: str = "editor") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/api/workspaces/",
        "/api/reports/{report}/",
        "/api/reports/{report}/export/?format=json",
        "/reports/{report}/",
        "/reports/{report}/export.csv",
        "/api/schema/",
    ],
)
def test_logged_in_answers_are_private_and_not_stored(world, url):
    answer = _client(world).get(url.format(report=world.report.pk))

    assert answer.status_code == 200, url
    directives = {part.strip() for part in answer["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives or directives == {"no-store"}


def test_a_view_that_chooses_its_caching_keeps_it(world):
    answer = Client().get("/assets/plotly.min.js")

    assert answer.status_code == 200
    assert "public" in answer["Cache-Control"]


def test_the_login_page_is_not_stored():
    answer = Client().get("/login/")

    assert "no-store" in answer["Cache-Control"]


def test_the_api_answers_json_even_to_a_browser(world):
    answer = _client(world).get("/api/workspaces/", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    assert b"<html" not in answer.content.lower()
    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] == [
        "rest_framework.renderers.JSONRenderer"
    ]


def _finish_active(pair_id: int) -> None:
    # Each run "finishes" at once, so the next request may start another: the burst case.
    Report.objects.filter(pair_id=pair_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.FAILED
    )


def test_a_burst_of_api_compares_is_throttled_per_user(world, monkeypatch):
    monkeypatch.setattr(report_run_task, "delay", lambda report_id: None)
    client = APIClient()
    client.force_authenticate(world.users["editor"])
    before = Report.objects.count()
    answers = []
    for _ in range(30):
        answers.append(client.post(f"/api/pairs/{world.pair.pk}/compare/", {}).status_code)
        _finish_active(world.pair.pk)

    budget = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["compare"].split("/")[0])
    assert answers[:budget] == [202] * budget
    assert set(answers[budget:]) == {429}
    assert Report.objects.count() - before == budget
    # another user keeps a budget of their own
    other = APIClient()
    other.force_authenticate(world.users["owner"])
    assert other.post(f"/api/pairs/{world.pair.pk}/compare/", {}).status_code == 202


def test_a_burst_of_compares_on_the_page_is_throttled_per_user(world, monkeypatch):
    monkeypatch.setattr(report_run_task, "delay", lambda report_id: None)
    client = _client(world)
    before = Report.objects.count()
    for _ in range(30):
        answer = client.post(f"/pairs/{world.pair.pk}/compare/")
        _finish_active(world.pair.pk)

    budget = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["compare"].split("/")[0])
    assert Report.objects.count() - before == budget
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "You started many comparisons just now" in page.content.decode()


# --- hostile text in charts ---------------------------------------------------------------------


def test_a_note_of_stacked_combining_accents_is_clipped_in_charts():
    import unicodedata

    from comparison.charts.text import MAX_COMBINING_MARKS, hover_text, shorten

    zalgo = "a" + "\u0301" * 499

    label, hover = shorten(zalgo), hover_text(zalgo)

    for text in (label, hover):
        stacked = sum(1 for char in text if unicodedata.combining(char))
        assert stacked <= MAX_COMBINING_MARKS
    # real accents survive: Vietnamese stacks two marks on one letter
    assert shorten("Việt") == "Việt"
    assert shorten(unicodedata.normalize("NFD", "Việt")) == unicodedata.normalize("NFD", "Việt")
