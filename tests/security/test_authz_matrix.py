"""Authorisation matrix generated from the URL configuration.

Every named route in `config.urls` (admin aside) must be listed either in PUBLIC, with
the reason it needs no login, or in AUTHZ, which says how to build its URL from the
fixture world and which role each method needs. A route that is in neither fails
`test_every_route_has_an_authz_entry`: a new page or endpoint cannot ship unscoped by
accident. Each entry is then run for anonymous, outsider, viewer, editor and owner:

- anonymous: HTML pages redirect to the login page; the API answers 401 or 403;
- outsider (a member of another workspace only): 404 on workspace A's objects, never 403
  and never A's data (no response to the outsider contains MARKER);
- viewer: reads; writes are 403;
- editor: reads and writes; owner-only actions (members, renaming or deleting the
  workspace) are 403;
- owner: everything.

A refused request changes nothing in the database. `test_methods_not_listed_answer_405`
probes every method an entry does not list, so a view that starts accepting a new write
needs an entry too.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from accounts.models import Invitation
from comparison.models import (
    Match,
    NextAction,
    Report,
    ReportCommentary,
    ReviewDecision,
    ShareLink,
    Suggestion,
)
from maps import services
from maps.models import EmpathyMap, MapPair, Membership, MembershipEvent, Note, Persona, Workspace
from tests.security.conftest import MARKER, World

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "viewer", "editor", "owner")
METHODS = ("get", "post", "put", "patch", "delete")

# Route key -> why it needs no login. Keys are URL names; API routes carry "api:".
PUBLIC: dict[str, str] = {
    "login": "the login form itself (locked out by django-axes: config.throttling)",
    "logout": "ends the caller's own session; nothing to scope",
    "api:api-token": "exchanges a username and password for a token (throttled: scope auth)",
    "api:api-schema": "the OpenAPI description holds no workspace data",
    "api:api-docs": "Swagger UI for that description; no workspace data",
    "plotly-js": "the plotly.js bundle from the installed package; no workspace data",
    "favicon": "the site icon, a static file; no workspace data",
    "set_language": "the header's language switch: the choice goes into a cookie (and a "
    "signed-in person's preferences); no workspace data (tests/test_i18n.py)",
    "share-open": "a share link: the token in the URL is the credential; it moves into the "
    "session and redirects (comparison/views/sharing.py, tested with it)",
    "shared-report": "the one report the session's share token grants, read-only; 404 "
    "without a valid token (tested with comparison/views/sharing.py)",
    "invitation-open": "an invitation link: the token in the URL is the credential; it moves "
    "into the session and redirects (tests/accounts/test_pages.py)",
    "invitation-accept": "the invitation the session's token opened: create an account or "
    "join; 404 without one (tests/accounts/test_pages.py)",
    "api:api-invitation-accept": "the token in the URL is the credential; every dead link is "
    "the same 404 (throttled: scope auth; tests/accounts/test_invitations.py)",
    "signup": "open sign-up, 404 unless GAPMAP_OPEN_SIGNUP (tests/accounts/test_pages.py)",
    "password_reset": "asks for a reset mail; the same answer for any address",
    "password_reset_done": "says a mail may be on its way; no data",
    "password_reset_confirm": "the reset link: Django's token in the URL is the credential",
    "password_reset_complete": "says the password is set; no data",
}

# Prefixes outside this matrix: Django's admin has its own staff login and permissions.
SKIPPED_PREFIXES = ("admin/",)


# --- the table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    """One method of a route: the least role it needs and a body that succeeds."""

    method: str
    need: str  # "user" (any login; no workspace A data), "member", "editor" or "owner"
    data: Callable[[World], Any] | None = None
    multipart: bool = False
    # What the outsider gets where it is not 404: creates that name a parent in
    # workspace A are validation errors (400), because the parent is not a valid choice.
    outsider: int | None = None


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[World], dict]
    ops: tuple[Op, ...]
    query: str = ""
    # Methods that answer but are not listed, with the reason (see the 405 probe).
    extra_methods: dict[str, str] = field(default_factory=dict)
    # State the route needs to succeed (run before the "nothing changed" snapshot).
    setup: Callable[[World], None] | None = None


def _ws(w: World) -> dict:
    return {"pk": w.workspace.pk}


def _none(w: World) -> dict:
    return {}


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.csv", b"segment,text\nsees,Imported note\n", "text/csv")


def _miro() -> SimpleUploadedFile:
    board = {
        "data": [
            {"id": "f1", "type": "frame", "data": {"title": "Sees"}},
            {"id": "s1", "type": "sticky_note", "data": {"content": "Hi"}, "parent": {"id": "f1"}},
        ]
    }
    return SimpleUploadedFile("board.json", json.dumps(board).encode(), "application/json")


def _seal(w: World) -> None:
    services.map_seal(user=w.users["owner"], empathy_map=w.internal)


def _get(need: str = "member", **kwargs: Any) -> Op:
    return Op("get", need, **kwargs)


def _post(need: str, data: Callable[[World], Any] | None = None, **kwargs: Any) -> Op:
    return Op("post", need, data or (lambda w: {}), **kwargs)


CONFIRM = lambda w: {"confirm": "yes"}  # noqa: E731 - a table of small builders


AUTHZ: dict[str, Route] = {
    # --- HTML: maps app
    "home": Route(_none, (_get("user"),)),
    "workspace-create": Route(
        _none, (_get("user"), _post("user", lambda w: {"name": "Fresh workspace"}))
    ),
    "workspace-detail": Route(_ws, (_get(),)),
    "persona-create": Route(
        lambda w: {"workspace_pk": w.workspace.pk},
        (_get("editor"), _post("editor", lambda w: {"name": "Max, CFO"})),
    ),
    "persona-edit": Route(
        lambda w: {"pk": w.persona.pk},
        (_get("editor"), _post("editor", lambda w: {"name": "Renamed"})),
    ),
    "persona-delete": Route(
        lambda w: {"pk": w.persona.pk}, (_get("editor"), _post("editor", CONFIRM))
    ),
    "map-create": Route(
        lambda w: {"workspace_pk": w.workspace.pk},
        (
            _get("editor"),
            _post(
                "editor",
                lambda w: {"persona": w.persona.pk, "perspective": "internal", "title": "New"},
            ),
        ),
    ),
    "map-edit": Route(
        lambda w: {"pk": w.internal.pk},
        (
            _get("editor"),
            _post("editor", lambda w: {"perspective": "internal", "title": "Renamed"}),
        ),
    ),
    "map-delete": Route(
        lambda w: {"pk": w.internal.pk}, (_get("editor"), _post("editor", CONFIRM))
    ),
    "map-import": Route(
        lambda w: {"pk": w.internal.pk},
        (_get("editor"), _post("editor", lambda w: {"file": _csv()}, multipart=True)),
    ),
    "map-import-board": Route(
        lambda w: {"pk": w.internal.pk},
        (_get("editor"), _post("editor", lambda w: {"file": _miro()}, multipart=True)),
    ),
    # The import template holds no workspace data: any logged-in user may download it.
    "import-template-csv": Route(_none, (_get("user"),)),
    "import-template-xlsx": Route(_none, (_get("user"),)),
    "map-seal": Route(lambda w: {"pk": w.internal.pk}, (_post("editor"),)),
    "map-unseal": Route(lambda w: {"pk": w.internal.pk}, (_post("owner"),), setup=_seal),
    "map-board": Route(lambda w: {"pk": w.internal.pk}, (_get(),)),
    "map-export": Route(lambda w: {"pk": w.internal.pk, "file_format": "csv"}, (_get(),)),
    "note-create": Route(
        lambda w: {"pk": w.internal.pk},
        (_post("editor", lambda w: {"segment": "sees", "text": "Hello", "votes": "0"}),),
    ),
    "notes-paste": Route(
        lambda w: {"pk": w.internal.pk},
        (_post("editor", lambda w: {"segment": "sees", "lines": "a\nb"}),),
    ),
    "note-edit": Route(
        lambda w: {"pk": w.note.pk},
        (
            _get("editor"),
            _post("editor", lambda w: {"segment": "sees", "text": "Changed", "votes": "0"}),
        ),
    ),
    "note-delete": Route(lambda w: {"pk": w.note.pk}, (_get("editor"), _post("editor", CONFIRM))),
    "note-move": Route(
        lambda w: {"pk": w.note.pk}, (_post("editor", lambda w: {"direction": "down"}),)
    ),
    "pair-create": Route(
        lambda w: {"workspace_pk": w.workspace.pk},
        (
            _get("editor"),
            _post(
                "editor",
                lambda w: {
                    "persona": w.persona.pk,
                    "internal_map": w.internal.pk,
                    "customer_map": w.spare_customer.pk,
                },
            ),
        ),
    ),
    "pair-detail": Route(lambda w: {"pk": w.pair.pk}, (_get(),)),
    "pair-delete": Route(lambda w: {"pk": w.pair.pk}, (_get("editor"), _post("editor", CONFIRM))),
    # --- HTML: accounts app
    "workspace-members": Route(_ws, (_get(),)),
    "member-invite": Route(
        _ws, (_post("owner", lambda w: {"email": "new@example.com", "role": "viewer"}),)
    ),
    "member-role": Route(
        lambda w: {"pk": w.workspace.pk, "membership_pk": w.viewer_membership.pk},
        (_post("owner", lambda w: {"role": "editor"}),),
    ),
    "member-remove": Route(
        lambda w: {"pk": w.workspace.pk, "membership_pk": w.viewer_membership.pk},
        (_post("owner"),),
    ),
    # Every member may leave (the only owner is refused with a message: a redirect too).
    "workspace-leave": Route(_ws, (_post("member"),)),
    "invitation-resend": Route(lambda w: {"pk": w.invitation.pk}, (_post("owner"),)),
    "invitation-revoke": Route(lambda w: {"pk": w.invitation.pk}, (_post("owner"),)),
    "preferences": Route(
        _none,
        (_get("user"), _post("user", lambda w: {"language": "de", "time_zone": "Europe/Berlin"})),
    ),
    "password_change": Route(
        _none,
        (
            _get("user"),
            _post(
                "user",
                lambda w: {
                    "old_password": "pw-for-tests",
                    "new_password1": "a-new-Passphrase-9",
                    "new_password2": "a-new-Passphrase-9",
                },
            ),
        ),
        extra_methods={
            "put": "Django's FormView answers PUT as POST: CSRF guards it and the form needs "
            "the old password"
        },
    ),
    "password_change_done": Route(_none, (_get("user"),)),
    # --- HTML: comparison app
    "pair-compare": Route(lambda w: {"pk": w.pair.pk}, (_post("editor"),)),
    "report-page": Route(
        lambda w: {"pk": w.report.pk},
        (_get(),),
        extra_methods={
            "post": "report_page has no @require_GET: any method renders the read-only page "
            "(CSRF still guards POST); nothing is written",
            "put": "as post",
            "patch": "as post",
            "delete": "as post",
        },
    ),
    "report-decide": Route(
        lambda w: {"pk": w.report.pk},
        (
            _post(
                "editor",
                lambda w: {
                    "internal_note": w.note.pk,
                    "customer_note": w.customer_note.pk,
                    "decision": "accept",
                },
            ),
        ),
    ),
    "report-review": Route(lambda w: {"pk": w.report.pk}, (_get(),)),
    "report-present": Route(lambda w: {"pk": w.report.pk}, (_get(),)),
    "dashboard": Route(_ws, (_get(),)),
    "report-commentary": Route(
        lambda w: {"pk": w.report.pk, "section": "overall"},
        (_post("editor", lambda w: {"text": "Changed commentary"}),),
    ),
    "report-language": Route(
        lambda w: {"pk": w.report.pk}, (_post("editor", lambda w: {"language": "de"}),)
    ),
    "report-export": Route(lambda w: {"pk": w.report.pk, "file_format": "csv"}, (_get(),)),
    "report-share": Route(
        lambda w: {"pk": w.report.pk},
        (_get(), _post("editor", lambda w: {"expires_in_days": "7"})),
    ),
    "share-link-revoke": Route(lambda w: {"pk": w.share_link.pk}, (_post("editor"),)),
    "persona-rounds": Route(lambda w: {"pk": w.persona.pk}, (_get(),)),
    "persona-round-perspectives": Route(lambda w: {"pk": w.persona.pk, "round": 1}, (_get(),)),
    # Who said what in the workshop is for editors only.
    "report-participants": Route(lambda w: {"pk": w.report.pk}, (_get("editor"),)),
    "report-actions": Route(lambda w: {"pk": w.report.pk}, (_get(),)),
    "report-actions-new": Route(
        lambda w: {"pk": w.report.pk},
        (_post("editor", lambda w: {"kind": "hmw", "question": "How might we help?"}),),
    ),
    "report-actions-draft": Route(lambda w: {"pk": w.report.pk}, (_post("editor"),)),
    "report-actions-carry": Route(
        lambda w: {"pk": w.report.pk},
        (_post("editor", lambda w: {"map": w.internal.pk, "actions": [w.next_action.pk]}),),
    ),
    "report-actions-export": Route(lambda w: {"pk": w.report.pk, "file_format": "csv"}, (_get(),)),
    "next-action-edit": Route(
        lambda w: {"pk": w.next_action.pk},
        (_post("editor", lambda w: {"question": "How might we change?"}),),
    ),
    "next-action-delete": Route(lambda w: {"pk": w.next_action.pk}, (_post("editor"),)),
    "next-action-move": Route(
        lambda w: {"pk": w.next_action.pk}, (_post("editor", lambda w: {"direction": "down"}),)
    ),
    # --- API
    "api:api-root": Route(_none, (_get("user"),)),
    "api:workspace-list": Route(
        _none, (_get("user"), _post("user", lambda w: {"name": "Fresh workspace"}))
    ),
    "api:workspace-detail": Route(
        _ws,
        (
            _get(),
            Op("put", "owner", lambda w: {"name": "Renamed"}),
            Op("patch", "owner", lambda w: {"name": "Renamed"}),
            Op("delete", "owner"),
        ),
    ),
    "api:workspace-members": Route(
        lambda w: {"workspace_pk": w.workspace.pk},
        (_get(), _post("owner", lambda w: {"username": "newcomer", "role": "viewer"})),
    ),
    "api:workspace-member-detail": Route(
        lambda w: {"workspace_pk": w.workspace.pk, "pk": w.viewer_membership.pk},
        (Op("patch", "owner", lambda w: {"role": "editor"}), Op("delete", "owner")),
    ),
    "api:api-workspace-invitations": Route(
        _ws,
        (
            _get("owner"),
            _post("owner", lambda w: {"email": "new@example.com", "role": "viewer"}),
        ),
    ),
    "api:api-invitation-detail": Route(lambda w: {"pk": w.invitation.pk}, (Op("delete", "owner"),)),
    "api:api-invitation-resend": Route(lambda w: {"pk": w.invitation.pk}, (_post("owner"),)),
    "api:persona-list": Route(
        _none,
        (
            _get("user"),
            _post("editor", lambda w: {"workspace": w.workspace.pk, "name": "New"}, outsider=400),
        ),
    ),
    "api:persona-detail": Route(
        lambda w: {"pk": w.persona.pk},
        (
            _get(),
            Op("put", "editor", lambda w: {"name": "Renamed", "description": ""}),
            Op("patch", "editor", lambda w: {"name": "Renamed"}),
            Op("delete", "editor"),
        ),
    ),
    "api:map-list": Route(
        _none,
        (
            _get("user"),
            _post(
                "editor",
                lambda w: {"persona": w.persona.pk, "perspective": "internal", "title": "X"},
                outsider=400,
            ),
        ),
    ),
    "api:map-detail": Route(
        lambda w: {"pk": w.internal.pk},
        (
            _get(),
            Op("put", "editor", lambda w: {"title": "Renamed", "perspective": "internal"}),
            Op("patch", "editor", lambda w: {"title": "Renamed"}),
            Op("delete", "editor"),
        ),
    ),
    "api:map-export": Route(lambda w: {"pk": w.internal.pk}, (_get(),), query="?format=json"),
    "api:map-seal": Route(lambda w: {"pk": w.internal.pk}, (_post("editor"),)),
    "api:map-unseal": Route(lambda w: {"pk": w.internal.pk}, (_post("owner"),), setup=_seal),
    "api:map-import-board": Route(
        lambda w: {"pk": w.internal.pk},
        (_post("editor", lambda w: {"file": _miro()}, multipart=True),),
    ),
    "api:map-import-file": Route(
        lambda w: {"pk": w.internal.pk},
        (_post("editor", lambda w: {"file": _csv()}, multipart=True),),
    ),
    "api:map-notes": Route(
        lambda w: {"map_pk": w.internal.pk},
        (
            _get(),
            _post("editor", lambda w: {"segment": "sees", "text": "New"}),
            Op("patch", "editor", lambda w: [{"id": w.note.pk, "text": "Changed"}]),
            Op("delete", "editor", lambda w: {"ids": [w.note.pk]}),
        ),
    ),
    "api:map-note-detail": Route(
        lambda w: {"map_pk": w.internal.pk, "pk": w.note.pk},
        (_get(), Op("patch", "editor", lambda w: {"text": "Changed"}), Op("delete", "editor")),
    ),
    "api:pair-list": Route(
        _none,
        (
            _get("user"),
            _post(
                "editor",
                lambda w: {"internal_map": w.internal.pk, "customer_map": w.spare_customer.pk},
                outsider=400,
            ),
        ),
    ),
    "api:pair-detail": Route(lambda w: {"pk": w.pair.pk}, (_get(), Op("delete", "editor"))),
    "api:api-pair-compare": Route(lambda w: {"pk": w.pair.pk}, (_post("editor"),)),
    "api:api-report-commentary": Route(
        lambda w: {"pk": w.report.pk},
        (_get(), Op("put", "editor", lambda w: {"section": "overall", "text": "Changed"})),
    ),
    "api:api-report-export": Route(lambda w: {"pk": w.report.pk}, (_get(),), query="?format=csv"),
    "api:api-report-share-links": Route(
        lambda w: {"pk": w.report.pk}, (_get(), _post("editor", lambda w: {"expires_in_days": 7}))
    ),
    "api:api-share-link-detail": Route(
        lambda w: {"pk": w.share_link.pk}, (Op("delete", "editor"),)
    ),
    "api:api-report-next-actions": Route(
        lambda w: {"pk": w.report.pk},
        (_get(), _post("editor", lambda w: {"kind": "hmw", "question": "How might we help?"})),
    ),
    "api:api-report-next-actions-draft": Route(lambda w: {"pk": w.report.pk}, (_post("editor"),)),
    "api:api-report-next-actions-carry": Route(
        lambda w: {"pk": w.report.pk},
        (_post("editor", lambda w: {"map": w.internal.pk, "actions": [w.next_action.pk]}),),
    ),
    "api:api-next-action-detail": Route(
        lambda w: {"pk": w.next_action.pk},
        (
            _get(),
            Op("patch", "editor", lambda w: {"question": "How might we change?"}),
            Op("delete", "editor"),
        ),
    ),
    "api:report-list": Route(_none, (_get("user"),)),
    "api:report-detail": Route(lambda w: {"pk": w.report.pk}, (_get(),)),
    "api:report-matches": Route(lambda w: {"pk": w.report.pk}, (_get(),)),
    "api:report-suggestions": Route(lambda w: {"pk": w.report.pk}, (_get(),)),
    "api:report-decisions": Route(
        lambda w: {"pk": w.report.pk},
        (
            _get(),
            _post(
                "editor",
                lambda w: {
                    "internal_note": w.note.pk,
                    "customer_note": w.customer_note.pk,
                    "accepted": True,
                },
            ),
        ),
    ),
}


# --- walking the URLconf ------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    key: str
    pattern: str
    is_api: bool


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


@functools.cache
def routes() -> dict[str, Found]:
    """Every route of the URLconf by key: its name, "api:" in front for API routes.

    DRF's format-suffix twins (`maps.json`) share the name and view of their route and
    collapse into one key; an unnamed route is keyed by its pattern so it still fails.
    """
    found: dict[str, Found] = {}
    for pattern, entry in _walk(get_resolver()):
        if pattern.startswith(SKIPPED_PREFIXES) or pattern.lstrip("^").startswith("static"):
            continue
        is_api = pattern.startswith("api/")
        name = entry.name or f"<unnamed {pattern}>"
        key = f"api:{name}" if is_api else name
        found.setdefault(key, Found(key=key, pattern=pattern, is_api=is_api))
    return found


def _cases() -> list[tuple[str, str, str]]:
    return [
        (key, op.method, role)
        for key, route in AUTHZ.items()
        if key in routes()
        for op in route.ops
        for role in ROLES
    ]


# --- helpers --------------------------------------------------------------------------------


def _name(key: str) -> str:
    return key.removeprefix("api:")


def _url(key: str, world: World) -> str:
    """The route's URL built from its own pattern: reverse() by name cannot tell the API's
    `workspace-detail` from the page of the same name."""
    route, found = AUTHZ[key], routes()[key]
    kwargs = route.kwargs(world)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), found.pattern)
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), path)
    path = path.replace("^", "").replace("$", "")
    assert resolve(path).url_name == _name(key), f"{path} does not resolve to {key}"
    return path + route.query


def _client(world: World, role: str, *, api: bool) -> Client | APIClient:
    client = APIClient() if api else Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _send(client: Client | APIClient, method: str, url: str, op: Op | None, world: World):
    data = op.data(world) if op is not None and op.data is not None else None
    if method == "get":
        return client.get(url)
    if method == "post" and (op is None or op.multipart or not isinstance(client, APIClient)):
        return client.post(url, data or {})  # a form: multipart, the test client's default
    if isinstance(client, APIClient):
        return getattr(client, method)(url, data, format="json")
    return getattr(client, method)(url)


def db_state() -> list:
    """Every row of every model a request could change, to prove a refusal wrote nothing."""
    models = [
        Workspace,
        Membership,
        Persona,
        EmpathyMap,
        Note,
        MapPair,
        Report,
        ReviewDecision,
        Match,
        Suggestion,
        ReportCommentary,
        ShareLink,
        NextAction,
        Invitation,
        MembershipEvent,
    ]
    return [list(model.objects.order_by("pk").values()) for model in models]


RANK = {"anonymous": -1, "outsider": 0, "viewer": 1, "editor": 2, "owner": 3}
NEED = {"user": 0, "member": 1, "editor": 2, "owner": 3}
OK = {"get": {200}, "post": {200, 201, 202, 302}, "put": {200}, "patch": {200}, "delete": {204}}


def expected(role: str, op: Op, *, api: bool) -> str:
    """'login' | 'unauthenticated' | 'ok' | a status code as text."""
    if role == "anonymous":
        return "unauthenticated" if api else "login"
    if role == "outsider" and op.need != "user":
        return str(op.outsider or 404)
    return "ok" if RANK[role] >= NEED[op.need] else "403"


# --- the tests ------------------------------------------------------------------------------


def test_every_route_has_an_authz_entry():
    missing = [
        f"route {key} ({found.pattern}) has no authz entry"
        for key, found in routes().items()
        if key not in AUTHZ and key not in PUBLIC
    ]
    assert missing == [], "\n".join(missing)


def test_public_routes_and_entries_do_not_overlap():
    assert set(AUTHZ) & set(PUBLIC) == set()


def test_the_matrix_walks_the_real_urlconf():
    # A walk that found nothing would pass the completeness test vacuously.
    found = routes()
    assert {"home", "report-page", "api:map-notes", "api:report-decisions", "login"} <= set(found)
    stale = [key for key in (*AUTHZ, *PUBLIC) if key not in found]
    assert stale == [], "entries for routes that are gone"


@pytest.mark.parametrize("key", sorted(PUBLIC))
def test_public_routes_answer_without_a_login(key):
    found = routes()[key]
    path = "/" + found.pattern.replace("^", "").replace("$", "")

    response = Client().get(path)

    # logout and the token endpoint take POST only (405), share pages refuse a request
    # without a valid token (404), the favicon points to the static icon (301); none sends
    # anyone to log in, none fails.
    assert response.status_code in (200, 301, 404, 405), f"{path}: {response.status_code}"
    assert not response.get("Location", "").startswith(reverse("login"))


@pytest.mark.parametrize(("key", "method", "role"), _cases())
def test_route_authorisation(world, key, method, role):
    found = routes()[key]
    op = next(op for op in AUTHZ[key].ops if op.method == method)
    url = _url(key, world)
    want = expected(role, op, api=found.is_api)
    if AUTHZ[key].setup:
        AUTHZ[key].setup(world)
    before = db_state()

    response = _send(_client(world, role, api=found.is_api), method, url, op, world)

    status = response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    where = f"{method.upper()} {url} as {role}"
    if want == "login":
        assert status == 302, f"{where}: {status}, expected a login redirect"
        assert response["Location"].startswith(reverse("login")), where
    elif want == "unauthenticated":
        assert status in (401, 403), f"{where}: {status}, expected 401/403"
    elif want == "ok":
        assert status in OK[method], f"{where}: {status}, expected {sorted(OK[method])}"
        if status == 302:
            assert not response["Location"].startswith(reverse("login")), where
    else:
        assert status == int(want), f"{where}: {status}, expected {want}"
    if want != "ok":
        assert db_state() == before, f"{where} was refused but changed the database"
    if role in ("anonymous", "outsider"):
        assert MARKER.encode() not in body, f"{where} shows workspace A's data"


def _unlisted() -> list[tuple[str, str]]:
    return [
        (key, method)
        for key, route in AUTHZ.items()
        if key in routes()
        for method in METHODS
        if method not in {op.method for op in route.ops}
    ]


@pytest.mark.parametrize(("key", "method"), _unlisted())
def test_methods_not_listed_answer_405(world, key, method):
    """As the owner, who may do everything: a method the table does not list must not
    answer, or the matrix would miss a write."""
    found = routes()[key]
    url = _url(key, world)
    before = db_state()

    response = _send(_client(world, "owner", api=found.is_api), method, url, None, world)

    reason = AUTHZ[key].extra_methods.get(method)
    if reason:
        assert response.status_code < 500, reason
    else:
        assert response.status_code == 405, (
            f"{method.upper()} {url} answers {response.status_code}: add it to AUTHZ[{key!r}]"
        )
    assert db_state() == before
