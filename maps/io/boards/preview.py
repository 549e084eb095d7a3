"""What a parsed board is: its areas with their sticky notes, as the user previews
them before importing, and the one error every board problem is reported through."""

from __future__ import annotations

from dataclasses import dataclass

from maps.io.limits import (
    MAX_AUTHOR_CHARS,
    MAX_COLOUR_CHARS,
    MAX_ID_CHARS,
    MAX_NOTES_PER_MAP,
    MAX_VOTES,
)
from maps.io.messages import gettext as _
from maps.io.messages import gettext_noop, number
from maps.io.note_values import validate_note_text
from maps.segments import SEGMENT_KEYS

MAX_NOTES = MAX_NOTES_PER_MAP  # a board cannot bring more than a map holds
# Notes in no frame or area are collected in this pseudo-area.
OUTSIDE_ID = "outside"
# Its title is an English msgid, translated when a board is read (maps.io.messages).
OUTSIDE_TITLE = gettext_noop("(outside any frame or area)")


class BoardFileError(ValueError):
    """A board file (or a mapping) that cannot be imported; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        # The list is the only constructor argument so the exception pickles.
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        shown = "; ".join(self.problems[:5])
        if len(self.problems) > 5:
            return _("the board cannot be imported: %(problems)s (and %(more)s more)") % {
                "problems": shown,
                "more": number(len(self.problems) - 5),
            }
        return _("the board cannot be imported: %(problems)s") % {"problems": shown}


@dataclass(frozen=True)
class BoardNote:
    """A sticky note: its text, votes, author, colour, and its id on the board
    (``source_id``), which lets a re-import update the note instead of adding it again."""

    text: str
    votes: int = 0
    author: str = ""
    source_id: str = ""
    colour: str = ""

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "votes": self.votes,
            "author": self.author,
            "source_id": self.source_id,
            "colour": self.colour,
        }


@dataclass(frozen=True)
class BoardArea:
    """A frame, shape or area of the board and the notes inside it.

    ``segment`` is what the title resolved to, or None when it matched no segment;
    ``candidates`` are the segments an ambiguous title names (two or more), for the
    question put to the person.
    """

    id: str
    title: str
    segment: str | None
    notes: tuple[BoardNote, ...]
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.segment is None and len(self.candidates) > 1


@dataclass(frozen=True)
class BoardPreview:
    source: str  # "miro" or "mural"
    areas: tuple[BoardArea, ...]
    empty_notes: int = 0  # sticky notes without text, left out
    format: str = ""  # which export: "miro_v2", "miro_sdk", "miro_v1", "mural"
    # Each item left out, as (how the item is named, why): empty stickies, images, ...
    left_out: tuple[tuple[str, str], ...] = ()

    @property
    def note_count(self) -> int:
        return sum(len(area.notes) for area in self.areas)

    @property
    def unknown_areas(self) -> tuple[BoardArea, ...]:
        return tuple(area for area in self.areas if area.segment is None)

    def to_dict(self) -> dict:
        """Plain JSON data (for the session between preview and confirm, and the API)."""
        return {
            "source": self.source,
            "format": self.format,
            "empty_notes": self.empty_notes,
            "left_out": [list(entry) for entry in self.left_out],
            "areas": [
                {
                    "id": area.id,
                    "title": area.title,
                    "segment": area.segment,
                    "candidates": list(area.candidates),
                    "notes": [note.to_dict() for note in area.notes],
                }
                for area in self.areas
            ],
        }

    @classmethod
    def from_dict(cls, data: object) -> BoardPreview:
        """Rebuild a preview from ``to_dict``'s output, re-validating every note, since
        the stored data outlives this code's version."""
        try:
            areas = []
            for area in data["areas"]:  # type: ignore[index]
                notes = []
                for note in area["notes"]:
                    text = note["text"]
                    votes, author = note["votes"], note["author"]
                    source_id, colour = note.get("source_id", ""), note.get("colour", "")
                    if (
                        not isinstance(text, str)
                        or validate_note_text(text)
                        or isinstance(votes, bool)
                        or not isinstance(votes, int)
                        or not 0 <= votes <= MAX_VOTES
                        or not isinstance(author, str)
                        or len(author) > MAX_AUTHOR_CHARS
                        or not isinstance(source_id, str)
                        or len(source_id) > MAX_ID_CHARS
                        or not isinstance(colour, str)
                        or len(colour) > MAX_COLOUR_CHARS
                    ):
                        raise ValueError("invalid note")
                    notes.append(
                        BoardNote(
                            text=text,
                            votes=votes,
                            author=author,
                            source_id=source_id,
                            colour=colour,
                        )
                    )
                segment = area["segment"]
                candidates = tuple(area.get("candidates", ()))
                if (segment is not None and segment not in SEGMENT_KEYS) or not set(
                    candidates
                ) <= set(SEGMENT_KEYS):
                    raise ValueError("invalid segment")
                areas.append(
                    BoardArea(
                        id=str(area["id"]),
                        title=str(area["title"]),
                        segment=segment,
                        notes=tuple(notes),
                        candidates=candidates,
                    )
                )
            preview = cls(
                source=str(data["source"]),  # type: ignore[index]
                areas=tuple(areas),
                empty_notes=int(data.get("empty_notes", 0)),  # type: ignore[union-attr]
                format=str(data.get("format", "")),  # type: ignore[union-attr]
                left_out=tuple(
                    (str(label), str(reason))
                    for label, reason in data.get("left_out", ())  # type: ignore[union-attr]
                ),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BoardFileError(
                [_("the stored board preview is unreadable; upload the file again")]
            ) from error
        if preview.note_count > MAX_NOTES:
            raise BoardFileError([_("the stored board preview holds too many notes")])
        return preview
