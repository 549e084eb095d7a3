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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from maps.io.boards.fields import (
    Lookups,
    Problems,
    box_from_centre,
    label_of,
    read_author,
    read_colour,
    read_dict,
    read_item_id,
    read_note_text,
    read_number,
    read_parent_id,
    read_source_id,
    read_str,
    read_votes,
)
from maps.io.boards.preview import BoardNote
from maps.io.boards.text import area_title
from maps.io.limits import MAX_REPORTED_ERRORS
from maps.io.messages import gettext as _
from maps.io.messages import gettext_noop
from maps.io.note_values import json_type_name

MIRO_NOTE, MIRO_FRAME, MIRO_SHAPE, MIRO_TAG = "sticky_note", "frame", "shape", "tag"
MIRO_V1_NOTE, MIRO_V1_FRAME, MIRO_V1_SHAPE = "STICKER", "FRAME", "SHAPE"
MURAL_NOTE, MURAL_AREA = "sticky note", "area"
MURAL_NOTE_TYPES = frozenset({MURAL_NOTE, "sticky-note", "stickynote", "sticky_note"})

# Items that could have carried a note's text but are not sticky notes: named in the
# answer so nobody wonders where they went. Lines, connectors and groups are not.
# English msgids, translated when an item is left out.
IMAGE_LEFT_OUT = gettext_noop("an image: only sticky notes are imported")
_LEFT_OUT_KINDS: dict[str, str] = {
    "image": IMAGE_LEFT_OUT,
    "text": gettext_noop("a text box, not a sticky note"),
    "card": gettext_noop("a card, not a sticky note"),
    "app_card": gettext_noop("a card, not a sticky note"),
    "document": gettext_noop("a document, not a sticky note"),
    "embed": gettext_noop("an embedded page, not a sticky note"),
    "comment": gettext_noop("a comment, not a sticky note"),
    "textbox": gettext_noop("a text box, not a sticky note"),
    "file": gettext_noop("a file, not a sticky note"),
}


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


# --- one reader per format ------------------------------------------------------------------


def _other(read: BoardRead, index: int, item: Mapping, kind: object) -> None:
    reason = _LEFT_OUT_KINDS.get(str(kind).lower()) if isinstance(kind, str) else None
    if reason:
        read.leave_out(label_of(index, item), _(reason))


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
    lookups: Lookups,
) -> None:
    votes = read_votes(item, data, label, problems, lookups.tags)
    author = read_author(item, data, label, problems, lookups.people)
    if text == "":
        read.empty += 1
        read.leave_out(label, _("an empty sticky note"))
    elif text is not None:
        note = BoardNote(
            text=text, votes=votes, author=author, source_id=read_source_id(item), colour=colour
        )
        read.stickies.append(Sticky(label, note, parent, centre))


def read_miro(items: list, problems: Problems, lookups: Lookups, *, sdk: bool = False) -> BoardRead:
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
        data = item if sdk else read_dict(item, "data", label, problems)
        position = item if sdk else read_dict(item, "position", label, problems)
        geometry = item if sdk else read_dict(item, "geometry", label, problems)
        style = read_dict(item, "style", label, problems)
        within = ("", "", "") if sdk else ("data.", "position.", "geometry.")
        x = read_number(position, "x", label, problems, within=within[1])
        y = read_number(position, "y", label, problems, within=within[1])
        centre = (x, y) if x is not None and y is not None else None
        parent = read_parent_id(item, label, problems) or listed.get(read_item_id(item, index))
        if kind == MIRO_NOTE:
            raw = read_str(data, "content", label, problems, within=within[0])
            text = read_note_text(raw, label, problems, html=True)
            colour = read_colour(style.get("fillColor"), style.get("backgroundColor"))
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
                lookups=lookups,
            )
            continue
        title_key = "title" if kind == MIRO_FRAME else "content"
        title = area_title(read_str(data, title_key, label, problems, within=within[0]))
        if kind == MIRO_SHAPE and not title:
            continue  # an untitled rectangle is decoration
        width = read_number(geometry, "width", label, problems, within=within[2])
        height = read_number(geometry, "height", label, problems, within=within[2])
        read.boxes.append(
            Box(
                read_item_id(item, index), title, parent, box_from_centre(x, y, width, height), kind
            )
        )
    return read


