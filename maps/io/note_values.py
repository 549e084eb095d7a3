"""The rules for a note's values that every way into a map applies: map files, board
exports, and (for the text) the services' own note writes. Each refusal reads as a
message a person can act on, so both readers accept, refuse and explain the same things.
"""

from __future__ import annotations

import re
import unicodedata

from maps.io.limits import (
    MAX_AUTHOR_CHARS,
    MAX_ID_CHARS,
    MAX_NOTE_CHARS,
    MAX_TITLE_CHARS,
    MAX_VOTES,
)
from maps.io.messages import either, number
from maps.io.messages import gettext as _
from maps.io.titles import match_title
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS, resolve_segment


def _accepted_segments() -> str:
    return _("accepted: %(keys)s (and aliases such as 'Says & Does', 'Sieht')") % {
        "keys": ", ".join(SEGMENT_KEYS)
    }


# "3.0" from a spreadsheet's number cell, "3,0" from a German one.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,]0*)?")
_DECIMAL_NUMBER = re.compile(r"[+-]?[0-9]*[.,][0-9]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def normalize_note_text(raw: str) -> str:
    """Trim and compose (NFC), so one text typed on two systems compares and stores equal."""
    return unicodedata.normalize("NFC", raw.strip())


def validate_note_text(text: str) -> str | None:
    """Return why a (normalised) note text cannot be stored, or None when it can.

    NUL and lone surrogates (reachable through JSON ``\\u`` escapes) are refused because
    PostgreSQL cannot store them: accepting them here would turn into a server error later.
    """
    if not text.strip():
        return _("text is empty")
    if len(text) > MAX_NOTE_CHARS:
        return _("text is %(length)s characters; at most %(limit)s") % {
            "length": number(len(text)),
            "limit": number(MAX_NOTE_CHARS),
        }
    return _bad_character("text", text)


def quoted(value: str, limit: int = 40) -> str:
    """Quote a user value for a message, shortened so a huge cell cannot bloat the error."""
    if len(value) > limit:
        return repr(value[:limit])[:-1] + "…" + repr(value[:limit])[-1]
    return repr(value)


def json_type_name(value: object) -> str:
    """How a message names what a file held instead of the expected value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _bad_character(name: str, value: str) -> str | None:
    if "\x00" in value:
        return {
            "text": _("text contains a NUL character (\\x00)"),
            "author": _("author contains a NUL character (\\x00)"),
            "id": _("id contains a NUL character (\\x00)"),
        }[name]
    surrogate = _SURROGATE.search(value)
    if surrogate:
        message = {
            "text": _("text contains an invalid character %(code)s (a lone surrogate)"),
            "author": _("author contains an invalid character %(code)s (a lone surrogate)"),
            "id": _("id contains an invalid character %(code)s (a lone surrogate)"),
        }[name]
        return message % {"code": f"U+{ord(surrogate.group()):04X}"}
    return None


# Each clean_* returns (clean value, None) or (fallback, why the value is refused).


def clean_segment(value: object, cache: dict[str, str | None]) -> tuple[str | None, str | None]:
    if value is None:
        return None, _("segment is missing; %(accepted)s") % {"accepted": _accepted_segments()}
    if not isinstance(value, str):
        return None, _("segment must be a string, got %(type)s") % {"type": json_type_name(value)}
    name = value.strip()
    if not name:
        return None, _("segment is empty; %(accepted)s") % {"accepted": _accepted_segments()}
    if name not in cache:
        cache[name] = resolve_segment(name)
    key = cache[name]
    if key is None:
        # A sheet made from a board may hold its frames' titles ("What do they SAY?").
        # Not a cell holding a delimiter: "pains;x" is a row split at the wrong
        # character, and reading it as a title would hide that.
        looks_like_title = len(name) <= MAX_TITLE_CHARS and not any(c in name for c in ",;\t|")
        match = match_title(name) if looks_like_title else None
        if match is not None and match.segment is not None:
            return match.segment, None
        if match is not None and match.ambiguous:
            named = either([_(SEGMENT_LABELS[key]) for key in match.candidates])
            return None, _("segment %(name)s could mean %(segments)s; %(accepted)s") % {
                "name": quoted(name),
                "segments": named,
                "accepted": _accepted_segments(),
            }
        return None, _("unknown segment %(name)s; %(accepted)s") % {
            "name": quoted(name),
            "accepted": _accepted_segments(),
        }
    return key, None


def clean_text(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, _("text is missing")
    if not isinstance(value, str):
        return None, _("text must be a string, got %(type)s") % {"type": json_type_name(value)}
    text = normalize_note_text(value)
    reason = validate_note_text(text)
    return (None, reason) if reason else (text, None)


def clean_votes(value: object) -> tuple[int, str | None]:
    """Whole numbers 0..MAX_VOTES, also spelled as strings ("3", "3.0"); empty or absent is 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, None
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 7:
        # The common case ("0", "3"), without the general parsing below.
        count = int(value)
        return (count, None) if count <= MAX_VOTES else (0, _votes_at_most())
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0, _votes_whole(json_type_name(value))
    count: int | float
    if isinstance(value, str):
        spelled = value.strip()
        if not _WHOLE_NUMBER.fullmatch(spelled):
            if _DECIMAL_NUMBER.fullmatch(spelled):
                return 0, _votes_whole(quoted(spelled))
            return 0, _("votes must be a whole number of 0 or more, got %(value)s") % {
                "value": quoted(spelled)
            }
        digits = re.split(r"[.,]", spelled)[0].lstrip("+-").lstrip("0") or "0"
        # Compare digit counts first: int() of a 5,000-digit string raises ValueError.
        magnitude = int(digits) if len(digits) <= len(str(MAX_VOTES)) else MAX_VOTES + 1
        count = -magnitude if spelled.startswith("-") else magnitude
    else:
        count = value
    if isinstance(count, float) and not count.is_integer():
        return 0, _votes_whole(repr(count))
    if count < 0:
        # Bounded so the message never spells out a 4,000-digit number.
        if count >= -MAX_VOTES:
            return 0, _("votes must not be negative, got %(value)s") % {"value": int(count)}
        return 0, _("votes must not be negative")
    if count > MAX_VOTES:
        return 0, _votes_at_most()
    return int(count), None


def _votes_at_most() -> str:
    return _("votes must be at most %(limit)s") % {"limit": number(MAX_VOTES)}


def _votes_whole(got: str) -> str:
    return _("votes must be a whole number, got %(value)s") % {"value": got}


def clean_author(value: object) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if not isinstance(value, str):
        return "", _("author must be a string, got %(type)s") % {"type": json_type_name(value)}
    author = value.strip()
    if len(author) > MAX_AUTHOR_CHARS:
        return "", _("author is %(length)s characters; at most %(limit)s") % {
            "length": number(len(author)),
            "limit": number(MAX_AUTHOR_CHARS),
        }
    reason = _bad_character("author", author)
    return ("", reason) if reason else (author, None)


def clean_id(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None, _("id must be a string or a whole number, got %(type)s") % {
            "type": json_type_name(value)
        }
    if isinstance(value, int) and abs(value) >= 10**MAX_ID_CHARS:
        # str() of a huge integer is slow and refused past 4,300 digits.
        return None, _("id is longer than %(limit)s characters") % {"limit": number(MAX_ID_CHARS)}
    note_id = str(value).strip()
    if not note_id:
        return None, None
    if len(note_id) > MAX_ID_CHARS:
        return None, _("id is %(length)s characters; at most %(limit)s") % {
            "length": number(len(note_id)),
            "limit": number(MAX_ID_CHARS),
        }
    reason = _bad_character("id", note_id)
    return (None, reason) if reason else (note_id, None)
