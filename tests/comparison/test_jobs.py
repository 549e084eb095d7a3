"""Comparison jobs through the services and the Celery task (no eager mode)."""

import datetime

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone

from comparison import engine, services, tasks
from comparison.models import Match, Report, ReportStatus
from maps import services as map_services
from tests.support.factories import MapPairFactory

pytestmark = pytest.mark.django_db

INTERNAL = [
    ("pains", "Too many tools that don't talk to each other"),
    ("pains", "Approval workflows take weeks"),
    ("gains", "Lower prices from suppliers"),
    ("sees", "Budget cuts announced by the CFO"),
]
CUSTOMER = [
    ("pains", "Too many tools that do not talk to each other"),
    ("pains", "Approval workflows take many weeks"),
    ("hears", "Auditors ask for a complete paper trail"),
]


@pytest.fixture
def pair(persona):
    return MapPairFactory(
        internal_map__persona=persona, internal_map__notes=INTERNAL, customer_map__notes=CUSTOMER
    )


def _queued(pair, user, **settings):
    report, created = services.report_request(user=user, pair=pair, settings=settings)
    assert created
    return report


def test_request_enqueues_after_commit_and_only_once(
    pair, editor, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: sent.append(report_id))
    with django_capture_on_commit_callbacks(execute=True):
        report, created = services.report_request(user=editor, pair=pair)
        again, created_again = services.report_request(user=editor, pair=pair)
    assert created
    assert not created_again
    assert again.pk == report.pk
    assert sent == [report.pk]
    assert report.status == ReportStatus.QUEUED
    assert report.settings == engine.DEFAULT_SETTINGS.to_dict()


def test_rolled_back_request_sends_no_task(
    pair, editor, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: sent.append(report_id))

    def failing_request():
        with transaction.atomic():
            services.report_request(user=editor, pair=pair)
            raise RuntimeError("request failed later")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_request()
    assert sent == []
    assert Report.objects.count() == 0


def test_viewer_cannot_request(pair, viewer):
    with pytest.raises(PermissionDenied):
        services.report_request(user=viewer, pair=pair)


def test_bad_settings_are_refused_with_a_message(pair, editor):
    with pytest.raises(ValidationError, match="threshold"):
        services.report_request(
            user=editor, pair=pair, settings={"threshold": 50, "partial_threshold": 90}
        )
    assert Report.objects.count() == 0


