"""Fixtures of the next-actions tests."""

from __future__ import annotations

import pytest

from comparison.models import Report
from maps.services import NoteData
from tests.comparison.pages.conftest import (
    _no_queue,  # noqa: F401 - the autouse fixture: no broker in these tests either
)
from tests.comparison.pages.notes import APP, ONBOARDING, TOOLS, XSS
from tests.support.builders import build_round


@pytest.fixture
def report(owner, persona) -> Report:
    # one confirmed hypothesis, two unsupported ones, one missed customer note
    reports = build_round(
        owner,
        persona,
        customer=[TOOLS, ONBOARDING],
        teams={"management": [TOOLS, APP, NoteData("gains", f"Wants dark mode {XSS}")]},
    )
    return reports["management"]
