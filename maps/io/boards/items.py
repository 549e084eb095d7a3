"""Reading the items of a board: the boxes that may be areas, and the sticky notes with
their text, votes, author, colour, id and position, whichever export wrote them. Every
field a board gets wrong is reported with the item it belongs to, not only the first;
every item left out (an empty sticky, an image, a text box) is named with its reason.

The formats (``formats.py`` recognises them) are first brought to one shape here:

Miro REST API v2 (``sticky_note``, ``frame``, ``shape``; text in ``data.content``)
    positions are centres, relative to the parent frame (``parent.id``).
Miro Web SDK, as the ``miro-export`` tool writes it (the same types, but ``content``,
``title``, ``x``/``y``/``width``/``height`` and ``parentId`` at the top level)
    positions are centres relative to the parent; ``tagIds`` name ``tag`` items.
Miro REST API v1 (``STICKER``, ``FRAME``, ``SHAPE``; text in ``text``)
    positions are absolute centres; frames list their ``childrenIds``.
Mural (``sticky note``, ``area``; ``text`` is plain, ``htmlText`` is HTML)
    positions are top-left corners relative to the parent area (``parentId``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from maps.io.boards.preview import BoardNote
from maps.io.boards.text import area_title, clean_markup
from maps.io.limits import MAX_COLOUR_CHARS, MAX_ID_CHARS, MAX_REPORTED_ERRORS
from maps.io.note_values import (
    clean_author,
    clean_votes,
    json_type_name,
    normalize_note_text,
    quoted,
    validate_note_text,
)

MIRO_NOTE, MIRO_FRAME, MIRO_SHAPE, MIRO_TAG = "sticky_note", "frame", "shape", "tag"
MIRO_V1_NOTE, MIRO_V1_FRAME, MIRO_V1_SHAPE = "STICKER", "FRAME", "SHAPE"
MURAL_NOTE, MURAL_AREA = "sticky note", "area"
MURAL_NOTE_TYPES = frozenset({MURAL_NOTE, "sticky-note", "stickynote", "sticky_note"})

# Items that could have carried a note's text but are not sticky notes: named in the
# answer so nobody wonders where they went. Lines, connectors and groups are not.
_LEFT_OUT_KINDS: dict[str, str] = {
    "image": "an image: only sticky notes are imported",
    "text": "a text box, not a sticky note",
    "card": "a card, not a sticky note",
    "app_card": "a card, not a sticky note",
    "document": "a document, not a sticky note",
    "embed": "an embedded page, not a sticky note",
    "comment": "a comment, not a sticky note",
    "textbox": "a text box, not a sticky note",
    "file": "a file, not a sticky note",
}

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

    label: str  # how messages name it: "item 7 (id '345…')"
    note: BoardNote
    parent: str | None
    centre: tuple[float, float] | None


class Problems(list):
    """Every problem of a board, capped so a file of broken items cannot flood the page."""

    def add(self, message: str) -> None:
        if len(self) < MAX_REPORTED_ERRORS:
            self.append(message)


@dataclass
class BoardRead:
    """What the items of a board hold: areas, stickies, and what was left out and why."""

    boxes: list[Box] = field(default_factory=list)
    stickies: list[Sticky] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    empty: int = 0

    def leave_out(self, label: str, reason: str) -> None:
        if len(self.left_out) < MAX_REPORTED_ERRORS:
            self.left_out.append((label, reason))


# --- fields -------------------------------------------------------------------------------


def label_of(index: int, item: Mapping) -> str:
    item_id = item.get("id")
    shown = f" (id {quoted(str(item_id), 30)})" if isinstance(item_id, str | int) else ""
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
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        problems.add(f"{label}: {within}{key} must be a finite number")
        return None
    return number


def _dict(item: Mapping, key: str, label: str, problems: Problems) -> dict:
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(f"{label}: {key} must be an object, got {json_type_name(value)}")
        return {}
    return value


def _item_id(item: Mapping, index: int) -> str:
    raw = item.get("id")
    if isinstance(raw, str | int) and not isinstance(raw, bool) and str(raw).strip():
        return str(raw).strip()[:MAX_ID_CHARS]
    return f"item-{index + 1}"


def _source_id(item: Mapping) -> str:
    """The board's own id of a sticky, kept so a re-import updates the note."""
    raw = item.get("id")
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return ""
    text = str(raw).strip()
    return text if len(text) <= MAX_ID_CHARS and "\x00" not in text else ""


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


def _note_text(raw: str | None, label: str, problems: Problems, *, html: bool) -> str | None:
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


def _tag_names(item: Mapping, tags_by_id: Mapping[str, str]) -> list[str]:
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


