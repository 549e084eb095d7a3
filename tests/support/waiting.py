"""Waiting for something another thread or process does, instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

# Often enough that a waiting test ends soon after the event, rarely enough that the
# polled query or file read costs nothing next to the work it waits for.
DEFAULT_INTERVAL = 0.1


def wait_until(
    condition: Callable[[], object],
    timeout: float,
    interval: float = DEFAULT_INTERVAL,
    message: str | Callable[[], str] = "the condition",
) -> None:
    """Return as soon as `condition()` is true; fail after `timeout` seconds.

    The condition is checked once more at the deadline, so a slow poll cannot fail a test
    whose event did happen. The failure names `message` ("timed out after 30s waiting for
    ...") so the report says what never happened; a callable message is asked at the
    deadline, so it can tell the state things were left in.
    """
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    what = message() if callable(message) else message
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
