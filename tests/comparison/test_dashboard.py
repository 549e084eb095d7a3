"""The workspace discrepancy dashboard: latest report per pair, filters, ranking, safety."""

import datetime
import re

import pytest
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comparison import tasks
from comparison.models import Report, ReportStatus
from comparison.pages import dashboard
from config.staticfiles import PLOTLY_STATIC_PATH
from maps.services import NoteData
from tests.support.builders import build_comparison, build_round
from tests.support.factories import PersonaFactory, ReportFactory

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(autouse=True)
def _no_queue(monkeypatch):
    # Reports are run in-process with the service; nothing is sent to a broker.
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)


def compared_pair(owner, persona, **comparison):
    """A round of one team (`build_comparison`): its pair and the pair's report."""
    report = build_comparison(owner, persona, **comparison)
    return report.pair, report


TOOLS = NoteData("pains", "Too many tools that do not talk to each other")
PRICE = NoteData("pains", "Worried about the price of the licence", votes=2)


def url(workspace, **query) -> str:
    base = reverse("dashboard", kwargs={"pk": workspace.pk})
    if query:
        base += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return base


def test_viewer_sees_scores_charts_and_tables(client, viewer, owner, workspace, persona):
    # given a compared pair with one confirmed hypothesis, one wrong one, one missed note
    compared_pair(
        owner,
        persona,
        internal=[TOOLS, NoteData("gains", "Wants a mobile app", votes=5)],
        customer=[TOOLS, NoteData("pains", "Onboarding takes weeks", votes=7)],
    )
    client.force_login(viewer)

    # when
    response = client.get(url(workspace))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="chart-heatmap"' in page
    assert 'id="chart-heatmap-table"' in page
    # one round: a sentence instead of a trend chart of single dots
    assert 'id="chart-trend"' not in page
    assert "No trend yet" in page
    # the misses and the wrong hypotheses are lists, not bar charts that cut their text
    assert "Onboarding takes weeks" in page
    assert "Wants a mobile app" in page
    data = response.context["data"]
    assert [row.persona for row in data.heatmap] == [persona.name]
    assert data.heatmap[0].overall == data.results[0].summary["empathy_score"]
    assert [note.text for note in data.missed] == ["Onboarding takes weeks"]
    assert [note.text for note in data.wrong] == ["Wants a mobile app"]
    # plotly.js comes from our own origin, with the CSP nonce on the inline chart scripts
    assert static(PLOTLY_STATIC_PATH) in page
    assert "cdn.plot.ly" not in page


def test_outsider_gets_404_and_anonymous_the_login(client, outsider, workspace):
    client.force_login(outsider)
    assert client.get(url(workspace)).status_code == 404
    client.logout()
    response = client.get(url(workspace))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_the_latest_succeeded_report_of_each_pair_counts(client, viewer, owner, persona):
    pair, first = compared_pair(owner, persona, internal=[TOOLS], customer=[TOOLS])
    second = ReportFactory(pair=pair, by=owner)
    failed = Report.objects.create(
        pair=pair, status=ReportStatus.FAILED, error="worker lost", summary={}
    )

    data = dashboard.dashboard_data(viewer, persona.workspace)

    assert [result.report_id for result in data.results] == [second.pk]
    assert first.pk != second.pk
    assert failed.pk not in {result.report_id for result in data.results}


def test_filters_by_persona_and_workshop_dates(client, viewer, owner, workspace, persona):
    other = PersonaFactory(workspace=workspace, name="Omar, site manager")
    compared_pair(
        owner, persona, internal=[TOOLS], customer=[TOOLS], held_on=datetime.date(2026, 3, 1)
    )
    compared_pair(
        owner, other, internal=[TOOLS], customer=[PRICE], held_on=datetime.date(2026, 9, 1)
    )
    client.force_login(viewer)

    by_persona = client.get(url(workspace, persona=other.pk)).context["data"]
    in_range = client.get(url(workspace, date_from="2026-01-01", date_to="2026-06-30"))
    nothing = client.get(url(workspace, date_from="2027-01-01"))

    assert [result.persona for result in by_persona.results] == [other.name]
    assert [result.persona for result in in_range.context["data"].results] == [persona.name]
    assert nothing.context["data"].results == ()
    assert "No comparison matches these filters" in nothing.content.decode()


