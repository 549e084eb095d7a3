"""Per-participant overconfidence of a report (`comparison.pages.participants`) and its
page, for owners and editors only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comparison.pages import participants
from maps.models import Note
from maps.services import NoteData
from tests.comparison.pages.notes import APP, ONBOARDING, PRICE, REPORTING, TOOLS, XSS, XSS_ESCAPED
from tests.support.builders import build_round

pytestmark = pytest.mark.django_db


def test_participant_overconfidence_per_author(owner, persona):
    # given Ann (one right, one wrong) and Bob (two wrong) and a note without an author
    reports = build_round(
        owner,
        persona,
        customer=[TOOLS, ONBOARDING],
        teams={"management": [TOOLS, PRICE, APP, REPORTING, NoteData("sees", "Competitor ads")]},
    )
    report = reports["management"]

    # when
    rows = {row.author: row for row in participants.participant_overconfidence(report)}

    # then
    assert rows["Ann"].hypotheses == 2
    assert rows["Ann"].confirmed == 1
    assert rows["Ann"].unconfirmed == 1
    assert rows["Ann"].unconfirmed_share == 50.0
    assert rows["Ann"].anticipated == 1
    assert rows["Ann"].anticipated_share == 100.0
    assert rows["Bob"].unconfirmed_share == 100.0
    assert rows["Bob"].anticipated == 0
    assert rows[participants.NO_AUTHOR].hypotheses == 1
    # the most overconfident first
    assert next(iter(rows)) in {"Bob", participants.NO_AUTHOR}


def test_participant_of_a_deleted_note_is_unknown(owner, persona):
    reports = build_round(owner, persona, customer=[ONBOARDING], teams={"sales": [APP]})
    Note.objects.filter(text=APP.text).delete()

    rows = participants.participant_overconfidence(reports["sales"])

    assert [(row.author, row.hypotheses) for row in rows] == [(participants.UNKNOWN_AUTHOR, 1)]


def test_participants_page_names_for_editors_only(client, owner, editor, viewer, persona):
    reports = build_round(
        owner,
        persona,
        customer=[TOOLS],
        teams={"sales": [TOOLS, NoteData("gains", "Fast quotes", author=f"Eve {XSS}")]},
    )
    url = reverse("report-participants", kwargs={"pk": reports["sales"].pk})

    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 403
    assert "Eve" not in response.content.decode()

    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Eve {XSS_ESCAPED}" in page
    assert XSS not in page
    assert "Ann" in page
