"""Perception-gap analytics: perspectives of a round, per-participant overconfidence,
blind spots, polarity and rounds diffs, through their selectors and their pages."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from comparison import analytics, engine, tasks
from comparison.dashboard import PairResult
from maps.models import Note
from maps.segments import SEGMENT_KEYS
from maps.services import NoteData
from tests.support.builders import build_round

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

TOOLS = NoteData("pains", "Too many tools that do not talk to each other", author="Ann")
PRICE = NoteData("pains", "Worried about the price of the licence", votes=2, author="Ann")
ONBOARDING = NoteData("pains", "Onboarding new staff takes weeks", votes=4)
APP = NoteData("gains", "Wants a mobile app for approvals", author="Bob")
REPORTING = NoteData("gains", "Wants monthly reporting at the push of a button", author="Bob")


@pytest.fixture(autouse=True)
def _no_queue(monkeypatch):
    # Reports are run in-process with the service; nothing is sent to a broker.
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)


def perspectives_url(persona, round_number: int = 1) -> str:
    return reverse("persona-round-perspectives", kwargs={"pk": persona.pk, "round": round_number})


# --- 1. perspectives of a round ---------------------------------------------------------


def test_round_perspectives_scores_matrix_disagreement_and_overestimation(owner, persona):
    # given management with two unsupported hypotheses, sales with one right one
    build_round(
        owner,
        persona,
        customer=[TOOLS, ONBOARDING],
        teams={"management": [APP, REPORTING, TOOLS], "sales": [TOOLS]},
    )

    # when
    data = analytics.round_perspectives(owner, persona, 1)

    # then each team is a perspective with its own report figures
    by_label = {p.label: p for p in data.perspectives}
    assert set(by_label) == {"management", "sales"}
    assert by_label["management"].hypotheses == 3
    assert by_label["management"].unconfirmed == 2
    assert by_label["management"].unconfirmed_share == pytest.approx(66.7)
    assert by_label["sales"].unconfirmed_share == 0.0
    assert by_label["sales"].scores["pains"] is not None
    # management overestimates: it comes first
    assert [p.label for p in data.overestimation] == ["management", "sales"]
    # the matrix: both anticipated "tools", nobody anticipated "onboarding" (listed first)
    columns = [p.label for p in data.perspectives]
    rows = {row.note.text: dict(zip(columns, row.cells, strict=True)) for row in data.matrix}
    assert rows[TOOLS.text] == {"management": True, "sales": True}
    assert rows[ONBOARDING.text] == {"management": False, "sales": False}
    assert data.matrix[0].note.text == ONBOARDING.text
    assert data.matrix[0].missed_by_all
    # the disagreement: management's two gains notes have no counterpart in sales
    (disagreement,) = data.disagreements
    assert {disagreement.first, disagreement.second} == {"management", "sales"}
    only_management = (
        disagreement.only_first if disagreement.first == "management" else disagreement.only_second
    )
    assert {note.text for note in only_management} == {APP.text, REPORTING.text}
    only_sales = (
        disagreement.only_second if disagreement.first == "management" else disagreement.only_first
    )
    assert only_sales == ()


def test_round_without_comparisons_is_empty(owner, persona):
    data = analytics.round_perspectives(owner, persona, 3)
    assert data.perspectives == ()
    assert data.matrix == ()


def test_disagreement_limit_is_explicit(owner, persona, monkeypatch):
    build_round(owner, persona, customer=[TOOLS], teams={"a": [TOOLS, APP], "b": [TOOLS]})
    monkeypatch.setattr(analytics, "COMPARE_MAX_NOTES", 2)
    assert analytics.round_perspectives(owner, persona, 1).disagreement_note == ""
    monkeypatch.setattr(analytics, "COMPARE_MAX_NOTES", 1)
    data = analytics.round_perspectives(owner, persona, 1)
    assert data.disagreements == ()
    assert "up to 1 each" in data.disagreement_note


def test_perspectives_page_for_a_viewer_escapes_notes_and_team_names(
    client, owner, viewer, persona
):
    # given a team name and notes carrying markup
    evil = NoteData("pains", f"Hates {XSS} popups")
    build_round(
        owner,
        persona,
        customer=[evil, ONBOARDING],
        teams={f"mgmt {XSS}": [evil, APP], "sales": [TOOLS]},
    )
    client.force_login(viewer)

    # when
    response = client.get(perspectives_url(persona))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert XSS not in page
    assert f"Hates {XSS_ESCAPED} popups" in page
    assert f"mgmt {XSS_ESCAPED}" in page
    for chart_id in ("chart-perspectives", "chart-overestimation"):
        assert f'id="{chart_id}"' in page
        assert f'id="{chart_id}-table"' in page
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page
    assert "Who overestimates the customers?" in page


def test_perspective_figures_escape_team_names():
    data = analytics.RoundPerspectives(
        round=1,
        perspectives=(
            analytics.PerspectiveResult(
                label="<b>boss</b>",
                report_id=1,
                internal_title="t",
                customer_title="c",
                scores=dict.fromkeys(SEGMENT_KEYS, 50.0),
                overall=50.0,
                hypotheses=2,
                confirmed=1,
                unconfirmed=1,
            ),
        ),
        matrix=(),
        matrix_total=0,
        disagreements=(),
        disagreement_note="",
    )
    for figure in (analytics.perspective_heatmap(data), analytics.overestimation_bars(data)):
        dumped = str(figure.to_dict())
        assert "<b>boss" not in dumped
        assert "&lt;b&gt;boss" in dumped


def _page_queries(client, django_assert_max_num_queries, url: str, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("team_count", [2, 6])
def test_perspectives_page_runs_a_constant_number_of_queries(
    client, owner, viewer, persona, team_count, django_assert_max_num_queries
):
    # given 2 or 6 teams against one customer workshop
    teams = {f"team {index}": [TOOLS, APP] if index % 2 else [PRICE] for index in range(team_count)}
    build_round(owner, persona, customer=[TOOLS, PRICE, ONBOARDING], teams=teams)
    client.force_login(viewer)

    # then the same budget holds for both: session, user, persona, rounds, reports, matches
    with django_assert_max_num_queries(7) as captured:
        response = client.get(perspectives_url(persona))
    assert response.status_code == 200
    assert len(response.context["data"].perspectives) == team_count
    assert len(response.context["data"].disagreements) == team_count * (team_count - 1) // 2
    assert len(captured.captured_queries) <= 7


# --- 2. per-participant overconfidence ----------------------------------------------------


def test_participant_overconfidence_per_author(owner, persona):
    # given Ann (one right, one wrong) and Bob (two wrong) and a note without an author
    reports = build_round(
        owner,
        persona,
        customer=[TOOLS, ONBOARDING],
        teams={"management": [TOOLS, PRICE, APP, REPORTING, NoteData("sees", "Competitor ads")]},
    )
    report = reports["management"]

    # when
    rows = {row.author: row for row in analytics.participant_overconfidence(report)}

    # then
    assert rows["Ann"].hypotheses == 2
    assert rows["Ann"].confirmed == 1
    assert rows["Ann"].unconfirmed == 1
    assert rows["Ann"].unconfirmed_share == 50.0
    assert rows["Ann"].anticipated == 1
    assert rows["Ann"].anticipated_share == 100.0
    assert rows["Bob"].unconfirmed_share == 100.0
    assert rows["Bob"].anticipated == 0
    assert rows[analytics.NO_AUTHOR].hypotheses == 1
    # the most overconfident first
    assert next(iter(rows)) in {"Bob", analytics.NO_AUTHOR}


def test_participant_of_a_deleted_note_is_unknown(owner, persona):
    reports = build_round(owner, persona, customer=[ONBOARDING], teams={"sales": [APP]})
    Note.objects.filter(text=APP.text).delete()

    rows = analytics.participant_overconfidence(reports["sales"])

    assert [(row.author, row.hypotheses) for row in rows] == [(analytics.UNKNOWN_AUTHOR, 1)]


def test_participants_page_names_for_editors_only(client, owner, editor, viewer, persona):
    reports = build_round(
        owner,
        persona,
        customer=[TOOLS],
        teams={"sales": [TOOLS, NoteData("gains", "Fast quotes", author=f"Eve {XSS}")]},
    )
    url = reverse("report-participants", kwargs={"pk": reports["sales"].pk})

    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 403
    assert "Eve" not in response.content.decode()

    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Eve {XSS_ESCAPED}" in page
    assert XSS not in page
    assert "Ann" in page


# --- 3. blind spots -------------------------------------------------------------------------


def _result(summary: dict, report_id: int = 1) -> PairResult:
    return PairResult(
        report_id=report_id,
        pair_id=report_id,
        persona_id=1,
        persona="Jane",
        team="",
        internal_title="t",
        customer_title="c",
        round=1,
        workshop_date=datetime.date(2026, 1, 1),
        dated_by_workshop=True,
        finished_at=None,
        summary=summary,
    )


def _figures(customer: int, internal: int, anticipated: int) -> dict:
    return {"customer_count": customer, "internal_count": internal, "anticipated": anticipated}


def test_blind_spots_rank_low_coverage_and_attention_gaps_first():
    # given customers writing much about pains (team little), the team much about gains
    results = [
        _result({"segments": {"pains": _figures(6, 1, 1), "gains": _figures(2, 6, 2)}}, 1),
        _result({"segments": {"pains": _figures(4, 1, 1), "sees": _figures(1, 1, 1)}}, 2),
        _result({"segments": "garbage"}, 3),  # malformed summaries count as nothing
    ]

    # when
    spots = analytics.blind_spots(results)

    # then
    # sees and gains are both fully covered; customers gave sees a larger share than the
    # team did, relative to gains, where the team wrote most and customers little
    assert [spot.segment for spot in spots][:3] == ["pains", "sees", "gains"]
    pains = spots[0]
    assert (pains.customer_notes, pains.internal_notes, pains.anticipated) == (10, 2, 2)
    assert pains.coverage == 20.0
    assert pains.is_blind_spot
    assert pains.attention_gap == pytest.approx(76.9 - 22.2, abs=0.2)
    assert not spots[2].is_blind_spot  # gains: fully covered, and the team wrote plenty
    assert spots[2].attention_gap < 0
    assert spots[-1].customer_notes == 0
    assert not spots[-1].is_blind_spot


def test_blind_spots_of_nothing():
    spots = analytics.blind_spots([])
    assert len(spots) == 6
    assert not any(spot.is_blind_spot for spot in spots)


def test_blind_spots_partial_renders_the_worst_segment_first():
    results = [_result({"segments": {"hears": _figures(5, 0, 0), "sees": _figures(2, 2, 2)}})]
    html = render_to_string(
        "comparison/_blind_spots.html", {"blind_spots": analytics.blind_spots(results)}
    )
    assert "Blind spots" in html
    assert html.index("Hears") < html.index("Sees")
    assert "blind spot</span>" in html


def test_blind_spots_work_from_the_dashboard_results(owner, persona, workspace):
    from comparison.dashboard import dashboard_data

    build_round(owner, persona, customer=[TOOLS, ONBOARDING, PRICE], teams={"sales": [APP]})
    data = dashboard_data(owner, workspace)

    spots = analytics.blind_spots(data.results)

    assert spots[0].segment == "pains"
    assert spots[0].customer_notes == 3
    assert spots[0].coverage == 0.0


# --- 4. polarity ----------------------------------------------------------------------------


def test_polarity_findings_flag_gains_against_pains(owner, persona):
    # given the team filed under Gains what customers said under Pains
    reports = build_round(
        owner,
        persona,
        customer=[NoteData("pains", f"Delivery within 24 hours {XSS}")],
        teams={"sales": [NoteData("gains", f"Delivery within 24 hours {XSS}"), TOOLS]},
    )

    # when
    findings = analytics.polarity_findings(reports["sales"])

    # then
    (finding,) = findings
    assert finding.internal.segment == "gains"
    assert finding.customer.segment == "pains"
    html = render_to_string("comparison/_polarity.html", {"polarity": findings})
    assert "Same topic, opposite feeling" in html
    assert XSS not in html
    assert XSS_ESCAPED in html


def test_no_polarity_within_one_segment(owner, persona):
    reports = build_round(owner, persona, customer=[TOOLS], teams={"sales": [TOOLS]})
    assert analytics.polarity_findings(reports["sales"]) == []
    assert render_to_string("comparison/_polarity.html", {"polarity": []}).strip() == ""


# --- 5. rounds ------------------------------------------------------------------------------


def test_diff_notes_finds_new_gone_and_changed():
    old = [
        analytics.NoteRef("pains", "Too many tools that do not talk to each other"),
        analytics.NoteRef("pains", "Worried about the price of the licence"),
        analytics.NoteRef("sees", "Onboarding new staff takes weeks"),
    ]
    new = [
        analytics.NoteRef("pains", "Too many tools that do not talk to each other at all"),
        analytics.NoteRef("pains", "Worried about the price of the licence"),
        analytics.NoteRef("gains", "Wants a public API for the ERP"),
    ]

    diff = analytics.diff_notes(old, new, engine.DEFAULT_SETTINGS, label="Customers")

    assert [note.text for note in diff.new] == ["Wants a public API for the ERP"]
    assert [note.text for note in diff.gone] == ["Onboarding new staff takes weeks"]
    (changed,) = diff.changed
    assert changed.old.text == old[0].text
    assert changed.new.text == new[0].text
    assert diff.unchanged == 1


def test_diff_notes_limit_is_explicit(monkeypatch):
    monkeypatch.setattr(analytics, "COMPARE_MAX_NOTES", 1)
    notes = [analytics.NoteRef("sees", "a b c"), analytics.NoteRef("sees", "d e f")]
    diff = analytics.diff_notes(notes, notes[:1], engine.DEFAULT_SETTINGS)
    assert diff.skipped
    assert diff.new == diff.gone == diff.changed == ()


def _two_rounds(owner, persona):
    build_round(
        owner,
        persona,
        customer=[TOOLS, PRICE, ONBOARDING],
        teams={"management": [APP], "sales": [TOOLS]},
        round_number=1,
        held_on=datetime.date(2026, 3, 1),
    )
    build_round(
        owner,
        persona,
        customer=[
            NoteData("pains", "Too many tools that do not talk to each other at all"),
            PRICE,
            NoteData("gains", f"Wants a public API {XSS}"),
        ],
        teams={"management": [APP, TOOLS], "sales": [TOOLS]},
        round_number=2,
        held_on=datetime.date(2026, 9, 1),
    )


def test_rounds_diff_and_trend(owner, persona):
    _two_rounds(owner, persona)

    diff = analytics.rounds_diff(owner, persona, 1, 2)

    assert [note.text for note in diff.customer.new] == [f"Wants a public API {XSS}"]
    assert [note.text for note in diff.customer.gone] == [ONBOARDING.text]
    assert len(diff.customer.changed) == 1
    assert diff.customer.unchanged == 1
    internal = {item.label: item for item in diff.internal}
    assert [note.text for note in internal["management"].new] == [TOOLS.text]
    assert internal["sales"].new == internal["sales"].gone == ()
    assert internal["sales"].unchanged == 1
    assert [point.round for point in diff.trend] == [1, 2]
    assert diff.trend[0].scores["pains"] is not None
    assert diff.trend[1].overall > diff.trend[0].overall


def test_segment_trend_pools_the_teams_of_a_round():
    def row(round_number, confirmed, internal, anticipated, customer):
        figures = {
            "confirmed": confirmed,
            "internal_count": internal,
            "anticipated": anticipated,
            "customer_count": customer,
            "empathy_score": 99.0,  # a single comparison keeps its own figure
        }
        return analytics.ReportRow(
            report_id=round_number,
            pair_id=1,
            team="",
            internal_title="",
            internal_map_id=1,
            customer_map_id=1,
            customer_title="",
            round=round_number,
            workshop_date=None,
            settings={},
            summary={**figures, "segments": {"pains": figures}},
        )

    points = analytics.segment_trend([row(1, 1, 2, 1, 2), row(1, 2, 2, 2, 2), row(2, 1, 1, 1, 1)])

    assert [point.round for point in points] == [1, 2]
    assert points[0].scores["pains"] == 75.0  # precision 3/4, coverage 3/4
    assert points[1].scores["pains"] == 99.0
    assert points[0].scores["sees"] is None


def test_rounds_page_shows_pickers_diff_and_trend_escaped(client, owner, viewer, persona):
    _two_rounds(owner, persona)
    client.force_login(viewer)

    response = client.get(reverse("persona-rounds", kwargs={"pk": persona.pk}))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="chart-round-trend"' in page
    assert 'name="old"' in page
    assert 'name="new"' in page
    assert f"Wants a public API {XSS_ESCAPED}" in page
    assert XSS not in page
    assert response.context["diff"].old_round == 1


def test_rounds_page_refuses_the_same_round_twice(client, owner, viewer, persona):
    _two_rounds(owner, persona)
    client.force_login(viewer)

    response = client.get(
        reverse("persona-rounds", kwargs={"pk": persona.pk}), {"old": 2, "new": 2}
    )

    assert response.status_code == 200
    assert response.context["diff"] is None
    assert "Choose two different rounds" in response.content.decode()


def test_rounds_page_with_one_round_says_so(client, owner, viewer, persona):
    build_round(owner, persona, customer=[TOOLS], teams={"sales": [TOOLS]})
    client.force_login(viewer)
    response = client.get(reverse("persona-rounds", kwargs={"pk": persona.pk}))
    assert response.status_code == 200
    assert "One round so far" in response.content.decode()


# --- scoping ----------------------------------------------------------------------------


def test_outsider_gets_404_on_every_analytics_page(client, owner, outsider, persona):
    reports = build_round(owner, persona, customer=[TOOLS], teams={"sales": [TOOLS]})
    client.force_login(outsider)
    for url in (
        perspectives_url(persona),
        reverse("persona-rounds", kwargs={"pk": persona.pk}),
        reverse("report-participants", kwargs={"pk": reports["sales"].pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert analytics.round_perspectives(outsider, persona, 1).perspectives == ()
    assert analytics.persona_rounds(outsider, persona) == []
