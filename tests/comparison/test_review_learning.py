"""Learning from review: a pair of note texts a person confirmed or dismissed in a workspace
is decided the same way in later comparisons of any pair of that workspace, and nowhere
else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comparison import services
from comparison.models import Match
from comparison.services.results import text_digest
from maps.models import Note
from tests.support.factories import (
    MapPairFactory,
    PersonaFactory,
    ReportFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

HYPOTHESIS = "Price sensitive"
EVIDENCE = "I add up what everything costs, every single week"
LOOK_ALIKE = ("Tenants complain about the heating", "Tenants complain about dirty restrooms")


def compare(persona, internal, customer, by):
    pair = MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=internal,
        customer_map__notes=customer,
    )
    return ReportFactory(pair=pair, by=by)


def decide(report, user, internal_text: str, customer_text: str, *, accepted: bool):
    notes = {
        note.text: note.pk
        for note in Note.objects.filter(
            map__in=[report.pair.internal_map_id, report.pair.customer_map_id]
        )
    }
    return services.decision_record(
        user=user,
        report=report,
        internal_note_id=notes[internal_text],
        customer_note_id=notes[customer_text],
        accepted=accepted,
    )


def row(report, internal_text: str) -> Match:
    return Match.objects.exclude(kind="also").get(report=report, internal_text=internal_text)


def test_a_confirmed_pair_is_confirmed_in_a_later_run_of_another_pair(
    client, owner, editor, persona, workspace
):
    # given a confirmation in one pair of the workspace
    first = compare(persona, [("pains", HYPOTHESIS)], [("pains", EVIDENCE)], editor)
    assert row(first, HYPOTHESIS).verdict == "unconfirmed"  # no shared word: not by itself
    decide(first, editor, HYPOTHESIS, EVIDENCE, accepted=True)

    # when another persona's pair with the same two texts (other notes) is compared
    other_persona = PersonaFactory(workspace=workspace, name="Max, shop owner")
    later = compare(
        other_persona,
        [("pains", HYPOTHESIS), ("gains", "Wants one place for all data")],
        [("pains", EVIDENCE), ("gains", "Keeps everything in one tool")],
        editor,
    )

    # then it is confirmed there too, marked as learned from review
    learned = row(later, HYPOTHESIS)
    assert (learned.kind, learned.customer_text, learned.verdict, learned.source) == (
        "pair",
        EVIDENCE,
        "confirmed",
        "learned",
    )
    assert learned.internal_note.map_id == later.pair.internal_map_id
    assert (later.decisions_applied, later.decisions_learned) == (1, 1)
    assert later.summary["confirmed"] >= 1
    client.force_login(editor)
    text = client.get(reverse("report-page", kwargs={"pk": later.pk})).content.decode()
    assert "reviewed earlier" in text
    assert "1 of the review decisions was learned" in text


def test_learning_stays_inside_the_workspace(owner, editor, persona, outsider):
    first = compare(persona, [("pains", HYPOTHESIS)], [("pains", EVIDENCE)], editor)
    decide(first, editor, HYPOTHESIS, EVIDENCE, accepted=True)

    elsewhere = PersonaFactory(workspace=WorkspaceFactory(owner=outsider), name="Bob")
    theirs = compare(elsewhere, [("pains", HYPOTHESIS)], [("pains", EVIDENCE)], outsider)

    mine = row(theirs, HYPOTHESIS)
    assert (mine.verdict, mine.source) == ("unconfirmed", "engine")
    assert (theirs.decisions_applied, theirs.decisions_learned) == (0, 0)


def test_a_dismissed_look_alike_is_not_paired_in_a_later_run(editor, persona, workspace):
    hypothesis, look_alike = LOOK_ALIKE
    first = compare(persona, [("pains", hypothesis)], [("pains", look_alike)], editor)
    assert row(first, hypothesis).kind == "pair"  # the words alone pair them
    decide(first, editor, hypothesis, look_alike, accepted=False)

    later = compare(
        PersonaFactory(workspace=workspace, name="Landlord"),
        [("pains", hypothesis)],
        [("pains", look_alike), ("sees", "Radiators stay cold all winter")],
        editor,
    )

    assert row(later, hypothesis).kind == "unmatched"
    assert row(later, hypothesis).verdict == "unconfirmed"
    assert later.decisions_learned == 1
    for suggestion in later.suggestions.filter(customer_text=look_alike):
        assert (suggestion.state, suggestion.learned) == ("dismissed", True)


def test_the_pairs_own_decision_wins_over_one_learned_elsewhere(editor, persona, workspace):
    hypothesis, look_alike = LOOK_ALIKE
    elsewhere = compare(persona, [("pains", hypothesis)], [("pains", look_alike)], editor)
    decide(elsewhere, editor, hypothesis, look_alike, accepted=False)
    # this pair decided the opposite earlier, on these very notes
    mine = compare(
        PersonaFactory(workspace=workspace, name="Landlord"),
        [("pains", hypothesis)],
        [("pains", look_alike)],
        editor,
    )
    decide(mine, editor, hypothesis, look_alike, accepted=True)
    decide(elsewhere, editor, hypothesis, look_alike, accepted=False)  # the latest decision

    again = ReportFactory(pair=mine.pair, by=editor)

    assert (row(again, hypothesis).kind, row(again, hypothesis).source) == ("pair", "manual")
    assert (again.decisions_applied, again.decisions_learned) == (1, 0)


def test_the_same_text_is_recognised_whatever_its_case_and_spacing():
    assert text_digest("Price  sensitive\n") == text_digest("price sensitive")
    assert text_digest("Price sensitive") != text_digest("Price insensitive")
