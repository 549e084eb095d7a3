"""Comparison jobs: request a run, run it (from the Celery task), fail it, and re-send or
fail the runs a lost message or a dead worker left behind.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterable, Mapping

from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from comparison import engine
from comparison.models import ACTIVE_STATUSES, Report, ReportStatus
from comparison.services.results import (
    Compared,
    compare_notes,
    matches_replace,
    note_inputs,
    notes_digest,
)
from config.languages import supported_language
from maps import selectors as map_selectors
from maps.models import EmpathyMap, MapPair, Note, Role
from maps.selectors import require_role

logger = logging.getLogger(__name__)

# Progress is written at most this often, so a fast run does not hammer the database.
PROGRESS_INTERVAL_SECONDS = 0.5


def settings_from_request(data: Mapping[str, object] | None) -> engine.Settings:
    """Engine settings from user input; a clear ValidationError for bad values. A request
    that names no scorer gets the default (`embeddings.default_scorer`: hybrid where
    the extra is installed)."""
    from comparison.embeddings import default_scorer

    values = dict(data or {})
    if values.get("scorer") is None:
        # Stored as the concrete lexical scorer, so the report can be reproduced even if
        # what "lexical" means changes.
        default = default_scorer()
        values["scorer"] = engine.semantic.LEXICAL_SCORER if default == "lexical" else default
    try:
        return engine.Settings.from_dict(values)
    except (TypeError, ValueError) as error:
        raise ValidationError({"settings": str(error)}) from error


@transaction.atomic
def report_request(
    *,
    user: AbstractBaseUser,
    pair: MapPair,
    settings: Mapping[str, object] | None = None,
    language: str | None = None,
) -> tuple[Report, bool]:
    """Queue a comparison of `pair`; returns (report, created).

    At most one report per pair is queued or running (a partial unique constraint), so
    a double click or two concurrent requests yield one report: the second gets the first.
    The task is sent only after the transaction commits. The report's `language` (of its
    shared page and exports) is `language`, else the language active for the request.
    """
    require_role(user, pair.internal_map.persona.workspace_id, Role.EDITOR)
    run_settings = settings_from_request(settings)
    active = Report.objects.filter(pair=pair, status__in=ACTIVE_STATUSES).first()
    if active is not None and _abandoned(active, timezone.now()):
        # Its worker gave up or died (e.g. a long database outage): a new request must not
        # be answered with a report that will never move.
        report_fail(report_id=active.pk, error=ABANDONED_ERROR)
        active = None
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                pair=pair,
                settings=run_settings.to_dict(),
                engine_version=engine.ENGINE_VERSION,
                created_by=user,
                language=report_language(language),
            )
    except IntegrityError:
        return Report.objects.get(pair=pair, status__in=ACTIVE_STATUSES), False
    _enqueue(report)
    return report, True


def report_language(language: str | None = None) -> str:
    """`language`, else the active one, as one of the languages Gapmap speaks."""
    return supported_language(language or translation.get_language())


def _enqueue(report: Report) -> None:
    """Send the run after commit. The report row, not the message, is the promise made to
    the user: if the broker is unreachable the report stays queued and the reaper sends it
    again (`reports_reap`), so the request still succeeds."""
    from kombu.exceptions import OperationalError as BrokerError

    from comparison.tasks import report_run_task

    report_id = report.pk

    def send() -> None:
        try:
            report_run_task.delay(report_id)
        except BrokerError as error:
            logger.warning(
                "Report %s: broker unreachable, left queued for the reaper: %s",
                report_id,
                error,
                extra={"report_id": report_id},
            )

    transaction.on_commit(send)


def _claim(report_id: int) -> Report | None:
    """Compare-and-set queued/running → running; None when gone or already finished."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.is_finished:
            return None
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.progress = 0
        report.error = ""
        report.save(
            update_fields=["status", "started_at", "attempts", "progress", "error", "updated_at"]
        )
        return report