def test_run_stores_verdicts_matches_and_summary(pair, editor):
    report = _queued(pair, editor)
    services.report_run(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED
    assert report.progress == 100
    assert report.engine_version == engine.ENGINE_VERSION
    assert len(report.notes_digest) == 64
    assert {"empathy_score", "precision", "coverage", "segments"} <= set(report.summary)

    tools = Match.objects.get(report=report, internal_text=INTERNAL[0][1])
    assert tools.kind == "pair"
    assert tools.verdict == "confirmed"
    assert tools.customer_text == CUSTOMER[0][1]
    assert tools.shared_terms

    assert Match.objects.get(report=report, internal_text=INTERNAL[2][1]).verdict == "unconfirmed"
    missed = Match.objects.get(report=report, customer_text=CUSTOMER[2][1])
    assert (missed.kind, missed.verdict, missed.internal_text) == ("unmatched", "missed", "")


def test_running_twice_leaves_one_set_of_matches(pair, editor):
    report = _queued(pair, editor)
    services.report_run(report_id=report.pk)
    first = sorted(Match.objects.filter(report=report).values_list("internal_text", "verdict"))
    # A redelivered message after a crash finds the report still running.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    services.report_run(report_id=report.pk)
    second = sorted(Match.objects.filter(report=report).values_list("internal_text", "verdict"))
    assert first == second
    assert Report.objects.get(pk=report.pk).attempts == 2


def test_a_finished_report_is_left_alone(pair, editor):
    report = _queued(pair, editor)
    services.report_run(report_id=report.pk)
    count = Match.objects.filter(report=report).count()
    assert services.report_run(report_id=report.pk) is None
    assert Match.objects.filter(report=report).count() == count
    assert services.report_run(report_id=999_999) is None


def test_reports_do_not_change_when_maps_are_edited(pair, editor):
    report = _queued(pair, editor)
    services.report_run(report_id=report.pk)
    before = sorted(Match.objects.filter(report=report).values_list("internal_text", "verdict"))
    note = pair.internal_map.notes.get(text=INTERNAL[0][1])
    map_services.note_update(user=editor, note=note, text="Something else entirely")
    map_services.note_delete(user=editor, note=pair.customer_map.notes.first())
    after = sorted(Match.objects.filter(report=report).values_list("internal_text", "verdict"))
    assert before == after


def test_an_engine_error_fails_the_report_with_a_readable_message(pair, editor, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(engine, "compare", broken)
    report = _queued(pair, editor)
    services.report_run(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "division by zero" in report.error
    assert report.finished_at is not None


def test_task_retries_transient_database_errors_then_fails(pair, editor, monkeypatch):
    calls = []

    def flaky(*, report_id):
        calls.append(report_id)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "report_run", flaky)
    report = _queued(pair, editor)
    tasks.report_run_task.apply(args=[report.pk])
    assert len(calls) == tasks.report_run_task.max_retries + 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "database was unavailable" in report.error


def test_task_does_not_retry_other_errors(pair, editor, monkeypatch):
    calls = []

    def invalid(*, report_id):
        calls.append(report_id)
        raise ValidationError("bad")

    monkeypatch.setattr(services, "report_run", invalid)
    report = _queued(pair, editor)
    result = tasks.report_run_task.apply(args=[report.pk])
    assert result.failed()
    assert len(calls) == 1


def test_soft_time_limit_fails_the_report(pair, editor, monkeypatch):
    def slow(*, report_id):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "report_run", slow)
    report = _queued(pair, editor)
    tasks.report_run_task.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "took longer than" in report.error


def test_reaper_requeues_stuck_runs_and_gives_up_after_three_attempts(
    pair, editor, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: sent.append(report_id))
    report = _queued(pair, editor)
    long_ago = timezone.now() - datetime.timedelta(days=1)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=long_ago, attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_reap() == {"requeued": 1, "failed": 0}
    assert sent == [report.pk]
    assert Report.objects.get(pk=report.pk).status == ReportStatus.QUEUED

    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=long_ago, attempts=3
    )
    assert services.reports_reap() == {"requeued": 0, "failed": 1}
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FAILED


def test_reaper_leaves_recent_runs_alone(pair, editor):
    report = _queued(pair, editor)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), attempts=1
    )
    assert services.reports_reap() == {"requeued": 0, "failed": 0}


def test_reaper_resends_reports_whose_message_was_lost_once_per_window(
    pair, editor, django_capture_on_commit_callbacks, monkeypatch, settings
):
    # given a report queued long ago whose message the broker lost
    settings.GAPMAP_REQUEUE_QUEUED_AFTER = 600
    sent = []
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: sent.append(report_id))
    report = _queued(pair, editor)
    Report.objects.filter(pk=report.pk).update(
        updated_at=timezone.now() - datetime.timedelta(seconds=601)
    )

    # when the reaper runs twice in a row
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reports_reap()
        second = services.reports_reap()

    # then it is sent again exactly once, and stays queued for a worker
    assert first == {"requeued": 1, "failed": 0}
    assert second == {"requeued": 0, "failed": 0}
    assert sent == [report.pk]
    assert Report.objects.get(pk=report.pk).status == ReportStatus.QUEUED


def test_reaper_leaves_recently_queued_reports_alone(pair, editor, settings):
    settings.GAPMAP_REQUEUE_QUEUED_AFTER = 600
    _queued(pair, editor)
    assert services.reports_reap() == {"requeued": 0, "failed": 0}


