import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maps import demo, services
from maps.models import Note
from maps.services import NoteData
from maps.services import imports as import_services
from maps.services import notes as note_services

pytestmark = pytest.mark.django_db


def test_workspace_creator_becomes_owner(owner):
    workspace = services.workspace_create(user=owner, name="  Research  ")
    assert workspace.name == "Research"
    assert workspace.memberships.get().role == "owner"


def test_notes_get_consecutive_orders_per_segment(editor, internal_map):
    created = services.notes_bulk_create(
        user=editor,
        empathy_map=internal_map,
        notes=[NoteData("pains", "A"), NoteData("sees", "B"), NoteData("pains", "C")],
    )
    assert [(note.segment, note.order) for note in created] == [
        ("pains", 1),
        ("sees", 0),
        ("pains", 2),
    ]


def test_paste_makes_one_note_per_line_and_drops_bullets(editor, internal_map):
    notes = services.notes_paste(
        user=editor,
        empathy_map=internal_map,
        segment="Hört",
        lines="- Colleagues complain\n\n  • Boss wants savings\n3. Peers recommend X\r\n",
    )
    assert [note.text for note in notes] == [
        "Colleagues complain",
        "Boss wants savings",
        "Peers recommend X",
    ]
    assert {note.segment for note in notes} == {"hears"}


def test_paste_reports_the_bad_line_and_stores_nothing(editor, internal_map):
    before = Note.objects.count()
    with pytest.raises(ValidationError) as error:
        services.notes_paste(
            user=editor, empathy_map=internal_map, segment="sees", lines="ok\n" + "x" * 501
        )
    assert "Line 2" in str(error.value)
    assert Note.objects.count() == before


def test_move_reorders_within_the_segment(editor, internal_map):
    services.notes_bulk_create(
        user=editor,
        empathy_map=internal_map,
        notes=[NoteData("sees", "first"), NoteData("sees", "second"), NoteData("sees", "third")],
    )
    third = Note.objects.get(text="third")
    services.note_move(user=editor, note=third, offset=-2)
    texts = list(
        Note.objects.filter(map=internal_map, segment="sees")
        .order_by("order")
        .values_list("text", flat=True)
    )
    assert texts == ["third", "first", "second"]


def test_moving_a_note_to_another_segment_puts_it_last(editor, internal_map):
    note = internal_map.notes.get(segment="pains")
    updated = services.note_update(user=editor, note=note, segment="gains")
    assert updated.order == 1


def test_viewer_cannot_write(viewer, internal_map):
    with pytest.raises(PermissionDenied):
        services.note_create(user=viewer, empathy_map=internal_map, segment="sees", text="x")


def test_map_note_limit_is_enforced(editor, internal_map, monkeypatch):
    monkeypatch.setattr(note_services, "MAX_NOTES_PER_MAP", 3)
    services.note_create(user=editor, empathy_map=internal_map, segment="sees", text="third")
    with pytest.raises(ValidationError, match="at most 3"):
        services.note_create(user=editor, empathy_map=internal_map, segment="sees", text="fourth")


def test_import_updates_notes_named_by_id_and_appends_the_rest(editor, internal_map):
    note = internal_map.notes.get(segment="pains")
    data = f"segment,text,votes,author,id\npains,Edited,4,Ana,{note.pk}\ngains,Brand new,0,,\n"
    count = services.map_import(user=editor, empathy_map=internal_map, data=data.encode())
    assert count == 2
    note.refresh_from_db()
    assert (note.text, note.votes, note.author) == ("Edited", 4, "Ana")
    assert internal_map.notes.count() == 3


def test_import_replace_swaps_all_notes(editor, internal_map):
    services.map_import(
        user=editor, empathy_map=internal_map, data=b"segment,text\nsees,Only\n", replace=True
    )
    assert list(internal_map.notes.values_list("text", flat=True)) == ["Only"]


def test_import_respects_the_map_limit_including_existing_notes(editor, internal_map, monkeypatch):
    monkeypatch.setattr(import_services, "MAX_NOTES_PER_MAP", 3)
    services.map_import(user=editor, empathy_map=internal_map, data=b"segment,text\nsees,One\n")
    with pytest.raises(services.ImportRejected):
        services.map_import(user=editor, empathy_map=internal_map, data=b"segment,text\nsees,Two\n")
    assert internal_map.notes.count() == 3


def test_perspective_of_a_paired_map_cannot_change(owner, internal_map, customer_map):
    services.pair_create(user=owner, internal_map=internal_map, customer_map=customer_map)
    with pytest.raises(ValidationError, match="part of a pair"):
        services.map_update(user=owner, empathy_map=customer_map, perspective="internal")


@pytest.mark.parametrize("language", ["en", "de"])
def test_demo_load_builds_paired_personas(owner, language):
    workspace = services.demo_load(user=owner, language=language)
    personas = list(workspace.personas.all())
    assert len(personas) == len(demo.WORKSPACES[language]["personas"]) >= 1
    for persona in personas:
        for empathy_map in persona.maps.all():
            assert set(empathy_map.notes.values_list("segment", flat=True)) == {
                "sees",
                "says_does",
                "hears",
                "thinks_feels",
                "pains",
                "gains",
            }
        # several teams' internal maps, each paired with the persona's one customer map
        assert persona.maps.filter(pairs_as_internal__isnull=False).count() >= 2
        assert persona.maps.filter(perspective="customer").count() == 1
