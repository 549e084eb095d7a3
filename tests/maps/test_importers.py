"""The map-file parser and exporters: pure functions, no database.

Covers every error class with its row and column, the limits at N and N+1
(size, row and note-length limits), normalisation, formula neutralisation and the
export -> import round trip for both formats.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import pickle
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maps.io.limits import MAX_FILE_BYTES, MAX_NOTE_CHARS, MAX_NOTES_PER_MAP
from maps.io.map_files import (
    MapFileError,
    ParsedNote,
    RowError,
    export_csv,
    export_json,
    parse_map_file,
    read_map_file,
)
from maps.io.note_values import normalize_note_text, validate_note_text
from maps.io.spreadsheet import neutralize_spreadsheet_cell
from maps.segments import SEGMENT_KEYS

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")


def errors_of(data: bytes | str, **kwargs) -> list[RowError]:
    """Parse and return the errors; fails the test when the file is accepted."""
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(MapFileError) as caught:
        parse_map_file(raw, **kwargs)
    assert caught.value.errors, "a MapFileError must carry at least one error"
    return caught.value.errors


def only_error(data: bytes | str, **kwargs) -> RowError:
    errors = errors_of(data, **kwargs)
    assert len(errors) == 1, errors
    return errors[0]


def parse(data: bytes | str, **kwargs) -> list[ParsedNote]:
    return parse_map_file(data.encode() if isinstance(data, str) else data, **kwargs)


def outcome(data: bytes, **kwargs) -> list[ParsedNote] | MapFileError:
    """The parser's answer; any exception other than MapFileError fails the test."""
    try:
        return parse_map_file(data, **kwargs)
    except MapFileError as error:
        return error


def assert_notes_or_errors(result: list[ParsedNote] | MapFileError) -> None:
    if isinstance(result, MapFileError):
        assert result.errors
        assert all(isinstance(row, RowError) for row in result.errors)
    else:
        assert result
        assert all(isinstance(note, ParsedNote) for note in result)


def json_bytes(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


@dataclass(frozen=True)
class FakeNote:
    """What a Note model instance looks like to the exporters (id is an int there)."""

    id: int | str | None
    segment: str
    text: str
    votes: int = 0
    author: str = ""


# --- text normalisation and validation ---------------------------------------------------


def test_normalize_note_text_trims_and_composes_to_nfc():
    assert normalize_note_text("  Cafe\u0301 \n") == "Café"
    assert normalize_note_text("\u00a0\tx\u3000") == "x"


def test_validate_note_text_accepts_500_characters_and_refuses_501():
    assert validate_note_text("x" * MAX_NOTE_CHARS) is None
    assert validate_note_text("x" * (MAX_NOTE_CHARS + 1)) == "text is 501 characters; at most 500"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "text is empty"),
        ("   ", "text is empty"),
        ("a\x00b", "text contains a NUL character (\\x00)"),
        ("a\ud800", "text contains an invalid character U+D800 (a lone surrogate)"),
    ],
)
def test_validate_note_text_reasons(text, expected):
    assert validate_note_text(text) == expected


# --- file-level limits and encoding ------------------------------------------------------


