"""Property-based fuzzing of the API from its own OpenAPI schema (schemathesis).

Every operation gets a bounded, derandomised set of generated requests, sent through the
WSGI app as an editor of workspace A (token auth), with path IDs pointing at workspace
A's real objects so the requests reach the views instead of stopping at 404. Checks:
no 5xx (`not_a_server_error`) and every documented answer matches its schema
(`response_schema_conformance`). Refusing requests without authentication is proven
route by route in test_authz_matrix.py (schemathesis' `ignored_auth` would re-send the
token given here and so cannot judge it).

Each operation is its own test with a fresh world, so a generated DELETE only empties the
world for the rest of that operation's examples (they then get 404, which is fine).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.security.conftest import World, build_world

MAX_EXAMPLES = 15


def _schema() -> dict:
    # Generated in-process (no request, no database) so collection needs no server.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


schema = schemathesis.openapi.from_dict(_schema())

APP = get_wsgi_application()

# First path segment (and the parameter name) -> the world object its ID should name.
_BY_RESOURCE = {
    "workspaces": lambda w: w.workspace.pk,
    "personas": lambda w: w.persona.pk,
    "maps": lambda w: w.internal.pk,
    "pairs": lambda w: w.pair.pk,
    "reports": lambda w: w.report.pk,
}


def _path_ids(path: str, world: World) -> dict[str, int]:
    """IDs for a path template such as /api/maps/{map_pk}/notes/{id}/."""
    resource = path.split("/")[2]
    ids: dict[str, int] = {}
    for name in re.findall(r"{(\w+)}", path):
        if name == "workspace_pk":
            ids[name] = world.workspace.pk
        elif name == "map_pk":
            ids[name] = world.internal.pk
        elif "/members/" in path:
            ids[name] = world.viewer_membership.pk
        elif "/notes/" in path:
            ids[name] = world.note.pk
        elif resource in _BY_RESOURCE:
            ids[name] = _BY_RESOURCE[resource](world)
    return ids


@pytest.fixture
def editor_token(db) -> Iterator[tuple[World, str]]:
    world = build_world()
    # Requests go through the bare WSGI handler, whose request signals would close the
    # test's database connection (and its transaction); Django's test client unhooks
    # them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield world, Token.objects.create(user=world.users["editor"]).key
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request_within_its_schema(case, editor_token):
    world, token = editor_token
    if case.path_parameters:
        case.path_parameters.update(_path_ids(case.path, world))

    case.call_and_validate(
        base_url="http://testserver",
        app=APP,
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
