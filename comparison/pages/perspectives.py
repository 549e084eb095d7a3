"""Several teams' perspectives on one customer workshop: each team's internal map compared
with the same customer map.

- `round_perspectives`: one round of a persona (its own page): empathy score per team and
  segment, which team anticipated which customer note, where the teams disagree with one
  another (`team_disagreements`, the engine run in-process on hypotheses against
  hypotheses) and which team overestimates its customers most. Two queries, whatever the
  number of teams: the latest reports and their match rows.
- The dashboard's section is `comparison.pages.dashboard_perspectives`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

from comparison import engine
from comparison.charts.text import unique
from comparison.models import Verdict
from comparison.pages import note_matching
from comparison.scores import HypothesisShares, pooled_score, segment_figures, share, summary_count
from comparison.selectors.dashboard import PairResult
from comparison.selectors.notes import (
    SEGMENT_ORDER,
    NoteRef,
    compared_rows,
    customer_key,
    customer_note,
    internal_note,
    sorted_notes,
)
from comparison.selectors.rounds import ReportRow, persona_reports, report_rows
from maps.models import Persona
from maps.segments import SEGMENT_KEYS
from maps.selectors import AnyUser

NO_TEAM = gettext_noop("No team given")  # shown through `gettext`
# At most this many teams are compared pairwise inside a request (8 teams = 28 runs).
DISAGREEMENT_MAX_TEAMS = 8
# Rows of the "who anticipated what" matrix drawn on the page; the page says when more
# exist. 300 rows x 8 teams stays well inside Django's 100 kB template budget.
MATRIX_ROW_LIMIT = 300
# Notes listed per side of a disagreement or a rounds diff before "and N more".
LIST_LIMIT = 50


@dataclass(frozen=True)
class PerspectiveResult(HypothesisShares):
    """One team's comparison with the round's customer workshop."""

    label: str
    report_id: int
    internal_title: str
    customer_title: str
    scores: Mapping[str, float | None]
    overall: float | None
    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int = 0  # customer notes this team's hypotheses anticipated
    customer_notes: int = 0

    @property
    def not_confirmed_share(self) -> float | None:
        """Share (percent) of the hypotheses not confirmed in their own segment."""
        return share(self.hypotheses - self.confirmed, self.hypotheses)


@dataclass(frozen=True)
class TeamOverestimation(HypothesisShares):
    """One team (by its perspective label, case-insensitive) pooled over the personas
    whose latest round it took part in: "does management typically overestimate?"."""

    label: str
    personas: int
    hypotheses: int
    confirmed: int
    unconfirmed: int
    anticipated: int
    customer_notes: int
    overall: float | None


def ranked_by_overestimation[T: (PerspectiveResult, TeamOverestimation)](
    items: Iterable[T],
) -> list[T]:
    """The most overconfident first: by the share of unconfirmed hypotheses, highest
    first; those without hypotheses last; ties by label."""
    return sorted(
        items,
        key=lambda p: (p.unconfirmed_share is None, -(p.unconfirmed_share or 0.0), p.label),
    )


@dataclass(frozen=True)
class MatrixRow:
    """A customer note and, per perspective (in page order), True when that team's report
    has it anticipated, False when missed, None when that report did not compare it."""

    note: NoteRef
    cells: tuple[bool | None, ...]

    @property
    def anticipated_by(self) -> int:
        return sum(cell is True for cell in self.cells)

    @property
    def missed_by_all(self) -> bool:
        compared = [cell for cell in self.cells if cell is not None]
        return bool(compared) and not any(compared)


@dataclass(frozen=True)
class Disagreement:
    """Two teams' hypotheses side by side: what each wrote that the other did not."""

    first: str
    second: str
    only_first: tuple[NoteRef, ...]
    only_second: tuple[NoteRef, ...]
    only_first_total: int
    only_second_total: int


@dataclass(frozen=True)
class RoundPerspectives:
    round: int
    perspectives: tuple[PerspectiveResult, ...]
    matrix: tuple[MatrixRow, ...]
    matrix_total: int
    disagreements: tuple[Disagreement, ...]
    disagreement_note: str  # why the disagreements were not computed, else ""

    @property
    def overestimation(self) -> list[PerspectiveResult]:
        """Perspectives by the share of unconfirmed hypotheses, the most overconfident
        first ("management overestimates its customers" shows as the top row)."""
        return ranked_by_overestimation(self.perspectives)


def perspective_labels(rows: Sequence[ReportRow | PairResult]) -> list[str]:
    """Each pair's perspective label: its team, else the internal map's title; a label
    used twice (one team, two maps) gets the map's title to keep the columns apart, and
    one team with two maps of one title numbers them."""
    base = [row.team.strip() or row.internal_title or gettext(NO_TEAM) for row in rows]
    labels = [
        f"{label} · {row.internal_title}" if base.count(label) > 1 else label
        for label, row in zip(base, rows, strict=True)
    ]
    return unique(labels)


