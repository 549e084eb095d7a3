"""Celery adapters for mail: primitive arguments in, one service call, retries on SMTP
and connection errors (smtplib's errors are OSErrors, as are refused connections and
timeouts), never on anything else."""

from __future__ import annotations

import logging

from celery import shared_task

from accounts import services
from accounts.services.mail import is_permanent

logger = logging.getLogger(__name__)

MAIL_ERRORS = (OSError,)
# 30 s, 1, 2, 4, 8 minutes: about a quarter of an hour of a mail server's outage.
MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    return 30 * 2**retries


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def invitation_send_task(
    self, invitation_id: int, token: str, base_url: str, language: str | None = None
) -> None:
    # `language`: the inviter's when queued (a task has no request); tasks queued before
    # it was passed arrive without it and are written in the default language.
    try:
        services.invitation_send(
            invitation_id=invitation_id, token=token, base_url=base_url, language=language
        )
    except MAIL_ERRORS as error:
        # Recorded at every failure: the members page says the mail has not gone out.
        services.invitation_send_failed(invitation_id=invitation_id, error=str(error))
        if is_permanent(error) or self.request.retries >= self.max_retries:
            logger.error("Invitation %s: mail not sent: %s", invitation_id, error)
            return
        logger.warning("Invitation %s: mail failed, retrying: %s", invitation_id, error)
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def mail_send_task(self, *, to: str, subject: str, body: str, html_body: str = "") -> None:
    try:
        services.mail_send(to=to, subject=subject, body=body, html_body=html_body)
    except MAIL_ERRORS as error:
        if is_permanent(error) or self.request.retries >= self.max_retries:
            logger.error("Mail %r not sent: %s", subject, error)
            return
        logger.warning("Mail %r failed, retrying: %s", subject, error)
        raise self.retry(exc=error, countdown=_backoff(self.request.retries)) from error
