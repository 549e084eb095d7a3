"""Every outage ends (RELIABILITY 31): whatever the length of a database outage, a report
ends `succeeded` or `failed` with a reason soon after the database returns, the pair can be
compared again, and the API answers JSON 503 (not an HTML 500) while the database is away.

The outage is simulated in-process: stopping the shared PostgreSQL server would take every
other test run on this machine down with it.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from rest_framework.test import APIClient

from comparison import services, tasks
from comparison.models import Report, ReportStatus
from comparison.services.runs import ABANDONED_ERROR, run_abandoned_before
from tests.support.factories import MapPairFactory

pytestmark = pytest.mark.django_db(transaction=True)

DOWN = OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def pair(persona, monkeypatch):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    return MapPairFactory(
        internal_map__persona=persona,
        internal_map__notes=[("pains", "Too many tools")],
        customer_map__notes=[("pains", "Too many tools that do not talk")],
    )


@pytest.fixture
def retry_now(monkeypatch):
    """Eager retries without waiting through the back-off; records each countdown."""
    countdowns: list[int] = []
    original = tasks.report_run_task.retry

    def retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        return original(*args, countdown=0, **kwargs)

    monkeypatch.setattr(tasks.report_run_task, "retry", retry)
    return countdowns


def _queued(pair, user) -> Report:
    report, _ = services.report_request(user=user, pair=pair)
    return report


def test_the_retry_schedule_outlasts_a_ten_minute_outage():
    schedule = [tasks.retry_countdown(n) for n in range(tasks.report_run_task.max_retries)]

    assert sum(schedule) >= 600
    assert max(schedule) <= 60  # back within a minute of the database's return


def test_a_run_outlives_an_outage_longer_than_a_minute(pair, editor, monkeypatch, retry_now):
    # given a database that refuses the first ten attempts (2+4+8+16+32+60x5 = 362 s)
    real_run = services.report_run
    failures = iter([DOWN] * 10)

    def flaky(*, report_id):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_run(report_id=report_id)

    monkeypatch.setattr(services, "report_run", flaky)
    report = _queued(pair, editor)

    # when the task runs through its retries
    tasks.report_run_task.apply(args=[report.pk])

    # then the comparison finished once the database was back
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED
    assert sum(retry_now) > 62  # longer than the old schedule of five doubling retries


def test_a_worker_that_gives_up_while_the_database_is_down_fails_the_report_later(
    pair, editor, monkeypatch, retry_now
):
    # given a database down for longer than the whole retry schedule
    report = _queued(pair, editor)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    real_fail = services.report_fail
    monkeypatch.setattr(services, "report_run", lambda **kwargs: (_ for _ in ()).throw(DOWN))

    def fail_while_down(**kwargs):
        raise DOWN

    monkeypatch.setattr(services, "report_fail", fail_while_down)
    scheduled = []
    monkeypatch.setattr(
        tasks.report_fail_task, "apply_async", lambda args, countdown: scheduled.append(args)
    )

    # when the run gives up, its failure cannot be written: it is handed to report_fail_task
    tasks.report_run_task.apply(args=[report.pk])
    assert scheduled == [[report.pk, f"The database was unavailable: {DOWN}"]]
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING

    # and once the database is back, that task records the failure with its reason
    monkeypatch.setattr(services, "report_fail", real_fail)
    tasks.report_fail_task.apply(args=scheduled[0])
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "database was unavailable" in report.error


def test_the_fail_task_keeps_trying_while_the_database_is_down(pair, editor, monkeypatch):
    report = _queued(pair, editor)
    attempts = iter([DOWN, DOWN, None])
    real_fail = services.report_fail

    def flaky_fail(**kwargs):
        error = next(attempts)
        if error is not None:
            raise error
        return real_fail(**kwargs)

    monkeypatch.setattr(services, "report_fail", flaky_fail)
    original = tasks.report_fail_task.retry
    monkeypatch.setattr(
        tasks.report_fail_task,
        "retry",
        lambda *a, countdown=None, **k: original(*a, countdown=0, **k),
    )

    tasks.report_fail_task.apply(args=[report.pk, "The database was unavailable: gone"])

    assert Report.objects.get(pk=report.pk).status == ReportStatus.FAILED


def _running_silent_for(report: Report, seconds: int) -> None:
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=since, updated_at=since, attempts=1
    )


def test_the_reaper_requeues_a_silent_run_well_before_the_redelivery_window(
    pair, editor, django_capture_on_commit_callbacks, monkeypatch, settings
):
    sent = []
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: sent.append(report_id))
    report = _queued(pair, editor)
    silent = (timezone.now() - run_abandoned_before(timezone.now())).total_seconds() + 5
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert silent < max(visibility, settings.CELERY_TASK_TIME_LIMIT) + 60
    _running_silent_for(report, int(silent))
    sent.clear()  # the first send, by the request

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_reap() == {"requeued": 1, "failed": 0}

    assert sent == [report.pk]
    assert Report.objects.get(pk=report.pk).status == ReportStatus.QUEUED


def test_the_reaper_leaves_a_run_with_a_recent_sign_of_life_alone(pair, editor):
    report = _queued(pair, editor)
    # started long ago but wrote progress a moment ago: a slow run, alive
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=20),
        updated_at=timezone.now(),
        attempts=1,
    )

    assert services.reports_reap() == {"requeued": 0, "failed": 0}


def test_progress_writes_are_a_sign_of_life(pair, editor):
    from comparison.services.runs import _progress_writer

    report = _queued(pair, editor)
    _running_silent_for(report, 3600)

    _progress_writer(report.pk)(50)

    report.refresh_from_db()
    assert report.progress == 50
    assert report.updated_at > run_abandoned_before(timezone.now())


def test_a_stuck_report_does_not_block_a_new_compare(pair, editor):
    stuck = _queued(pair, editor)
    _running_silent_for(stuck, 3600)

    report, created = services.report_request(user=editor, pair=pair)

    assert created
    assert report.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == ReportStatus.FAILED
    assert stuck.error == ABANDONED_ERROR


def test_a_live_run_still_answers_a_new_compare_with_itself(pair, editor):
    running = _queued(pair, editor)
    Report.objects.filter(pk=running.pk).update(status=ReportStatus.RUNNING)

    report, created = services.report_request(user=editor, pair=pair)

    assert not created
    assert report.pk == running.pk


# --- the API during the outage ----------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    return lambda: monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


@pytest.mark.parametrize("url", ["/api/workspaces/", "/api/reports/1/", "/api/schema/"])
def test_the_api_answers_json_503_while_the_database_is_down(editor, database_down, url):
    client = APIClient(raise_request_exception=False)
    client.force_login(editor)
    from django.db import connections

    connections.close_all()
    database_down()

    answer = client.get(url)

    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/json"
    assert "temporarily unavailable" in answer.json()["detail"]
    assert answer["Retry-After"]


def test_pages_answer_503_while_the_database_is_down(editor, database_down):
    from django.db import connections
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(editor)
    connections.close_all()
    database_down()

    answer = client.get("/")

    assert answer.status_code == 503
    assert answer["Retry-After"]


def test_other_api_errors_answer_json_500(editor, monkeypatch):
    from maps import selectors

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(selectors, "workspaces_for", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(editor)

    answer = client.get("/api/workspaces/")

    assert answer.status_code == 500
    assert answer.json() == {"detail": "A server error occurred."}
