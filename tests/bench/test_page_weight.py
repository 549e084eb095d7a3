"""The page-weight benchmark counts what a first visit of the report page fetches: the
page, its stylesheets and scripts, and plotly.js, which the page loads after itself."""

import pytest

from bench import load, page_weight
from comparison import tasks


@pytest.mark.django_db(transaction=True)
def test_a_first_visit_counts_the_page_its_assets_and_plotly(live_server, monkeypatch):
    monkeypatch.setattr(tasks.report_run_task, "delay", lambda report_id: None)
    plan = load.seed(username="weight", password="a-long-password", pairs=1)

    fetched = page_weight._fetched_load(  # noqa: SLF001 - the part that needs no browser
        live_server.url, f"/reports/{plan['reports'][0]}/", plan["sessions"][0]
    )

    assets = fetched["assets"]
    assert assets["page"] > 10_000
    assert any(url.endswith(".css") for url in assets)
    (plotly,) = (url for url in assets if "plotly" in url)
    assert assets[plotly] > 1_000_000  # uncompressed here: the test server's finders
    assert fetched["bytes"] == sum(assets.values())
    assert fetched["seconds"] > 0
