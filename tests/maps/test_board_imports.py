"""Miro and Mural board imports: the pure parser (fixtures in tests/data/boards), the
preview-and-confirm web flow and the API, including malformed files that store nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maps import services
from maps.io import boards as board_imports
from maps.io import limits as importers
from maps.io.boards import BoardFileError, clean_markup, parse_board, segment_for_title
from maps.models import Note
from maps.services import imports as import_services
from maps.services import notes as note_services
from maps.views.board_imports import BOARD_SESSION_KEY

BOARDS = Path(__file__).resolve().parent.parent / "data" / "boards"


def board_bytes(name: str) -> bytes:
    return (BOARDS / name).read_bytes()


def by_title(preview: board_imports.BoardPreview) -> dict[str, board_imports.BoardArea]:
    return {area.title: area for area in preview.areas}


def miro(items: list[dict]) -> bytes:
    return json.dumps({"data": items}).encode()


def frame(frame_id: str, title: str) -> dict:
    return {"id": frame_id, "type": "frame", "data": {"title": title}}


def sticky(sticky_id: str, content: str, parent: str | None = "f1", **extra) -> dict:
    item = {"id": sticky_id, "type": "sticky_note", "data": {"content": content}, **extra}
    if parent:
        item["parent"] = {"id": parent}
    return item


# --- text and titles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Too <b>many</b> tools</p>", "Too many tools"),
        ("<p>Approval&nbsp;takes <i>weeks</i> &amp; more</p>", "Approval takes weeks & more"),
        ("<p>First line</p><p>second line</p>", "First line second line"),
        ("one<br>two<br/>three", "one two three"),
        ("  lots \n\t of   space  ", "lots of space"),
        ("<p>Hi</p><script>alert('x')</script>", "Hi"),
        ("<style>p{color:red}</style>Styled", "Styled"),
        ("<div><img src=x onerror=alert(1)>Image</div>", "Image"),
        ("Price < 100 € & fast", "Price < 100 € & fast"),
        ("<!-- a comment -->Visible", "Visible"),
    ],
)
def test_clean_markup_leaves_plain_text(markup, text):
    assert clean_markup(markup) == text


def test_script_content_never_survives_as_markup():
    cleaned = clean_markup("<p>Note</p><script>document.cookie</script><SCRIPT>x()</SCRIPT>")
    assert cleaned == "Note"
    assert "script" not in cleaned.casefold()


def test_markup_the_author_typed_stays_as_their_characters():
    # An author who typed "<b>" sees "<b>" again; it is text, escaped wherever shown.
    assert clean_markup("<p>&lt;b&gt;bold?&lt;/b&gt;</p>") == "<b>bold?</b>"


@pytest.mark.parametrize(
    ("title", "segment"),
    [
        ("Sees", "sees"),
        ("SAYS & DOES", "says_does"),
        ("Thinks and feels", "thinks_feels"),
        ("Pains – what frustrates them?", "pains"),
        ("2. Gains", "gains"),
        ("Pain points", "pains"),
        ("Sieht", "sees"),
        ("Sagt & Tut", "says_does"),
        ("Hört", "hears"),
        ("Denkt & Fühlt", "thinks_feels"),
        ("Schmerzen", "pains"),
        ("Gewinne", "gains"),
        ("Was sieht der Kunde?", "sees"),
        ("Parking lot", None),
        ("Pains and gains", None),  # names two segments: the user decides
        ("", None),
    ],
)
def test_area_titles_map_to_segments_in_english_and_german(title, segment):
    assert segment_for_title(title) == segment


# --- fixtures: Miro, Mural, German ------------------------------------------------------------


def test_miro_board_frames_become_segments_with_clean_text_votes_and_authors():
    preview = parse_board(board_bytes("miro_board.json"))

    assert preview.source == "miro"
    areas = by_title(preview)
    assert [area.segment for area in preview.areas] == [
        "sees",
        "says_does",
        "hears",
        "thinks_feels",
        "pains",
        "gains",
        None,
        None,
    ]
    pains = areas["Pains – what frustrates them?"]
    assert [(n.text, n.votes, n.author) for n in pains.notes] == [
        ("Too many tools", 5, "Sam"),
        ("Approval takes weeks & nobody owns it", 0, ""),
    ]
    assert areas["Sees"].notes[0].author == "Lena Kraus"  # createdBy.name
    assert areas["Says & Does"].notes[0].votes == 3  # tag "3 votes"
    assert areas["Thinks & Feels"].notes[0].text == "Worries about picking the wrong supplier"
    assert preview.note_count == 9
    assert preview.empty_notes == 1  # "<p></p>" is left out, not imported as a blank note


def test_miro_unknown_areas_and_notes_outside_any_frame_are_reported():
    preview = parse_board(board_bytes("miro_board.json"))

    unknown = {area.title: [note.text for note in area.notes] for area in preview.unknown_areas}
    assert unknown == {
        "Parking lot": ["Ask legal about framework contracts"],
        board_imports.OUTSIDE_TITLE: ["Who decides in the end?"],
    }


def test_mural_areas_take_notes_by_parent_id_and_by_geometry():
    preview = parse_board(board_bytes("mural_board.json"))

    assert preview.source == "mural"
    notes = {
        area.segment: [(n.text, n.votes, n.author) for n in area.notes] for area in preview.areas
    }
    assert notes == {
        "sees": [("Supplier portals that all look different", 4, "Lena Kraus")],
        "says_does": [('Says "we always compare three offers"', 0, "Omar")],  # by geometry
        "hears": [("Peers at the trade fair", 0, "")],  # whitespace collapsed
        "thinks_feels": [("Fear of blame when a delivery fails", 3, "")],  # htmlText, 3 voters
        "pains": [("Too many tools", 6, "")],
        "gains": [("Fewer surprises at month end", 0, "")],
        None: [("Try a shared supplier score", 0, "")],
    }
    assert [area.title for area in preview.unknown_areas] == ["Ideas for next round"]
    assert preview.empty_notes == 1


def test_german_miro_board_drawn_with_shapes():
    preview = parse_board(board_bytes("miro_board_de.json"))

    segments = {area.title: area.segment for area in preview.areas}
    assert segments == {
        "Sieht": "sees",
        "Sagt & Tut": "says_does",
        "Hört": "hears",
        "Denkt & Fühlt": "thinks_feels",
        "Schmerzen": "pains",
        "Gewinne": "gains",
        "Sonstiges": None,
    }
    areas = by_title(preview)
    assert areas["Hört"].notes[0].text == "Hört vom Chef: Budget ist eingefroren"  # &ouml;
    assert areas["Sagt & Tut"].notes[0].votes == 2  # tag "2 Stimmen"
    assert areas["Schmerzen"].notes[0].author == "Jürgen"


def test_a_titled_shape_inside_a_frame_wins_over_the_frame():
    data = miro(
        [
            {**frame("f1", "Workshop board"), "geometry": {"width": 4000, "height": 4000}},
            {
                "id": "s1",
                "type": "shape",
                "data": {"content": "<p>Pains</p>"},
                "parent": {"id": "f1"},
                "position": {"x": 500, "y": 500},
                "geometry": {"width": 400, "height": 400},
            },
            sticky("n1", "<p>Inside the shape</p>", position={"x": 450, "y": 520}),
            sticky("n2", "<p>Elsewhere in the frame</p>", position={"x": 2000, "y": 2000}),
        ]
    )
    areas = by_title(parse_board(data))
    assert [note.text for note in areas["Pains"].notes] == ["Inside the shape"]
    assert [note.text for note in areas["Workshop board"].notes] == ["Elsewhere in the frame"]


# --- mapping ----------------------------------------------------------------------------------


def test_mapping_fixes_unknown_areas_by_title_or_id_and_can_skip():
    preview = parse_board(board_bytes("miro_board.json"))

    assigned = board_imports.assign_segments(
        preview, {"Parking lot": "Pains", board_imports.OUTSIDE_ID: "skip"}
    )

    assert ("pains", "Ask legal about framework contracts") in [
        (segment, note.text) for segment, note in assigned
    ]
    assert "Who decides in the end?" not in [note.text for _, note in assigned]
    assert len(assigned) == preview.note_count - 1


def test_mapping_overrides_a_detected_segment():
    preview = parse_board(board_bytes("mural_board.json"))
    assigned = board_imports.assign_segments(
        preview, {"Pain": "gains", "Ideas for next round": "skip"}
    )
    assert ("gains", "Too many tools") in [(segment, note.text) for segment, note in assigned]


def test_unmapped_unknown_areas_are_named_in_the_error():
    preview = parse_board(board_bytes("miro_board.json"))

    with pytest.raises(BoardFileError) as raised:
        board_imports.assign_segments(preview, {"Parking lot": "gains"})

    assert len(raised.value.problems) == 1
    assert board_imports.OUTSIDE_TITLE in raised.value.problems[0]
    assert "has no segment" in raised.value.problems[0]


def test_mapping_to_an_unknown_segment_or_area_is_refused():
    preview = parse_board(board_bytes("miro_board.json"))

    with pytest.raises(BoardFileError) as raised:
        board_imports.assign_segments(
            preview, {"Parking lot": "wishes", "Nope": "pains", board_imports.OUTSIDE_ID: "skip"}
        )

    problems = " | ".join(raised.value.problems)
    assert "unknown segment 'wishes'" in problems
    assert "'Nope', which is no area of this board" in problems


def test_skipping_everything_is_refused():
    preview = parse_board(board_bytes("mural_board.json"))
    mapping = {area.id: "skip" for area in preview.areas}
    with pytest.raises(BoardFileError, match="every area is skipped"):
        board_imports.assign_segments(preview, mapping)


def test_preview_round_trips_through_plain_data_and_rejects_garbage():
    preview = parse_board(board_bytes("mural_board.json"))
    assert board_imports.BoardPreview.from_dict(preview.to_dict()) == preview

    broken = preview.to_dict()
    broken["areas"][0]["notes"][0]["text"] = "x" * (importers.MAX_NOTE_CHARS + 1)
    with pytest.raises(BoardFileError, match="upload the file again"):
        board_imports.BoardPreview.from_dict(broken)
    with pytest.raises(BoardFileError):
        board_imports.BoardPreview.from_dict({"areas": "nope"})


# --- malformed files and limits ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed_truncated.json", "not valid JSON: Expecting ',' delimiter at line 3"),
        ("malformed_shape.json", "got an object with the keys 'board', 'count'"),
        ("no_stickies.json", "no sticky notes found"),
    ],
)
def test_malformed_files_get_one_clear_error(name, message):
    with pytest.raises(BoardFileError) as raised:
        parse_board(board_bytes(name), filename=name)
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(f"{name}: ")
    assert message in raised.value.problems[0]


def test_every_bad_item_is_named():
    with pytest.raises(BoardFileError) as raised:
        parse_board(board_bytes("malformed_items.json"))
    assert raised.value.problems == [
        "item 2: expected an object, got a string",
        "item 3 (id '2'): data.content must be text, got a number",
        "item 4 (id '3'): votes must not be negative, got -2",
        "item 5 (id '4'): position.x must be a number, got a string",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        ("[]".encode("utf-16"), "UTF-16"),
        (b'{"data": [{"type": "sticky_note", "data": {"content": "caf\xe9"}}]}', "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'"just a string"', "got a string"),
    ],
)
def test_unreadable_files_are_refused_clearly(data, message):
    with pytest.raises(BoardFileError, match=message):
        parse_board(data)


def _padded_to(data: bytes, size: int) -> bytes:
    return data + b" " * (size - len(data))  # JSON allows trailing whitespace


def test_file_size_limit_is_two_megabytes_exactly():
    data = miro([frame("f1", "Pains"), sticky("n1", "<p>Hello</p>")])
    assert parse_board(_padded_to(data, board_imports.MAX_FILE_BYTES)).note_count == 1
    with pytest.raises(BoardFileError, match="at most 2 MB"):
        parse_board(_padded_to(data, board_imports.MAX_FILE_BYTES + 1))


def test_note_count_limit():
    items = [frame("f1", "Pains")]
    items += [sticky(f"n{i}", f"Note {i}") for i in range(board_imports.MAX_NOTES)]
    assert parse_board(miro(items)).note_count == board_imports.MAX_NOTES

    items.append(sticky("one-more", "One too many"))
    with pytest.raises(BoardFileError, match="5,001 sticky notes; a map holds at most 5,000"):
        parse_board(miro(items))


def test_note_length_limit_is_counted_after_cleaning():
    limit = board_imports.MAX_NOTE_CHARS
    fits = sticky("ok", f"<p><b>{'a' * limit}</b></p>")  # markup does not count
    too_long = sticky("long", "<p>" + "b" * (limit + 1) + "</p>")
    with pytest.raises(BoardFileError) as raised:
        parse_board(miro([frame("f1", "Pains"), fits, too_long]))
    assert raised.value.problems == [
        f"item 3 (id 'long'): text is {limit + 1} characters; at most {limit}"
    ]
    assert parse_board(miro([frame("f1", "Pains"), fits])).areas[0].notes[0].text == "a" * limit


# --- the web page: upload, preview, confirm ---------------------------------------------------


@pytest.fixture
def browser(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def _upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data if data is not None else board_bytes(name), "application/json"
    )


def _note_rows(empathy_map) -> list[tuple]:
    return list(empathy_map.notes.order_by("id").values_list("segment", "text", "votes", "author"))


def _detected_choices(response) -> dict[str, str]:
    """What the preview's selects hold before the user changes anything."""
    areas = response.context["preview"].areas
    return {f"area_{i}": area.segment or "" for i, area in enumerate(areas)}


