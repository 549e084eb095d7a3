"""What the CSV and JSON readers of a map file produce: raw rows before validation,
parsed notes after it, and the errors that name a row and column a person can look up."""

from __future__ import annotations

from dataclasses import dataclass, field

from maps.io.messages import gettext as _
from maps.io.messages import number

COLUMNS: tuple[str, ...] = ("segment", "text", "votes", "author", "id")


@dataclass(frozen=True)
class ParsedNote:
    """One valid note of an imported file, normalised and ready to store."""

    row: int
    segment: str
    text: str
    votes: int = 0
    author: str = ""
    id: str | None = None


@dataclass(frozen=True)
class RowError:
    """One problem in a map file; ``row`` and ``column`` are None for file-level problems."""

    row: int | None
    column: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class MapFileError(ValueError):
    """A map file that cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        # The list is the only constructor argument so the exception pickles (Celery).
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        shown = "; ".join(_describe(error) for error in self.errors[:5])
        if len(self.errors) > 5:
            return _("the map file cannot be imported: %(problems)s (and %(more)s more)") % {
                "problems": shown,
                "more": number(len(self.errors) - 5),
            }
        return _("the map file cannot be imported: %(problems)s") % {"problems": shown}


@dataclass
class RawRow:
    """One note as the file spells it, before validation.

    ``values`` holds the fields that are present (a missing field is absent, not
    None); it is None when the row could not be read at all, and ``problems`` holds
    what the format layer already found wrong.
    """

    row: int
    values: dict[str, object] | None
    problems: list[RowError] = field(default_factory=list)


def file_error(reason: str) -> MapFileError:
    """A problem of the whole file (size, encoding, layout): no row or column to name."""
    return MapFileError([RowError(row=None, column=None, reason=reason)])


def _describe(error: RowError) -> str:
    if error.row is not None and error.column:
        where = _("row %(row)s, %(column)s") % {"row": error.row, "column": error.column}
    elif error.row is not None:
        where = _("row %(row)s") % {"row": error.row}
    else:
        where = error.column or ""
    return f"{where}: {error.reason}" if where else error.reason


def too_many_notes(count: int, max_notes: int) -> MapFileError:
    return file_error(
        _("the file has %(count)s notes; a map holds at most %(limit)s")
        % {"count": number(count), "limit": number(max_notes)}
    )
