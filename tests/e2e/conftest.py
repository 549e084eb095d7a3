"""Browser end-to-end tests: Playwright driving Debian's Chromium against a live server.

Skipped with the reason on a machine without Chromium or Playwright (`make test` installs
both where it can); under CI=true a missing browser fails instead. A failing test leaves a
full-page screenshot in var/e2e-failures/.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI

CHROMIUM = Path(os.environ.get("GAPMAP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FAILURE_SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-failures"

# Playwright's sync API runs an event loop in this thread; the test code's ORM calls are
# still plain synchronous calls between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}; CI=true requires the browser tests.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (make test installs it)")
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(browser, request):
    """Pages in fresh browser contexts (no shared cookies); screenshots on failure.

    Every page also records console errors and CSP violations, which the tests assert
    are absent."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.console_errors = []
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and page.console_errors.append(f"{message.text} (at {message.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        return page

    yield open_page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                page.screenshot(
                    path=str(FAILURE_SCREENSHOTS / f"{name}-{number}-{index}.png"), full_page=True
                )
    for context in contexts:
        context.close()


@pytest.fixture
def comparison_worker(transactional_db, tmp_path_factory) -> Iterator[None]:
    """A real Celery worker (in a thread of this process, so it sees the live server's
    test database) consuming the test queue until the test ends."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    if app.conf.broker_url.startswith("filesystem://"):
        # A queue of this test's own: the shared test queue may hold other runs' tasks,
        # and other test processes may be consuming it.
        queue = tmp_path_factory.mktemp("celery-queue")
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(tmp_path_factory.mktemp("celery-control")),
        }
        # Forget the pooled connections (made with the old options); new ones use ours.
        app._after_fork()  # noqa: SLF001 - Celery's own way to forget its pools
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield
