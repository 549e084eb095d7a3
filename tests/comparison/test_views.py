"""The pair page's Compare button, the report page and its review form."""

import pytest
from django.urls import reverse

from comparison import tasks
from comparison.models import Match, Report
from tests.support.factories import MapPairFactory, ReportFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def pair(persona):
    return MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Too many tools that don't talk"), ("sees", XSS)],
        customer_map__notes=[("pains", "Too many tools that do not talk")],
    )


@pytest.fixture
def report(pair, editor):
    return ReportFactory(pair=pair, by=editor)


def test_compare_button_queues_a_report(client, editor, pair, monkeypatch):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    client.force_login(editor)
    response = client.post(reverse("pair-compare", kwargs={"pk": pair.pk}))
    assert response.status_code == 302
    assert Report.objects.filter(pair=pair, status="queued").count() == 1
    page = client.get(reverse("pair-detail", kwargs={"pk": pair.pk}))
    assert b"job-progress" in page.content


def test_viewer_cannot_compare(client, viewer, pair):
    client.force_login(viewer)
    assert client.post(reverse("pair-compare", kwargs={"pk": pair.pk})).status_code == 403
    assert not Report.objects.exists()


def test_report_page_lists_segments_verdicts_and_escapes_notes(client, viewer, report):
    client.force_login(viewer)
    response = client.get(reverse("report-page", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    segments = html[html.index('id="all-matches"') :]  # every note, segment by segment
    assert segments.index("Sees") < segments.index("Says &amp; Does") < segments.index("Gains")
    assert "Too many tools that do not talk" in html
    assert "verdict-confirmed" in html
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'name="decision"' not in html  # viewers get no review controls


def test_rejecting_from_the_report_page_recomputes(client, editor, report, pair):
    client.force_login(editor)
    pairing = Match.objects.get(report=report, kind="pair")
    response = client.post(
        reverse("report-decide", kwargs={"pk": report.pk}),
        {
            "internal_note": pairing.internal_note_id,
            "customer_note": pairing.customer_note_id,
            "decision": "reject",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.summary["precision"] == 0
    assert not Match.objects.filter(report=report, kind="pair").exists()


def test_outsider_gets_404_on_report_pages(client, outsider, other_workspace, report):
    client.force_login(outsider)
    assert client.get(reverse("report-page", kwargs={"pk": report.pk})).status_code == 404
    response = client.post(reverse("report-decide", kwargs={"pk": report.pk}), {})
    assert response.status_code == 404
