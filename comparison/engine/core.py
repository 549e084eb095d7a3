"""compare(): normalise → score → assign → verdicts → metrics (pure, no Django)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

from comparison.engine.model import (
    BestMatch,
    ComparisonResult,
    CustomerVerdict,
    Decision,
    InternalVerdict,
    MatchPair,
    NoteIn,
    Settings,
    recompute_metrics,
)
from comparison.engine.scoring import NEGATION_FACTOR, candidate_scores, score_matrix
from comparison.engine.text import Prepared, detect_language_of_words, prepare, words
from maps.segments import SEGMENT_KEYS

# Bump whenever the same input could give a different result.
ENGINE_VERSION = "1.0.0"

# Chosen by comparison.evaluation (dev set + STS-B train); figures in the README.
DEFAULT_SETTINGS = Settings(scorer="blend", threshold=50.0, partial_threshold=40.0)

# Components whose dense block would exceed this many cells (128 MB as float64) go to the
# sparse solver; below it, dense LSA is the faster of the two (measured: ~0.07 s against
# ~0.2 s for a 2,000 x 2,000 segment with 36,000 candidate edges).
_DENSE_BLOCK_LIMIT = 16_000_000

# Added to every eligible edge's margin so a pair scoring exactly the partial threshold
# can still be drawn; far below any score difference that matters (scores have 1 decimal).
_EDGE_EPSILON = 1e-3


def assign(rows: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one matching over the given positive edges.

    The candidate graph is sparse (most pairs cannot reach the partial threshold), so it is
    solved per connected component: a component with one edge needs no solver, the rest go
    to `linear_sum_assignment` on their small dense block. Returns (row, column) pairs in
    input order; ties resolve the same way on every run.
    """
    if len(rows) == 0:
        return []
    row_ids, row_index = np.unique(rows, return_inverse=True)
    column_ids, column_index = np.unique(columns, return_inverse=True)
    offset = len(row_ids)
    size = offset + len(column_ids)
    graph = coo_matrix(
        (np.ones(len(rows), dtype=np.int8), (row_index, column_index + offset)), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    edge_labels = labels[row_index]
    order = np.argsort(edge_labels, kind="stable")
    boundaries = np.flatnonzero(np.diff(edge_labels[order])) + 1
    chosen: list[tuple[int, int]] = []
    for group in np.split(order, boundaries):
        if len(group) == 1:
            edge = group[0]
            chosen.append((int(rows[edge]), int(columns[edge])))
            continue
        block_rows, local_rows = np.unique(row_index[group], return_inverse=True)
        block_columns, local_columns = np.unique(column_index[group], return_inverse=True)
        if len(block_rows) * len(block_columns) > _DENSE_BLOCK_LIMIT:
            for row, column in _sparse_matching(
                local_rows, local_columns, weights[group], len(block_rows), len(block_columns)
            ):
                chosen.append(
                    (int(row_ids[block_rows[row]]), int(column_ids[block_columns[column]]))
                )
            continue
        block = np.zeros((len(block_rows), len(block_columns)), dtype=np.float64)
        block[local_rows, local_columns] = weights[group]
        # Minimising the negated margins is the same problem, and faster than maximize=True.
        picked_rows, picked_columns = linear_sum_assignment(-block)
        for row, column in zip(picked_rows, picked_columns, strict=True):
            if block[row, column] > 0:
                chosen.append(
                    (int(row_ids[block_rows[row]]), int(column_ids[block_columns[column]]))
                )
    chosen.sort()
    return chosen


def _sparse_matching(
    rows: np.ndarray, columns: np.ndarray, weights: np.ndarray, row_count: int, column_count: int
) -> list[tuple[int, int]]:
    """Maximum-weight (not necessarily full) matching with scipy's sparse LAPJVsp.

    That solver wants a full matching, so every row gets a private "unmatched" column and
    every column a private "unmatched" row, and each real edge (i, j) a dummy-to-dummy
    edge. With costs top - w for real edges and top for all others, every full matching
    costs (rows + columns) * top - sum(w of real edges used), whatever the number of real
    edges, so minimising cost maximises the matched weight. All costs stay positive (an
    explicit zero would read as a missing edge).
    """
    top = float(weights.max()) + 1.0
    edge_count = len(rows)
    size = row_count + column_count
    dummy_rows = row_count + columns  # the private row of column j
    dummy_columns = column_count + rows  # the private column of row i
    all_rows = np.concatenate(
        [rows, np.arange(row_count), row_count + np.arange(column_count), dummy_rows]
    )
    all_columns = np.concatenate(
        [columns, column_count + np.arange(row_count), np.arange(column_count), dummy_columns]
    )
    costs = np.concatenate([top - weights, np.full(size + edge_count, top)])
    graph = coo_matrix((costs, (all_rows, all_columns)), shape=(size, size)).tocsr()
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    real = (matched_rows < row_count) & (matched_columns < column_count)
    return list(zip(matched_rows[real].tolist(), matched_columns[real].tolist(), strict=True))


def _shared_terms(left: Prepared, right: Prepared) -> list[str]:
    shared = left.stem_set & right.stem_set
    display = left.display
    return sorted({display.get(token, token) for token in shared})


def _validate(notes: Sequence[NoteIn], side: str) -> None:
    seen: set[str] = set()
    for position, note in enumerate(notes, start=1):
        if note.segment not in SEGMENT_KEYS:
            raise ValueError(
                f"{side} note {note.id!r} (#{position}): unknown segment {note.segment!r}; "
                f"expected one of {', '.join(SEGMENT_KEYS)}"
            )
        if note.id in seen:
            raise ValueError(f"{side} note id {note.id!r} appears twice")
        seen.add(note.id)


class _Progress:
    """Reports 0-100, never going backwards and never repeating a value."""

    def __init__(self, callback: Callable[[int], None] | None) -> None:
        self.callback = callback
        self.last = -1

    def __call__(self, percent: float) -> None:
        value = max(0, min(100, int(percent)))
        if self.callback is not None and value > self.last:
            self.last = value
            self.callback(value)


def compare(
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    settings: Settings = DEFAULT_SETTINGS,
    *,
    decisions: Sequence[Decision] = (),
    progress: Callable[[int], None] | None = None,
) -> ComparisonResult:
    """Compare an internal map with a customer map (see DESIGN.md, "The engine").

    Verdicts follow each note's best counterpart: an internal note is confirmed when its
    best same-segment score reaches `threshold`, partial when it reaches
    `partial_threshold`, misplaced when (cross_segment on) it reaches `threshold` with a
    customer note of another segment that nothing else matched, else unconfirmed. A
    customer note is anticipated when it is in a pair or clears the threshold with some
    internal note ("also matches"), else missed.

    Pairs are a one-to-one assignment maximising the margins max(score - partial, 0).
    Decisions: accepted pairs are fixed first (confirmed in the same segment, misplaced
    across, whatever the score) and their notes leave the assignment; rejected pairs
    score 0. Same input, same output.
    """
    return run_comparison(internal, customer, settings, decisions=decisions, progress=progress)


def run_comparison(
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    settings: Settings = DEFAULT_SETTINGS,
    *,
    decisions: Sequence[Decision] = (),
    progress: Callable[[int], None] | None = None,
    negation_factor: float = NEGATION_FACTOR,
) -> ComparisonResult:
    """`compare` with the engine's internal knobs exposed, for calibration only."""
    report = _Progress(progress)
    report(0)
    _validate(internal, "internal")
    _validate(customer, "customer")
    threshold, partial = settings.threshold, settings.partial_threshold

    internal_words = [words(note.text) for note in internal]
    customer_words = [words(note.text) for note in customer]
    languages = {
        side: settings.language
        if settings.language != "auto"
        else detect_language_of_words(side_words)
        for side, side_words in (("internal", internal_words), ("customer", customer_words))
    }
    if settings.language == "auto":
        # A side without notes has no evidence; let it follow the other side.
        if not internal:
            languages["internal"] = languages["customer"]
        if not customer:
            languages["customer"] = languages["internal"]
    prepared_internal = [
        prepare(note.text, languages["internal"], note_words)
        for note, note_words in zip(internal, internal_words, strict=True)
    ]
    prepared_customer = [
        prepare(note.text, languages["customer"], note_words)
        for note, note_words in zip(customer, customer_words, strict=True)
    ]
    report(5)

    internal_index = {note.id: index for index, note in enumerate(internal)}
    customer_index = {note.id: index for index, note in enumerate(customer)}
    rejected: set[tuple[int, int]] = set()
    manual: list[tuple[int, int]] = []
    manual_internal: set[int] = set()
    manual_customer: set[int] = set()
    extra_manual: list[tuple[int, int]] = []  # accepted links beyond one-to-one
    for decision in decisions:
        row = internal_index.get(decision.internal_id)
        column = customer_index.get(decision.customer_id)
        if row is None or column is None:
            continue  # a decision about a note no longer compared
        if not decision.accepted:
            rejected.add((row, column))
        elif row in manual_internal or column in manual_customer:
            extra_manual.append((row, column))
        else:
            manual.append((row, column))
            manual_internal.add(row)
            manual_customer.add(column)
    rejected -= set(manual) | set(extra_manual)

    count_internal, count_customer = len(internal), len(customer)
    best_internal_score = np.zeros(count_internal)
    best_internal_other = np.full(count_internal, -1)
    best_customer_score = np.zeros(count_customer)
    best_customer_other = np.full(count_customer, -1)
    engine_pairs: dict[tuple[int, int], float] = {}
    also: dict[tuple[int, int], float] = {}

    segment_rows = {key: [] for key in SEGMENT_KEYS}
    segment_columns = {key: [] for key in SEGMENT_KEYS}
    for index, note in enumerate(internal):
        segment_rows[note.segment].append(index)
    for index, note in enumerate(customer):
        segment_columns[note.segment].append(index)

    def forbid(scores: np.ndarray, rows: Sequence[int], columns: Sequence[int]) -> None:
        if not rejected:
            return
        row_position = {row: position for position, row in enumerate(rows)}
        column_position = {column: position for position, column in enumerate(columns)}
        for row, column in rejected:
            if row in row_position and column in column_position:
                scores[row_position[row], column_position[column]] = 0.0

    # Stage 1: each segment against the same segment.
    for step, key in enumerate(SEGMENT_KEYS):
        rows, columns = segment_rows[key], segment_columns[key]
        if rows and columns:
            scores = score_matrix(
                [prepared_internal[row] for row in rows],
                [prepared_customer[column] for column in columns],
                settings.scorer,
                negation_factor=negation_factor,
            )
            forbid(scores, rows, columns)
            row_array, column_array = np.asarray(rows), np.asarray(columns)
            # argmax takes the first maximum, so ties go to the earlier note.
            best_columns = scores.argmax(axis=1)
            best_internal_score[row_array] = scores[np.arange(len(rows)), best_columns]
            best_internal_other[row_array] = column_array[best_columns]
            best_rows = scores.argmax(axis=0)
            best_customer_score[column_array] = scores[best_rows, np.arange(len(columns))]
            best_customer_other[column_array] = row_array[best_rows]

            free_rows = np.array([row not in manual_internal for row in rows])
            free_columns = np.array([column not in manual_customer for column in columns])
            eligible = (scores >= partial) & free_rows[:, None] & free_columns[None, :]
            edge_rows, edge_columns = np.nonzero(eligible)
            weights = scores[edge_rows, edge_columns].astype(np.float64) - partial + _EDGE_EPSILON
            for row, column in assign(edge_rows, edge_columns, weights):
                engine_pairs[(rows[row], columns[column])] = float(scores[row, column])
            strong_rows, strong_columns = np.nonzero(scores >= threshold)
            for row, column in zip(strong_rows.tolist(), strong_columns.tolist(), strict=True):
                key_pair = (rows[row], columns[column])
                if key_pair not in engine_pairs:
                    also[key_pair] = float(scores[row, column])
        report(10 + 70 * (step + 1) / len(SEGMENT_KEYS))

    verdicts: list[str] = []
    for row in range(count_internal):
        if best_internal_score[row] >= threshold:
            verdicts.append("confirmed")
        elif best_internal_score[row] >= partial:
            verdicts.append("partial")
        else:
            verdicts.append("unconfirmed")

    matched_customer = {column for _, column in (*engine_pairs, *also, *manual, *extra_manual)}

    # Stage 2: right insight, wrong segment. Only notes nothing matched take part, and only
    # pairs at or above the full threshold count.
    misplaced_pairs: dict[tuple[int, int], float] = {}
    if settings.cross_segment:
        candidate_rows = [
            row
            for row in range(count_internal)
            if verdicts[row] == "unconfirmed" and row not in manual_internal
        ]
        candidate_columns = [
            column
            for column in range(count_customer)
            if column not in matched_customer and column not in manual_customer
        ]
        cross_edges: dict[tuple[int, int], float] = {}
        for key in SEGMENT_KEYS:
            rows = [row for row in candidate_rows if internal[row].segment == key]
            columns = [column for column in candidate_columns if customer[column].segment != key]
            if not rows or not columns:
                continue
            strong_rows, strong_columns, strong_scores = candidate_scores(
                [prepared_internal[row] for row in rows],
                [prepared_customer[column] for column in columns],
                settings.scorer,
                threshold,
                negation_factor=negation_factor,
            )
            for row, column, score in zip(
                strong_rows.tolist(), strong_columns.tolist(), strong_scores.tolist(), strict=True
            ):
                edge = (rows[row], columns[column])
                if edge not in rejected:
                    cross_edges[edge] = score
        report(90)
        if cross_edges:
            edges = sorted(cross_edges)
            edge_rows = np.array([row for row, _ in edges])
            edge_columns = np.array([column for _, column in edges])
            weights = np.array([cross_edges[edge] - partial + _EDGE_EPSILON for edge in edges])
            for edge in assign(edge_rows, edge_columns, weights):
                misplaced_pairs[edge] = cross_edges[edge]
            for (row, column), score in cross_edges.items():
                verdicts[row] = "misplaced"
                matched_customer.add(column)
                if (row, column) not in misplaced_pairs:
                    also[(row, column)] = score
                if score > best_internal_score[row]:
                    best_internal_score[row], best_internal_other[row] = score, column
                if score > best_customer_score[column]:
                    best_customer_score[column], best_customer_other[column] = score, row

    # Manual links: scored for display, verdict by segment whatever the score.
    manual_scores: dict[tuple[int, int], float] = {}
    for row, column in (*manual, *extra_manual):
        manual_scores[(row, column)] = float(
            score_matrix(
                [prepared_internal[row]],
                [prepared_customer[column]],
                settings.scorer,
                negation_factor=negation_factor,
            )[0, 0]
        )
    for row, column in manual:
        same = internal[row].segment == customer[column].segment
        verdicts[row] = "confirmed" if same else "misplaced"

    def pair_of(row: int, column: int, score: float, source: str) -> MatchPair:
        same = internal[row].segment == customer[column].segment
        if source == "manual" or not same:
            verdict = "confirmed" if same else "misplaced"
        else:
            verdict = "confirmed" if score >= threshold else "partial"
        return MatchPair(
            internal_id=internal[row].id,
            customer_id=customer[column].id,
            internal_segment=internal[row].segment,
            customer_segment=customer[column].segment,
            score=round(score, 1),
            verdict=verdict,
            shared_terms=_shared_terms(prepared_internal[row], prepared_customer[column]),
            source=source,
        )

    all_pairs = [(edge, score, "engine") for edge, score in engine_pairs.items()]
    all_pairs += [(edge, score, "engine") for edge, score in misplaced_pairs.items()]
    all_pairs += [(edge, manual_scores[edge], "manual") for edge in manual]
    all_pairs.sort(key=lambda item: item[0])
    pairs = [pair_of(row, column, score, source) for (row, column), score, source in all_pairs]
    also_items = [(edge, score, "engine") for edge, score in also.items()]
    also_items += [(edge, manual_scores[edge], "manual") for edge in extra_manual]
    also_items.sort(key=lambda item: item[0])
    also_matches = [
        pair_of(row, column, score, source)
        for (row, column), score, source in also_items
        if (row, column) not in manual_scores or source == "manual"
    ]

    partner_of_internal = {pair_row: (column, score) for (pair_row, column), score, _ in all_pairs}
    partner_of_customer = {column: (row, score) for (row, column), score, _ in all_pairs}

    internal_verdicts: list[InternalVerdict] = []
    for row, note in enumerate(internal):
        if row in partner_of_internal:
            column, score = partner_of_internal[row]
        else:
            column, score = int(best_internal_other[row]), float(best_internal_score[row])
        best = None
        if column >= 0 and (score > 0 or row in partner_of_internal):
            best = BestMatch(customer[column].id, customer[column].segment, round(score, 1))
        internal_verdicts.append(
            InternalVerdict(note.id, note.segment, note.text, verdicts[row], best, note.votes)
        )
    customer_verdicts: list[CustomerVerdict] = []
    for column, note in enumerate(customer):
        if column in partner_of_customer:
            row, score = partner_of_customer[column]
        else:
            row, score = int(best_customer_other[column]), float(best_customer_score[column])
        best = None
        if row >= 0 and (score > 0 or column in partner_of_customer):
            best = BestMatch(internal[row].id, internal[row].segment, round(score, 1))
        verdict = "anticipated" if column in matched_customer else "missed"
        customer_verdicts.append(
            CustomerVerdict(note.id, note.segment, note.text, verdict, best, note.votes)
        )

    summary, segments = recompute_metrics(internal_verdicts, customer_verdicts)
    report(100)
    return ComparisonResult(
        settings=settings,
        engine_version=ENGINE_VERSION,
        languages=languages,
        internal=internal_verdicts,
        customer=customer_verdicts,
        pairs=pairs,
        also_matches=also_matches,
        summary=summary,
        segments=segments,
    )
