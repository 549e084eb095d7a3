"""Next actions: drafting from a report, editing, reordering, deleting, carrying into the
next round's map, CSV and Markdown exports; through the services, the pages and the API."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comparison import next_actions as actions
from comparison.models import ActionKind, NextAction, Report
from maps import services as map_services
from maps.models import Note
from maps.services import NoteData
from tests.comparison.pages.notes import APP, ONBOARDING, XSS, XSS_ESCAPED

pytestmark = pytest.mark.django_db

FORMULA = NoteData("gains", '=HYPERLINK("http://evil")', votes=1)


@pytest.fixture
def next_map(owner, persona):
    return map_services.map_create(
        user=owner, persona=persona, perspective="internal", title="Round 2 hypotheses", round=2
    )


def drafted(editor, report) -> list[NextAction]:
    actions.next_actions_draft(user=editor, report=report)
    return list(actions.report_actions(report))


# --- drafting -----------------------------------------------------------------------------


def test_draft_turns_missed_notes_into_questions_and_wrong_hypotheses_into_test_cards(
    editor, report
):
    # when
    outcome = actions.next_actions_draft(user=editor, report=report)

    # then
    assert len(outcome.created) == 3
    questions = [a for a in outcome.created if a.kind == ActionKind.HOW_MIGHT_WE]
    cards = [a for a in outcome.created if a.kind == ActionKind.TEST_CARD]
    (question,) = questions
    assert question.question == (
        "How might we relieve this pain: “Onboarding new staff takes weeks”?"
    )
    assert question.segment == "pains"
    assert question.source_match.customer_text == ONBOARDING.text
    assert {card.hypothesis for card in cards} == {APP.text, f"Wants dark mode {XSS}"}
    # test, metric and criterion are the team's to write, not placeholder text saved
    assert all((card.test, card.metric, card.criterion) == ("", "", "") for card in cards)
    # the most-voted first (onboarding has 4 votes), positions 0, 1, 2
    assert [a.position for a in actions.report_actions(report)] == [0, 1, 2]
    assert actions.report_actions(report)[0].kind == ActionKind.HOW_MIGHT_WE
    assert all(a.pair_id == report.pair_id and a.created_by == editor for a in outcome.created)


def test_drafting_twice_adds_nothing_new(editor, report):
    actions.next_actions_draft(user=editor, report=report)

    outcome = actions.next_actions_draft(user=editor, report=report)

    assert outcome.created == []
    assert outcome.already_drafted == 3
    assert NextAction.objects.filter(report=report).count() == 3


def test_viewer_cannot_draft_and_unfinished_reports_are_refused(viewer, editor, report):
    with pytest.raises(PermissionDenied):
        actions.next_actions_draft(user=viewer, report=report)
    Report.objects.filter(pk=report.pk).update(status="failed")
    with pytest.raises(ValidationError, match="finished comparison"):
        actions.next_actions_draft(user=editor, report=report)
    assert not NextAction.objects.exists()


def test_how_might_we_is_deterministic():
    assert actions.how_might_we("  Prices are  too high!! ", "pains") == (
        "How might we relieve this pain: “Prices are too high”?"
    )
    assert actions.how_might_we("x", "unknown") == "How might we address this: “x”?"


# --- editing ------------------------------------------------------------------------------


def test_update_move_and_delete(editor, report):
    first, second, third = drafted(editor, report)

    actions.next_action_update(
        user=editor, action=third, hypothesis="  Dark mode matters  ", metric="Sign-ups"
    )
    third.refresh_from_db()
    assert (third.hypothesis, third.metric) == ("Dark mode matters", "Sign-ups")

    actions.next_action_move(user=editor, action=third, offset=-5)
    assert [a.pk for a in actions.report_actions(report)] == [third.pk, first.pk, second.pk]

    actions.next_action_delete(user=editor, action=first)
    assert [a.pk for a in actions.report_actions(report)] == [third.pk, second.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"report": 99}, "report"),
        ({"question": "x" * 1001}, "question"),
        ({"segment": "moods"}, "segment"),
        ({"question": "bad \x00 byte"}, "question"),
        ({"question": "   "}, "question"),
    ],
)
def test_bad_updates_change_nothing(editor, report, changes, field):
    action = next(a for a in drafted(editor, report) if a.kind == ActionKind.HOW_MIGHT_WE)
    before = action.question

    with pytest.raises(ValidationError) as error:
        actions.next_action_update(user=editor, action=action, **changes)

    assert field in error.value.message_dict
    action.refresh_from_db()
    assert action.question == before
    assert action.report_id == report.pk


def test_viewer_cannot_edit_move_or_delete(viewer, editor, report):
    action = drafted(editor, report)[0]
    for call in (
        lambda: actions.next_action_update(user=viewer, action=action, question="Mine"),
        lambda: actions.next_action_move(user=viewer, action=action, offset=1),
        lambda: actions.next_action_delete(user=viewer, action=action),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert NextAction.objects.get(pk=action.pk).question == action.question


# --- carrying into the next round ---------------------------------------------------------


def test_carry_creates_notes_and_records_them(editor, report, next_map):
    drafted(editor, report)

    notes = actions.next_actions_carry(user=editor, report=report, empathy_map=next_map)

    assert len(notes) == 3
    texts = set(Note.objects.filter(map=next_map).values_list("text", flat=True))
    assert "How might we relieve this pain: “Onboarding new staff takes weeks”?" in texts
    assert APP.text in texts
    for action in actions.report_actions(report):
        assert action.carried_to_note.map_id == next_map.pk
    # carried once: a second carry has nothing left
    with pytest.raises(ValidationError, match="already been carried"):
        actions.next_actions_carry(user=editor, report=report, empathy_map=next_map)


def test_carry_into_a_sealed_map_is_refused(owner, editor, report, next_map):
    drafted(editor, report)
    map_services.note_create(user=owner, empathy_map=next_map, segment="sees", text="Seal me")
    next_map = map_services.map_seal(user=owner, empathy_map=next_map)

    with pytest.raises(ValidationError, match="sealed"):
        actions.next_actions_carry(user=editor, report=report, empathy_map=next_map)

    assert Note.objects.filter(map=next_map).count() == 1
    assert not NextAction.objects.filter(carried_to_note__isnull=False).exists()


def test_carry_refuses_customer_maps_and_actions_without_segment(editor, report, persona, owner):
    drafted(editor, report)
    customer = map_services.map_create(
        user=owner, persona=persona, perspective="customer", title="Customers 2", round=2
    )
    with pytest.raises(ValidationError, match="internal map of the same persona"):
        actions.next_actions_carry(user=editor, report=report, empathy_map=customer)

    internal = report.pair.internal_map
    NextAction.objects.filter(report=report).update(segment="")
    with pytest.raises(ValidationError, match="no segment"):
        actions.next_actions_carry(user=editor, report=report, empathy_map=internal)
    assert not NextAction.objects.filter(carried_to_note__isnull=False).exists()


# --- exports ------------------------------------------------------------------------------


def test_csv_export_is_formula_neutralised_and_round_trips(client, viewer, editor, report):
    action = drafted(editor, report)[0]
    actions.next_action_update(user=editor, action=action, question=FORMULA.text)
    client.force_login(viewer)

    response = client.get(
        reverse("report-actions-export", kwargs={"pk": report.pk, "file_format": "csv"})
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(actions.CSV_COLUMNS)
    assert rows[1][3] == "'" + FORMULA.text
    assert len(rows) == 4
    for row in rows[1:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r"


def test_markdown_export_escapes_markup(client, viewer, editor, report):
    drafted(editor, report)
    client.force_login(viewer)

    response = client.get(
        reverse("report-actions-export", kwargs={"pk": report.pk, "file_format": "md"})
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "## How might we…" in text
    assert "### Test card 1" in text
    assert XSS not in text
    assert r"\<script\>alert\(1\)\</script\>" in text


def test_unknown_export_format_is_404(client, viewer, report):
    client.force_login(viewer)
    url = reverse("report-actions-export", kwargs={"pk": report.pk, "file_format": "xlsx"})
    assert client.get(url).status_code == 404


# --- pages --------------------------------------------------------------------------------


def test_viewer_reads_the_list_without_edit_forms(client, viewer, editor, report):
    drafted(editor, report)
    client.force_login(viewer)

    response = client.get(reverse("report-actions", kwargs={"pk": report.pk}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "How might we relieve this pain" in page
    assert f"Wants dark mode {XSS_ESCAPED}" in page
    assert XSS not in page
    assert "/edit/" not in page
    assert "<textarea" not in page
    assert "/move/" not in page
    assert "/delete/" not in page
    assert "Draft from this report" not in page
    assert "Who anticipated what" not in page


def test_viewer_posts_are_refused(client, viewer, editor, report, next_map):
    action = drafted(editor, report)[0]
    client.force_login(viewer)
    posts = [
        (reverse("report-actions-draft", kwargs={"pk": report.pk}), {}),
        (reverse("report-actions-new", kwargs={"pk": report.pk}), {"kind": "hmw", "question": "Q"}),
        (reverse("report-actions-carry", kwargs={"pk": report.pk}), {"map": next_map.pk}),
        (reverse("next-action-edit", kwargs={"pk": action.pk}), {"question": "Mine"}),
        (reverse("next-action-move", kwargs={"pk": action.pk}), {"direction": "down"}),
        (reverse("next-action-delete", kwargs={"pk": action.pk}), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert NextAction.objects.filter(report=report).count() == 3
    assert NextAction.objects.get(pk=action.pk).question == action.question


def test_editor_drafts_edits_and_carries_through_the_pages(client, editor, report, next_map):
    client.force_login(editor)
    page_url = reverse("report-actions", kwargs={"pk": report.pk})

    response = client.post(reverse("report-actions-draft", kwargs={"pk": report.pk}))
    assert response.status_code == 302
    action = actions.report_actions(report)[0]

    response = client.post(
        reverse("next-action-edit", kwargs={"pk": action.pk}),
        {"segment": "gains", "question": f"How might we {XSS}?"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.segment, action.question) == ("gains", f"How might we {XSS}?")

    page = client.get(page_url).content.decode()
    assert XSS not in page
    assert f"How might we {XSS_ESCAPED}?" in page
    assert "Draft from this report" in page

    response = client.post(
        reverse("report-actions-carry", kwargs={"pk": report.pk}), {"map": next_map.pk}
    )
    assert response.status_code == 302
    assert Note.objects.filter(map=next_map).count() == 3


def test_page_shows_service_errors_and_changes_nothing(client, editor, report):
    action = drafted(editor, report)[0]
    client.force_login(editor)

    response = client.post(
        reverse("next-action-edit", kwargs={"pk": action.pk}),
        {"segment": "", "question": "  "},
        follow=True,
    )

    assert "needs its question" in response.content.decode()
    action.refresh_from_db()
    assert action.question.startswith("How might we")


# --- API ----------------------------------------------------------------------------------


def api_list(report) -> str:
    return reverse("api-report-next-actions", kwargs={"pk": report.pk})


def api_detail(action) -> str:
    return reverse("api-next-action-detail", kwargs={"pk": action.pk})


def test_api_draft_list_create_patch_delete(api, editor, viewer, report):
    client = api(editor)

    response = client.post(reverse("api-report-next-actions-draft", kwargs={"pk": report.pk}))
    assert response.status_code == 201
    assert len(response.json()["created"]) == 3

    response = api(viewer).get(api_list(report))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert set(body["results"][0]) == {
        "id",
        "report",
        "kind",
        "segment",
        "question",
        "hypothesis",
        "test",
        "metric",
        "criterion",
        "position",
        "carried_to_note",
        "created_at",
        "updated_at",
    }

    response = client.post(
        api_list(report), {"kind": "test_card", "hypothesis": "Price is fine"}, format="json"
    )
    assert response.status_code == 201
    created = NextAction.objects.get(pk=response.json()["id"])
    assert created.position == 3

    response = client.patch(api_detail(created), {"metric": "Churn", "position": 0}, format="json")
    assert response.status_code == 200
    assert response.json()["metric"] == "Churn"
    assert response.json()["position"] == 0
    assert actions.report_actions(report)[0].pk == created.pk

    response = client.delete(api_detail(created))
    assert response.status_code == 204
    assert not NextAction.objects.filter(pk=created.pk).exists()


def test_api_refuses_bad_input_and_mass_assignment(api, editor, report):
    action = drafted(editor, report)[0]
    client = api(editor)

    response = client.post(api_list(report), {"kind": "wish"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()

    response = client.post(api_list(report), {"kind": "hmw"}, format="json")
    assert response.status_code == 400
    assert "question" in str(response.json())

    response = client.patch(
        api_detail(action),
        {"report": 999, "pair": 999, "kind": "test_card", "carried_to_note": 1},
        format="json",
    )
    action_after = NextAction.objects.get(pk=action.pk)
    assert (action_after.report_id, action_after.kind, action_after.carried_to_note_id) == (
        report.pk,
        action.kind,
        None,
    )
    assert response.status_code == 200


def test_api_viewer_reads_but_cannot_write(api, viewer, editor, report):
    action = drafted(editor, report)[0]
    client = api(viewer)
    assert client.get(api_detail(action)).status_code == 200
    assert client.post(api_list(report), {"kind": "hmw", "question": "Q?"}).status_code == 403
    assert client.patch(api_detail(action), {"question": "Mine"}, format="json").status_code == 403
    assert client.delete(api_detail(action)).status_code == 403
    draft_url = reverse("api-report-next-actions-draft", kwargs={"pk": report.pk})
    assert client.post(draft_url).status_code == 403
    assert NextAction.objects.filter(report=report).count() == 3


def test_api_carry_and_sealed_refusal(api, owner, editor, report, next_map):
    drafted(editor, report)
    url = reverse("api-report-next-actions-carry", kwargs={"pk": report.pk})
    map_services.note_create(user=owner, empathy_map=next_map, segment="sees", text="x")
    map_services.map_seal(user=owner, empathy_map=next_map)

    response = api(editor).post(url, {"map": next_map.pk}, format="json")
    assert response.status_code == 400
    assert "sealed" in str(response.json())

    map_services.map_unseal(user=owner, empathy_map=next_map)
    first = actions.report_actions(report)[0]
    response = api(editor).post(url, {"map": next_map.pk, "actions": [first.pk]}, format="json")
    assert response.status_code == 201
    assert len(response.json()["notes"]) == 1


# --- scoping ------------------------------------------------------------------------------


def test_outsider_gets_404_on_every_action_route(client, api, outsider, editor, report, next_map):
    action = drafted(editor, report)[0]
    client.force_login(outsider)
    pages = {
        "get": [
            reverse("report-actions", kwargs={"pk": report.pk}),
            reverse("report-actions-export", kwargs={"pk": report.pk, "file_format": "csv"}),
            reverse("report-actions-export", kwargs={"pk": report.pk, "file_format": "md"}),
        ],
        "post": [
            reverse("report-actions-draft", kwargs={"pk": report.pk}),
            reverse("report-actions-new", kwargs={"pk": report.pk}),
            reverse("report-actions-carry", kwargs={"pk": report.pk}),
            reverse("next-action-edit", kwargs={"pk": action.pk}),
            reverse("next-action-move", kwargs={"pk": action.pk}),
            reverse("next-action-delete", kwargs={"pk": action.pk}),
        ],
    }
    for method, urls in pages.items():
        for url in urls:
            assert getattr(client, method)(url).status_code == 404, url
    outsider_api = api(outsider)
    assert outsider_api.get(api_list(report)).status_code == 404
    assert outsider_api.post(api_list(report), {"kind": "hmw", "question": "Q"}).status_code == 404
    for name in ("api-report-next-actions-draft", "api-report-next-actions-carry"):
        url = reverse(name, kwargs={"pk": report.pk})
        assert outsider_api.post(url, {"map": next_map.pk}).status_code == 404
    assert outsider_api.get(api_detail(action)).status_code == 404
    assert outsider_api.patch(api_detail(action), {"question": "x"}).status_code == 404
    assert outsider_api.delete(api_detail(action)).status_code == 404
    assert NextAction.objects.filter(report=report).count() == 3
    assert not Note.objects.filter(map=next_map).exists()