def _preview_page(browser, empathy_map, name="miro_board.json", data=None):
    url = reverse("map-import-board", kwargs={"pk": empathy_map.pk})
    return url, browser.post(url, {"file": _upload(name, data)})


def test_upload_shows_the_preview_and_stores_nothing(browser, internal_map):
    before = _note_rows(internal_map)

    _, response = _preview_page(browser, internal_map)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the mapping" in html
    assert "9 notes" in html
    assert "Parking lot" in html
    assert board_imports.OUTSIDE_TITLE in html
    assert "2 areas matched no segment" in html
    assert "Too many tools" in html  # a sample of each area
    assert 'name="area_6"' in html  # one select per area
    assert '<option value="pains" selected>' in html  # detected segment preselected
    assert _note_rows(internal_map) == before


def test_confirm_with_the_mapping_fixed_imports_every_note(browser, internal_map):
    url, response = _preview_page(browser, internal_map)
    token = browser.session[BOARD_SESSION_KEY]["token"]
    before = len(_note_rows(internal_map))
    choices = _detected_choices(response)

    response = browser.post(url, {"token": token, **choices, "area_6": "pains", "area_7": "skip"})

    assert response.status_code == 302
    rows = _note_rows(internal_map)
    assert len(rows) == before + 8  # nine notes, the one outside any frame skipped
    assert ("pains", "Ask legal about framework contracts", 0, "") in rows
    assert ("pains", "Too many tools", 5, "Sam") in rows
    assert ("sees", "Competitors' price lists in every trade magazine", 0, "Lena Kraus") in rows
    assert BOARD_SESSION_KEY not in browser.session


