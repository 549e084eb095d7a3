"""The budget of failed token lookups per client address, shared by every entry point
that looks a token up (the page today; any later one spends from the same budget)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _attempts_key(client_ip: str) -> str:
    # Hashed: a cache key never carries a raw address and stays short and key-safe.
    return "share-fail:" + hashlib.sha256(client_ip.encode()).hexdigest()[:32]


def share_lookups_exhausted(client_ip: str) -> bool:
    """True once this address has used up its failed lookups in the current window."""
    return cache.get(_attempts_key(client_ip), 0) >= settings.GAPMAP_SHARE_MAX_FAILURES


def share_lookup_failed(client_ip: str) -> None:
    """Count a failed lookup. Only failures count: a client's whole team opening the
    real link from one office address must not lock itself out."""
    key = _attempts_key(client_ip)
    # add() starts the window only if no counter exists yet; incr() is atomic on Redis.
    cache.add(key, 0, timeout=settings.GAPMAP_SHARE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr(): start a new window
        cache.set(key, 1, timeout=settings.GAPMAP_SHARE_WINDOW_SECONDS)
