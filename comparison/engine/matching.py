"""Stages 2 and 3, score and assign: which notes match (pure: numpy only, no Django).

Same segment first: each segment's score matrix is computed, its per-note maxima and its
edges at or above the partial threshold kept, and its one-to-one pairs assigned; the
matrix never outlives its segment. Then, for notes nothing matched, right insights in the
wrong segment (`match_across_segments`). Everything over pairs is numpy on the score
matrices (masks, argmax, nonzero); notes are addressed by their index in a side.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from comparison.engine.assignment import assign, assign_edges, margins
from comparison.engine.preparation import PreparedRun
from comparison.engine.scoring import PARALLEL_MIN_PAIRS
from comparison.engine.verdicts import MISPLACED, UNCONFIRMED, Verdicts
from maps.segments import SEGMENT_KEYS

_CPU_COUNT = os.cpu_count() or 1


@dataclass
class Edges:
    """Note pairs as three parallel arrays: internal index, customer index, score."""

    rows: np.ndarray  # int64
    columns: np.ndarray  # int64
    scores: np.ndarray  # float32

    @classmethod
    def join(cls, parts: Sequence[Edges]) -> Edges:
        """All parts as one (int64, int64, float32), in the order given."""
        if not parts:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
        return cls(
            np.concatenate([part.rows for part in parts]).astype(np.int64),
            np.concatenate([part.columns for part in parts]).astype(np.int64),
            np.concatenate([part.scores for part in parts]).astype(np.float32),
        )

    def __getitem__(self, selection: np.ndarray) -> Edges:
        """The edges a mask or an index array selects."""
        return Edges(self.rows[selection], self.columns[selection], self.scores[selection])

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class BestCounterparts:
    """Each note's best score so far and the counterpart (index, -1 for none) giving it."""

    internal_score: np.ndarray  # float64
    internal_other: np.ndarray  # int64
    customer_score: np.ndarray
    customer_other: np.ndarray

    @classmethod
    def none(cls, internal_count: int, customer_count: int) -> BestCounterparts:
        return cls(
            np.zeros(internal_count),
            np.full(internal_count, -1, dtype=np.int64),
            np.zeros(customer_count),
            np.full(customer_count, -1, dtype=np.int64),
        )

    def raise_to(self, edges: Edges) -> None:
        """Raise each note of `edges` to its highest edge where that is strictly higher."""
        _raise_best(self.internal_score, self.internal_other, edges.rows, edges.columns,
                    edges.scores)  # fmt: skip
        _raise_best(self.customer_score, self.customer_other, edges.columns, edges.rows,
                    edges.scores)  # fmt: skip


@dataclass
class Matches:
    """What the matching stages found. `pairs` and `misplaced` are one-to-one and share no
    note; `also` holds the other edges that clear the threshold (listed, never drawn)."""

    best: BestCounterparts
    pairs: Edges  # same segment, assigned
    also: Edges
    misplaced: Edges = field(default_factory=lambda: Edges.join([]))  # across, assigned
    # Each internal note's best few same-segment counterparts, when asked for (the
    # suggestions of maps too big to rank every pair).
    segment_top: Edges = field(default_factory=lambda: Edges.join([]))


@dataclass
class _Segment:
    """What survives one segment's score matrix (global note indices)."""

    rows: np.ndarray
    columns: np.ndarray
    row_best: np.ndarray
    row_other: np.ndarray
    column_best: np.ndarray
    column_other: np.ndarray
    edges: Edges  # the pairs at or above the partial threshold...
    drawn: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # ...assigned
    top: Edges | None = None  # each row's best few (`keep_best`), when asked for


