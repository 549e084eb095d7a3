"""compare(): normalise → score → assign → verdicts → metrics (pure, no Django)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

from comparison.engine import semantic as semantic_module
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
from comparison.engine.scoring import NEGATION_FACTOR, LexicalScorer
from comparison.engine.semantic import (
    EMBEDDING_MODES,
    Embedder,
    EmbeddingScorer,
    SemanticParameters,
    SemanticStatus,
    embedding_texts,
    feelings,
    resolve_vectors,
)
from comparison.engine.text import (
    Prepared,
    affirmative_twin,
    detect_language_of_words,
    prepare_many,
    words,
)
from maps.segments import SEGMENT_KEYS

# Bump whenever the same input could give a different result.
# 1.1.0: also-matches capped per note (ALSO_MATCHES_PER_NOTE) and big components solved by
# the sparse solver, which may break exact ties between equally good assignments another way.
# 1.2.0: every component goes to the sparse solver, ties broken towards input order.
# 1.3.0: scorer modes "lexical", "semantic" and "hybrid" (comparison.engine.semantic).
# 1.3.1: contractions typed without the apostrophe ("dont") count as negations.
# 1.4.0: semantic and hybrid guards ask the encoder: a negation caps a pair only when the
# other note is closer to the negated note's affirmative twin, and opposite feelings cap it
# too; hybrid's word scores no longer discount negations themselves.
ENGINE_VERSION = "1.4.0"

# Chosen by bench.quality (dev set + STS-B train); figures in the README.
DEFAULT_SETTINGS = Settings(scorer="blend", threshold=50.0, partial_threshold=40.0)

# Added to every eligible edge's margin so a pair scoring exactly the partial threshold
# can still be drawn; far below any score difference that matters (scores have 1 decimal).
_EDGE_EPSILON = 1e-3
# Largest tie-break bonus per edge (see `_sparse_matching`): summed over thousands of pairs
# it stays far below 0.1, the resolution scores are shown at.
_TIE_EPSILON = 1e-7

# Segments of at least this many cells are scored and assigned on a thread pool, one
# segment per thread (with single-threaded rapidfuzz inside), when two or more are that big.
_PARALLEL_MIN_CELLS = 250_000
_CPU_COUNT = os.cpu_count() or 1


# At most this many also-matches are listed per note: an also-match is listed when it is
# among the ALSO_MATCHES_PER_NOTE highest-scoring ones of its internal note or of its
# customer note (ties: the earlier counterpart). On dense maps (thousands of notes sharing
# a small vocabulary) the full list grows with N² and building it dominated the run.
# Verdicts never read the list: "anticipated" comes from the full vectorised threshold
# check, so capping changes only what is listed, and every anticipated customer note
# still lists its best match.
ALSO_MATCHES_PER_NOTE = 3


def assign(rows: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one matching over the given positive edges, as sorted
    (row, column) pairs (see `assign_edges`)."""
    rows, columns = np.asarray(rows), np.asarray(columns)
    chosen = assign_edges(rows, columns, np.asarray(weights))
    order = np.lexsort((columns[chosen], rows[chosen]))
    return list(zip(rows[chosen][order].tolist(), columns[chosen][order].tolist(), strict=True))


