"""Board exports as the tools write them: Miro REST v2 pages, Miro v1 widgets, the
miro-export tool, Mural's API; real files from ../shared/data/boards (skipped where
absent) and small fixtures built from the vendors' documented formats (tests/data/boards);
the title vocabulary in English and German; re-imports; the hints for the wrong importer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maps import services
from maps.io.boards import BoardFileError, match_title, parse_board, segment_for_title
from maps.io.boards.formats import MAX_PAGES
from maps.views.board_imports import BOARD_SESSION_KEY

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "boards"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "boards"


NAME_V2 = "miro_v2_pages.json"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def shared(name: str) -> bytes:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path.read_bytes()


def notes_by_area(preview) -> dict[str, list[tuple]]:
    return {
        area.title: [(n.text, n.votes, n.author, n.colour, n.source_id) for n in area.notes]
        for area in preview.areas
    }


def problems_of(data: bytes, filename: str = "") -> list[str]:
    with pytest.raises(BoardFileError) as caught:
        parse_board(data, filename=filename)
    return caught.value.problems


# --- real files -------------------------------------------------------------------------------


def test_real_miro_v1_export_imports_its_15_stickers_with_text():
    preview = parse_board(shared("cardographer_miro-example.json"))

    assert preview.format == "miro_v1"
    assert preview.note_count == 15
    assert preview.empty_notes == 1
    reasons = [reason for _, reason in preview.left_out]
    assert reasons.count("an empty sticky note") == 1
    assert reasons.count("an image: only sticky notes are imported") == 123
    texts = [note.text for area in preview.areas for note in area.notes]
    assert "autonomous cars" in texts
    assert all(note.colour in ("#f5d128", "#fff9b1") for a in preview.areas for note in a.notes)
    assert all(note.source_id for area in preview.areas for note in area.notes)


def test_real_template_with_only_empty_stickers_says_so():
    (problem,) = problems_of(shared("cardographer_Miro_31_2021-12-13T10-32-11Z.json"))
    assert "has 33 sticky notes and all are empty" in problem


def test_real_board_of_images_says_there_is_nothing_to_import():
    (problem,) = problems_of(shared("cardographer_miro-policy-example.json"))
    assert "no sticky notes: its 198 images cannot be imported as notes" in problem


def test_real_miro_export_sticky_reads_its_top_level_content():
    preview = parse_board(shared("jolle_miro-export_readme_sticky.json"))
    assert preview.format == "miro_sdk"
    (area,) = preview.areas
    assert [(n.text, n.colour, n.source_id) for n in area.notes] == [
        ("Test content", "cyan", "3458764564249021457")
    ]


# --- documented formats -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["miro_v2_pages.json", "miro_v2_pages_concatenated.json"])
def test_miro_v2_pages_as_a_list_or_one_after_another(name):
    preview = parse_board(fixture(name))

    assert preview.format == "miro_v2"
    assert notes_by_area(preview) == {
        "What do they SEE?": [
            ("Three brochures on the desk", 0, "", "light_yellow", "3458764600000000101")
        ],
        "What does she think and feel?": [
            ("Worries about the wrong supplier", 0, "", "light_pink", "3458764600000000102")
        ],
        "Pains & Gains": [("Approval takes weeks", 0, "", "red", "3458764600000000103")],
    }
    assert [area.segment for area in preview.areas] == ["sees", "thinks_feels", None]
    assert preview.areas[2].candidates == ("pains", "gains")
    assert [reason for _, reason in preview.left_out] == [
        "an empty sticky note",
        "an image: only sticky notes are imported",
    ]


def test_miro_authors_given_by_id_are_named_by_a_members_list():
    pages = json.loads(fixture("miro_v2_pages.json"))
    members = [{"id": "3458764500000000001", "name": "Lena Kraus", "type": "board_member"}]
    preview = parse_board(json.dumps([*pages, {"data": [], "members": members}]).encode())
    assert {n.author for area in preview.areas for n in area.notes} == {"Lena Kraus"}
    # without the list, an id is no name
    assert {n.author for a in parse_board(fixture(NAME_V2)).areas for n in a.notes} == {""}


def test_one_saved_page_is_refused_rather_than_imported_as_the_board():
    (problem,) = problems_of(fixture("miro_v2_first_page.json"))
    assert "only part of the board (5 of 8 items)" in problem
    assert "following the cursor" in problem
    (problem,) = problems_of(fixture("mural_widgets_first_page.json"))
    assert "only part of the board" in problem


def test_pages_in_any_order_are_the_whole_board_when_one_is_the_last():
    first, second = json.loads(fixture("miro_v2_pages.json"))
    assert parse_board(json.dumps([second, first]).encode()).note_count == 3


def test_a_page_with_a_cursor_that_holds_the_total_is_the_whole_board():
    first, second = json.loads(fixture("miro_v2_pages.json"))
    whole = {**first, "data": first["data"] + second["data"], "size": 8}
    assert parse_board(json.dumps(whole).encode()).note_count == 3


def test_pages_short_of_the_total_are_refused():
    pages = json.loads(fixture("miro_v2_pages.json"))
    (problem,) = problems_of(json.dumps([pages[1]]).encode())
    assert "holds 3 of the board's 8 items" in problem


def test_a_page_saved_twice_counts_its_items_once():
    pages = json.loads(fixture("miro_v2_pages.json"))
    preview = parse_board(json.dumps([pages[0], pages[0] | {"cursor": ""}, pages[1]]).encode())
    assert preview.note_count == 3


def test_page_count_limit():
    page = {"data": [], "links": {}}
    data = (json.dumps(page) + "\n").encode() * (MAX_PAGES + 1)
    (problem,) = problems_of(data)
    assert f"more than {MAX_PAGES:,} pages" in problem


def test_miro_v1_widgets_frames_by_children_votes_from_tags_colours():
    preview = parse_board(fixture("miro_v1_widgets.json"))

    assert preview.format == "miro_v1"
    assert notes_by_area(preview) == {
        "Sagt": [
            ("„Wir vergleichen immer drei Angebote“", 3, "", "#fff9b1", "3074457360000000101")
        ],
        "Wünsche & Ziele": [
            ("Weniger Überraschungen am Monatsende", 0, "", "#d5f692", "3074457360000000103")
        ],
    }
    assert [area.segment for area in preview.areas] == ["says_does", "gains"]


def test_miro_export_tool_output_with_frames_and_tag_items():
    preview = parse_board(fixture("miro_export_sdk.json"))

    assert preview.format == "miro_sdk"
    assert notes_by_area(preview) == {
        "Saying & Doing": [("Asks for a discount every time", 4, "", "cyan", "3458764564249021457")]
    }
    assert preview.left_out == (
        ("item 4 (id '3458764564249030000')", "a text box, not a sticky note"),
    )


def test_miro_export_sticky_without_parent_field_belongs_to_the_frame_listing_it():
    items = json.loads(fixture("miro_export_sdk.json"))
    del items[1]["parentId"]
    preview = parse_board(json.dumps(items).encode())
    assert [(area.title, area.segment, len(area.notes)) for area in preview.areas] == [
        ("Saying & Doing", "says_does", 1)
    ]


def test_mural_html_only_text_visitor_alias_tag_votes_and_plain_text_kept():
    preview = parse_board(fixture("mural_widgets_api.json"))

    assert preview.format == "mural"
    assert notes_by_area(preview) == {
        "Was denkt und fühlt sie?": [
            (
                "Fürchtet, den falschen Lieferanten zu wählen",
                3,
                "Lena Kraus",
                "#FCFE7DFF",
                "0-1700000000101",
            )
        ],
        # Plain text is not markup: "<Enter>" stays.
        "Ängste": [
            ("Use <Enter> to submit – confusing", 0, "Happy Otter", "#FF9A9AFF", "0-1700000000102")
        ],
    }
    assert [area.segment for area in preview.areas] == ["thinks_feels", "pains"]
    assert [reason for _, reason in preview.left_out] == [
        "an empty sticky note",
        "an image: only sticky notes are imported",
    ]


def test_unknown_shapes_name_the_accepted_formats():
    (problem,) = problems_of(b'{"board": {"name": "x"}}')
    assert "expected a Miro or Mural board export" in problem
    assert "got an object with the keys 'board'" in problem


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"segment,text\nsees,x\n", "notes.csv", "this is a CSV file, not a board export"),
        (b"PK\x03\x04rest", "notes.xlsx", "this is an Excel workbook (XLSX)"),
        (b'[{"segment": "sees", "text": "x"}]', "notes.json", "this is a Gapmap map file"),
        (b'{"notes": [{"segment": "sees", "text": "x"}]}', "", "this is a Gapmap map file"),
    ],
)
def test_files_for_the_other_importer_get_a_hint(data, filename, message):
    (problem,) = problems_of(data, filename)
    assert message in problem
    assert "use “Import” (Excel, CSV or JSON) on the map instead" in problem


# --- titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "segment"),
    [
        # XPLANE's canvas (Gray 2017)
        ("What do they SEE?", "sees"),
        ("What do they SAY?", "says_does"),
        ("What do they DO?", "says_does"),
        ("What do they HEAR?", "hears"),
        ("What do they THINK and FEEL?", "thinks_feels"),
        ("PAINS", "pains"),
        ("GAINS", "gains"),
        ("What do they SAY? What have we heard them say?", "says_does"),
        # persona templates; "does" here is only the question's auxiliary
        ("What does she think and feel?", "thinks_feels"),
        ("What does she see?", "sees"),
        ("What does she hear?", "hears"),
        ("What does he say and do?", "says_does"),
        # 4-quadrant maps, gerunds
        ("Says", "says_does"),
        ("Does", "says_does"),
        ("Thinks", "thinks_feels"),
        ("Feels", "thinks_feels"),
        ("Saying", "says_does"),
        ("Doing", "says_does"),
        ("Thinking", "thinks_feels"),
        ("Feeling", "thinks_feels"),
        ("Seeing", "sees"),
        ("Hearing", "hears"),
        ("Saying & Doing", "says_does"),
        ("Thinking and feeling", "thinks_feels"),
        # synonyms
        ("Fears & frustrations", "pains"),
        ("Pain points", "pains"),
        ("Wants and needs", "gains"),
        ("Goals", "gains"),
        # German
        ("Was sagt und tut der Kunde?", "says_does"),
        ("Was denkt und fühlt sie?", "thinks_feels"),
        ("Was sieht er?", "sees"),
        ("Was hört sie?", "hears"),
        ("Sagt", "says_does"),
        ("Tut", "says_does"),
        ("Denkt", "thinks_feels"),
        ("Fühlt", "thinks_feels"),
        ("Wünsche & Ziele", "gains"),
        ("Ängste", "pains"),
        ("Probleme", "pains"),
        ("Was macht ihm Sorgen?", "pains"),
        ("Frustrationen", "pains"),
        ("Bedürfnisse", "gains"),
        # Gapmap's own segment questions
        ("What does the customer see? (environment, offers, competitors)", "sees"),
        ("What does the customer say and do? (behaviour, attitude)", "says_does"),
        ("What does the customer hear? (family, colleagues, media)", "hears"),
        ("What really counts, what occupies them, what they ponder at night", "thinks_feels"),
        ("Fears, frustrations, obstacles", "pains"),
        ("What success looks like, what they want to achieve", "gains"),
        ("2. Gains", "gains"),
        # a headline and its explanation: the headline decides
        ("Hears – what do friends and colleagues say?", "hears"),
        ("Sees - what does the customer see around them", "sees"),
        ("Gains (what they hope for)", "gains"),
        ("Schmerzpunkte", "pains"),
        ("What are they afraid of?", "pains"),
    ],
)
def test_titles_name_their_segment(title, segment):
    assert segment_for_title(title) == segment


@pytest.mark.parametrize(
    ("title", "candidates"),
    [
        ("Pains and gains", ("pains", "gains")),
        ("Pains & Gains", ("pains", "gains")),
        ("Sagt & Hört", ("says_does", "hears")),
        ("What do they see and hear?", ("sees", "hears")),
        ("Ängste und Wünsche", ("pains", "gains")),
        ("Pains – Gains", ("pains", "gains")),  # a second name is no explanation
        ("Pains? Gains?", ("pains", "gains")),
        ("What do they think about what they hear?", ("hears", "thinks_feels")),
    ],
)
def test_titles_naming_two_segments_are_ambiguous_never_guessed(title, candidates):
    match = match_title(title)
    assert match.segment is None
    assert match.ambiguous
    assert match.candidates == candidates


@pytest.mark.parametrize("title", ["Parking lot", "Who are we empathizing with?", "", "Sonstiges"])
def test_titles_naming_no_segment_are_unknown(title):
    match = match_title(title)
    assert (match.segment, match.ambiguous) == (None, False)


# --- web and API ------------------------------------------------------------------------------


@pytest.fixture
def browser(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def _upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else fixture(name))


def test_preview_asks_about_the_ambiguous_title_and_lists_what_is_left_out(browser, internal_map):
    url = f"/maps/{internal_map.pk}/import-board/"
    response = browser.post(url, {"file": _upload("miro_v2_pages.json")})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Miro REST API v2 items" in page
    assert "could be Pains or Gains" in page
    assert 'id="board-ambiguous"' in page
    assert "an image: only sticky notes are imported" in page
    assert "item 8 (id &#x27;3458764600000000105&#x27;)" in page


def test_api_answers_400_naming_the_ambiguous_title(api, editor, internal_map):
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import-board/",
        {"file": _upload("miro_v2_pages.json")},
        format="multipart",
    )

    assert response.status_code == 400
    body = response.json()
    (problem,) = body["mapping"]
    assert problem.startswith("area 'Pains & Gains' (1 note) has a title that could mean Pains")
    assert body["detail"] == (
        'Nothing was imported: map these areas to a segment or "skip" in `mapping`: '
        "'Pains & Gains'."
    )
    assert body["unmapped_areas"] == [
        {
            "id": "3458764600000000003",
            "title": "Pains & Gains",
            "note_count": 1,
            "could_be": ["pains", "gains"],
        }
    ]
    assert internal_map.notes.count() == 2


def test_api_dry_run_lists_ambiguous_areas_and_left_out_items(api, editor, internal_map):
    body = (
        api(editor)
        .post(
            f"/api/maps/{internal_map.pk}/import-board/?dry_run=1",
            {"file": _upload("mural_widgets_api.json")},
            format="multipart",
        )
        .json()
    )
    assert body["format"] == "mural"
    assert body["ready"] is True
    assert body["left_out"] == [
        {"item": "item 5 (id '0-1700000000103')", "reason": "an empty sticky note"},
        {
            "item": "item 6 (id '0-1700000000104')",
            "reason": "an image: only sticky notes are imported",
        },
    ]


def _import(user, empathy_map, name: str, data: bytes | None = None, **kwargs):
    preview = parse_board(data if data is not None else fixture(name))
    return services.map_import_board(
        user=user,
        empathy_map=empathy_map,
        preview=preview,
        mapping={"Pains & Gains": "pains"},
        **kwargs,
    )


def test_reimporting_a_board_updates_its_notes_instead_of_duplicating(editor, internal_map):
    before = internal_map.notes.count()
    first = _import(editor, internal_map, "miro_v2_pages.json")
    second = _import(editor, internal_map, "miro_v2_pages.json")

    assert (first.added, first.updated) == (3, 0)
    assert (second.added, second.updated) == (0, 3)
    assert internal_map.notes.count() == before + 3

    # an edited sticky updates its note; a new one is added
    pages = json.loads(fixture("miro_v2_pages.json"))
    pages[0]["data"][4]["data"]["content"] = "<p>Worries about the wrong supplier, a lot</p>"
    third = _import(editor, internal_map, "", json.dumps(pages).encode())
    assert (third.added, third.updated) == (0, 3)
    note = internal_map.notes.get(source_id="3458764600000000102")
    assert (note.text, note.segment, note.colour) == (
        "Worries about the wrong supplier, a lot",
        "thinks_feels",
        "light_pink",
    )


def test_replace_swaps_the_maps_notes_for_the_boards(editor, internal_map):
    result = _import(editor, internal_map, "miro_v2_pages.json", replace=True)
    assert result.added == 3
    assert sorted(internal_map.notes.values_list("segment", flat=True)) == [
        "pains",
        "sees",
        "thinks_feels",
    ]


def test_web_confirm_with_replace_and_the_answer_names_what_was_left_out(browser, internal_map):
    url = f"/maps/{internal_map.pk}/import-board/"
    browser.post(url, {"file": _upload("mural_widgets_api.json")})
    token = browser.session[BOARD_SESSION_KEY]["token"]

    response = browser.post(
        url,
        {"token": token, "area_0": "thinks_feels", "area_1": "pains", "replace": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert "Imported 2 new notes from mural_widgets_api.json." in page
    assert "Not imported: 1 × an empty sticky note; 1 × an image" in page
    authors = set(internal_map.notes.values_list("author", flat=True))
    assert authors == {"Lena Kraus", "Happy Otter"}


# --- no input raises anything but the importer's own error ------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "data",
                    "value",
                    "widgets",
                    "type",
                    "id",
                    "text",
                    "htmlText",
                    "content",
                    "title",
                    "parentId",
                    "parent",
                    "childrenIds",
                    "cursor",
                    "next",
                    "total",
                    "tags",
                    "tagIds",
                    "createdBy",
                    "x",
                    "y",
                    "width",
                    "height",
                    "style",
                    "bounds",
                    "votes",
                    "links",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)
_types = st.sampled_from(
    [
        "sticky_note",
        "frame",
        "shape",
        "tag",
        "STICKER",
        "FRAME",
        "SHAPE",
        "sticky note",
        "area",
        "image",
        "text",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(
        st.fixed_dictionaries({"type": _types}, optional={"id": _json_values}).flatmap(
            lambda base: _json_values.map(
                lambda extra: {**(extra if isinstance(extra, dict) else {}), **base}
            )
        ),
        max_size=8,
    ),
    wrapper=st.sampled_from(["data", "value", "widgets", "list", "pages"]),
)
def test_any_board_shaped_input_ends_in_a_preview_or_a_board_error(items, wrapper):
    if wrapper == "list":
        document: object = items
    elif wrapper == "pages":
        document = [{"data": items[:3]}, {"data": items[3:]}]
    else:
        document = {wrapper: items}
    try:
        parse_board(json.dumps(document).encode())
    except BoardFileError as error:
        problems = error.problems
    else:
        problems = ["(a preview)"]
    assert problems
