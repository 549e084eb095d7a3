"""Test settings: the base settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")  # noqa: S105

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