def _csv_of_exact_size(size: int) -> bytes:
    """A valid CSV of exactly `size` bytes: ~4,600 long notes, padded with blank lines."""
    line = b"pains," + b"x" * 450 + b"\n"
    body = line * ((size - 100) // len(line))
    return body + b"\n" * (size - len(body))


def test_file_of_exactly_the_size_limit_is_accepted():
    data = _csv_of_exact_size(MAX_FILE_BYTES)
    assert len(data) == MAX_FILE_BYTES
    notes = parse_map_file(data)
    assert len(notes) == (MAX_FILE_BYTES - 100) // 457


def test_file_one_byte_over_the_size_limit_is_refused_before_reading():
    data = _csv_of_exact_size(MAX_FILE_BYTES + 1)
    error = only_error(data)
    assert (error.row, error.column) == (None, None)
    assert "2 MB" in error.reason
    assert "2,097,153" in error.reason
    # The size is checked first: oversized garbage gets the same single error.
    assert only_error(b"\xff" * (MAX_FILE_BYTES + 1)).reason == error.reason


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_note_count_at_the_limit_is_accepted_and_one_more_refused(fmt):
    def file_with(count: int) -> bytes:
        notes = [FakeNote(id=None, segment="gains", text=f"note {n}") for n in range(count)]
        return (export_csv(notes) if fmt == "csv" else export_json(notes)).encode()

    assert len(parse_map_file(file_with(MAX_NOTES_PER_MAP))) == MAX_NOTES_PER_MAP
    error = only_error(file_with(MAX_NOTES_PER_MAP + 1))
    assert (error.row, error.column) == (None, None)
    assert error.reason == "the file has 5,001 notes; a map holds at most 5,000"


def test_max_notes_argument_counts_blank_lines_out():
    data = "sees,a\n\nsees,b\nsees,c\n"
    assert len(parse(data, max_notes=3)) == 3
    assert only_error(data, max_notes=2).reason == "the file has 3 notes; a map holds at most 2"


def test_max_notes_counts_notes_across_json_segments():
    document = {"segments": {"sees": ["a", "b"], "pains": ["c"]}}
    assert len(parse(json_bytes(document), max_notes=3)) == 3
    assert "the file has 3 notes" in only_error(json_bytes(document), max_notes=2).reason


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_note_of_500_characters_is_accepted_and_501_refused(fmt):
    def file_with(text: str) -> bytes:
        if fmt == "csv":
            return f"sees,ok\npains,{text}\n".encode()
        return json_bytes([{"segment": "sees", "text": "ok"}, {"segment": "pains", "text": text}])

    assert parse_map_file(file_with("é" * 500))[1].text == "é" * 500
    error = only_error(file_with("é" * 501))
    assert (error.row, error.column) == (2, "text")
    assert error.reason == "text is 501 characters; at most 500"


def test_length_is_counted_after_trimming_and_nfc():
    # 500 composed characters spelled as 1,000 code points plus padding are still 500.
    assert parse(" sees , " + "e\u0301" * 500 + "  ")[0].text == "é" * 500


@pytest.mark.parametrize(
    "data",
    [b"", b"   \r\n\t\n", "\ufeff".encode(), b"[]", b'{"notes": []}', b'{"segments": {}}'],
)
def test_empty_files_have_no_notes(data):
    error = only_error(data)
    assert (error.row, error.column) == (None, None)
    assert error.reason.startswith("no notes found")


def test_csv_with_only_blank_rows_or_only_a_header_has_no_notes():
    assert only_error(";;;\n;;;\n").reason == "no notes found"
    assert "header row but no notes" in only_error("segment,text\n\n").reason


def test_utf8_bom_is_accepted_for_csv_and_json():
    bom = codecs.BOM_UTF8
    assert parse(bom + "segment,text\nsees,ä\n".encode())[0].text == "ä"
    assert parse(bom + b'  \n[{"segment": "sees", "text": "x"}]')[0].segment == "sees"


def test_latin1_and_windows1252_files_are_read_and_the_guess_is_said():
    read = read_map_file("segment,text\nsees,café für 5 €\n".encode("cp1252"))
    assert read.notes[0].text == "café für 5 €"
    assert read.encoding == "Windows-1252"
    assert any("Windows-1252" in notice for notice in read.notices)


def test_a_bom_is_not_part_of_the_first_cell():
    read = read_map_file(codecs.BOM_UTF8 + "sees,Grüße\n".encode())
    assert (read.notes[0].segment, read.notes[0].text, read.encoding) == ("sees", "Grüße", "UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_are_read(encoding):
    read = read_map_file("segment\ttext\nsees\tÄrger über x\n".encode(encoding))
    assert read.notes[0].text == "Ärger über x"
    assert read.encoding == "UTF-16"


def test_nul_in_text_is_a_row_error():
    error = only_error("sees,fine\npains,bad\x00note\n")
    assert (error.row, error.column, error.reason) == (
        2,
        "text",
        "text contains a NUL character (\\x00)",
    )


def test_lone_surrogate_from_a_json_escape_is_a_row_error():
    error = only_error(b'[{"segment": "sees", "text": "a\\ud800b"}]')
    assert (error.row, error.column) == (1, "text")
    assert "lone surrogate" in error.reason


# --- format detection --------------------------------------------------------------------


def test_json_is_detected_by_filename_even_when_the_content_is_not_json():
    error = only_error(b"sees,x\n", filename="board.JSON")
    assert error.reason.startswith("the file is not valid JSON")


@pytest.mark.parametrize("prefix", [b"", b"\n  ", codecs.BOM_UTF8 + b"\t"])
def test_json_is_detected_by_content(prefix):
    notes = parse(prefix + b'[{"segment": "sees", "text": "x"}]', filename="upload.csv")
    assert notes == [ParsedNote(row=1, segment="sees", text="x")]


def test_other_content_is_read_as_csv():
    assert parse(b"sees,x", filename="notes.txt")[0].text == "x"


# --- CSV layout --------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_three_delimiters_with_a_header(delimiter):
    lines = [
        ["segment", "text", "votes", "author", "id"],
        ["sees", "Price lists", "2", "Ann", "n1"],
        ["pains", "Slow", "", "", ""],
    ]
    data = "\n".join(delimiter.join(line) for line in lines)
    assert parse(data) == [
        ParsedNote(row=1, segment="sees", text="Price lists", votes=2, author="Ann", id="n1"),
        ParsedNote(row=2, segment="pains", text="Slow"),
    ]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("sees,Preis; zu hoch\npains;x,y", None),  # first row decides by its segment cell
        ("sees;Price, too high\npains;Slow, late", "Price, too high"),
        ("sees\tPrice, too; high\t2\npains\tSlow", "Price, too; high"),
        ("sees,Price; high\tnow\npains,x", "Price; high\tnow"),
    ],
)
def test_delimiter_is_detected_when_notes_contain_the_other_delimiters(data, text):
    if text is None:
        # The rows disagree; most rows vote for comma, so row 2 has one cell.
        error = only_error(data)
        assert (error.row, error.column) == (2, "segment")
        return
    assert parse(data)[0].text == text


