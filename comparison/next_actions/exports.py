"""A report's next actions as files: CSV, and Markdown to paste into a wiki or a ticket."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from comparison.models import ActionKind, NextAction, Report
from maps.io.spreadsheet import neutralize_spreadsheet_cell
from maps.segments import SEGMENT_LABELS

CSV_COLUMNS = (
    "position",
    "kind",
    "segment",
    "question",
    "hypothesis",
    "test",
    "metric",
    "criterion",
    "carried_to_map",
)


def actions_csv(actions: Sequence[NextAction]) -> str:
    """The actions as CSV; every cell neutralised against formula injection (a spreadsheet
    runs cells starting with = + - @ TAB CR)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for number, action in enumerate(actions, 1):
        carried = action.carried_to_note.map.title if action.carried_to_note_id else ""
        cells = (
            str(number),
            action.get_kind_display(),
            SEGMENT_LABELS.get(action.segment, action.segment),
            action.question,
            action.hypothesis,
            action.test,
            action.metric,
            action.criterion,
            carried,
        )
        writer.writerow([neutralize_spreadsheet_cell(cell) for cell in cells])
    return buffer.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def _md(text: str) -> str:
    """Text as literal Markdown: one line, every markup character backslash-escaped, so
    a note cannot add headings, links or HTML to the exported file."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def actions_markdown(report: Report, actions: Sequence[NextAction]) -> str:
    pair = report.pair
    lines = [
        f"# Next actions: {_md(pair.internal_map.persona.name)}",
        "",
        f"From the comparison of {_md(pair.internal_map.title)} with "
        f"{_md(pair.customer_map.title)}.",
        "",
    ]
    questions = [a for a in actions if a.kind == ActionKind.HOW_MIGHT_WE]
    cards = [a for a in actions if a.kind == ActionKind.TEST_CARD]
    if questions:
        lines += ["## How might we…", ""]
        for action in questions:
            where = SEGMENT_LABELS.get(action.segment, "")
            lines.append(f"- {_md(action.question)}" + (f" ({_md(where)})" if where else ""))
        lines.append("")
    if cards:
        lines += ["## Test cards", ""]
        for number, action in enumerate(cards, 1):
            lines += [
                f"### Test card {number}",
                "",
                f"- **We believe that** {_md(action.hypothesis)}",
                f"- **To verify that, we will** {_md(action.test)}",
                f"- **And measure** {_md(action.metric)}",
                f"- **We are right if** {_md(action.criterion)}",
                "",
            ]
    if not actions:
        lines += ["No next actions yet.", ""]
    return "\n".join(lines)
