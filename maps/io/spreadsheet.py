"""Spreadsheet formulas in exported cells (OWASP ASVS 5.0 V1.2.10).

``neutralize_spreadsheet_cell`` prefixes ``'`` to a cell that starts with ``= + - @``
TAB, CR or NUL, so a spreadsheet shows the text instead of running it; the map-file
and comparison exports call it on every cell. Importing CSV removes exactly one such
``'`` again (``restore_spreadsheet_cell``, on any cell whose quotes are followed by one
of those characters), so CSV export -> import round-trips exactly. Cells that already
start with quotes before such a character get one more quote on export, which keeps
the mapping reversible. Consequence: a CSV cell typed as ``'=x`` imports as ``=x``, as
it would in a spreadsheet.
"""

from __future__ import annotations

import re

# Cells a spreadsheet would evaluate (OWASP); one optional run of quotes before them is
# part of the pattern so the neutralisation stays reversible (see the module docstring).
_FORMULA_START = re.compile(r"'*[=+\-@\t\r\x00]")
_NEUTRALISED_START = re.compile(r"'+[=+\-@\t\r\x00]")


def neutralize_spreadsheet_cell(value: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (OWASP ASVS V1.2.10)."""
    return "'" + value if _FORMULA_START.match(value) else value


def restore_spreadsheet_cell(cell: str) -> str:
    """Undo ``neutralize_spreadsheet_cell``: drop one ``'`` before a formula character."""
    # The first-character test spares the regex on almost every cell.
    return cell[1:] if cell[:1] == "'" and _NEUTRALISED_START.match(cell) else cell
