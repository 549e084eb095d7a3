"""Database errors in the middle of a run: the report ends failed with a message, no half
written matches remain, and the pair's previous results are untouched."""

import pytest
from django.db import OperationalError

from comparison import services, tasks
from comparison.models import Match, Report, ReportStatus
from tests.support.factories import MapPairFactory

pytestmark = pytest.mark.django_db(transaction=True)

INTERNAL = [
    ("pains", "Too many tools that don't talk to each other"),
    ("gains", "Lower prices from suppliers"),
]
CUSTOMER = [
    ("pains", "Too many tools that do not talk to each other"),
    ("hears", "Auditors ask for a complete paper trail"),
]


@pytest.fixture
def pair(persona, monkeypatch):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    return MapPairFactory(
        internal_map__persona=persona, internal_map__notes=INTERNAL, customer_map__notes=CUSTOMER
    )


def run(pair, user) -> Report:
    report, _ = services.report_request(user=user, pair=pair)
    tasks.report_run_task.apply(args=[report.pk])
    report.refresh_from_db()
    return report


def snapshot(report: Report) -> list[tuple]:
    return list(
        Match.objects.filter(report=report)
        .order_by("id")
        .values_list("kind", "verdict", "internal_text", "customer_text", "score")
    )


def test_a_database_error_while_storing_fails_the_run_and_keeps_earlier_results(
    pair, editor, monkeypatch
):
    # given a pair compared successfully once
    earlier = run(pair, editor)
    assert earlier.status == ReportStatus.SUCCEEDED
    earlier_rows = snapshot(earlier)
    earlier_summary = earlier.summary

    # when the database drops the connection on every attempt to store the next run
    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Match.objects, "bulk_create", connection_lost)
    monkeypatch.setattr(tasks.report_run_task, "retry", _retry_now(tasks.report_run_task))
    failed = run(pair, editor)

    # then the new report is failed with a readable message and holds no partial rows...
    assert failed.status == ReportStatus.FAILED
    assert "database was unavailable" in failed.error
    assert "server closed the connection" in failed.error
    assert not Match.objects.filter(report=failed).exists()
    assert failed.attempts == tasks.report_run_task.max_retries + 1
    # ...and the earlier report is exactly as it was
    earlier.refresh_from_db()
    assert earlier.status == ReportStatus.SUCCEEDED
    assert earlier.summary == earlier_summary
    assert snapshot(earlier) == earlier_rows


def test_a_database_error_in_one_attempt_is_retried_to_success(pair, editor, monkeypatch):
    real_bulk_create = Match.objects.bulk_create
    failures = iter([OperationalError("deadlock detected")])

    def flaky(*args, **kwargs):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_bulk_create(*args, **kwargs)

    monkeypatch.setattr(Match.objects, "bulk_create", flaky)
    monkeypatch.setattr(tasks.report_run_task, "retry", _retry_now(tasks.report_run_task))

    report = run(pair, editor)

    assert report.status == ReportStatus.SUCCEEDED
    assert report.attempts == 2
    # one complete set of rows: every note once among the pair and unmatched rows
    rows = Match.objects.filter(report=report).exclude(kind="also")
    assert sorted(rows.exclude(internal_text="").values_list("internal_text", flat=True)) == sorted(
        text for _, text in INTERNAL
    )
    assert sorted(rows.exclude(customer_text="").values_list("customer_text", flat=True)) == sorted(
        text for _, text in CUSTOMER
    )


def _retry_now(task):
    """`Task.retry` without the countdown: eager `apply` re-runs at once, so a test need
    not wait through the real back-off."""
    original = task.retry

    def retry(*args, countdown=None, **kwargs):
        return original(*args, countdown=0, **kwargs)

    return retry
