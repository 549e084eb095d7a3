"""A report's next actions as files: CSV, and Markdown to paste into a wiki or a ticket.

In the active language (the caller sets the report's own); the CSV's column names are
keys for scripts and stay as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from comparison.models import ActionKind, NextAction, Report
from comparison.templatetags.verdict_tags import action_kind_label, translated_segment_label
from maps.io.spreadsheet import neutralize_spreadsheet_cell

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
            action_kind_label(action.kind),
            translated_segment_label(action.segment),
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
        "# " + _("Next actions: %(persona)s") % {"persona": _md(pair.internal_map.persona.name)},
        "",
        _("From the comparison of %(internal)s with %(customer)s.")
        % {"internal": _md(pair.internal_map.title), "customer": _md(pair.customer_map.title)},
        "",
    ]
    questions = [a for a in actions if a.kind == ActionKind.HOW_MIGHT_WE]
    cards = [a for a in actions if a.kind == ActionKind.TEST_CARD]
    if questions:
        lines += ["## " + _("How might we…"), ""]
        for action in questions:
            where = translated_segment_label(action.segment)
            lines.append(f"- {_md(action.question)}" + (f" ({_md(where)})" if where else ""))
        lines.append("")
    if cards:
        lines += ["## " + _("Test cards"), ""]
        for number, action in enumerate(cards, 1):
            lines += [
                "### " + _("Test card %(number)s") % {"number": number},
                "",
                f"- **{_('We believe that')}** {_md(action.hypothesis)}",
                f"- **{_('To verify that, we will')}** {_md(action.test)}",
                f"- **{_('And measure')}** {_md(action.metric)}",
                f"- **{_('We are right if')}** {_md(action.criterion)}",
                "",
            ]
    if not actions:
        lines += [_("No next actions yet."), ""]
    return "\n".join(lines)
