"""Dashboard render time by workspace size (`make bench`): the page's cost must not grow
with the number of compared pairs. Runs in the bench process, on its database."""

from __future__ import annotations

import secrets
import statistics
import time
from typing import TextIO

from bench.load import seed

DASHBOARD_SIZES = (10, 200)
DASHBOARD_RENDERS = 7  # median of seven: one slow render on a busy machine does not count


def _render(client, url: str, *, cold: bool) -> float:
    from django.core.cache import cache

    if cold:
        cache.clear()  # as after a new report: data, figures and tables rebuilt
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"dashboard answered {response.status_code}")
    return elapsed


def run_dashboard_benchmark(out: TextIO, sizes: tuple[int, ...] = DASHBOARD_SIZES) -> dict:
    """Median render time of the dashboard page for workspaces of `sizes` compared pairs,
    and the ratio of the largest to the smallest (target: under 3x)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    # The test client's "testserver" is not an allowed host outside the test settings.
    host = next((name for name in settings.ALLOWED_HOSTS if name[0] not in ".*"), "localhost")
    timings = {}
    for pairs in sizes:
        plan = seed(username=f"dashboard-{pairs}", password=secrets.token_urlsafe(16), pairs=pairs)
        client = Client(HTTP_HOST=host, secure=settings.SECURE_SSL_REDIRECT)
        # force_login: login() authenticates without a request, which the lock-out refuses.
        client.force_login(get_user_model().objects.get(username=plan["username"]))
        url = f"/workspaces/{plan['workspace']}/dashboard/"
        client.get(url)  # templates compiled, plotly bundle path resolved

        cold = statistics.median(_render(client, url, cold=True) for _ in range(3))
        timings[pairs] = statistics.median(
            _render(client, url, cold=False) for _ in range(DASHBOARD_RENDERS)
        )
        out.write(
            f"{pairs:>4} pairs: {timings[pairs] * 1000:7.1f} ms (median of "
            f"{DASHBOARD_RENDERS}); first render after a change {cold * 1000:.1f} ms\n"
        )
    smallest, largest = min(sizes), max(sizes)
    ratio = timings[largest] / timings[smallest]
    out.write(f"Ratio {largest}/{smallest} pairs: {ratio:.2f}x (target under 3x)\n")
    return timings
