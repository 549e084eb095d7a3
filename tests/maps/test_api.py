import io
import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from maps.models import EmpathyMap, MapPair, Membership, Note, Persona, Workspace
from tests.support.factories import EmpathyMapFactory, PersonaFactory

pytestmark = pytest.mark.django_db


# --- authentication ---------------------------------------------------------------------


def test_token_endpoint_returns_a_token_that_authenticates(api, owner):
    response = api().post(
        "/api/auth/token/", {"username": "owner", "password": "pw-for-tests"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=owner).key == token

    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/workspaces/").status_code == 200


def test_token_endpoint_rejects_a_wrong_password(api, owner):
    response = api().post(
        "/api/auth/token/", {"username": "owner", "password": "nope"}, format="json"
    )
    assert response.status_code == 400


def test_anonymous_requests_are_refused(api):
    assert api().get("/api/workspaces/").status_code in {401, 403}


# --- a client does the whole flow -------------------------------------------------------


def test_client_builds_two_maps_and_pairs_them(api, owner):
    client = api(owner)
    workspace = client.post("/api/workspaces/", {"name": "Research"}, format="json").json()
    assert workspace["role"] == "owner"

    persona = client.post(
        "/api/personas/",
        {"workspace": workspace["id"], "name": "Jane", "description": "Buyer"},
        format="json",
    ).json()
    maps = {}
    for perspective in ("internal", "customer"):
        response = client.post(
            "/api/maps/",
            {
                "persona": persona["id"],
                "perspective": perspective,
                "title": perspective,
                "held_on": "2026-10-01",
                "facilitator": "Mara",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        maps[perspective] = response.json()["id"]

    one = client.post(
        f"/api/maps/{maps['internal']}/notes/",
        {"segment": "Schmerzen", "text": "  Too many tools  ", "votes": 2},
        format="json",
    )
    assert one.status_code == 201
    assert one.json()["segment"] == "pains"
    assert one.json()["text"] == "Too many tools"

    bulk = client.post(
        f"/api/maps/{maps['customer']}/notes/",
        [{"segment": "pains", "text": "Tools don't talk"}, {"segment": "gains", "text": "One hub"}],
        format="json",
    )
    assert bulk.status_code == 201
    assert [note["order"] for note in bulk.json()] == [0, 0]

    detail = client.get(f"/api/maps/{maps['customer']}/").json()
    assert {note["text"] for note in detail["notes"]} == {"Tools don't talk", "One hub"}

    pair = client.post(
        "/api/pairs/",
        {"internal_map": maps["internal"], "customer_map": maps["customer"]},
        format="json",
    )
    assert pair.status_code == 201
    assert pair.json()["persona"] == persona["id"]

    listed = client.get(f"/api/maps/?persona={persona['id']}&perspective=customer").json()
    assert [row["id"] for row in listed["results"]] == [maps["customer"]]
    assert listed["results"][0]["note_count"] == 2


def test_pair_of_two_internal_maps_is_rejected(api, owner, persona):
    first = EmpathyMapFactory(persona=persona, perspective="internal", title="A")
    second = EmpathyMapFactory(persona=persona, perspective="internal", title="B")
    response = api(owner).post(
        "/api/pairs/", {"internal_map": first.pk, "customer_map": second.pk}, format="json"
    )
    assert response.status_code == 400
    assert "customer_map" in response.json()
    assert MapPair.objects.count() == 0


def test_pair_across_personas_is_rejected(api, owner, workspace, persona):
    other = PersonaFactory(workspace=workspace, name="Lukas")
    internal = EmpathyMapFactory(persona=persona, perspective="internal")
    customer = EmpathyMapFactory(persona=other, perspective="customer")
    response = api(owner).post(
        "/api/pairs/", {"internal_map": internal.pk, "customer_map": customer.pk}, format="json"
    )
    assert response.status_code == 400
    assert "same persona" in json.dumps(response.json())


def test_note_edit_and_delete_single_and_bulk(api, editor, internal_map):
    client = api(editor)
    notes = list(internal_map.notes.order_by("id"))
    url = f"/api/maps/{internal_map.pk}/notes/"

    response = client.patch(f"{url}{notes[0].pk}/", {"votes": 7, "segment": "gains"}, format="json")
    assert response.status_code == 200
    notes[0].refresh_from_db()
    assert (notes[0].votes, notes[0].segment) == (7, "gains")

    response = client.patch(url, [{"id": notes[1].pk, "text": "Changed"}], format="json")
    assert response.status_code == 200
    assert Note.objects.get(pk=notes[1].pk).text == "Changed"

    assert client.delete(f"{url}{notes[0].pk}/").status_code == 204
    assert client.delete(url, {"ids": [notes[1].pk]}, format="json").status_code == 204
    assert internal_map.notes.count() == 0


def test_bulk_create_with_a_bad_row_stores_nothing_and_keys_errors_by_index(
    api, editor, internal_map
):
    before = Note.objects.count()
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/notes/",
        [{"segment": "pains", "text": "fine"}, {"segment": "nonsense", "text": "bad"}],
        format="json",
    )
    assert response.status_code == 400
    assert "1" in response.json() or 1 in response.json()
    assert Note.objects.count() == before


def test_note_text_limits(api, editor, internal_map):
    url = f"/api/maps/{internal_map.pk}/notes/"
    client = api(editor)
    assert (
        client.post(url, {"segment": "sees", "text": "x" * 500}, format="json").status_code == 201
    )
    response = client.post(url, {"segment": "sees", "text": "x" * 501}, format="json")
    assert response.status_code == 400
    assert client.post(url, {"segment": "sees", "text": "   "}, format="json").status_code == 400
    assert client.post(url, {"segment": "sees", "text": "a\x00b"}, format="json").status_code == 400
    stored = internal_map.notes.filter(segment="sees").values_list("text", flat=True)
    assert list(stored) == ["x" * 500]


def test_import_and_export_round_trip(api, editor, internal_map, persona):
    client = api(editor)
    exported = client.get(f"/api/maps/{internal_map.pk}/export/?format=csv")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")

    copy = EmpathyMapFactory(persona=persona, perspective="internal", title="Copy")
    upload = io.BytesIO(exported.content)
    upload.name = "map.csv"
    response = client.post(f"/api/maps/{copy.pk}/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "imported": 2,
        "layout": "CSV",
        "encoding": "UTF-8",
        "sheet": "",
        "notices": [],
    }

    def contents(empathy_map):
        return sorted(empathy_map.notes.values_list("segment", "text", "votes", "author"))

    assert contents(copy) == contents(internal_map)

    as_json = client.get(f"/api/maps/{internal_map.pk}/export/?format=json")
    assert as_json.status_code == 200
    assert len(json.loads(as_json.content)["notes"]) == 2


def test_import_with_errors_answers_400_with_rows_and_stores_nothing(api, editor, internal_map):
    upload = io.BytesIO(b"segment,text\npains,ok\nfeelz,bad segment\ngains,\n")
    upload.name = "map.csv"
    before = Note.objects.count()
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(error["row"], error["column"]) for error in errors} == {(2, "segment"), (3, "text")}
    assert Note.objects.count() == before


def test_import_over_two_megabytes_is_rejected(api, editor, internal_map):
    upload = io.BytesIO(b"segment,text\n" + b"pains," + b"x" * (2 * 1024 * 1024))
    upload.name = "big.csv"
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert "2 MB" in response.json()["errors"][0]["reason"]


def test_export_rejects_an_unknown_format(api, editor, internal_map):
    response = api(editor).get(f"/api/maps/{internal_map.pk}/export/?format=xlsx")
    assert response.status_code == 400


# --- members ----------------------------------------------------------------------------


def test_owner_manages_members(api, owner, workspace, outsider, viewer):
    client = api(owner)
    url = f"/api/workspaces/{workspace.pk}/members/"
    response = client.post(url, {"username": "outsider", "role": "editor"}, format="json")
    assert response.status_code == 201
    assert set(response.json()) == {"id", "username", "role", "created_at"}

    membership = Membership.objects.get(workspace=workspace, user=viewer)
    assert (
        client.patch(f"{url}{membership.pk}/", {"role": "editor"}, format="json").status_code == 200
    )
    assert client.delete(f"{url}{membership.pk}/").status_code == 204
    listed = client.get(url).json()["results"]
    assert {row["username"] for row in listed} == {"owner", "editor", "outsider"}


def test_the_last_owner_cannot_leave(api, owner, workspace):
    membership = Membership.objects.get(workspace=workspace, user=owner)
    url = f"/api/workspaces/{workspace.pk}/members/{membership.pk}/"
    assert api(owner).delete(url).status_code == 400
    assert api(owner).patch(url, {"role": "viewer"}, format="json").status_code == 400


def test_editors_cannot_manage_members(api, editor, workspace):
    response = api(editor).post(
        f"/api/workspaces/{workspace.pk}/members/",
        {"username": "editor", "role": "owner"},
        format="json",
    )
    assert response.status_code == 403


# --- authorisation on every route -------------------------------------------------------


@pytest.fixture
def world(workspace, persona, internal_map, customer_map, owner):
    """Everything in workspace A, as route parameters."""
    from maps import services

    pair = services.pair_create(user=owner, internal_map=internal_map, customer_map=customer_map)
    note = internal_map.notes.first()
    membership = Membership.objects.get(workspace=workspace, user__username="viewer")
    return {
        "workspace": workspace.pk,
        "membership": membership.pk,
        "persona": persona.pk,
        "map": internal_map.pk,
        "customer_map": customer_map.pk,
        "note": note.pk,
        "pair": pair.pk,
    }


def _csv_upload():
    upload = io.BytesIO(b"segment,text\npains,Imported\n")
    upload.name = "map.csv"
    return upload


# (method, url template, body factory, format) for every API route with an id.
OBJECT_ROUTES = [
    ("get", "/api/workspaces/{workspace}/", None),
    ("patch", "/api/workspaces/{workspace}/", lambda w: {"name": "Renamed"}),
    ("delete", "/api/workspaces/{workspace}/", None),
    ("get", "/api/workspaces/{workspace}/members/", None),
    (
        "post",
        "/api/workspaces/{workspace}/members/",
        lambda w: {"username": "outsider", "role": "viewer"},
    ),
    ("patch", "/api/workspaces/{workspace}/members/{membership}/", lambda w: {"role": "editor"}),
    ("delete", "/api/workspaces/{workspace}/members/{membership}/", None),
    ("get", "/api/personas/{persona}/", None),
    ("patch", "/api/personas/{persona}/", lambda w: {"name": "Renamed"}),
    ("put", "/api/personas/{persona}/", lambda w: {"name": "Renamed", "description": ""}),
    ("delete", "/api/personas/{persona}/", None),
    ("get", "/api/maps/{map}/", None),
    ("patch", "/api/maps/{map}/", lambda w: {"title": "Renamed"}),
    ("delete", "/api/maps/{map}/", None),
    ("get", "/api/maps/{map}/export/?format=json", None),
    ("post", "/api/maps/{map}/import/", "upload"),
    ("get", "/api/maps/{map}/notes/", None),
    ("post", "/api/maps/{map}/notes/", lambda w: {"segment": "sees", "text": "New"}),
    ("patch", "/api/maps/{map}/notes/", lambda w: [{"id": w["note"], "text": "Changed"}]),
    ("delete", "/api/maps/{map}/notes/", lambda w: {"ids": [w["note"]]}),
    ("get", "/api/maps/{map}/notes/{note}/", None),
    ("patch", "/api/maps/{map}/notes/{note}/", lambda w: {"text": "Changed"}),
    ("delete", "/api/maps/{map}/notes/{note}/", None),
    ("get", "/api/pairs/{pair}/", None),
    ("delete", "/api/pairs/{pair}/", None),
]

WRITE_ROUTES = [route for route in OBJECT_ROUTES if route[0] != "get"]


def _call(client, method, template, body, world):
    url = template.format(**world)
    if body == "upload":
        return getattr(client, method)(url, {"file": _csv_upload()}, format="multipart")
    data = body(world) if body else None
    return getattr(client, method)(url, data, format="json")


def _snapshot():
    return (
        list(Workspace.objects.values_list("id", "name")),
        list(Membership.objects.values_list("id", "role")),
        list(Persona.objects.values_list("id", "name", "description")),
        list(EmpathyMap.objects.values_list("id", "title", "perspective")),
        list(Note.objects.values_list("id", "text", "segment", "votes")),
        list(MapPair.objects.values_list("id", "internal_map_id", "customer_map_id")),
    )


@pytest.mark.parametrize(("method", "template", "body"), OBJECT_ROUTES)
def test_outsiders_get_404_on_every_object_route(
    api, outsider, other_workspace, world, method, template, body
):
    before = _snapshot()
    response = _call(api(outsider), method, template, body, world)
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "template", "body"), WRITE_ROUTES)
def test_viewers_get_403_on_every_write(api, viewer, world, method, template, body):
    before = _snapshot()
    response = _call(api(viewer), method, template, body, world)
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/personas/", lambda w: {"workspace": w["workspace"], "name": "Intruder"}),
        (
            "/api/maps/",
            lambda w: {"persona": w["persona"], "perspective": "internal", "title": "X"},
        ),
        ("/api/pairs/", lambda w: {"internal_map": w["map"], "customer_map": w["customer_map"]}),
    ],
)
def test_creating_inside_another_workspace_is_refused(
    api, outsider, other_workspace, world, path, body
):
    before = _snapshot()
    response = api(outsider).post(path, body(world), format="json")
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/personas/", lambda w: {"workspace": w["workspace"], "name": "New"}),
        (
            "/api/maps/",
            lambda w: {"persona": w["persona"], "perspective": "internal", "title": "X"},
        ),
    ],
)
def test_viewers_cannot_create(api, viewer, world, path, body):
    before = _snapshot()
    assert api(viewer).post(path, body(world), format="json").status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(
    "path",
    ["/api/workspaces/", "/api/personas/", "/api/maps/", "/api/pairs/"],
)
def test_lists_hold_no_rows_of_other_workspaces(api, outsider, other_workspace, world, path):
    rows = api(outsider).get(path).json()["results"]
    assert [row["id"] for row in rows if path != "/api/workspaces/"] == []
    if path == "/api/workspaces/":
        assert [row["id"] for row in rows] == [other_workspace.pk]


def test_page_size_is_bounded(api, editor, internal_map):
    from maps import services

    services.notes_bulk_create(
        user=editor,
        empathy_map=internal_map,
        notes=[services.NoteData(segment="sees", text=f"Note {i}") for i in range(250)],
    )
    response = api(editor).get(f"/api/maps/{internal_map.pk}/notes/?page_size=1000000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 200
    assert response.json()["count"] == 252


def test_patch_ignores_fields_outside_the_allow_list(api, editor, world, other_workspace):
    before = _snapshot()
    response = api(editor).patch(
        f"/api/personas/{world['persona']}/",
        {"workspace": other_workspace.pk, "created_at": "2000-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 200
    assert _snapshot() == before


def test_schema_and_docs_are_served(api, owner):
    schema = api(owner).get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/maps/{id}/import/" in schema.content
    assert api(owner).get(reverse("api-docs")).status_code == 200