def test_delimiter_outvotes_one_bad_first_row():
    data = "Feelz;Price, high\nsees;a, b\npains;c\n"
    errors = errors_of(data)
    assert [(error.row, error.column) for error in errors] == [(1, "segment")]
    assert "'Feelz'" in errors[0].reason


def test_german_spreadsheet_export_fixture():
    """Excel (de): UTF-8 BOM, CRLF, semicolons, German header, a multi-line quoted cell."""
    notes = parse_map_file((DATA / "workshop_de.csv").read_bytes(), filename="workshop_de.csv")
    assert [(note.row, note.segment, note.votes, note.author, note.id) for note in notes] == [
        (1, "sees", 3, "Anna", "n-1"),
        (2, "says_does", 2, "Ben", "n-2"),
        # row 3 is the blank ";;;;" line: skipped but counted, as a spreadsheet shows it
        (4, "hears", 0, "", None),
        (5, "thinks_feels", 1, "Cem", None),
        (6, "pains", 5, "", None),
        (7, "gains", 0, "Anna", None),
    ]
    assert notes[1].text == 'Sagt: "zu teuer"; vergleicht\r\nAngebote'
    assert notes[3].text == "=Kosten im Griff?"  # the spreadsheet's ' guard is removed


def test_header_columns_in_any_order_and_any_case():
    data = "ID,Votes,TEXT,Author,Segment\n7,1,Hello,Bo,gains\n"
    assert parse(data) == [
        ParsedNote(row=1, segment="gains", text="Hello", votes=1, author="Bo", id="7")
    ]


@pytest.mark.parametrize(
    "header",
    ["Segment;Text", "segment;note", "Segment;Notiz;Stimmen;Autor;ID", "segment;text;Punkte"],
)
def test_english_and_german_header_names(header):
    values = ["sees", "x", "1", "Al", "9"][: header.count(";") + 1]
    assert parse(header + "\n" + ";".join(values))[0].segment == "sees"


def test_without_header_columns_are_positional():
    assert parse("pains,Hidden fees,4,Jo,x-1\nsees,Ads\n") == [
        ParsedNote(row=1, segment="pains", text="Hidden fees", votes=4, author="Jo", id="x-1"),
        ParsedNote(row=2, segment="sees", text="Ads"),
    ]


def test_a_note_whose_text_is_a_column_name_is_not_a_header():
    assert parse("sees,Text\npains,ID\n")[0] == ParsedNote(row=1, segment="sees", text="Text")
    # an unknown segment followed by one column-like word is a bad note, not a header
    error = only_error("Feelz;Notiz\nsees;x\n")
    assert (error.row, error.column) == (1, "segment")


def test_a_header_with_one_known_name_first_is_still_a_header():
    reasons = [error.reason for error in errors_of("Segment;Beschreibung\nsees;x\n")]
    assert reasons == [
        "the header has no text column (accepted names: text, note, notes, note text, "
        "sticky, sticky note, sticky notes, stickies, post it, post its, idea, content, "
        "statement, insight, notiz, notizen, haftnotiz, klebezettel, inhalt, aussage, idee, "
        "karte, text der notiz)"
    ]


def test_unknown_header_columns_are_ignored_with_a_notice():
    read = read_map_file(b"segment,text,colour,Prio\nsees,x,red,1\n")
    assert [(note.segment, note.text) for note in read.notes] == [("sees", "x")]
    assert read.notices == (
        "columns 'colour', 'Prio' ignored: not a note field (segment, text, votes, author, id)",
    )


def test_header_problems_are_all_reported():
    reasons = [error.reason for error in errors_of("Segment;Beschreibung;;Note;Notiz\nsees;x\n")]
    assert reasons == ["the header names the text column twice ('Note' and 'Notiz')"]


def test_header_without_the_text_column():
    error = only_error("segment,votes\nsees,1\n")
    assert error.reason.startswith("the header has no text column (accepted names: text, note")


