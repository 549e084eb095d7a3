"""The comparison engine run inside a page request: two lists of notes matched against
each other (a team's hypotheses against another team's, a round's notes against the next
round's).

Always lexical (a page request never loads an embedding model), bounded by
`COMPARE_MAX_NOTES` per side (callers check it and say so), and cached by a digest of the
input. Only `comparison.engine`'s public names are used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.core.cache import cache

from comparison import engine
from comparison.selectors.notes import NoteRef

# Each side of one in-process comparison holds at most this many notes: dense blend
# scoring of 1,000 x 1,000 short notes takes well under a second.
COMPARE_MAX_NOTES = 1_000
MATCH_CACHE_SECONDS = 3600
MATCH_CACHE_VERSION = 1  # bump when a cached result's shape changes


def lexical_settings(settings_data: Mapping[str, Any] | None) -> engine.Settings:
    """A report's settings for an in-process run, always lexical. Unreadable settings fall
    back to the defaults."""
    try:
        settings = engine.Settings.from_dict(dict(settings_data or {}))
    except (TypeError, ValueError):
        return engine.DEFAULT_SETTINGS
    if settings.mode != "lexical":
        settings = replace(settings, scorer=settings.lexical_scorer)
    return settings


def _note_inputs(notes: Sequence[NoteRef], prefix: str) -> list[engine.NoteIn]:
    return [
        engine.NoteIn(id=f"{prefix}{index}", segment=note.segment, text=note.text, votes=note.votes)
        for index, note in enumerate(notes)
    ]


def match_notes(
    first: Sequence[NoteRef], second: Sequence[NoteRef], settings: engine.Settings
) -> engine.ComparisonResult:
    """`engine.compare` of two note lists as internal and customer side, reused while the
    same input comes again. Note ids are `a<index>` into `first` and `b<index>` into
    `second`."""
    state = (MATCH_CACHE_VERSION, engine.ENGINE_VERSION, settings.to_dict(), first, second)
    key = f"gapmap:analytics-compare:{hashlib.sha256(repr(state).encode()).hexdigest()}"
    result = cache.get(key)
    if result is None:
        result = engine.compare(_note_inputs(first, "a"), _note_inputs(second, "b"), settings)
        cache.set(key, result, MATCH_CACHE_SECONDS)
    return result


def note_index(note_id: str) -> int:
    """The position in its list of a note id given by `match_notes`."""
    return int(note_id[1:])
