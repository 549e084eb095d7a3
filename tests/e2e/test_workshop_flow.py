"""A workshop team's whole journey in a real browser, and a viewer who cannot edit."""

import re

import pytest

from tests.support.factories import PASSWORD, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db(transaction=True)

INTERNAL_PAINS = """\
- Too many tools that don't talk to each other
- Approvals take weeks
- Prices are hard to compare"""
CUSTOMER_CSV = (
    "segment,text,votes\n"
    "Pains,Too many tools that do not talk to each other,4\n"
    "Pains,Nobody answers the support hotline,3\n"
    "Gains,One portal for every order,2\n"
)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$|/workspaces/"))


def test_a_team_compares_its_hypotheses_with_its_customers(
    live_server, new_page, comparison_worker, tmp_path
):
    # given an editor in a workspace
    owner = UserFactory(username="olivia")
    workspace = WorkspaceFactory(owner=owner, name="Acme Research")
    page = new_page()
    base = live_server.url
    workspace_url = f"{base}/workspaces/{workspace.pk}/"

    # when she logs in and creates a persona
    log_in(page, base, "olivia")
    page.goto(workspace_url)
    page.get_by_role("link", name="New persona").first.click()
    page.get_by_label("Name").fill("Sam, facilities manager")
    page.get_by_role("button", name="Create persona").click()
    page.get_by_role("heading", name="Sam, facilities manager").wait_for()

    # ...an internal map, filled by bulk paste
    page.get_by_role("link", name="+ Internal map").click()
    page.get_by_label("Title").fill("Team hypotheses")
    page.get_by_role("button", name="Create map").click()
    pains = page.locator("#seg-pains")
    pains.get_by_text("Paste a list").click()
    pains.get_by_label("One note per line").fill(INTERNAL_PAINS)
    pains.get_by_role("button", name="Add all to Pains").click()
    page.locator("#seg-pains").get_by_text("Approvals take weeks").wait_for()
    assert page.locator("#seg-pains .note").count() == 3

    # ...a customer map, filled by CSV import
    page.goto(workspace_url)
    page.get_by_role("link", name="+ Customer map").click()
    page.get_by_label("Title").fill("Customer workshop")
    page.get_by_role("button", name="Create map").click()
    page.get_by_role("link", name="Import", exact=True).click()
    csv_file = tmp_path / "customers.csv"
    csv_file.write_text(CUSTOMER_CSV, encoding="utf-8")
    page.get_by_label("CSV or JSON file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    page.locator("#seg-pains").get_by_text("Nobody answers the support hotline").wait_for()

    # ...pairs the two maps and runs a comparison, watching its progress
    page.goto(workspace_url)
    page.get_by_role("link", name="New pair").first.click()
    next_step = page.get_by_role("button", name="Next: choose the maps")
    if next_step.count():
        next_step.click()
    page.get_by_role("button", name="Create pair").click()
    page.get_by_role("button", name="Compare").click()
    # the pair page follows the comparison and opens the report once it has succeeded (a
    # comparison finished before the page was drawn offers the link instead)
    page.wait_for_function(
        "() => /^\\/reports\\/\\d+\\/$/.test(location.pathname)"
        " || document.body.innerText.includes('Open the report')",
        timeout=60_000,
    )
    if "/reports/" not in page.url:
        page.get_by_role("link", name="Open the report").click()

    # then the report answers the three reflection questions
    body = page.locator("main")
    body.get_by_text("Too many tools that don't talk to each other").first.wait_for()
    for question in ("Where we were right", "Where we were wrong", "What we missed"):
        assert body.get_by_role("heading", name=re.compile(question)).count() >= 1
    assert "Nobody answers the support hotline" in body.inner_text()
    charts = page.locator(".js-plotly-plot")
    charts.first.wait_for()
    assert charts.count() >= 2

    # ...writes a commentary for the client, line breaks kept and markup shown as text
    page.get_by_text("Add a commentary on “Overall reflection”").click()
    page.get_by_label("Commentary on “Overall reflection”").fill(
        "Strong on tools.\nBlind to <b>support</b>."
    )
    page.get_by_role("button", name="Save commentary").first.click()
    page.locator("p", has_text="Blind to <b>support</b>.").wait_for()
    assert page.locator(".report b").count() == 0  # the markup is text, not bold
    report_url = page.url

    # ...and shares the report through a link
    page.get_by_role("link", name="Share this report…").click()
    page.get_by_role("button", name="Create link").click()
    share_url = page.get_by_label("Share link").input_value()
    assert "/s/" in share_url

    # then a client opens it without logging in, and sees the report with the commentary
    visitor = new_page()
    visitor.goto(share_url)
    assert "/shared/" in visitor.url
    assert share_url.split("/s/")[1].strip("/") not in visitor.url
    visitor.locator("p", has_text="Blind to <b>support</b>.").wait_for()
    assert "Nobody answers the support hotline" in visitor.locator("body").inner_text()
    assert visitor.get_by_role("button", name="Save commentary").count() == 0
    assert visitor.get_by_role("link", name="Log out").count() == 0

    # ...until the link is revoked: then the same visitor gets the plain 404
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("Revoked").first.wait_for()
    response = visitor.reload()
    assert response.status == 404
    assert "Nobody answers the support hotline" not in visitor.locator("body").inner_text()
    assert visitor.goto(share_url).status == 404

    page.goto(report_url)
    page.locator(".js-plotly-plot").first.wait_for()
    page.goto(f"{workspace_url}dashboard/")
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.console_errors == []
    assert visitor.console_errors == [] or all("404" in error for error in visitor.console_errors)


def test_a_viewer_reads_but_cannot_edit(live_server, new_page, internal_map, viewer):
    # given a viewer of the workspace that holds a map
    page = new_page()
    log_in(page, live_server.url, viewer.username)

    # when she opens the board
    page.goto(f"{live_server.url}/maps/{internal_map.pk}/")
    page.get_by_text("Too many tools").first.wait_for()

    # then there is nothing to edit, and a forged post is refused
    assert page.get_by_role("button", name="Add").count() == 0
    assert page.get_by_role("link", name="Import").count() == 0
    assert page.get_by_text("Paste a list").count() == 0
    response = page.request.post(
        f"{live_server.url}/maps/{internal_map.pk}/notes/",
        form={"segment": "pains", "text": "Sneaky note"},
    )
    assert response.status in (403, 404)
    page.reload()
    assert page.get_by_text("Sneaky note").count() == 0