def assign_edges(rows: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Positions (ascending) of the edges of a maximum-weight one-to-one matching.

    The candidate graph is solved per connected component: components of one edge are
    taken whole without a solver (vectorised), the rest go to scipy's sparse solver (see
    `_sparse_matching`; it needs no dense block, and leaving `scipy.optimize` unimported
    saves a quarter of a second of start-up). Ties resolve the same way on every run.
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    row_ids, row_index = np.unique(rows, return_inverse=True)
    column_ids, column_index = np.unique(columns, return_inverse=True)
    offset = len(row_ids)
    size = offset + len(column_ids)
    graph = coo_matrix(
        (np.ones(len(rows), dtype=np.int8), (row_index, column_index + offset)), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    edge_labels = labels[row_index]
    edges_per_component = np.bincount(edge_labels)
    single = edges_per_component[edge_labels] == 1
    chosen = [np.flatnonzero(single)]
    rest = np.flatnonzero(~single)
    if len(rest):
        order = rest[np.argsort(edge_labels[rest], kind="stable")]
        boundaries = np.flatnonzero(np.diff(edge_labels[order])) + 1
        for group in np.split(order, boundaries):
            block_rows, local_rows = np.unique(row_index[group], return_inverse=True)
            block_columns, local_columns = np.unique(column_index[group], return_inverse=True)
            picked = np.array(
                _sparse_matching(
                    local_rows, local_columns, weights[group], len(block_rows), len(block_columns)
                ),
                dtype=np.int64,
            ).reshape(-1, 2)
            codes = local_rows.astype(np.int64) * len(block_columns) + local_columns
            by_code = np.argsort(codes)
            found = np.searchsorted(
                codes, picked[:, 0] * len(block_columns) + picked[:, 1], sorter=by_code
            )
            chosen.append(group[by_code[found]])
    return np.sort(np.concatenate(chosen))


def _sparse_matching(
    rows: np.ndarray, columns: np.ndarray, weights: np.ndarray, row_count: int, column_count: int
) -> list[tuple[int, int]]:
    """Maximum-weight (not necessarily full) matching with scipy's sparse LAPJVsp.

    That solver matches every row of a rectangular graph (rows <= columns), so every row
    gets a private "unmatched" column. With costs top - w for real edges and top for the
    private ones, every row-full matching costs rows * top - sum(w of real edges used), so
    minimising cost maximises the matched weight. All costs stay positive (an explicit
    zero would read as a missing edge). Only E + rows edges: on a 2,000 x 2,000 component
    with 75,000 edges this takes ~0.035 s against ~0.085 s for dense LSA (measured).
    """
    # Equal-weight matchings are told apart by a bonus far below any real score difference
    # that favours pairing early notes with early notes, so ties follow the input order
    # (a separable bonus would not: every full matching of the same notes earns the same).
    weights = weights + _TIE_EPSILON / (1.0 + rows + columns)
    top = float(weights.max()) + 1.0
    all_rows = np.concatenate([rows, np.arange(row_count)])
    all_columns = np.concatenate([columns, column_count + np.arange(row_count)])
    costs = np.concatenate([top - weights, np.full(row_count, top)])
    graph = coo_matrix(
        (costs, (all_rows, all_columns)), shape=(row_count, column_count + row_count)
    ).tocsr()
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    real = matched_columns < column_count
    return list(zip(matched_rows[real].tolist(), matched_columns[real].tolist(), strict=True))


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
    embeddings: Mapping[str, np.ndarray] | None = None,
    embedder: Embedder | None = None,
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

    Scorer "semantic" or "hybrid": `embeddings` maps text digests
    (`semantic.text_digest`) to cached vectors, and `embedder` embeds the rest (default:
    the bundled backend when the `semantic` extra is installed). Without a backend, or
    with too many texts to embed, the run is lexical; `result.semantic` says so.
    """
    return run_comparison(
        internal,
        customer,
        settings,
        decisions=decisions,
        progress=progress,
        embeddings=embeddings,
        embedder=embedder,
    )


def run_comparison(
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    settings: Settings = DEFAULT_SETTINGS,
    *,
    decisions: Sequence[Decision] = (),
    progress: Callable[[int], None] | None = None,
    negation_factor: float = NEGATION_FACTOR,
    also_limit: int | None = ALSO_MATCHES_PER_NOTE,
    embeddings: Mapping[str, np.ndarray] | None = None,
    embedder: Embedder | None = None,
    semantic_parameters: SemanticParameters | None = None,
    max_uncached: int | None = None,
) -> ComparisonResult:
    """`compare` with the engine's internal knobs exposed, for calibration only.

    Everything over pairs is numpy on the score matrices (masks, argmax, nonzero); Python
    objects are made only for what the result returns. `also_limit=None` lists every
    also-match (see ALSO_MATCHES_PER_NOTE).
    """
    semantic = _SemanticInput(
        embeddings,
        embedder,
        semantic_parameters or SemanticParameters(),
        semantic_module.MAX_UNCACHED_TEXTS if max_uncached is None else max_uncached,
    )
    with _gc_paused():
        return _run(
            internal,
            customer,
            settings,
            decisions,
            progress,
            negation_factor,
            also_limit,
            semantic,
        )


@dataclass(frozen=True)
class _SemanticInput:
    embeddings: Mapping[str, np.ndarray] | None
    embedder: Embedder | None
    parameters: SemanticParameters
    max_uncached: int


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration: a run allocates ~10^5 acyclic
    objects (notes, verdicts, pairs), and the collections they trigger cost ~20% of a big
    run (measured). Restores the caller's setting, also on errors."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run(
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    settings: Settings,
    decisions: Sequence[Decision],
    progress: Callable[[int], None] | None,
    negation_factor: float,
    also_limit: int | None,
    semantic: _SemanticInput,
) -> ComparisonResult:
    report = _Progress(progress)
    report(0)
    _validate(internal, "internal")
    _validate(customer, "customer")
    threshold, partial = settings.threshold, settings.partial_threshold

    internal_words = _words_of(internal)
    customer_words = _words_of(customer)
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
    prepared_internal = _prepare_all(internal, internal_words, languages["internal"])
    prepared_customer = _prepare_all(customer, customer_words, languages["customer"])
    pair_scorer, semantic_status = _scorer_for(
        settings, internal, customer, prepared_internal, prepared_customer, negation_factor,
        semantic,
    )  # fmt: skip
    report(5)

    count_internal, count_customer = len(internal), len(customer)
    internal_index = {note.id: index for index, note in enumerate(internal)}
    customer_index = {note.id: index for index, note in enumerate(customer)}
    rejected: set[tuple[int, int]] = set()
    manual: list[tuple[int, int]] = []
    manual_internal = np.zeros(count_internal, dtype=bool)
    manual_customer = np.zeros(count_customer, dtype=bool)
    extra_manual: list[tuple[int, int]] = []  # accepted links beyond one-to-one
    for decision in decisions:
        row = internal_index.get(decision.internal_id)
        column = customer_index.get(decision.customer_id)
        if row is None or column is None:
            continue  # a decision about a note no longer compared
        if not decision.accepted:
            rejected.add((row, column))
        elif manual_internal[row] or manual_customer[column]:
            extra_manual.append((row, column))
        else:
            manual.append((row, column))
            manual_internal[row] = manual_customer[column] = True
    rejected -= set(manual) | set(extra_manual)
    rejected_rows = np.array([row for row, _ in rejected], dtype=np.int64)
    rejected_columns = np.array([column for _, column in rejected], dtype=np.int64)
    any_manual = bool(manual)

    segment_number = {key: number for number, key in enumerate(SEGMENT_KEYS)}
    internal_segment = np.array([segment_number[note.segment] for note in internal], dtype=np.int64)
    customer_segment = np.array([segment_number[note.segment] for note in customer], dtype=np.int64)

    best_internal_score = np.zeros(count_internal)
    best_internal_other = np.full(count_internal, -1, dtype=np.int64)
    best_customer_score = np.zeros(count_customer)
    best_customer_other = np.full(count_customer, -1, dtype=np.int64)

    # Stage 1: each segment against the same segment. A segment's score matrix lives only
    # inside `same_segment`; what survives it are the per-note maxima and the edges at or
    # above the partial threshold (one `nonzero` per segment), with the assignment drawn.
    def same_segment(step: int) -> _Segment | None:
        rows = np.flatnonzero(internal_segment == step)
        columns = np.flatnonzero(customer_segment == step)
        if not len(rows) or not len(columns):
            return None
        scores = pair_scorer.matrix(rows, columns, workers)
        if rejected:
            _forbid(scores, rows, columns, rejected_rows, rejected_columns)
        # argmax takes the first maximum, so ties go to the earlier note.
        best_columns = scores.argmax(axis=1)
        # The first row reaching each column's maximum: the same as argmax(axis=0), several
        # times faster on a C-ordered matrix.
        best_rows = (scores == scores.max(axis=0)).argmax(axis=0)
        edge_rows, edge_columns = np.nonzero(scores >= partial)
        segment = _Segment(
            rows=rows,
            columns=columns,
            row_best=scores[np.arange(len(rows)), best_columns],
            row_other=columns[best_columns],
            column_best=scores[best_rows, np.arange(len(columns))],
            column_other=rows[best_rows],
            edge_rows=rows[edge_rows],
            edge_columns=columns[edge_columns],
            edge_scores=scores[edge_rows, edge_columns],
        )
        del scores
        positions = np.arange(len(edge_rows))
        if any_manual:
            free = ~manual_internal[segment.edge_rows] & ~manual_customer[segment.edge_columns]
            positions = positions[free]
        weights = segment.edge_scores[positions].astype(np.float64) - partial + _EDGE_EPSILON
        chosen = assign_edges(
            segment.edge_rows[positions], segment.edge_columns[positions], weights
        )
        segment.drawn = np.zeros(len(edge_rows), dtype=bool)
        segment.drawn[positions[chosen]] = True
        return segment

    # Big maps run the segments on a thread pool: rapidfuzz, numpy and the solvers release
    # the GIL for most of the work (measured on 2 cores at N = 2,000: stage 1 ~25% faster).
    # Results are taken in segment order, so the output does not depend on the schedule.
    segment_cells = [
        int(np.count_nonzero(internal_segment == step))
        * int(np.count_nonzero(customer_segment == step))
        for step in range(len(SEGMENT_KEYS))
    ]
    threads = min(_CPU_COUNT, sum(cells >= _PARALLEL_MIN_CELLS for cells in segment_cells))
    workers = 1 if threads > 1 else None
    pair_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # engine pairs
    also_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # engine also-matches
    with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        results = (
            pool.map(same_segment, range(len(SEGMENT_KEYS)))
            if threads > 1
            else map(same_segment, range(len(SEGMENT_KEYS)))
        )
        for step, segment in enumerate(results):
            if segment is not None:
                best_internal_score[segment.rows] = segment.row_best
                best_internal_other[segment.rows] = segment.row_other
                best_customer_score[segment.columns] = segment.column_best
                best_customer_other[segment.columns] = segment.column_other
                drawn, strong = segment.drawn, segment.edge_scores >= threshold
                also = strong & ~drawn
                pair_parts.append(
                    (
                        segment.edge_rows[drawn],
                        segment.edge_columns[drawn],
                        segment.edge_scores[drawn],
                    )
                )
                also_parts.append(
                    (segment.edge_rows[also], segment.edge_columns[also], segment.edge_scores[also])
                )
            report(10 + 70 * (step + 1) / len(SEGMENT_KEYS))

    pair_rows, pair_columns, pair_scores = _concatenate(pair_parts)
    also_rows, also_columns, also_scores = _concatenate(also_parts)

    verdict_codes = np.where(
        best_internal_score >= threshold,
        _CONFIRMED,
        np.where(best_internal_score >= partial, _PARTIAL, _UNCONFIRMED),
    )
    matched_customer = np.zeros(count_customer, dtype=bool)
    matched_customer[pair_columns] = True
    matched_customer[also_columns] = True
    matched_customer |= manual_customer
    for _, column in extra_manual:
        matched_customer[column] = True

    # Stage 2: right insight, wrong segment. Only notes nothing matched take part, and only
    # pairs at or above the full threshold count.
    empty_edges = _concatenate([])
    misplaced_rows, misplaced_columns, misplaced_scores = empty_edges
    if settings.cross_segment:
        candidate_rows = (verdict_codes == _UNCONFIRMED) & ~manual_internal
        candidate_columns = ~matched_customer & ~manual_customer
        cross_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for step in range(len(SEGMENT_KEYS)):
            rows = np.flatnonzero(candidate_rows & (internal_segment == step))
            columns = np.flatnonzero(candidate_columns & (customer_segment != step))
            if not len(rows) or not len(columns):
                continue
            strong_rows, strong_columns, strong_scores = pair_scorer.candidates(
                rows, columns, threshold
            )
            cross_parts.append((rows[strong_rows], columns[strong_columns], strong_scores))
        cross_rows, cross_columns, cross_scores = _concatenate(cross_parts)
        if rejected and len(cross_rows):
            keep = ~np.isin(
                cross_rows * count_customer + cross_columns,
                rejected_rows * count_customer + rejected_columns,
            )
            cross_rows, cross_columns, cross_scores = (
                cross_rows[keep],
                cross_columns[keep],
                cross_scores[keep],
            )
        report(90)
        if len(cross_rows):
            order = np.lexsort((cross_columns, cross_rows))
            weights = cross_scores[order].astype(np.float64) - partial + _EDGE_EPSILON
            chosen = np.array(
                assign(cross_rows[order], cross_columns[order], weights), dtype=np.int64
            ).reshape(-1, 2)
            drawn = np.isin(
                cross_rows * count_customer + cross_columns,
                chosen[:, 0] * count_customer + chosen[:, 1],
            )
            misplaced_order = np.lexsort((cross_columns[drawn], cross_rows[drawn]))
            misplaced_rows = cross_rows[drawn][misplaced_order]
            misplaced_columns = cross_columns[drawn][misplaced_order]
            misplaced_scores = cross_scores[drawn][misplaced_order]
            verdict_codes[cross_rows] = _MISPLACED
            matched_customer[cross_columns] = True
            also_rows = np.concatenate([also_rows, cross_rows[~drawn]])
            also_columns = np.concatenate([also_columns, cross_columns[~drawn]])
            also_scores = np.concatenate([also_scores, cross_scores[~drawn]])
            _raise_best(best_internal_score, best_internal_other, cross_rows, cross_columns,
                        cross_scores)  # fmt: skip
            _raise_best(best_customer_score, best_customer_other, cross_columns, cross_rows,
                        cross_scores)  # fmt: skip

    # Manual links: scored for display, verdict by segment whatever the score.
    manual_scores: dict[tuple[int, int], float] = {}
    for row, column in (*manual, *extra_manual):
        manual_scores[(row, column)] = float(
            pair_scorer.matrix(np.array([row]), np.array([column]))[0, 0]
        )
    for row, column in manual:
        same = internal[row].segment == customer[column].segment
        verdict_codes[row] = _CONFIRMED if same else _MISPLACED

    internal_ids = [note.id for note in internal]
    customer_ids = [note.id for note in customer]
    internal_segments = [note.segment for note in internal]
    customer_segments = [note.segment for note in customer]
    internal_sets = [note.stem_set for note in prepared_internal]
    customer_sets = [note.stem_set for note in prepared_customer]
    internal_display = [note.display for note in prepared_internal]

    def pairs_of(items: Sequence[tuple[int, int, float, str]]) -> list[MatchPair]:
        """MatchPair objects for (row, column, score, source) items, in their order."""
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
                    internal_ids[row],
                    customer_ids[column],
                    internal_segment,
                    customer_segment,
                    round(score, 1),
                    verdict,
                    sorted(map(internal_display[row].__getitem__, shared)),
                    source,
                )
            )
        return result

    # Pairs: the engine's (same segment and misplaced) and the manual ones, by edge. They
    # never share a note, so each note has at most one partner.
    all_rows = np.concatenate([pair_rows, misplaced_rows])
    all_columns = np.concatenate([pair_columns, misplaced_columns])
    all_scores = np.concatenate([pair_scores, misplaced_scores]).astype(np.float64)
    all_sources = ["engine"] * len(all_rows) + ["manual"] * len(manual)
    if manual:
        all_rows = np.concatenate([all_rows, [row for row, _ in manual]]).astype(np.int64)
        all_columns = np.concatenate([all_columns, [column for _, column in manual]])
        all_columns = all_columns.astype(np.int64)
        all_scores = np.concatenate([all_scores, [manual_scores[edge] for edge in manual]])
    order = np.lexsort((all_columns, all_rows)).tolist()
    pair_list = list(
        zip(all_rows.tolist(), all_columns.tolist(), all_scores.tolist(), all_sources, strict=True)
    )
    pairs = pairs_of([pair_list[index] for index in order])

    # Also-matches: engine ones (minus any edge an editor linked by hand), capped per note,
    # then the accepted links beyond one-to-one.
    if manual_scores and len(also_rows):
        linked = np.array(list(manual_scores), dtype=np.int64)
        keep = ~np.isin(
            also_rows * count_customer + also_columns,
            linked[:, 0] * count_customer + linked[:, 1],
        )
        also_rows, also_columns, also_scores = (
            also_rows[keep],
            also_columns[keep],
            also_scores[keep],
        )
    if also_limit is not None and len(also_rows):
        keep = _top_per_note(also_rows, also_columns, also_scores, also_limit)
        also_rows, also_columns, also_scores = (
            also_rows[keep],
            also_columns[keep],
            also_scores[keep],
        )
    order = np.lexsort((also_columns, also_rows))
    also_items = list(
        zip(
            also_rows[order].tolist(),
            also_columns[order].tolist(),
            also_scores[order].tolist(),
            ["engine"] * len(order),
            strict=True,
        )
    )
    if extra_manual:
        also_items += [(row, column, manual_scores[(row, column)], "manual")
                       for row, column in extra_manual]  # fmt: skip
        also_items.sort(key=lambda item: (item[0], item[1]))
    also_matches = pairs_of(also_items)

    # Best counterpart shown per note: its partner when paired, else its best score.
    internal_partner = np.zeros(count_internal, dtype=bool)
    customer_partner = np.zeros(count_customer, dtype=bool)
    internal_partner[all_rows] = True
    customer_partner[all_columns] = True
    best_internal_other[all_rows] = all_columns
    best_internal_score[all_rows] = all_scores
    best_customer_other[all_columns] = all_rows
    best_customer_score[all_columns] = all_scores

    verdict_names = [_INTERNAL_VERDICTS[code] for code in verdict_codes.tolist()]
    internal_verdicts: list[InternalVerdict] = []
    for note, verdict, column, score, partnered in zip(
        internal,
        verdict_names,
        best_internal_other.tolist(),
        best_internal_score.tolist(),
        internal_partner.tolist(),
        strict=True,
    ):
        best = None
        if column >= 0 and (score > 0 or partnered):
            other = customer[column]
            best = BestMatch(other.id, other.segment, round(score, 1))
        internal_verdicts.append(
            InternalVerdict(note.id, note.segment, note.text, verdict, best, note.votes)
        )
    customer_verdicts: list[CustomerVerdict] = []
    for note, anticipated, row, score, partnered in zip(
        customer,
        matched_customer.tolist(),
        best_customer_other.tolist(),
        best_customer_score.tolist(),
        customer_partner.tolist(),
        strict=True,
    ):
        best = None
        if row >= 0 and (score > 0 or partnered):
            other = internal[row]
            best = BestMatch(other.id, other.segment, round(score, 1))
        verdict = "anticipated" if anticipated else "missed"
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
        semantic=None if semantic_status is None else semantic_status.to_dict(),
    )


def _scorer_for(
    settings: Settings,
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    prepared_internal: Sequence[Prepared],
    prepared_customer: Sequence[Prepared],
    negation_factor: float,
    semantic: _SemanticInput,
) -> tuple[LexicalScorer | EmbeddingScorer, SemanticStatus | None]:
    """The run's pair scorer, and (semantic and hybrid modes) what happened about
    embeddings. Falls back to the lexical scorer whenever embeddings are unavailable."""
    lexical = LexicalScorer(
        prepared_internal, prepared_customer, settings.lexical_scorer,
        negation_factor=negation_factor,
    )  # fmt: skip
    mode = settings.mode
    if mode not in EMBEDDING_MODES:
        return lexical, None
    vectors, status = resolve_vectors(
        embedding_texts(note.text for note in (*internal, *customer)),
        mode=mode,
        embeddings=semantic.embeddings,
        embedder=semantic.embedder,
        limit=semantic.max_uncached,
    )
    if vectors is None:
        return lexical, status
    scorer = embedding_scorer(
        mode,
        internal,
        customer,
        prepared_internal,
        prepared_customer,
        vectors,
        lexical_name=settings.lexical_scorer,
        partial_threshold=settings.partial_threshold,
        parameters=semantic.parameters,
    )
    return scorer, status


def embedding_scorer(
    mode: str,
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    prepared_internal: Sequence[Prepared],
    prepared_customer: Sequence[Prepared],
    vectors: Mapping[str, np.ndarray],
    *,
    lexical_name: str,
    partial_threshold: float,
    parameters: SemanticParameters,
) -> EmbeddingScorer:
    """The semantic or hybrid scorer of a run, given every vector `embedding_texts` asks
    for (text -> unit vector). Also used by the calibration on sentence pairs."""
    dimensions = len(next(iter(vectors.values()))) if vectors else 0

    def stack(notes: Sequence[NoteIn], twins: bool = False) -> np.ndarray:
        if not notes:
            return np.zeros((0, dimensions), dtype=np.float32)
        texts = [note.text for note in notes]
        if twins:
            texts = [affirmative_twin(text) or text for text in texts]
        return np.stack([vectors[text] for text in texts]).astype(np.float32)

    def flags(notes: Sequence[Prepared], attribute: str) -> np.ndarray:
        if attribute == "negated":
            return np.fromiter((note.negated for note in notes), dtype=bool, count=len(notes))
        return np.fromiter((not note.stems for note in notes), dtype=bool, count=len(notes))

    # In hybrid the word scores are not discounted for negations: the semantic guard
    # decides which negations set a pair apart.
    hybrid_lexical = LexicalScorer(
        prepared_internal, prepared_customer, lexical_name, negation_factor=1.0
    )
    internal_vectors, customer_vectors = stack(internal), stack(customer)
    return EmbeddingScorer(
        internal_vectors,
        customer_vectors,
        flags(prepared_internal, "negated"),
        flags(prepared_customer, "negated"),
        partial_threshold=partial_threshold,
        lexical=hybrid_lexical if mode == "hybrid" else None,
        parameters=parameters,
        internal_empty=flags(prepared_internal, "empty"),
        customer_empty=flags(prepared_customer, "empty"),
        internal_twins=stack(internal, twins=True),
        customer_twins=stack(customer, twins=True),
        internal_feelings=feelings(internal_vectors, vectors),
        customer_feelings=feelings(customer_vectors, vectors),
        internal_segments=[note.segment for note in internal],
        customer_segments=[note.segment for note in customer],
    )


@dataclass
class _Segment:
    """What stage 1 keeps of one segment (global note indices)."""

    rows: np.ndarray
    columns: np.ndarray
    row_best: np.ndarray
    row_other: np.ndarray
    column_best: np.ndarray
    column_other: np.ndarray
    edge_rows: np.ndarray  # the pairs at or above the partial threshold...
    edge_columns: np.ndarray
    edge_scores: np.ndarray
    drawn: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # ...assigned


_CONFIRMED, _PARTIAL, _MISPLACED, _UNCONFIRMED = 0, 1, 2, 3
_INTERNAL_VERDICTS = ("confirmed", "partial", "misplaced", "unconfirmed")


def _words_of(notes: Sequence[NoteIn]) -> list[list[str]]:
    """`words` of each note, once per distinct text."""
    seen: dict[str, list[str]] = {}
    result = []
    for note in notes:
        found = seen.get(note.text)
        if found is None:
            found = seen[note.text] = words(note.text)
        result.append(found)
    return result


def _prepare_all(
    notes: Sequence[NoteIn], note_words: Sequence[list[str]], language: str
) -> list[Prepared]:
    """`prepare` of each note, once per distinct text (Prepared is immutable)."""
    position: dict[str, int] = {}
    distinct_words: list[list[str]] = []
    for note, these_words in zip(notes, note_words, strict=True):
        if note.text not in position:
            position[note.text] = len(distinct_words)
            distinct_words.append(these_words)
    prepared = prepare_many(distinct_words, language)
    return [prepared[position[note.text]] for note in notes]


def _concatenate(
    parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, scores) of all parts, one array each (int64, int64, float32)."""
    if not parts:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    return (
        np.concatenate([part[0] for part in parts]).astype(np.int64),
        np.concatenate([part[1] for part in parts]).astype(np.int64),
        np.concatenate([part[2] for part in parts]).astype(np.float32),
    )


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
