"""A persona's rounds: what changed between two rounds and the segment trend
(`comparison.pages.rounds`), and the rounds page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from comparison import engine
from comparison.pages import note_matching, rounds
from comparison.selectors.notes import NoteRef
from comparison.selectors.rounds import ReportRow
from maps.services import NoteData
from tests.comparison.pages.notes import APP, ONBOARDING, PRICE, TOOLS, XSS, XSS_ESCAPED
from tests.support.builders import build_round

pytestmark = pytest.mark.django_db


def test_diff_notes_finds_new_gone_and_changed():
    old = [
        NoteRef("pains", "Too many tools that do not talk to each other"),
        NoteRef("pains", "Worried about the price of the licence"),
        NoteRef("sees", "Onboarding new staff takes weeks"),
    ]
    new = [
        NoteRef("pains", "Too many tools that do not talk to each other at all"),
        NoteRef("pains", "Worried about the price of the licence"),
        NoteRef("gains", "Wants a public API for the ERP"),
    ]

    diff = rounds.diff_notes(old, new, engine.DEFAULT_SETTINGS, label="Customers")

    assert [note.text for note in diff.new] == ["Wants a public API for the ERP"]
    assert [note.text for note in diff.gone] == ["Onboarding new staff takes weeks"]
    (changed,) = diff.changed
    assert changed.old.text == old[0].text
    assert changed.new.text == new[0].text
    assert diff.unchanged == 1


def test_diff_notes_limit_is_explicit(monkeypatch):
    monkeypatch.setattr(note_matching, "COMPARE_MAX_NOTES", 1)
    notes = [NoteRef("sees", "a b c"), NoteRef("sees", "d e f")]
    diff = rounds.diff_notes(notes, notes[:1], engine.DEFAULT_SETTINGS)
    assert diff.skipped
    assert diff.new == diff.gone == diff.changed == ()


def _two_rounds(owner, persona):
    build_round(
        owner,
        persona,
        customer=[TOOLS, PRICE, ONBOARDING],
        teams={"management": [APP], "sales": [TOOLS]},
        round_number=1,
        held_on=datetime.date(2026, 3, 1),
    )
    build_round(
        owner,
        persona,
        customer=[
            NoteData("pains", "Too many tools that do not talk to each other at all"),
            PRICE,
            NoteData("gains", f"Wants a public API {XSS}"),
        ],
        teams={"management": [APP, TOOLS], "sales": [TOOLS]},
        round_number=2,
        held_on=datetime.date(2026, 9, 1),
    )


def test_rounds_diff_and_trend(owner, persona):
    _two_rounds(owner, persona)

    diff = rounds.rounds_diff(owner, persona, 1, 2)

    assert [note.text for note in diff.customer.new] == [f"Wants a public API {XSS}"]
    assert [note.text for note in diff.customer.gone] == [ONBOARDING.text]
    assert len(diff.customer.changed) == 1
    assert diff.customer.unchanged == 1
    internal = {item.label: item for item in diff.internal}
    assert [note.text for note in internal["management"].new] == [TOOLS.text]
    assert internal["sales"].new == internal["sales"].gone == ()
    assert internal["sales"].unchanged == 1
    assert [point.round for point in diff.trend] == [1, 2]
    assert diff.trend[0].scores["pains"] is not None
    assert diff.trend[1].overall > diff.trend[0].overall


def test_segment_trend_pools_the_teams_of_a_round():
    def row(round_number, confirmed, internal, anticipated, customer):
        figures = {
            "confirmed": confirmed,
            "internal_count": internal,
            "anticipated": anticipated,
            "customer_count": customer,
            "empathy_score": 99.0,  # a single comparison keeps its own figure
        }
        return ReportRow(
            report_id=round_number,
            pair_id=1,
            team="",
            internal_title="",
            internal_map_id=1,
            customer_map_id=1,
            customer_title="",
            round=round_number,
            workshop_date=None,
            settings={},
            summary={**figures, "segments": {"pains": figures}},
        )

    points = rounds.segment_trend([row(1, 1, 2, 1, 2), row(1, 2, 2, 2, 2), row(2, 1, 1, 1, 1)])

    assert [point.round for point in points] == [1, 2]
    assert points[0].scores["pains"] == 75.0  # precision 3/4, coverage 3/4
    assert points[1].scores["pains"] == 99.0
    assert points[0].scores["sees"] is None


def test_rounds_page_shows_pickers_diff_and_trend_escaped(client, owner, viewer, persona):
    _two_rounds(owner, persona)
    client.force_login(viewer)

    response = client.get(reverse("persona-rounds", kwargs={"pk": persona.pk}))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="chart-round-trend"' in page
    assert 'name="old"' in page
    assert 'name="new"' in page
    assert f"Wants a public API {XSS_ESCAPED}" in page
    assert XSS not in page
    assert response.context["diff"].old_round == 1


def test_rounds_page_refuses_the_same_round_twice(client, owner, viewer, persona):
    _two_rounds(owner, persona)
    client.force_login(viewer)

    response = client.get(
        reverse("persona-rounds", kwargs={"pk": persona.pk}), {"old": 2, "new": 2}
    )

    assert response.status_code == 200
    assert response.context["diff"] is None
    assert "Choose two different rounds" in response.content.decode()


def test_rounds_page_with_one_round_says_so(client, owner, viewer, persona):
    build_round(owner, persona, customer=[TOOLS], teams={"sales": [TOOLS]})
    client.force_login(viewer)
    response = client.get(reverse("persona-rounds", kwargs={"pk": persona.pk}))
    assert response.status_code == 200
    assert "One round so far" in response.content.decode()
