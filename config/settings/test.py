"""Test settings: the base settings with a throwaway key and fast hashing."""

import os
import re
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")  # noqa: S105

# Under `pytest -n` (pytest-xdist) each worker ("gw0", "gw1", …) has a data directory
# (SQLite test database, filesystem queue, collected static files) and Redis databases of
# its own, so that two workers never share a queue, a cache or a rate-limit counter. Worker
# processes and servers that a test starts inherit the variable, and so the same places.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    _shared = Path(os.environ.get("GAPMAP_DATA_DIR", Path(__file__).resolve().parents[2] / "var"))
    if _shared.name != XDIST_WORKER:
        os.environ["GAPMAP_DATA_DIR"] = str(_shared / XDIST_WORKER)

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import DATA_DIR  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when absent

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run lexical unless they ask for another scorer (or test the default): embedding
# with the real model in every test that runs a comparison would triple the suite's time.
GAPMAP_DEFAULT_SCORER = "lexical"
# Tests that exercise the background embedding turn it on; elsewhere a worker thread would
# embed every note a test writes.
GAPMAP_EMBED_ON_CHANGE = False
# Tests never reach Miro or Mural: the fetch tests turn this on with recorded answers.
GAPMAP_BOARD_FETCH = False


def _own_redis_database(url: str) -> str:
    """redis://host:port/N -> N - 2 x the worker's number: brokers keep odd numbers and
    caches even ones (15/14 for gw0, 13/12 for gw1, …), so none is shared."""
    index = int(XDIST_WORKER[2:] or 0) if XDIST_WORKER.startswith("gw") else 0
    found = re.fullmatch(r"(rediss?://[^/]+/)(\d+)", url)
    if not index or not found:
        return url
    return f"{found[1]}{int(found[2]) - 2 * index}"


CELERY_BROKER_URL = _own_redis_database(CELERY_BROKER_URL)  # noqa: F405
CACHES["default"]["LOCATION"] = _own_redis_database(CACHES["default"].get("LOCATION", ""))  # noqa: F405

if CELERY_BROKER_URL.startswith("filesystem://"):
    # Tests never share a queue with a `make run` worker.
    _test_queue = DATA_DIR / "test-celery-queue"
    _test_queue.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_test_queue),
        "data_folder_out": str(_test_queue),
        "control_folder": str(DATA_DIR / "test-celery-control"),
        "polling_interval": 0.1,
    }

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not SQLite's shared-cache memory database: the browser tests' live server and
    # worker thread write at the same time, and shared-cache memory answers "database table
    # is locked" at once where a file waits for the lock.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}  # noqa: F405