def test_quoted_fields_with_newlines_delimiters_and_quotes():
    data = 'sees,"line one\nline two, with ""quotes""; and\ttabs"\npains,"x"\nFeelz,y\n'
    with pytest.raises(MapFileError) as caught:
        parse(data)
    # the multi-line cell is one spreadsheet row, so the bad row is row 3
    assert [(error.row, error.column) for error in caught.value.errors] == [(3, "segment")]
    assert parse(data.replace("Feelz", "gains"))[0].text == (
        'line one\nline two, with "quotes"; and\ttabs'
    )


def test_blank_lines_are_skipped_but_counted_like_spreadsheet_rows():
    data = "segment,text\r\n\r\nsees,ok\r\n   \r\n,,\r\npains,\r\n"
    error = only_error(data)
    assert (error.row, error.column, error.reason) == (5, "text", "text is missing")


def test_leading_blank_lines_before_the_header():
    error = only_error("\n\nsegment,text\nsees,\n")
    assert error.row == 3  # spreadsheet row 4 minus the header


def test_too_many_columns_without_header():
    errors = errors_of("sees,a,1,b,c,surplus\n")
    assert [(error.row, error.column, error.reason) for error in errors] == [
        (1, None, "the row has 6 columns; at most 5 (segment, text, votes, author, id)")
    ]


def test_too_many_columns_with_header():
    error = only_error("segment;text\nsees;a;b\n")
    assert (error.row, error.column, error.reason) == (
        1,
        None,
        "the row has 3 columns; the header names 2",
    )


def test_trailing_empty_cells_are_not_extra_columns():
    assert parse("segment,text\nsees,a,,,,,,\n")[0].text == "a"


def test_missing_text_cell():
    error = only_error("sees\n")
    assert (error.row, error.column, error.reason) == (1, "text", "text is missing")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            'sees,ok\npains,"never closed\ngains,x\n',
            'a quoted cell is never closed (a closing " is missing)',
        ),
        (
            'sees,ok\npains,"quoted" then text\ngains,x\n',
            'a quoted cell has text after its closing "; quote the whole cell',
        ),
    ],
)
def test_broken_quoting_is_a_row_error(data, reason):
    errors = errors_of(data)
    assert (errors[0].row, errors[0].column, errors[0].reason) == (2, None, reason)


def test_a_cell_over_the_csv_field_limit_is_a_row_error_and_reading_goes_on():
    data = 'sees,"' + "x" * 200_000 + '"\nFeelz,y\n'
    errors = errors_of(data)
    assert [(error.row, error.column) for error in errors] == [(1, None), (2, "segment")]
    assert "far too long" in errors[0].reason


def test_spaces_after_the_delimiter_are_ignored():
    assert parse('sees, "quoted, text", 3\n')[0] == ParsedNote(
        row=1, segment="sees", text="quoted, text", votes=3
    )


# --- segments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("see", "sees"),
        ("SEES", "sees"),
        ("Says & Does", "says_does"),
        ("Says and Does", "says_does"),
        ("say & do", "says_does"),
        ("says_does", "says_does"),
        ("Hears", "hears"),
        ("think_and_feel", "thinks_feels"),
        ("Thinks & Feels", "thinks_feels"),
        ("pain", "pains"),
        ("gain", "gains"),
        ("Sieht", "sees"),
        ("Sagt & Tut", "says_does"),
        ("Hört", "hears"),
        ("Denkt & Fühlt", "thinks_feels"),
        ("Schmerzen", "pains"),
        ("Gewinne", "gains"),
    ],
)
def test_segment_aliases_in_csv_and_json(alias, key):
    assert parse(f'"{alias}",note\n')[0].segment == key
    assert parse(json_bytes([{"segment": alias, "text": "note"}]))[0].segment == key
    assert parse(json_bytes({"segments": {alias: ["note"]}}))[0].segment == key


def test_unknown_segment_names_the_row_and_the_accepted_keys():
    error = only_error("sees,a\nFeelz,b\n")
    assert (error.row, error.column) == (2, "segment")
    assert error.reason == (
        "unknown segment 'Feelz'; accepted: sees, says_does, hears, thinks_feels, pains, gains "
        "(and aliases such as 'Says & Does', 'Sieht')"
    )
    assert all(key in error.reason for key in SEGMENT_KEYS)


def test_empty_segment():
    error = only_error(",a note\n")
    assert (error.row, error.column) == (1, "segment")
    assert error.reason.startswith("segment is empty; accepted: sees")


def test_a_huge_unknown_segment_is_shortened_in_the_message():
    error = only_error(f"{'x' * 10_000},a note\n")
    assert len(error.reason) < 200