def _votes(
    item: Mapping, data: Mapping, label: str, problems: Problems, tags_by_id: Mapping[str, str]
) -> int:
    raw = item.get("votes", data.get("votes"))
    if isinstance(raw, list):
        raw = len(raw)  # a list of voters
    if raw is None:
        for tag in _tag_names(item, tags_by_id):
            match = _VOTE_TAG.match(tag)
            if match:
                raw = next(group for group in match.groups() if group)
                break
    votes, reason = clean_votes(raw)
    if reason:
        problems.add(f"{label}: {reason}")
    return votes


def _author(item: Mapping, data: Mapping, label: str, problems: Problems) -> str:
    """A person's name where the export has one: ``author``, or ``createdBy`` with a
    name, first and last name, or a visitor's alias (Mural). Miro gives only user ids,
    which are no names and are not shown."""
    raw = item.get("author", data.get("author"))
    created_by = item.get("createdBy")
    if raw is None and isinstance(created_by, dict):
        raw = created_by.get("name")
        if raw is None:
            parts = [created_by.get("firstName"), created_by.get("lastName")]
            raw = " ".join(part for part in parts if isinstance(part, str) and part) or None
        if raw is None and isinstance(created_by.get("alias"), str):
            raw = created_by["alias"]
    if isinstance(raw, str):
        raw = " ".join(raw.split())
    elif raw is not None and not isinstance(raw, str):
        raw = None if isinstance(raw, int | float) else raw  # an id number is no name
    author, reason = clean_author(raw)
    if reason:
        problems.add(f"{label}: {reason}")
    return author


def _colour(*candidates: object) -> str:
    for value in candidates:
        if isinstance(value, str) and value.strip() and len(value.strip()) <= MAX_COLOUR_CHARS:
            colour = value.strip()
            if colour.lower() != "transparent" and "\x00" not in colour:
                return colour
    return ""


def _box_from_centre(
    x: float | None, y: float | None, width: float | None, height: float | None
) -> tuple[float, float, float, float] | None:
    if None in (x, y, width, height):
        return None
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)  # type: ignore[operator]


# --- one reader per format ------------------------------------------------------------------


def _other(read: BoardRead, index: int, item: Mapping, kind: object) -> None:
    reason = _LEFT_OUT_KINDS.get(str(kind).lower()) if isinstance(kind, str) else None
    if reason:
        read.leave_out(label_of(index, item), reason)


def _add_sticky(
    read: BoardRead,
    *,
    label: str,
    text: str | None,
    item: Mapping,
    data: Mapping,
    parent: str | None,
    centre: tuple[float, float] | None,
    colour: str,
    problems: Problems,
    tags_by_id: Mapping[str, str],
) -> None:
    votes = _votes(item, data, label, problems, tags_by_id)
    author = _author(item, data, label, problems)
    if text == "":
        read.empty += 1
        read.leave_out(label, "an empty sticky note")
    elif text is not None:
        note = BoardNote(
            text=text, votes=votes, author=author, source_id=_source_id(item), colour=colour
        )
        read.stickies.append(Sticky(label, note, parent, centre))


def read_miro(
    items: list, problems: Problems, tags_by_id: Mapping[str, str], *, sdk: bool = False
) -> BoardRead:
    """Miro v2 items, or the Web SDK's (``sdk``: fields at the top level, as miro-export
    writes them). Frames and titled shapes may be areas."""
    read = BoardRead()
    # A frame lists its children; an item may lack its own parent field (Web SDK).
    listed = _parents_by_children(items, MIRO_FRAME)
    for index, item in _objects(items, problems):
        kind = item.get("type")
        if kind not in (MIRO_NOTE, MIRO_FRAME, MIRO_SHAPE):
            _other(read, index, item, kind)
            continue
        label = label_of(index, item)
        data = item if sdk else _dict(item, "data", label, problems)
        position = item if sdk else _dict(item, "position", label, problems)
        geometry = item if sdk else _dict(item, "geometry", label, problems)
        style = _dict(item, "style", label, problems)
        within = ("", "", "") if sdk else ("data.", "position.", "geometry.")
        x = _number(position, "x", label, problems, within=within[1])
        y = _number(position, "y", label, problems, within=within[1])
        centre = (x, y) if x is not None and y is not None else None
        parent = _parent_id(item, label, problems) or listed.get(_item_id(item, index))
        if kind == MIRO_NOTE:
            raw = _str_field(data, "content", label, problems, within=within[0])
            text = _note_text(raw, label, problems, html=True)
            colour = _colour(style.get("fillColor"), style.get("backgroundColor"))
            _add_sticky(
                read,
                label=label,
                text=text,
                item=item,
                data=data,
                parent=parent,
                centre=centre,
                colour=colour,
                problems=problems,
                tags_by_id=tags_by_id,
            )
            continue
        title_key = "title" if kind == MIRO_FRAME else "content"
        title = area_title(_str_field(data, title_key, label, problems, within=within[0]))
        if kind == MIRO_SHAPE and not title:
            continue  # an untitled rectangle is decoration
        width = _number(geometry, "width", label, problems, within=within[2])
        height = _number(geometry, "height", label, problems, within=within[2])
        read.boxes.append(
            Box(_item_id(item, index), title, parent, _box_from_centre(x, y, width, height), kind)
        )
    return read


