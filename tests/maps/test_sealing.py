"""Sealed hypotheses: an internal map frozen before the customer workshop.

Every write path of a sealed map's notes and details is refused (services, web pages,
API, imports, bulk, paste) and changes nothing; unsealing is an owner's action; both
are recorded with a digest of the notes.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maps import selectors, services
from maps.io import boards as board_imports
from maps.models import EmpathyMap, MapSealEvent, Note, SealAction
from maps.selectors import map_edited_after_workshop, map_seal_state, notes_digest
from maps.services import NoteData

pytestmark = pytest.mark.django_db

BOARDS = Path(__file__).resolve().parent.parent / "data" / "boards"


@pytest.fixture
def sealed(internal_map, editor) -> EmpathyMap:
    return services.map_seal(user=editor, empathy_map=internal_map)


def state(empathy_map: EmpathyMap) -> tuple:
    """Everything a write could change: the map row and its notes."""
    fresh = EmpathyMap.objects.get(pk=empathy_map.pk)
    notes = [model_to_dict(note) for note in Note.objects.filter(map=fresh).order_by("pk")]
    return model_to_dict(fresh), fresh.updated_at, notes


# --- digest -----------------------------------------------------------------------------------


def test_digest_is_stable_across_order_ids_and_maps(persona, internal_map, owner):
    twin = services.map_create(user=owner, persona=persona, perspective="internal", title="Twin")
    # The same notes, added in the other order.
    services.notes_bulk_create(
        user=owner,
        empathy_map=twin,
        notes=[NoteData("gains", "One place for all data"), NoteData("pains", "Too many tools")],
    )
    assert notes_digest(twin.notes.all()) == notes_digest(internal_map.notes.all())
    assert re.fullmatch(r"[0-9a-f]{64}", notes_digest(twin.notes.all()))

    # Reordering on the board is not a change of content.
    services.note_create(user=owner, empathy_map=twin, segment="pains", text="Slow approvals")
    before = notes_digest(twin.notes.all())
    services.note_move(user=owner, note=twin.notes.get(text="Slow approvals"), offset=-1)
    assert notes_digest(twin.notes.all()) == before


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Too many tools!"},
        {"votes": 1},
        {"author": "Sam"},
        {"segment": "gains"},
    ],
)
def test_digest_changes_with_each_field_of_a_note(internal_map, owner, change):
    before = notes_digest(internal_map.notes.all())
    services.note_update(user=owner, note=internal_map.notes.get(segment="pains"), **change)
    assert notes_digest(internal_map.notes.all()) != before


def test_digest_changes_when_a_note_is_added_or_removed(internal_map, owner):
    before = notes_digest(internal_map.notes.all())
    note = services.note_create(user=owner, empathy_map=internal_map, segment="sees", text="Ads")
    assert notes_digest(internal_map.notes.all()) != before
    services.note_delete(user=owner, note=note)
    assert notes_digest(internal_map.notes.all()) == before


def test_digest_cannot_be_forged_by_moving_text_between_notes(persona, owner):
    one = services.map_create(user=owner, persona=persona, perspective="internal", title="A")
    two = services.map_create(user=owner, persona=persona, perspective="internal", title="B")
    services.notes_bulk_create(
        user=owner, empathy_map=one, notes=[NoteData("sees", "a b"), NoteData("sees", "c")]
    )
    services.notes_bulk_create(
        user=owner, empathy_map=two, notes=[NoteData("sees", "a"), NoteData("sees", "b c")]
    )
    assert notes_digest(one.notes.all()) != notes_digest(two.notes.all())


# --- sealing and unsealing --------------------------------------------------------------------


def test_seal_records_time_user_digest_and_an_event(internal_map, editor):
    before = timezone.now()
    sealed = services.map_seal(user=editor, empathy_map=internal_map)

    fresh = EmpathyMap.objects.get(pk=internal_map.pk)
    assert fresh.sealed_at >= before
    assert fresh.sealed_by == editor
    assert fresh.seal_digest == notes_digest(internal_map.notes.all())
    assert sealed.is_sealed
    event = MapSealEvent.objects.get(map=internal_map)
    assert (event.action, event.actor, event.digest) == (
        SealAction.SEALED,
        editor,
        fresh.seal_digest,
    )


def test_sealing_is_not_an_edit(internal_map, editor):
    updated_at = EmpathyMap.objects.get(pk=internal_map.pk).updated_at
    services.map_seal(user=editor, empathy_map=internal_map)
    assert EmpathyMap.objects.get(pk=internal_map.pk).updated_at == updated_at


def test_only_internal_non_empty_unsealed_maps_can_be_sealed(persona, customer_map, owner):
    with pytest.raises(ValidationError, match="Only internal"):
        services.map_seal(user=owner, empathy_map=customer_map)
    empty = services.map_create(user=owner, persona=persona, perspective="internal", title="E")
    with pytest.raises(ValidationError, match="empty map cannot be sealed"):
        services.map_seal(user=owner, empathy_map=empty)
    assert not MapSealEvent.objects.exists()


def test_sealing_twice_is_refused(sealed, owner):
    with pytest.raises(services.MapSealed, match="is sealed"):
        services.map_seal(user=owner, empathy_map=sealed)
    assert MapSealEvent.objects.filter(map=sealed).count() == 1


def test_viewers_cannot_seal(internal_map, viewer, outsider):
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.map_seal(user=user, empathy_map=internal_map)
    assert not EmpathyMap.objects.get(pk=internal_map.pk).is_sealed


def test_only_owners_unseal_and_it_is_recorded(sealed, editor, owner):
    with pytest.raises(PermissionDenied):
        services.map_unseal(user=editor, empathy_map=sealed)
    assert EmpathyMap.objects.get(pk=sealed.pk).is_sealed

    services.map_unseal(user=owner, empathy_map=sealed)

    fresh = EmpathyMap.objects.get(pk=sealed.pk)
    assert (fresh.sealed_at, fresh.sealed_by, fresh.seal_digest) == (None, None, "")
    events = list(MapSealEvent.objects.filter(map=sealed).values_list("action", "actor__username"))
    assert events == [(SealAction.SEALED, "editor"), (SealAction.UNSEALED, "owner")]
    assert MapSealEvent.objects.get(action=SealAction.UNSEALED).digest == notes_digest(
        fresh.notes.all()
    )
    # Editable again.
    services.note_create(user=editor, empathy_map=fresh, segment="sees", text="Later note")


def test_unsealing_an_unsealed_map_is_refused(internal_map, owner):
    with pytest.raises(ValidationError, match="is not sealed"):
        services.map_unseal(user=owner, empathy_map=internal_map)
    assert not MapSealEvent.objects.exists()


def test_seal_state_reports_whether_the_notes_still_match(internal_map, editor):
    unsealed = map_seal_state(internal_map)
    assert (unsealed.sealed, unsealed.digest_matches) == (False, None)

    services.map_seal(user=editor, empathy_map=internal_map)
    sealed_state = map_seal_state(EmpathyMap.objects.get(pk=internal_map.pk))
    assert (sealed_state.sealed, sealed_state.digest_matches, sealed_state.sealed_by) == (
        True,
        True,
        "editor",
    )

    # A change behind the services' back (a database console, a faulty migration).
    Note.objects.filter(map=internal_map, segment="pains").update(text="Rewritten later")
    assert map_seal_state(EmpathyMap.objects.get(pk=internal_map.pk)).digest_matches is False


# --- every service write is refused -----------------------------------------------------------


def _board_preview() -> board_imports.BoardPreview:
    return board_imports.parse_board((BOARDS / "miro_board_de.json").read_bytes())


SERVICE_WRITES: dict[str, Callable] = {
    "note_create": lambda u, m, n: services.note_create(
        user=u, empathy_map=m, segment="sees", text="Improved afterwards"
    ),
    "notes_bulk_create": lambda u, m, n: services.notes_bulk_create(
        user=u, empathy_map=m, notes=[NoteData("sees", "One"), NoteData("hears", "Two")]
    ),
    "notes_paste": lambda u, m, n: services.notes_paste(
        user=u, empathy_map=m, segment="gains", lines="- one\n- two"
    ),
    "note_update": lambda u, m, n: services.note_update(user=u, note=n, text="Rewritten"),
    "note_update_segment": lambda u, m, n: services.note_update(user=u, note=n, segment="gains"),
    "notes_bulk_update": lambda u, m, n: services.notes_bulk_update(
        user=u, empathy_map=m, changes=[{"id": n.pk, "votes": 9}]
    ),
    "note_delete": lambda u, m, n: services.note_delete(user=u, note=n),
    "notes_bulk_delete": lambda u, m, n: services.notes_bulk_delete(
        user=u, empathy_map=m, note_ids=[n.pk]
    ),
    "note_move": lambda u, m, n: services.note_move(user=u, note=n, offset=1),
    "map_update": lambda u, m, n: services.map_update(user=u, empathy_map=m, title="Better"),
    "map_update_round_team": lambda u, m, n: services.map_update(
        user=u, empathy_map=m, round=2, team="sales"
    ),
    "map_delete": lambda u, m, n: services.map_delete(user=u, empathy_map=m),
    "map_import_append": lambda u, m, n: services.map_import(
        user=u, empathy_map=m, data=b"segment,text\nsees,Imported\n", filename="n.csv"
    ),
    "map_import_replace": lambda u, m, n: services.map_import(
        user=u,
        empathy_map=m,
        data=json.dumps([{"segment": "sees", "text": "Replaced"}]).encode(),
        filename="n.json",
        replace=True,
    ),
    "map_import_board": lambda u, m, n: services.map_import_board(
        user=u, empathy_map=m, preview=_board_preview(), mapping={"Sonstiges": "skip"}
    ),
}


@pytest.mark.parametrize("write", SERVICE_WRITES.values(), ids=SERVICE_WRITES.keys())
def test_every_service_write_to_a_sealed_map_is_refused(internal_map, editor, owner, write):
    # Instances loaded before the seal: the guard must read the seal from the database.
    stale_map = EmpathyMap.objects.get(pk=internal_map.pk)
    stale_note = Note.objects.select_related("map").get(map=internal_map, segment="pains")
    services.map_seal(user=editor, empathy_map=internal_map)
    before = state(internal_map)

    with pytest.raises(services.MapSealed, match=r"“Internal map” is sealed .* by editor"):
        write(owner, stale_map, stale_note)

    assert state(internal_map) == before


@pytest.mark.parametrize("write", SERVICE_WRITES.values(), ids=SERVICE_WRITES.keys())
def test_the_same_writes_work_on_an_unsealed_map(internal_map, owner, write):
    # The refusal above is the seal's doing, not a broken call.
    note = Note.objects.select_related("map").get(map=internal_map, segment="pains")
    # a second pain, so that moving the first one changes something
    services.note_create(user=owner, empathy_map=internal_map, segment="pains", text="Slow")
    before = state(internal_map)

    write(owner, internal_map, note)

    # ...and each write did something: the map or its notes changed, or the map is gone
    gone = not EmpathyMap.objects.filter(pk=internal_map.pk).exists()
    assert gone or state(internal_map) != before


def test_customer_maps_and_pairs_stay_usable_next_to_a_sealed_map(sealed, customer_map, editor):
    services.note_create(user=editor, empathy_map=customer_map, segment="sees", text="Ads")
    pair = services.pair_create(user=editor, internal_map=sealed, customer_map=customer_map)
    assert pair.internal_map_id == sealed.pk


# --- edited after the workshop ----------------------------------------------------------------


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_edited_after_workshop_judges_by_the_day_after(internal_map, owner):
    day = internal_map.held_on
    EmpathyMap.objects.filter(pk=internal_map.pk).update(updated_at=_at(day, 9))
    Note.objects.filter(map=internal_map).update(updated_at=_at(day, 23))
    fresh = EmpathyMap.objects.get(pk=internal_map.pk)
    assert map_edited_after_workshop(fresh) is False  # typed up on the day itself

    Note.objects.filter(map=internal_map, segment="pains").update(
        updated_at=_at(day + datetime.timedelta(days=1), 0)
    )
    assert map_edited_after_workshop(fresh) is True


def test_edited_after_workshop_sees_map_edits_and_deletions(internal_map, owner):
    day = internal_map.held_on
    EmpathyMap.objects.filter(pk=internal_map.pk).update(updated_at=_at(day, 9))
    Note.objects.filter(map=internal_map).update(updated_at=_at(day, 10))
    assert map_edited_after_workshop(EmpathyMap.objects.get(pk=internal_map.pk)) is False

    # Now is after 1 Oct 2026 only if the clock says so; compare with a date in the past.
    past = datetime.date(2020, 1, 1)
    services.note_delete(user=owner, note=internal_map.notes.first())
    fresh = EmpathyMap.objects.get(pk=internal_map.pk)
    assert map_edited_after_workshop(fresh, workshop_date=past) is True
    assert fresh.updated_at > _at(day, 9)  # the deletion touched the map


def test_edited_after_workshop_needs_a_date(persona, owner):
    undated = services.map_create(user=owner, persona=persona, perspective="customer", title="U")
    assert map_edited_after_workshop(undated) is False
    assert map_edited_after_workshop(undated, workshop_date=datetime.date(2020, 1, 1)) is True


# --- web pages --------------------------------------------------------------------------------


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.csv", b"segment,text\nsees,Imported\n", "text/csv")


def _board_file() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "b.json", (BOARDS / "mural_board.json").read_bytes(), "application/json"
    )


WEB_POSTS: dict[str, tuple[str, Callable, Callable]] = {
    # name: (url name, kwargs(map, note), data())
    "note-create": (
        "note-create",
        lambda m, n: {"pk": m.pk},
        lambda: {"segment": "sees", "text": "Later", "votes": "0"},
    ),
    "notes-paste": (
        "notes-paste",
        lambda m, n: {"pk": m.pk},
        lambda: {"segment": "sees", "lines": "a\nb"},
    ),
    "note-edit": (
        "note-edit",
        lambda m, n: {"pk": n.pk},
        lambda: {"segment": "pains", "text": "Rewritten", "votes": "0"},
    ),
    "note-delete": ("note-delete", lambda m, n: {"pk": n.pk}, lambda: {"confirm": "yes"}),
    "note-move": ("note-move", lambda m, n: {"pk": n.pk}, lambda: {"direction": "down"}),
    "map-edit": (
        "map-edit",
        lambda m, n: {"pk": m.pk},
        lambda: {"perspective": "internal", "title": "Better", "round": "2"},
    ),
    "map-delete": ("map-delete", lambda m, n: {"pk": m.pk}, lambda: {"confirm": "yes"}),
    "map-import": ("map-import", lambda m, n: {"pk": m.pk}, lambda: {"file": _csv()}),
    "map-import-board": (
        "map-import-board",
        lambda m, n: {"pk": m.pk},
        lambda: {"file": _board_file()},
    ),
}


@pytest.mark.parametrize("post", WEB_POSTS.values(), ids=WEB_POSTS.keys())
def test_every_web_write_to_a_sealed_map_is_refused(sealed, owner, post):
    url_name, kwargs, data = post
    note = sealed.notes.get(segment="pains")
    url = reverse(url_name, kwargs=kwargs(sealed, note))
    before = state(sealed)

    response = _browser(owner).post(url, data(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("map-board", kwargs={"pk": sealed.pk})
    assert "is sealed" in response.content.decode()
    assert state(sealed) == before


@pytest.mark.parametrize("url_name", ["map-edit", "map-delete", "map-import", "map-import-board"])
def test_edit_pages_of_a_sealed_map_send_back_to_the_board(sealed, editor, url_name):
    response = _browser(editor).get(reverse(url_name, kwargs={"pk": sealed.pk}))
    assert response.status_code == 302
    assert response.url == reverse("map-board", kwargs={"pk": sealed.pk})


def test_note_edit_page_of_a_sealed_map_sends_back_to_the_board(sealed, editor):
    note = sealed.notes.first()
    response = _browser(editor).get(reverse("note-edit", kwargs={"pk": note.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("map-board", kwargs={"pk": sealed.pk})


def test_sealed_board_shows_the_banner_and_no_edit_controls(sealed, owner):
    html = _browser(owner).get(reverse("map-board", kwargs={"pk": sealed.pk})).content.decode()

    assert re.search(r"Sealed on \d{1,2} \w{3} \d{4}, \d\d:\d\d by editor", html)
    assert "the notes still match it" in html
    assert 'class="add-note"' not in html
    assert reverse("note-create", kwargs={"pk": sealed.pk}) not in html
    assert reverse("map-edit", kwargs={"pk": sealed.pk}) not in html
    assert reverse("map-import", kwargs={"pk": sealed.pk}) not in html
    assert reverse("map-unseal", kwargs={"pk": sealed.pk}) in html  # owners may unseal
    assert reverse("map-seal", kwargs={"pk": sealed.pk}) not in html


def test_editors_see_no_unseal_button(sealed, editor):
    html = _browser(editor).get(reverse("map-board", kwargs={"pk": sealed.pk})).content.decode()
    assert "Sealed on" in html
    assert reverse("map-unseal", kwargs={"pk": sealed.pk}) not in html


def test_board_warns_when_the_notes_no_longer_match_the_seal(sealed, editor):
    Note.objects.filter(map=sealed).update(votes=7)
    html = _browser(editor).get(reverse("map-board", kwargs={"pk": sealed.pk})).content.decode()
    assert "no longer match it" in html


def test_seal_button_for_editors_of_internal_maps_only(internal_map, customer_map, editor, viewer):
    seal_url = reverse("map-seal", kwargs={"pk": internal_map.pk})
    board = reverse("map-board", kwargs={"pk": internal_map.pk})
    assert seal_url in _browser(editor).get(board).content.decode()
    assert seal_url not in _browser(viewer).get(board).content.decode()
    customer_board = reverse("map-board", kwargs={"pk": customer_map.pk})
    assert "map-seal" not in _browser(editor).get(customer_board).content.decode()
    assert "/seal/" not in _browser(editor).get(customer_board).content.decode()


def test_seal_and_unseal_pages(internal_map, editor, viewer, owner):
    seal_url = reverse("map-seal", kwargs={"pk": internal_map.pk})
    unseal_url = reverse("map-unseal", kwargs={"pk": internal_map.pk})

    assert _browser(viewer).post(seal_url).status_code == 403
    assert _browser(editor).get(seal_url).status_code == 405
    assert not EmpathyMap.objects.get(pk=internal_map.pk).is_sealed

    response = _browser(editor).post(seal_url, follow=True)
    assert "Map sealed" in response.content.decode()
    assert EmpathyMap.objects.get(pk=internal_map.pk).sealed_by == editor

    assert _browser(editor).post(unseal_url).status_code == 403
    assert EmpathyMap.objects.get(pk=internal_map.pk).is_sealed

    response = _browser(owner).post(unseal_url, follow=True)
    assert "Map unsealed" in response.content.decode()
    assert not EmpathyMap.objects.get(pk=internal_map.pk).is_sealed
    assert MapSealEvent.objects.filter(map=internal_map).count() == 2


def test_sealing_a_customer_map_on_the_web_explains_why_not(customer_map, editor):
    url = reverse("map-seal", kwargs={"pk": customer_map.pk})
    response = _browser(editor).post(url, follow=True)
    assert "Only internal (hypotheses) maps can be sealed" in response.content.decode()
    assert not EmpathyMap.objects.get(pk=customer_map.pk).is_sealed


def test_map_form_sets_round_and_team(workspace, persona, editor):
    url = reverse("map-create", kwargs={"workspace_pk": workspace.pk})
    response = _browser(editor).post(
        url,
        {
            "persona": persona.pk,
            "perspective": "internal",
            "title": "Sales view",
            "round": "2",
            "team": "Sales",
        },
    )
    created = EmpathyMap.objects.get(title="Sales view")
    assert response.status_code == 302
    assert (created.round, created.team) == (2, "Sales")

    edit = reverse("map-edit", kwargs={"pk": created.pk})
    _browser(editor).post(edit, {"perspective": "internal", "title": "Sales view", "team": "x"})
    assert EmpathyMap.objects.get(pk=created.pk).round == 2  # left out: kept

    response = _browser(editor).post(edit, {"perspective": "internal", "title": "S", "round": "0"})
    assert response.status_code == 400
    assert EmpathyMap.objects.get(pk=created.pk).round == 2


# --- API --------------------------------------------------------------------------------------


def _api_writes(m, n) -> list[tuple[str, str, object, str]]:
    """(method, url, body, format) of every API write to a map's notes or details."""
    notes = f"/api/maps/{m.pk}/notes/"
    return [
        ("post", notes, {"segment": "sees", "text": "Later"}, "json"),
        (
            "post",
            notes,
            [{"segment": "sees", "text": "A"}, {"segment": "hears", "text": "B"}],
            "json",
        ),
        ("patch", notes, [{"id": n.pk, "text": "Rewritten"}], "json"),
        ("delete", notes, {"ids": [n.pk]}, "json"),
        ("patch", f"{notes}{n.pk}/", {"votes": 3}, "json"),
        ("delete", f"{notes}{n.pk}/", None, "json"),
        ("patch", f"/api/maps/{m.pk}/", {"title": "Better", "round": 2}, "json"),
        ("put", f"/api/maps/{m.pk}/", {"title": "Better", "perspective": "internal"}, "json"),
        ("delete", f"/api/maps/{m.pk}/", None, "json"),
        ("post", f"/api/maps/{m.pk}/import/", {"file": _csv()}, "multipart"),
        ("post", f"/api/maps/{m.pk}/import-board/", {"file": _board_file()}, "multipart"),
        ("post", f"/api/maps/{m.pk}/import-board/?dry_run=1", {"file": _board_file()}, "multipart"),
    ]


