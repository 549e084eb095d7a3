"""The web pages of the maps app: what each role sees and may do, and that notes are escaped.

Data is set up through `maps.services`, the real write path; the fixtures are local so this
module stands on its own.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maps import services
from maps.io import limits as importers
from maps.models import EmpathyMap, MapPair, Note, Persona, Workspace
from maps.services import NoteData

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-view-tests"


# --- fixtures ---------------------------------------------------------------------------------


def _user(username: str):
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


@pytest.fixture
def owner():
    return _user("owner")


@pytest.fixture
def editor():
    return _user("editor")


@pytest.fixture
def viewer():
    return _user("viewer")


@pytest.fixture
def outsider():
    return _user("outsider")


@dataclass
class World:
    workspace: Workspace
    persona: Persona
    internal: EmpathyMap
    customer: EmpathyMap
    pair: MapPair
    note: Note
    other_workspace: Workspace
    spare_customer: EmpathyMap


@pytest.fixture
def world(owner, editor, viewer, outsider) -> World:
    workspace = services.workspace_create(user=owner, name="Acme")
    services.membership_add(user=owner, workspace=workspace, username="editor", role="editor")
    services.membership_add(user=owner, workspace=workspace, username="viewer", role="viewer")
    persona = services.persona_create(
        user=owner, workspace=workspace, name="Jane, procurement lead"
    )
    internal = services.map_create(
        user=owner,
        persona=persona,
        perspective="internal",
        title="Team hypotheses",
        held_on=datetime.date(2026, 3, 2),
        facilitator="Maria",
        participants="Sales, Marketing",
    )
    customer = services.map_create(
        user=owner,
        persona=persona,
        perspective="customer",
        title="Customer workshop",
        held_on=datetime.date(2026, 4, 14),
    )
    notes = services.notes_bulk_create(
        user=owner,
        empathy_map=internal,
        notes=[
            NoteData("sees", "Competitor brochures", votes=2, author="Tom"),
            NoteData("sees", "Price lists"),
            NoteData("sees", "Trade fairs"),
            NoteData("says_does", "Asks for discounts"),
            NoteData("hears", "Boss wants savings"),
            NoteData("thinks_feels", "Afraid of picking the wrong supplier"),
            NoteData("pains", "Too many tools"),
            NoteData("gains", "One place for all data", votes=12),
        ],
    )
    services.notes_bulk_create(
        user=owner,
        empathy_map=customer,
        notes=[NoteData("pains", "Tools do not talk to each other")],
    )
    pair = services.pair_create(user=owner, internal_map=internal, customer_map=customer)
    other_workspace = services.workspace_create(user=outsider, name="Globex")
    spare_customer = services.map_create(
        user=owner, persona=persona, perspective="customer", title="Second customer round"
    )
    return World(
        workspace, persona, internal, customer, pair, notes[0], other_workspace, spare_customer
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sees_texts(empathy_map: EmpathyMap) -> list[str]:
    return list(
        empathy_map.notes.filter(segment="sees")
        .order_by("order", "id")
        .values_list("text", flat=True)
    )


def db_state() -> tuple:
    return (
        Workspace.objects.count(),
        Persona.objects.count(),
        list(EmpathyMap.objects.order_by("id").values_list("id", "title", "perspective")),
        list(Note.objects.order_by("id").values_list("id", "segment", "text", "votes", "order")),
        MapPair.objects.count(),
    )


# Every page that shows or changes one object: (URL name, kwargs from the world).
OBJECT_ROUTES = {
    "workspace-detail": lambda w: {"pk": w.workspace.pk},
    "persona-create": lambda w: {"workspace_pk": w.workspace.pk},
    "persona-edit": lambda w: {"pk": w.persona.pk},
    "persona-delete": lambda w: {"pk": w.persona.pk},
    "map-create": lambda w: {"workspace_pk": w.workspace.pk},
    "map-board": lambda w: {"pk": w.internal.pk},
    "map-edit": lambda w: {"pk": w.internal.pk},
    "map-delete": lambda w: {"pk": w.internal.pk},
    "map-import": lambda w: {"pk": w.internal.pk},
    "map-export": lambda w: {"pk": w.internal.pk, "file_format": "csv"},
    "note-create": lambda w: {"pk": w.internal.pk},
    "notes-paste": lambda w: {"pk": w.internal.pk},
    "note-edit": lambda w: {"pk": w.note.pk},
    "note-delete": lambda w: {"pk": w.note.pk},
    "note-move": lambda w: {"pk": w.note.pk},
    "pair-create": lambda w: {"workspace_pk": w.workspace.pk},
    "pair-detail": lambda w: {"pk": w.pair.pk},
    "pair-delete": lambda w: {"pk": w.pair.pk},
}

GET_ONLY = {"workspace-detail", "map-board", "map-export", "pair-detail"}
POST_ONLY = {"note-create", "notes-paste", "note-move"}

# Every write, with a POST body that an editor's request would succeed with.
WRITE_REQUESTS = [
    ("persona-create", "post", {"name": "Max, CFO"}),
    ("persona-edit", "post", {"name": "Renamed"}),
    ("persona-delete", "post", {"confirm": "yes"}),
    ("map-create", "post", {"persona": "PERSONA", "perspective": "internal", "title": "New"}),
    ("map-edit", "post", {"perspective": "internal", "title": "Renamed"}),
    ("map-delete", "post", {"confirm": "yes"}),
    ("map-import", "post", {"file": "FILE"}),
    ("note-create", "post", {"segment": "sees", "text": "Hello", "votes": "0"}),
    ("notes-paste", "post", {"segment": "sees", "lines": "a\nb"}),
    ("note-edit", "post", {"segment": "sees", "text": "Changed", "votes": "0"}),
    ("note-delete", "post", {"confirm": "yes"}),
    ("note-move", "post", {"direction": "down"}),
    ("pair-create", "post", {"persona": "PERSONA", "internal_map": "I", "customer_map": "C2"}),
    ("pair-delete", "post", {"confirm": "yes"}),
    # The forms and confirm pages of writes are closed to viewers, too.
    ("persona-create", "get", None),
    ("persona-edit", "get", None),
    ("persona-delete", "get", None),
    ("map-create", "get", None),
    ("map-edit", "get", None),
    ("map-delete", "get", None),
    ("map-import", "get", None),
    ("note-edit", "get", None),
    ("note-delete", "get", None),
    ("pair-create", "get", None),
    ("pair-delete", "get", None),
]


# What each of those writes leaves behind when an editor sends it.
WRITE_EFFECTS = {
    "persona-create": lambda w: w.workspace.personas.filter(name="Max, CFO").exists(),
    "persona-edit": lambda w: Persona.objects.get(pk=w.persona.pk).name == "Renamed",
    "persona-delete": lambda w: not Persona.objects.filter(pk=w.persona.pk).exists(),
    "map-create": lambda w: w.persona.maps.filter(perspective="internal", title="New").exists(),
    "map-edit": lambda w: EmpathyMap.objects.get(pk=w.internal.pk).title == "Renamed",
    "map-delete": lambda w: not EmpathyMap.objects.filter(pk=w.internal.pk).exists(),
    "map-import": lambda w: "Imported note" in sees_texts(w.internal),
    "note-create": lambda w: "Hello" in sees_texts(w.internal),
    "notes-paste": lambda w: sees_texts(w.internal)[-2:] == ["a", "b"],
    "note-edit": lambda w: Note.objects.get(pk=w.note.pk).text == "Changed",
    "note-delete": lambda w: not Note.objects.filter(pk=w.note.pk).exists(),
    "note-move": lambda w: sees_texts(w.internal)[:2] == ["Price lists", "Competitor brochures"],
    "pair-create": lambda w: MapPair.objects.filter(
        internal_map=w.internal, customer_map=w.spare_customer
    ).exists(),
    "pair-delete": lambda w: not MapPair.objects.filter(pk=w.pair.pk).exists(),
}


def _body(world: World, data: dict | None) -> dict | None:
    if data is None:
        return None
    replacements = {
        "PERSONA": world.persona.pk,
        "I": world.internal.pk,
        "C": world.customer.pk,
        "C2": world.spare_customer.pk,
        "FILE": SimpleUploadedFile("notes.csv", b"sees,Imported note\n"),
    }
    return {key: replacements.get(value, value) for key, value in data.items()}


def _send(client: Client, world: World, name: str, method: str, data: dict | None):
    url = reverse(name, kwargs=OBJECT_ROUTES[name](world))
    return client.post(url, _body(world, data)) if method == "post" else client.get(url)


# --- login, home ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", *OBJECT_ROUTES])
def test_anonymous_users_are_sent_to_the_login_page(world, name):
    kwargs = OBJECT_ROUTES[name](world) if name in OBJECT_ROUTES else {}
    url = reverse(name, kwargs=kwargs)

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_login_page_renders_and_logs_in(world):
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content

    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_is_a_post_form_in_the_header(world, editor):
    page = client_for(editor).get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}"' in page
    assert re.search(r'<form method="post" action="/logout/"', page)


def test_home_lists_only_the_users_workspaces(world, editor, outsider):
    page = client_for(editor).get(reverse("home")).content.decode()

    assert "Acme" in page
    assert "Jane, procurement lead" in page
    assert "Team hypotheses" in page
    assert "Customer workshop" in page
    assert "Globex" not in page
    outsider_page = client_for(outsider).get(reverse("home")).content.decode()
    assert "Globex" in outsider_page
    assert "Acme" not in outsider_page
    assert "Jane" not in outsider_page


def test_home_shows_maps_with_badge_date_and_note_count_and_pairs(world, editor):
    page = client_for(editor).get(reverse("home")).content.decode()

    assert 'class="badge badge-internal"' in page
    assert 'class="badge badge-customer"' in page
    assert "2 Mar 2026 · 8 notes" in page
    assert "14 Apr 2026 · 1 note" in page
    assert reverse("pair-detail", kwargs={"pk": world.pair.pk}) in page
    assert reverse("persona-create", kwargs={"workspace_pk": world.workspace.pk}) in page


def test_home_lists_every_workspace_of_a_member_of_several(world, editor, owner):
    services.workspace_create(user=editor, name="Second team")

    page = client_for(editor).get(reverse("home")).content.decode()

    assert "Your workspaces" in page
    assert "Acme" in page
    assert "Second team" in page
    assert "Jane, procurement lead" in page


def test_home_without_workspace_says_what_to_do(db):
    loner = _user("loner")

    page = client_for(loner).get(reverse("home")).content.decode()

    assert "not a member of any workspace" in page
    assert reverse("workspace-create") in page
    assert "loner" in page


def test_empty_workspace_tells_editors_to_create_a_persona(owner):
    workspace = services.workspace_create(user=owner, name="Fresh")

    page = client_for(owner).get(reverse("home")).content.decode()

    assert "No personas yet" in page
    assert reverse("persona-create", kwargs={"workspace_pk": workspace.pk}) in page


def test_workspace_create(db):
    user = _user("founder")

    response = client_for(user).post(reverse("workspace-create"), {"name": "  Research  "})

    workspace = Workspace.objects.get()
    assert workspace.name == "Research"
    assert workspace.memberships.get().user == user
    assert response["Location"] == reverse("workspace-detail", kwargs={"pk": workspace.pk})


# --- personas and maps ------------------------------------------------------------------------


def test_persona_create_and_duplicate_name_error(world, editor):
    client = client_for(editor)
    url = reverse("persona-create", kwargs={"workspace_pk": world.workspace.pk})

    created = client.post(url, {"name": "Max, CFO", "description": "Signs off budgets"})
    duplicate = client.post(url, {"name": "Max, CFO"})

    assert created.status_code == 302
    assert Persona.objects.filter(workspace=world.workspace, name="Max, CFO").count() == 1
    assert duplicate.status_code == 400
    assert "already exists" in duplicate.content.decode()


def test_persona_edit_and_delete(world, editor):
    client = client_for(editor)
    client.post(reverse("persona-edit", kwargs={"pk": world.persona.pk}), {"name": "Jane, buyer"})
    world.persona.refresh_from_db()
    assert world.persona.name == "Jane, buyer"

    confirm = client.post(reverse("persona-delete", kwargs={"pk": world.persona.pk}))
    assert confirm.status_code == 200
    assert Persona.objects.filter(pk=world.persona.pk).exists()

    client.post(reverse("persona-delete", kwargs={"pk": world.persona.pk}), {"confirm": "yes"})
    assert not Persona.objects.filter(pk=world.persona.pk).exists()


def test_map_create_with_persona_from_the_workspace(world, editor):
    url = reverse("map-create", kwargs={"workspace_pk": world.workspace.pk})
    form = client_for(editor).get(f"{url}?persona={world.persona.pk}&perspective=customer")
    assert form.status_code == 200
    # The workshop date: a text field in the locale's order, its placeholder says which.
    assert 'placeholder="YYYY-MM-DD"' in form.content.decode()

    response = client_for(editor).post(
        url,
        {
            "persona": world.persona.pk,
            "perspective": "customer",
            "title": "Round 2 customers",
            "held_on": "2026-09-30",
            "facilitator": "Ana",
            "participants": "Five buyers",
        },
    )

    created = EmpathyMap.objects.get(title="Round 2 customers")
    assert response["Location"] == reverse("map-board", kwargs={"pk": created.pk})
    assert created.persona == world.persona
    assert created.held_on == datetime.date(2026, 9, 30)
    assert created.facilitator == "Ana"


def test_map_create_refuses_a_persona_of_another_workspace(world, outsider, editor):
    foreign = services.persona_create(user=outsider, workspace=world.other_workspace, name="Spy")
    url = reverse("map-create", kwargs={"workspace_pk": world.workspace.pk})

    response = client_for(editor).post(
        url, {"persona": foreign.pk, "perspective": "internal", "title": "Sneaky"}
    )

    assert response.status_code == 400
    assert not EmpathyMap.objects.filter(title="Sneaky").exists()


def test_map_edit_shows_service_errors_on_the_form(world, editor):
    url = reverse("map-edit", kwargs={"pk": world.internal.pk})

    # The map is paired, so the service refuses to switch its perspective.
    response = client_for(editor).post(url, {"perspective": "customer", "title": "Switched"})

    assert response.status_code == 400
    assert "remove the pair before switching" in response.content.decode()
    world.internal.refresh_from_db()
    assert (world.internal.perspective, world.internal.title) == ("internal", "Team hypotheses")


def test_map_edit_saves(world, editor):
    url = reverse("map-edit", kwargs={"pk": world.internal.pk})

    client_for(editor).post(
        url, {"perspective": "internal", "title": "Sharper hypotheses", "held_on": "2026-03-03"}
    )

    world.internal.refresh_from_db()
    assert world.internal.title == "Sharper hypotheses"
    assert world.internal.held_on == datetime.date(2026, 3, 3)


def test_map_delete_asks_first_then_deletes(world, editor):
    url = reverse("map-delete", kwargs={"pk": world.customer.pk})
    client = client_for(editor)

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Delete the map" in confirm.content.decode()
    assert 'name="confirm" value="yes"' in confirm.content.decode()

    response = client.post(url, {"confirm": "yes"})

    assert response.status_code == 302
    assert not EmpathyMap.objects.filter(pk=world.customer.pk).exists()


# --- the board --------------------------------------------------------------------------------


def test_board_renders_six_segments_in_the_empathy_map_layout(world, viewer):
    page = client_for(viewer).get(reverse("map-board", kwargs={"pk": world.internal.pk}))
    html = page.content.decode()

    assert page.status_code == 200
    # Thinks & Feels on top, Sees | persona | Hears, Says & Does, then Pains and Gains below.
    order = [
        'id="seg-thinks_feels"',
        'id="seg-sees"',
        'class="board-persona"',
        'id="seg-hears"',
        'id="seg-says_does"',
        'class="board-below"',
        'id="seg-pains"',
        'id="seg-gains"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    for label, question in [
        ("Sees", "What does the customer see?"),
        ("Says &amp; Does", "What does the customer say and do?"),
        ("Hears", "What does the customer hear?"),
        ("Thinks &amp; Feels", "What really counts"),
        ("Pains", "Fears, frustrations, obstacles"),
        ("Gains", "What success looks like"),
    ]:
        assert f">{label}</h2>" in html
        assert question in html
    assert 'class="board board-internal"' in html
    assert "Competitor brochures" in html
    assert "Tom" in html
    assert html.index("Competitor brochures") < html.index("Price lists")


def test_board_shows_the_map_header(world, viewer):
    html = client_for(viewer).get(reverse("map-board", kwargs={"pk": world.internal.pk}))
    html = html.content.decode()

    for fact in ["Jane, procurement lead", "Internal (hypotheses)", "Team hypotheses",
                 "2 Mar 2026", "Maria", "Sales, Marketing"]:  # fmt: skip
        assert fact in html
    assert "<dt>Notes</dt><dd>8</dd>" in html
    assert reverse("pair-detail", kwargs={"pk": world.pair.pk}) in html
    assert reverse("map-export", kwargs={"pk": world.internal.pk, "file_format": "csv"}) in html
    assert reverse("map-export", kwargs={"pk": world.internal.pk, "file_format": "json"}) in html


def test_customer_board_uses_the_customer_note_colour(world, viewer):
    html = client_for(viewer).get(reverse("map-board", kwargs={"pk": world.customer.pk}))

    assert 'class="board board-customer"' in html.content.decode()


def test_votes_show_as_at_most_ten_dots_and_an_accessible_number(world, viewer):
    html = client_for(viewer).get(reverse("map-board", kwargs={"pk": world.internal.pk}))
    html = html.content.decode()

    gains = html[html.index('id="seg-gains"') :]
    gains_note = gains[: gains.index("</li>")]
    assert gains_note.count('class="dot"') == 10
    assert "+2" in gains_note
    assert 'aria-label="12 votes"' in gains_note
    assert 'aria-label="2 votes"' in html


def test_board_links_its_stylesheet_and_script_and_has_no_inline_code(world, editor):
    html = client_for(editor).get(reverse("map-board", kwargs={"pk": world.internal.pk}))
    html = html.content.decode()

    assert "/static/css/gapmap.css" in html
    assert '<script src="/static/js/board.js" defer></script>' in html
    # The site will get a strict CSP: no inline scripts, style attributes or handlers.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_editor_adds_a_note(world, editor):
    url = reverse("note-create", kwargs={"pk": world.internal.pk})

    response = client_for(editor).post(
        url, {"segment": "sees", "text": "  Analyst reports  ", "votes": "3", "author": "Eve"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#add-sees")
    note = world.internal.notes.get(text="Analyst reports")
    assert (note.segment, note.votes, note.author, note.order) == ("sees", 3, "Eve", 3)


def test_adding_an_invalid_note_shows_the_error_on_the_board(world, editor):
    before = db_state()
    url = reverse("note-create", kwargs={"pk": world.internal.pk})

    response = client_for(editor).post(url, {"segment": "pains", "text": "x" * 501, "votes": "1"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 500 characters" in html
    assert 'id="seg-pains"' in html  # the board again, with the error in place
    assert db_state() == before


def test_adding_a_note_to_an_unknown_segment_is_refused(world, editor):
    before = db_state()
    url = reverse("note-create", kwargs={"pk": world.internal.pk})

    response = client_for(editor).post(url, {"segment": "smells", "text": "x", "votes": "0"})

    assert response.status_code == 400
    assert db_state() == before


def test_editor_edits_a_note_and_can_move_it_to_another_segment(world, editor):
    url = reverse("note-edit", kwargs={"pk": world.note.pk})
    client = client_for(editor)
    assert "Competitor brochures" in client.get(url).content.decode()

    response = client.post(
        url, {"segment": "hears", "text": "Competitors' ads", "votes": "5", "author": ""}
    )

    assert response["Location"].endswith(f"#note-{world.note.pk}")
    world.note.refresh_from_db()
    assert (world.note.segment, world.note.text, world.note.votes, world.note.author) == (
        "hears",
        "Competitors' ads",
        5,
        "",
    )


def test_editing_a_note_to_blank_text_shows_the_error(world, editor):
    response = client_for(editor).post(
        reverse("note-edit", kwargs={"pk": world.note.pk}),
        {"segment": "sees", "text": "   ", "votes": "0"},
    )

    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    world.note.refresh_from_db()
    assert world.note.text == "Competitor brochures"


def test_note_delete_needs_confirmation(world, editor):
    url = reverse("note-delete", kwargs={"pk": world.note.pk})
    client = client_for(editor)

    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 200
    assert "Delete this note?" in unconfirmed.content.decode()
    assert Note.objects.filter(pk=world.note.pk).exists()

    confirmed = client.post(url, {"confirm": "yes"})

    assert confirmed.status_code == 302
    assert not Note.objects.filter(pk=world.note.pk).exists()


def test_move_down_up_and_by_offset(world, editor):
    client = client_for(editor)
    url = reverse("note-move", kwargs={"pk": world.note.pk})

    client.post(url, {"direction": "down"})
    assert sees_texts(world.internal) == ["Price lists", "Competitor brochures", "Trade fairs"]

    client.post(url, {"direction": "up"})
    assert sees_texts(world.internal) == ["Competitor brochures", "Price lists", "Trade fairs"]

    response = client.post(url, {"offset": "2"})
    assert sees_texts(world.internal) == ["Price lists", "Trade fairs", "Competitor brochures"]
    assert response["Location"].endswith(f"#note-{world.note.pk}")


def test_move_without_direction_is_a_bad_request(world, editor):
    response = client_for(editor).post(reverse("note-move", kwargs={"pk": world.note.pk}))

    assert response.status_code == 400


def test_move_only_accepts_post(world, editor):
    response = client_for(editor).get(reverse("note-move", kwargs={"pk": world.note.pk}))

    assert response.status_code == 405


def test_bulk_paste_adds_one_note_per_line(world, editor):
    url = reverse("notes-paste", kwargs={"pk": world.internal.pk})

    response = client_for(editor).post(
        url, {"segment": "hears", "lines": "- Peers recommend X\n\n• Press is critical\r\n"}
    )

    assert response.status_code == 302
    texts = world.internal.notes.filter(segment="hears").values_list("text", flat=True)
    assert list(texts) == ["Boss wants savings", "Peers recommend X", "Press is critical"]


def test_bulk_paste_with_a_bad_line_shows_it_and_stores_nothing(world, editor):
    before = db_state()
    url = reverse("notes-paste", kwargs={"pk": world.internal.pk})

    response = client_for(editor).post(url, {"segment": "hears", "lines": "fine\n" + "y" * 501})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Line 2" in html
    assert '<details class="paste" open>' in html
    assert db_state() == before


# --- import and export ------------------------------------------------------------------------


def test_import_adds_the_notes_of_a_csv_file(world, editor):
    upload = SimpleUploadedFile(
        "workshop.csv",
        "segment;text;votes\nSieht;Messestände;2\nSchmerzen;Zu viele Tools;0\n".encode(),
    )

    response = client_for(editor).post(
        reverse("map-import", kwargs={"pk": world.internal.pk}), {"file": upload}
    )

    assert response.status_code == 302
    assert world.internal.notes.filter(segment="sees", text="Messestände", votes=2).exists()
    assert world.internal.notes.count() == 10


def test_import_can_replace_the_notes(world, editor):
    upload = SimpleUploadedFile(
        "notes.json", json.dumps({"segments": {"gains": ["Less admin"]}}).encode()
    )

    client_for(editor).post(
        reverse("map-import", kwargs={"pk": world.internal.pk}),
        {"file": upload, "replace": "on"},
    )

    assert list(world.internal.notes.values_list("segment", "text")) == [("gains", "Less admin")]


def test_rejected_import_lists_every_row_error_and_stores_nothing(world, editor):
    before = db_state()
    upload = SimpleUploadedFile(
        "bad.csv", b"segment,text,votes\nsees,fine,1\nsmells,odd segment,0\ngains,,x\n"
    )

    response = client_for(editor).post(
        reverse("map-import", kwargs={"pk": world.internal.pk}), {"file": upload}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    table = html[html.index('<table class="data-table">') :]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    assert ("2", "segment") in {(row, column) for row, column, _ in rows}
    assert {("3", "text"), ("3", "votes")} <= {(row, column) for row, column, _ in rows}
    assert all(reason for _, _, reason in rows)
    assert db_state() == before


def test_oversized_import_is_refused_before_reading(world, editor):
    before = db_state()
    upload = SimpleUploadedFile("huge.csv", b"sees,x\n" * (importers.MAX_FILE_BYTES // 7 + 1))

    response = client_for(editor).post(
        reverse("map-import", kwargs={"pk": world.internal.pk}), {"file": upload}
    )

    assert response.status_code == 400
    assert "at most 2 MB" in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize(
    ("file_format", "content_type"), [("csv", "text/csv"), ("json", "application/json")]
)
def test_export_returns_the_map_as_a_file(world, viewer, file_format, content_type):
    response = client_for(viewer).get(
        reverse("map-export", kwargs={"pk": world.internal.pk, "file_format": file_format})
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == (
        f'attachment; filename="team-hypotheses.{file_format}"'
    )
    assert "Competitor brochures" in response.content.decode()


def test_export_in_an_unknown_format_is_not_found(world, viewer):
    url = reverse("map-export", kwargs={"pk": world.internal.pk, "file_format": "xlsx"})

    assert client_for(viewer).get(url).status_code == 404


def test_exported_csv_imports_back_into_an_equal_map(world, editor):
    client = client_for(editor)
    exported = client.get(
        reverse("map-export", kwargs={"pk": world.internal.pk, "file_format": "csv"})
    ).content
    copy = services.map_create(
        user=editor, persona=world.persona, perspective="internal", title="Copy"
    )

    client.post(
        reverse("map-import", kwargs={"pk": copy.pk}),
        {"file": SimpleUploadedFile("copy.csv", exported)},
    )

    def contents(empathy_map):
        return sorted(empathy_map.notes.values_list("segment", "text", "votes", "author"))

    assert contents(copy) == contents(world.internal)


# --- pairs ------------------------------------------------------------------------------------


def test_pair_create_offers_the_personas_maps_and_creates_the_pair(world, editor):
    second_internal = services.map_create(
        user=editor, persona=world.persona, perspective="internal", title="Round 2 team"
    )
    url = reverse("pair-create", kwargs={"workspace_pk": world.workspace.pk})
    client = client_for(editor)

    form = client.get(f"{url}?persona={world.persona.pk}").content.decode()
    internal_select = form[form.index('name="internal_map"') : form.index("</select>")]
    assert "Round 2 team" in internal_select
    assert "Customer workshop" not in internal_select

    response = client.post(
        url,
        {
            "persona": world.persona.pk,
            "internal_map": second_internal.pk,
            "customer_map": world.customer.pk,
        },
    )

    pair = MapPair.objects.get(internal_map=second_internal)
    assert pair.customer_map == world.customer
    assert response["Location"] == reverse("pair-detail", kwargs={"pk": pair.pk})


def test_pair_create_with_a_single_persona_skips_the_persona_step(world, editor):
    url = reverse("pair-create", kwargs={"workspace_pk": world.workspace.pk})

    html = client_for(editor).get(url).content.decode()

    assert 'name="internal_map"' in html


def test_pair_create_asks_for_the_persona_when_there_are_several(world, editor):
    services.persona_create(user=editor, workspace=world.workspace, name="Max, CFO")
    url = reverse("pair-create", kwargs={"workspace_pk": world.workspace.pk})

    html = client_for(editor).get(url).content.decode()

    assert 'name="persona"' in html
    assert "Max, CFO" in html
    assert 'name="internal_map"' not in html


def test_pair_of_two_internal_maps_shows_the_error_and_stores_nothing(world, editor):
    second_internal = services.map_create(
        user=editor, persona=world.persona, perspective="internal", title="Round 2 team"
    )
    before = db_state()

    response = client_for(editor).post(
        reverse("pair-create", kwargs={"workspace_pk": world.workspace.pk}),
        {
            "persona": world.persona.pk,
            "internal_map": world.internal.pk,
            "customer_map": second_internal.pk,
        },
    )

    assert response.status_code == 400
    assert "This map is not a customer workshop map." in response.content.decode()
    assert db_state() == before


def test_pairing_the_same_maps_twice_shows_the_error(world, editor):
    response = client_for(editor).post(
        reverse("pair-create", kwargs={"workspace_pk": world.workspace.pk}),
        {
            "persona": world.persona.pk,
            "internal_map": world.internal.pk,
            "customer_map": world.customer.pk,
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index('class="form-errors"') :]
    assert "already" in errors[: errors.index("</div>")]
    assert MapPair.objects.count() == 1


def test_pair_detail_shows_both_boards_and_the_comparison_place(world, viewer):
    response = client_for(viewer).get(reverse("pair-detail", kwargs={"pk": world.pair.pk}))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count('class="board ') == 2
    assert 'board-internal board-compact"' in html
    assert 'board-customer board-compact"' in html
    assert 'id="internal-seg-sees"' in html
    assert 'id="customer-seg-sees"' in html
    assert "Competitor brochures" in html
    assert "Tools do not talk to each other" in html
    assert reverse("map-board", kwargs={"pk": world.internal.pk}) in html
    assert reverse("map-board", kwargs={"pk": world.customer.pk}) in html
    assert "comparison-panel" in html


def test_pair_delete_keeps_both_maps(world, editor):
    url = reverse("pair-delete", kwargs={"pk": world.pair.pk})

    client_for(editor).post(url, {"confirm": "yes"})

    assert not MapPair.objects.exists()
    assert EmpathyMap.objects.filter(pk__in=[world.internal.pk, world.customer.pk]).count() == 2


# --- roles and tenancy ------------------------------------------------------------------------

EDIT_CONTROLS = [
    'name="text"',
    'name="lines"',
    "/edit/",
    "/delete/",
    "/move/",
    "/import/",
    "/notes/",
    'form="note-actions"',
    "/personas/new/",
    "/maps/new/",
    "/pairs/new/",
    "Delete pair",
]


@pytest.mark.parametrize("name", ["home", "map-board", "pair-detail", "workspace-detail"])
def test_viewers_see_no_edit_controls(world, viewer, name):
    kwargs = OBJECT_ROUTES[name](world) if name in OBJECT_ROUTES else {}

    html = client_for(viewer).get(reverse(name, kwargs=kwargs)).content.decode()

    assert [control for control in EDIT_CONTROLS if control in html] == []


def test_editors_see_the_edit_controls(world, editor):
    html = client_for(editor).get(reverse("map-board", kwargs={"pk": world.internal.pk}))
    html = html.content.decode()

    for control in ['name="text"', 'name="lines"', "/move/", "/import/", 'form="note-actions"']:
        assert control in html
    assert html.count('class="add-note"') == 6


@pytest.mark.parametrize(("name", "method", "data"), WRITE_REQUESTS)
def test_viewers_get_403_on_every_write(world, viewer, name, method, data):
    before = db_state()

    response = _send(client_for(viewer), world, name, method, data)

    assert response.status_code == 403
    assert "You can look, but not change this" in response.content.decode()
    assert db_state() == before


@pytest.mark.parametrize(("name", "method", "data"), WRITE_REQUESTS)
def test_editors_may_do_every_write(world, editor, name, method, data):
    before = db_state()

    response = _send(client_for(editor), world, name, method, data)

    assert response.status_code in (200, 302)
    if method == "post":
        assert WRITE_EFFECTS[name](world), f"the editor's {name} changed nothing"
    else:
        # the write's form, and nothing written yet
        assert response.status_code == 200
        assert 'method="post"' in response.content.decode()
        assert db_state() == before


@pytest.mark.parametrize("name", OBJECT_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_get_404_on_every_object(world, outsider, name, method):
    before = db_state()
    data = next((d for n, m, d in WRITE_REQUESTS if n == name and m == "post"), {}) or {}

    response = _send(client_for(outsider), world, name, method, data)

    wrong_method = (method == "get" and name in POST_ONLY) or (
        method == "post" and name in GET_ONLY
    )
    assert response.status_code == (405 if wrong_method else 404)
    if not wrong_method:
        assert "Not found" in response.content.decode()
    assert db_state() == before


def test_outsider_cannot_pair_maps_of_another_workspace_into_their_own(world, outsider):
    persona = services.persona_create(user=outsider, workspace=world.other_workspace, name="P")
    before = db_state()

    response = client_for(outsider).post(
        reverse("pair-create", kwargs={"workspace_pk": world.other_workspace.pk}),
        {
            "persona": persona.pk,
            "internal_map": world.internal.pk,
            "customer_map": world.customer.pk,
        },
    )

    assert response.status_code == 400
    assert db_state() == before


# --- escaping ---------------------------------------------------------------------------------

PAYLOADS = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x onerror=alert(1)>', "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
]


@pytest.fixture
def hostile_notes(world, editor):
    texts = [payload for payload, _ in PAYLOADS] + ["{{7*7}}"]
    notes = services.notes_bulk_create(
        user=editor,
        empathy_map=world.internal,
        notes=[NoteData("sees", text, author=text) for text in texts],
    )
    services.map_update(user=editor, empathy_map=world.internal, title=PAYLOADS[0][0])
    services.persona_update(user=editor, persona=world.persona, name=PAYLOADS[1][0])
    return notes


SCRIPT, IMG = (payload for payload, _ in PAYLOADS)


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("map-board", [SCRIPT, IMG]),
        ("pair-detail", [SCRIPT, IMG]),
        ("home", [SCRIPT, IMG]),
        ("note-edit", [SCRIPT, IMG]),  # the note (IMG) and the map title (SCRIPT)
        ("note-delete", [SCRIPT]),
        ("map-edit", [SCRIPT]),
        ("persona-edit", [IMG]),
    ],
)
def test_hostile_text_is_escaped(world, editor, hostile_notes, page, shown):
    kwargs = {
        "map-board": {"pk": world.internal.pk},
        "pair-detail": {"pk": world.pair.pk},
        "home": {},
        "note-edit": {"pk": hostile_notes[1].pk},
        "note-delete": {"pk": hostile_notes[0].pk},
        "map-edit": {"pk": world.internal.pk},
        "persona-edit": {"pk": world.persona.pk},
    }[page]

    html = client_for(editor).get(reverse(page, kwargs=kwargs)).content.decode()

    for raw, escaped in PAYLOADS:
        assert raw not in html
        if raw in shown:
            assert escaped in html
    assert "<img" not in html
    assert "<script>" not in html


def test_template_syntax_in_a_note_is_shown_literally(world, editor, hostile_notes):
    html = client_for(editor).get(reverse("map-board", kwargs={"pk": world.internal.pk}))
    html = html.content.decode()

    note_html = html[html.index(f'id="note-{hostile_notes[2].pk}"') :]
    note_html = note_html[: note_html.index("</li>")]
    assert '<p class="note-text">{{7*7}}</p>' in note_html
    # Attribute values carry database ids (note-4496), which may contain "49" by chance.
    assert "49" not in re.sub(r'"[^"]*"', '""', note_html)


def test_import_errors_escape_the_file_content(world, editor):
    upload = SimpleUploadedFile("bad.csv", b"<script>alert(1)</script>,text\n")

    response = client_for(editor).post(
        reverse("map-import", kwargs={"pk": world.internal.pk}), {"file": upload}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_note_line_breaks_are_kept(world, editor):
    services.note_update(user=editor, note=world.note, text="first line\nsecond <b>line</b>")

    html = client_for(editor).get(reverse("map-board", kwargs={"pk": world.internal.pk}))

    assert "first line<br>second &lt;b&gt;line&lt;/b&gt;" in html.content.decode()
