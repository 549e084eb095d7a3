"""A real Celery worker on Redis runs comparisons (skipped without Redis; required in CI)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from comparison import services
from comparison.models import Match, Report, ReportStatus
from maps import services as map_services
from tests.factories import make_map


def _wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_each_report_exactly_once(redis_app, owner, persona):
    internal = make_map(persona, "internal", notes=[("pains", "Too many tools")])
    customer = make_map(persona, "customer", notes=[("pains", "Too many different tools")])
    pair = map_services.pair_create(user=owner, internal_map=internal, customer_map=customer)
    report, _ = services.report_request(user=owner, pair=pair)

    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # Sent twice on purpose: the second delivery must not add matches.
        for _ in range(2):
            redis_app.send_task("comparison.tasks.report_run_task", args=[report.pk])
        _wait_for(lambda: Report.objects.get(pk=report.pk).status == ReportStatus.SUCCEEDED)
        time.sleep(0.5)

    report.refresh_from_db()
    assert report.progress == 100
    assert Match.objects.filter(report=report, kind="pair").count() == 1
    assert Match.objects.filter(report=report).count() == 1