API_IDS = [
    "notes-create",
    "notes-bulk-create",
    "notes-bulk-update",
    "notes-bulk-delete",
    "note-patch",
    "note-delete",
    "map-patch",
    "map-put",
    "map-delete",
    "map-import",
    "map-import-board",
    "map-import-board-dry-run",
]


@pytest.mark.parametrize("index", range(len(API_IDS)), ids=API_IDS)
def test_every_api_write_to_a_sealed_map_answers_409(api, sealed, owner, index):
    note = sealed.notes.get(segment="pains")
    method, url, body, fmt = _api_writes(sealed, note)[index]
    before = state(sealed)

    response = getattr(api(owner), method)(url, body, format=fmt)

    assert response.status_code == 409, response.content
    assert "is sealed" in response.json()["detail"]
    assert state(sealed) == before


def test_api_seal_and_unseal(api, internal_map, editor, owner, viewer):
    seal_url = f"/api/maps/{internal_map.pk}/seal/"
    unseal_url = f"/api/maps/{internal_map.pk}/unseal/"
    assert api(viewer).post(seal_url).status_code == 403

    response = api(editor).post(seal_url)
    assert response.status_code == 200
    body = response.json()
    assert body["sealed_by"] == "editor"
    assert body["sealed_at"] is not None
    assert body["seal_digest"] == notes_digest(internal_map.notes.all())

    again = api(editor).post(seal_url)
    assert again.status_code == 409
    assert api(editor).post(unseal_url).status_code == 403

    response = api(owner).post(unseal_url)
    assert response.status_code == 200
    assert (response.json()["sealed_at"], response.json()["sealed_by"]) == (None, None)
    assert response.json()["seal_digest"] == ""
    assert api(owner).post(unseal_url).status_code == 400  # not sealed any more


