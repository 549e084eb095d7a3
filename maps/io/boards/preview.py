"""What a parsed board is: its areas with their sticky notes, as the user previews
them before importing, and the one error every board problem is reported through."""

from __future__ import annotations

from dataclasses import dataclass

from maps.io.limits import MAX_AUTHOR_CHARS, MAX_NOTES_PER_MAP, MAX_VOTES
from maps.io.note_values import validate_note_text
from maps.segments import SEGMENT_KEYS

MAX_NOTES = MAX_NOTES_PER_MAP  # a board cannot bring more than a map holds
# Notes in no frame or area are collected in this pseudo-area.
OUTSIDE_ID = "outside"
OUTSIDE_TITLE = "(outside any frame or area)"


class BoardFileError(ValueError):
    """A board file (or a mapping) that cannot be imported; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        # The list is the only constructor argument so the exception pickles.
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        shown = "; ".join(self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        return f"the board cannot be imported: {shown}{more}"


@dataclass(frozen=True)
class BoardNote:
    text: str
    votes: int = 0
    author: str = ""


@dataclass(frozen=True)
class BoardArea:
    """A frame, shape or area of the board and the notes inside it.

    ``segment`` is what the title resolved to, or None when it matched no segment.
    """

    id: str
    title: str
    segment: str | None
    notes: tuple[BoardNote, ...]


@dataclass(frozen=True)
class BoardPreview:
    source: str  # "miro" or "mural"
    areas: tuple[BoardArea, ...]
    empty_notes: int = 0  # sticky notes without text, left out

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
            "empty_notes": self.empty_notes,
            "areas": [
                {
                    "id": area.id,
                    "title": area.title,
                    "segment": area.segment,
                    "notes": [
                        {"text": note.text, "votes": note.votes, "author": note.author}
                        for note in area.notes
                    ],
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
                    if (
                        not isinstance(text, str)
                        or validate_note_text(text)
                        or isinstance(votes, bool)
                        or not isinstance(votes, int)
                        or not 0 <= votes <= MAX_VOTES
                        or not isinstance(author, str)
                        or len(author) > MAX_AUTHOR_CHARS
                    ):
                        raise ValueError("invalid note")
                    notes.append(BoardNote(text=text, votes=votes, author=author))
                segment = area["segment"]
                if segment is not None and segment not in SEGMENT_KEYS:
                    raise ValueError("invalid segment")
                areas.append(
                    BoardArea(
                        id=str(area["id"]),
                        title=str(area["title"]),
                        segment=segment,
                        notes=tuple(notes),
                    )
                )
            preview = cls(
                source=str(data["source"]),  # type: ignore[index]
                areas=tuple(areas),
                empty_notes=int(data.get("empty_notes", 0)),  # type: ignore[union-attr]
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BoardFileError(
                ["the stored board preview is unreadable; upload the file again"]
            ) from error
        if preview.note_count > MAX_NOTES:
            raise BoardFileError(["the stored board preview holds too many notes"])
        return preview
