"""The dashboard's "perspectives side by side": several teams' internal maps against the
same customer workshop, per persona's latest round, and which team overestimates."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comparison import charts, tasks
from comparison.pages import dashboard
from comparison.pages.perspectives import round_perspectives
from maps.services import NoteData
from tests.support.builders import build_round
from tests.support.factories import PersonaFactory, ReportFactory

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"

TOOLS = NoteData("pains", "Too many tools that do not talk to each other")
PRICE = NoteData("pains", "Worried about the price of the licence", votes=2)
ONBOARDING = NoteData("pains", "Onboarding new staff takes weeks", votes=4)
APP = NoteData("gains", "Wants a mobile app for approvals")
REPORTING = NoteData("gains", "Wants monthly reporting at the push of a button")


@pytest.fixture(autouse=True)
def _no_queue(monkeypatch):
    # Reports are run in-process with the service; nothing is sent to a broker.
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)


def url(workspace, **query) -> str:
    base = reverse("dashboard", kwargs={"pk": workspace.pk})
    if query:
        base += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return base


def section(page: str) -> str:
    start = page.index('id="perspectives-title"')
    return page[start : page.index("</section>", page.index("dashboard-perspective-table"))]


def test_viewer_sees_each_team_side_by_side_with_scores_and_overestimation(
    client, viewer, owner, workspace, persona
):
    # given management with two unsupported hypotheses of three, sales with one right one
    reports = build_round(
        owner,
        persona,
        customer=[TOOLS, ONBOARDING],
        teams={"management": [APP, REPORTING, TOOLS], "sales": [TOOLS]},
    )
    client.force_login(viewer)

    # when
    response = client.get(url(workspace))

    # then one workshop, two perspectives, management ranked as the most overconfident
    assert response.status_code == 200
    perspectives = response.context["data"].perspectives
    (item,) = perspectives.rounds
    assert (item.persona, item.round, item.customer_title) == (persona.name, 1, "Customers round 1")
    ranked = item.data.overestimation
    assert [p.label for p in ranked] == ["management", "sales"]
    management, sales = ranked
    assert (management.hypotheses, management.confirmed, management.unconfirmed) == (3, 1, 2)
    assert management.unconfirmed_share == pytest.approx(66.7)
    assert management.precision == pytest.approx(33.3)
    assert management.coverage == 50.0
    assert sales.unconfirmed_share == 0.0
    assert sales.precision == 100.0
    assert management.overall == reports["management"].summary["empathy_score"]
    assert sales.scores["pains"] == reports["sales"].summary["segments"]["pains"]["empathy_score"]
    assert [team.label for team in perspectives.teams] == ["management", "sales"]

    # the same figures as the round's own page computes from the match rows
    own_page = {p.label: p for p in round_perspectives(viewer, persona, 1).perspectives}
    for perspective in ranked:
        assert perspective == own_page[perspective.label]

    # the charts with their table fallbacks, the ranking and the headline
    page = response.content.decode()
    for chart_id in ("chart-perspectives", "chart-overestimation"):
        assert f'id="{chart_id}"' in page
        assert f'id="{chart_id}-table"' in page
    text = section(page)
    assert "<strong>management</strong> overestimates the customers most: 67%" in text
    assert "67%" in text
    assert "most overconfident" in text
    assert reverse("persona-round-perspectives", kwargs={"pk": persona.pk, "round": 1}) in text
    assert reverse("report-page", kwargs={"pk": reports["sales"].pk}) in text


def test_the_heatmap_and_its_table_hold_every_perspective_and_segment(viewer, owner, persona):
    build_round(
        owner, persona, customer=[TOOLS, APP], teams={"management": [APP], "sales": [TOOLS]}
    )
    data = dashboard.dashboard_data(viewer, persona.workspace)

    table = charts.dashboard_perspective_table(data.perspectives)
    figure = charts.dashboard_perspective_heatmap(data.perspectives)

    assert [row[0] for row in table.rows] == ["management", "sales"]
    assert table.headers[1:-1] == (
        "Sees",
        "Says & Does",
        "Hears",
        "Thinks & Feels",
        "Pains",
        "Gains",
    )
    (heatmap,) = figure.data
    assert list(heatmap.y) == ["management", "sales"]
    assert len(heatmap.z[0]) == 7  # six segments and the overall score


def test_single_team_rounds_show_no_perspectives_section(client, viewer, owner, workspace, persona):
    build_round(owner, persona, customer=[TOOLS], teams={"sales": [TOOLS, PRICE]})
    client.force_login(viewer)

    response = client.get(url(workspace))

    assert response.context["data"].perspectives.rounds == ()
    page = response.content.decode()
    assert 'id="perspectives-title"' not in page
    assert 'id="chart-overestimation"' not in page
    assert 'id="chart-heatmap"' in page  # the rest of the dashboard is unchanged


def test_only_the_latest_round_and_the_filters_count(client, viewer, owner, workspace, persona):
    # given round 1 with two teams and round 2 with one team against a new workshop
    build_round(
        owner,
        persona,
        customer=[TOOLS],
        teams={"management": [APP], "sales": [TOOLS]},
        held_on=datetime.date(2026, 3, 1),
    )
    build_round(
        owner,
        persona,
        customer=[TOOLS],
        teams={"sales": [TOOLS]},
        round_number=2,
        held_on=datetime.date(2026, 9, 1),
    )
    other = PersonaFactory(workspace=workspace, name="Omar, operations")
    build_round(owner, other, customer=[PRICE], teams={"management": [APP], "front line": [PRICE]})
    client.force_login(viewer)

    # the persona's latest round has one team: only the other persona is shown
    rounds = client.get(url(workspace)).context["data"].perspectives.rounds
    assert [(item.persona, item.round) for item in rounds] == [("Omar, operations", 1)]

    # up to the spring, round 1 is the latest of the first persona
    rounds = (
        client.get(url(workspace, persona=persona.pk, date_to="2026-06-30"))
        .context["data"]
        .perspectives.rounds
    )
    assert [(item.persona, item.round) for item in rounds] == [(persona.name, 1)]
    assert [p.label for p in rounds[0].data.perspectives] == ["management", "sales"]

    # the persona filter alone leaves out the other persona
    data = client.get(url(workspace, persona=other.pk)).context["data"]
    assert [item.persona for item in data.perspectives.rounds] == ["Omar, operations"]


def test_teams_are_pooled_across_personas(viewer, owner, workspace, persona):
    # given management wrong in both personas' workshops, front line right in both
    build_round(
        owner,
        persona,
        customer=[TOOLS],
        teams={"Management": [APP, TOOLS], "front line": [TOOLS]},
    )
    other = PersonaFactory(workspace=workspace, name="Omar, operations")
    build_round(
        owner,
        other,
        customer=[PRICE],
        teams={"management": [REPORTING, APP, PRICE, ONBOARDING], "front line": [PRICE]},
    )

    perspectives = dashboard.dashboard_data(viewer, workspace).perspectives

    assert len(perspectives.rounds) == 2
    management, front_line = perspectives.teams
    assert (management.label, management.personas) == ("Management", 2)
    # 1 of 2 plus 3 of 4 unsupported (onboarding is a pains note but not the customers')
    assert (management.hypotheses, management.unconfirmed) == (6, 4)
    assert management.unconfirmed_share == pytest.approx(66.7)
    assert (front_line.label, front_line.unconfirmed_share) == ("front line", 0.0)
    # with two personas, the heatmap rows say whose perspective they are
    labels = [p.label for p in perspectives.combined.perspectives]
    assert "Omar, operations · management" in labels
    assert f"{persona.name} · Management" in labels


def test_hostile_team_and_persona_names_are_escaped(client, viewer, owner, workspace):
    persona = PersonaFactory(workspace=workspace, name=f"Eve {XSS}")
    build_round(
        owner,
        persona,
        customer=[TOOLS, NoteData("gains", f"Customer {XSS}")],
        teams={f"boss {XSS}": [APP, NoteData("sees", f"Hypothesis {XSS}")], "sales": [TOOLS]},
    )
    client.force_login(viewer)

    page = client.get(url(workspace)).content.decode()

    assert 'id="chart-perspectives"' in page
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    text = section(page)
    assert "boss &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in text
    figures = charts.team_overestimation_bars(
        dashboard.dashboard_data(viewer, workspace).perspectives
    )
    dumped = str(figures.to_dict())
    assert "<script>" not in dumped
    assert "boss &lt;script&gt;" in dumped


def test_queries_do_not_grow_with_the_number_of_teams(
    client, viewer, owner, workspace, django_assert_max_num_queries
):
    def page_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(workspace))
        assert response.status_code == 200
        return len(queries), response.context["data"].perspectives.perspective_count

    client.force_login(viewer)
    # given one workshop with 2 teams
    first = PersonaFactory(workspace=workspace, name="Two teams")
    build_round(owner, first, customer=[TOOLS, PRICE], teams={"a": [TOOLS], "b": [APP]})
    two, shown = page_queries()
    assert shown == 2

    # when another persona's workshop is compared with 6 teams
    second = PersonaFactory(workspace=workspace, name="Six teams")
    teams = {f"team {index}": [TOOLS, APP] if index % 2 else [PRICE] for index in range(6)}
    build_round(owner, second, customer=[TOOLS, PRICE, ONBOARDING], teams=teams)
    six, shown = page_queries()

    # then the page shows all 8 perspectives with the same queries
    assert shown == 8
    assert six == two
    with django_assert_max_num_queries(two):
        client.get(url(workspace))


def test_perspective_figures_are_built_once_per_digest(
    client, viewer, owner, workspace, persona, monkeypatch
):
    built = []
    real = charts.team_overestimation_bars
    monkeypatch.setattr(
        charts, "team_overestimation_bars", lambda data: built.append(data) or real(data)
    )
    reports = build_round(
        owner, persona, customer=[TOOLS], teams={"management": [APP], "sales": [TOOLS]}
    )
    client.force_login(viewer)

    client.get(url(workspace))
    client.get(url(workspace))
    assert len(built) == 1

    # a new report of one pair changes the digest: the figures are rebuilt
    ReportFactory(pair=reports["sales"].pair, by=owner)
    client.get(url(workspace))
    assert len(built) == 2


def test_outsider_cannot_see_the_perspectives(client, outsider, owner, workspace, persona):
    build_round(owner, persona, customer=[TOOLS], teams={"management": [APP], "sales": [TOOLS]})
    client.force_login(outsider)

    response = client.get(url(workspace))

    assert response.status_code == 404
    assert "management" not in response.content.decode()
    assert dashboard.dashboard_data(outsider, workspace).perspectives.rounds == ()
