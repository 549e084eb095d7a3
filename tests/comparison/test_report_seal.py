"""A report records the internal map's seal as it was when the comparison ran: the report
page, the shared page, the exports and the API show that record, never the map's state
today, so a later unseal or re-seal leaves an old report as it was."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comparison import exports, selectors, services, sharing, tasks
from comparison.models import Report
from maps import services as map_services
from maps.models import EmpathyMap, Note
from maps.selectors import notes_digest
from tests.support.factories import MembershipFactory, ReportFactory

pytestmark = pytest.mark.django_db

EXACT = "the comparison used exactly the sealed hypotheses"
NOT_SEALED = "no: the hypotheses were not sealed when the comparison ran"


@pytest.fixture
def sealed_map(compared_pair, editor) -> EmpathyMap:
    return map_services.map_seal(user=editor, empathy_map=compared_pair.internal_map)


def page(client, user, report: Report) -> str:
    client.force_login(user)
    response = client.get(reverse("report-page", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return response.content.decode()


def header(html_text: str) -> str:
    return html_text[: html_text.index('id="report-settings-heading"')]


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y, %H:%M")


def test_a_sealed_map_is_recorded_with_time_person_and_digest(
    client, viewer, editor, compared_pair, sealed_map
):
    # when the sealed hypotheses are compared
    report = ReportFactory(pair=compared_pair, by=editor)

    # then the report keeps the seal as it was
    seal = selectors.report_seal(report)
    assert seal.recorded
    assert seal.sealed is True
    assert seal.sealed_at == sealed_map.sealed_at
    assert seal.sealed_by == "editor"
    assert seal.seal_digest == sealed_map.seal_digest
    assert seal.compared_digest == sealed_map.seal_digest
    assert seal.compared_sealed_notes is True
    assert not seal.mismatch
    text = header(page(client, viewer, report))
    assert "Sealed when compared" in text
    assert "yes, sealed <time datetime=" in text
    assert local(sealed_map.sealed_at) in text
    assert "by editor" in text
    assert EXACT in text
    assert f"<code>{sealed_map.seal_digest}</code>" in text


def test_unsealing_or_resealing_later_does_not_change_an_old_report(
    client, viewer, owner, editor, compared_pair, sealed_map
):
    # given a report of the sealed map
    old = ReportFactory(pair=compared_pair, by=editor)
    recorded = dict(old.internal_seal)

    # when an owner unseals it, someone edits a hypothesis and it is sealed again
    map_services.map_unseal(user=owner, empathy_map=sealed_map)
    note = compared_pair.internal_map.notes.order_by("id").first()
    map_services.note_update(user=owner, note=note, text="A hypothesis improved afterwards")
    resealed = map_services.map_seal(user=owner, empathy_map=compared_pair.internal_map)
    assert resealed.seal_digest != sealed_map.seal_digest

    # then the old report still says what it compared: the first seal, by the editor
    old.refresh_from_db()
    assert old.internal_seal == recorded
    text = header(page(client, viewer, old))
    assert local(sealed_map.sealed_at) in text
    assert "by editor" in text
    assert sealed_map.seal_digest in text
    assert resealed.seal_digest not in text
    assert EXACT in text

    # and a new report records the new seal
    new = ReportFactory(pair=compared_pair, by=editor)
    assert selectors.report_seal(new).sealed_by == "owner"
    assert selectors.report_seal(new).seal_digest == resealed.seal_digest
    assert selectors.report_seal(new).compared_sealed_notes is True


def test_a_report_of_an_unsealed_map_says_not_sealed_even_after_a_seal(
    client, viewer, editor, compared_pair
):
    report = ReportFactory(pair=compared_pair, by=editor)
    seal = selectors.report_seal(report)
    assert (seal.recorded, seal.sealed, seal.compared_sealed_notes) == (True, False, None)
    assert seal.compared_digest == notes_digest(compared_pair.internal_map.notes.all())

    # sealing the map afterwards does not make the old comparison "sealed"
    map_services.map_seal(user=editor, empathy_map=compared_pair.internal_map)

    text = header(page(client, viewer, report))
    assert NOT_SEALED in text
    assert "Seal digest" not in text


def test_edited_after_an_unseal_is_not_sealed_and_keeps_the_workshop_flag(
    client, viewer, owner, editor, compared_pair, sealed_map
):
    # given hypotheses sealed, unsealed and edited after the customer workshop (12 Mar 2026)
    map_services.map_unseal(user=owner, empathy_map=sealed_map)
    note = compared_pair.internal_map.notes.order_by("id").first()
    map_services.note_update(user=owner, note=note, text="Improved after hearing customers")

    report = ReportFactory(pair=compared_pair, by=editor)

    assert selectors.report_seal(report).sealed is False
    text = header(page(client, viewer, report))
    assert NOT_SEALED in text
    assert "changed after the customer workshop" in text  # the existing flag stays


def test_notes_changed_around_the_seal_are_flagged(
    client, viewer, editor, compared_pair, sealed_map
):
    # given a sealed map whose note is changed behind the services' guard (database, admin)
    first = compared_pair.internal_map.notes.order_by("id").first()
    Note.objects.filter(pk=first.pk).update(text="Rewritten behind the seal")

    report = ReportFactory(pair=compared_pair, by=editor)

    seal = selectors.report_seal(report)
    assert seal.sealed is True
    assert seal.compared_sealed_notes is False
    assert seal.mismatch
    assert seal.compared_digest != seal.seal_digest
    text = header(page(client, viewer, report))
    assert "but the compared notes differ from the sealed ones" in text
    assert 'class="report-seal report-flag"' in text
    assert EXACT not in text


def test_a_review_keeps_the_recorded_seal(editor, owner, compared_pair, sealed_map):
    report = ReportFactory(pair=compared_pair, by=editor)
    recorded = dict(report.internal_seal)
    map_services.map_unseal(user=owner, empathy_map=sealed_map)
    match = report.matches.filter(kind="pair").first()

    services.decision_record(
        user=editor,
        report=report,
        internal_note_id=match.internal_note_id,
        customer_note_id=match.customer_note_id,
        accepted=False,
    )

    report.refresh_from_db()
    assert report.internal_seal == recorded


def test_the_sealers_name_outlives_their_account(
    owner, editor, workspace, compared_pair, sealed_map
):
    sealer = get_user_model().objects.create_user("temp-sealer", password="pw-for-tests")
    MembershipFactory(workspace=workspace, user=sealer, role="editor")
    map_services.map_unseal(user=owner, empathy_map=sealed_map)
    map_services.map_seal(user=sealer, empathy_map=compared_pair.internal_map)
    report = ReportFactory(pair=compared_pair, by=editor)

    sealer.delete()

    assert selectors.report_seal(Report.objects.get(pk=report.pk)).sealed_by == "temp-sealer"


def test_older_reports_without_a_record_say_not_recorded(
    client, api, viewer, editor, compared_pair, sealed_map
):
    # given a report run before reports kept the seal (the map is sealed today)
    report = ReportFactory(pair=compared_pair, by=editor)
    Report.objects.filter(pk=report.pk).update(internal_seal=None)
    report.refresh_from_db()

    text = header(page(client, viewer, report))
    assert "not recorded" in text
    assert "yes, sealed" not in text  # the map's state today is not shown instead
    assert NOT_SEALED not in text
    unknown = {
        "recorded": False,
        "sealed": None,
        "sealed_at": None,
        "sealed_by": "",
        "seal_digest": "",
        "compared_digest": "",
        "compared_sealed_notes": None,
    }
    assert exports.report_json(report)["internal_seal"] == unknown
    assert api(viewer).get(f"/api/reports/{report.pk}/").json()["internal_seal"] == unknown


def test_api_and_exports_carry_the_recorded_seal(
    client, api, viewer, owner, editor, compared_pair, sealed_map
):
    report = ReportFactory(pair=compared_pair, by=editor)
    map_services.map_unseal(user=owner, empathy_map=sealed_map)  # later: must not matter
    expected = {
        "recorded": True,
        "sealed": True,
        "sealed_at": sealed_map.sealed_at.isoformat(),
        "sealed_by": "editor",
        "seal_digest": sealed_map.seal_digest,
        "compared_digest": sealed_map.seal_digest,
        "compared_sealed_notes": True,
    }

    # the API's report
    body = api(viewer).get(f"/api/reports/{report.pk}/").json()
    assert body["internal_seal"] == expected
    assert api(viewer).get("/api/reports/").json()["results"][0]["internal_seal"] == expected

    # the JSON export, on the web and through the API, after the engine's contract keys
    client.force_login(viewer)
    web = client.get(reverse("report-export", kwargs={"pk": report.pk, "file_format": "json"}))
    assert json.loads(web.content)["internal_seal"] == expected
    via_api = api(viewer).get(f"/api/reports/{report.pk}/export/", {"format": "json"})
    assert list(json.loads(via_api.content))[-1] == "internal_seal"
    assert json.loads(via_api.content)["internal_seal"] == expected

    # the HTML export and the shared page show the same record
    html_export = client.get(
        reverse("report-export", kwargs={"pk": report.pk, "file_format": "html"})
    ).content.decode()
    assert EXACT in html_export
    assert sealed_map.seal_digest in html_export
    _, token = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    visitor = Client()
    opened = visitor.get(reverse("share-open", kwargs={"token": token}))
    shared = visitor.get(opened["Location"]).content.decode()
    assert EXACT in shared
    assert "by editor" in shared
    assert sealed_map.seal_digest in shared


def test_a_queued_report_records_the_seal_only_when_it_runs(
    client, viewer, editor, compared_pair, sealed_map, monkeypatch
):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    report, _ = services.report_request(user=editor, pair=compared_pair)
    assert report.internal_seal is None

    text = header(page(client, viewer, report))

    assert "recorded when the comparison runs" in text
    assert "not recorded" not in text
