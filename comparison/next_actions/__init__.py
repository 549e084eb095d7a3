"""Next actions drawn from a report: "How might we…" questions and test cards, carried
into the next round's map.

`services` writes (and holds the limits), `selectors` reads, `exports` formats the list
as CSV and Markdown. The names below are the package's public interface.
"""

from comparison.next_actions.exports import CSV_COLUMNS, actions_csv, actions_markdown
from comparison.next_actions.selectors import carry_targets, report_actions
from comparison.next_actions.services import (
    EDITABLE_FIELDS,
    FIELD_LIMITS,
    MAX_ACTIONS_PER_REPORT,
    MAX_DRAFT_ACTIONS,
    DraftOutcome,
    carried_text,
    how_might_we,
    next_action_create,
    next_action_delete,
    next_action_move,
    next_action_update,
    next_actions_carry,
    next_actions_draft,
)

__all__ = [
    "CSV_COLUMNS",
    "EDITABLE_FIELDS",
    "FIELD_LIMITS",
    "MAX_ACTIONS_PER_REPORT",
    "MAX_DRAFT_ACTIONS",
    "DraftOutcome",
    "actions_csv",
    "actions_markdown",
    "carried_text",
    "carry_targets",
    "how_might_we",
    "next_action_create",
    "next_action_delete",
    "next_action_move",
    "next_action_update",
    "next_actions_carry",
    "next_actions_draft",
    "report_actions",
]