def read_miro_v1(items: list, problems: Problems, tags_by_id: Mapping[str, str]) -> BoardRead:
    """Miro REST API v1 widgets: absolute centres, frames list their children."""
    read = BoardRead()
    parents = _parents_by_children(items, MIRO_V1_FRAME)
    for index, item in _objects(items, problems):
        kind = item.get("type")
        if kind not in (MIRO_V1_NOTE, MIRO_V1_FRAME, MIRO_V1_SHAPE):
            _other(read, index, item, kind)
            continue
        label = label_of(index, item)
        style = _dict(item, "style", label, problems)
        bounds = _dict(item, "bounds", label, problems)
        x, y = _number(item, "x", label, problems), _number(item, "y", label, problems)
        centre = (x, y) if x is not None and y is not None else None
        item_id = _item_id(item, index)
        parent = parents.get(item_id) if kind != MIRO_V1_FRAME else None
        if kind == MIRO_V1_NOTE:
            raw = _str_field(item, "text", label, problems)
            html = raw is not None
            if not raw:
                raw, html = _str_field(item, "plainText", label, problems), False
            text = _note_text(raw, label, problems, html=html)
            _add_sticky(
                read,
                label=label,
                text=text,
                item=item,
                data={},
                parent=parent,
                centre=centre,
                colour=_colour(style.get("stickerBackgroundColor"), style.get("backgroundColor")),
                problems=problems,
                tags_by_id=tags_by_id,
            )
            continue
        title_key = "title" if kind == MIRO_V1_FRAME else "text"
        title = area_title(_str_field(item, title_key, label, problems))
        if kind == MIRO_V1_SHAPE and not title:
            continue
        box = None
        left = _number(bounds, "left", label, problems)
        top = _number(bounds, "top", label, problems)
        right = _number(bounds, "right", label, problems)
        bottom = _number(bounds, "bottom", label, problems)
        if None not in (left, top, right, bottom):
            box = (left, top, right, bottom)
        else:
            width = _number(item, "width", label, problems)
            height = _number(item, "height", label, problems)
            box = _box_from_centre(x, y, width, height)
        kind_name = MIRO_FRAME if kind == MIRO_V1_FRAME else MIRO_SHAPE
        read.boxes.append(Box(item_id, title, parent, box, kind_name))  # type: ignore[arg-type]
    return read


def read_mural(items: list, problems: Problems, tags_by_id: Mapping[str, str]) -> BoardRead:
    """Mural widgets: areas, sticky notes (``text`` plain, else ``htmlText``)."""
    read = BoardRead()
    for index, item in _objects(items, problems):
        kind = item.get("type")
        if kind not in MURAL_NOTE_TYPES and kind != MURAL_AREA:
            _other(read, index, item, kind)
            continue
        label = label_of(index, item)
        x, y = _number(item, "x", label, problems), _number(item, "y", label, problems)
        width = _number(item, "width", label, problems)
        height = _number(item, "height", label, problems)
        box = None
        if x is not None and y is not None and width is not None and height is not None:
            box = (x, y, x + width, y + height)
        parent = _parent_id(item, label, problems)
        if kind != MURAL_AREA:
            plain = _str_field(item, "text", label, problems)
            text = _note_text(plain, label, problems, html=False)
            if text == "":
                html = _str_field(item, "htmlText", label, problems)
                text = _note_text(html, label, problems, html=True)
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else None
            if centre is None and x is not None and y is not None:
                centre = (x, y)
            style = _dict(item, "style", label, problems)
            _add_sticky(
                read,
                label=label,
                text=text,
                item=item,
                data={},
                parent=parent,
                centre=centre,
                colour=_colour(style.get("backgroundColor")),
                problems=problems,
                tags_by_id=tags_by_id,
            )
            continue
        title = area_title(_str_field(item, "title", label, problems))
        read.boxes.append(Box(_item_id(item, index), title, parent, box, "area"))
    return read


def _parents_by_children(items: list, frame_type: str) -> dict[str, str]:
    """Each item's frame, from the frames' ``childrenIds`` (the first frame listing it)."""
    parents: dict[str, str] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or item.get("type") != frame_type:
            continue
        children = item.get("childrenIds")
        if isinstance(children, list):
            for child in children:
                if isinstance(child, str | int) and not isinstance(child, bool):
                    parents.setdefault(str(child), _item_id(item, index))
    return parents


def _objects(items: Iterable[object], problems: Problems) -> Iterable[tuple[int, dict]]:
    """Each item with its index; an item that is not an object is a problem."""
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield index, item
        else:
            problems.add(f"item {index + 1}: expected an object, got {json_type_name(item)}")
