"""Test settings: the base settings with a throwaway key and fast hashing."""

import os
import re
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")  # noqa: S105

# Under `pytest -n` (pytest-xdist) each worker ("gw0", "gw1", …) has a data directory
# (SQLite test database, filesystem queue, collected static files) and Redis databases of
# its own, so that two workers never share a queue, a cache or a rate-limit counter. The
# suite uses four Redis databases (CI: broker 15, cache 14, tests/comparison 13, the outage
# test 12); worker N uses those numbers minus 4 N (TEST_REDIS_DATABASE_OFFSET), so Redis's
# 16 databases hold four workers (`make test` and CI pass --maxprocesses 4). It is done
# once, in the environment, which the processes a test starts (a Celery worker, a server)
# inherit as they are, with whatever the test sets there itself.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_index = int(XDIST_WORKER[2:]) if XDIST_WORKER[2:].isdigit() else 0
TEST_REDIS_DATABASE_OFFSET = 4 * _index
if XDIST_WORKER and os.environ.get("GAPMAP_TEST_WORKER") != XDIST_WORKER:
    os.environ["GAPMAP_TEST_WORKER"] = XDIST_WORKER
    _shared = os.environ.get("GAPMAP_DATA_DIR", str(Path(__file__).resolve().parents[2] / "var"))
    os.environ["GAPMAP_DATA_DIR"] = str(Path(_shared) / XDIST_WORKER)
    for _variable in ("CELERY_BROKER_URL", "GAPMAP_CACHE_URL"):
        _found = re.fullmatch(r"(rediss?://[^/]+/)(\d+)", os.environ.get(_variable, ""))
        if _found and int(_found[2]) >= TEST_REDIS_DATABASE_OFFSET:
            os.environ[_variable] = f"{_found[1]}{int(_found[2]) - TEST_REDIS_DATABASE_OFFSET}"

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


if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
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
