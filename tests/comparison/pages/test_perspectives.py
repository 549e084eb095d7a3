"""The perspectives of one round: several teams' maps against one customer workshop,
through `comparison.pages.perspectives` and its page; and every round page's scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comparison import charts
from comparison.pages import note_matching, perspectives
from comparison.selectors import rounds as round_selectors
from maps.segments import SEGMENT_KEYS
from maps.services import NoteData
from tests.comparison.pages.notes import APP, ONBOARDING, PRICE, REPORTING, TOOLS, XSS, XSS_ESCAPED
from tests.support.builders import build_round

pytestmark = pytest.mark.django_db


def perspectives_url(persona, round_number: int = 1) -> str:
    return reverse("persona-round-perspectives", kwargs={"pk": persona.pk, "round": round_number})


def test_round_perspectives_scores_matrix_disagreement_and_overestimation(owner, persona):
    # given management with two unsupported hypotheses, sales with one right one
    build_round(
        owner,
        persona,
        customer=[TOOLS, ONBOARDING],
        teams={"management": [APP, REPORTING, TOOLS], "sales": [TOOLS]},
    )

    # when
    data = perspectives.round_perspectives(owner, persona, 1)

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
    data = perspectives.round_perspectives(owner, persona, 3)
    assert data.perspectives == ()
    assert data.matrix == ()


def test_disagreement_limit_is_explicit(owner, persona, monkeypatch):
    build_round(owner, persona, customer=[TOOLS], teams={"a": [TOOLS, APP], "b": [TOOLS]})
    monkeypatch.setattr(note_matching, "COMPARE_MAX_NOTES", 2)
    assert perspectives.round_perspectives(owner, persona, 1).disagreement_note == ""
    monkeypatch.setattr(note_matching, "COMPARE_MAX_NOTES", 1)
    data = perspectives.round_perspectives(owner, persona, 1)
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
    data = perspectives.RoundPerspectives(
        round=1,
        perspectives=(
            perspectives.PerspectiveResult(
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
    for figure in (charts.perspective_heatmap(data), charts.overestimation_bars(data)):
        dumped = str(figure.to_dict())
        assert "<b>boss" not in dumped
        assert "&lt;b&gt;boss" in dumped


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
    assert perspectives.round_perspectives(outsider, persona, 1).perspectives == ()
    assert round_selectors.persona_rounds(outsider, persona) == []
