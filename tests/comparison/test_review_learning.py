"""Learning from review: a pair of note texts a person confirmed or dismissed in a workspace
is decided the same way in later comparisons of any pair of that workspace, and nowhere
else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comparison import services
from comparison.models import Match, ReviewDecision
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


# --- the link model learns from the workspace's decisions (hybrid runs) --------------------

SEGMENTS = ("pains", "gains", "hears", "sees", "says_does", "thinks_feels")
HYBRID_RUN = {"scorer": "hybrid", "threshold": 50, "partial_threshold": 40}


def hybrid_pair_notes(topic: str):
    internal = [(segment, f"{topic} hypothesis {k}") for k, segment in enumerate(SEGMENTS)]
    customer = [(segment, f"{topic} story {k} told") for k, segment in enumerate(SEGMENTS)]
    return internal, customer


def decide_every_suggestion(report, user, *, accepted):
    for suggestion in list(report.suggestions.all()):
        report = services.decision_record(
            user=user,
            report=report,
            internal_note_id=suggestion.internal_note_id,
            customer_note_id=suggestion.customer_note_id,
            accepted=accepted,
        )
    return report


def test_decisions_on_suggestions_refit_the_model_of_later_runs_in_the_workspace(
    client, fake, editor, persona, workspace, outsider
):
    # given a hybrid report whose suggestions an editor dismissed, one by one
    internal, customer = hybrid_pair_notes("first")
    pair = MapPairFactory(
        internal_map__persona=persona, internal_map__notes=internal, customer_map__notes=customer
    )
    first = ReportFactory(pair=pair, by=editor, settings=HYBRID_RUN)
    assert first.summary["semantic"]["scoring"] == "calibrated"
    decided = first.suggestions.count()
    assert decided >= 3
    decide_every_suggestion(first, editor, accepted=False)

    stored = ReviewDecision.objects.filter(pair=pair)
    assert stored.count() == decided
    assert all(len(decision.features) == 15 for decision in stored)
    assert set(stored.values_list("scorer", flat=True)) == {"hybrid"}

    # a few confirmations too: a refit needs decisions of both kinds
    second_internal, second_customer = hybrid_pair_notes("second")
    second = ReportFactory(
        pair=MapPairFactory(
            internal_map__persona=persona,
            internal_map__notes=second_internal,
            customer_map__notes=second_customer,
        ),
        by=editor,
        settings=HYBRID_RUN,
    )
    assert second.summary["semantic"]["reviewed"] == 0  # all dismissals: not enough yet
    decide_every_suggestion(second, editor, accepted=True)

    # when another pair of the workspace is compared with the hybrid scorer
    later_internal, later_customer = hybrid_pair_notes("later")
    later = ReportFactory(
        pair=MapPairFactory(
            internal_map__persona=PersonaFactory(workspace=workspace, name="Other"),
            internal_map__notes=later_internal,
            customer_map__notes=later_customer,
        ),
        by=editor,
        settings=HYBRID_RUN,
    )
    # then its model was refitted with every decision of the workspace, and it says so
    count = ReviewDecision.objects.count()
    assert later.summary["semantic"]["reviewed"] == count
    client.force_login(editor)
    page = client.get(reverse("report-page", kwargs={"pk": later.pk})).content.decode()
    assert f"learned from {count} suggestions confirmed or dismissed" in page
    # and a review of that report keeps the model it ran with (a decision refines later
    # runs, never the scores under the reviewer's eyes)
    suggestion = later.suggestions.first()
    reviewed = services.decision_record(
        user=editor,
        report=later,
        internal_note_id=suggestion.internal_note_id,
        customer_note_id=suggestion.customer_note_id,
        accepted=True,
    )
    assert reviewed.summary["semantic"]["reviewed"] == later.summary["semantic"]["reviewed"]

    # and nowhere else
    elsewhere = ReportFactory(
        pair=MapPairFactory(
            internal_map__persona=PersonaFactory(
                workspace=WorkspaceFactory(owner=outsider), name="Bob"
            ),
            internal_map__notes=later_internal,
            customer_map__notes=later_customer,
        ),
        by=outsider,
        settings=HYBRID_RUN,
    )
    assert elsewhere.summary["semantic"]["reviewed"] == 0


def test_a_hand_link_teaches_the_model_nothing(fake, editor, persona):
    internal, customer = hybrid_pair_notes("hand")
    pair = MapPairFactory(
        internal_map__persona=persona, internal_map__notes=internal, customer_map__notes=customer
    )
    report = ReportFactory(pair=pair, by=editor, settings=HYBRID_RUN)
    suggested = set(report.suggestions.values_list("internal_note_id", "customer_note_id"))
    notes = list(Note.objects.filter(map=pair.internal_map_id))
    others = list(Note.objects.filter(map=pair.customer_map_id))
    unsuggested = next((a.pk, b.pk) for a in notes for b in others if (a.pk, b.pk) not in suggested)
    services.decision_record(
        user=editor,
        report=report,
        internal_note_id=unsuggested[0],
        customer_note_id=unsuggested[1],
        accepted=True,
    )
    decision = ReviewDecision.objects.get(pair=pair)
    assert (decision.features, decision.scorer) == (None, "")
