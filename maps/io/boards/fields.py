"""The fields of a board item, read with every problem reported against the item: text,
numbers, parents, ids, votes (counts, voters, vote tags), authors and colours."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from maps.io.boards.text import clean_markup
from maps.io.limits import MAX_COLOUR_CHARS, MAX_ID_CHARS, MAX_REPORTED_ERRORS
from maps.io.messages import gettext as _
from maps.io.note_values import (
    clean_author,
    clean_votes,
    json_type_name,
    normalize_note_text,
    quoted,
    validate_note_text,
)

# Tags that carry dot votes: "3 votes", "votes: 3", "+3", "3 Stimmen", "Punkte 2".
_VOTE_TAG = re.compile(
    r"^\s*(?:(?:votes?|stimmen|punkte|dots?)\s*[:=]?\s*\+?(\d{1,7})"
    r"|\+?(\d{1,7})\s*(?:votes?|stimmen|punkte|dots?)|\+(\d{1,7}))\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Lookups:
    """What a board lists beside its items, by id: tag names (votes may be tags) and
    people's names (an item's ``createdBy`` may be only an id)."""

    tags: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)


class Problems(list):
    """Every problem of a board, capped so a file of broken items cannot flood the page."""

    def add(self, message: str) -> None:
        if len(self) < MAX_REPORTED_ERRORS:
            self.append(message)


def label_of(index: int, item: Mapping) -> str:
    item_id = item.get("id")
    if isinstance(item_id, str | int):
        return _("item %(number)s (id %(id)s)") % {
            "number": index + 1,
            "id": quoted(str(item_id), 30),
        }
    return _("item %(number)s") % {"number": index + 1}


def read_str(
    item: Mapping, key: str, label: str, problems: Problems, *, within: str = ""
) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(
            _("%(item)s: %(field)s must be text, got %(type)s")
            % {"item": label, "field": within + key, "type": json_type_name(value)}
        )
        return None
    return value


def read_number(
    container: Mapping, key: str, label: str, problems: Problems, *, within: str = ""
) -> float | None:
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(
            _("%(item)s: %(field)s must be a number, got %(type)s")
            % {"item": label, "field": within + key, "type": json_type_name(value)}
        )
        return None
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        problems.add(
            _("%(item)s: %(field)s must be a finite number")
            % {"item": label, "field": within + key}
        )
        return None
    return number


def read_dict(item: Mapping, key: str, label: str, problems: Problems) -> dict:
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(
            _("%(item)s: %(field)s must be an object, got %(type)s")
            % {"item": label, "field": key, "type": json_type_name(value)}
        )
        return {}
    return value


def read_item_id(item: Mapping, index: int) -> str:
    raw = item.get("id")
    if isinstance(raw, str | int) and not isinstance(raw, bool) and str(raw).strip():
        return str(raw).strip()[:MAX_ID_CHARS]
    return f"item-{index + 1}"


def read_source_id(item: Mapping) -> str:
    """The board's own id of a sticky, kept so a re-import updates the note."""
    raw = item.get("id")
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return ""
    text = str(raw).strip()
    return text if len(text) <= MAX_ID_CHARS and "\x00" not in text else ""


def read_parent_id(item: Mapping, label: str, problems: Problems) -> str | None:
    parent = item.get("parent")
    if isinstance(parent, dict) and parent.get("id") is not None:
        return str(parent["id"])
    for key in ("parentId", "parent_id"):
        if item.get(key) not in (None, ""):
            return str(item[key])
    if parent is not None and not isinstance(parent, dict):
        problems.add(_("%(item)s: parent must be an object with an id") % {"item": label})
    return None


def read_note_text(raw: str | None, label: str, problems: Problems, *, html: bool) -> str | None:
    """Cleaned text, "" for an empty sticky, None (with a problem) for an invalid one.

    Only HTML goes through the markup cleaner: plain text such as Mural's ``text`` keeps
    what its author typed, "<Enter>" included."""
    cleaned = clean_markup(raw or "") if html else " ".join((raw or "").split())
    text = normalize_note_text(cleaned)
    if not text:
        return ""
    reason = validate_note_text(text)
    if reason:
        problems.add(f"{label}: {reason}")
        return None
    return text


def read_tag_names(item: Mapping, tags_by_id: Mapping[str, str]) -> list[str]:
    """The names of a sticky's tags: given inline (names or objects with a title or text)
    or by id (``tagIds``, or ids in ``tags``) resolved through the board's tag list."""
    names: list[str] = []
    for key in ("tags", "tagIds"):
        tags = item.get(key)
        if not isinstance(tags, list):
            continue
        for tag in tags:
            if isinstance(tag, str | int) and not isinstance(tag, bool):
                names.append(tags_by_id.get(str(tag), str(tag)))
            elif isinstance(tag, dict):
                title = tag.get("title", tag.get("text"))
                if isinstance(title, str):
                    names.append(title)
                elif tag.get("id") is not None:
                    names.append(tags_by_id.get(str(tag["id"]), ""))
    return names


def read_votes(
    item: Mapping, data: Mapping, label: str, problems: Problems, tags_by_id: Mapping[str, str]
) -> int:
    raw = item.get("votes", data.get("votes"))
    if isinstance(raw, list):
        raw = len(raw)  # a list of voters
    if raw is None:
        for tag in read_tag_names(item, tags_by_id):
            match = _VOTE_TAG.match(tag)
            if match:
                raw = next(group for group in match.groups() if group)
                break
    votes, reason = clean_votes(raw)
    if reason:
        problems.add(f"{label}: {reason}")
    return votes


def read_author(
    item: Mapping, data: Mapping, label: str, problems: Problems, people: Mapping[str, str]
) -> str:
    """A person's name where the export has one: ``author``, or ``createdBy`` with a
    name, first and last name, or a visitor's alias (Mural); a ``createdBy`` that is only
    an id (Miro) is named when the board's member list names it. An id alone is no name
    and is not shown."""
    raw = item.get("author", data.get("author"))
    created_by = item.get("createdBy")
    if raw is None and isinstance(created_by, dict):
        raw = created_by.get("name")
        if raw is None:
            parts = [created_by.get("firstName"), created_by.get("lastName")]
            raw = " ".join(part for part in parts if isinstance(part, str) and part) or None
        if raw is None and isinstance(created_by.get("alias"), str):
            raw = created_by["alias"]
        if raw is None and created_by.get("id") is not None:
            raw = people.get(str(created_by["id"]))
    elif raw is None and isinstance(created_by, str | int) and not isinstance(created_by, bool):
        raw = people.get(str(created_by))
    if isinstance(raw, str):
        raw = " ".join(raw.split())
    elif raw is not None and not isinstance(raw, str):
        raw = None if isinstance(raw, int | float) else raw  # an id number is no name
    author, reason = clean_author(raw)
    if reason:
        problems.add(f"{label}: {reason}")
    return author


def read_colour(*candidates: object) -> str:
    for value in candidates:
        if isinstance(value, str) and value.strip() and len(value.strip()) <= MAX_COLOUR_CHARS:
            colour = value.strip()
            if colour.lower() != "transparent" and "\x00" not in colour:
                return colour
    return ""


def box_from_centre(
    x: float | None, y: float | None, width: float | None, height: float | None
) -> tuple[float, float, float, float] | None:
    if None in (x, y, width, height):
        return None
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)  # type: ignore[operator]
