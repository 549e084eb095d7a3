"""The report page's weight (`make bench`): what a first visit transfers and how long it
takes on loopback until the page has loaded (its first screen holds no chart) and until
its charts are drawn (plotly.js loads after the page), and what a second visit costs.

The page is served by the real WSGI application (WhiteNoise included, static files as
`collectstatic` wrote them) on a loopback port. Transferred bytes are the bodies as sent
(compressed when the client accepts brotli or gzip). With Chromium and Playwright present,
a real browser loads the page (after one warm-up request, so the server's first-request
cost does not count); otherwise only the page and its assets are fetched one after another.

Target: the first load under 1 s on loopback.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import TextIO
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bench.load import seed

CHROMIUM = Path("/usr/bin/chromium")
FIRST_LOAD_TARGET_SECONDS = 1.0
BROWSER_LOADS = 3  # median of three: one slow load on a busy machine does not count


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@contextmanager
def _serving() -> Iterator[str]:
    """The WSGI application on a free loopback port, in threads of this process."""
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class _Assets(HTMLParser):
    """The stylesheets and scripts a page loads from its own origin."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"] or "")
        elif tag == "link" and values.get("rel") in ("stylesheet", "icon") and values.get("href"):
            self.urls.append(values["href"] or "")


def _fetch(url: str, session: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310 - loopback, our own server
        url, headers={"Accept-Encoding": "br, gzip", "Cookie": f"sessionid={session}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback
        return response.read(), dict(response.headers)


def _fetched_load(base: str, path: str, session: str) -> dict:
    """The page, then each asset, one after another: bytes on the wire and time."""
    started = time.perf_counter()
    page, _ = _fetch(base + path, session)
    parser = _Assets()
    parser.feed(page.decode())
    # plotly.js, which a small script loads once the page has loaded
    parser.urls += re.findall(r's\.src="([^"]+)"', page.decode())
    transferred = {"page": len(page)}
    cached_for_good = 0
    for asset in parser.urls:
        body, headers = _fetch(base + asset, session)
        transferred[asset] = len(body)
        if "immutable" in headers.get("Cache-Control", ""):
            cached_for_good += len(body)
    elapsed = time.perf_counter() - started
    total = sum(transferred.values())
    return {
        "seconds": elapsed,
        "bytes": total,
        "assets": transferred,
        "repeat_bytes": total - cached_for_good,
    }


def _browser_loads(base: str, path: str, session: str) -> dict | None:
    """A real first visit (empty cache) and a second one, in Chromium: seconds until every
    chart is drawn, and bytes on the wire (the network's encoded lengths)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            firsts, repeats = [], []
            for _ in range(BROWSER_LOADS):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                received: list[int] = []
                cdp.on(
                    "Network.loadingFinished",
                    lambda event, received=received: received.append(
                        int(event["encodedDataLength"])
                    ),
                )
                for visits in (firsts, repeats):
                    received.clear()
                    started = time.perf_counter()
                    page.goto(base + path)  # returns at the load event: the page is ready
                    ready = time.perf_counter() - started
                    painted = page.evaluate(
                        "() => (performance.getEntriesByName('first-contentful-paint')[0]"
                        " || {startTime: 0}).startTime / 1000"
                    )
                    page.wait_for_function(
                        "() => { const charts = document.querySelectorAll('.gapmap-chart');"
                        " return charts.length > 0 && [...charts].every("
                        "c => c.querySelector('svg.main-svg')); }"
                    )
                    elapsed = time.perf_counter() - started
                    page.wait_for_load_state("networkidle")
                    visits.append((ready, sum(received), elapsed, painted))
                context.close()
        finally:
            browser.close()
    firsts.sort()
    repeats.sort()
    middle = BROWSER_LOADS // 2
    return {
        "seconds": firsts[middle][0],
        "bytes": firsts[middle][1],
        "charts_seconds": firsts[middle][2],
        "paint_seconds": firsts[middle][3],
        "repeat_seconds": repeats[middle][0],
        "repeat_bytes": repeats[middle][1],
    }


def run_page_weight_benchmark(out: TextIO) -> dict:
    """Print the report page's first-load bytes and time (and a repeat visit's)."""
    plan = seed(username="page-weight", password=secrets.token_urlsafe(16), pairs=1)
    session = plan["sessions"][0]
    path = f"/reports/{plan['reports'][0]}/"
    with _serving() as base:
        _fetch(base + path, session)  # warm-up: templates compiled, imports done
        fetched = _fetched_load(base, path, session)
        browser = _browser_loads(base, path, session)
    plotly = next((size for url, size in fetched["assets"].items() if re.search(r"plotly", url)), 0)
    out.write(
        f"Report page, first visit: {fetched['bytes'] / 1000:,.0f} kB transferred "
        f"(plotly.js {plotly / 1000:,.0f} kB of it, compressed), "
        f"page and {len(fetched['assets']) - 1} assets fetched in "
        f"{fetched['seconds'] * 1000:.0f} ms\n"
    )
    out.write(
        f"Second visit: {fetched['repeat_bytes'] / 1000:,.0f} kB (static files cached for "
        "good under their hashed names)\n"
    )
    if browser is None:
        out.write("Chromium or Playwright missing: no browser timing.\n")
    else:
        verdict = "under" if browser["seconds"] < FIRST_LOAD_TARGET_SECONDS else "OVER"
        out.write(
            f"Chromium, first visit: first screen painted at {browser['paint_seconds'] * 1000:.0f}"
            f" ms, page loaded in {browser['seconds'] * 1000:.0f} ms "
            f"({verdict} the {FIRST_LOAD_TARGET_SECONDS:.0f} s target), every chart drawn at "
            f"{browser['charts_seconds'] * 1000:.0f} ms, {browser['bytes'] / 1000:,.0f} kB on "
            f"the wire; second visit loaded in {browser['repeat_seconds'] * 1000:.0f} ms, "
            f"{browser['repeat_bytes'] / 1000:,.0f} kB (median of {BROWSER_LOADS})\n"
        )
    return {"fetched": fetched, "browser": browser}