def segment_scores(summary: Mapping[str, Any]) -> dict[str, float | None]:
    return {key: pooled_score([segment_figures(summary, key)]) for key in SEGMENT_KEYS}


# --- one round ----------------------------------------------------------------------------


def round_perspectives(user: AnyUser, persona: Persona, round_number: int) -> RoundPerspectives:
    """The perspectives of one round (customer workshop round `round_number`): two
    queries, the latest reports and their match rows, whatever the number of teams."""
    rows = report_rows(persona_reports(user, persona, round_number=round_number))
    if not rows:
        return RoundPerspectives(round_number, (), (), 0, (), "")
    labels = perspective_labels(rows)
    column = {row.report_id: index for index, row in enumerate(rows)}
    internal: dict[int, list[tuple[NoteRef, str]]] = {row.report_id: [] for row in rows}
    customer: dict[tuple, NoteRef] = {}
    cells: dict[tuple, list[bool | None]] = {}
    for match in compared_rows(list(column)):
        if match["internal_text"]:
            internal[match["report_id"]].append((internal_note(match), match["internal_verdict"]))
        if match["customer_text"]:
            key = customer_key(match)
            customer.setdefault(key, customer_note(match))
            line = cells.setdefault(key, [None] * len(rows))
            line[column[match["report_id"]]] = match["customer_verdict"] == Verdict.ANTICIPATED

    perspectives = []
    for row, label in zip(rows, labels, strict=True):
        verdicts = [verdict for _, verdict in internal[row.report_id]]
        perspectives.append(
            PerspectiveResult(
                label=label,
                report_id=row.report_id,
                internal_title=row.internal_title,
                customer_title=row.customer_title,
                scores=segment_scores(row.summary),
                overall=pooled_score([row.summary]),
                hypotheses=len(verdicts),
                confirmed=verdicts.count(Verdict.CONFIRMED),
                unconfirmed=verdicts.count(Verdict.UNCONFIRMED),
                anticipated=summary_count(row.summary, "anticipated"),
                customer_notes=summary_count(row.summary, "customer_count"),
            )
        )
    matrix = sorted(
        (MatrixRow(customer[key], tuple(line)) for key, line in cells.items()),
        key=lambda item: (
            SEGMENT_ORDER.get(item.note.segment, 99),
            item.anticipated_by,  # the notes nobody saw coming first
            -item.note.votes,
            item.note.text.casefold(),
        ),
    )
    disagreements, note = team_disagreements(
        [[note for note, _ in internal[row.report_id]] for row in rows],
        labels,
        note_matching.lexical_settings(rows[0].settings),
    )
    return RoundPerspectives(
        round=round_number,
        perspectives=tuple(perspectives),
        matrix=tuple(matrix[:MATRIX_ROW_LIMIT]),
        matrix_total=len(matrix),
        disagreements=tuple(disagreements),
        disagreement_note=note,
    )


def team_disagreements(
    notes_by_team: Sequence[Sequence[NoteRef]], labels: Sequence[str], settings: engine.Settings
) -> tuple[list[Disagreement], str]:
    """Every two teams' hypotheses matched through the engine (inside the request): a
    hypothesis with no counterpart at all (verdict "unconfirmed" as the first side,
    "missed" as the second) is one the other team did not have. Partial counterparts
    count as shared. Returns the disagreements, or none and the reason."""
    if len(labels) < 2:
        return [], ""
    if len(labels) > DISAGREEMENT_MAX_TEAMS:
        return [], gettext(
            "%(count)s perspectives: the pairwise comparison stops at %(limit)s teams."
        ) % {"count": len(labels), "limit": DISAGREEMENT_MAX_TEAMS}
    largest = max(len(notes) for notes in notes_by_team)
    if largest > note_matching.COMPARE_MAX_NOTES:
        return [], gettext(
            "A perspective has %(count)s hypotheses; teams are compared with each other "
            "up to %(limit)s each."
        ) % {
            "count": number_format(largest, force_grouping=True),
            "limit": number_format(note_matching.COMPARE_MAX_NOTES, force_grouping=True),
        }
    found = []
    for first in range(len(labels)):
        for second in range(first + 1, len(labels)):
            a, b = list(notes_by_team[first]), list(notes_by_team[second])
            result = note_matching.match_notes(a, b, settings)
            only_a = sorted_notes(
                a[note_matching.note_index(v.id)]
                for v in result.internal
                if v.verdict == Verdict.UNCONFIRMED
            )
            only_b = sorted_notes(
                b[note_matching.note_index(v.id)]
                for v in result.customer
                if v.verdict == Verdict.MISSED
            )
            found.append(
                Disagreement(
                    first=labels[first],
                    second=labels[second],
                    only_first=tuple(only_a[:LIST_LIMIT]),
                    only_second=tuple(only_b[:LIST_LIMIT]),
                    only_first_total=len(only_a),
                    only_second_total=len(only_b),
                )
            )
    return found, ""
