"""Mapping a board's areas to segments: the user fixes or overrides what the titles
resolved to, or skips an area; nothing is imported while an area with notes is unmapped."""

from __future__ import annotations

from collections.abc import Mapping

from maps.io.boards.preview import (
    OUTSIDE_ID,
    OUTSIDE_TITLE,
    BoardArea,
    BoardFileError,
    BoardNote,
    BoardPreview,
)
from maps.io.messages import both, either, ngettext
from maps.io.messages import gettext as _
from maps.io.note_values import quoted
from maps.segments import SEGMENT_KEYS, SEGMENT_LABELS, resolve_segment

SKIP = "skip"  # mapping value that leaves an area's notes out


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
    for named, value in mapping.items():
        # The pseudo-area's title is shown translated; its English title names it too.
        key = OUTSIDE_ID if named == OUTSIDE_TITLE and OUTSIDE_ID in ids else named
        if key not in ids and key not in titles:
            problems.append(
                _("the mapping names %(key)s, which is no area of this board")
                % {"key": quoted(str(key))}
            )
            continue
        resolved = resolve_mapping_value(value)
        if resolved is None:
            problems.append(
                _("area %(area)s: unknown segment %(value)s; use one of %(segments)s")
                % {
                    "area": quoted(str(key)),
                    "value": quoted(str(value)),
                    "segments": either([*SEGMENT_KEYS, f'"{SKIP}"']),
                }
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
                ngettext(
                    "area %(area)s (%(count)s note) %(why)s",
                    "area %(area)s (%(count)s notes) %(why)s",
                    len(area.notes),
                )
                % {"area": quoted(area.title), "count": len(area.notes), "why": why_unmapped(area)}
            )
        elif segment != SKIP:
            assigned.extend((segment, note) for note in area.notes)
    if problems:
        raise BoardFileError(problems)
    if not assigned:
        raise BoardFileError([_("every area is skipped; there are no notes to import")])
    return assigned


def why_unmapped(area: BoardArea) -> str:
    """Why an area needs the person's choice, and what to answer."""
    segments = either([*SEGMENT_KEYS, f'"{SKIP}"'])
    if area.ambiguous:
        named = both([_(SEGMENT_LABELS[key]) for key in area.candidates])
        return _("has a title that could mean %(named)s: map it to one of %(segments)s") % {
            "named": named,
            "segments": segments,
        }
    return _("has no segment: map it to one of %(segments)s") % {"segments": segments}


def describe(preview: BoardPreview, mapping: Mapping[str, str]) -> dict:
    """The preview as plain data for a dry run: each area with the segment its title
    matched and the segment it ends with after ``mapping``, and whether an import with
    this mapping would go through (``ready``) or what stops it (``problems``)."""
    resolved_areas, _problems = apply_mapping(preview, mapping)
    try:
        assigned = assign_segments(preview, mapping)
    except BoardFileError as error:
        problems, importing = error.problems, 0
    else:
        problems, importing = [], len(assigned)
    return {
        "source": preview.source,
        "format": preview.format,
        "note_count": preview.note_count,
        "empty_notes": preview.empty_notes,
        "left_out": left_out_dicts(preview),
        "importing": importing,
        "ready": not problems,
        "problems": problems,
        "unknown_areas": [area.title for area in preview.unknown_areas],
        "ambiguous_areas": [
            {"title": area.title, "could_be": list(area.candidates)}
            for area in preview.areas
            if area.ambiguous
        ],
        "areas": [
            {
                "id": area.id,
                "title": area.title,
                "detected_segment": area.segment,
                "could_be": list(area.candidates),
                "segment": segment,
                "note_count": len(area.notes),
                "notes": [note.to_dict() for note in area.notes],
            }
            for area, segment in resolved_areas
        ],
    }


def left_out_dicts(preview: BoardPreview) -> list[dict[str, str]]:
    """What the board held that is not imported, each item with its reason."""
    return [{"item": label, "reason": reason} for label, reason in preview.left_out]


def unmapped_areas(preview: BoardPreview, mapping: Mapping[str, str]) -> list[dict]:
    """The areas still without a segment after ``mapping``, as plain data for the API's
    answer: id, title, how many notes, and the segments an ambiguous title could mean."""
    resolved_areas, _problems = apply_mapping(preview, mapping)
    return [
        {
            "id": area.id,
            "title": area.title,
            "note_count": len(area.notes),
            "could_be": list(area.candidates),
        }
        for area, segment in resolved_areas
        if segment is None
    ]