def test_a_reversed_date_range_is_reported_and_not_applied(client, viewer, owner, workspace):
    persona = PersonaFactory(workspace=workspace, name="Ana")
    compared_pair(owner, persona, internal=[TOOLS], customer=[TOOLS])
    client.force_login(viewer)

    response = client.get(url(workspace, date_from="2026-12-01", date_to="2026-01-01"))

    assert response.status_code == 200
    assert "is after" in response.content.decode()
    assert len(response.context["data"].results) == 1


def test_a_persona_of_another_workspace_is_not_a_valid_filter(
    client, viewer, owner, workspace, persona, other_workspace
):
    foreign = PersonaFactory(workspace=other_workspace, name="Foreign")
    compared_pair(owner, persona, internal=[TOOLS], customer=[TOOLS])
    client.force_login(viewer)

    response = client.get(url(workspace, persona=foreign.pk))

    assert response.context["form"].errors
    assert "Foreign" not in response.content.decode()


def test_rounds_make_a_trend_and_the_heatmap_shows_the_newest(client, viewer, owner, persona):
    compared_pair(
        owner,
        persona,
        internal=[TOOLS, PRICE],
        customer=[NoteData("gains", "Fast support")],
        round_number=1,
        held_on=datetime.date(2026, 3, 1),
    )
    _, newest = compared_pair(
        owner,
        persona,
        internal=[TOOLS],
        customer=[TOOLS],
        round_number=2,
        held_on=datetime.date(2026, 9, 1),
    )

    data = dashboard.dashboard_data(viewer, persona.workspace)

    (trend,) = data.trends
    assert [point.label for point in trend.points] == ["Round 1", "Round 2"]
    assert trend.points[0].empathy_score < trend.points[1].empathy_score
    assert data.heatmap[0].overall == newest.summary["empathy_score"]


def test_missed_and_wrong_are_ranked_by_votes(viewer, owner, persona):
    compared_pair(
        owner,
        persona,
        internal=[NoteData("gains", "Wants dark mode", votes=1), PRICE],
        customer=[
            NoteData("sees", "Competitors ship weekly", votes=3),
            NoteData("hears", "Peers recommend spreadsheets", votes=9),
        ],
    )

    data = dashboard.dashboard_data(viewer, persona.workspace)

    assert [note.votes for note in data.missed] == [9, 3]
    assert [note.votes for note in data.wrong] == [2, 1]


def test_queries_do_not_grow_with_the_number_of_pairs(
    client, viewer, owner, workspace, django_assert_max_num_queries
):
    def page_queries(pairs: int) -> int:
        for index in range(pairs):
            persona = PersonaFactory(
                workspace=workspace, name=f"Persona {Report.objects.count()} {index}"
            )
            compared_pair(owner, persona, internal=[TOOLS, PRICE], customer=[TOOLS])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(workspace)).status_code == 200
        return len(queries)

    client.force_login(viewer)
    few = page_queries(2)
    many = page_queries(10)

    assert many == few
    with django_assert_max_num_queries(few):
        client.get(url(workspace))


def test_note_texts_and_names_are_escaped_everywhere(client, viewer, owner, workspace):
    persona = PersonaFactory(workspace=workspace, name=f"Eve {XSS}")
    compared_pair(
        owner,
        persona,
        internal=[NoteData("gains", f"Hypothesis {XSS}", votes=2)],
        customer=[NoteData("pains", f"Customer {XSS}", votes=4)],
    )
    client.force_login(viewer)

    page = client.get(url(workspace)).content.decode()

    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the table fallback


def test_empty_workspace_explains_what_to_do(client, editor, viewer, workspace):
    client.force_login(editor)
    page = client.get(url(workspace)).content.decode()
    assert "No comparisons yet" in page
    assert "Go to the pairs" in page
    assert "plotly" not in page

    client.force_login(viewer)
    assert "Go to the pairs" not in client.get(url(workspace)).content.decode()


def test_pooled_score_is_the_harmonic_mean_of_the_pooled_counts():
    one = {"internal_count": 4, "customer_count": 2, "confirmed": 2, "anticipated": 2}
    two = {"internal_count": 4, "customer_count": 6, "confirmed": 2, "anticipated": 2}
    alone = {**one, "empathy_score": 66.7}

    # precision 4/8 = 50, coverage 4/8 = 50 -> 50
    assert dashboard.pooled_score([one, two]) == 50.0
    assert dashboard.pooled_score([alone]) == 66.7
    assert dashboard.pooled_score([{"internal_count": 0, "customer_count": 0}]) is None


