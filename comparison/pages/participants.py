"""Per-participant overconfidence of one report: per author of its hypotheses, how many,
how many no customer supported, and their share of the anticipated customer notes. The
page names people: owners and editors only (the view checks)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from comparison.models import MatchKind, Report, Verdict
from comparison.scores import share
from comparison.selectors.notes import customer_key, note_authors, report_rows_with_also

# In English; shown through `gettext`.
NO_AUTHOR = gettext_noop("No author recorded")
UNKNOWN_AUTHOR = gettext_noop("Unknown author (note deleted)")


@dataclass(frozen=True)
class ParticipantRow:
    author: str
    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int  # customer notes this author's hypotheses anticipated
    anticipated_total: int  # all anticipated customer notes of the report

    @property
    def unconfirmed_share(self) -> float | None:
        return share(self.unconfirmed, self.hypotheses)

    @property
    def anticipated_share(self) -> float | None:
        return share(self.anticipated, self.anticipated_total)


def participant_overconfidence(report: Report) -> list[ParticipantRow]:
    """The report's authors, the most overconfident first. Two queries: the match rows,
    and the authors of the notes they point at (the rows keep no author; a deleted note's
    author is unknown).

    A customer note is credited to the author of its paired hypothesis, or, anticipated
    only through an "also matches" row, to the best-scoring one of those.
    """
    matches = report_rows_with_also(report)
    authors = note_authors(m["internal_note_id"] for m in matches if m["internal_note_id"])

    def author_of(note_id: int | None) -> str:
        if note_id is None or note_id not in authors:
            return gettext(UNKNOWN_AUTHOR)
        return authors[note_id].strip() or gettext(NO_AUTHOR)

    counts: dict[str, list[int]] = {}  # author -> [hypotheses, confirmed, unconfirmed, anticipated]
    for match in matches:
        if match["kind"] != MatchKind.ALSO and match["internal_text"]:
            figures = counts.setdefault(author_of(match["internal_note_id"]), [0, 0, 0, 0])
            figures[0] += 1
            figures[1] += match["internal_verdict"] == Verdict.CONFIRMED
            figures[2] += match["internal_verdict"] == Verdict.UNCONFIRMED
    credited: dict[tuple, tuple[float, str]] = {}
    for match in matches:
        if not (match["internal_text"] and match["customer_text"]):
            continue
        if match["customer_verdict"] != Verdict.ANTICIPATED:
            continue
        key = customer_key(match)
        # A pair row always wins over "also" rows; among those the best score.
        rank = float("inf") if match["kind"] == MatchKind.PAIR else (match["score"] or 0.0)
        if key not in credited or rank > credited[key][0]:
            credited[key] = (rank, author_of(match["internal_note_id"]))
    anticipated = {m_key: author for m_key, (_, author) in credited.items()}
    total = len(
        {
            customer_key(m)
            for m in matches
            if m["customer_text"]
            and m["kind"] != MatchKind.ALSO
            and m["customer_verdict"] == Verdict.ANTICIPATED
        }
    )
    for author in anticipated.values():
        counts.setdefault(author, [0, 0, 0, 0])[3] += 1
    rows = [
        ParticipantRow(author, hyp, conf, unconf, antic, total)
        for author, (hyp, conf, unconf, antic) in counts.items()
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.unconfirmed_share is None,
            -(row.unconfirmed_share or 0.0),
            -row.hypotheses,
            row.author.casefold(),
        ),
    )