def match_same_segments(
    run: PreparedRun,
    report: Callable[[float], None],
    *,
    keep_best: int = 0,
    keep_floor: float = 0.0,
) -> Matches:
    """Each segment against the same segment: best counterparts, assigned pairs, and the
    other edges at or above the threshold; with `keep_best`, also each internal note's
    `keep_best` highest counterparts scoring at least `keep_floor`. Reports progress from
    10 to 80."""
    threshold = run.settings.threshold
    best = BestCounterparts.none(len(run.internal), len(run.customer))
    # Big maps run the segments on a thread pool: rapidfuzz, numpy and the solvers release
    # the GIL for most of the work (measured on 2 cores at N = 2,000: this stage ~25%
    # faster). Results are taken in segment order, so the output does not depend on the
    # schedule.
    threads = _threads_for(run)
    workers = 1 if threads > 1 else None  # rapidfuzz single-threaded inside each thread

    def score_and_assign(step: int) -> _Segment | None:
        segment = _score_segment(run, step, workers, keep_best, keep_floor)
        if segment is not None:
            _assign_segment(run, segment)
        return segment

    pair_parts: list[Edges] = []
    also_parts: list[Edges] = []
    top_parts: list[Edges] = []
    steps = range(len(SEGMENT_KEYS))
    with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        results = pool.map(score_and_assign, steps) if threads > 1 else map(score_and_assign, steps)
        for step, segment in enumerate(results):
            if segment is not None:
                best.internal_score[segment.rows] = segment.row_best
                best.internal_other[segment.rows] = segment.row_other
                best.customer_score[segment.columns] = segment.column_best
                best.customer_other[segment.columns] = segment.column_other
                strong = segment.edges.scores >= threshold
                pair_parts.append(segment.edges[segment.drawn])
                also_parts.append(segment.edges[strong & ~segment.drawn])
                if segment.top is not None:
                    top_parts.append(segment.top)
            report(10 + 70 * (step + 1) / len(SEGMENT_KEYS))
    return Matches(
        best=best,
        pairs=Edges.join(pair_parts),
        also=Edges.join(also_parts),
        segment_top=Edges.join(top_parts),
    )


def _threads_for(run: PreparedRun) -> int:
    """Threads for the segments: one per segment of at least PARALLEL_MIN_PAIRS cells,
    at most one per core (a result of 1 means no pool)."""
    segment_cells = [
        int(np.count_nonzero(run.internal_segment == step))
        * int(np.count_nonzero(run.customer_segment == step))
        for step in range(len(SEGMENT_KEYS))
    ]
    return min(_CPU_COUNT, sum(cells >= PARALLEL_MIN_PAIRS for cells in segment_cells))


def _score_segment(
    run: PreparedRun, step: int, workers: int | None, keep_best: int, keep_floor: float
) -> _Segment | None:
    """One segment's scores, reduced to per-note maxima and the edges at or above the
    partial threshold (one `nonzero`), and each row's `keep_best` highest; None when a
    side has no note in it."""
    rows = np.flatnonzero(run.internal_segment == step)
    columns = np.flatnonzero(run.customer_segment == step)
    if not len(rows) or not len(columns):
        return None
    scores = run.scorer.matrix(rows, columns, workers)
    decisions = run.decisions
    if decisions.rejected:
        _forbid(scores, rows, columns, decisions.rejected_rows, decisions.rejected_columns)
    # argmax takes the first maximum, so ties go to the earlier note.
    best_columns = scores.argmax(axis=1)
    # The first row reaching each column's maximum: the same as argmax(axis=0), several
    # times faster on a C-ordered matrix.
    best_rows = (scores == scores.max(axis=0)).argmax(axis=0)
    edge_rows, edge_columns = np.nonzero(scores >= run.settings.partial_threshold)
    top = None
    if keep_best:
        top_rows, top_columns, top_scores = top_per_row(scores, keep_best, keep_floor)
        top = Edges(rows[top_rows], columns[top_columns], top_scores)
    return _Segment(
        rows=rows,
        columns=columns,
        row_best=scores[np.arange(len(rows)), best_columns],
        row_other=columns[best_columns],
        column_best=scores[best_rows, np.arange(len(columns))],
        column_other=rows[best_rows],
        edges=Edges(rows[edge_rows], columns[edge_columns], scores[edge_rows, edge_columns]),
        top=top,
    )


def _assign_segment(run: PreparedRun, segment: _Segment) -> None:
    """Mark the segment's edges drawn by the one-to-one assignment; notes an editor linked
    by hand take no part."""
    edges = segment.edges
    positions = np.arange(len(edges))
    if run.decisions.manual:
        free = ~run.decisions.manual_internal[edges.rows]
        free &= ~run.decisions.manual_customer[edges.columns]
        positions = positions[free]
    weights = margins(edges.scores[positions], run.settings.partial_threshold)
    chosen = assign_edges(edges.rows[positions], edges.columns[positions], weights)
    segment.drawn = np.zeros(len(edges), dtype=bool)
    segment.drawn[positions[chosen]] = True


