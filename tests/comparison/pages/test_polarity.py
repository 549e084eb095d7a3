"""Polarity findings of a report ("same topic, opposite feeling",
`comparison.selectors.polarity`) and their partial template."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from comparison.selectors.polarity import polarity_findings
from maps.services import NoteData
from tests.comparison.pages.notes import TOOLS, XSS, XSS_ESCAPED
from tests.support.builders import build_round

pytestmark = pytest.mark.django_db


def test_polarity_findings_flag_gains_against_pains(owner, persona):
    # given the team filed under Gains what customers said under Pains
    reports = build_round(
        owner,
        persona,
        customer=[NoteData("pains", f"Delivery within 24 hours {XSS}")],
        teams={"sales": [NoteData("gains", f"Delivery within 24 hours {XSS}"), TOOLS]},
    )

    # when
    findings = polarity_findings(reports["sales"])

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
    assert polarity_findings(reports["sales"]) == []
    assert render_to_string("comparison/_polarity.html", {"polarity": []}).strip() == ""