def read_miro_v1(items: list, problems: Problems, lookups: Lookups) -> BoardRead:
    """Miro REST API v1 widgets: absolute centres, frames list their children."""
    read = BoardRead()
    parents = _parents_by_children(items, MIRO_V1_FRAME)
    for index, item in _objects(items, problems):
        kind = item.get("type")
        if kind not in (MIRO_V1_NOTE, MIRO_V1_FRAME, MIRO_V1_SHAPE):
            _other(read, index, item, kind)
            continue
        label = label_of(index, item)
        style = read_dict(item, "style", label, problems)
        bounds = read_dict(item, "bounds", label, problems)
        x, y = read_number(item, "x", label, problems), read_number(item, "y", label, problems)
        centre = (x, y) if x is not None and y is not None else None
        item_id = read_item_id(item, index)
        parent = parents.get(item_id) if kind != MIRO_V1_FRAME else None
        if kind == MIRO_V1_NOTE:
            raw = read_str(item, "text", label, problems)
            html = raw is not None
            if not raw:
                raw, html = read_str(item, "plainText", label, problems), False
            text = read_note_text(raw, label, problems, html=html)
            _add_sticky(
                read,
                label=label,
                text=text,
                item=item,
                data={},
                parent=parent,
                centre=centre,
                colour=read_colour(
                    style.get("stickerBackgroundColor"), style.get("backgroundColor")
                ),
                problems=problems,
                lookups=lookups,
            )
            continue
        title_key = "title" if kind == MIRO_V1_FRAME else "text"
        title = area_title(read_str(item, title_key, label, problems))
        if kind == MIRO_V1_SHAPE and not title:
            continue
        box = None
        left = read_number(bounds, "left", label, problems)
        top = read_number(bounds, "top", label, problems)
        right = read_number(bounds, "right", label, problems)
        bottom = read_number(bounds, "bottom", label, problems)
        if None not in (left, top, right, bottom):
            box = (left, top, right, bottom)
        else:
            width = read_number(item, "width", label, problems)
            height = read_number(item, "height", label, problems)
            box = box_from_centre(x, y, width, height)
        kind_name = MIRO_FRAME if kind == MIRO_V1_FRAME else MIRO_SHAPE
        read.boxes.append(Box(item_id, title, parent, box, kind_name))  # type: ignore[arg-type]
    return read


def read_mural(items: list, problems: Problems, lookups: Lookups) -> BoardRead:
    """Mural widgets: areas, sticky notes (``text`` plain, else ``htmlText``)."""
    read = BoardRead()
    for index, item in _objects(items, problems):
        kind = item.get("type")
        if kind not in MURAL_NOTE_TYPES and kind != MURAL_AREA:
            _other(read, index, item, kind)
            continue
        label = label_of(index, item)
        x, y = read_number(item, "x", label, problems), read_number(item, "y", label, problems)
        width = read_number(item, "width", label, problems)
        height = read_number(item, "height", label, problems)
        box = None
        if x is not None and y is not None and width is not None and height is not None:
            box = (x, y, x + width, y + height)
        parent = read_parent_id(item, label, problems)
        if kind != MURAL_AREA:
            plain = read_str(item, "text", label, problems)
            text = read_note_text(plain, label, problems, html=False)
            if text == "":
                html = read_str(item, "htmlText", label, problems)
                text = read_note_text(html, label, problems, html=True)
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else None
            if centre is None and x is not None and y is not None:
                centre = (x, y)
            style = read_dict(item, "style", label, problems)
            _add_sticky(
                read,
                label=label,
                text=text,
                item=item,
                data={},
                parent=parent,
                centre=centre,
                colour=read_colour(style.get("backgroundColor")),
                problems=problems,
                lookups=lookups,
            )
            continue
        title = area_title(read_str(item, "title", label, problems))
        read.boxes.append(Box(read_item_id(item, index), title, parent, box, "area"))
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
                    parents.setdefault(str(child), read_item_id(item, index))
    return parents


def _objects(items: Iterable[object], problems: Problems) -> Iterable[tuple[int, dict]]:
    """Each item with its index; an item that is not an object is a problem."""
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield index, item
        else:
            problems.add(
                _("item %(number)s: expected an object, got %(type)s")
                % {"number": index + 1, "type": json_type_name(item)}
            )
