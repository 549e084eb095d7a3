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
from maps.io.titles import match_title
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS, resolve_segment

_ACCEPTED_SEGMENTS = (
    f"accepted: {', '.join(SEGMENT_KEYS)} (and aliases such as 'Says & Does', 'Sieht')"
)
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
        return "text is empty"
    if len(text) > MAX_NOTE_CHARS:
        return f"text is {len(text)} characters; at most {MAX_NOTE_CHARS}"
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


# Each clean_* returns (clean value, None) or (fallback, why the value is refused).


def clean_segment(value: object, cache: dict[str, str | None]) -> tuple[str | None, str | None]:
    if value is None:
        return None, f"segment is missing; {_ACCEPTED_SEGMENTS}"
    if not isinstance(value, str):
        return None, f"segment must be a string, got {json_type_name(value)}"
    name = value.strip()
    if not name:
        return None, f"segment is empty; {_ACCEPTED_SEGMENTS}"
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
            named = " or ".join(SEGMENT_LABELS[key] for key in match.candidates)
            return None, f"segment {quoted(name)} could mean {named}; {_ACCEPTED_SEGMENTS}"
        return None, f"unknown segment {quoted(name)}; {_ACCEPTED_SEGMENTS}"
    return key, None


def clean_text(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, "text is missing"
    if not isinstance(value, str):
        return None, f"text must be a string, got {json_type_name(value)}"
    text = normalize_note_text(value)
    reason = validate_note_text(text)
    return (None, reason) if reason else (text, None)


def clean_votes(value: object) -> tuple[int, str | None]:
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
        return 0, f"votes must be a whole number, got {json_type_name(value)}"
    number: int | float
    if isinstance(value, str):
        spelled = value.strip()
        if not _WHOLE_NUMBER.fullmatch(spelled):
            if _DECIMAL_NUMBER.fullmatch(spelled):
                return 0, f"votes must be a whole number, got {quoted(spelled)}"
            return 0, f"votes must be a whole number of 0 or more, got {quoted(spelled)}"
        digits = re.split(r"[.,]", spelled)[0].lstrip("+-").lstrip("0") or "0"
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


def clean_author(value: object) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if not isinstance(value, str):
        return "", f"author must be a string, got {json_type_name(value)}"
    author = value.strip()
    if len(author) > MAX_AUTHOR_CHARS:
        return "", f"author is {len(author)} characters; at most {MAX_AUTHOR_CHARS}"
    reason = _bad_character("author", author)
    return ("", reason) if reason else (author, None)


def clean_id(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None, f"id must be a string or a whole number, got {json_type_name(value)}"
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
