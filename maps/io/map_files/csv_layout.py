"""The CSV layout of a map file: ``segment,text[,votes][,author][,id]``, delimited by
comma, semicolon or tab (detected from the first rows), with an optional header that
allows any column order.

Row numbers: ``row`` is the spreadsheet row number minus the header row. Each CSV record
is one spreadsheet row, so a quoted cell spanning several lines counts once, and blank
lines (empty, whitespace-only or only delimiters, as spreadsheets export empty rows) are
skipped but still counted, because a spreadsheet shows them as rows. With a header, the
first note under it is row 1; without one, the first line is row 1.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterator
from itertools import chain, islice
from typing import NamedTuple

from maps.io.limits import MAX_NOTE_CHARS
from maps.io.map_files.rows import (
    COLUMNS,
    MapFileError,
    RawRow,
    RowError,
    file_error,
    too_many_notes,
)
from maps.io.messages import gettext as _
from maps.io.messages import ngettext, number
from maps.io.note_values import quoted
from maps.io.spreadsheet import restore_spreadsheet_cell
from maps.segments import resolve_segment

# Header names, English and German, mapped to the canonical column; compared folded
# (case, accents, "_" and "-" as spaces), so "Dot-Votes" and "Stimmen" both read as votes.
# Exports of workshop tools and hand-made sheets use these (Miro's CSV: "Sticky note").
_HEADER_SYNONYMS: dict[str, str] = {
    "segment": (
        "segment, segments, segment name, quadrant, quadrants, area, section, category, "
        "field, frame, bereich, kategorie, feld, abschnitt, rubrik, quadrant name"
    ),
    "text": (
        "text, note, notes, note text, sticky, sticky note, sticky notes, stickies, "
        "post it, post its, idea, content, statement, insight, notiz, notizen, haftnotiz, "
        "klebezettel, inhalt, aussage, idee, karte, text der notiz"
    ),
    "votes": (
        "votes, vote, dot votes, dot vote, dots, dot voting, likes, points, weight, "
        "stimmen, stimme, punkte, klebepunkte, gewicht, anzahl stimmen"
    ),
    "author": (
        "author, authors, name, by, written by, created by, person, participant, autor, "
        "autorin, von, erstellt von, verfasser, verfasserin, teilnehmer, teilnehmerin"
    ),
    "id": "id, note id, notiz id",
}
_DELIMITERS = (",", ";", "\t")  # in order of preference when the evidence is tied
# A row of nothing but whitespace and delimiters is an empty spreadsheet row, whichever
# delimiter the file turns out to use (";;;" in a comma file is still an empty row).
_BLANK = " \t\r\n\f\v,;"
_SAMPLE_RECORDS = 20  # enough rows to outvote one odd first row
_SAMPLE_CHARS = 64 * 1024  # where to look for them: 20 full notes fit many times over
_MAX_COUNTED_ROWS = 1_000_000  # past a map's limit, rows are only counted, up to this
_TITLE_ROWS = 3  # title lines a sheet may have above its header


class Record(NamedTuple):
    """One non-blank CSV record: its 1-based position and its cells, or why it is unreadable.

    A NamedTuple, not a dataclass: a 2 MB file can hold a million records, and the
    per-record cost decides whether an oversized file is refused in 0.1 s or in 1 s.
    """

    index: int
    cells: list[str] | None
    error: str | None = None


def _records(text: str, delimiter: str) -> Iterator[Record]:
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
                    yield Record(index, cells)
        except csv.Error as error:
            index += 1
            yield Record(index, None, _csv_problem(str(error)))
        else:
            return


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message:
        return _('a quoted cell is never closed (a closing " is missing)')
    if "field larger than field limit" in message:
        return _(
            "a cell is far too long (more than %(cell_limit)s characters; "
            "a note has at most %(limit)s)"
        ) % {"cell_limit": number(131_072), "limit": number(MAX_NOTE_CHARS)}
    if "expected after" in message:
        return _('a quoted cell has text after its closing "; quote the whole cell')
    return _("the row cannot be read as CSV (%(error)s)") % {"error": message}


def _fold_header(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


_HEADER_NAMES: dict[str, str] = {
    _fold_header(name): column
    for column, names in _HEADER_SYNONYMS.items()
    for name in names.split(",")
}


# Single words that name a column inside a longer header ("Number of votes",
# "Sticky note text (English)"); a header naming two columns this way names neither.
_HEADER_WORDS: dict[str, str] = {
    name: column for name, column in _HEADER_NAMES.items() if " " not in name and name != "by"
}
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@functools.lru_cache(maxsize=256)
def _header_name(cell: str, *, loose: bool = False) -> str | None:
    """The column a header cell names: its whole text is a known name (folded); and
    ``loose``, once the row is known to be a header: without a bracketed remark, or
    exactly one column's names among its words. Whether a row is a header at all is
    decided on whole names only, so a note reading "Price per note" is not a header."""
    if len(cell) > 60:
        return None  # a note's text, not a header
    folded = _fold_header(cell)
    if folded in _HEADER_NAMES or not loose:
        return _HEADER_NAMES.get(folded)
    bare = _fold_header(_PARENTHESES.sub(" ", cell))
    if bare in _HEADER_NAMES:
        return _HEADER_NAMES[bare]
    named = {_HEADER_WORDS[word] for word in bare.split() if word in _HEADER_WORDS}
    return named.pop() if len(named) == 1 else None


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


def _header_columns(cells: list[str], notices: list[str]) -> list[str]:
    """Map header cells to canonical columns, or raise with every header problem.

    Columns the header names but Gapmap has no field for (a priority, a date) are
    ignored, and ``notices`` says so: a sheet with an extra column still imports."""
    cells = _without_trailing_blanks(cells)
    columns: list[str] = []
    problems: list[str] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(cells, start=1):
        name = _header_name(cell, loose=True)
        if not cell.strip():
            ignored.append(_("column %(position)s (no name)") % {"position": position})
        elif name is None:
            ignored.append(quoted(cell.strip()))
        elif name in seen:
            problems.append(
                _("the header names the %(column)s column twice (%(first)s and %(second)s)")
                % {"column": name, "first": quoted(seen[name]), "second": quoted(cell.strip())}
            )
        else:
            seen[name] = cell.strip()
        columns.append(name or "")
    problems.extend(
        _("the header has no %(column)s column (accepted names: %(names)s)")
        % {"column": required, "names": _HEADER_SYNONYMS[required]}
        for required in ("segment", "text")
        if required not in seen
    )
    if problems:
        raise MapFileError([RowError(None, None, reason) for reason in problems])
    if ignored:
        notices.append(
            ngettext(
                "column %(columns)s ignored: not a note field (segment, text, votes, author, id)",
                "columns %(columns)s ignored: not a note field (segment, text, votes, author, id)",
                len(ignored),
            )
            % {"columns": ", ".join(ignored[:10])}
        )
    return columns


# Excel writes "sep=;" as the first line of a CSV to name its delimiter.
_SEP_LINE = re.compile(r'\s*"?sep=(.)"?[,;\t]*\s*', re.IGNORECASE)


def csv_rows(text: str, max_notes: int, notices: list[str]) -> tuple[list[RawRow], list[RowError]]:
    """The rows of a CSV map file; header problems raise at once, row problems stay
    with their row (the second list, for problems outside any row, is always empty)."""
    first_line, newline, rest = text.partition("\n")
    sep = _SEP_LINE.fullmatch(first_line.rstrip("\r"))
    if sep and newline:
        delimiter, text = sep.group(1), rest
    elif sep:
        return [], []
    else:
        delimiter = _detect_delimiter(text)
    return table_rows(_records(text, delimiter), max_notes, notices), []


def table_rows(records: Iterator[Record], max_notes: int, notices: list[str]) -> list[RawRow]:
    """The rows of a table (CSV records or a worksheet's rows), with or without header."""
    head = list(islice(records, _TITLE_ROWS + 1))
    if not head:
        return []
    columns: list[str] = list(COLUMNS)
    header_rows = 0
    pending = head
    position = _header_position(head)
    if position is not None:
        header = head[position]
        columns = _header_columns(header.cells or [], notices)
        # Rows are numbered from the header (the first note under it is row 1); a
        # header on the first line keeps the numbering a header always had.
        header_rows = 1 if position == 0 else header.index
        pending = head[position + 1 :]
        if position:
            notices.append(
                ngettext(
                    "row above the header skipped (%(rows)s)",
                    "rows above the header skipped (%(rows)s)",
                    position,
                )
                % {"rows": ", ".join(quoted(_first_cell(record), 30) for record in head[:position])}
            )
    rows: list[RawRow] = []
    for record in chain(pending, records):
        if len(rows) == max_notes:
            # Count the rest without building rows (bounded): the message gives the number.
            rest = sum(1 for _record in islice(records, _MAX_COUNTED_ROWS))
            raise too_many_notes(max_notes + 1 + rest, max_notes)
        rows.append(_csv_row(record, record.index - header_rows, columns, header_rows > 0))
    if not rows and header_rows:
        raise file_error(_("no notes found: the file has a header row but no notes under it"))
    return rows


def _header_position(head: list[Record]) -> int | None:
    """Where the header is among the first rows: the first row, or a later one when
    every row above it is a title (one cell: "Workshop 12 May, customers")."""
    for position, record in enumerate(head):
        if record.cells is not None and _looks_like_header(record.cells):
            return position
        if record.cells is None or len(_without_trailing_blanks(record.cells)) > 1:
            return None
    return None


def _first_cell(record: Record) -> str:
    cells = _without_trailing_blanks(record.cells or [])
    return next((cell.strip() for cell in cells if cell.strip()), "")


def _csv_row(record: Record, row: int, columns: list[str], has_header: bool) -> RawRow:
    if record.cells is None:
        return RawRow(row, None, [RowError(row, None, record.error or _("unreadable row"))])
    cells = [restore_spreadsheet_cell(cell) for cell in _without_trailing_blanks(record.cells)]
    problems: list[RowError] = []
    if len(cells) > len(columns):
        if has_header:
            reason = _("the row has %(count)s columns; the header names %(header)s") % {
                "count": len(cells),
                "header": len(columns),
            }
        else:
            reason = _("the row has %(count)s columns; at most %(limit)s (%(columns)s)") % {
                "count": len(cells),
                "limit": len(COLUMNS),
                "columns": ", ".join(COLUMNS),
            }
        problems.append(RowError(row, None, reason))
    values: dict[str, object] = {
        column: cell for column, cell in zip(columns, cells, strict=False) if column
    }
    return RawRow(row, values, problems)
