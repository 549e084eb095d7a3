"""A persona's rounds: what changed between two rounds' maps (new, gone and changed notes,
matched by the engine inside the request) and each segment's empathy score across all
its rounds."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext

from comparison import engine
from comparison.pages import note_matching
from comparison.pages.perspectives import NO_TEAM
from comparison.scores import pooled_score, segment_figures
from comparison.selectors.notes import SEGMENT_ORDER, NoteRef, sorted_notes
from comparison.selectors.rounds import ReportRow, persona_reports, report_rows, round_maps
from maps.models import EmpathyMap, Persona, Perspective
from maps.segments import SEGMENT_KEYS
from maps.selectors import AnyUser


@dataclass(frozen=True)
class ChangedNote:
    old: NoteRef
    new: NoteRef
    score: float


@dataclass(frozen=True)
class NoteDiff:
    """Notes of one side between two rounds, matched by the engine: a pair scoring at least
    the threshold is the same note (changed when its text or segment differs)."""

    label: str
    new: tuple[NoteRef, ...]
    gone: tuple[NoteRef, ...]
    changed: tuple[ChangedNote, ...]
    unchanged: int
    skipped: str = ""  # why no diff was computed, else ""


def diff_notes(
    old: Sequence[NoteRef], new: Sequence[NoteRef], settings: engine.Settings, *, label: str = ""
) -> NoteDiff:
    """What is new, gone and changed from `old` to `new` (see NoteDiff); runs the engine."""
    if max(len(old), len(new), 0) > note_matching.COMPARE_MAX_NOTES:
        return NoteDiff(
            label,
            (),
            (),
            (),
            0,
            skipped=gettext("More than %(limit)s notes on one side: not diffed here.")
            % {"limit": number_format(note_matching.COMPARE_MAX_NOTES, force_grouping=True)},
        )
    if not old or not new:
        return NoteDiff(label, tuple(sorted_notes(new)), tuple(sorted_notes(old)), (), 0)
    result = note_matching.match_notes(list(old), list(new), settings)
    same_old, same_new, changed, unchanged = set(), set(), [], 0
    for pair in result.pairs:
        if pair.score < settings.threshold:
            continue
        before = old[note_matching.note_index(pair.internal_id)]
        after = new[note_matching.note_index(pair.customer_id)]
        same_old.add(pair.internal_id)
        same_new.add(pair.customer_id)
        if before.text == after.text and before.segment == after.segment:
            unchanged += 1
        else:
            changed.append(ChangedNote(before, after, pair.score))
    changed.sort(key=lambda item: (SEGMENT_ORDER.get(item.new.segment, 99), item.new.text))
    return NoteDiff(
        label=label,
        new=tuple(sorted_notes(n for i, n in enumerate(new) if f"b{i}" not in same_new)),
        gone=tuple(sorted_notes(n for i, n in enumerate(old) if f"a{i}" not in same_old)),
        changed=tuple(changed),
        unchanged=unchanged,
    )


@dataclass(frozen=True)
class TrendPoint:
    round: int
    workshop_date: datetime.date | None
    scores: Mapping[str, float | None]
    overall: float | None

    @property
    def label(self) -> str:
        return gettext("Round %(number)s") % {"number": self.round}


@dataclass(frozen=True)
class RoundsDiff:
    old_round: int
    new_round: int
    customer: NoteDiff
    internal: tuple[NoteDiff, ...]  # one per team
    trend: tuple[TrendPoint, ...]


def segment_trend(rows: Sequence[ReportRow]) -> list[TrendPoint]:
    """Per customer-workshop round, each segment's empathy score pooled over the round's
    pairs (all teams), in round order."""
    by_round: dict[int, list[ReportRow]] = {}
    for row in rows:
        by_round.setdefault(row.round, []).append(row)
    points = []
    for round_number in sorted(by_round):
        in_round = by_round[round_number]
        dates = [row.workshop_date for row in in_round if row.workshop_date]
        points.append(
            TrendPoint(
                round=round_number,
                workshop_date=min(dates) if dates else None,
                scores={
                    key: pooled_score([segment_figures(row.summary, key) for row in in_round])
                    for key in SEGMENT_KEYS
                },
                overall=pooled_score([row.summary for row in in_round]),
            )
        )
    return points


def _team(empathy_map: EmpathyMap) -> str:
    return empathy_map.team.strip() or gettext(NO_TEAM)


def rounds_diff(user: AnyUser, persona: Persona, old_round: int, new_round: int) -> RoundsDiff:
    """Two rounds of a persona side by side, and the trend over all its rounds. Three
    queries: the latest reports, the two rounds' maps, their notes."""
    rows = report_rows(persona_reports(user, persona))
    settings = note_matching.lexical_settings(rows[-1].settings if rows else None)
    maps = round_maps(user, persona, (old_round, new_round))

    def notes(round_number: int, perspective: str, team: str | None = None) -> list[NoteRef]:
        return [
            NoteRef(note.segment, note.text, note.votes)
            for empathy_map in maps
            if empathy_map.round == round_number
            and empathy_map.perspective == perspective
            and (team is None or _team(empathy_map) == team)
            for note in empathy_map.notes.all()
        ]

    teams = sorted(
        {_team(m) for m in maps if m.perspective == Perspective.INTERNAL}, key=str.casefold
    )
    return RoundsDiff(
        old_round=old_round,
        new_round=new_round,
        customer=diff_notes(
            notes(old_round, Perspective.CUSTOMER),
            notes(new_round, Perspective.CUSTOMER),
            settings,
            label=gettext("Customer workshop"),
        ),
        internal=tuple(
            diff_notes(
                notes(old_round, Perspective.INTERNAL, team),
                notes(new_round, Perspective.INTERNAL, team),
                settings,
                label=team,
            )
            for team in teams
        ),
        trend=tuple(segment_trend(rows)),
    )


def rounds_trend(user: AnyUser, persona: Persona) -> list[TrendPoint]:
    """The persona's segment trend alone (one query)."""
    return segment_trend(report_rows(persona_reports(user, persona)))
