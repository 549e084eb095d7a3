"""Blind-spot segments of the dashboard (`comparison.pages.blind_spots`)."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string

from comparison.pages.blind_spots import blind_spots
from comparison.pages.dashboard import dashboard_data
from comparison.selectors.dashboard import PairResult
from tests.comparison.pages.notes import APP, ONBOARDING, PRICE, TOOLS
from tests.support.builders import build_round

pytestmark = pytest.mark.django_db


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
    spots = blind_spots(results)

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
    spots = blind_spots([])
    assert len(spots) == 6
    assert not any(spot.is_blind_spot for spot in spots)


def test_blind_spots_partial_renders_the_worst_segment_first():
    results = [_result({"segments": {"hears": _figures(5, 0, 0), "sees": _figures(2, 2, 2)}})]
    html = render_to_string("comparison/_blind_spots.html", {"blind_spots": blind_spots(results)})
    assert "Blind spots" in html
    assert html.index("Hears") < html.index("Sees")
    assert "blind spot</span>" in html


def test_blind_spots_work_from_the_dashboard_results(owner, persona, workspace):
    build_round(owner, persona, customer=[TOOLS, ONBOARDING, PRICE], teams={"sales": [APP]})
    data = dashboard_data(owner, workspace)

    spots = blind_spots(data.results)

    assert spots[0].segment == "pains"
    assert spots[0].customer_notes == 3
    assert spots[0].coverage == 0.0


def test_blind_spots_are_judged_against_the_workspaces_own_coverage():
    # given a team that anticipates about 40% of what customers say in every segment but
    # one, where it anticipates nothing
    even = {key: _figures(10, 10, 4) for key in ("sees", "says_does", "hears", "gains", "pains")}
    results = [_result({"segments": {**even, "thinks_feels": _figures(10, 10, 0)}})]

    # when
    spots = blind_spots(results)

    # then only that segment is a blind spot: 40% is this workspace's normal, not a flaw
    assert [spot.segment for spot in spots if spot.is_blind_spot] == ["thinks_feels"]
    assert spots[0].overall_coverage == pytest.approx(33.3)
    assert spots[0].coverage_below_overall == pytest.approx(33.3)
    # and equal shares of attention are "even", not a gap of 0 points
    assert spots[1].attention_gap == 0
    assert spots[1].attention_gap_shown is None


def test_one_or_two_customer_notes_make_no_blind_spot():
    results = [_result({"segments": {"hears": _figures(2, 0, 0), "sees": _figures(9, 9, 9)}})]
    assert not any(spot.is_blind_spot for spot in blind_spots(results))
