"""Fair background work: what one workspace may have queued for the background worker.

Background embedding runs on its own queue and worker (`background`; comparisons run on
`interactive`, see CELERY_TASK_ROUTES), so a comparison never waits behind it. Within the
background queue, one workspace's big imports must not hold back every other workspace's
embedding either, so queuing takes a slot:

- at most one refresh per map is queued at a time: a queued refresh reads the map's notes
  when it starts, so it covers every write made before that (the task gives the slot back
  as it starts, and later writes queue a new one);
- at most GAPMAP_BACKGROUND_MAX_PER_WORKSPACE maps per workspace are queued at once; past
  that a refresh is not queued (logged). Nothing is lost: the next write of that map
  queues again, and a comparison embeds up to 500 missing texts itself or falls back to
  lexical and queues the refresh (`comparison.services.runs`).

The slots live in the default cache, which must be shared (Redis) for them to hold across
processes; with the per-process default of a bare machine a slot is only released by its
time-out (PENDING_SECONDS), which delays background embedding but never a comparison.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# A slot whose task never started (a lost message, a per-process cache) frees itself:
# longer than a busy background queue's usual wait, short enough to retry within minutes.
PENDING_SECONDS = 600


def _map_key(map_id: int) -> str:
    return f"background:embed:map:{map_id}"


def _workspace_key(workspace_id: int) -> str:
    return f"background:embed:workspace:{workspace_id}"


def background_slot_take(*, workspace_id: int, map_id: int) -> bool:
    """Reserve the map's slot; False when a refresh of it is already queued or the
    workspace has used up its queued background work."""
    if not cache.add(_map_key(map_id), workspace_id, timeout=PENDING_SECONDS):
        return False
    key = _workspace_key(workspace_id)
    cache.add(key, 0, timeout=PENDING_SECONDS)
    try:
        queued = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=PENDING_SECONDS)
        queued = 1
    if queued > settings.GAPMAP_BACKGROUND_MAX_PER_WORKSPACE:
        _release(workspace_id=workspace_id, map_id=map_id)
        logger.info(
            "Workspace %s: %s background refreshes already queued; map %s not queued now",
            workspace_id,
            settings.GAPMAP_BACKGROUND_MAX_PER_WORKSPACE,
            map_id,
            extra={"workspace_id": workspace_id, "map_id": map_id},
        )
        return False
    return True


def background_slot_release(*, map_id: int) -> None:
    """Give the map's slot back (the refresh task, as it starts)."""
    workspace_id = cache.get(_map_key(map_id))
    if workspace_id is not None:
        _release(workspace_id=workspace_id, map_id=map_id)


def _release(*, workspace_id: int, map_id: int) -> None:
    cache.delete(_map_key(map_id))
    try:
        if cache.decr(_workspace_key(workspace_id)) < 0:
            cache.set(_workspace_key(workspace_id), 0, timeout=PENDING_SECONDS)
    except ValueError:  # the counter expired: nothing to give back
        pass