def _progress_writer(report_id: int):
    last_write = 0.0

    def write(percent: int) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= PROGRESS_INTERVAL_SECONDS or percent >= 100:
            last_write = now
            # updated_at is the run's sign of life for the reaper (`run_abandoned_before`).
            Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
                progress=min(int(percent), 99), updated_at=timezone.now()
            )

    return write


def report_run(*, report_id: int) -> Report | None:
    """Run a queued report to the end. Idempotent: a finished or missing report is left
    alone, and a re-delivered run replaces the matches of the earlier attempt."""
    report = _claim(report_id)
    if report is None:
        logger.info("Report %s is finished or gone; nothing to do", report_id)
        return None
    pair = MapPair.objects.select_related("internal_map__sealed_by", "customer_map").get(
        pk=report.pair_id
    )
    internal_notes = list(pair.internal_map.notes.order_by("segment", "order", "id"))
    internal = note_inputs(internal_notes)
    customer = note_inputs(pair.customer_map.notes.order_by("segment", "order", "id"))
    seal = _seal_snapshot(empathy_map=pair.internal_map, compared_notes=internal_notes)
    try:
        compared = compare_notes(
            pair_id=pair.pk,
            internal=internal,
            customer=customer,
            run_settings=engine.Settings.from_dict(report.settings),
            progress=_progress_writer(report.pk),
            reviewed_before=report.created_at,
        )
        _warm_embeddings_if_fell_back(compared.result, pair)
    except ValueError as error:
        return report_fail(report_id=report.pk, error=f"The comparison could not run: {error}")
    except Exception as error:  # noqa: BLE001 - a bug must still end the report, readably
        logger.exception("Report %s: engine error", report.pk, extra={"report_id": report.pk})
        return report_fail(
            report_id=report.pk,
            error=f"The comparison failed unexpectedly ({type(error).__name__}: {error}).",
        )
    return _store_result(report.pk, compared, internal, customer, seal=seal)


def _seal_snapshot(*, empathy_map: EmpathyMap, compared_notes: Iterable[Note]) -> dict:
    """The internal map's seal as the comparison found it, kept with the report so that a
    later unseal or re-seal never changes what an old report says.

    `compared_digest` is the seal digest (`maps.selectors.notes_digest`) of exactly the
    notes the run compared; `compared_sealed_notes` is True when they are the sealed
    hypotheses, None when the map was not sealed. The name of the person who sealed is
    copied, so it survives their account.
    """
    compared = map_selectors.notes_digest(compared_notes)
    sealed = empathy_map.sealed_at is not None
    return {
        "sealed": sealed,
        "sealed_at": empathy_map.sealed_at.isoformat() if sealed else None,
        "sealed_by": empathy_map.sealed_by.get_username()
        if sealed and empathy_map.sealed_by_id
        else "",
        "seal_digest": empathy_map.seal_digest if sealed else "",
        "compared_digest": compared,
        "compared_sealed_notes": (compared == empathy_map.seal_digest) if sealed else None,
    }


def _warm_embeddings_if_fell_back(result: engine.ComparisonResult, pair: MapPair) -> None:
    """A run that fell back to lexical for want of cached embeddings fills the cache in
    the background, so the next run of the pair is semantic."""
    if (result.semantic or {}).get("fallback") != engine.semantic.TOO_MANY_UNCACHED:
        return
    from comparison.embeddings import refresh_queue

    for map_id in (pair.internal_map_id, pair.customer_map_id):
        refresh_queue(map_id)


@transaction.atomic
def _store_result(
    report_id: int,
    compared: Compared,
    internal: list[engine.NoteIn],
    customer: list[engine.NoteIn],
    *,
    seal: dict | None = None,
) -> Report | None:
    report = Report.objects.select_for_update().get(pk=report_id)
    if report.status != ReportStatus.RUNNING:
        # Failed by the reaper or a time limit meanwhile: that outcome stands.
        return report
    matches_replace(report, compared, internal, customer)
    report.status = ReportStatus.SUCCEEDED
    report.progress = 100
    report.finished_at = timezone.now()
    report.notes_digest = notes_digest(internal, customer)
    report.internal_seal = seal
    report.engine_version = compared.result.engine_version
    report.save()
    logger.info("Report %s succeeded", report.pk, extra={"report_id": report.pk})
    return report


