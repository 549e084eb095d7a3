"""Read and write empathy-map files (CSV and JSON).

Pure Python (no Django import): the API, the services and the ``compare_files``
command share this one parser, and it is tested without a database. The parser
only reads and validates; it never stores anything.

Contract
    ``parse_map_file`` returns every note of a file or raises ``MapFileError``
    listing *every* problem it found (not just the first; past
    ``MAX_REPORTED_ERRORS`` one closing error says how many more there are), each
    with the row and column a person can look up. File-level problems (size,
    encoding, unreadable JSON, bad header, too many notes) come alone, with row
    and column None. Anything a user can upload ends in one of those two
    outcomes; no other exception escapes.

Layouts
    JSON when the filename ends with ``.json`` or the content starts with ``{`` or
    ``[``, otherwise CSV. UTF-8, with or without BOM.
    CSV: ``segment,text[,votes][,author][,id]``, delimited by comma, semicolon or
    tab (detected from the first rows). An optional header, recognised by its
    column names (English or German, any case), allows any column order.
    JSON: ``[{"segment", "text", "votes"?, "author"?, "id"?}, ...]``, the same list
    under ``{"notes": [...]}`` (what ``export_json`` writes; its ``"map"`` object
    is ignored), or ``{"segments": {"<segment or alias>": ["text" | {...}, ...]}}``.
    Unknown keys in note objects are ignored (board exports carry many).

Row numbers
    CSV: ``row`` is the spreadsheet row number minus the header row. Each CSV
    record is one spreadsheet row, so a quoted cell spanning several lines counts
    once, and blank lines (empty, whitespace-only or only delimiters, as
    spreadsheets export empty rows) are skipped but still counted, because a
    spreadsheet shows them as rows. With a header, the first note under it is
    row 1; without one, the first line is row 1.
    JSON: ``row`` is the 1-based position in the notes list; in the
    ``{"segments": {...}}`` shape the notes are counted across segments in the
    order the file lists them.

Spreadsheet formulas (OWASP ASVS 5.0 V1.2.10)
    ``export_csv`` prefixes ``'`` to a cell that starts with ``= + - @`` TAB, CR
    or NUL, so a spreadsheet shows the text instead of running it. Importing CSV
    removes exactly one such ``'`` again (from any cell whose quotes are followed
    by one of those characters), so CSV export -> import round-trips exactly.
    Cells that already start with quotes before such a character get one more
    quote on export, which keeps the mapping reversible. Consequence: a CSV cell
    typed as ``'=x`` imports as ``=x``, as it would in a spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import NamedTuple, Protocol

from maps.segments import SEGMENT_KEYS, resolve_segment

MAX_FILE_BYTES = 2 * 1024 * 1024  # 2 MB: ~5,000 long notes; Django promises nothing past 2.5 MB
MAX_NOTES_PER_MAP = 5_000  # the engine's dense matrices stay small (DESIGN: 5,000² per segment)
MAX_NOTE_CHARS = 500  # DESIGN: a note is 1-500 characters after trimming
MAX_AUTHOR_CHARS = 100  # Note.author's max_length
MAX_ID_CHARS = 100  # room for UUIDs and board ids (Miro, Mural) with prefixes
MAX_VOTES = 1_000_000  # dot-voting weights are small; this only rejects garbage and overflow
# A file with every row wrong (wrong delimiter, wrong format) would otherwise answer with
# tens of thousands of errors; the first thousand already show the pattern.
MAX_REPORTED_ERRORS = 1_000

COLUMNS: tuple[str, ...] = ("segment", "text", "votes", "author", "id")

# Header names (case-insensitive), English and German, mapped to the canonical column.
_HEADER_NAMES: dict[str, str] = {
    "segment": "segment",
    "segments": "segment",
    "text": "text",
    "note": "text",
    "notiz": "text",
    "votes": "votes",
    "vote": "votes",
    "stimmen": "votes",
    "punkte": "votes",
    "author": "author",
    "autor": "author",
    "id": "id",
}
_DELIMITERS = (",", ";", "\t")  # in order of preference when the evidence is tied
# A row of nothing but whitespace and delimiters is an empty spreadsheet row, whichever
# delimiter the file turns out to use (";;;" in a comma file is still an empty row).
_BLANK = " \t\r\n\f\v,;"
_SAMPLE_RECORDS = 20  # enough rows to outvote one odd first row
_SAMPLE_CHARS = 64 * 1024  # where to look for them: 20 full notes fit many times over
_ACCEPTED_SEGMENTS = (
    f"accepted: {', '.join(SEGMENT_KEYS)} (and aliases such as 'Says & Does', 'Sieht')"
)
# Cells a spreadsheet would evaluate (OWASP); one optional run of quotes before them is
# part of the pattern so the neutralisation stays reversible (see the module docstring).
_FORMULA_START = re.compile(r"'*[=+\-@\t\r\x00]")
_NEUTRALISED_START = re.compile(r"'+[=+\-@\t\r\x00]")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")
_DECIMAL_NUMBER = re.compile(r"[+-]?[0-9]*[.,][0-9]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ParsedNote:
    """One valid note of an imported file, normalised and ready to store."""

    row: int
    segment: str
    text: str
    votes: int = 0
    author: str = ""
    id: str | None = None


@dataclass(frozen=True)
class RowError:
    """One problem in a map file; ``row`` and ``column`` are None for file-level problems."""

    row: int | None
    column: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class MapFileError(ValueError):
    """A map file that cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        # The list is the only constructor argument so the exception pickles (Celery).
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        shown = "; ".join(_describe(error) for error in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        return f"the map file cannot be imported: {shown}{more}"


class ExportNote(Protocol):
    """What the exporters read: a Note model instance, a ParsedNote, or anything alike."""

    @property
    def id(self) -> object: ...
    @property
    def segment(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def votes(self) -> int: ...
    @property
    def author(self) -> str: ...


def normalize_note_text(raw: str) -> str:
    """Trim and compose (NFC), so one text typed on two systems compares and stores equal."""
    return unicodedata.normalize("NFC", raw.strip())


def validate_note_text(text: str) -> str | None:
    """Return why a (normalised) note text cannot be stored, or None when it can.

    NUL and lone surrogates (reachable through JSON ``\\u`` escapes) are refused because
    PostgreSQL cannot store them: accepting them here would turn into a server error later.
    """
    if not text.strip():
        return "text is empty"
    if len(text) > MAX_NOTE_CHARS:
        return f"text is {len(text)} characters; at most {MAX_NOTE_CHARS}"
    return _bad_character("text", text)


def parse_map_file(
    data: bytes,
    *,
    filename: str = "",
    max_notes: int = MAX_NOTES_PER_MAP,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[ParsedNote]:
    """Parse a CSV or JSON empathy-map file into notes, or raise MapFileError.

    JSON is chosen when the filename ends with ``.json`` or the content starts with
    ``{`` or ``[``; anything else is read as CSV. See the module docstring for the
    accepted layouts and for how rows are numbered.
    """
    if len(data) > max_bytes:
        raise _file_error(
            f"the file is {len(data):,} bytes; at most {max_bytes / 1024 / 1024:g} MB "
            f"({max_bytes:,} bytes) can be imported"
        )
    text = _decode(data)
    if not text.strip():
        raise _file_error("no notes found: the file is empty")
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("{", "[")):
        rows, errors = _json_rows(text, max_notes)
    else:
        rows, errors = _csv_rows(text, max_notes)
    if not rows and not errors:
        raise _file_error("no notes found")
    notes = _build_notes(rows, errors)
    if errors:
        raise MapFileError(_capped(errors))
    return notes


def neutralize_spreadsheet_cell(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (OWASP ASVS V1.2.10)."""
    return "'" + value if _FORMULA_START.match(value) else value


def export_csv(notes: Iterable[ExportNote]) -> str:
    """CSV with the header ``segment,text,votes,author,id``; re-imports to the same notes.

    Every cell is neutralised against formula injection (see the module docstring);
    the caller encodes the string as UTF-8 without BOM.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for note in notes:
        cells = (
            str(note.segment),
            note.text,
            str(note.votes),
            note.author or "",
            "" if note.id is None else str(note.id),
        )
        writer.writerow([neutralize_spreadsheet_cell(cell) for cell in cells])
    return buffer.getvalue()


def export_json(notes: Iterable[ExportNote], *, meta: Mapping[str, object] | None = None) -> str:
    """``{"map": meta, "notes": [...]}``, the shape ``parse_map_file`` reads back.

    Values in ``meta`` that JSON cannot hold (dates, UUIDs) are written as strings.
    """
    document = {
        "map": dict(meta or {}),
        "notes": [
            {
                "id": None if note.id is None else str(note.id),
                "segment": str(note.segment),
                "text": note.text,
                "votes": int(note.votes),
                "author": note.author or "",
            }
            for note in notes
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


# --- shared -----------------------------------------------------------------------------


@dataclass
class _RawRow:
    """One note as the file spells it, before validation.

    ``values`` holds the fields that are present (a missing field is absent, not
    None); it is None when the row could not be read at all, and ``problems`` holds
    what the format layer already found wrong.
    """

    row: int
    values: dict[str, object] | None
    problems: list[RowError] = field(default_factory=list)


def _file_error(reason: str) -> MapFileError:
    return MapFileError([RowError(row=None, column=None, reason=reason)])


def _describe(error: RowError) -> str:
    where = [f"row {error.row}"] if error.row is not None else []
    if error.column:
        where.append(error.column)
    return f"{', '.join(where)}: {error.reason}" if where else error.reason


def _capped(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    hidden = len(errors) - MAX_REPORTED_ERRORS
    return [
        *errors[:MAX_REPORTED_ERRORS],
        RowError(None, None, f"{hidden:,} more problems are not listed; fix these first"),
    ]


def _shown(value: str, limit: int = 40) -> str:
    """Quote a user value for a message, shortened so a huge cell cannot bloat the error."""
    if len(value) > limit:
        return repr(value[:limit])[:-1] + "…" + repr(value[:limit])[-1]
    return repr(value)


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _bad_character(name: str, value: str) -> str | None:
    if "\x00" in value:
        return f"{name} contains a NUL character (\\x00)"
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return (
            f"{name} contains an invalid character "
            f"U+{ord(surrogate.group()):04X} (a lone surrogate)"
        )
    return None


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM; anything else gets a message that says how to fix it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_error(
            "the file is UTF-16 encoded; it must be UTF-8 (in Excel: save as 'CSV UTF-8')"
        )
    head = data[:1024]
    # UTF-16 without a BOM decodes as "valid" UTF-8 full of NULs; name the real cause.
    if head.count(0) > len(head) // 4:
        raise _file_error(
            "the file looks UTF-16 encoded (it is full of NUL bytes); it must be UTF-8"
        )
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = offset + error.start
        line = data[:position].count(b"\n") + 1
        raise _file_error(
            f"the file must be UTF-8 encoded: byte 0x{data[position]:02x} at byte offset "
            f"{position} (line {line}) is not valid UTF-8; a Latin-1 or Windows-1252 export "
            "does this (in Excel: save as 'CSV UTF-8')"
        ) from None


def _build_notes(rows: list[_RawRow], errors: list[RowError]) -> list[ParsedNote]:
    """Validate every row, appending each problem to ``errors`` (all rows, not the first)."""
    notes: list[ParsedNote] = []
    segment_cache: dict[str, str | None] = {}
    first_row_of_id: dict[str, int] = {}
    for raw in rows:
        errors.extend(raw.problems)
        if raw.values is None:
            continue
        values = raw.values
        segment, segment_problem = _clean_segment(values.get("segment"), segment_cache)
        text, text_problem = _clean_text(values.get("text"))
        votes, votes_problem = _clean_votes(values.get("votes"))
        author, author_problem = _clean_author(values.get("author"))
        note_id, id_problem = _clean_id(values.get("id"))
        if note_id is not None and id_problem is None:
            # The import service updates notes by id; two rows with one id are ambiguous.
            first = first_row_of_id.setdefault(note_id, raw.row)
            if first != raw.row:
                id_problem = f"id {_shown(note_id)} is already used by row {first}"
        row_errors = [
            RowError(raw.row, column, reason)
            for column, reason in (
                ("segment", segment_problem),
                ("text", text_problem),
                ("votes", votes_problem),
                ("author", author_problem),
                ("id", id_problem),
            )
            if reason
        ]
        errors.extend(row_errors)
        if not row_errors and not raw.problems and segment is not None and text is not None:
            notes.append(ParsedNote(raw.row, segment, text, votes, author, note_id))
    return notes


# Each _clean_* returns (clean value, None) or (fallback, why the value is refused).


def _clean_segment(value: object, cache: dict[str, str | None]) -> tuple[str | None, str | None]:
    if value is None:
        return None, f"segment is missing; {_ACCEPTED_SEGMENTS}"
    if not isinstance(value, str):
        return None, f"segment must be a string, got {_type_name(value)}"
    name = value.strip()
    if not name:
        return None, f"segment is empty; {_ACCEPTED_SEGMENTS}"
    if name not in cache:
        cache[name] = resolve_segment(name)
    key = cache[name]
    if key is None:
        return None, f"unknown segment {_shown(name)}; {_ACCEPTED_SEGMENTS}"
    return key, None


def _clean_text(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, "text is missing"
    if not isinstance(value, str):
        return None, f"text must be a string, got {_type_name(value)}"
    text = normalize_note_text(value)
    reason = validate_note_text(text)
    return (None, reason) if reason else (text, None)


def _clean_votes(value: object) -> tuple[int, str | None]:
    """Whole numbers 0..MAX_VOTES, also spelled as strings ("3", "3.0"); empty or absent is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, None
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 7:
        # The common case ("0", "3"), without the general parsing below.
        number = int(value)
        return (
            (number, None) if number <= MAX_VOTES else (0, f"votes must be at most {MAX_VOTES:,}")
        )
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0, f"votes must be a whole number, got {_type_name(value)}"
    number: int | float
    if isinstance(value, str):
        spelled = value.strip()
        if not _WHOLE_NUMBER.fullmatch(spelled):
            if _DECIMAL_NUMBER.fullmatch(spelled):
                return 0, f"votes must be a whole number, got {_shown(spelled)}"
            return 0, f"votes must be a whole number of 0 or more, got {_shown(spelled)}"
        digits = spelled.split(".")[0].lstrip("+-").lstrip("0") or "0"
        # Compare digit counts first: int() of a 5,000-digit string raises ValueError.
        magnitude = int(digits) if len(digits) <= len(str(MAX_VOTES)) else MAX_VOTES + 1
        number = -magnitude if spelled.startswith("-") else magnitude
    else:
        number = value
    if isinstance(number, float) and not number.is_integer():
        return 0, f"votes must be a whole number, got {number!r}"
    if number < 0:
        # Bounded so the message never spells out a 4,000-digit number.
        shown = f", got {int(number)}" if number >= -MAX_VOTES else ""
        return 0, f"votes must not be negative{shown}"
    if number > MAX_VOTES:
        return 0, f"votes must be at most {MAX_VOTES:,}"
    return int(number), None


def _clean_author(value: object) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if not isinstance(value, str):
        return "", f"author must be a string, got {_type_name(value)}"
    author = value.strip()
    if len(author) > MAX_AUTHOR_CHARS:
        return "", f"author is {len(author)} characters; at most {MAX_AUTHOR_CHARS}"
    reason = _bad_character("author", author)
    return ("", reason) if reason else (author, None)


def _clean_id(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None, f"id must be a string or a whole number, got {_type_name(value)}"
    if isinstance(value, int) and abs(value) >= 10**MAX_ID_CHARS:
        # str() of a huge integer is slow and refused past 4,300 digits.
        return None, f"id is longer than {MAX_ID_CHARS} characters"
    note_id = str(value).strip()
    if not note_id:
        return None, None
    if len(note_id) > MAX_ID_CHARS:
        return None, f"id is {len(note_id)} characters; at most {MAX_ID_CHARS}"
    reason = _bad_character("id", note_id)
    return (None, reason) if reason else (note_id, None)


def _too_many(count: int, max_notes: int) -> MapFileError:
    return _file_error(f"the file has {count:,} notes; a map holds at most {max_notes:,}")


# --- CSV --------------------------------------------------------------------------------


class _Record(NamedTuple):
    """One non-blank CSV record: its 1-based position and its cells, or why it is unreadable.

    A NamedTuple, not a dataclass: a 2 MB file can hold a million records, and the
    per-record cost decides whether an oversized file is refused in 0.1 s or in 1 s.
    """

    index: int
    cells: list[str] | None
    error: str | None = None


def _records(text: str, delimiter: str) -> Iterator[_Record]:
    """Yield the non-blank records of ``text``; blank ones still advance ``index``.

    Strict mode turns a quote that is never closed, or text after a closing quote,
    into an error for that record instead of silently swallowing the following rows;
    the reader then carries on with the next line.
    """
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True
    )
    index = 0
    while True:
        try:
            for cells in reader:
                index += 1
                if "".join(cells).strip(_BLANK):
                    yield _Record(index, cells)
        except csv.Error as error:
            index += 1
            yield _Record(index, None, _csv_problem(str(error)))
        else:
            return


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message:
        return 'a quoted cell is never closed (a closing " is missing)'
    if "field larger than field limit" in message:
        return (
            "a cell is far too long (more than 131,072 characters; "
            f"a note has at most {MAX_NOTE_CHARS})"
        )
    if "expected after" in message:
        return 'a quoted cell has text after its closing "; quote the whole cell'
    return f"the row cannot be read as CSV ({message})"


def _header_name(cell: str) -> str | None:
    return _HEADER_NAMES.get(cell.strip().casefold())


def _looks_like_header(cells: list[str]) -> bool:
    """Whether the first row is a header rather than a note.

    A header starts with a known column name or names at least two; a row that
    starts with a segment is always a note. So a note whose text happens to be
    "Text" or "ID" is not mistaken for a header, while a header with a misspelt
    column ("segment;Beschreibung") is still recognised and its problem reported.
    """
    if resolve_segment(cells[0]) is not None:
        return False
    known = sum(1 for cell in cells if _header_name(cell))
    return known >= 2 or (known == 1 and _header_name(cells[0]) is not None)


def _detect_delimiter(text: str) -> str:
    """Pick comma, semicolon or tab from the evidence of the first records.

    csv.Sniffer guesses from character frequencies and often picks a delimiter
    that occurs inside the notes. Here a header row decides when there is one
    (the delimiter that splits it into the most known column names); otherwise
    the delimiter under which most sampled rows have 2-5 cells and start with a
    segment name wins; ties go to the one that splits the first row into more
    cells, then to the order comma, semicolon, tab.
    """
    header_votes: dict[str, int] = {}
    data_votes: dict[str, tuple[int, int]] = {}
    head = text[:_SAMPLE_CHARS]
    for delimiter in _DELIMITERS:
        sample = [
            record.cells
            for record in islice(_records(head, delimiter), _SAMPLE_RECORDS)
            if record.cells is not None
        ]
        first = sample[0] if sample else [""]
        header_votes[delimiter] = (
            sum(1 for cell in first if _header_name(cell)) if _looks_like_header(first) else 0
        )
        plausible = sum(
            1
            for cells in sample
            if 2 <= len(_without_trailing_blanks(cells)) <= len(COLUMNS)
            and resolve_segment(cells[0]) is not None
        )
        data_votes[delimiter] = (plausible, len(first))
    # max() keeps the first of equal candidates, so _DELIMITERS order breaks ties.
    best_header = max(_DELIMITERS, key=lambda delimiter: header_votes[delimiter])
    if header_votes[best_header]:
        return best_header
    return max(_DELIMITERS, key=lambda delimiter: data_votes[delimiter])


def _without_trailing_blanks(cells: list[str]) -> list[str]:
    """Spreadsheets pad short rows with empty cells up to the widest row; ignore those."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _restore_cell(cell: str) -> str:
    """Undo ``neutralize_spreadsheet_cell``: drop one ``'`` before a formula character."""
    # The first-character test spares the regex on almost every cell.
    return cell[1:] if cell[:1] == "'" and _NEUTRALISED_START.match(cell) else cell


def _header_columns(cells: list[str]) -> list[str]:
    """Map header cells to canonical columns, or raise with every header problem."""
    cells = _without_trailing_blanks(cells)
    columns: list[str] = []
    problems: list[str] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(cells, start=1):
        name = _header_name(cell)
        if not cell.strip():
            problems.append(f"header column {position} has no name")
        elif name is None:
            unknown.append(_shown(cell.strip()))
        elif name in seen:
            problems.append(
                f"the header names the {name} column twice ({_shown(seen[name])} and "
                f"{_shown(cell.strip())})"
            )
        else:
            seen[name] = cell.strip()
        columns.append(name or "")
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        problems.insert(
            0,
            f"unknown column{plural} {', '.join(unknown)} in the header; accepted: "
            f"{', '.join(COLUMNS)} (or Notiz, Stimmen, Punkte, Autor)",
        )
    problems.extend(
        f"the header has no {required} column"
        for required in ("segment", "text")
        if required not in seen
    )
    if problems:
        raise MapFileError([RowError(None, None, reason) for reason in problems])
    return columns


def _csv_rows(text: str, max_notes: int) -> tuple[list[_RawRow], list[RowError]]:
    delimiter = _detect_delimiter(text)
    records = _records(text, delimiter)
    first = next(records, None)
    if first is None:
        return [], []
    columns: list[str] = list(COLUMNS)
    header_rows = 0
    pending = [first]
    if first.cells is not None and _looks_like_header(first.cells):
        columns = _header_columns(first.cells)
        header_rows = 1
        pending = []
    rows: list[_RawRow] = []
    for record in chain(pending, records):
        if len(rows) == max_notes:
            # Count the rest without building rows: the message gives the real number.
            raise _too_many(max_notes + 1 + sum(1 for _ in records), max_notes)
        rows.append(_csv_row(record, record.index - header_rows, columns, header_rows > 0))
    if not rows and header_rows:
        raise _file_error("no notes found: the file has a header row but no notes under it")
    return rows, []


def _csv_row(record: _Record, row: int, columns: list[str], has_header: bool) -> _RawRow:
    if record.cells is None:
        return _RawRow(row, None, [RowError(row, None, record.error or "unreadable row")])
    cells = [_restore_cell(cell) for cell in _without_trailing_blanks(record.cells)]
    problems: list[RowError] = []
    if len(cells) > len(columns):
        expected = (
            f"the header names {len(columns)}"
            if has_header
            else f"at most {len(COLUMNS)} ({', '.join(COLUMNS)})"
        )
        problems.append(RowError(row, None, f"the row has {len(cells)} columns; {expected}"))
    values: dict[str, object] = {
        column: cell for column, cell in zip(columns, cells, strict=False) if column
    }
    return _RawRow(row, values, problems)


# --- JSON -------------------------------------------------------------------------------

_SHAPES = 'expected a list of notes, {"notes": [...]} or {"segments": {"sees": [...], ...}}'


def _json_rows(text: str, max_notes: int) -> tuple[list[_RawRow], list[RowError]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _file_error(
            f"the file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise _file_error("the JSON is nested too deeply to read") from None
    except ValueError:
        # Python refuses to convert integers of more than 4,300 digits.
        raise _file_error("the file is not valid JSON: a number is far too long") from None

    if isinstance(document, list):
        return _json_note_list(document, max_notes), []
    if isinstance(document, dict):
        if "notes" in document and "segments" in document:
            raise _file_error('use either "notes" or "segments", not both')
        if "notes" in document:
            notes = document["notes"]
            if not isinstance(notes, list):
                raise _file_error(f'"notes" must be a list, got {_type_name(notes)}')
            return _json_note_list(notes, max_notes), []
        if "segments" in document:
            return _json_segments(document["segments"], max_notes)
    raise _file_error(f"{_SHAPES}; got {_type_name(document)}")


def _json_note_list(items: list[object], max_notes: int) -> list[_RawRow]:
    if len(items) > max_notes:
        raise _too_many(len(items), max_notes)
    rows: list[_RawRow] = []
    for row, item in enumerate(items, start=1):
        if isinstance(item, dict):
            rows.append(_RawRow(row, {key: item.get(key) for key in COLUMNS if key in item}))
        else:
            reason = f"expected an object with segment and text, got {_type_name(item)}"
            rows.append(_RawRow(row, None, [RowError(row, None, reason)]))
    return rows


def _json_segments(segments: object, max_notes: int) -> tuple[list[_RawRow], list[RowError]]:
    """``{"segments": {alias: [text | {"text", "votes"?, "author"?, "id"?}, ...]}}``."""
    if not isinstance(segments, dict):
        raise _file_error(f'"segments" must be an object, got {_type_name(segments)}')
    errors: list[RowError] = []
    counted = sum(len(items) for items in segments.values() if isinstance(items, list))
    if counted > max_notes:
        raise _too_many(counted, max_notes)
    rows: list[_RawRow] = []
    for name, items in segments.items():
        if not isinstance(items, list):
            reason = f"the notes of segment {_shown(name)} must be a list, got {_type_name(items)}"
            errors.append(RowError(None, "segment", reason))
            continue
        for item in items:
            row = len(rows) + 1
            if isinstance(item, str):
                rows.append(_RawRow(row, {"segment": name, "text": item}))
            elif isinstance(item, dict):
                values = {key: item.get(key) for key in COLUMNS if key in item}
                values["segment"] = name
                problems = []
                own = item.get("segment")
                if own is not None and (
                    not isinstance(own, str) or resolve_segment(own) != resolve_segment(name)
                ):
                    named = _shown(own) if isinstance(own, str) else _type_name(own)
                    reason = f"the note is listed under {_shown(name)} but names segment {named}"
                    problems.append(RowError(row, "segment", reason))
                rows.append(_RawRow(row, values, problems))
            else:
                reason = f"expected a note text or an object with text, got {_type_name(item)}"
                rows.append(_RawRow(row, None, [RowError(row, None, reason)]))
    return rows, errors
