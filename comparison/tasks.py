"""Celery adapters: primitive ids in, one service call, retries for transient errors."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from comparison import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
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
            services.report_fail(
                report_id=report_id, error=f"The database was unavailable: {error}"
            )
            return
        logger.warning("Report %s: transient error, retrying: %s", report_id, error)
        # Exponential backoff: 2, 4, 8, 16, 32 seconds.
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


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
    """Embed a map's new or edited notes so the next semantic run finds them cached."""
    from comparison.embeddings import map_embeddings_refresh

    try:
        return map_embeddings_refresh(map_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
