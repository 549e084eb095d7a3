"""Recognising a board export by its shape: which tool wrote it, where its items are, and
whether the file holds the whole board or only one page of it.

Accepted shapes
    Miro REST API v2 ``GET /v2/boards/{id}/items``: one page ``{"data": [...], "cursor",
    "total", "links": {"next"}}``, a list of such pages, or pages saved one after another
    in one file. The API returns at most 50 items a call, so a page that still points to
    a next one (``cursor`` or ``links.next``) is refused rather than imported as if it
    were the board.
    Miro REST API v1: ``{"widgets": [...]}`` with ``STICKER``/``FRAME``/``SHAPE``.
    The ``miro-export`` tool (``-e json``): a list of Web SDK objects.
    Mural ``GET /murals/{id}/widgets``: ``{"value": [...], "next"}``, pages as for Miro.
Tags (for votes) may come as ``tag`` items or a top-level ``"tags"`` list; people's
names (for authors given by id) as a top-level ``"members"`` list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from maps.io.boards.items import MIRO_NOTE, MIRO_TAG, MIRO_V1_FRAME, MIRO_V1_NOTE, MURAL_NOTE_TYPES
from maps.io.messages import gettext as _
from maps.io.messages import gettext_noop, number
from maps.io.note_values import json_type_name

MAX_PAGES = 1_000  # 50 items a page: 50,000 items, far past a 2 MB file's worth of notes
_LIST_KEYS = ("data", "value", "widgets", "items")  # Miro v2, Mural, Miro v1/Mural, other

# English msgids (marked for makemessages); show them with maps.io.messages.gettext.
FORMAT_NAMES = {
    "miro_v2": gettext_noop("Miro REST API v2 items"),
    "miro_sdk": gettext_noop("Miro Web SDK items (miro-export)"),
    "miro_v1": gettext_noop("Miro REST API v1 widgets"),
    "mural": gettext_noop("Mural API widgets"),
}


def _expected() -> str:
    return _(
        "expected a Miro or Mural board export: Miro REST API v2 items "
        '({"data": [...]}, one page or a list of pages), Miro v1 widgets ({"widgets": '
        "[...]} with STICKER and FRAME), the miro-export tool's JSON (a list of "
        'sticky_note and frame objects), or Mural widgets ({"value": [...]})'
    )


def _map_file_hint() -> str:
    return _(
        "this is a Gapmap map file (notes with segment and text), not a board export: use "
        "“Import” (Excel, CSV or JSON) on the map instead"
    )


class NotABoard(ValueError):
    """The document is not a board export of a known shape; ``reason`` says why, and
    ``partial`` whether it is a board of which the file holds only some pages."""

    def __init__(self, reason: str, *, partial: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.partial = partial


@dataclass
class Document:
    """A board's items, from one page or many, and its tags by id."""

    items: list = field(default_factory=list)
    tags_by_id: dict[str, str] = field(default_factory=dict)
    people_by_id: dict[str, str] = field(default_factory=dict)
    pages: int = 0


def load_documents(text: str) -> list[object]:
    """The JSON values of a file: one, or several saved one after another (pages)."""
    try:
        return [json.loads(text)]
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise
    decoder = json.JSONDecoder()
    documents: list[object] = []
    position = 0
    while position < len(text):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            break
        if len(documents) >= MAX_PAGES:
            raise NotABoard(
                _("the file holds more than %(limit)s pages") % {"limit": number(MAX_PAGES)}
            )
        value, position = decoder.raw_decode(text, position)
        documents.append(value)
    return documents


def _page_items(page: dict) -> list | None:
    for key in _LIST_KEYS:
        value = page.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            # Mural exports may key widgets by id.
            return [{"id": key_id, **widget} for key_id, widget in value.items()]
    return None


def _next_page(page: dict) -> str | None:
    """The pointer to the page after this one, when the API said there is one."""
    links = page.get("links")
    candidates = [page.get("cursor"), page.get("next")]
    if isinstance(links, dict):
        candidates.append(links.get("next"))
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _is_page(value: object) -> bool:
    return isinstance(value, dict) and _page_items(value) is not None