def report_fail(*, report_id: int, error: str) -> Report | None:
    """Mark an unfinished report failed with a readable message (earlier results stay)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.is_finished:
            return report
        report.status = ReportStatus.FAILED
        report.error = error[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at", "updated_at"])
    logger.warning("Report %s failed: %s", report_id, error, extra={"report_id": report_id})
    return report


ABANDONED_ERROR = (
    "The comparison stopped: its worker gave up or was lost (for example during a database "
    "outage). Run it again."
)


def run_abandoned_before(now: datetime.datetime) -> datetime.datetime:
    """A running report whose last sign of life (its claim or a progress write, both
    touching `updated_at`) is older than this has no worker any more: one attempt cannot
    outlast the hard time limit, and a retrying task claims the report again within the
    longest back-off (a minute), so past both plus GAPMAP_RUN_ABANDONED_SLACK seconds
    nobody is running it. Far sooner than the broker's redelivery window (30 minutes)."""
    return now - datetime.timedelta(
        seconds=django_settings.CELERY_TASK_TIME_LIMIT
        + django_settings.GAPMAP_RUN_RETRY_MAX_SECONDS
        + django_settings.GAPMAP_RUN_ABANDONED_SLACK
    )


def _abandoned(report: Report, now: datetime.datetime) -> bool:
    return report.status == ReportStatus.RUNNING and report.updated_at < run_abandoned_before(now)


def reports_reap(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Re-send reports queued for longer than GAPMAP_REQUEUE_QUEUED_AFTER seconds; re-queue
    runs stuck in `running` whose worker is gone: past the broker's redelivery window (the
    worker died and the message was lost) or without a sign of life since
    `run_abandoned_before` (the worker gave up, e.g. during a long database outage); fail
    those after three attempts."""
    now = now or timezone.now()
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    deadline = now - datetime.timedelta(
        seconds=max(visibility, django_settings.CELERY_TASK_TIME_LIMIT) + 60
    )
    silent_since = run_abandoned_before(now)
    # Listed before the queued reports are re-sent: a report re-sent below and claimed at
    # once is alive, whatever `now` says.
    stuck_ids = list(
        Report.objects.filter(status=ReportStatus.RUNNING)
        .filter(Q(started_at__lt=deadline) | Q(updated_at__lt=silent_since))
        .values_list("pk", flat=True)
    )
    requeued = failed = 0
    # A queued report whose message was lost (broker restarted without persistence, or
    # unreachable when it was sent) is sent again; a duplicate message is harmless because
    # runs are idempotent. Each resend touches updated_at, so it happens once per window.
    waiting_since = now - datetime.timedelta(seconds=django_settings.GAPMAP_REQUEUE_QUEUED_AFTER)
    for report in Report.objects.filter(status=ReportStatus.QUEUED, updated_at__lt=waiting_since):
        with transaction.atomic():
            touched = Report.objects.filter(
                pk=report.pk, status=ReportStatus.QUEUED, updated_at=report.updated_at
            ).update(updated_at=now)
            if touched:
                _enqueue(report)
                requeued += 1
    for report_id in stuck_ids:
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.status != ReportStatus.RUNNING or (
                report.started_at >= deadline and report.updated_at >= silent_since
            ):
                continue
            if report.attempts >= 3:
                report_fail(report_id=report.pk, error="The comparison was interrupted 3 times.")
                failed += 1
                continue
            report.status = ReportStatus.QUEUED
            report.save(update_fields=["status", "updated_at"])
            _enqueue(report)
            requeued += 1
    return {"requeued": requeued, "failed": failed}