# --- votes, author, id -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "votes"),
    [
        ("", 0),
        ("0", 0),
        ("3", 3),
        (" 3 ", 3),
        ("+4", 4),
        ("007", 7),
        ("2.0", 2),
        ("1000000", 10**6),
    ],
)
def test_votes_from_csv(cell, votes):
    assert parse(f"sees,x,{cell}\n")[0].votes == votes


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("-1", "votes must not be negative, got -1"),
        ("2.5", "votes must be a whole number, got '2.5'"),
        ("2,5", None),  # a German decimal comma must be quoted; see the quoted case below
        ('"2,5"', "votes must be a whole number, got '2,5'"),
        ("many", "votes must be a whole number of 0 or more, got 'many'"),
        ("1000001", "votes must be at most 1,000,000"),
        ("9" * 5_000, "votes must be at most 1,000,000"),
        ("-" + "9" * 5_000, "votes must not be negative"),
    ],
)
def test_bad_votes_from_csv(cell, reason):
    if reason is None:
        # unquoted "2,5" splits into votes "2" and author "5": valid, and that is CSV
        assert parse(f"sees,x,{cell}\n")[0].votes == 2
        return
    error = only_error(f"sees,x,{cell}\n")
    assert (error.row, error.column, error.reason) == (1, "votes", reason)


@pytest.mark.parametrize(
    ("value", "votes"), [(None, 0), (0, 0), (3, 3), ("3", 3), (3.0, 3), (10**6, 10**6)]
)
def test_votes_from_json(value, votes):
    assert parse(json_bytes([{"segment": "sees", "text": "x", "votes": value}]))[0].votes == votes


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (True, "votes must be a whole number, got true"),
        (False, "votes must be a whole number, got false"),
        (2.5, "votes must be a whole number, got 2.5"),
        (-1, "votes must not be negative, got -1"),
        (-(10**30), "votes must not be negative"),
        (10**6 + 1, "votes must be at most 1,000,000"),
        (10**300, "votes must be at most 1,000,000"),
        ("-2", "votes must not be negative, got -2"),
        ([1], "votes must be a whole number, got a list"),
        ({"n": 1}, "votes must be a whole number, got an object"),
    ],
)
def test_bad_votes_from_json(value, reason):
    error = only_error(json_bytes([{"segment": "sees", "text": "x", "votes": value}]))
    assert (error.row, error.column, error.reason) == (1, "votes", reason)


def test_nan_and_infinite_votes_are_refused():
    for literal in ("NaN", "Infinity", "-Infinity", "1e400"):
        data = b'[{"segment": "sees", "text": "x", "votes": ' + literal.encode() + b"}]"
        assert only_error(data).column == "votes"


def test_author_is_stripped_and_limited_to_100_characters():
    assert parse("sees,x,,  Ann  \n")[0].author == "Ann"
    assert parse(f"sees,x,,{'a' * 100}\n")[0].author == "a" * 100
    error = only_error(f"sees,x,,{'a' * 101}\n")
    assert (error.row, error.column, error.reason) == (
        1,
        "author",
        "author is 101 characters; at most 100",
    )


@pytest.mark.parametrize(
    ("value", "column", "reason"),
    [
        (42, "author", "author must be a string, got a number"),
        ("a\x00", "author", "author contains a NUL character (\\x00)"),
    ],
)
def test_bad_author_from_json(value, column, reason):
    error = only_error(json_bytes([{"segment": "sees", "text": "x", "author": value}]))
    assert (error.row, error.column, error.reason) == (1, column, reason)


@pytest.mark.parametrize(("value", "note_id"), [(None, None), ("", None), (" a1 ", "a1"), (7, "7")])
def test_ids_from_json(value, note_id):
    assert parse(json_bytes([{"segment": "sees", "text": "x", "id": value}]))[0].id == note_id


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (True, "id must be a string or a whole number, got true"),
        (1.5, "id must be a string or a whole number, got a number"),
        (["a"], "id must be a string or a whole number, got a list"),
        ("x" * 101, "id is 101 characters; at most 100"),
        (10**200, "id is longer than 100 characters"),
    ],
)
def test_bad_ids_from_json(value, reason):
    error = only_error(json_bytes([{"segment": "sees", "text": "x", "id": value}]))
    assert (error.row, error.column, error.reason) == (1, "id", reason)


def test_empty_id_cell_is_none_and_duplicate_ids_are_refused():
    assert parse("sees,x,,,\n")[0].id is None
    error = only_error("sees,a,,,n1\npains,b,,,n2\ngains,c,,, n1\n")
    assert (error.row, error.column, error.reason) == (3, "id", "id 'n1' is already used by row 1")


def test_every_problem_of_every_row_is_reported():
    data = "segment,text,votes,author\nFeelz,ok,1,\nsees,,x,\npains,fine,1,\ngains,ok,-3,\n"
    assert [(error.row, error.column) for error in errors_of(data)] == [
        (1, "segment"),
        (2, "text"),
        (2, "votes"),
        (4, "votes"),
    ]


