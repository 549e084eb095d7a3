import os
import socket
from urllib.parse import urlparse

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory, add_member, make_map, make_persona, make_workspace

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_server(url: str, what: str) -> None:
    """Skip (with the reason) when a server is unreachable; under CI=true, fail instead."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=2):
            return
    except OSError as error:
        message = f"{what} at {parsed.hostname}:{parsed.port} is unreachable ({error})"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it.")
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache (rate limits, cached figures)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor")


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def workspace(owner, editor, viewer):
    workspace = make_workspace(owner, "Acme")
    add_member(workspace, editor, "editor")
    add_member(workspace, viewer, "viewer")
    return workspace


@pytest.fixture
def other_workspace(outsider):
    return make_workspace(outsider, "Globex")


@pytest.fixture
def persona(workspace):
    return make_persona(workspace)


@pytest.fixture
def internal_map(persona):
    return make_map(
        persona,
        "internal",
        notes=[("pains", "Too many tools"), ("gains", "One place for all data")],
    )


@pytest.fixture
def customer_map(persona):
    return make_map(persona, "customer", notes=[("pains", "Tools do not talk to each other")])


@pytest.fixture
def api():
    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