def test_figures_are_built_once_and_rebuilt_when_a_report_changes(
    client, viewer, owner, workspace, persona, monkeypatch
):
    built = []
    real_heatmap = dashboard.charts.persona_heatmap
    monkeypatch.setattr(
        dashboard.charts,
        "persona_heatmap",
        lambda rows, **kwargs: built.append(rows) or real_heatmap(rows, **kwargs),
    )
    pair, _ = compared_pair(owner, persona, internal=[TOOLS], customer=[TOOLS])
    client.force_login(viewer)

    first = client.get(url(workspace)).content.decode()
    second = client.get(url(workspace)).content.decode()
    assert len(built) == 1
    assert 'id="chart-heatmap"' in second
    # each page still has its own CSP nonce on the chart scripts
    assert first != second

    ReportFactory(pair=pair, by=owner)
    client.get(url(workspace))
    assert len(built) == 2


def test_the_trend_draws_the_personas_with_most_rounds_and_tables_all(viewer, owner, workspace):
    for number in range(dashboard.TREND_SERIES_LIMIT + 2):
        persona = PersonaFactory(workspace=workspace, name=f"P{number:02d}")
        rounds = 2 if number < dashboard.TREND_SERIES_LIMIT else 1
        for round_number in range(1, rounds + 1):
            compared_pair(
                owner,
                persona,
                internal=[TOOLS],
                customer=[TOOLS],
                round_number=round_number,
                held_on=datetime.date(2026, round_number, 1),
            )

    data = dashboard.dashboard_data(viewer, workspace)
    shown = dashboard.trends_shown(data.trends)

    assert [trend.persona for trend in shown] == [
        f"P{number:02d}" for number in range(dashboard.TREND_SERIES_LIMIT)
    ]
    table = dashboard.charts.score_trend_table(data.trends)
    assert {row[0] for row in table.rows} == {trend.persona for trend in data.trends}


def test_the_headline_gives_each_personas_latest_score_and_its_change(
    client, viewer, owner, workspace, persona
):
    # given a persona with two rounds and another with one
    _, first = compared_pair(
        owner, persona, internal=[TOOLS, PRICE], customer=[TOOLS], round_number=1
    )
    _, second = compared_pair(owner, persona, internal=[TOOLS], customer=[TOOLS], round_number=2)
    other = PersonaFactory(workspace=workspace, name="Omar, site manager")
    compared_pair(owner, other, internal=[TOOLS], customer=[TOOLS])
    client.force_login(viewer)

    # when
    response = client.get(url(workspace))

    # then
    jane, omar = response.context["data"].headlines
    assert (jane.persona, jane.round_label, jane.previous_label) == (
        persona.name,
        "Round 2",
        "Round 1",
    )
    assert jane.score == round(second.summary["empathy_score"])
    assert jane.change == round(second.summary["empathy_score"]) - round(
        first.summary["empathy_score"]
    )
    assert jane.change > 0
    assert omar.change is None
    page = response.content.decode()
    assert f"<strong>+{jane.change}</strong> since round 1" in page
    assert "Round 1: the first round" in page
    # two rounds: the trend is a chart
    assert 'id="chart-trend"' in page


def test_missed_notes_come_from_the_latest_round_with_the_teams_that_missed_them(
    viewer, owner, workspace, persona
):
    # given round 1 missed a note that round 2 anticipated
    hotline = NoteData("pains", "Nobody answers the support hotline", votes=8)
    onboarding = NoteData("pains", "Onboarding takes weeks", votes=1)
    build_round(owner, persona, customer=[hotline], teams={"sales": [TOOLS]}, round_number=1)
    # and in round 2 two of three teams anticipated the most-voted note, none the other
    build_round(
        owner,
        persona,
        customer=[hotline, onboarding],
        teams={"sales": [hotline], "support": [hotline], "management": [TOOLS]},
        round_number=2,
    )

    data = dashboard.dashboard_data(viewer, workspace)

    # then the note every team missed comes first, though it has fewer votes
    first, second = data.missed_notes
    assert (first.note.text, first.every_team) == ("Onboarding takes weeks", True)
    assert first.note.teams == ("management", "sales", "support")
    assert (second.note.text, second.note.teams, second.of_teams) == (
        "Nobody answers the support hotline",
        ("management",),
        3,
    )
    # and nothing of round 1 is listed
    assert len(data.missed) == 2