# --- JSON shapes -------------------------------------------------------------------------


def test_json_list_of_notes():
    document = [
        {"segment": "sees", "text": " Ads ", "votes": 2, "author": "Al", "id": 5},
        {"segment": "pains", "text": "Fees", "colour": "red"},  # unknown keys are ignored
    ]
    assert parse(json_bytes(document)) == [
        ParsedNote(row=1, segment="sees", text="Ads", votes=2, author="Al", id="5"),
        ParsedNote(row=2, segment="pains", text="Fees"),
    ]


def test_json_notes_object_ignores_the_map_meta():
    document = {
        "map": {"name": "Q3", "anything": [1, 2]},
        "notes": [{"segment": "hears", "text": "x"}],
    }
    assert parse(json_bytes(document)) == [ParsedNote(row=1, segment="hears", text="x")]


def test_json_segments_object_fixture():
    notes = parse_map_file((DATA / "board_segments.json").read_bytes())
    assert [(note.row, note.segment, note.text, note.votes) for note in notes] == [
        (1, "sees", "Competitor offers everywhere", 0),
        (2, "sees", "Price lists", 2),
        (3, "says_does", "Compares three quotes", 0),
        (4, "hears", "Boss wants savings", 0),
        (5, "pains", "Slow delivery", 0),
        (6, "pains", "Hidden fees", 4),
        (7, "gains", "Less paperwork", 0),
    ]
    assert notes[1].author == "Jane"
    assert notes[3].id == "miro-17"


def test_json_segments_errors_are_numbered_in_segment_order():
    document = {"segments": {"sees": ["a", ""], "Feelz": ["b"], "pains": [3, {"text": 4}]}}
    errors = errors_of(json_bytes(document))
    assert [(error.row, error.column) for error in errors] == [
        (2, "text"),
        (3, "segment"),
        (4, None),
        (5, "text"),
    ]
    assert errors[2].reason == "expected a note text or an object with text, got a number"
    assert errors[3].reason == "text must be a string, got a number"


def test_json_segments_value_that_is_not_a_list():
    error = only_error(json_bytes({"segments": {"sees": "one note", "pains": ["x"]}}))
    assert (error.row, error.column) == (None, "segment")
    assert error.reason == "the notes of segment 'sees' must be a list, got a string"


def test_json_segments_note_that_names_another_segment():
    document = {
        "segments": {"sees": [{"text": "x", "segment": "pains"}, {"text": "y", "segment": "see"}]}
    }
    error = only_error(json_bytes(document))
    assert (error.row, error.column) == (1, "segment")
    assert error.reason == "the note is listed under 'sees' but names segment 'pains'"


def test_invalid_json_gives_line_and_column():
    error = only_error(b'{\n  "notes": [\n    {"segment": "sees",, }\n  ]\n}')
    assert (error.row, error.column) == (None, None)
    assert error.reason == (
        "the file is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 3, column 24"
    )


_SHAPES = 'expected a list of notes, {"notes": [...]} or {"segments": {"sees": [...], ...}}'


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'"text"', f"{_SHAPES}; got a string"),
        (b'{"rows": []}', f"{_SHAPES}; got an object"),
        (b'{"notes": {"segment": "sees"}}', '"notes" must be a list, got an object'),
        (b'{"segments": ["sees"]}', '"segments" must be an object, got a list'),
        (b'{"notes": [], "segments": {}}', 'use either "notes" or "segments", not both'),
        (b"[" * 100_000, "the JSON is nested too deeply to read"),
        (b"[" + b"1" * 5_000 + b"]", "the file is not valid JSON: a number is far too long"),
    ],
)
def test_json_file_level_errors(data, reason):
    assert only_error(data, filename="x.json") == RowError(None, None, reason)


@pytest.mark.parametrize(
    ("item", "column", "reason"),
    [
        ("just text", None, "expected an object with segment and text, got a string"),
        ({"text": "x"}, "segment", None),
        ({"segment": "sees"}, "text", "text is missing"),
        ({"segment": "sees", "text": None}, "text", "text is missing"),
        ({"segment": 1, "text": "x"}, "segment", "segment must be a string, got a number"),
        ({"segment": "sees", "text": ["x"]}, "text", "text must be a string, got a list"),
    ],
)
def test_json_row_errors_name_the_field(item, column, reason):
    error = only_error(json_bytes([{"segment": "sees", "text": "fine"}, item]))
    assert (error.row, error.column) == (2, column)
    if reason:
        assert error.reason == reason
    else:
        assert error.reason.startswith("segment is missing; accepted: sees, says_does")


# --- the error type ----------------------------------------------------------------------


