"""Reads of the comparison side (nothing here writes), scoped by the user's workspaces.

- `reports`: `reports_for(user)`, the choke-point every report read starts from, review
  decisions, commentaries and the recorded seal (re-exported here);
- `dashboard`: the latest succeeded report per pair of a workspace, and the most-voted
  notes of those reports;
- `rounds`: a persona's rounds, its reports per round and the maps of given rounds;
- `notes`: the notes a report compared, from its match rows;
- `polarity`: "same topic, opposite feeling" findings of a report;
- `suggestions`: a report's evidence suggestions and those awaiting review.

What a page shows is assembled from these in `comparison.pages`.
"""

from comparison.selectors.reports import (
    ReportSeal,
    decisions_for,
    latest_report,
    report_commentaries,
    report_commentary_blocks,
    report_seal,
    reports_for,
)
from comparison.selectors.suggestions import (
    awaits_review,
    report_suggestions,
    suggestions_awaiting_review,
)

__all__ = [
    "ReportSeal",
    "awaits_review",
    "decisions_for",
    "latest_report",
    "report_commentaries",
    "report_commentary_blocks",
    "report_seal",
    "reports_for",
    "report_suggestions",
    "suggestions_awaiting_review",
]