def collect(documents: list[object]) -> Document:
    """Every item of the file's pages, in order, each item once; or raise NotABoard."""
    pages: list[dict] = []
    loose: list = []
    for document in documents:
        if isinstance(document, list) and document and all(_is_page(v) for v in document):
            pages.extend(document)
        elif _is_page(document):
            pages.append(document)  # type: ignore[arg-type]
        elif looks_like_map_file(document):
            raise NotABoard(_map_file_hint())
        elif isinstance(document, list):
            loose.extend(document)
        else:
            raise NotABoard(
                _("%(expected)s; got %(found)s")
                % {"expected": _expected(), "found": _describe(document)}
            )
    if len(pages) > MAX_PAGES:
        raise NotABoard(
            _("the file holds %(count)s pages; at most %(limit)s")
            % {"count": number(len(pages)), "limit": number(MAX_PAGES)}
        )
    result = Document(items=list(loose), pages=len(pages))
    seen: set[str] = set()
    total: int | None = None
    for page in pages:
        for item in _page_items(page) or []:
            item_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(item_id, str | int) and not isinstance(item_id, bool):
                if str(item_id) in seen:
                    continue  # a page saved twice
                seen.add(str(item_id))
            result.items.append(item)
        _collect_tags(page.get("tags"), result.tags_by_id)
        _collect_people(page.get("members"), result.people_by_id)
        if isinstance(page.get("total"), int) and not isinstance(page.get("total"), bool):
            total = max(total or 0, page["total"])
    # The board's last page is the one that points to no next page; saved in any order,
    # pages that all point further leave the rest of the board out.
    complete_by_total = total is not None and len(result.items) >= total
    if pages and all(_next_page(page) for page in pages) and not complete_by_total:
        advice = _(
            "its last page points to a next page (cursor, links.next or next). The API "
            "returns the board a page at a time (Miro: 50 items a call); request every page, "
            "following the cursor, and save them together as a list of pages"
        )
        if total:
            reason = _(
                "the file holds only part of the board (%(count)s of %(total)s items): %(advice)s"
            ) % {"count": number(len(result.items)), "total": number(total), "advice": advice}
        else:
            reason = _("the file holds only part of the board: %(advice)s") % {"advice": advice}
        raise NotABoard(reason, partial=True)
    if total is not None and len(result.items) < total:
        raise NotABoard(
            _(
                "the file holds %(count)s of the board's %(total)s items; save every page of "
                "the API's answer (a list of pages) and upload that"
            )
            % {"count": number(len(result.items)), "total": number(total)},
            partial=True,
        )
    for item in result.items:
        if isinstance(item, dict) and item.get("type") == MIRO_TAG:
            _collect_tags([item], result.tags_by_id)
    return result


def _collect_tags(tags: object, into: dict[str, str]) -> None:
    if not isinstance(tags, list):
        return
    for tag in tags:
        if isinstance(tag, dict) and tag.get("id") is not None:
            title = tag.get("title", tag.get("text"))
            if isinstance(title, str):
                into[str(tag["id"])] = title


def _collect_people(members: object, into: dict[str, str]) -> None:
    """Board members by id (Miro ``GET /v2/boards/{id}/members``: ``id``, ``name``)."""
    if not isinstance(members, list):
        return
    for member in members:
        if isinstance(member, dict) and member.get("id") is not None:
            name = member.get("name")
            if isinstance(name, str) and name.strip():
                into[str(member["id"])] = name


def detect_format(items: list) -> str:
    """Which export the items come from, by the type names of their sticky notes."""
    types = {item.get("type") for item in items if isinstance(item, dict)}
    if types & {MIRO_V1_NOTE, MIRO_V1_FRAME}:
        return "miro_v1"
    if MIRO_NOTE in types:
        first = next(i for i in items if isinstance(i, dict) and i.get("type") == MIRO_NOTE)
        return "miro_v2" if isinstance(first.get("data"), dict) else "miro_sdk"
    if types & MURAL_NOTE_TYPES:
        return "mural"
    raise NotABoard(_no_stickies(items, types))


def _no_stickies(items: list, types: set) -> str:
    if looks_like_map_file(items):
        return _map_file_hint()
    named = sorted(str(kind) for kind in types if isinstance(kind, str))[:8]
    if named:
        return _("no sticky notes found (item types found: %(types)s); %(expected)s") % {
            "types": ", ".join(named),
            "expected": _expected(),
        }
    return _("no sticky notes found; %(expected)s") % {"expected": _expected()}


def looks_like_map_file(value: object) -> bool:
    """Whether a JSON value is a Gapmap map file rather than a board."""
    if isinstance(value, dict):
        return "segments" in value or (
            isinstance(value.get("notes"), list) and looks_like_map_file(value["notes"])
        )
    if isinstance(value, list):
        sample = [item for item in value[:20] if isinstance(item, dict)]
        return bool(sample) and all("segment" in item and "text" in item for item in sample)
    return False


def looks_like_board(value: object) -> bool:
    """Whether a JSON value is a board export (for the map-file importer's hint)."""
    try:
        detect_format(collect([value]).items)
    except NotABoard as error:
        return error.partial
    return True


def _describe(document: object) -> str:
    if isinstance(document, dict):
        keys = ", ".join(repr(str(key))[:40] for key in list(document)[:6])
        return (
            _("an object with the keys %(keys)s") % {"keys": keys} if keys else _("an empty object")
        )
    return json_type_name(document)
