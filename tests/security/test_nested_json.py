"""Bounded parsing (RELIABILITY 30): 20,000 nested arrays on every JSON route answer a 400
JSON that names the limit, write nothing, and log no traceback at ERROR.

The routes come from the authorisation matrix's table (every API route and its methods), so
a new JSON route is covered as soon as it has its authz entry.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from config.parsers import MAX_JSON_DEPTH, json_depth, loads_bounded
from tests.security.test_authz_matrix import AUTHZ, _url, db_state, routes

pytestmark = pytest.mark.django_db

DEEP = "[" * 20_000 + "]" * 20_000  # 40 KB: RecursionError in Python's json before the fix
JUST_TOO_DEEP = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)


def _json_writes() -> list[tuple[str, str]]:
    return [
        (key, op.method)
        for key, route in AUTHZ.items()
        if key.startswith("api:") and key in routes()
        for op in route.ops
        # Routes that take a body (a delete of one object reads none, so cannot choke).
        if op.method != "get" and not op.multipart and op.data is not None
    ]


@pytest.mark.parametrize(("key", "method"), _json_writes())
@pytest.mark.parametrize("body", [DEEP, JUST_TOO_DEEP], ids=["20000-deep", "limit+1"])
def test_deeply_nested_json_answers_400_json_on_every_route(world, caplog, key, method, body):
    client = APIClient()
    client.force_login(world.users["owner"])
    url = _url(key, world)
    op = next(op for op in AUTHZ[key].ops if op.method == method)
    reads_body = op.data(world) != {}
    before = db_state()

    with caplog.at_level(logging.WARNING):
        answer = getattr(client, method)(url, body, content_type="application/json")

    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    if not reads_body:  # an action that takes no body (seal, draft) never parses it
        assert answer.status_code < 500
        return
    assert answer.status_code == 400, answer.content[:300]
    assert answer["Content-Type"].startswith("application/json")
    assert "nested too deeply" in answer.json()["detail"]
    assert db_state() == before


def test_the_token_endpoint_refuses_deep_json_before_any_login():
    answer = APIClient().post("/api/auth/token/", DEEP, content_type="application/json")

    assert answer.status_code == 400
    assert "nested too deeply" in answer.json()["detail"]


def test_a_deep_board_import_mapping_is_a_field_error(world):
    client = APIClient()
    client.force_login(world.users["owner"])
    board = SimpleUploadedFile("board.json", b"[]", content_type="application/json")
    before = db_state()

    answer = client.post(
        f"/api/maps/{world.customer.pk}/import-board/", {"file": board, "mapping": DEEP}
    )

    assert answer.status_code == 400
    assert "nested too deeply" in json.dumps(answer.json()["mapping"])
    assert db_state() == before


def test_json_at_the_limit_is_still_read():
    value = loads_bounded("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)

    assert json_depth(value) == MAX_JSON_DEPTH


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ([], 1), ({"a": [1, {"b": None}]}, 3), ([[], [[]]], 3)],
)
def test_json_depth(value, depth):
    assert json_depth(value) == depth
