"""An owner invites a colleague by e-mail; the colleague opens the mail's link in a real
browser, creates an account and reads the dashboard as a viewer. The mail goes through
the real path: the queued task, a Celery worker, Django's SMTP backend, an SMTP server on
loopback."""

import re

import pytest

from maps.models import Membership
from tests.e2e.test_workshop_flow import log_in
from tests.support.factories import UserFactory, WorkspaceFactory
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-Passphrase-9"


def test_an_invited_viewer_joins_and_reads_the_dashboard(
    live_server, new_page, comparison_worker, smtp_server
):
    # given an owner of a workspace whose name needs escaping
    owner = UserFactory(username="olivia")
    workspace = WorkspaceFactory(owner=owner, name="Acme <Research> & Co")
    base = live_server.url
    page = new_page()

    # when she invites a colleague as viewer from the members page
    log_in(page, base, "olivia")
    page.goto(f"{base}/workspaces/{workspace.pk}/")
    page.get_by_role("link", name="Members").click()
    page.get_by_label("E-mail address").fill("vera@example.com")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation to vera@example.com is on its way.").wait_for()

    # then the worker mails the link
    wait_until(lambda: smtp_server.to("vera@example.com"), 30, message="the invitation mail")
    (mail,) = smtp_server.to("vera@example.com")
    assert "Acme <Research> & Co" in mail["Subject"]
    link = re.search(r"(http://\S+/invitations/\S+/)", smtp_server.text(mail))[1]

    # when the colleague opens it in her own browser and creates her account
    visitor = new_page()
    visitor.goto(link)
    visitor.get_by_role("heading", name="Join “Acme <Research> & Co”").wait_for()
    assert "/invitations/accept/" in visitor.url  # the token left the address bar
    assert visitor.get_by_text("as viewer").count() == 1
    visitor.get_by_label("Username").fill("vera")
    visitor.get_by_label("Password", exact=True).fill(PASSWORD)
    visitor.get_by_label("Password confirmation").fill(PASSWORD)
    visitor.get_by_role("button", name="Create account and join").click()

    # then she is in, as a viewer, and reads the dashboard
    visitor.get_by_text("you are viewer here").wait_for()
    assert Membership.objects.get(workspace=workspace, user__username="vera").role == "viewer"
    assert visitor.get_by_role("link", name="New persona").count() == 0
    visitor.get_by_role("link", name="Dashboard").click()
    visitor.get_by_role("heading", name="Discrepancy dashboard").wait_for()

    # and the owner sees her join in the history
    page.goto(f"{base}/workspaces/{workspace.pk}/members/")
    page.get_by_text("vera joined by invitation as viewer").wait_for()
    assert page.console_errors == []
    assert visitor.console_errors == []
