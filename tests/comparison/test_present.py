"""A report as slides for a projector: the overview, then one slide per segment."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from comparison.models import ReportStatus
from comparison.pages.present import SLIDE_ITEMS, present_page_context
from comparison.pages.report import report_reflection, report_summary
from maps.segments import SEGMENT_KEYS
from tests.support.builders import known_pair
from tests.support.factories import ReportFactory

pytestmark = pytest.mark.django_db


def present(client, user, report, segment: str | None = None, status: int = 200) -> str:
    client.force_login(user)
    url = reverse("report-present", kwargs={"pk": report.pk})
    response = client.get(url, {"segment": segment} if segment else {})
    assert response.status_code == status
    return response.content.decode()


def slide(text: str, key: str) -> str:
    """The markup of one slide."""
    start = text.index(f'id="slide-{key}"')
    end = re.compile(r'<section class="slide |class="present-nav"').search(text, start)
    return text[start : end.start() if end else None]


def nav(text: str) -> str:
    return text[text.index('class="present-nav"') :]


def test_slides_come_overview_first_then_the_segments_in_order(client, viewer, compared_report):
    text = present(client, viewer, compared_report)
    ids = re.findall(r'<section class="slide [^"]*" id="slide-([a-z_]+)"', text)
    assert ids == ["overview", *SEGMENT_KEYS]
    # Without ?segment the overview is the one on screen.
    assert re.search(r'class="slide slide-overview is-current"', text)
    assert text.count("is-current") == 1
    assert "Slide 1 of 7" in text


def test_previous_and_next_links_at_both_ends_and_between(client, viewer, compared_report):
    base = reverse("report-present", kwargs={"pk": compared_report.pk})
    # given the overview: no previous, next is the first segment
    links = nav(present(client, viewer, compared_report))
    assert 'rel="prev"' not in links
    assert f'rel="next" href="{base}?segment=sees"' in links
    # the first segment goes back to the overview (no query) and on to the second
    links = nav(present(client, viewer, compared_report, "sees"))
    assert f'rel="prev" href="{base}"' in links
    assert f'rel="next" href="{base}?segment=says_does"' in links
    # the last segment: no next, a way back to the report instead
    text = present(client, viewer, compared_report, "gains")
    links = nav(text)
    assert f'rel="prev" href="{base}?segment=pains"' in links
    assert 'rel="next"' not in links
    assert reverse("report-page", kwargs={"pk": compared_report.pk}) in links
    assert "Slide 7 of 7" in text
    # Home and End go to the first and last slide (present.js reads them).
    assert f'data-first="{base}"' in text
    assert f'data-last="{base}?segment=gains"' in text
    assert 'src="/static/js/present.js"' in text


def test_an_unknown_segment_is_a_404(client, viewer, compared_report):
    present(client, viewer, compared_report, "nonsense", status=404)


def test_the_overview_counts_match_the_reports_summary(client, viewer, compared_report):
    text = slide(present(client, viewer, compared_report), "overview")
    questions = report_summary(report_reflection(list(compared_report.matches.all())))
    for question in questions:
        item = text[text.index(f"question-{question.key}") :]
        item = item[: item.index("</li>")]
        assert question.title in item
        noun = "customer notes" if question.key == "missed" else "hypotheses"
        assert (
            f'<strong class="summary-count-value">{question.count}</strong> '
            f"of {question.total} {noun}" in item
        )
    assert f">{compared_report.summary['empathy_score']:.0f}<" in text


def test_a_segment_slide_lists_right_wrong_and_missed_with_the_confirming_note(
    client, viewer, compared_report
):
    text = present(client, viewer, compared_report, "pains")
    pains = slide(text, "pains")
    assert 'class="slide slide-pains is-current"' in text
    right = pains[pains.index("list-right") : pains.index("list-wrong")]
    assert "Too many tools that don&#x27;t talk to each other" in right
    assert "Customers: “Too many tools that do not talk to each other”" in right
    score = compared_report.summary["segments"]["pains"]["empathy_score"]
    assert f'present-score-value">{score:.0f}<' in pains
    # A note of another segment is on its own slide only.
    assert "Auditors ask" not in pains
    hears = slide(text, "hears")
    assert "Auditors ask for a complete paper trail" in hears[hears.index("list-missed") :]
    gains = slide(text, "gains")
    assert "Lower prices from suppliers" in gains[gains.index("list-wrong") :]


def test_note_text_is_escaped(client, viewer, compared_report):
    text = present(client, viewer, compared_report, "gains")
    # The known pair's notes carry a script tag and an image with an onerror handler.
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text
    assert "<img" not in text
    assert len(re.findall(r"<script\b", text)) == 1  # present.js only


def test_long_lists_are_capped_with_a_count_of_the_rest(client, owner, persona, editor):
    # given eight unconfirmed hypotheses in one segment
    internal = [("gains", f"Unlikely wish number {n}", n) for n in range(8)]
    customer = [("sees", "Shelves full of brochures", 1)]
    report = ReportFactory(pair=known_pair(owner, persona, internal, customer), by=editor)
    # when
    context = present_page_context(report, segment="gains")
    text = present(client, owner, report, "gains")
    # then: the most-voted five, and "+ 3 more"
    wrong = context["current"].lists[1]
    assert (wrong.count, len(wrong.items), wrong.more) == (8, SLIDE_ITEMS, 8 - SLIDE_ITEMS)
    assert [item.votes for item in wrong.items] == [7, 6, 5, 4, 3][:SLIDE_ITEMS]
    assert f"+ {8 - SLIDE_ITEMS} more in the report" in text
    assert "Unlikely wish number 1<" not in slide(text, "gains")
    assert "Unlikely wish number 7<" in slide(text, "gains")
    # A segment nobody wrote in says so instead of three empty lists.
    assert "Neither the team nor the customers put a note" in slide(text, "hears")


def test_outsider_gets_404_and_viewer_200(client, outsider, viewer, compared_report):
    present(client, outsider, compared_report, status=404)
    present(client, outsider, compared_report, "sees", status=404)
    present(client, viewer, compared_report, "sees")


def test_the_report_page_links_to_the_presentation(client, viewer, compared_report):
    client.force_login(viewer)
    text = client.get(reverse("report-page", kwargs={"pk": compared_report.pk})).content.decode()
    assert reverse("report-present", kwargs={"pk": compared_report.pk}) in text
    assert ">Present</a>" in text


def test_german_slides_show_german_segment_names(viewer, compared_report):
    client = Client(headers={"accept-language": "de"})
    text = present(client, viewer, compared_report, "thinks_feels")
    assert '<html lang="de">' in text
    assert "Denkt &amp; Fühlt" in text
    assert "Schmerzen" in text  # the next link
    assert "Wo lagen wir richtig?" in text
    assert "Was haben wir übersehen?" in text
    assert "Folie 5 von 7" in text
    assert "Empathie-Score" in text


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ReportStatus.RUNNING, "This comparison has not finished yet"),
        (ReportStatus.QUEUED, "This comparison has not finished yet"),
        (ReportStatus.FAILED, "This comparison failed"),
    ],
)
def test_a_report_not_finished_says_so_instead_of_slides(
    client, viewer, compared_pair, editor, status, message
):
    report = ReportFactory(pair=compared_pair, by=editor, run=False)
    type(report).objects.filter(pk=report.pk).update(status=status)
    text = present(client, viewer, report)
    assert message in text
    assert 'id="slide-' not in text
    assert 'rel="next"' not in text
    assert reverse("report-page", kwargs={"pk": report.pk}) in text


def test_a_customer_note_written_as_a_quotation_is_quoted_once(client, owner, persona, editor):
    # given a customer note that carries its own quotation marks
    customer = [("pains", "„Too many tools that do not talk to each other“", 4)]
    internal = [("pains", "Too many tools that don't talk to each other", 5)]
    report = ReportFactory(pair=known_pair(owner, persona, internal, customer), by=editor)
    # when
    text = slide(present(client, owner, report, "pains"), "pains")
    # then
    assert "Customers: “Too many tools that do not talk to each other”" in text
    assert "„" not in text
