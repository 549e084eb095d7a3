"""The report in German: the page in the reader's language, and a report's own language
(`Report.language`) for what a client reads of it, its shared page and its exports,
whatever the reader's browser asks for."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from comparison import sharing
from comparison.models import Report
from comparison.next_actions import services as action_services
from comparison.pages.report import report_page_context
from comparison.services.language import report_language_set

pytestmark = pytest.mark.django_db

GERMAN = {"accept-language": "de"}
ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """LocaleMiddleware leaves a request's language active in the thread; later tests that
    render outside a request must not inherit a German one."""
    yield
    translation.activate("en")


def _in_german(report: Report) -> Report:
    Report.objects.filter(pk=report.pk).update(language="de")
    report.refresh_from_db()
    return report


def _shared_page(editor, report: Report, **headers) -> str:
    _link, token = sharing.share_link_create(user=editor, report=report, expires_in_days=7)
    visitor = Client(headers=headers)
    response = visitor.get(reverse("share-open", kwargs={"token": token}), follow=True)
    assert response.status_code == 200
    return response.content.decode()


# --- the shared page ------------------------------------------------------------------------


def test_a_german_report_is_shared_in_german_whatever_the_browser_asks(editor, compared_report):
    # given a report whose language is German
    report = _in_german(compared_report)
    # when a visitor whose browser asks for English opens its link
    page = _shared_page(editor, report, **ENGLISH)
    # then the page is German, and says so
    assert '<html lang="de">' in page
    assert "Wo lagen wir richtig?" in page
    assert "Wo lagen wir falsch?" in page
    assert "Was haben wir übersehen?" in page
    assert "Geteilter Bericht · nur lesen" in page
    assert "Where we were right" not in page
    # the verdicts and segments too, translated at display time
    assert "Richtige Erkenntnis, falsches Segment" in page
    assert "Schmerzen" in page
    # and the workshop date in the German order
    assert "12. März 2026" in page


def test_an_english_report_is_shared_in_english_to_a_german_browser(editor, compared_report):
    page = _shared_page(editor, compared_report, **GERMAN)
    assert '<html lang="en">' in page
    assert "Where we were right" in page
    assert "Wo lagen wir richtig?" not in page


def test_a_bad_link_follows_the_browser(client):
    german = Client(headers=GERMAN).get(reverse("share-open", kwargs={"token": "nope"}))
    assert german.status_code == 404
    assert "Dieser Link öffnet keinen Bericht" in german.content.decode()
    english = Client().get(reverse("share-open", kwargs={"token": "nope"}))
    assert "This link does not open a report" in english.content.decode()


# --- exports ------------------------------------------------------------------------------------


def test_the_html_export_of_a_german_report_is_german(client, viewer, compared_report):
    report = _in_german(compared_report)
    client.force_login(viewer)
    response = client.get(
        reverse("report-export", kwargs={"pk": report.pk, "file_format": "html"}),
        headers=ENGLISH,
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    page = b"".join(response.streaming_content if response.streaming else [response.content])
    text = page.decode()
    assert '<html lang="de">' in text
    assert "Wo lagen wir richtig?" in text
    assert "Reflexionsbericht: Jane, procurement lead" in text


def test_the_next_actions_export_of_a_german_report_is_german(
    client, editor, viewer, compared_report
):
    report = _in_german(compared_report)
    outcome = action_services.next_actions_draft(user=editor, report=report)
    assert outcome.created
    client.force_login(viewer)
    markdown = client.get(
        reverse("report-actions-export", kwargs={"pk": report.pk, "file_format": "md"}),
        headers=ENGLISH,
    ).content.decode()
    assert markdown.startswith("# Nächste Schritte: Jane, procurement lead")
    assert "## Wie könnten wir …?" in markdown
    assert "## Testkarten" in markdown
    assert "**Wir glauben, dass**" in markdown
    # The drafted questions are in the report's language.
    questions = [action.question for action in outcome.created if action.question]
    assert questions
    assert all(question.startswith("Wie könnten wir") for question in questions)
    csv_text = client.get(
        reverse("report-actions-export", kwargs={"pk": report.pk, "file_format": "csv"}),
        headers=ENGLISH,
    ).content.decode()
    # Column names are keys for scripts; the cells are German.
    assert csv_text.startswith("position,kind,segment,")
    assert "Testkarte" in csv_text


# --- setting the language -------------------------------------------------------------------


def _set_language(client, user, report, language):
    client.force_login(user)
    return client.post(reverse("report-language", kwargs={"pk": report.pk}), {"language": language})


def test_an_editor_sets_the_report_language(client, editor, compared_report):
    response = _set_language(client, editor, compared_report, "de")
    assert response.status_code == 302
    compared_report.refresh_from_db()
    assert compared_report.language == "de"


def test_a_viewer_cannot_set_the_report_language(client, viewer, compared_report):
    response = _set_language(client, viewer, compared_report, "de")
    assert response.status_code == 403
    compared_report.refresh_from_db()
    assert compared_report.language == "en"


def test_a_language_gapmap_does_not_speak_is_refused(client, editor, compared_report):
    response = _set_language(client, editor, compared_report, "fr")
    assert response.status_code == 302
    compared_report.refresh_from_db()
    assert compared_report.language == "en"
    page = client.get(response["Location"]).content.decode()
    assert "Choose one of these languages: English, Deutsch." in page


def test_the_service_refuses_a_viewer_before_looking_at_the_language(viewer, compared_report):
    with pytest.raises(PermissionDenied):
        report_language_set(user=viewer, report=compared_report, language="xx")


def test_editors_see_the_language_control_viewers_do_not(client, editor, viewer, compared_report):
    client.force_login(editor)
    page = client.get(reverse("report-page", kwargs={"pk": compared_report.pk})).content.decode()
    assert "Language of the shared page and exports" in page
    assert '<option value="de" lang="de">Deutsch</option>' in page
    client.force_login(viewer)
    page = client.get(reverse("report-page", kwargs={"pk": compared_report.pk})).content.decode()
    assert "Language of the shared page and exports" not in page


# --- the report page in the reader's language -----------------------------------------------


def test_the_report_page_follows_the_readers_language(viewer, compared_report):
    reader = Client(headers=GERMAN)
    reader.force_login(viewer)
    page = reader.get(reverse("report-page", kwargs={"pk": compared_report.pk})).content.decode()
    assert "Wo lagen wir richtig?" in page
    # plurals: 4 hypotheses, and the boards count their notes
    assert "von 4 Hypothesen" in page
    assert "4 Notizen" in page
    assert "5 Stimmen" in page
    assert "1 Stimme<" in page
    assert "Sagt &amp; Tut" in page
    assert "Bestätigt" in page


def test_numbers_and_dates_follow_the_language(compared_report):
    # The thresholds show with their decimals: a decimal comma in German.
    compared_report.settings = {**compared_report.settings, "threshold": 47.6}
    with translation.override("de"):
        german = render_to_string(
            "comparison/_report_about.html", report_page_context(compared_report)
        )
    with translation.override("en"):
        english = render_to_string(
            "comparison/_report_about.html", report_page_context(compared_report)
        )
    assert "<dd>47,6</dd>" in german
    assert "<dd>47.6</dd>" in english
    assert "12. März 2026" in german
    assert "12 Mar 2026" in english
