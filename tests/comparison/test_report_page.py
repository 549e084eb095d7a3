"""The reflection report page: header, scores, maps, the four sections, commentary."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.templatetags.static import static
from django.urls import reverse

from comparison import services
from comparison.models import MAX_COMMENTARY_CHARS, Match, ReportCommentary
from comparison.pages.report import report_page_context
from config.staticfiles import PLOTLY_STATIC_PATH
from tests.support.builders import IMG, SCRIPT, known_pair
from tests.support.factories import ReportFactory

pytestmark = pytest.mark.django_db


def page(client, user, report) -> str:
    client.force_login(user)
    response = client.get(reverse("report-page", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    return response.content.decode()


def section(html_text: str, section_id: str) -> str:
    """The markup of one `<section ... id="...">` of the report."""
    start = html_text.index(f'id="{section_id}"')
    end = html_text.index("</section>", start)
    return html_text[start:end]


def test_the_known_comparison_has_the_expected_verdicts(compared_report):
    verdicts = {
        (m.internal_text or m.customer_text)[:20]: m.verdict
        for m in Match.objects.filter(report=compared_report).exclude(kind="also")
    }
    assert verdicts["Too many tools that "] == "confirmed"
    assert verdicts["Lower prices from su"] == "unconfirmed"
    assert verdicts["Approval workflows t"] == "misplaced"
    assert verdicts["Auditors ask for a c"] == "missed"


def test_header_names_persona_workshops_settings_and_run(client, viewer, compared_report):
    text = page(client, viewer, compared_report)
    assert "Jane, procurement lead" in text
    assert "Sales team hypotheses" in text
    assert "Customer workshop March" in text
    assert "12 Mar 2026" in text
    assert "Fiona Facilitator" in text
    assert "Ana, Ben, Chris" in text  # one per line or comma-separated, listed as one
    assert f"<dd>{compared_report.engine_version}</dd>" in text
    assert f"<dd>{compared_report.settings['scorer']}</dd>" in text
    assert compared_report.finished_at.strftime("%Y-%m-%dT%H:%M") in text


def test_scores_show_overall_and_weighted_variants(client, viewer, compared_report):
    text = page(client, viewer, compared_report)
    summary = compared_report.summary
    scores = section(text, "report-scores")
    assert f"{summary['empathy_score']:.0f}" in scores
    assert f"vote-weighted: <strong>{summary['weighted_precision']:.0f}%" in scores
    assert f"vote-weighted: <strong>{summary['weighted_coverage']:.0f}%" in scores
    # The per-segment figures are the "Segment by segment" charts' tables, not a second table.
    assert "report-segment-scores" not in text


def test_the_first_screen_answers_the_three_questions_most_voted_first(
    client, viewer, compared_report
):
    text = page(client, viewer, compared_report)
    summary = text[text.index('id="summary"') : text.index('id="right"')]
    # the scores, then the three questions in order, each with its count
    assert summary.index('id="report-scores"') < summary.index('id="summary-right-heading"')
    assert (
        summary.index("Where we were right")
        < summary.index("Where we were wrong")
        < summary.index("What we missed")
    )
    wrong = summary[summary.index('id="summary-wrong-heading"') :]
    wrong = wrong[: wrong.index("</section>")]
    assert re.search(r'summary-count-value">2</strong> of 4 hypotheses', wrong)
    assert wrong.index("Wants to be seen as the one") < wrong.index("Lower prices from suppliers")
    missed = summary[summary.index('id="summary-missed-heading"') :]
    assert missed.index("=HYPERLINK") < missed.index("Auditors ask")
    assert "right insight" in summary  # the misplaced one, pointed to below
    # Who took part and how it was compared close the report, folded.
    assert text.index('id="about"') > text.index('id="all-matches"')


def test_sections_list_the_right_notes_most_voted_first(client, viewer, compared_report):
    text = page(client, viewer, compared_report)
    right = section(text, "right")
    assert "Too many tools that don&#x27;t talk to each other" in right
    assert "Too many tools that do not talk to each other" in right
    assert "Approval" not in right
    wrong = section(text, "wrong")
    # 4 votes before 2 votes: the strongest assumption first.
    assert wrong.index("Wants to be seen as the one") < wrong.index("Lower prices from suppliers")
    assert "Too many tools" not in wrong
    missed = section(text, "missed")
    assert missed.index("=HYPERLINK") < missed.index("Auditors ask")
    misplaced = section(text, "misplaced")
    assert "Approval workflows take weeks and weeks" in misplaced
    assert 'data-label="We placed it in">Sees</td>' in misplaced
    assert 'data-label="They placed it in">Pains</td>' in misplaced


def test_maps_show_every_note_with_its_verdict_and_a_legend(client, viewer, compared_report):
    text = page(client, viewer, compared_report)
    maps = text[text.index('id="maps-heading"') : text.index('id="all-matches"')]
    for label in (
        "Confirmed",
        "Partly confirmed",
        "Right insight, wrong segment",
        "Not confirmed",
        "Anticipated",
        "Missed",
    ):
        assert label in maps
    # 4 + 4 notes, each with its verdict as class, icon and words.
    assert len(re.findall(r'class="note report-note verdict-\w+"', maps)) == 8
    assert 'class="note report-note verdict-missed"' in maps
    assert maps.index("report-board-internal") < maps.index("report-board-customer")


def test_charts_are_drawn_with_the_request_nonce_and_plotly_from_this_origin(
    client, viewer, compared_report
):
    client.force_login(viewer)
    response = client.get(reverse("report-page", kwargs={"pk": compared_report.pk}))
    text = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    # plotly.js from this origin's static files, loaded by a nonced script after the page
    assert f"s.src={json.dumps(static(PLOTLY_STATIC_PATH))}" in text
    assert f'<style id="plotly.js-style-global" nonce="{nonce}">' in text
    for chart_id in ("report-chart-verdicts", "report-chart-scores"):
        assert f'id="{chart_id}"' in text
        assert f'id="{chart_id}-table"' in text  # the table fallback
    inline_scripts = re.findall(r"<script( [^>]*)?>(?!</script>)", text)
    assert inline_scripts
    assert all(f'nonce="{nonce}"' in attrs or "src=" in attrs for attrs in inline_scripts)
    assert "cdn.plot.ly" not in text


def test_note_texts_are_escaped_on_the_page_and_in_chart_hover_text(
    client, viewer, compared_report
):
    text = page(client, viewer, compared_report)
    assert SCRIPT not in text
    assert IMG not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text
    # The first screen cuts long notes; what it shows is escaped as well.
    summary = text[text.index('id="summary"') : text.index('id="right"')]
    assert "<script>alert" not in summary
    assert "<img" not in summary


def test_viewer_sees_no_editing_controls(client, viewer, compared_report):
    text = page(client, viewer, compared_report)
    assert 'name="decision"' not in text
    assert "commentary-form" not in text
    assert "csrfmiddlewaretoken" not in text.split('class="report"', 1)[1]


def test_editor_gets_review_and_commentary_forms(client, editor, compared_report):
    text = page(client, editor, compared_report)
    assert 'name="decision"' in text
    assert text.count("commentary-form") == 5  # overall and the four sections
    assert 'maxlength="5000"' in text
    assert "Download HTML" in text


def test_shared_context_renders_read_only_without_a_request(compared_report):
    from django.template.loader import render_to_string

    html_text = render_to_string(
        "comparison/_report_body.html",
        report_page_context(compared_report, can_edit=True, shared=True, nonce="abc123"),
    )
    assert "Where we were right" in html_text
    assert "<form" not in html_text
    assert "csrfmiddlewaretoken" not in html_text
    assert "Download HTML" not in html_text
    assert 'nonce="abc123"' in html_text


# --- commentary ---------------------------------------------------------------------------


def commentary_url(report, section_key: str) -> str:
    return reverse("report-commentary", kwargs={"pk": report.pk, "section": section_key})


def test_editor_saves_commentary_and_everyone_reads_it_escaped(
    client, editor, viewer, compared_report
):
    client.force_login(editor)
    text = f"First line {SCRIPT}\r\nSecond line & more"
    response = client.post(commentary_url(compared_report, "wrong"), {"text": text})
    assert response.status_code == 302
    assert response["Location"].endswith("#commentary-wrong")
    saved = ReportCommentary.objects.get(report=compared_report, section="wrong")
    assert saved.text == f"First line {SCRIPT}\nSecond line & more"
    assert saved.updated_by == editor
    shown = page(client, viewer, compared_report)
    wrong = section(shown, "wrong")
    assert "First line &lt;script&gt;alert(1)&lt;/script&gt;<br>Second line &amp; more" in wrong
    assert SCRIPT not in shown


def test_empty_commentary_deletes_it(client, editor, compared_report):
    services.commentary_save(user=editor, report=compared_report, section="right", text="Good")
    client.force_login(editor)
    client.post(commentary_url(compared_report, "right"), {"text": "  \n "})
    assert not ReportCommentary.objects.filter(report=compared_report).exists()


def test_viewer_cannot_write_commentary(client, viewer, compared_report):
    client.force_login(viewer)
    response = client.post(commentary_url(compared_report, "overall"), {"text": "Mine"})
    assert response.status_code == 403
    assert not ReportCommentary.objects.exists()
    with pytest.raises(PermissionDenied):
        services.commentary_save(user=viewer, report=compared_report, section="overall", text="x")


def test_commentary_length_limit(editor, compared_report):
    services.commentary_save(
        user=editor, report=compared_report, section="overall", text="x" * MAX_COMMENTARY_CHARS
    )
    with pytest.raises(ValidationError) as error:
        services.commentary_save(
            user=editor,
            report=compared_report,
            section="overall",
            text="y" * (MAX_COMMENTARY_CHARS + 1),
        )
    assert "5001 characters; the limit is 5000" in " ".join(error.value.messages)
    assert ReportCommentary.objects.get(report=compared_report).text == "x" * MAX_COMMENTARY_CHARS


def test_commentary_over_the_limit_from_the_page_changes_nothing(client, editor, compared_report):
    client.force_login(editor)
    response = client.post(
        commentary_url(compared_report, "missed"), {"text": "z" * 5001}, follow=True
    )
    assert "the limit is 5000" in html.unescape(response.content.decode())
    assert not ReportCommentary.objects.exists()


def test_unknown_section_is_refused(client, editor, compared_report):
    client.force_login(editor)
    assert (
        client.post(commentary_url(compared_report, "nonsense"), {"text": "x"}).status_code == 404
    )
    with pytest.raises(ValidationError):
        services.commentary_save(user=editor, report=compared_report, section="nonsense", text="x")


def test_commentary_api_get_and_put(api, editor, viewer, compared_report):
    url = reverse("api-report-commentary", kwargs={"pk": compared_report.pk})
    response = api(editor).put(url, {"section": "missed", "text": f"Look {IMG}"}, format="json")
    assert response.status_code == 200
    by_section = {item["section"]: item for item in response.json()}
    assert list(by_section) == ["overall", "right", "wrong", "missed", "misplaced"]
    assert by_section["missed"]["text"] == f"Look {IMG}"  # plain text: clients escape
    assert by_section["missed"]["updated_by"] == "editor"
    assert api(viewer).get(url).json()[3]["text"] == f"Look {IMG}"
    assert (
        api(viewer).put(url, {"section": "missed", "text": "x"}, format="json").status_code == 403
    )
    too_long = api(editor).put(url, {"section": "missed", "text": "x" * 5001}, format="json")
    assert too_long.status_code == 400
    assert "limit is 5000" in str(too_long.json())
    bad = api(editor).put(url, {"section": "nope", "text": "x"}, format="json")
    assert bad.status_code == 400


# --- scoping and query counts -----------------------------------------------------------


def test_outsider_gets_404_on_the_report_routes(client, api, outsider, compared_report):
    client.force_login(outsider)
    assert client.get(reverse("report-page", kwargs={"pk": compared_report.pk})).status_code == 404
    assert client.post(commentary_url(compared_report, "overall"), {"text": "x"}).status_code == 404
    url = reverse("api-report-commentary", kwargs={"pk": compared_report.pk})
    assert api(outsider).get(url).status_code == 404
    assert (
        api(outsider).put(url, {"section": "overall", "text": "x"}, format="json").status_code
        == 404
    )
    assert not ReportCommentary.objects.exists()


def test_report_page_queries_do_not_grow_with_matches(
    client, owner, editor, persona, django_assert_max_num_queries
):
    def notes(count: int, side: str):
        return [
            ("pains", f"{side} note number {index} about topic {index}", index % 3)
            for index in range(count)
        ]

    small = ReportFactory(
        pair=known_pair(owner, persona, notes(2, "team"), notes(2, "customer")), by=editor
    )
    big = ReportFactory(
        pair=known_pair(owner, persona, notes(60, "team"), notes(60, "customer")), by=editor
    )
    for report in (small, big):
        services.commentary_save(user=editor, report=report, section="overall", text="Note")
    client.force_login(editor)
    counts = []
    for report in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("report-page", kwargs={"pk": report.pk})).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        client.get(reverse("report-page", kwargs={"pk": big.pk}))


def test_unfinished_report_page_shows_progress_not_sections(
    client, editor, compared_pair, monkeypatch
):
    from comparison import tasks

    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    queued, _ = services.report_request(user=editor, pair=compared_pair)
    text = page(client, editor, queued)
    assert "job-progress" in text
    assert "Where we were right" not in text
    assert "Download HTML" not in text


def test_the_report_flags_hypotheses_changed_after_the_customer_workshop(
    client, viewer, compared_report
):
    import datetime

    from maps.models import EmpathyMap

    customer = compared_report.pair.customer_map
    client.force_login(viewer)
    url = reverse("report-page", kwargs={"pk": compared_report.pk})

    # typed in today, after the customer workshop: flagged
    EmpathyMap.objects.filter(pk=customer.pk).update(held_on=datetime.date(2026, 1, 1))
    assert "changed after the customer workshop" in client.get(url).content.decode()
    # the customer workshop is still to come: not flagged
    EmpathyMap.objects.filter(pk=customer.pk).update(held_on=datetime.date(2099, 1, 1))
    assert "changed after the customer workshop" not in client.get(url).content.decode()


def test_large_type_for_a_projector_is_one_link_away(client, viewer, compared_report):
    client.force_login(viewer)
    url = reverse("report-page", kwargs={"pk": compared_report.pk})

    normal = client.get(url).content.decode()
    large = client.get(url, {"type": "large"}).content.decode()

    assert f'href="{url}?type=large">Large type, for a projector</a>' in normal
    assert '<body class="large-type">' in large
    assert f'href="{url}">Normal type</a>' in large


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("„Rabatt? Nur mit Karte.“", "Rabatt? Nur mit Karte."),
        ('"I never read the terms"', "I never read the terms"),
        ("«Trop cher»", "Trop cher"),
        ("Price is fine", "Price is fine"),
        ('"', '"'),
    ],
)
def test_a_customer_note_written_as_a_quotation_is_quoted_once(text, shown):
    from comparison.pages.report import unquoted

    assert unquoted(text) == shown
