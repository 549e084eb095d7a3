"""Celery adapters: primitive ids in, one service call, retries for transient errors."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from comparison import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


# Back-off between attempts: doubling from 2 s, then once a minute. Fourteen retries span
# 2+4+8+16+32+9x60 = 602 s, so a database or broker restart, a fail-over or a short network
# outage ends in a finished run, not a failed one (five doubling retries gave up after 62 s).
# (GAPMAP_RUN_RETRIES and GAPMAP_RUN_RETRY_MAX_SECONDS change them; the outage test
# shortens them to seconds.)
RETRY_MAX_COUNTDOWN = settings.GAPMAP_RUN_RETRY_MAX_SECONDS
RUN_MAX_RETRIES = settings.GAPMAP_RUN_RETRIES
# A run that gave up while the database was still away cannot write its own failure: a
# separate task keeps trying, once a minute for a day, so the report ends `failed` within a
# minute of the database's return. Past that day the reaper fails it (services.reports_reap).
FAIL_RETRY_COUNTDOWN = settings.GAPMAP_FAIL_RETRY_SECONDS
FAIL_MAX_RETRIES = 24 * 60


def retry_countdown(retries: int) -> int:
    return min(2 ** (retries + 1), RETRY_MAX_COUNTDOWN)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=RUN_MAX_RETRIES,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def report_run_task(self, report_id: int) -> None:
    try:
        services.report_run(report_id=report_id)
    except SoftTimeLimitExceeded:
        services.report_fail(
            report_id=report_id,
            error=f"The comparison took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} "
            "seconds and was stopped.",
        )
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            _fail_when_possible(report_id, f"The database was unavailable: {error}")
            return
        logger.warning("Report %s: transient error, retrying: %s", report_id, error)
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error


def _fail_when_possible(report_id: int, error: str) -> None:
    try:
        services.report_fail(report_id=report_id, error=error)
    except TRANSIENT_ERRORS as still_down:
        logger.warning(
            "Report %s: cannot record the failure yet (%s); trying again every minute",
            report_id,
            still_down,
            extra={"report_id": report_id},
        )
        try:
            report_fail_task.apply_async(args=[report_id, error], countdown=FAIL_RETRY_COUNTDOWN)
        except BrokerError as broker_down:
            # Database and broker both away: the reaper fails the run once they are back.
            logger.warning(
                "Report %s: broker unreachable too (%s); left to the reaper",
                report_id,
                broker_down,
                extra={"report_id": report_id},
            )


@shared_task(bind=True, acks_late=True, max_retries=FAIL_MAX_RETRIES)
def report_fail_task(self, report_id: int, error: str) -> None:
    """Record a run's failure once the database answers again (see FAIL_MAX_RETRIES)."""
    try:
        services.report_fail(report_id=report_id, error=error)
    except TRANSIENT_ERRORS as still_down:
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=still_down, countdown=FAIL_RETRY_COUNTDOWN) from still_down


@shared_task
def reports_reap_task() -> dict[str, int]:
    return services.reports_reap()


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def note_embeddings_refresh_task(self, map_id: int) -> int:
    """Embed a map's new or edited notes so the next semantic run finds them cached.
    Runs on the `background` queue (CELERY_TASK_ROUTES)."""
    from comparison.background import background_slot_release
    from comparison.embeddings import map_embeddings_refresh

    # The slot is given back as the work starts: it reads the notes now, so writes from
    # here on need a refresh of their own.
    background_slot_release(map_id=map_id)
    try:
        return map_embeddings_refresh(map_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=error, countdown=retry_countdown(self.request.retries)) from error
