import pytest

from comparison import services, tasks
from comparison.models import Report
from tests.support.factories import MapPairFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(persona):
    return MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Too many tools that don't talk")],
        customer_map__notes=[
            ("pains", "Too many tools that do not talk"),
            ("gains", "One login for all"),
        ],
    )


@pytest.fixture
def no_broker(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: sent.append(report_id))
    return sent


def test_compare_answers_202_and_the_report_reads_back(
    api, editor, pair, no_broker, django_capture_on_commit_callbacks
):
    client = api(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/pairs/{pair.pk}/compare/", {"threshold": 85}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert no_broker == [body["report"]]

    services.report_run(report_id=body["report"])
    report = client.get(f"/api/reports/{body['report']}/").json()
    assert report["status"] == "succeeded"
    assert report["progress"] == 100
    assert report["settings"]["threshold"] == 85
    assert {"empathy_score", "precision", "coverage", "segments"} <= set(report["summary"])

    matches = client.get(f"/api/reports/{body['report']}/matches/").json()
    assert matches["count"] == 2
    verdicts = {row["verdict"] for row in matches["results"]}
    assert verdicts == {"confirmed", "missed"}
    only_missed = client.get(f"/api/reports/{body['report']}/matches/?verdict=missed").json()
    assert [row["customer_text"] for row in only_missed["results"]] == ["One login for all"]


def test_compare_with_bad_settings_is_400(api, editor, pair, no_broker):
    response = api(editor).post(f"/api/pairs/{pair.pk}/compare/", {"threshold": 250}, format="json")
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_review_through_the_api(api, editor, pair, no_broker):
    report, _ = services.report_request(user=editor, pair=pair)
    services.report_run(report_id=report.pk)
    internal = pair.internal_map.notes.get()
    customer = pair.customer_map.notes.get(segment="pains")
    response = api(editor).post(
        f"/api/reports/{report.pk}/decisions/",
        {"internal_note": internal.pk, "customer_note": customer.pk, "accepted": False},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["summary"]["precision"] == 0
    listed = api(editor).get(f"/api/reports/{report.pk}/decisions/").json()
    assert [row["accepted"] for row in listed["results"]] == [False]


def test_viewer_cannot_compare_or_review(api, viewer, editor, pair, no_broker):
    assert api(viewer).post(f"/api/pairs/{pair.pk}/compare/", {}, format="json").status_code == 403
    report, _ = services.report_request(user=editor, pair=pair)
    services.report_run(report_id=report.pk)
    response = api(viewer).post(
        f"/api/reports/{report.pk}/decisions/",
        {"internal_note": 1, "customer_note": 2, "accepted": True},
        format="json",
    )
    assert response.status_code == 403
    assert api(viewer).get(f"/api/reports/{report.pk}/").status_code == 200


def test_outsiders_get_404(api, outsider, other_workspace, editor, pair, no_broker):
    report, _ = services.report_request(user=editor, pair=pair)
    client = api(outsider)
    assert client.post(f"/api/pairs/{pair.pk}/compare/", {}, format="json").status_code == 404
    for path in ("", "matches/", "decisions/"):
        assert client.get(f"/api/reports/{report.pk}/{path}").status_code == 404
    assert client.get("/api/reports/").json()["results"] == []
