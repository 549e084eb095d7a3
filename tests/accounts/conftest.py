from __future__ import annotations

import pytest

from accounts import tasks

BASE_URL = "http://testserver/"


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """The invitation mails queued for the worker (arguments of each `delay`)."""
    calls: list[tuple] = []
    monkeypatch.setattr(tasks.invitation_send_task, "delay", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def worker_sends(monkeypatch) -> None:
    """Queued mail runs the task at once in this thread (through Celery's own call path,
    retries included), so the tests see what the worker would send."""
    monkeypatch.setattr(
        tasks.invitation_send_task,
        "delay",
        lambda *args: tasks.invitation_send_task.apply(args=args),
    )
    monkeypatch.setattr(
        tasks.mail_send_task, "delay", lambda **kwargs: tasks.mail_send_task.apply(kwargs=kwargs)
    )