def test_confirm_with_an_unknown_area_left_open_stores_nothing(browser, internal_map):
    url, response = _preview_page(browser, internal_map)
    token = browser.session[BOARD_SESSION_KEY]["token"]
    before = _note_rows(internal_map)
    choices = _detected_choices(response)

    response = browser.post(url, {"token": token, **choices})

    assert response.status_code == 400
    assert "Choose a segment for these notes, or skip them." in response.content.decode()
    assert _note_rows(internal_map) == before


def test_confirm_with_a_stale_token_stores_nothing(browser, internal_map):
    url, _ = _preview_page(browser, internal_map)
    before = _note_rows(internal_map)

    response = browser.post(url, {"token": "not-the-token", "area_0": "sees"}, follow=True)

    assert "no longer available" in response.content.decode()
    assert _note_rows(internal_map) == before


def test_a_preview_of_another_map_cannot_be_confirmed_here(browser, persona, internal_map):
    other = services.map_create(
        user=internal_map.persona.workspace.memberships.get(role="owner").user,
        persona=persona,
        perspective="customer",
        title="Other",
    )
    _preview_page(browser, other)
    token = browser.session[BOARD_SESSION_KEY]["token"]
    url = reverse("map-import-board", kwargs={"pk": internal_map.pk})

    browser.post(url, {"token": token, "area_0": "sees"})

    assert other.notes.count() == 0
    assert internal_map.notes.count() == 2


