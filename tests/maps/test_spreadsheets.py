"""Spreadsheets as people save them: German Excel's Windows-1252 CSV with its `sep=` line,
UTF-16 "Unicode text", XLSX workbooks (sheets, damaged and oversized ones, zip bombs),
header names in English and German, extra columns; the import template; the pages and
the API saying how a file was read."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from maps import services
from maps.io.limits import (
    MAX_FILE_BYTES,
    MAX_NOTES_PER_MAP,
    MAX_XLSX_PARTS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
)
from maps.io.map_files import MapFileError, read_map_file, template_csv, template_xlsx
from maps.io.map_files.csv_layout import _header_name
from maps.views.imports import FILE_SESSION_KEY


def notes_of(read) -> list[tuple]:
    return [(n.segment, n.text, n.votes, n.author) for n in read.notes]


def reasons_of(data: bytes, **kwargs) -> list[str]:
    with pytest.raises(MapFileError) as caught:
        read_map_file(data, **kwargs)
    return [error.reason for error in caught.value.errors]


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- text encodings and Excel's CSV dialects ---------------------------------------------------

GERMAN_EXCEL = (
    "sep=;\r\n"
    "Bereich;Notiz;Stimmen;Autor\r\n"
    "Schmerzen;Zu viele Tools für 5 € im Monat;3;Jürgen Groß\r\n"
    "Sagt & Tut;„Wir vergleichen immer drei Angebote“;;Änne\r\n"
)


def test_german_excel_csv_windows_1252_with_sep_line():
    read = read_map_file(GERMAN_EXCEL.encode("cp1252"), filename="Notizen.csv")

    assert notes_of(read) == [
        ("pains", "Zu viele Tools für 5 € im Monat", 3, "Jürgen Groß"),
        ("says_does", "„Wir vergleichen immer drei Angebote“", 0, "Änne"),
    ]
    assert (read.layout, read.encoding) == ("CSV", "Windows-1252")
    # the sep= line is no row: the first note is row 1 under the header
    assert [note.row for note in read.notes] == [1, 2]


def test_latin1_is_named_when_windows_1252_cannot_be_meant():
    # 0x81 is undefined in Windows-1252; Latin-1 reads it (a control character).
    read = read_map_file(b"segment;text\nsees;Gr\xfc\xdfe \x81\n")
    assert read.encoding == "Latin-1"
    assert read.notes[0].text.startswith("Grüße")


@pytest.mark.parametrize(
    ("prefix", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"), (b"", "utf-16-le")],
)
def test_excel_unicode_text_is_utf16_tab_separated(prefix, codec):
    text = "Segment\tText\tDot votes\nDenkt & Fühlt\tÄrger über Überstunden\t2\n"
    read = read_map_file(prefix + text.encode(codec), filename="notes.txt")
    assert notes_of(read) == [("thinks_feels", "Ärger über Überstunden", 2, "")]
    assert read.encoding == "UTF-16"


def test_utf8_with_bom_and_sep_line_with_quotes():
    data = codecs.BOM_UTF8 + '"sep=,"\nsegment,text\nsees,Grüße\n'.encode()
    read = read_map_file(data)
    assert notes_of(read) == [("sees", "Grüße", 0, "")]
    assert read.notices == ()


def test_title_rows_above_the_header_are_skipped_and_said():
    data = b"Workshop 12 May: customers;;\n\nSegment;Text;Votes\nsees;x, y;1\npains;y;3,0\n"
    read = read_map_file(data)
    assert notes_of(read) == [("sees", "x, y", 1, ""), ("pains", "y", 3, "")]
    assert read.notices == ("row above the header skipped ('Workshop 12 May: customers')",)
    # a row of several cells above the header is data, not a title: its row is named
    with pytest.raises(MapFileError) as caught:
        read_map_file(b"a,b\nsegment,text\nsees,x\n")
    assert [(error.row, error.column) for error in caught.value.errors][0] == (1, "segment")


def test_a_sep_line_alone_is_no_notes():
    assert reasons_of(b"sep=;\n") == ["no notes found"]


# --- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Quadrant,Sticky note,Dot votes,Name",
        "Segment,Text,Votes,Author",
        "segment_name,note-text,DOT-VOTES,written by",
        "Bereich,Notiz,Stimmen,Autor",
        "Kategorie,Inhalt,Punkte,Verfasser",
        "Area,Post-it,Likes,Participant",
    ],
)
def test_header_synonyms_in_english_and_german(header):
    read = read_map_file(f"{header}\nPains,Too many tools,3,Sam\n".encode())
    assert notes_of(read) == [("pains", "Too many tools", 3, "Sam")]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Number of votes", "votes"),
        ("Sticky note text (English)", "text"),
        ("Segment (quadrant)", "segment"),
        ("Author name", "author"),
        ("Created by", "author"),
        ("Note ID", "id"),
        ("Votes per note", None),  # names two columns: neither is guessed
        ("Priority", None),
    ],
)
def test_longer_header_names_are_read_by_their_words(header, column):
    assert _header_name(header, loose=True) == column


def test_segment_cells_may_be_the_boards_questions():
    data = "Quadrant,Sticky note\nWhat do they SAY?,x\nWas denkt und fühlt sie?,y\n".encode()
    assert [n.segment for n in read_map_file(data).notes] == ["says_does", "thinks_feels"]
    (reason,) = reasons_of(b"segment,text\nPains & Gains,z\n")
    assert reason.startswith("segment 'Pains & Gains' could mean Pains or Gains; accepted:")


def test_header_in_any_order_with_extra_columns_ignored_and_said():
    data = b"Date,Name,Sticky note,Priority,Quadrant\n2026-11-20,Sam,Too many tools,high,Pains\n"
    read = read_map_file(data)
    assert notes_of(read) == [("pains", "Too many tools", 0, "Sam")]
    assert read.notices == (
        "columns 'Date', 'Priority' ignored: not a note field (segment, text, votes, author, id)",
    )


def test_a_header_without_a_text_column_names_the_accepted_names():
    (reason,) = reasons_of(b"Quadrant,Comment\nPains,x\n")
    assert reason.startswith("the header has no text column (accepted names: text, note,")
    assert "sticky note" in reason


def test_rows_still_fail_all_or_nothing_with_their_row_numbers():
    data = b"Quadrant,Sticky note,Dot votes\nPains,ok,1\nFeelz,x,2\nGains,,three\n"
    with pytest.raises(MapFileError) as caught:
        read_map_file(data)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "segment"),
        (3, "text"),
        (3, "votes"),
    ]


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_first_sheet_with_german_header_numbers_and_extra_column():
    data = workbook(
        (
            "Workshop",
            [
                ["Bereich", "Notiz", "Stimmen", "Autor", "Kommentar"],
                ["Schmerzen", "Zu viele Tools", 3, "Jürgen", "wichtig"],
                [None, None, None, None, None],
                ["Gewinne", 42, 2.0, None, None],
            ],
        ),
        ("Other", [["segment", "text"], ["sees", "not read"]]),
    )
    read = read_map_file(data, filename="Workshop.xlsx")

    assert notes_of(read) == [("pains", "Zu viele Tools", 3, "Jürgen"), ("gains", "42", 2, "")]
    assert [note.row for note in read.notes] == [1, 3]  # the blank row is counted, as in Excel
    assert (read.layout, read.sheet, read.encoding) == ("XLSX", "Workshop", "")
    assert read.notices == (
        "column 'Kommentar' ignored: not a note field (segment, text, votes, author, id)",
        "read the first sheet, 'Workshop'; the workbook has 2 sheets (choose another by its name)",
    )


def test_xlsx_chosen_sheet_and_a_missing_one():
    data = workbook(("A", [["segment", "text"], ["sees", "a"]]), ("B", [["sees", "b"]]))
    assert notes_of(read_map_file(data, sheet="B")) == [("sees", "b", 0, "")]
    assert reasons_of(data, sheet="C") == ["the workbook has no sheet 'C'; its sheets: 'A', 'B'"]


def test_xlsx_row_errors_name_the_excel_row():
    data = workbook(("Notes", [["segment", "text", "votes"], ["sees", "ok", 1], ["x", "", -1]]))
    with pytest.raises(MapFileError) as caught:
        read_map_file(data)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "segment"),
        (2, "text"),
        (2, "votes"),
    ]


def test_xlsx_reads_the_first_fifty_columns():
    # A stray cell far to the right would otherwise make the row too wide.
    data = workbook(("Notes", [["segment", "text"], ["sees", "z", *[None] * 52, "stray"]]))
    assert notes_of(read_map_file(data)) == [("sees", "z", 0, "")]


def test_xlsx_with_too_many_parts():
    parts = {f"xl/media/image{i}.png": b"x" for i in range(MAX_XLSX_PARTS + 1)}
    (reason,) = reasons_of(_zip(parts))
    assert reason == f"the workbook has {MAX_XLSX_PARTS + 1:,} parts; at most 1,000 are read"


def test_xlsx_with_too_many_notes():
    rows = [["segment", "text"]] + [["sees", f"note {i}"] for i in range(MAX_NOTES_PER_MAP + 1)]
    (reason,) = reasons_of(workbook(("Notes", rows)))
    assert reason == f"the file has {MAX_NOTES_PER_MAP + 1:,} notes; a map holds at most 5,000"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "its zip archive is damaged"),
        (workbook(("Notes", [["sees", "x"]]))[:-200], "zip archive is damaged"),
    ],
)
def test_damaged_workbooks_get_one_clear_error(data, message):
    (reason,) = reasons_of(data)
    assert message in reason


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_that_is_no_workbook_is_named():
    (reason,) = reasons_of(_zip({"hello.txt": b"hi"}))
    assert "cannot be read: it is damaged or not an Excel workbook (XLSX)" in reason


def test_a_workbook_with_a_broken_sheet_is_refused_clearly():
    good = workbook(("Notes", [["segment", "text"], ["sees", "x"]]))
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c"
    reasons = reasons_of(_zip(parts))
    assert len(reasons) == 1
    assert "damaged" in reasons[0]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    # ~26 MB of zeros compress to ~26 KB: the declared size is checked, nothing unpacked.
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * (MAX_XLSX_UNCOMPRESSED_BYTES + 1)})
    assert len(bomb) < 100_000
    (reason,) = reasons_of(bomb)
    assert reason.startswith(f"the workbook unpacks to {MAX_XLSX_UNCOMPRESSED_BYTES + 1:,} bytes")


def test_old_xls_and_ods_are_refused_with_what_to_do():
    (reason,) = reasons_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, filename="a.xls")
    assert reason == (
        "this is an old Excel workbook (XLS), which is not read; save it as an Excel "
        "workbook (XLSX) or as 'CSV UTF-8'"
    )
    (reason,) = reasons_of(_zip({"mimetype": b"x"}), filename="a.ods")
    assert "OpenDocument spreadsheets (ODS) are not read" in reason


def test_a_board_sent_to_the_file_import_gets_a_hint():
    data = b'{"data": [{"id": "1", "type": "sticky_note", "data": {"content": "x"}}]}'
    (reason,) = reasons_of(data, filename="board.json")
    assert reason.startswith("this is a Miro or Mural board export, not a map file")


# --- the template -----------------------------------------------------------------------------


@pytest.mark.parametrize("build", [template_csv, template_xlsx])
def test_the_template_imports_as_it_is(build):
    read = read_map_file(build())
    assert [note.segment for note in read.notes] == [
        "sees",
        "says_does",
        "hears",
        "thinks_feels",
        "pains",
        "gains",
    ]
    assert read.notices == ()


@pytest.fixture
def browser(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.mark.parametrize(("suffix", "start"), [("csv", codecs.BOM_UTF8), ("xlsx", b"PK\x03\x04")])
def test_template_downloads(browser, suffix, start):
    response = browser.get(f"/import-template.{suffix}")
    assert response.status_code == 200
    assert response.content.startswith(start)
    assert response["Content-Disposition"] == f'attachment; filename="gapmap-template.{suffix}"'


def test_the_import_page_links_the_templates(browser, internal_map):
    page = browser.get(f"/maps/{internal_map.pk}/import/").content.decode()
    assert 'href="/import-template.xlsx"' in page
    assert 'href="/import-template.csv"' in page


# --- pages, API, service ----------------------------------------------------------------------


def test_web_import_says_how_the_file_was_read(browser, internal_map):
    upload = SimpleUploadedFile("Notizen.csv", GERMAN_EXCEL.encode("cp1252"))
    response = browser.post(f"/maps/{internal_map.pk}/import/", {"file": upload}, follow=True)

    page = response.content.decode()
    assert "Imported 2 notes from Notizen.csv (CSV, Windows-1252)." in page
    assert "read as Windows-1252 (the file is not UTF-8); check the umlauts" in page
    assert internal_map.notes.filter(text="Zu viele Tools für 5 € im Monat").exists()


def test_web_preview_shows_how_the_file_was_read_then_imports_it(browser, internal_map):
    url = f"/maps/{internal_map.pk}/import/"
    upload = SimpleUploadedFile("Notizen.csv", GERMAN_EXCEL.encode("cp1252"))
    before = internal_map.notes.count()

    response = browser.post(url, {"file": upload, "preview": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="file-how-read">CSV, Windows-1252</strong>' in page
    assert "read as Windows-1252 (the file is not UTF-8); check the umlauts" in page
    assert "Zu viele Tools für 5 € im Monat" in page
    assert internal_map.notes.count() == before  # nothing stored yet

    token = browser.session[FILE_SESSION_KEY]["token"]
    response = browser.post(url, {"token": token}, follow=True)
    assert "Imported 2 notes from Notizen.csv (CSV, Windows-1252)." in response.content.decode()
    assert internal_map.notes.count() == before + 2
    assert FILE_SESSION_KEY not in browser.session


def test_web_preview_token_must_match_and_belong_to_this_map(browser, internal_map, customer_map):
    upload = SimpleUploadedFile("n.csv", b"segment,text\nsees,x\n")
    browser.post(f"/maps/{internal_map.pk}/import/", {"file": upload, "preview": "1"})
    token = browser.session[FILE_SESSION_KEY]["token"]
    before = (internal_map.notes.count(), customer_map.notes.count())

    wrong = browser.post(f"/maps/{internal_map.pk}/import/", {"token": "nope"}, follow=True)
    other = browser.post(f"/maps/{customer_map.pk}/import/", {"token": token}, follow=True)

    for response in (wrong, other):
        assert "That preview is no longer available" in response.content.decode()
    assert (internal_map.notes.count(), customer_map.notes.count()) == before


def test_web_preview_of_a_bad_file_lists_its_rows(browser, internal_map):
    upload = SimpleUploadedFile("n.csv", b"segment,text\nnowhere,x\n")
    response = browser.post(f"/maps/{internal_map.pk}/import/", {"file": upload, "preview": "1"})
    assert response.status_code == 400
    assert "unknown segment &#x27;nowhere&#x27;" in response.content.decode()
    assert FILE_SESSION_KEY not in browser.session


def test_api_dry_run_says_how_the_file_was_read_and_stores_nothing(api, editor, internal_map):
    before = internal_map.notes.count()
    upload = SimpleUploadedFile("n.csv", GERMAN_EXCEL.encode("cp1252"))
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import/?dry_run=1", {"file": upload}, format="multipart"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["layout"], body["encoding"], body["note_count"]) == ("CSV", "Windows-1252", 2)
    assert body["per_segment"]["pains"] == 1
    assert body["notes"][0]["author"] == "Jürgen Groß"
    assert internal_map.notes.count() == before


def test_web_import_of_a_chosen_sheet(browser, internal_map):
    data = workbook(("A", [["sees", "a"]]), ("Kunden", [["Bereich", "Notiz"], ["Hört", "b"]]))
    upload = SimpleUploadedFile("w.xlsx", data)
    response = browser.post(
        f"/maps/{internal_map.pk}/import/", {"file": upload, "sheet": "Kunden"}, follow=True
    )
    assert "Imported 1 note from w.xlsx (Excel workbook, sheet “Kunden”)." in (
        response.content.decode()
    )
    assert internal_map.notes.filter(segment="hears", text="b").exists()


def test_api_import_answers_with_layout_encoding_and_notices(api, editor, internal_map):
    upload = SimpleUploadedFile(
        "n.csv", b"Quadrant;Sticky note;Dot votes;Name;Prio\nPains;x;2;Sam;1\n"
    )
    response = api(editor).post(
        f"/api/maps/{internal_map.pk}/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json() == {
        "imported": 1,
        "layout": "CSV",
        "encoding": "UTF-8",
        "sheet": "",
        "notices": ["column 'Prio' ignored: not a note field (segment, text, votes, author, id)"],
    }


def test_an_oversized_workbook_is_refused_by_its_size():
    data = workbook(("Notes", [["segment", "text"], ["sees", "x"]]))
    (reason,) = reasons_of(data + b"\0" * MAX_FILE_BYTES)
    assert reason.startswith(f"the file is {len(data) + MAX_FILE_BYTES:,} bytes; at most 2 MB")


def test_a_zip_bomb_through_the_service_stores_nothing(editor, internal_map):
    before = list(internal_map.notes.values_list("id", "text"))
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * (MAX_XLSX_UNCOMPRESSED_BYTES + 1)})
    with pytest.raises(services.ImportRejected) as caught:
        services.map_import_file(user=editor, empathy_map=internal_map, data=bomb, replace=True)
    assert caught.value.rows[0].reason.startswith("the workbook unpacks to")
    assert list(internal_map.notes.values_list("id", "text")) == before


def test_a_bad_workbook_stores_nothing(editor, internal_map):
    before = list(internal_map.notes.values_list("id", "text"))
    data = workbook(("Notes", [["segment", "text"], ["sees", "fine"], ["nowhere", "bad"]]))
    with pytest.raises(services.ImportRejected) as caught:
        services.map_import_file(user=editor, empathy_map=internal_map, data=data, replace=True)
    assert [(row.row, row.column) for row in caught.value.rows] == [(2, "segment")]
    assert list(internal_map.notes.values_list("id", "text")) == before


# --- no input raises anything but MapFileError ------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(
        [b"", b"PK\x03\x04", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"sep=;\n", b"\xd0\xcf\x11\xe0"]
    ),
    body=st.binary(max_size=300),
    filename=st.sampled_from(["", "a.csv", "a.xlsx", "a.json", "a.ods", "a.xls"]),
)
def test_any_bytes_end_in_notes_or_a_map_file_error(prefix, body, filename):
    try:
        found = len(read_map_file(prefix + body, filename=filename).notes)
    except MapFileError as error:
        found = len(error.errors)
    assert found


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(
            st.none() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
            max_size=6,
        ),
        max_size=6,
    )
)
def test_any_worksheet_ends_in_notes_or_a_map_file_error(rows):
    cleaned = [
        [cell.replace("\x00", "") if isinstance(cell, str) else cell for cell in row]
        for row in rows
    ]
    try:
        data = workbook(("Notes", cleaned))
    except IllegalCharacterError:
        return  # openpyxl refuses to write control characters; not an input to test
    try:
        found = len(read_map_file(data).notes)
    except MapFileError as error:
        found = len(error.errors)
    assert found
