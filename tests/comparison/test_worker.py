"""A real Celery worker on Redis runs comparisons (skipped without Redis; required in CI)."""

import pytest
from celery import states
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from comparison import services
from comparison.models import Match, Report, ReportStatus
from tests.support.factories import MapPairFactory
from tests.support.waiting import wait_until


@pytest.fixture
def finished_tasks():
    """The end state of every task the in-process worker has run to its end, by task id."""
    finished: dict[str, str] = {}

    def record(task_id=None, state=None, **kwargs):
        finished[task_id] = state

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_each_report_exactly_once(redis_app, owner, persona, finished_tasks):
    pair = MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Too many tools")],
        customer_map__notes=[("pains", "Too many different tools")],
    )
    report, _ = services.report_request(user=owner, pair=pair)

    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # Sent twice on purpose: the second delivery must not add matches.
        sent = [
            redis_app.send_task("comparison.tasks.report_run_task", args=[report.pk]).id
            for _ in range(2)
        ]
        wait_until(
            lambda: Report.objects.get(pk=report.pk).status == ReportStatus.SUCCEEDED,
            30,
            message="the worker to finish the report",
        )
        # The second delivery has been run to its end too (it found the report finished).
        wait_until(
            lambda: all(finished_tasks.get(task_id) in states.READY_STATES for task_id in sent),
            30,
            message="the worker to finish both deliveries",
        )

    assert [finished_tasks[task_id] for task_id in sent] == [states.SUCCESS, states.SUCCESS]
    report.refresh_from_db()
    assert report.progress == 100
    assert Match.objects.filter(report=report, kind="pair").count() == 1
    assert Match.objects.filter(report=report).count() == 1