def match_across_segments(
    run: PreparedRun, matches: Matches, verdicts: Verdicts, report: Callable[[float], None]
) -> None:
    """Right insight, wrong segment: internal notes still unconfirmed against customer
    notes of other segments that nothing matched, at or above the full threshold.

    Every internal note with such an edge becomes misplaced and every customer note in one
    anticipated; the assigned edges are the misplaced pairs, the rest also-matches.
    Reports 90."""
    threshold, count_customer = run.settings.threshold, len(run.customer)
    decisions = run.decisions
    candidate_rows = (verdicts.codes == UNCONFIRMED) & ~decisions.manual_internal
    candidate_columns = ~verdicts.anticipated & ~decisions.manual_customer
    parts: list[Edges] = []
    for step in range(len(SEGMENT_KEYS)):
        rows = np.flatnonzero(candidate_rows & (run.internal_segment == step))
        columns = np.flatnonzero(candidate_columns & (run.customer_segment != step))
        if not len(rows) or not len(columns):
            continue
        strong_rows, strong_columns, strong_scores = run.scorer.candidates(rows, columns, threshold)
        parts.append(Edges(rows[strong_rows], columns[strong_columns], strong_scores))
    cross = Edges.join(parts)
    if decisions.rejected and len(cross):
        cross = cross[
            ~np.isin(
                cross.rows * count_customer + cross.columns,
                decisions.rejected_rows * count_customer + decisions.rejected_columns,
            )
        ]
    report(90)
    if not len(cross):
        return
    order = np.lexsort((cross.columns, cross.rows))
    weights = margins(cross.scores[order], run.settings.partial_threshold)
    chosen = np.array(
        assign(cross.rows[order], cross.columns[order], weights), dtype=np.int64
    ).reshape(-1, 2)
    drawn = np.isin(
        cross.rows * count_customer + cross.columns,
        chosen[:, 0] * count_customer + chosen[:, 1],
    )
    misplaced = cross[drawn]
    matches.misplaced = misplaced[np.lexsort((misplaced.columns, misplaced.rows))]
    verdicts.codes[cross.rows] = MISPLACED
    verdicts.anticipated[cross.columns] = True
    matches.also = Edges.join([matches.also, cross[~drawn]])
    matches.best.raise_to(cross)


def top_per_row(
    scores: np.ndarray, count: int, floor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, scores) of each row's `count` highest scores at or above `floor`,
    ordered by row, then score descending, then column (ties: the earlier column)."""
    row_count, column_count = scores.shape
    if not row_count or not column_count or count <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    if count < column_count:
        # The count-th highest value of each row; everything tied with it stays a
        # candidate, so ties are broken below by column, never by the partition.
        cut = np.partition(scores, column_count - count, axis=1)[:, column_count - count]
        keep = scores >= np.maximum(cut, np.float32(floor))[:, None]
    else:
        keep = scores >= floor
    rows, columns = np.nonzero(keep)
    values = scores[rows, columns]
    order = np.lexsort((columns, -values.astype(np.float64), rows))
    rows, columns, values = rows[order], columns[order], values[order]
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = rows[1:] != rows[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(rows)), 0))
    within = np.arange(len(rows)) - first < count
    return rows[within].astype(np.int64), columns[within].astype(np.int64), values[within]


def score_manual_links(run: PreparedRun) -> dict[tuple[int, int], float]:
    """The score of every pair an editor linked by hand (shown; verdicts ignore it)."""
    scores: dict[tuple[int, int], float] = {}
    for row, column in (*run.decisions.manual, *run.decisions.extra):
        scores[(row, column)] = float(run.scorer.matrix(np.array([row]), np.array([column]))[0, 0])
    return scores


def _forbid(
    scores: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    rejected_rows: np.ndarray,
    rejected_columns: np.ndarray,
) -> None:
    """Score 0 for the rejected pairs that fall in this block (rows x columns, sorted)."""
    row_position = np.searchsorted(rows, rejected_rows)
    column_position = np.searchsorted(columns, rejected_columns)
    row_position = np.minimum(row_position, len(rows) - 1)
    column_position = np.minimum(column_position, len(columns) - 1)
    inside = (rows[row_position] == rejected_rows) & (columns[column_position] == rejected_columns)
    scores[row_position[inside], column_position[inside]] = 0.0


def _raise_best(
    best_score: np.ndarray,
    best_other: np.ndarray,
    notes: np.ndarray,
    others: np.ndarray,
    scores: np.ndarray,
) -> None:
    """Raise each note's best score to its highest edge where that is strictly higher;
    among equal edges the first one counts (as a loop over the edges would)."""
    order = np.lexsort((np.arange(len(notes)), -scores.astype(np.float64), notes))
    sorted_notes = notes[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_notes[1:] != sorted_notes[:-1]
    top = order[first]
    higher = scores[top].astype(np.float64) > best_score[notes[top]]
    best_score[notes[top][higher]] = scores[top][higher]
    best_other[notes[top][higher]] = others[top][higher]
