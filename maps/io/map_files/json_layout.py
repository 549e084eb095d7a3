"""The JSON layouts of a map file.

``[{"segment", "text", "votes"?, "author"?, "id"?}, ...]``, the same list under
``{"notes": [...]}`` (what ``export_json`` writes; its ``"map"`` object is ignored), or
``{"segments": {"<segment or alias>": ["text" | {...}, ...]}}``. Unknown keys in note
objects are ignored (board exports carry many).

Row numbers: ``row`` is the 1-based position in the notes list; in the
``{"segments": {...}}`` shape the notes are counted across segments in the order the
file lists them.
"""

from __future__ import annotations

import json

from maps.io.boards.formats import looks_like_board
from maps.io.map_files.rows import COLUMNS, RawRow, RowError, file_error, too_many_notes
from maps.io.messages import gettext as _
from maps.io.note_values import json_type_name, quoted
from maps.segments import resolve_segment


def json_rows(text: str, max_notes: int) -> tuple[list[RawRow], list[RowError]]:
    """The rows of a JSON map file, and the problems found outside any row."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise file_error(
            _("the file is not valid JSON: %(error)s at line %(line)s, column %(column)s")
            % {"error": error.msg, "line": error.lineno, "column": error.colno}
        ) from None
    except RecursionError:
        raise file_error(_("the JSON is nested too deeply to read")) from None
    except ValueError:
        # Python refuses to convert integers of more than 4,300 digits.
        raise file_error(_("the file is not valid JSON: a number is far too long")) from None

    if looks_like_board(document):
        raise file_error(
            _(
                "this is a Miro or Mural board export, not a map file: use “Import Miro/Mural "
                "board” on the map instead, which maps its frames or areas to segments"
            )
        )
    if isinstance(document, list):
        return _json_note_list(document, max_notes), []
    if isinstance(document, dict):
        if "notes" in document and "segments" in document:
            raise file_error(_('use either "notes" or "segments", not both'))
        if "notes" in document:
            notes = document["notes"]
            if not isinstance(notes, list):
                raise file_error(
                    _('"notes" must be a list, got %(type)s') % {"type": json_type_name(notes)}
                )
            return _json_note_list(notes, max_notes), []
        if "segments" in document:
            return _json_segments(document["segments"], max_notes)
    raise file_error(
        _(
            'expected a list of notes, {"notes": [...]} or {"segments": {"sees": [...], ...}}; '
            "got %(type)s"
        )
        % {"type": json_type_name(document)}
    )


def _json_note_list(items: list[object], max_notes: int) -> list[RawRow]:
    if len(items) > max_notes:
        raise too_many_notes(len(items), max_notes)
    rows: list[RawRow] = []
    for row, item in enumerate(items, start=1):
        if isinstance(item, dict):
            rows.append(RawRow(row, {key: item.get(key) for key in COLUMNS if key in item}))
        else:
            reason = _("expected an object with segment and text, got %(type)s") % {
                "type": json_type_name(item)
            }
            rows.append(RawRow(row, None, [RowError(row, None, reason)]))
    return rows


def _json_segments(segments: object, max_notes: int) -> tuple[list[RawRow], list[RowError]]:
    """``{"segments": {alias: [text | {"text", "votes"?, "author"?, "id"?}, ...]}}``."""
    if not isinstance(segments, dict):
        raise file_error(
            _('"segments" must be an object, got %(type)s') % {"type": json_type_name(segments)}
        )
    errors: list[RowError] = []
    counted = sum(len(items) for items in segments.values() if isinstance(items, list))
    if counted > max_notes:
        raise too_many_notes(counted, max_notes)
    rows: list[RawRow] = []
    for name, items in segments.items():
        if not isinstance(items, list):
            reason = _("the notes of segment %(name)s must be a list, got %(type)s") % {
                "name": quoted(name),
                "type": json_type_name(items),
            }
            errors.append(RowError(None, "segment", reason))
            continue
        for item in items:
            row = len(rows) + 1
            if isinstance(item, str):
                rows.append(RawRow(row, {"segment": name, "text": item}))
            elif isinstance(item, dict):
                values = {key: item.get(key) for key in COLUMNS if key in item}
                values["segment"] = name
                problems = []
                own = item.get("segment")
                if own is not None and (
                    not isinstance(own, str) or resolve_segment(own) != resolve_segment(name)
                ):
                    named = quoted(own) if isinstance(own, str) else json_type_name(own)
                    reason = _(
                        "the note is listed under %(listed)s but names segment %(named)s"
                    ) % {"listed": quoted(name), "named": named}
                    problems.append(RowError(row, "segment", reason))
                rows.append(RawRow(row, values, problems))
            else:
                reason = _("expected a note text or an object with text, got %(type)s") % {
                    "type": json_type_name(item)
                }
                rows.append(RawRow(row, None, [RowError(row, None, reason)]))
    return rows, errors
