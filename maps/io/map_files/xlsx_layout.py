"""The XLSX layout of a map file: the same columns and header rules as CSV, read from the
first worksheet (or a chosen one) with openpyxl in read-only mode.

An XLSX file is a zip archive of XML. A 2 MB upload can expand to gigabytes (a "zip
bomb"), so the archive's declared sizes are checked before anything is unpacked, and
openpyxl parses the XML through defusedxml (entity expansion refused). Row numbers are
the worksheet's own, minus the header row, as in a CSV file.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator

from maps.io.limits import MAX_XLSX_COLUMNS, MAX_XLSX_PARTS, MAX_XLSX_UNCOMPRESSED_BYTES
from maps.io.map_files.csv_layout import Record, table_rows
from maps.io.map_files.rows import MapFileError, RawRow, file_error
from maps.io.messages import gettext as _
from maps.io.messages import number
from maps.io.note_values import quoted


def xlsx_rows(
    data: bytes, max_notes: int, notices: list[str], *, sheet: str | None = None
) -> tuple[list[RawRow], str]:
    """The rows of a workbook's sheet and the sheet's name; a damaged, oversized or
    unreadable workbook raises MapFileError with one file-level reason."""
    _check_archive(data)
    # Imported here: openpyxl takes ~0.2 s to import, and only XLSX uploads need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises KeyError, XML, zip and value errors alike
        raise file_error(
            _(
                "the workbook cannot be read: it is damaged or not an Excel workbook (XLSX); "
                "save it again from Excel, or as 'CSV UTF-8'"
            )
        ) from None
    try:
        names = workbook.sheetnames
        if sheet:
            if sheet not in names:
                raise file_error(
                    _("the workbook has no sheet %(sheet)s; its sheets: %(sheets)s")
                    % {
                        "sheet": quoted(sheet),
                        "sheets": ", ".join(quoted(name) for name in names[:20]),
                    }
                )
            worksheet = workbook[sheet]
        else:
            worksheets = workbook.worksheets
            if not worksheets:
                raise file_error(_("the workbook has no worksheet"))
            worksheet = worksheets[0]
        try:
            rows = table_rows(_records(worksheet), max_notes, notices)
        except MapFileError:
            raise
        except Exception:  # a damaged sheet fails while it is read, with any error type
            raise file_error(
                _("the workbook's sheet cannot be read: it is damaged; save it again from Excel")
            ) from None
        if len(names) > 1 and not sheet:
            notices.append(
                _(
                    "read the first sheet, %(sheet)s; the workbook has %(count)s sheets "
                    "(choose another by its name)"
                )
                % {"sheet": quoted(worksheet.title), "count": len(names)}
            )
        return rows, worksheet.title
    finally:
        workbook.close()


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise file_error(
            _(
                "the file starts like an Excel workbook (XLSX) but its zip archive is damaged; "
                "save it again from Excel"
            )
        ) from None
    if len(parts) > MAX_XLSX_PARTS:
        raise file_error(
            _("the workbook has %(count)s parts; at most %(limit)s are read")
            % {"count": number(len(parts)), "limit": number(MAX_XLSX_PARTS)}
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise file_error(
            _(
                "the workbook unpacks to %(size)s bytes; at most %(limit)s MB are read (save "
                "only the sheet with the notes, or as CSV)"
            )
            % {"size": number(unpacked), "limit": MAX_XLSX_UNCOMPRESSED_BYTES // 1024 // 1024}
        )


def _records(worksheet: object) -> Iterator[Record]:
    """The non-blank rows of a worksheet as text cells, numbered as Excel shows them."""
    for index, values in enumerate(
        worksheet.iter_rows(max_col=MAX_XLSX_COLUMNS, values_only=True),  # type: ignore[attr-defined]
        start=1,
    ):
        cells = [_cell_text(value) for value in values]
        if any(cell.strip() for cell in cells):
            yield Record(index, cells)


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: 3 for 3.0, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
