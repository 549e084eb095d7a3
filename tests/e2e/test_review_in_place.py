"""Reviewing possible evidence in a real browser: one click confirms a suggestion while the
page stays where it was and the scores change in place; review mode runs on the keyboard.
No console error or CSP violation on the way (htmx is served from this origin)."""

import re

import pytest

from comparison import tasks
from tests.e2e.test_workshop_flow import log_in
from tests.support.factories import MapPairFactory, ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Enough hypotheses that the evidence sits far down a long page.
INTERNAL = [("pains", f"Hidden fees in supplier contract {n}") for n in range(12)] + [
    ("gains", "Wants one place for every supplier document"),
    ("sees", "Piles of supplier quotes in different formats"),
]
CUSTOMER = [
    ("pains", "Surprise fees show up on every invoice"),
    ("pains", "Nobody answers the support hotline"),
    ("gains", "A single source of truth for supplier data"),
    ("sees", "Supplier quotes arrive as PDFs, emails and spreadsheets"),
    ("says_does", "Calls suppliers to chase missing documents"),
]


@pytest.fixture
def report(persona, editor, monkeypatch):
    # Runs are done in this process; nothing is sent to a broker.
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    pair = MapPairFactory(
        internal_map__persona=persona, internal_map__notes=INTERNAL, customer_map__notes=CUSTOMER
    )
    return ReportFactory(pair=pair, by=editor)


def test_an_editor_confirms_evidence_in_place_and_reviews_with_the_keyboard(
    live_server, new_page, editor, report
):
    page = new_page()
    log_in(page, live_server.url, editor.username)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    precision = page.locator("#report-scores .score-precision .score-value")
    precision_before = precision.inner_text()
    right = page.locator("#summary .summary-right")
    right_before = right.inner_text()
    reflection_before = page.locator("#right").inner_text()

    # when she confirms the same-segment evidence of the last hypothesis, far down the page
    row = page.locator("tr.has-evidence").last
    row_id = row.get_attribute("id")
    row.scroll_into_view_if_needed()
    top_before = row.bounding_box()["y"]
    evidence = page.locator(f"#{row_id} + tr.evidence-row .evidence-item")
    same_segment = evidence.filter(has_text="Surprise fees show up on every invoice")
    same_segment.get_by_role("button", name=re.compile(r"^Confirm")).click()
    page.locator("#review-live").get_by_text("Evidence confirmed").wait_for()

    # then the hypothesis is reviewed where it was, and the scores changed without a reload
    hypothesis = page.locator(f"#{row_id}")
    assert hypothesis.locator(".tag-reviewed").count() == 1
    assert abs(hypothesis.bounding_box()["y"] - top_before) < 2
    assert page.evaluate("window.scrollY") > 1000
    assert precision.inner_text() != precision_before
    # ... and so did the first screen's answers and the reflection below it
    assert right.inner_text() != right_before
    assert page.locator("#right").inner_text() != reflection_before
    assert page.locator("#summary").count() == 1
    assert page.evaluate("document.activeElement.id") == row_id

    # when she walks through the rest in review mode with the keyboard
    page.goto(f"{live_server.url}/reports/{report.pk}/review/")
    progress = page.locator("#review-progress")
    assert progress.inner_text().startswith("1 of ")
    assert page.locator(".review-card:visible").count() == 1
    page.keyboard.press("n")
    # (a dismissed suggestion may make room for another one, so the total can grow)
    progress.get_by_text(re.compile(r"^2 of \d+ reviewed")).wait_for()
    assert page.locator(".review-card:visible").count() == 1
    page.keyboard.press("j")
    page.locator(".review-card:visible").get_by_text(re.compile(r"^Suggestion 2 of")).wait_for()

    assert page.console_errors == []
