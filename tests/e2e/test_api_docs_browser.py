"""/api/docs/ renders in Chromium under the strict CSP: no console errors, the operations
show, and every request stays on this origin."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_docs_render_in_chromium_without_csp_errors(live_server, new_page):
    page = new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20_000)

    assert page.console_errors == []
    assert page.locator(".opblock-tag").count() >= 3
    assert all(url.startswith(live_server.url) for url in requests)
