"""The downloadable import template: the columns with one example note per segment, as
CSV (UTF-8 with BOM, so Excel shows umlauts) and as an Excel workbook. Both import as
they are, so a team can start from them. Headers, segment labels and examples are in the
active language (maps.io.messages); the German headers and labels are names the reader
accepts too."""

from __future__ import annotations

import csv
import io

from maps.io.messages import gettext as _
from maps.io.messages import gettext_noop
from maps.segments import SEGMENT_LABELS

# The header's names, English msgids: "segment", "text", "votes", "author" in English.
_HEADER = (
    gettext_noop("segment"),
    gettext_noop("text"),
    gettext_noop("votes"),
    gettext_noop("author"),
)
_EXAMPLES: tuple[tuple[str, str, int, str], ...] = (
    ("sees", gettext_noop("Three competitors' brochures on the desk"), 2, "Lena"),
    ("says_does", gettext_noop("“We always compare three offers”"), 0, "Omar"),
    ("hears", gettext_noop("Colleagues say the old supplier was cheaper"), 1, ""),
    ("thinks_feels", gettext_noop("Worries about picking the wrong supplier"), 4, "Lena"),
    ("pains", gettext_noop("Approval takes weeks"), 5, ""),
    ("gains", gettext_noop("Fewer surprises at month end"), 3, "Omar"),
)


def template_rows() -> list[list[str]]:
    """The header and example rows; segments by their labels, as people type them."""
    rows = [[_(name) for name in _HEADER]]
    rows.extend(
        [_(SEGMENT_LABELS[segment]), _(text), str(votes), author]
        for segment, text, votes, author in _EXAMPLES
    )
    return rows


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(template_rows())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    # Imported here: openpyxl takes ~0.2 s to import, and only this download needs it.
    from openpyxl import Workbook
    from openpyxl.writer.excel import save_workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Notes"))
    for index, row in enumerate(template_rows()):
        sheet.append(
            [int(cell) if index and column == 2 else cell for column, cell in enumerate(row)]
        )
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()
