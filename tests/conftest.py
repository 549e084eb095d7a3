import os
import socket
from urllib.parse import urlparse

import pytest
from rest_framework.test import APIClient

from tests.support.factories import (
    EmpathyMapFactory,
    MembershipFactory,
    PersonaFactory,
    UserFactory,
    WorkspaceFactory,
)

pytest_plugins = ["tests.support.fixtures", "tests.support.smtp"]

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


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in English, the default: a request through LocaleMiddleware leaves
    its language active in the thread, which would otherwise reach the next test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _translation_hook():
    """The pure modules' translation (maps.translation) as Django installed it, again after
    each test: the command line, run in-process by some tests, installs its own."""
    from maps import translation

    saved = translation.installed()
    yield
    translation.restore(saved)


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
    workspace = WorkspaceFactory(owner=owner, name="Acme")
    MembershipFactory(workspace=workspace, user=editor, role="editor")
    MembershipFactory(workspace=workspace, user=viewer, role="viewer")
    return workspace


@pytest.fixture
def other_workspace(outsider):
    return WorkspaceFactory(owner=outsider, name="Globex")


@pytest.fixture
def persona(workspace):
    return PersonaFactory(workspace=workspace, name="Jane, procurement lead")


@pytest.fixture
def internal_map(persona):
    return EmpathyMapFactory(
        persona=persona,
        perspective="internal",
        notes=[("pains", "Too many tools"), ("gains", "One place for all data")],
    )


@pytest.fixture
def customer_map(persona):
    return EmpathyMapFactory(
        persona=persona,
        perspective="customer",
        notes=[("pains", "Tools do not talk to each other")],
    )


@pytest.fixture
def api():
    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
