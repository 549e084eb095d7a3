"""Fair queues (RELIABILITY 33): comparisons and background embedding run on separate
queues with their own workers, and one workspace's queued background work is capped, so a
big import in one workspace never makes another workspace's small comparison wait.
"""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker

from comparison import background, embeddings, services, tasks
from comparison.models import Report, ReportStatus
from config.celery_app import app as project_app
from tests.support.factories import (
    EmpathyMapFactory,
    MapPairFactory,
    PersonaFactory,
    WorkspaceFactory,
)
from tests.support.waiting import wait_until


def _queue_of(task_name: str) -> str:
    return project_app.amqp.router.route({}, task_name)["queue"].name


def test_comparisons_and_embedding_are_routed_to_separate_queues():
    assert _queue_of(tasks.report_run_task.name) == "interactive"
    assert _queue_of(tasks.report_fail_task.name) == "interactive"
    assert _queue_of(tasks.reports_reap_task.name) == "interactive"
    assert _queue_of(tasks.note_embeddings_refresh_task.name) == "background"
    # a worker started without -Q (tests, a one-worker set-up) still consumes both
    assert {queue.name for queue in project_app.conf.task_queues} == {"interactive", "background"}


@pytest.fixture
def sent(monkeypatch, fake):
    queued: list[int] = []
    monkeypatch.setattr(tasks.note_embeddings_refresh_task, "delay", queued.append)
    return queued


def _maps(owner, count: int) -> list[int]:
    persona = PersonaFactory(workspace=WorkspaceFactory(owner=owner))
    return [EmpathyMapFactory(persona=persona).pk for _ in range(count)]


@pytest.mark.django_db
def test_one_workspace_queues_at_most_its_share_of_background_work(owner, sent, settings):
    settings.GAPMAP_BACKGROUND_MAX_PER_WORKSPACE = 3
    busy, quiet = _maps(owner, 5), _maps(owner, 1)

    queued_busy = [embeddings.refresh_queue(map_id) for map_id in busy]
    queued_quiet = embeddings.refresh_queue(quiet[0])

    assert queued_busy == [True, True, True, False, False]
    assert queued_quiet is True  # another workspace is not held back
    assert sent == busy[:3] + quiet


@pytest.mark.django_db
def test_a_map_has_one_refresh_queued_at_a_time(owner, sent):
    (map_id,) = _maps(owner, 1)

    assert embeddings.refresh_queue(map_id) is True
    assert embeddings.refresh_queue(map_id) is False  # the queued one will read this too

    # the task gives its slot back as it starts: writes from then on queue a new refresh
    tasks.note_embeddings_refresh_task.apply(args=[map_id])
    assert embeddings.refresh_queue(map_id) is True
    assert sent == [map_id, map_id]


@pytest.mark.django_db
def test_a_started_refresh_frees_the_workspace_slot(owner, sent, settings):
    settings.GAPMAP_BACKGROUND_MAX_PER_WORKSPACE = 1
    first, second = _maps(owner, 2)
    assert embeddings.refresh_queue(first) is True
    assert embeddings.refresh_queue(second) is False

    background.background_slot_release(map_id=first)

    assert embeddings.refresh_queue(second) is True


@pytest.mark.django_db(transaction=True)
def test_a_small_comparison_finishes_while_another_workspace_s_import_waits(
    redis_app, owner, persona, fake
):
    # given a big import's embedding queued in one workspace
    (busy_map,) = _maps(owner, 1)
    for _ in range(3):
        redis_app.send_task(tasks.note_embeddings_refresh_task.name, args=[busy_map])
    # and a two-note pair in another
    pair = MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Too many tools")],
        customer_map__notes=[("pains", "Too many different tools")],
    )
    report, _ = services.report_request(user=owner, pair=pair)

    # when the interactive worker runs (the production shape: one worker per queue)
    with start_worker(
        redis_app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=["interactive"],
    ):
        redis_app.send_task(tasks.report_run_task.name, args=[report.pk])
        wait_until(
            lambda: Report.objects.get(pk=report.pk).status == ReportStatus.SUCCEEDED,
            30,
            message="the interactive worker to finish the comparison",
        )

    # then the comparison did not wait behind the background work, which is still queued
    with redis_app.connection_for_write() as connection:
        assert connection.default_channel.client.llen("background") == 3
