"""Read Miro and Mural board exports into a preview of areas and their sticky notes.

Pure Python (no Django import), like ``maps.importers``: it only parses and validates,
it never stores anything. The web page and the API show the preview, let the user fix
the segment of each area, then hand the notes to ``services.notes_bulk_create``.

Contract
    ``parse_board`` returns a ``BoardPreview`` or raises ``BoardFileError`` listing
    every problem found (capped at ``importers.MAX_REPORTED_ERRORS``), each naming the
    item (its position in the file and its board id) and what is wrong. No other
    exception escapes for any input.

Miro (REST API v2 items, ``{"data": [...]}``, ``{"items": [...]}`` or a plain list)
    ``frame`` items are areas, titled by ``data.title``. ``shape`` items with text
    (``data.content``) are areas too when sticky notes lie inside them, for boards
    drawn with rectangles instead of frames. ``sticky_note`` items carry HTML in
    ``data.content``; a note belongs to the frame named by ``parent.id`` (or
    ``parentId``), or else to the smallest titled shape whose box contains its centre
    (Miro positions are item centres, relative to the same parent).

Mural (widgets, ``{"value": [...]}``, ``{"widgets": [...] | {id: widget}}`` or a list)
    ``area`` widgets are areas, titled by ``title``. ``sticky note`` widgets carry
    ``text`` (or ``htmlText``); a note belongs to the area named by ``parentId``, or
    else to the smallest area whose box contains its centre (Mural positions are
    top-left corners).

Both
    Votes come from ``votes`` (a number, or a list of voters) or a tag such as
    ``"3 votes"``, ``"+3"`` or ``"Stimmen: 3"``; authors from ``author`` or
    ``createdBy`` (``name``, or ``firstName`` and ``lastName``). Sticky text is
    cleaned of markup: tags are removed (``<script>`` and ``<style>`` with their
    content), entities are unescaped and whitespace collapses to single spaces.
    Notes empty after cleaning are left out and counted. Notes in no area are
    collected in a pseudo-area titled ``OUTSIDE_TITLE``. Area titles map to segments
    through the English and German aliases of ``maps.segments``; areas whose title
    matches none are "unknown" and must be mapped (or skipped) before importing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from maps import importers
from maps.segments import SEGMENT_KEYS, resolve_segment

MAX_FILE_BYTES = importers.MAX_FILE_BYTES  # the same 2 MB as CSV/JSON imports
MAX_NOTES = importers.MAX_NOTES_PER_MAP  # a board cannot bring more than a map holds
MAX_NOTE_CHARS = importers.MAX_NOTE_CHARS
MAX_TITLE_CHARS = 200  # longer "titles" are paragraphs of text, shown shortened
SKIP = "skip"  # mapping value that leaves an area's notes out
OUTSIDE_ID = "outside"
OUTSIDE_TITLE = "(outside any frame or area)"

MIRO_NOTE, MIRO_FRAME, MIRO_SHAPE = "sticky_note", "frame", "shape"
MURAL_NOTE, MURAL_AREA = "sticky note", "area"
_MIRO_TYPES = frozenset({MIRO_NOTE, MIRO_FRAME})
_MURAL_TYPES = frozenset({MURAL_NOTE, "sticky-note", "stickynote", MURAL_AREA})
_LIST_KEYS = ("data", "items", "widgets", "value")  # Miro API, exports, Mural, Mural API

# Tags that carry dot votes: "3 votes", "votes: 3", "+3", "3 Stimmen", "Punkte 2".
_VOTE_TAG = re.compile(
    r"^\s*(?:(?:votes?|stimmen|punkte|dots?)\s*[:=]?\s*\+?(\d{1,7})"
    r"|\+?(\d{1,7})\s*(?:votes?|stimmen|punkte|dots?)|\+(\d{1,7}))\s*$",
    re.IGNORECASE,
)
# Title parts worth trying alone: "2. Pains – what frustrates them?" -> "Pains".
_TITLE_SPLIT = re.compile(r"\s*(?:[:–—|?!()\[\]/\n]|\s-\s)\s*")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s*")
_WORD = re.compile(r"\w+")

# The CSV/JSON importer's own decoding, value rules and message helpers, so board and
# file imports accept, refuse and explain exactly the same things.
_decode = importers._decode
_type_name = importers._type_name
_shown = importers._shown
_clean_votes = importers._clean_votes
_clean_author = importers._clean_author


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
                        or importers.validate_note_text(text)
                        or isinstance(votes, bool)
                        or not isinstance(votes, int)
                        or not 0 <= votes <= importers.MAX_VOTES
                        or not isinstance(author, str)
                        or len(author) > importers.MAX_AUTHOR_CHARS
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


# --- text ---------------------------------------------------------------------------------


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment, dropping tags and the content of the
    elements that are code, not text. Entities are unescaped (convert_charrefs)."""

    _DROPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
    # Block elements and line breaks separate words: "<p>a</p><p>b</p>" is "a b".
    _BREAKS = frozenset(
        {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "blockquote", "hr"}
        | {f"h{level}" for level in range(1, 7)}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._DROPPED:
            self._dropping += 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._DROPPED:
            self._dropping = max(self._dropping - 1, 0)
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(data)


def clean_markup(value: str) -> str:
    """Plain text of a sticky's HTML: tags removed, entities unescaped, whitespace collapsed.

    ``<p>Too <b>many</b> tools</p>`` becomes ``Too many tools``. Text the author typed
    that looks like markup (``&lt;b&gt;`` in the export) stays as the characters they
    typed; like every note it is escaped wherever it is shown.
    """
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    # str.split() also splits on non-breaking spaces (&nbsp;) and other Unicode blanks.
    return " ".join("".join(parser.parts).split())


def segment_for_title(title: str) -> str | None:
    """The segment an area title names, through the English and German aliases.

    Tries the whole title, then its parts ("2. Pains – what hurts?" -> "Pains"),
    then its single words when exactly one segment is named ("Was sieht der Kunde?").
    A title naming two segments ("Pains and gains") or none is unknown (None).
    """
    candidates = [title, *_TITLE_SPLIT.split(title)]
    for candidate in candidates:
        candidate = _NUMBERING.sub("", candidate).strip()
        if candidate:
            key = resolve_segment(candidate)
            if key is not None:
                return key
    named = {resolve_segment(word) for word in _WORD.findall(title)} - {None}
    return named.pop() if len(named) == 1 else None


# --- parsing ------------------------------------------------------------------------------


@dataclass
class _Box:
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
class _Sticky:
    label: str  # how messages name it: "item 7 (id 345…)"
    text: str
    votes: int
    author: str
    parent: str | None
    centre: tuple[float, float] | None


class _Problems(list):
    def add(self, message: str) -> None:
        if len(self) < importers.MAX_REPORTED_ERRORS:
            self.append(message)


def parse_board(data: bytes, *, filename: str = "") -> BoardPreview:
    """Parse a Miro or Mural JSON export into a preview, or raise BoardFileError.

    ``filename`` only improves messages; the format is recognised from the content.
    """
    name = f"{filename}: " if filename else ""
    if len(data) > MAX_FILE_BYTES:
        raise BoardFileError(
            [
                f"{name}the file is {len(data):,} bytes; at most 2 MB "
                f"({MAX_FILE_BYTES:,} bytes) can be imported"
            ]
        )
    try:
        text = _decode(data)
    except importers.MapFileError as error:
        raise BoardFileError([f"{name}{row.reason}" for row in error.errors]) from None
    if not text.strip():
        raise BoardFileError([f"{name}the file is empty"])
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoardFileError(
            [
                f"{name}not valid JSON: {error.msg} at line {error.lineno}, column "
                f"{error.colno}; export the board as JSON from Miro or Mural"
            ]
        ) from None
    except RecursionError:
        raise BoardFileError([f"{name}the JSON is nested too deeply"]) from None
    items = _items(document)
    if items is None:
        raise BoardFileError(
            [
                f"{name}expected a list of board items, or an object with one under "
                f'"data", "items", "widgets" or "value"; got {_type_name(document)}'
            ]
        )
    source = _detect_source(items)
    if source is None:
        raise BoardFileError(
            [
                f"{name}no sticky notes found: expected a Miro export (items of type "
                f'"sticky_note" inside "frame" items) or a Mural export (widgets of type '
                '"sticky note" inside "area" widgets)'
            ]
        )
    problems = _Problems()
    if source == "miro":
        boxes, stickies, empty = _read_miro(items, problems)
    else:
        boxes, stickies, empty = _read_mural(items, problems)
    if len(stickies) > MAX_NOTES:
        raise BoardFileError(
            [
                f"{name}the board has {len(stickies):,} sticky notes; a map holds at most "
                f"{MAX_NOTES:,}"
            ]
        )
    areas = _place(boxes, stickies)
    if problems:
        raise BoardFileError([f"{name}{problem}" for problem in problems])
    if not stickies:
        raise BoardFileError([f"{name}the board's sticky notes are all empty; nothing to import"])
    return BoardPreview(source=source, areas=tuple(areas), empty_notes=empty)


def _items(document: object) -> list | None:
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


def _detect_source(items: list) -> str | None:
    types = {item.get("type") for item in items if isinstance(item, dict)}
    if MIRO_NOTE in types:
        return "miro"
    if types & (_MURAL_TYPES - {MURAL_AREA}):
        return "mural"
    return None


def _label(index: int, item: dict) -> str:
    item_id = item.get("id")
    shown = f" (id {_shown(str(item_id), 30)})" if item_id is not None else ""
    return f"item {index + 1}{shown}"


def _str_field(
    item: Mapping, key: str, label: str, problems: _Problems, *, within: str = ""
) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(f"{label}: {within}{key} must be text, got {_type_name(value)}")
        return None
    return value


def _number(
    container: Mapping, key: str, label: str, problems: _Problems, *, within: str = ""
) -> float | None:
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(f"{label}: {within}{key} must be a number, got {_type_name(value)}")
        return None
    return float(value)


def _dict(item: Mapping, key: str, label: str, problems: _Problems) -> dict:
    value = item.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(f"{label}: {key} must be an object, got {_type_name(value)}")
        return {}
    return value


def _parent_id(item: Mapping, label: str, problems: _Problems) -> str | None:
    parent = item.get("parent")
    if isinstance(parent, dict) and parent.get("id") is not None:
        return str(parent["id"])
    for key in ("parentId", "parent_id"):
        if item.get(key) not in (None, ""):
            return str(item[key])
    if parent is not None and not isinstance(parent, dict):
        problems.add(f"{label}: parent must be an object with an id")
    return None


def _title(raw: str | None) -> str:
    title = clean_markup(raw or "")
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    return title


def _note_text(raw: str | None, label: str, problems: _Problems) -> str | None:
    """Cleaned text, "" for an empty sticky, None (with a problem) for an invalid one."""
    text = importers.normalize_note_text(clean_markup(raw or ""))
    if not text:
        return ""
    reason = importers.validate_note_text(text)
    if reason:
        problems.add(f"{label}: {reason}")
        return None
    return text


def _votes(item: Mapping, data: Mapping, label: str, problems: _Problems) -> int:
    raw = item.get("votes", data.get("votes"))
    if isinstance(raw, list):
        raw = len(raw)  # a list of voters
    if raw is None:
        for tag in _tags(item):
            match = _VOTE_TAG.match(tag)
            if match:
                raw = next(group for group in match.groups() if group)
                break
    votes, reason = _clean_votes(raw)
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


def _author(item: Mapping, data: Mapping, label: str, problems: _Problems) -> str:
    raw = item.get("author", data.get("author"))
    created_by = item.get("createdBy")
    if raw is None and isinstance(created_by, dict):
        raw = created_by.get("name")
        if raw is None:
            parts = [created_by.get("firstName"), created_by.get("lastName")]
            raw = " ".join(part for part in parts if isinstance(part, str) and part) or None
    if isinstance(raw, str):
        raw = " ".join(raw.split())
    author, reason = _clean_author(raw)
    if reason:
        problems.add(f"{label}: {reason}")
    return author


def _read_miro(items: list, problems: _Problems) -> tuple[list[_Box], list[_Sticky], int]:
    boxes: list[_Box] = []
    stickies: list[_Sticky] = []
    empty = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.add(f"item {index + 1}: expected an object, got {_type_name(item)}")
            continue
        kind = item.get("type")
        if kind not in (MIRO_NOTE, MIRO_FRAME, MIRO_SHAPE):
            continue  # text, cards, connectors, images…: not part of the map
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
                stickies.append(_Sticky(label, text, votes, author, parent, centre))
            continue
        title_key = "title" if kind == MIRO_FRAME else "content"
        title = _title(_str_field(data, title_key, label, problems, within="data."))
        if kind == MIRO_SHAPE and not title:
            continue  # an untitled rectangle is decoration
        width = _number(geometry, "width", label, problems, within="geometry.")
        height = _number(geometry, "height", label, problems, within="geometry.")
        box = None
        if centre is not None and width is not None and height is not None:
            box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
        item_id = str(item["id"]) if item.get("id") is not None else f"item-{index + 1}"
        boxes.append(_Box(item_id, title, parent, box, kind))
    return boxes, stickies, empty


def _read_mural(items: list, problems: _Problems) -> tuple[list[_Box], list[_Sticky], int]:
    boxes: list[_Box] = []
    stickies: list[_Sticky] = []
    empty = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.add(f"item {index + 1}: expected an object, got {_type_name(item)}")
            continue
        kind = item.get("type")
        if kind not in _MURAL_TYPES:
            continue
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
                stickies.append(_Sticky(label, text, votes, author, parent, centre))
            continue
        title = _title(_str_field(item, "title", label, problems))
        item_id = str(item["id"]) if item.get("id") is not None else f"item-{index + 1}"
        boxes.append(_Box(item_id, title, parent, box, "area"))
    return boxes, stickies, empty


def _place(boxes: list[_Box], stickies: list[_Sticky]) -> list[BoardArea]:
    """Put each sticky into its area; returns the areas that received notes, in file order.

    A sticky with a parent belongs to it, unless a titled shape (Miro) under the same
    parent contains it: a board drawn with rectangles inside one big frame means the
    rectangles. A sticky without a parent goes to the smallest area containing it
    (nested areas: the inner one).
    """
    by_id = {box.id: box for box in boxes}
    outside = _Box(OUTSIDE_ID, OUTSIDE_TITLE, None, None, "outside")
    for sticky in stickies:
        home = None
        if sticky.centre is not None:
            containing = [
                box
                for box in boxes
                if box.parent == sticky.parent
                and (box.kind == MIRO_SHAPE or sticky.parent is None)
                and box.contains(sticky.centre)
            ]
            if containing:
                home = min(containing, key=lambda box: box.size)
        if home is None and sticky.parent is not None:
            home = by_id.get(sticky.parent)
        (home or outside).notes.append(
            BoardNote(text=sticky.text, votes=sticky.votes, author=sticky.author)
        )
    areas = []
    for box in [*boxes, outside]:
        if not box.notes:
            continue  # empty frames and decorative shapes have nothing to map
        title = box.title or ("(untitled frame)" if box.kind == MIRO_FRAME else "(untitled area)")
        segment = segment_for_title(box.title) if box.kind != "outside" else None
        areas.append(BoardArea(id=box.id, title=title, segment=segment, notes=tuple(box.notes)))
    return areas


# --- mapping -----------------------------------------------------------------------------


def resolve_mapping_value(value: object) -> str | None:
    """A segment key for a mapping value (key, label or alias), SKIP, or None if invalid."""
    if not isinstance(value, str):
        return None
    if value.strip().casefold() in ("", SKIP):
        return SKIP
    return resolve_segment(value)


def apply_mapping(
    preview: BoardPreview, mapping: Mapping[str, str]
) -> tuple[list[tuple[BoardArea, str | None]], list[str]]:
    """Each area with the segment it ends with (a key, ``SKIP``, or None when still
    unknown), and the problems of the mapping itself.

    ``mapping`` is keyed by area id or title (id wins) and gives a segment (key, label
    or alias) or ``"skip"``/``""`` to leave the area out. It overrides the segment the
    title resolved to. A key naming no area and a value naming no segment are problems.
    """
    problems: list[str] = []
    ids = {area.id for area in preview.areas}
    titles = {area.title for area in preview.areas}
    chosen: dict[str, str] = {}
    for key, value in mapping.items():
        if key not in ids and key not in titles:
            problems.append(f"the mapping names {_shown(str(key))}, which is no area of this board")
            continue
        resolved = resolve_mapping_value(value)
        if resolved is None:
            problems.append(
                f"area {_shown(str(key))}: unknown segment {_shown(str(value))}; use one of "
                f'{", ".join(SEGMENT_KEYS)} or "{SKIP}"'
            )
            continue
        chosen[key] = resolved
    resolved_areas = [
        (area, chosen.get(area.id) or chosen.get(area.title) or area.segment)
        for area in preview.areas
    ]
    return resolved_areas, problems


def assign_segments(
    preview: BoardPreview, mapping: Mapping[str, str]
) -> list[tuple[str, BoardNote]]:
    """The notes to store, each with its segment, after applying ``mapping``
    (see ``apply_mapping``).

    Raises BoardFileError naming every area still without a segment, every invalid
    value and every key that names no area; nothing is half-applied.
    """
    resolved_areas, problems = apply_mapping(preview, mapping)
    assigned: list[tuple[str, BoardNote]] = []
    for area, segment in resolved_areas:
        if segment is None:
            problems.append(
                f"area {_shown(area.title)} ({len(area.notes)} notes) has no segment: map it "
                f'to one of {", ".join(SEGMENT_KEYS)} or "{SKIP}"'
            )
        elif segment != SKIP:
            assigned.extend((segment, note) for note in area.notes)
    if problems:
        raise BoardFileError(problems)
    if not assigned:
        raise BoardFileError(["every area is skipped; there are no notes to import"])
    return assigned


def describe(preview: BoardPreview, mapping: Mapping[str, str]) -> dict:
    """The preview as plain data for a dry run: each area with the segment its title
    matched and the segment it ends with after ``mapping``, and whether an import with
    this mapping would go through (``ready``) or what stops it (``problems``)."""
    resolved_areas, _ = apply_mapping(preview, mapping)
    try:
        assigned = assign_segments(preview, mapping)
    except BoardFileError as error:
        problems, importing = error.problems, 0
    else:
        problems, importing = [], len(assigned)
    return {
        "source": preview.source,
        "note_count": preview.note_count,
        "empty_notes": preview.empty_notes,
        "importing": importing,
        "ready": not problems,
        "problems": problems,
        "unknown_areas": [area.title for area in preview.unknown_areas],
        "areas": [
            {
                "id": area.id,
                "title": area.title,
                "detected_segment": area.segment,
                "segment": segment,
                "note_count": len(area.notes),
                "notes": [
                    {"text": note.text, "votes": note.votes, "author": note.author}
                    for note in area.notes
                ],
            }
            for area, segment in resolved_areas
        ],
    }