def test_map_file_error_is_a_value_error_with_dicts_and_a_summary():
    error = MapFileError([RowError(2, "text", "text is empty"), RowError(None, None, "bad")])
    assert isinstance(error, ValueError)
    assert [row.as_dict() for row in error.errors] == [
        {"row": 2, "column": "text", "reason": "text is empty"},
        {"row": None, "column": None, "reason": "bad"},
    ]
    assert str(error) == "the map file cannot be imported: row 2, text: text is empty; bad"
    assert pickle.loads(pickle.dumps(error)).errors == error.errors  # noqa: S301 - own data


def test_error_list_is_capped_for_files_where_every_row_is_wrong():
    errors = errors_of("Feelz,x\n" * 3_000)
    assert len(errors) == 1_001
    assert errors[-1] == RowError(None, None, "2,000 more problems are not listed; fix these first")


# --- export ------------------------------------------------------------------------------


def test_export_csv_layout():
    notes = [
        FakeNote(id=12, segment="sees", text='Say "hi", now\nplease', votes=3, author="Ann"),
        FakeNote(id=None, segment="gains", text="Ünïcode"),
    ]
    assert export_csv(notes) == (
        "segment,text,votes,author,id\r\n"
        'sees,"Say ""hi"", now\nplease",3,Ann,12\r\n'
        "gains,Ünïcode,0,,\r\n"
    )


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_export_csv_neutralises_formula_cells(start):
    note = FakeNote(id=f"{start}1", segment="sees", text=f"{start}SUM(A1)", author=f"{start}Al")
    rows = list(csv.reader(io.StringIO(export_csv([note]), newline="")))
    assert rows[1][1] == f"'{start}SUM(A1)"
    assert rows[1][3] == f"'{start}Al"
    assert rows[1][4] == f"'{start}1"


def test_neutralisation_stays_reversible_for_cells_that_already_start_with_a_quote():
    assert neutralize_spreadsheet_cell("'=x") == "''=x"
    assert neutralize_spreadsheet_cell("'x") == "'x"
    assert neutralize_spreadsheet_cell("x=1") == "x=1"
    texts = ["=x", "'=x", "''-x", "'x", "'", "@home", "+49 30", "-5 % price"]
    notes = [FakeNote(id=None, segment="sees", text=text) for text in texts]
    assert [note.text for note in parse(export_csv(notes))] == texts


def test_export_json_layout():
    notes = [FakeNote(id=12, segment="sees", text="Préis", votes=3, author="Ann")]
    document = export_json(notes, meta={"persona": "Jane", "perspective": "internal"})
    assert "Préis" in document  # ensure_ascii=False
    assert json.loads(document) == {
        "map": {"persona": "Jane", "perspective": "internal"},
        "notes": [{"id": "12", "segment": "sees", "text": "Préis", "votes": 3, "author": "Ann"}],
    }
    assert json.loads(export_json([]))["map"] == {}


def test_export_json_writes_dates_in_meta_as_strings():
    import datetime

    moment = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
    assert json.loads(export_json([], meta={"exported_at": moment}))["map"] == {
        "exported_at": "2025-05-01 12:00:00+00:00"
    }


@pytest.mark.parametrize("exporter", [export_csv, export_json])
def test_round_trip_of_a_typical_map(exporter):
    notes = [
        FakeNote(id=1, segment="sees", text='Ads, everywhere; "loud"', votes=2, author="Ann"),
        FakeNote(id=2, segment="says_does", text='=HYPERLINK("x")\nsecond line', votes=0),
        FakeNote(id=3, segment="thinks_feels", text="مرحبا \u200b שלום", votes=7, author="-me"),
        FakeNote(id=None, segment="gains", text="\t@start", votes=1),
    ]
    parsed = parse_map_file(exporter(notes).encode())
    assert [(n.segment, n.text, n.votes, n.author, n.id) for n in parsed] == [
        ("sees", 'Ads, everywhere; "loud"', 2, "Ann", "1"),
        ("says_does", '=HYPERLINK("x")\nsecond line', 0, "", "2"),
        ("thinks_feels", "مرحبا \u200b שלום", 7, "-me", "3"),
        ("gains", "@start", 1, "", None),  # the note text is trimmed, as on every import
    ]


# --- properties --------------------------------------------------------------------------

