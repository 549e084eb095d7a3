"""Uploaded bytes to text: UTF-8 with or without BOM, the one encoding both readers
accept. Anything else is refused with a message that says how to fix the file, since
spreadsheets save Latin-1 or UTF-16 unless told otherwise."""

from __future__ import annotations

import codecs


class NotUtf8Error(ValueError):
    """Bytes that are not UTF-8 text; ``reason`` says why, for the reader's own error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_utf8(data: bytes) -> str:
    """UTF-8 with or without BOM; anything else raises NotUtf8Error."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotUtf8Error(
            "the file is UTF-16 encoded; it must be UTF-8 (in Excel: save as 'CSV UTF-8')"
        )
    head = data[:1024]
    # UTF-16 without a BOM decodes as "valid" UTF-8 full of NULs; name the real cause.
    if head.count(0) > len(head) // 4:
        raise NotUtf8Error(
            "the file looks UTF-16 encoded (it is full of NUL bytes); it must be UTF-8"
        )
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = offset + error.start
        line = data[:position].count(b"\n") + 1
        raise NotUtf8Error(
            f"the file must be UTF-8 encoded: byte 0x{data[position]:02x} at byte offset "
            f"{position} (line {line}) is not valid UTF-8; a Latin-1 or Windows-1252 export "
            "does this (in Excel: save as 'CSV UTF-8')"
        ) from None
