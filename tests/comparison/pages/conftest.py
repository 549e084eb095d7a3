"""Fixtures of the page tests (perspectives, rounds, participants, blind spots, polarity)."""

import pytest

from comparison import tasks


@pytest.fixture(autouse=True)
def _no_queue(monkeypatch):
    # Reports are run in-process with the service; nothing is sent to a broker.
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