# Characters that break naive CSV/JSON handling: delimiters, quotes, line breaks, formula
# starts, RTL, zero-width and BOM characters, combining marks.
_TRICKY = st.sampled_from(
    list(",;\t\"'\r\n=+-@ \\{}[]") + ["\u200b", "\u200f", "\u202e", "\ufeff", "\u0301", "ש", "م"]
)
# Valid notes come from a database: any Unicode scalar value, never a lone surrogate.
_CHARACTERS = st.characters(codec="utf-8")
_TEXTS = st.one_of(
    st.text(alphabet=_CHARACTERS),
    st.text(alphabet=_TRICKY | _CHARACTERS, min_size=1),
    st.tuples(
        st.sampled_from(["=", "+", "-", "@", "'=", "''-", "'", '"']), st.text(alphabet=_CHARACTERS)
    ).map("".join),
)
valid_texts = _TEXTS.map(normalize_note_text).filter(lambda text: validate_note_text(text) is None)
valid_authors = (
    st.text(alphabet=_TRICKY | _CHARACTERS, max_size=100)
    .map(str.strip)
    .filter(lambda author: "\x00" not in author)
)
valid_ids = st.one_of(
    st.none(),
    st.integers(min_value=1, max_value=2**63),
    st.text(alphabet=_CHARACTERS, min_size=1, max_size=100)
    .map(str.strip)
    .filter(lambda note_id: note_id and "\x00" not in note_id),
)
notes_strategy = st.lists(
    st.builds(
        FakeNote,
        id=valid_ids,
        segment=st.sampled_from(SEGMENT_KEYS),
        text=valid_texts,
        votes=st.integers(min_value=0, max_value=1_000_000),
        author=valid_authors,
    ),
    min_size=1,
    max_size=20,
    # ids are unique in a map; 9 and "9" are one id once exported
    unique_by=lambda note: str(note.id) if note.id is not None else object(),
)


@pytest.mark.parametrize("exporter", [export_csv, export_json])
@settings(max_examples=300, deadline=None)
@given(notes=notes_strategy)
def test_round_trip_property(exporter, notes):
    parsed = parse_map_file(exporter(notes).encode("utf-8"))
    assert [(n.segment, n.text, n.votes, n.author, n.id) for n in parsed] == [
        (n.segment, n.text, n.votes, n.author, None if n.id is None else str(n.id)) for n in notes
    ]
    assert [n.row for n in parsed] == list(range(1, len(notes) + 1))


@settings(max_examples=300, deadline=None)
@given(notes=notes_strategy)
def test_exported_csv_cells_never_start_a_formula(notes):
    """Formula neutralisation: re-read with csv.reader, no cell starts with = + - @ TAB CR NUL."""
    rows = list(csv.reader(io.StringIO(export_csv(notes), newline="")))
    assert len(rows) == len(notes) + 1
    for row in rows:
        assert len(row) == 5
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_any_note_text_is_accepted_normalised_or_refused_with_a_row_error(text):
    """Normalisation at the parser: every text either imports normalised or is a row error."""
    result = outcome(json_bytes([{"segment": "sees", "text": text}]))
    if isinstance(result, MapFileError):
        assert [(e.row, e.column) for e in result.errors] == [(1, "text")]
        assert validate_note_text(normalize_note_text(text)) is not None
    else:
        assert result[0].text == unicodedata.normalize("NFC", text.strip())


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2_000), filename=st.sampled_from(["", "a.csv", "a.json"]))
def test_arbitrary_bytes_give_notes_or_map_file_error(data, filename):
    assert_notes_or_errors(outcome(data, filename=filename))


_CELLS = st.one_of(
    st.text(alphabet=_TRICKY | st.characters()),
    st.sampled_from(["sees", "pains", "Hört", "segment", "text", "votes", "3", "-1", "'=x", ""]),
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(_CELLS, max_size=7), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_arbitrary_csv_gives_notes_or_map_file_error(rows, delimiter):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    assert_notes_or_errors(outcome(data, filename="a.csv"))


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["sees", "Pains", "Hört"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["segment", "text", "votes", "author", "id", "notes", "segments", "map"]
            )
            | st.sampled_from(["sees", "pain"])
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(document=_JSON_VALUES)
def test_arbitrary_json_gives_notes_or_map_file_error(document):
    assert_notes_or_errors(outcome(json.dumps(document).encode(), filename="a.json"))


# --- performance -------------------------------------------------------------------------


# Text repeats per format so that 5,000 notes come close to, but stay under, 2 MB.
@pytest.mark.parametrize(("exporter", "repeats"), [(export_csv, 8), (export_json, 6)])
def test_a_full_two_megabyte_map_parses_well_under_a_second(exporter, repeats):
    notes = [
        FakeNote(
            id=index,
            segment=SEGMENT_KEYS[index % 6],
            text=f"Note {index}: " + 'delivery is slow, "hidden" fees; ümlaut ' * repeats,
            votes=index % 5,
            author="Participant",
        )
        for index in range(MAX_NOTES_PER_MAP)
    ]
    data = exporter(notes).encode()
    assert 1_700_000 < len(data) <= MAX_FILE_BYTES
    started = time.perf_counter()
    parsed = parse_map_file(data)
    elapsed = time.perf_counter() - started
    assert len(parsed) == MAX_NOTES_PER_MAP
    assert elapsed < 1.0, f"parsing took {elapsed:.2f} s"
