"""Fixtures shared by every test package (a pytest plugin, registered in tests/conftest.py)."""

from __future__ import annotations

import pytest

from comparison.models import Report
from maps.models import MapPair
from tests.support.builders import known_pair
from tests.support.factories import ReportFactory


@pytest.fixture
def compared_pair(owner, persona) -> MapPair:
    """The known pair (`builders.known_pair`), not yet compared."""
    return known_pair(owner, persona)


@pytest.fixture
def compared_report(compared_pair, editor) -> Report:
    """The known pair compared by the editor: a succeeded report."""
    return ReportFactory(pair=compared_pair, by=editor)