def test_api_seal_fields_are_read_only(api, internal_map, editor):
    response = api(editor).patch(
        f"/api/maps/{internal_map.pk}/",
        {"sealed_at": "2026-01-01T00:00:00Z", "seal_digest": "0" * 64, "sealed_by": 1},
        format="json",
    )
    assert response.status_code == 200
    fresh = EmpathyMap.objects.get(pk=internal_map.pk)
    assert (fresh.sealed_at, fresh.seal_digest, fresh.sealed_by) == (None, "", None)


def test_api_maps_carry_round_team_and_seal(api, persona, sealed, editor):
    created = api(editor).post(
        "/api/maps/",
        {
            "persona": persona.pk,
            "perspective": "internal",
            "title": "Management view",
            "round": 2,
            "team": "management",
        },
        format="json",
    )
    assert created.status_code == 201
    assert (created.json()["round"], created.json()["team"]) == (2, "management")

    patched = api(editor).patch(
        f"/api/maps/{created.json()['id']}/", {"round": 3, "team": "sales"}, format="json"
    )
    assert (patched.json()["round"], patched.json()["team"]) == (3, "sales")
    assert (
        api(editor)
        .patch(f"/api/maps/{created.json()['id']}/", {"round": 0}, format="json")
        .status_code
        == 400
    )

    listed = api(editor).get("/api/maps/", {"persona": persona.pk}).json()["results"]
    by_id = {item["id"]: item for item in listed}
    assert by_id[sealed.pk]["sealed_by"] == "editor"
    assert by_id[sealed.pk]["seal_digest"] == sealed.seal_digest
    assert by_id[created.json()["id"]]["sealed_at"] is None
    detail = api(editor).get(f"/api/maps/{sealed.pk}/").json()
    assert {"round", "team", "sealed_at", "sealed_by", "seal_digest"} <= set(detail)


def test_api_writes_work_again_after_unsealing(api, sealed, owner, editor):
    services.map_unseal(user=owner, empathy_map=sealed)
    response = api(editor).post(
        f"/api/maps/{sealed.pk}/notes/", {"segment": "sees", "text": "Later"}, format="json"
    )
    assert response.status_code == 201
    assert sealed.notes.filter(segment="sees", text="Later").exists()


def test_selectors_module_exposes_the_helpers_for_reports():
    # The report page (comparison app) imports these two by name.
    assert callable(selectors.map_edited_after_workshop)
    assert callable(selectors.map_seal_state)
