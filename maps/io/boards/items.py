"""Reading Miro items and Mural widgets: the boxes that may be areas, and the sticky
notes with their text, votes, author and position. Every field a board gets wrong is
reported with the item it belongs to, not only the first."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from maps.io.boards.preview import BoardNote
from maps.io.boards.text import area_title, clean_markup
from maps.io.limits import MAX_REPORTED_ERRORS
from maps.io.note_values import (
    clean_author,
    clean_votes,
    json_type_name,
    normalize_note_text,
    quoted,
    validate_note_text,
)

MIRO_NOTE, MIRO_FRAME, MIRO_SHAPE = "sticky_note", "frame", "shape"
MURAL_NOTE, MURAL_AREA = "sticky note", "area"
_MURAL_TYPES = frozenset({MURAL_NOTE, "sticky-note", "stickynote", MURAL_AREA})
_LIST_KEYS = ("data", "items", "widgets", "value")  # Miro API, exports, Mural, Mural API

# Tags that carry dot votes: "3 votes", "votes: 3", "+3", "3 Stimmen", "Punkte 2".
_VOTE_TAG = re.compile(
    r"^\s*(?:(?:votes?|stimmen|punkte|dots?)\s*[:=]?\s*\+?(\d{1,7})"
    r"|\+?(\d{1,7})\s*(?:votes?|stimmen|punkte|dots?)|\+(\d{1,7}))\s*$",
    re.IGNORECASE,
)


@dataclass
class Box:
    """An area candidate: its id, title, parent and box (left, top, right, bottom)."""

    id: str
    title: str
    parent: str | None
    box: tuple[float, float, float, float] | None
    kind: str  # "frame", "shape" or "area"
    notes: list[BoardNote] = field(default_factory=list)

    def contains(self, point: tuple[float, float]) -> bool:
        if self.box is None:
            return False
        left, top, right, bottom = self.box
        return left <= point[0] <= right and top <= point[1] <= bottom

    @property
    def size(self) -> float:
        if self.box is None:
            return float("inf")
        left, top, right, bottom = self.box
        return (right - left) * (bottom - top)


@dataclass
class Sticky:
    """A sticky note as read, before it is placed in an area."""

    label: str  # how messages name it: "item 7 (id 345…)"
    text: str
    votes: int
    author: str
    parent: str | None
    centre: tuple[float, float] | None


class Problems(list):
    """Every problem of a board, capped so a file of broken items cannot flood the page."""

    def add(self, message: str) -> None:
        if len(self) < MAX_REPORTED_ERRORS:
            self.append(message)


def board_items(document: object) -> list | None:
    """The list of items or widgets of an export, wherever the source puts it; None if none."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in _LIST_KEYS:
            value = document.get(key)
            if isinstance(value, list):
                return value
            if isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()):
                # Mural exports may key widgets by id.
                return [{"id": key_id, **widget} for key_id, widget in value.items()]
    return None


def detect_source(items: list) -> str | None:
    """ "miro" or "mural" by the type names of the sticky notes; None when there are none."""
    types = {item.get("type") for item in items if isinstance(item, dict)}
    if MIRO_NOTE in types:
        return "miro"
    if types & (_MURAL_TYPES - {MURAL_AREA}):
        return "mural"
    return None


def _label(index: int, item: dict) -> str:
    item_id = item.get("id")
    shown = f" (id {quoted(str(item_id), 30)})" if item_id is not None else ""
    return f"item {index + 1}{shown}"


def _str_field(
    item: Mapping, key: str, label: str, problems: Problems, *, within: str = ""
) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(f"{label}: {within}{key} must be text, got {json_type_name(value)}")
        return None
    return value


def _number(
    container: Mapping, key: str, label: str, problems: Problems, *, within: str = ""
) -> float | None:
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(f"{label}: {within}{key} must be a number, got {json_type_name(value)}")
        return None
    return float(value)


def _dict(item: Mapping, key: str, label: str, problems: Problems) -> dict:
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(f"{label}: {key} must be an object, got {json_type_name(value)}")
        return {}
    return value


def _parent_id(item: Mapping, label: str, problems: Problems) -> str | None:
    parent = item.get("parent")
    if isinstance(parent, dict) and parent.get("id") is not None:
        return str(parent["id"])
    for key in ("parentId", "parent_id"):
        if item.get(key) not in (None, ""):
            return str(item[key])
    if parent is not None and not isinstance(parent, dict):
        problems.add(f"{label}: parent must be an object with an id")
    return None


def _note_text(raw: str | None, label: str, problems: Problems) -> str | None:
    """Cleaned text, "" for an empty sticky, None (with a problem) for an invalid one."""
    text = normalize_note_text(clean_markup(raw or ""))
    if not text:
        return ""
    reason = validate_note_text(text)
    if reason:
        problems.add(f"{label}: {reason}")
        return None
    return text


