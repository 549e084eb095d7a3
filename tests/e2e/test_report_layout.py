"""What people read at a glance, in a real browser: the report's first screen answers the
three questions on a laptop, no page is wider than a phone, and the printed report keeps
every chart on the page. No console error on the way.

The data are the demo workspace (two personas, several teams, votes, long notes), compared
in this process.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from comparison import services as comparison_services
from comparison import tasks
from comparison.models import Report
from comparison.sharing.services import share_link_create
from maps import services as map_services
from maps.models import MapPair
from tests.e2e.test_workshop_flow import log_in
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# A4 portrait (210 mm) at 96 CSS px per inch, less the print margins Chromium's page.pdf()
# uses by default (none) and ours (the @page rule): the widest a chart may be on paper.
A4_CSS_PX = 794


@pytest.fixture
def demo(monkeypatch):
    """The demo workspace of an editor, every pair compared; the first pair's report."""
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    user = UserFactory(username="dana")
    workspace = map_services.demo_load(user=user)
    for pair in MapPair.objects.filter(internal_map__persona__workspace=workspace):
        report, _ = comparison_services.report_request(user=user, pair=pair)
        comparison_services.report_run(report_id=report.pk)
    report = Report.objects.filter(pair__internal_map__persona__workspace=workspace).earliest("pk")
    return user, workspace, report


def open_page(new_page, live_server, user, viewport):
    page = new_page()
    page.set_viewport_size(viewport)
    log_in(page, live_server.url, user.username)
    return page


def test_the_reports_first_screen_answers_the_three_questions(live_server, new_page, demo):
    user, _, report = demo
    page = open_page(new_page, live_server, user, LAPTOP)
    page.goto(f"{live_server.url}/reports/{report.pk}/")

    # then the empathy score and each question, its count and its first item are on screen
    for locator in (
        page.locator("#report-scores .score-empathy_score .score-value"),
        *(
            page.locator(f".summary-{key} {part}")
            for key in ("right", "wrong", "missed")
            for part in ("h3", ".summary-count", ".summary-items li >> nth=0")
        ),
    ):
        box = locator.bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= LAPTOP["height"], locator
    assert page.locator(".summary-right h3").inner_text().endswith("Where we were right")
    assert page.locator(".summary-wrong h3").inner_text().endswith("Where we were wrong")
    assert page.locator(".summary-missed h3").inner_text().endswith("What we missed")
    # the details come after the first screen
    assert page.locator("#all-matches").bounding_box()["y"] > LAPTOP["height"]
    assert page.console_errors == []


def test_no_page_is_wider_than_a_phone(live_server, new_page, demo):
    user, workspace, report = demo
    _, token = share_link_create(user=user, report=report, expires_in_days=7)
    pair = report.pair
    pages = {
        "workspace": f"/workspaces/{workspace.pk}/",
        "board": f"/maps/{pair.internal_map_id}/",
        "pair": f"/pairs/{pair.pk}/",
        "report": f"/reports/{report.pk}/",
        "dashboard": f"/workspaces/{workspace.pk}/dashboard/",
        "next actions": f"/reports/{report.pk}/actions/",
        "shared page": f"/s/{token}/",
        "rounds": f"/personas/{pair.internal_map.persona_id}/rounds/",
        "perspectives": f"/personas/{pair.internal_map.persona_id}/rounds/1/",
        "share links": f"/reports/{report.pk}/share/",
        "members": f"/workspaces/{workspace.pk}/members/",
        "review mode": f"/reports/{report.pk}/review/",
        "map import": f"/maps/{pair.internal_map_id}/import/",
        "board import": f"/maps/{pair.internal_map_id}/import-board/",
    }
    page = open_page(new_page, live_server, user, PHONE)
    too_wide = {}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")  # charts drawn
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width
    assert too_wide == {}
    assert page.console_errors == []


def test_the_printed_report_keeps_every_chart_on_the_page(live_server, new_page, demo, tmp_path):
    user, _, report = demo
    page = open_page(new_page, live_server, user, LAPTOP)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.wait_for_load_state("networkidle")
    charts = page.locator(".js-plotly-plot")
    assert charts.count() >= 2

    # when the report is printed to A4
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)

    # then the PDF has pages (pdftoppm, where installed, turns them into images to look at)
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run([pdftoppm, "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
        assert list(tmp_path.glob("page-*.png"))

    # and with the print stylesheet on a page of A4's width, every chart drawn at the
    # laptop's width fits it: no redraw helps here (plotly's own resize handlers are
    # removed), only the stylesheet's scaling does
    page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot').forEach(el =>"
        " window.removeEventListener('resize', el._responsiveChartHandler))"
    )
    drawn_width = charts.first.locator("svg.main-svg").first.get_attribute("width")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CSS_PX, "height": 1123})
    assert charts.first.locator("svg.main-svg").first.get_attribute("width") == drawn_width
    assert int(float(drawn_width)) > A4_CSS_PX  # drawn wider than the page
    page_width = page.evaluate("document.documentElement.clientWidth")
    for index in range(charts.count()):
        chart = charts.nth(index)
        if not chart.is_visible():  # a folded chart (the vote-weighted one) prints folded
            continue
        for box in (chart.bounding_box(), chart.locator("svg.main-svg").first.bounding_box()):
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= page_width, chart.get_attribute("id")
    assert page.evaluate("document.documentElement.scrollWidth") <= page_width
    assert page.console_errors == []


def test_enter_in_a_new_notes_box_adds_the_note(live_server, new_page, demo):
    user, _, report = demo
    page = open_page(new_page, live_server, user, LAPTOP)
    page.goto(f"{live_server.url}/maps/{report.pair.internal_map_id}/")
    pains = page.locator("#seg-pains")
    before = pains.locator(".note").count()

    box = pains.get_by_label("New note in Pains")
    box.fill("Invoices arrive in three formats")
    box.press("Enter")

    page.locator("#seg-pains").get_by_text("Invoices arrive in three formats").wait_for()
    assert page.locator("#seg-pains .note").count() == before + 1
    assert page.console_errors == []
