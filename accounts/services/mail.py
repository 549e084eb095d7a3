"""Sending mail. Requests never talk to the mail server: they queue a Celery task after
their transaction commits (`mail_queue`), and the worker sends it (`mail_send`) with
retries on SMTP errors (accounts.tasks). A rolled-back request sends nothing."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

logger = logging.getLogger(__name__)


def one_line(text: str) -> str:
    """A header value on one line: user text (a workspace name) in a subject must not
    carry a line break (Django would refuse the whole message)."""
    return " ".join(text.split())


def mail_send(*, to: str, subject: str, body: str, html_body: str = "") -> None:
    """Send one message now; SMTP and connection errors propagate to the caller (the task
    retries them)."""
    message = EmailMultiAlternatives(
        subject=one_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send(fail_silently=False)


def is_permanent(error: Exception) -> bool:
    """A 5xx answer (an unknown mailbox, a refused sender) will not change on retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def mail_queue(*, to: str, subject: str, body: str, html_body: str = "") -> None:
    """Send the message from the worker once the current transaction commits."""
    from kombu.exceptions import OperationalError as BrokerError

    from accounts.tasks import mail_send_task

    def send() -> None:
        try:
            mail_send_task.delay(to=to, subject=subject, body=body, html_body=html_body)
        except BrokerError as error:
            logger.error("Mail not queued, the broker is unreachable: %s", error)

    transaction.on_commit(send)
