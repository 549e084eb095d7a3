"""Notes as the analysis pages show them, read from reports' match rows (the texts each
comparison compared) rather than from the maps, which may have changed since.

Callers pass reports they fetched through `reports_for` / `latest_reports`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from comparison.models import Match, MatchKind, Report
from maps.models import Note
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS

SEGMENT_ORDER = {key: position for position, key in enumerate(SEGMENT_KEYS)}

MATCH_FIELDS = (
    "id",
    "report_id",
    "kind",
    "score",
    "internal_note_id",
    "internal_segment",
    "internal_text",
    "internal_votes",
    "internal_verdict",
    "customer_note_id",
    "customer_segment",
    "customer_text",
    "customer_votes",
    "customer_verdict",
)


@dataclass(frozen=True)
class NoteRef:
    """A note as shown on an analysis page (plain text; templates escape it)."""

    segment: str
    text: str
    votes: int = 0

    @property
    def segment_label(self) -> str:
        label = SEGMENT_LABELS.get(self.segment)
        return gettext(label) if label else self.segment


def internal_note(row: Mapping[str, Any]) -> NoteRef:
    """The hypothesis of a match row (`MATCH_FIELDS`)."""
    return NoteRef(row["internal_segment"], row["internal_text"], row["internal_votes"])


def customer_note(row: Mapping[str, Any]) -> NoteRef:
    """The customer note of a match row (`MATCH_FIELDS`)."""
    return NoteRef(row["customer_segment"], row["customer_text"], row["customer_votes"])


def sorted_notes(notes: Iterable[NoteRef]) -> list[NoteRef]:
    """In canonical segment order, then the most voted, then by text."""
    return sorted(
        notes, key=lambda note: (SEGMENT_ORDER.get(note.segment, 99), -note.votes, note.text)
    )


def customer_key(row: Mapping[str, Any]) -> tuple:
    """One customer note across match rows: its id, or segment and text once it is gone."""
    note_id = row["customer_note_id"]
    return ("id", note_id) if note_id else ("text", row["customer_segment"], row["customer_text"])


def compared_rows(report_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The match rows of the reports (`MATCH_FIELDS`) without "also" rows, which repeat
    notes that have their own row; by report, then id. One query."""
    return list(
        Match.objects.filter(report_id__in=list(report_ids))
        .exclude(kind=MatchKind.ALSO)
        .values(*MATCH_FIELDS)
        .order_by("report_id", "id")
    )


def report_rows_with_also(report: Report) -> list[dict[str, Any]]:
    """Every match row of one report (`MATCH_FIELDS`), "also" rows included, by id."""
    return list(report.matches.values(*MATCH_FIELDS).order_by("id"))


def note_authors(note_ids: Iterable[int]) -> dict[int, str]:
    """The author of each note still there, by id (a deleted note has none)."""
    return dict(Note.objects.filter(pk__in=set(note_ids)).values_list("pk", "author"))