def test_note_texts_come_from_the_server_side_preview_not_the_form(browser, internal_map):
    url, response = _preview_page(browser, internal_map, "mural_board.json")
    token = browser.session[BOARD_SESSION_KEY]["token"]
    choices = _detected_choices(response)

    browser.post(url, {"token": token, **choices, "area_6": "gains", "text": "Injected note"})

    texts = [row[1] for row in _note_rows(internal_map)]
    assert "Injected note" not in texts
    assert "Try a shared supplier score" in texts


def test_malformed_upload_lists_the_problems_and_stores_nothing(browser, internal_map):
    before = _note_rows(internal_map)

    _, response = _preview_page(browser, internal_map, "malformed_items.json")

    assert response.status_code == 400
    html = response.content.decode()
    assert "4 problems found; nothing was imported" in html
    assert "data.content must be text, got a number" in html
    assert _note_rows(internal_map) == before
    assert BOARD_SESSION_KEY not in browser.session


def test_oversized_upload_is_refused_before_parsing(browser, internal_map):
    data = b" " * (board_imports.MAX_FILE_BYTES + 1)
    _, response = _preview_page(browser, internal_map, "big.json", data)
    assert response.status_code == 400
    assert "at most 2 MB" in response.content.decode()


def test_preview_escapes_note_text(browser, internal_map):
    data = miro(
        [frame("f1", "Pains"), sticky("n1", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")]
    )
    _, response = _preview_page(browser, internal_map, "x.json", data)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_viewers_cannot_import_boards(viewer, internal_map):
    client = Client()
    client.force_login(viewer)
    url = reverse("map-import-board", kwargs={"pk": internal_map.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": _upload("miro_board.json")}).status_code == 403


def test_import_is_all_or_nothing_at_the_map_limit(browser, internal_map, monkeypatch):
    monkeypatch.setattr(note_services, "MAX_NOTES_PER_MAP", 5)
    monkeypatch.setattr(import_services, "MAX_NOTES_PER_MAP", 5)
    url, response = _preview_page(browser, internal_map, "mural_board.json")
    token = browser.session[BOARD_SESSION_KEY]["token"]
    choices = _detected_choices(response)

    response = browser.post(url, {"token": token, **choices, "area_6": "gains"})

    assert response.status_code == 400
    assert "at most 5 notes" in response.content.decode()
    assert internal_map.notes.count() == 2


# --- the API ----------------------------------------------------------------------------------


def _api_url(empathy_map, query: str = "") -> str:
    return f"/api/maps/{empathy_map.pk}/import-board/{query}"


def test_api_dry_run_returns_the_preview_and_stores_nothing(api, editor, internal_map):
    response = api(editor).post(
        _api_url(internal_map, "?dry_run=1"),
        {"file": _upload("miro_board.json")},
        format="multipart",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "miro"
    assert body["note_count"] == 9
    assert body["ready"] is False
    assert body["unknown_areas"] == ["Parking lot", board_imports.OUTSIDE_TITLE]
    pains = next(area for area in body["areas"] if area["detected_segment"] == "pains")
    assert pains["notes"][0] == {
        "text": "Too many tools",
        "votes": 5,
        "author": "Sam",
        "source_id": "3458764601000000105",
        "colour": "",
    }
    assert internal_map.notes.count() == 2


def test_api_dry_run_with_a_mapping_is_ready(api, editor, internal_map):
    mapping = json.dumps({"Parking lot": "pains", board_imports.OUTSIDE_TITLE: "skip"})
    response = api(editor).post(
        _api_url(internal_map, "?dry_run=true"),
        {"file": _upload("miro_board.json"), "mapping": mapping},
        format="multipart",
    )
    body = response.json()
    assert body["ready"] is True
    assert body["problems"] == []
    assert body["importing"] == 8
    assert internal_map.notes.count() == 2


def test_api_import_with_mapping_creates_the_notes(api, editor, internal_map):
    mapping = json.dumps({"Sonstiges": "gains"})
    response = api(editor).post(
        _api_url(internal_map),
        {"file": _upload("miro_board_de.json"), "mapping": mapping},
        format="multipart",
    )

    assert response.status_code == 201
    assert response.json() == {
        "imported": 7,
        "added": 7,
        "updated": 0,
        "skipped": 0,
        "source": "miro",
        "format": "miro_v2",
        "left_out": [],
    }
    texts = {(note.segment, note.text) for note in internal_map.notes.all()}
    assert ("gains", "Rahmenverträge prüfen") in texts
    assert ("hears", "Hört vom Chef: Budget ist eingefroren") in texts


def test_api_import_with_unmapped_areas_names_them_and_stores_nothing(api, editor, internal_map):
    response = api(editor).post(
        _api_url(internal_map), {"file": _upload("mural_board.json")}, format="multipart"
    )
    assert response.status_code == 400
    assert "'Ideas for next round'" in response.json()["mapping"][0]
    assert internal_map.notes.count() == 2


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("{not json", "mapping is not valid JSON"),
        ('["pains"]', "mapping must be a JSON object"),
        ('{"Ideas for next round": 3}', "mapping must be a JSON object"),
    ],
)
def test_api_refuses_a_malformed_mapping(api, editor, internal_map, mapping, message):
    response = api(editor).post(
        _api_url(internal_map),
        {"file": _upload("mural_board.json"), "mapping": mapping},
        format="multipart",
    )
    assert response.status_code == 400
    assert message in response.json()["mapping"][0]
    assert internal_map.notes.count() == 2


@pytest.mark.parametrize(
    "name", ["malformed_truncated.json", "malformed_items.json", "malformed_shape.json"]
)
def test_api_malformed_boards_answer_400_and_store_nothing(api, editor, internal_map, name):
    response = api(editor).post(_api_url(internal_map), {"file": _upload(name)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The board was not imported; nothing was stored."
    assert body["errors"]
    assert internal_map.notes.count() == 2


def test_api_oversized_board_is_refused(api, editor, internal_map):
    data = b" " * (board_imports.MAX_FILE_BYTES + 1)
    response = api(editor).post(
        _api_url(internal_map), {"file": _upload("big.json", data)}, format="multipart"
    )
    assert response.status_code == 400
    assert "at most 2 MB" in response.json()["errors"][0]


def test_api_board_import_needs_an_editor_of_the_workspace(api, viewer, outsider, internal_map):
    upload = {"file": _upload("miro_board.json")}
    assert api(viewer).post(_api_url(internal_map), upload, format="multipart").status_code == 403
    upload = {"file": _upload("miro_board.json")}
    assert api(outsider).post(_api_url(internal_map), upload, format="multipart").status_code == 404
    assert internal_map.notes.count() == 2


def test_stored_notes_count_against_no_other_map(api, editor, internal_map, customer_map):
    api(editor).post(
        _api_url(customer_map),
        {"file": _upload("mural_board.json"), "mapping": '{"Ideas for next round": "skip"}'},
        format="multipart",
    )
    assert customer_map.notes.count() == 1 + 6
    assert internal_map.notes.count() == 2
    assert Note.objects.count() == 2 + 1 + 6