def _votes(item: Mapping, data: Mapping, label: str, problems: Problems) -> int:
    raw = item.get("votes", data.get("votes"))
    if isinstance(raw, list):
        raw = len(raw)  # a list of voters
    if raw is None:
        for tag in _tags(item):
            match = _VOTE_TAG.match(tag)
            if match:
                raw = next(group for group in match.groups() if group)
                break
    votes, reason = clean_votes(raw)
    if reason:
        problems.add(f"{label}: {reason}")
    return votes


def _tags(item: Mapping) -> Iterable[str]:
    tags = item.get("tags")
    if not isinstance(tags, list):
        return []
    names = []
    for tag in tags:
        if isinstance(tag, str):
            names.append(tag)
        elif isinstance(tag, dict) and isinstance(tag.get("title"), str):
            names.append(tag["title"])
    return names


def _author(item: Mapping, data: Mapping, label: str, problems: Problems) -> str:
    raw = item.get("author", data.get("author"))
    created_by = item.get("createdBy")
    if raw is None and isinstance(created_by, dict):
        raw = created_by.get("name")
        if raw is None:
            parts = [created_by.get("firstName"), created_by.get("lastName")]
            raw = " ".join(part for part in parts if isinstance(part, str) and part) or None
    if isinstance(raw, str):
        raw = " ".join(raw.split())
    author, reason = clean_author(raw)
    if reason:
        problems.add(f"{label}: {reason}")
    return author


def _items_of_types(
    items: list, types: Collection[str], problems: Problems
) -> Iterator[tuple[int, dict, str]]:
    """The board's items of these types, each with its index and type; an item that is
    not an object is a problem, other types are passed over."""
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.add(f"item {index + 1}: expected an object, got {json_type_name(item)}")
            continue
        kind = item.get("type")
        if kind in types:
            yield index, item, kind


def read_miro(items: list, problems: Problems) -> tuple[list[Box], list[Sticky], int]:
    """Frames and titled shapes, sticky notes, and the number of empty stickies left out."""
    boxes: list[Box] = []
    stickies: list[Sticky] = []
    empty = 0
    # Text, cards, connectors, images…: not part of the map.
    for index, item, kind in _items_of_types(items, (MIRO_NOTE, MIRO_FRAME, MIRO_SHAPE), problems):
        label = _label(index, item)
        data = _dict(item, "data", label, problems)
        position = _dict(item, "position", label, problems)
        geometry = _dict(item, "geometry", label, problems)
        x, y = (
            _number(position, "x", label, problems, within="position."),
            _number(position, "y", label, problems, within="position."),
        )
        centre = (x, y) if x is not None and y is not None else None
        parent = _parent_id(item, label, problems)
        if kind == MIRO_NOTE:
            text = _note_text(
                _str_field(data, "content", label, problems, within="data."), label, problems
            )
            votes = _votes(item, data, label, problems)
            author = _author(item, data, label, problems)
            if text == "":
                empty += 1
            elif text is not None:
                stickies.append(Sticky(label, text, votes, author, parent, centre))
            continue
        title_key = "title" if kind == MIRO_FRAME else "content"
        title = area_title(_str_field(data, title_key, label, problems, within="data."))
        if kind == MIRO_SHAPE and not title:
            continue  # an untitled rectangle is decoration
        width = _number(geometry, "width", label, problems, within="geometry.")
        height = _number(geometry, "height", label, problems, within="geometry.")
        box = None
        if centre is not None and width is not None and height is not None:
            box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
        item_id = str(item["id"]) if item.get("id") is not None else f"item-{index + 1}"
        boxes.append(Box(item_id, title, parent, box, kind))
    return boxes, stickies, empty


def read_mural(items: list, problems: Problems) -> tuple[list[Box], list[Sticky], int]:
    """Areas, sticky notes, and the number of empty stickies left out."""
    boxes: list[Box] = []
    stickies: list[Sticky] = []
    empty = 0
    for index, item, kind in _items_of_types(items, _MURAL_TYPES, problems):
        label = _label(index, item)
        x, y = _number(item, "x", label, problems), _number(item, "y", label, problems)
        width = _number(item, "width", label, problems)
        height = _number(item, "height", label, problems)
        box = None
        if None not in (x, y, width, height):
            box = (x, y, x + width, y + height)
        parent = _parent_id(item, label, problems)
        if kind != MURAL_AREA:
            raw = _str_field(item, "text", label, problems)
            if raw is None:
                raw = _str_field(item, "htmlText", label, problems)
            text = _note_text(raw, label, problems)
            votes = _votes(item, {}, label, problems)
            author = _author(item, {}, label, problems)
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else None
            if centre is None and x is not None and y is not None:
                centre = (x, y)
            if text == "":
                empty += 1
            elif text is not None:
                stickies.append(Sticky(label, text, votes, author, parent, centre))
            continue
        title = area_title(_str_field(item, "title", label, problems))
        item_id = str(item["id"]) if item.get("id") is not None else f"item-{index + 1}"
        boxes.append(Box(item_id, title, parent, box, "area"))
    return boxes, stickies, empty