def test_an_unreachable_broker_leaves_the_report_queued_for_the_reaper(
    pair, editor, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from kombu.exceptions import OperationalError as BrokerError

    def broker_down(report_id):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.report_run_task, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        report, created = services.report_request(user=editor, pair=pair)

    assert created
    assert Report.objects.get(pk=report.pk).status == ReportStatus.QUEUED
    assert "left queued for the reaper" in caplog.text


# --- review -------------------------------------------------------------------------------


def _succeeded(pair, user):
    report = _queued(pair, user)
    services.report_run(report_id=report.pk)
    report.refresh_from_db()
    return report


def _note(pair, text):
    return pair.internal_map.notes.filter(text=text).first() or pair.customer_map.notes.get(
        text=text
    )


def test_rejecting_a_match_unpairs_the_notes_and_recomputes_metrics(pair, editor):
    report = _succeeded(pair, editor)
    before = report.summary["precision"]
    internal, customer = _note(pair, INTERNAL[0][1]), _note(pair, CUSTOMER[0][1])
    report = services.decision_record(
        user=editor,
        report=report,
        internal_note_id=internal.pk,
        customer_note_id=customer.pk,
        accepted=False,
    )
    assert not Match.objects.filter(
        report=report, kind="pair", internal_note=internal, customer_note=customer
    ).exists()
    assert report.summary["precision"] < before


def test_linking_two_notes_by_hand_confirms_them(pair, editor):
    report = _succeeded(pair, editor)
    internal, customer = _note(pair, INTERNAL[3][1]), _note(pair, CUSTOMER[2][1])
    report = services.decision_record(
        user=editor,
        report=report,
        internal_note_id=internal.pk,
        customer_note_id=customer.pk,
        accepted=True,
    )
    manual = Match.objects.get(report=report, kind="pair", internal_note=internal)
    assert manual.customer_note_id == customer.pk
    assert manual.source == "manual"
    assert manual.verdict == "misplaced"  # sees ↔ hears: another segment
    assert Match.objects.get(
        report=report, customer_note=customer, kind="pair"
    ).customer_verdict == ("anticipated")


def test_a_rerun_keeps_decisions_whose_texts_are_unchanged(pair, editor):
    report = _succeeded(pair, editor)
    internal, customer = _note(pair, INTERNAL[0][1]), _note(pair, CUSTOMER[0][1])
    services.decision_record(
        user=editor,
        report=report,
        internal_note_id=internal.pk,
        customer_note_id=customer.pk,
        accepted=False,
    )
    rerun = _succeeded(pair, editor)
    assert not Match.objects.filter(report=rerun, kind="pair", internal_note=internal).exists()

    map_services.note_update(user=editor, note=internal, text=INTERNAL[0][1] + "!")
    third = _succeeded(pair, editor)
    assert Match.objects.get(
        report=third, kind="pair", internal_note=internal
    ).customer_note_id == (customer.pk)


def test_review_checks_role_and_notes(pair, editor, viewer):
    report = _succeeded(pair, editor)
    internal, customer = _note(pair, INTERNAL[0][1]), _note(pair, CUSTOMER[0][1])
    with pytest.raises(PermissionDenied):
        services.decision_record(
            user=viewer,
            report=report,
            internal_note_id=internal.pk,
            customer_note_id=customer.pk,
            accepted=False,
        )
    with pytest.raises(ValidationError):
        services.decision_record(
            user=editor,
            report=report,
            internal_note_id=customer.pk,
            customer_note_id=internal.pk,
            accepted=True,
        )


def test_the_reaper_is_scheduled_periodically():
    from config.celery_app import app

    schedule = app.conf.beat_schedule["reap-stuck-reports"]
    assert schedule["task"] == tasks.reports_reap_task.name
    assert schedule["schedule"] > 0