# --- in German ----------------------------------------------------------------------------


def german(client):
    """The test client asking for German, as a German browser does."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    return client


def test_the_dashboard_reads_in_german_with_german_numbers_and_segments(
    client, viewer, owner, workspace, persona
):
    # given two rounds, the later one with a missed note and a wrong hypothesis
    compared_pair(owner, persona, internal=[TOOLS, PRICE], customer=[TOOLS], round_number=1)
    _, second = compared_pair(
        owner,
        persona,
        internal=[TOOLS, NoteData("gains", "Wants a mobile app", votes=1)],
        customer=[TOOLS, NoteData("pains", "Onboarding takes weeks", votes=3)],
        round_number=2,
        held_on=datetime.date(2026, 3, 2),
    )
    client.force_login(viewer)
    english = client.get(url(workspace)).content.decode()  # fills the caches in English

    # when
    page = german(client).get(url(workspace)).content.decode()

    # then the page, its segment names, plural forms, dates and percentages are German
    assert "Dashboard der Abweichungen" in page
    assert "Discrepancy dashboard" not in page
    assert "Runde 2: <strong>" in page
    assert "seit Runde 1" in page
    assert "Schmerzen" in page
    assert "Gewinne" in page
    assert "3 Stimmen" in page
    assert "1 Stimme<" in page
    assert "2. März 2026" in page
    assert re.search(r"\d+ %", page)  # "50 %": a space before the percent sign
    assert "Empathie-Score nach Persona und Segment" in page  # the chart and its table
    assert '"separators":",."' in page  # plotly's decimal comma
    assert "Zahlen als Tabelle anzeigen" in page
    # and the English page, cached first, did not leak into the German one (nor back)
    assert "Empathy score by persona and segment" in english
    assert "Empathy score by persona and segment" not in page
    assert (
        "Dashboard der Abweichungen"
        not in client.get(url(workspace), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert second.summary["empathy_score"] is not None


@pytest.mark.parametrize(
    ("language", "date_from", "date_to"),
    [
        ("de", "01.01.2026", "30.06.2026"),  # the German order
        ("de", "2026-01-01", "2026-06-30"),  # ISO, in German too
        ("en", "2026-01-01", "2026-06-30"),
    ],
)
def test_the_date_filter_takes_the_languages_order_and_iso(
    client, viewer, owner, workspace, persona, language, date_from, date_to
):
    # given one workshop inside the range and one after it
    other = PersonaFactory(workspace=workspace, name="Omar, site manager")
    compared_pair(
        owner, persona, internal=[TOOLS], customer=[TOOLS], held_on=datetime.date(2026, 3, 1)
    )
    compared_pair(
        owner, other, internal=[TOOLS], customer=[PRICE], held_on=datetime.date(2026, 9, 1)
    )
    client.force_login(viewer)

    # when
    response = client.get(
        url(workspace, date_from=date_from, date_to=date_to), HTTP_ACCEPT_LANGUAGE=language
    )

    # then
    assert response.context["form"].is_valid(), response.context["form"].errors
    assert [result.persona for result in response.context["data"].results] == [persona.name]
    page = response.content.decode()
    assert f'value="{date_from}"' in page  # shown as typed


def test_the_date_inputs_show_the_languages_order(client, viewer, workspace):
    client.force_login(viewer)

    german_page = german(client).get(url(workspace)).content.decode()
    english_page = client.get(url(workspace), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'placeholder="TT.MM.JJJJ"' in german_page
    assert "Workshops ab" in german_page
    assert 'placeholder="YYYY-MM-DD"' in english_page
    assert 'type="date"' not in german_page + english_page  # the browser's locale is not ours


def test_a_reversed_date_range_is_reported_in_german_with_german_dates(
    client, viewer, owner, workspace
):
    persona = PersonaFactory(workspace=workspace, name="Ana")
    compared_pair(owner, persona, internal=[TOOLS], customer=[TOOLS])
    client.force_login(viewer)

    response = german(client).get(url(workspace, date_from="01.12.2026", date_to="2026-01-01"))

    page = response.content.decode()
    assert "„Workshops ab“ (01.12.2026) liegt nach „Workshops bis“ (01.01.2026)." in page
    assert len(response.context["data"].results) == 1
