"""Mail through a real SMTP server on loopback: the invitation's content and escaping,
retries on temporary failures, a failure recorded when the server keeps refusing."""

from __future__ import annotations

import re

import pytest

from accounts import services, tasks
from accounts.models import Invitation
from tests.accounts.conftest import BASE_URL
from tests.support.factories import UserFactory, WorkspaceFactory
from tests.support.smtp import free_port, mailers_for

pytestmark = pytest.mark.django_db


def invite(owner, workspace, email="ada@example.com", role="viewer"):
    return services.invitation_create(
        user=owner, workspace=workspace, email=email, role=role, base_url=BASE_URL
    )


def send(invitation, token):
    return tasks.invitation_send_task.apply(args=(invitation.pk, token, BASE_URL))


def test_the_invitation_mail_names_the_workspace_role_and_link(owner, workspace, smtp_server):
    invitation, token = invite(owner, workspace, role="editor")

    send(invitation, token)

    (message,) = smtp_server.to("ada@example.com")
    assert message["Subject"] == "owner invited you to “Acme” on Gapmap"
    assert message["From"] == "Gapmap <gapmap@localhost>"
    text = smtp_server.text(message)
    assert "workspace “Acme” on Gapmap as editor" in text
    assert f"http://testserver/invitations/{token}/" in text
    assert "works once, for 7 days" in text
    assert f'href="http://testserver/invitations/{token}/"' in smtp_server.html(message)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.send_error == ""


def test_user_text_is_escaped_in_the_html_mail_and_kept_plain_in_the_text(db, smtp_server):
    owner = UserFactory(username="boss")
    workspace = WorkspaceFactory(owner=owner, name='<b>Acme</b> & "Co"\nBcc: victim@example.com')
    invitation, token = invite(owner, workspace)

    send(invitation, token)

    (message,) = smtp_server.messages
    html = smtp_server.html(message)
    assert "<b>Acme</b>" not in html
    assert "&lt;b&gt;Acme&lt;/b&gt; &amp; &quot;Co&quot;" in html
    assert '<b>Acme</b> & "Co"' in smtp_server.text(message)  # plain text: nothing runs
    # the line break in the name cannot add a header
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]


def test_a_temporary_refusal_is_retried_and_the_mail_arrives(owner, workspace, smtp_server):
    invitation, token = invite(owner, workspace)
    smtp_server.refuse_next = 2  # 451 twice, then accepted

    send(invitation, token)

    assert len(smtp_server.to("ada@example.com")) == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.send_error == ""


def test_a_server_that_stays_down_leaves_the_invitation_pending_with_the_reason(
    owner, workspace, settings
):
    settings.MAILERS = mailers_for(free_port())  # nobody listens there
    invitation, token = invite(owner, workspace)

    result = send(invitation, token)

    invitation.refresh_from_db()
    assert result.successful()  # given up after the retries, not crashed
    assert invitation.sent_at is None
    assert re.search(r"refused|Errno", invitation.send_error)
    assert invitation.accepted_at is None
    assert invitation.revoked_at is None


def test_a_permanent_refusal_is_recorded_without_retrying(owner, workspace, smtp_server):
    smtp_server.unknown_recipients.add("ada@example.com")
    invitation, token = invite(owner, workspace)

    send(invitation, token)

    invitation.refresh_from_db()
    assert "No such mailbox" in invitation.send_error
    assert smtp_server.messages == []


def test_after_a_failure_the_owner_resends_and_the_new_link_arrives(
    owner, workspace, smtp_server, worker_sends, django_capture_on_commit_callbacks
):
    smtp_server.unknown_recipients.add("ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, first = invite(owner, workspace)
    smtp_server.unknown_recipients.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(user=owner, invitation=invitation, base_url=BASE_URL)

    (message,) = smtp_server.to("ada@example.com")
    link = re.search(r"/invitations/([\w-]+)/", smtp_server.text(message))[1]
    assert link != first
    assert Invitation.objects.get(pk=invitation.pk).send_error == ""


def test_a_revoked_invitation_is_not_mailed_by_a_late_task(owner, workspace, smtp_server):
    invitation, token = invite(owner, workspace)
    services.invitation_revoke(user=owner, invitation=invitation)

    send(invitation, token)

    assert smtp_server.messages == []


def test_the_token_appears_in_no_log_line(owner, workspace, smtp_server, caplog, settings):
    import logging

    from django.test import Client

    smtp_server.refuse_next = 1  # a retry logs a warning
    invitation, token = invite(owner, workspace)

    with caplog.at_level(logging.DEBUG):
        send(invitation, token)
        Client().get(f"/invitations/{token}/")

    product_lines = [
        record.getMessage()
        for record in caplog.records
        if record.name.split(".")[0] in {"accounts", "maps", "config", "celery", "django"}
    ]
    assert any("retrying" in line for line in product_lines)
    assert not [line for line in product_lines if token in line]
