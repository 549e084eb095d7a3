"""Stage 4, verdicts: each note's verdict and best counterpart, and the drawn pairs and
also-matches as result records (pure, no Django).

Verdicts are kept as numpy codes while the matching stages refine them (confirmed,
partial and unconfirmed from the best same-segment score; misplaced from the match across
segments; hand links last); Python records are made only for what the result returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from comparison.engine.records import (
    BestMatch,
    CustomerVerdict,
    InternalVerdict,
    MatchPair,
)
from comparison.engine.semantic import CalibratedScorer

if TYPE_CHECKING:
    from comparison.engine.matching import Edges, Matches
    from comparison.engine.preparation import PreparedRun

CONFIRMED, PARTIAL, MISPLACED, UNCONFIRMED = 0, 1, 2, 3
_INTERNAL_VERDICTS = ("confirmed", "partial", "misplaced", "unconfirmed")

# At most this many also-matches are listed per note: an also-match is listed when it is
# among the ALSO_MATCHES_PER_NOTE highest-scoring ones of its internal note or of its
# customer note (ties: the earlier counterpart). On dense maps (thousands of notes sharing
# a small vocabulary) the full list grows with N² and building it dominated the run.
# Verdicts never read the list: "anticipated" comes from the full vectorised threshold
# check, so capping changes only what is listed, and every anticipated customer note
# still lists its best match.
ALSO_MATCHES_PER_NOTE = 3


def as_score(threshold: float) -> float:
    """A threshold as the float32 score matrices compare it (numpy casts a Python float to
    the array's float32): every comparison of a score with a threshold then agrees, also
    for thresholds float32 cannot hold exactly (50.3, or 1e-100, which is 0 in float32)."""
    return float(np.float32(threshold))


@dataclass
class Verdicts:
    """Per internal note a verdict code (CONFIRMED, PARTIAL, MISPLACED, UNCONFIRMED); per
    customer note whether it was anticipated."""

    codes: np.ndarray
    anticipated: np.ndarray
    # Internal note -> the customer note of the link beyond one-to-one that confirmed it
    # (`apply_manual_links`): the counterpart it shows.
    confirmed_beyond: dict[int, int] = field(default_factory=dict)


def verdicts_from_same_segment(run: PreparedRun, matches: Matches) -> Verdicts:
    """Confirmed, partial or unconfirmed by each internal note's best same-segment score;
    a customer note is anticipated when it is in a pair, an also-match or a hand link."""
    threshold = as_score(run.settings.threshold)
    partial = as_score(run.settings.partial_threshold)
    best = matches.best.internal_score
    codes = np.where(best >= threshold, CONFIRMED, np.where(best >= partial, PARTIAL, UNCONFIRMED))
    anticipated = np.zeros(len(run.customer), dtype=bool)
    anticipated[matches.pairs.columns] = True
    anticipated[matches.also.columns] = True
    anticipated |= run.decisions.manual_customer
    for _, column in run.decisions.extra:
        anticipated[column] = True
    return Verdicts(codes=codes, anticipated=anticipated)


def apply_manual_links(run: PreparedRun, verdicts: Verdicts) -> None:
    """A note an editor linked by hand is confirmed (same segment) or misplaced (across),
    whatever the score."""
    for row, column in run.decisions.manual:
        same = run.internal[row].segment == run.customer[column].segment
        verdicts.codes[row] = CONFIRMED if same else MISPLACED
    # A link beyond one-to-one (its customer note was already linked to another
    # hypothesis) still confirms its own hypothesis: a person read both notes and said so.
    for row, column in run.decisions.extra:
        if (
            run.decisions.manual_internal[row]
            or verdicts.codes[row] == CONFIRMED
            or row in verdicts.confirmed_beyond
        ):
            continue
        same = run.internal[row].segment == run.customer[column].segment
        verdicts.codes[row] = CONFIRMED if same else MISPLACED
        verdicts.confirmed_beyond[row] = column


@dataclass(frozen=True)
class VerdictRecords:
    internal: list[InternalVerdict]
    customer: list[CustomerVerdict]
    pairs: list[MatchPair]
    also_matches: list[MatchPair]


def verdict_records(
    run: PreparedRun,
    matches: Matches,
    verdicts: Verdicts,
    manual_scores: dict[tuple[int, int], float],
    also_limit: int | None,
    suggestions: Edges | None = None,
) -> VerdictRecords:
    """The result's records. Pairs are the engine's (same segment and misplaced) and the
    hand links, ordered by note; they never share a note, so each note has at most one
    partner, which is the best counterpart it shows. Also-matches are the engine's (minus
    any pair linked by hand), capped per note (`also_limit`, None: all), then the hand
    links beyond one-to-one. `suggestions`: as `suggestions.suggest` lists them (ordered
    by internal note, then as listed; None: none)."""
    manual = run.decisions.manual
    pair_records = _PairRecords(run)

    rows = np.concatenate([matches.pairs.rows, matches.misplaced.rows])
    columns = np.concatenate([matches.pairs.columns, matches.misplaced.columns])
    scores = np.concatenate([matches.pairs.scores, matches.misplaced.scores]).astype(np.float64)
    sources = ["engine"] * len(rows) + ["manual"] * len(manual)
    if manual:
        rows = np.concatenate([rows, [row for row, _ in manual]]).astype(np.int64)
        columns = np.concatenate([columns, [column for _, column in manual]])
        columns = columns.astype(np.int64)
        scores = np.concatenate([scores, [manual_scores[edge] for edge in manual]])
    order = np.lexsort((columns, rows)).tolist()
    items = list(zip(rows.tolist(), columns.tolist(), scores.tolist(), sources, strict=True))
    pairs = pair_records([items[index] for index in order])

    also_matches = pair_records(_also_items(run, matches, manual_scores, also_limit))

    best = matches.best
    internal_partnered = np.zeros(len(run.internal), dtype=bool)
    customer_partnered = np.zeros(len(run.customer), dtype=bool)
    internal_partnered[rows] = True
    customer_partnered[columns] = True
    best.internal_other[rows] = columns
    best.internal_score[rows] = scores
    best.customer_other[columns] = rows
    best.customer_score[columns] = scores
    # A hypothesis that a link beyond one-to-one confirmed shows that customer note.
    for row, column in verdicts.confirmed_beyond.items():
        internal_partnered[row] = True
        best.internal_other[row] = column
        best.internal_score[row] = manual_scores[(row, column)]

    suggested = _suggested_per_note(suggestions, run)
    internal_verdicts: list[InternalVerdict] = []
    for note, verdict, column, score, partnered, listed in zip(
        run.internal,
        [_INTERNAL_VERDICTS[code] for code in verdicts.codes.tolist()],
        best.internal_other.tolist(),
        best.internal_score.tolist(),
        internal_partnered.tolist(),
        suggested,
        strict=True,
    ):
        best_match = None
        if column >= 0 and (score > 0 or partnered):
            other = run.customer[column]
            best_match = BestMatch(other.id, other.segment, round(score, 1))
        internal_verdicts.append(
            InternalVerdict(
                note.id, note.segment, note.text, verdict, best_match, note.votes, listed
            )
        )
    customer_verdicts: list[CustomerVerdict] = []
    for note, anticipated, row, score, partnered in zip(
        run.customer,
        verdicts.anticipated.tolist(),
        best.customer_other.tolist(),
        best.customer_score.tolist(),
        customer_partnered.tolist(),
        strict=True,
    ):
        best_match = None
        if row >= 0 and (score > 0 or partnered):
            other = run.internal[row]
            best_match = BestMatch(other.id, other.segment, round(score, 1))
        verdict = "anticipated" if anticipated else "missed"
        customer_verdicts.append(
            CustomerVerdict(note.id, note.segment, note.text, verdict, best_match, note.votes)
        )
    return VerdictRecords(internal_verdicts, customer_verdicts, pairs, also_matches)


def _suggested_per_note(suggestions: Edges | None, run: PreparedRun) -> list[list[BestMatch]]:
    """Per internal note, its suggestions as records, in order (one pass over all of
    them: on big maps there are tens of thousands), with the link model's features of
    each where it scored the run."""
    count = len(run.internal)
    if suggestions is None:
        return [[] for _ in range(count)]
    rows, columns, scores = suggestions.rows, suggestions.columns, suggestions.scores
    others = [run.customer[column] for column in columns.tolist()]
    features: list[tuple[float, ...] | None] = [None] * len(rows)
    if isinstance(run.scorer, CalibratedScorer):
        features = [
            tuple(round(value, 5) for value in cell)
            for cell in run.scorer.cell_features(rows, columns).tolist()
        ]
    records = list(
        map(
            BestMatch,
            [note.id for note in others],
            [note.segment for note in others],
            [round(score, 1) for score in scores.tolist()],
            features,
        )
    )
    bounds = np.searchsorted(rows, np.arange(count + 1)).tolist()
    return [records[bounds[row] : bounds[row + 1]] for row in range(count)]


def _also_items(
    run: PreparedRun,
    matches: Matches,
    manual_scores: dict[tuple[int, int], float],
    also_limit: int | None,
) -> list[tuple[int, int, float, str]]:
    """(row, column, score, source) of the also-matches, ordered by note."""
    also = matches.also
    count_customer = len(run.customer)
    if manual_scores and len(also):
        linked = np.array(list(manual_scores), dtype=np.int64)
        also = also[
            ~np.isin(
                also.rows * count_customer + also.columns,
                linked[:, 0] * count_customer + linked[:, 1],
            )
        ]
    if also_limit is not None and len(also):
        also = also[_top_per_note(also.rows, also.columns, also.scores, also_limit)]
    order = np.lexsort((also.columns, also.rows))
    items = list(
        zip(
            also.rows[order].tolist(),
            also.columns[order].tolist(),
            also.scores[order].tolist(),
            ["engine"] * len(order),
            strict=True,
        )
    )
    if run.decisions.extra:
        items += [(row, column, manual_scores[(row, column)], "manual")
                  for row, column in run.decisions.extra]  # fmt: skip
        items.sort(key=lambda item: (item[0], item[1]))
    return items


class _PairRecords:
    """MatchPair records for (row, column, score, source) items, in their order."""

    def __init__(self, run: PreparedRun) -> None:
        self.threshold = as_score(run.settings.threshold)
        self.internal_ids = [note.id for note in run.internal]
        self.customer_ids = [note.id for note in run.customer]
        self.internal_segments = [note.segment for note in run.internal]
        self.customer_segments = [note.segment for note in run.customer]
        self.internal_sets = [note.stem_set for note in run.prepared_internal]
        self.customer_sets = [note.stem_set for note in run.prepared_customer]
        self.internal_display = [note.display for note in run.prepared_internal]

    def __call__(self, items: Sequence[tuple[int, int, float, str]]) -> list[MatchPair]:
        threshold = self.threshold
        internal_segments, customer_segments = self.internal_segments, self.customer_segments
        internal_sets, customer_sets = self.internal_sets, self.customer_sets
        result = []
        for row, column, score, source in items:
            internal_segment, customer_segment = internal_segments[row], customer_segments[column]
            same = internal_segment == customer_segment
            if source == "manual" or not same:
                verdict = "confirmed" if same else "misplaced"
            else:
                verdict = "confirmed" if score >= threshold else "partial"
            # Display words are distinct per stem, so sorting them needs no set.
            shared = internal_sets[row] & customer_sets[column]
            result.append(
                MatchPair(
                    self.internal_ids[row],
                    self.customer_ids[column],
                    internal_segment,
                    customer_segment,
                    round(score, 1),
                    verdict,
                    sorted(map(self.internal_display[row].__getitem__, shared)),
                    source,
                )
            )
        return result


def _top_per_note(
    rows: np.ndarray, columns: np.ndarray, scores: np.ndarray, limit: int
) -> np.ndarray:
    """Mask of the edges among the `limit` highest of their row or of their column (ties:
    the earlier counterpart first)."""
    keep = np.zeros(len(rows), dtype=bool)
    for notes, others in ((rows, columns), (columns, rows)):
        order = np.lexsort((others, -scores.astype(np.float64), notes))
        sorted_notes = notes[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = sorted_notes[1:] != sorted_notes[:-1]
        start_index = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
        rank = np.arange(len(order)) - start_index
        keep[order[rank < limit]] = True
    return keep
