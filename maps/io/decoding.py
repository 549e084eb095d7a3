"""Uploaded bytes to text, and what kind of file the bytes are.

Board exports are JSON, which is UTF-8 (RFC 8259): ``decode_utf8``. Spreadsheets save
whatever their system uses: German Excel's "CSV (Trennzeichen-getrennt)" is
Windows-1252, its "Unicode-Text" is UTF-16 with a BOM, "CSV UTF-8" has a UTF-8 BOM.
``decode_spreadsheet_text`` reads all of them: a BOM decides, then strict UTF-8, then
UTF-16 without a BOM (recognised by its NUL bytes), and otherwise charset-normalizer
chooses between Windows-1252 and Latin-1; the encoding it used is reported so the
person can see the guess.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from maps.io.messages import gettext as _

ZIP_MAGIC = b"PK\x03\x04"  # XLSX and ODS are zip archives
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Excel (XLS) and Word


class NotUtf8Error(ValueError):
    """Bytes that are not UTF-8 text; ``reason`` says why, for the reader's own error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_utf8(data: bytes) -> str:
    """UTF-8 with or without BOM; anything else raises NotUtf8Error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotUtf8Error(
            _("the file is UTF-16 encoded; it must be UTF-8 (in Excel: save as 'CSV UTF-8')")
        )
    head = data[:1024]
    # UTF-16 without a BOM decodes as "valid" UTF-8 full of NULs; name the real cause.
    if head.count(0) > len(head) // 4:
        raise NotUtf8Error(
            _("the file looks UTF-16 encoded (it is full of NUL bytes); it must be UTF-8")
        )
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = offset + error.start
        line = data[:position].count(b"\n") + 1
        raise NotUtf8Error(
            _(
                "the file must be UTF-8 encoded: byte %(byte)s at byte offset %(offset)s "
                "(line %(line)s) is not valid UTF-8; a Latin-1 or Windows-1252 export does "
                "this (in Excel: save as 'CSV UTF-8')"
            )
            % {"byte": f"0x{data[position]:02x}", "offset": position, "line": line}
        ) from None


def decode_spreadsheet_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV or tab-separated file and the encoding it was read with (a name
    for people: "UTF-8", "UTF-16", "Windows-1252", "Latin-1"). Never raises for bytes:
    Latin-1 reads anything, so a wrong guess shows as odd characters the person sees
    in the preview, not as a refusal."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "UTF-8"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), "UTF-16"
    head = data[:1024]
    if len(head) >= 2 and head.count(0) > len(head) // 4:
        # UTF-16 without a BOM: ASCII characters leave a NUL in every other byte, after
        # them (little-endian) or before them (big-endian).
        odd_nuls = head[1::2].count(0)
        codec = "utf-16-le" if odd_nuls >= head[0::2].count(0) else "utf-16-be"
        return data[: len(data) - len(data) % 2].decode(codec, errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1"]).best()
    if best is not None and best.encoding == "cp1252":
        return data.decode("cp1252", errors="replace"), "Windows-1252"
    return data.decode("latin-1"), "Latin-1"


def looks_like_spreadsheet(data: bytes, filename: str = "") -> str | None:
    """What kind of spreadsheet file the bytes are ("an Excel workbook (XLSX)", ...),
    or None; for the hint that a file went to the wrong importer."""
    name = filename.lower()
    if data.startswith(ZIP_MAGIC):
        if name.endswith(".ods") or b"oasis.opendocument" in data[:200]:
            return _("an OpenDocument spreadsheet (ODS)")
        return _("an Excel workbook (XLSX)")
    if data.startswith(OLE_MAGIC):
        return _("an old Excel workbook (XLS)")
    if name.endswith((".csv", ".tsv")) and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (
        b"{",
        b"[",
    ):
        return _("a CSV file")
    return None
