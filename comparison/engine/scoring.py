"""Score matrices between prepared notes (pure: numpy, scipy and rapidfuzz only).

Every scorer works on the normalised stems, so stemming, umlaut folding and stop words
happen once per note, not once per pair. The vectorised rapidfuzz calls (`cdist`,
`cpdist`) do the work; there is no Python loop over pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from comparison.engine.text import Prepared

# Scorers offered to users; each is computed on the normalised text.
#   ratio             Indel similarity of the stems in reading order
#   token_sort_ratio  the same on the stems sorted, so word order does not matter
#   token_set_ratio   rapidfuzz's set comparison (a note contained in another scores 100)
#   blend             mean of token_sort_ratio and the stem overlap (Dice), see below
SCORERS: tuple[str, ...] = ("blend", "token_sort_ratio", "token_set_ratio", "ratio")

# Scores are multiplied by this when exactly one of the two notes is negated: "Never asks
# for a discount" and "Asks for a discount" share every content word. Chosen on the dev
# set (bench.quality), where it removed the negation look-alikes without losing
# true pairs; a note written with a negation is rarely a paraphrase of one without.
NEGATION_FACTOR = 0.6

# Below this many pairs (~500 x 500), one thread beats a pool's start-up on a 2-core
# machine (measured for fuzz.ratio with `workers=-1`). The same size decides both where
# work runs in parallel: rapidfuzz's own threads for one big matrix, and the pipeline's
# thread pool (one segment per thread) when two or more segments are that big.
PARALLEL_MIN_PAIRS = 250_000


def _workers(rows: int, columns: int) -> int:
    return -1 if rows * columns >= PARALLEL_MIN_PAIRS else 1


def _ratio_matrix(
    left: Sequence[str], right: Sequence[str], workers: int | None = None
) -> np.ndarray:
    if workers is None:
        workers = _workers(len(left), len(right))
    return process.cdist(left, right, scorer=fuzz.ratio, dtype=np.float32, workers=workers)


def _incidence(
    left: Sequence[Prepared], right: Sequence[Prepared]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Binary note × stem matrices over the stems of both sides."""
    vocabulary: dict[str, int] = {}

    def build(notes: Sequence[Prepared]) -> sparse.csr_matrix:
        stem_sets = [note.stem_set for note in notes]
        indices = [
            vocabulary.setdefault(token, len(vocabulary))
            for tokens in stem_sets
            for token in tokens
        ]
        indptr = np.zeros(len(notes) + 1, dtype=np.int64)
        np.cumsum([len(tokens) for tokens in stem_sets], out=indptr[1:])
        data = np.ones(len(indices), dtype=np.float32)
        return sparse.csr_matrix(
            (data, np.asarray(indices, dtype=np.int64), indptr), shape=(len(notes), 0)
        )

    left_matrix, right_matrix = build(left), build(right)
    width = len(vocabulary)
    left_matrix.resize((len(left), width))
    right_matrix.resize((len(right), width))
    return left_matrix, right_matrix


def shared_counts(left: Sequence[Prepared], right: Sequence[Prepared]) -> sparse.csr_matrix:
    """How many distinct stems each pair shares, as a sparse matrix (blocking key)."""
    left_matrix, right_matrix = _incidence(left, right)
    return (left_matrix @ right_matrix.T).tocsr()


def _set_sizes(notes: Sequence[Prepared]) -> np.ndarray:
    return np.fromiter((len(note.stem_set) for note in notes), dtype=np.float32, count=len(notes))


def _dice_entries(
    left: Sequence[Prepared], right: Sequence[Prepared]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, 100 × Dice) of the pairs sharing at least one stem (float32)."""
    shared = shared_counts(left, right).tocoo()
    totals = _set_sizes(left)[shared.row] + _set_sizes(right)[shared.col]
    return shared.row, shared.col, 200.0 * shared.data / np.maximum(totals, 1.0)


def token_set_matrix(
    left: Sequence[Prepared], right: Sequence[Prepared], workers: int | None = None
) -> np.ndarray:
    """Exactly rapidfuzz's token_set_ratio on the normalised text, fast.

    When two notes share no stem, token_set_ratio is plain `ratio` of their sorted, de-
    duplicated stems, which the vectorised `cdist(fuzz.ratio)` gives at full speed. Only
    the pairs that share a stem (found by a sparse product, usually a small fraction) go
    through the expensive scorer, with `cpdist`. Nothing is approximated; a test checks
    this against the dense `cdist(token_set_ratio)`.
    """
    result = _ratio_matrix(
        [note.sorted_set for note in left], [note.sorted_set for note in right], workers
    )
    shared = shared_counts(left, right).tocoo()
    if shared.nnz:
        rows, columns = shared.row, shared.col
        result[rows, columns] = process.cpdist(
            [left[row].ordered for row in rows],
            [right[column].ordered for column in columns],
            scorer=fuzz.token_set_ratio,
            dtype=np.float32,
            workers=_workers(len(rows), 1) if workers is None else workers,
        )
    # token_set_ratio scores an empty string 0, where `ratio` of two empties says 100.
    result[[not note.stems for note in left], :] = 0.0
    result[:, [not note.stems for note in right]] = 0.0
    return result


def score_matrix(
    left: Sequence[Prepared],
    right: Sequence[Prepared],
    scorer: str,
    *,
    negation_factor: float = NEGATION_FACTOR,
    workers: int | None = None,
) -> np.ndarray:
    """Scores 0-100 (float32, rows = `left`) of every pair under `scorer`. `workers` goes
    to rapidfuzz's `cdist` (default: all cores on big matrices, one on small ones)."""
    if not left or not right:
        return np.zeros((len(left), len(right)), dtype=np.float32)
    if scorer == "ratio":
        scores = _ratio_matrix(
            [note.ordered for note in left], [note.ordered for note in right], workers
        )
    elif scorer == "token_sort_ratio":
        scores = _ratio_matrix(
            [note.sorted_tokens for note in left], [note.sorted_tokens for note in right], workers
        )
    elif scorer == "token_set_ratio":
        scores = token_set_matrix(left, right, workers)
    elif scorer == "blend":
        # Character similarity catches typos and inflections the stemmer missed; the stem
        # overlap rewards shared ideas whatever the note length. Either alone is worse on
        # the dev set (see bench.quality).
        scores = _ratio_matrix(
            [note.sorted_tokens for note in left], [note.sorted_tokens for note in right], workers
        )
        # Dice (2·|A∩B| / (|A|+|B|)) is 0 off the sparse product, so only its entries are
        # added: the values of adding a dense Dice matrix, without a second dense matrix.
        rows, columns, dice = _dice_entries(left, right)
        scores[rows, columns] += dice
        scores *= 0.5
    else:
        raise ValueError(f"unknown scorer {scorer!r}; choose one of {', '.join(SCORERS)}")
    if negation_factor != 1.0:
        negated_left = np.fromiter((note.negated for note in left), dtype=bool, count=len(left))
        negated_right = np.fromiter((note.negated for note in right), dtype=bool, count=len(right))
        # Only the negated-vs-plain blocks change (usually a small share of the cells).
        negated_rows, plain_rows = np.flatnonzero(negated_left), np.flatnonzero(~negated_left)
        negated_columns = np.flatnonzero(negated_right)
        plain_columns = np.flatnonzero(~negated_right)
        for block_rows, block_columns in (
            (negated_rows, plain_columns),
            (plain_rows, negated_columns),
        ):
            if len(block_rows) and len(block_columns):
                block = np.ix_(block_rows, block_columns)
                scores[block] *= negation_factor
    # A note without a single word ("!!!", an emoji) says nothing comparable.
    scores[[not note.stems for note in left], :] = 0.0
    scores[:, [not note.stems for note in right]] = 0.0
    return scores


def pair_scores(
    left: Sequence[Prepared],
    right: Sequence[Prepared],
    scorer: str,
    *,
    negation_factor: float = NEGATION_FACTOR,
) -> np.ndarray:
    """Scores of the pairs (left[k], right[k]), the same values `score_matrix` gives for
    them, vectorised with `cpdist` (for calibration on sentence-pair data)."""
    if len(left) != len(right):
        raise ValueError("pair_scores needs two sequences of the same length")
    if not left:
        return np.zeros(0, dtype=np.float32)
    workers = _workers(len(left), 1)

    def ratio(attribute: str, metric=fuzz.ratio) -> np.ndarray:
        return process.cpdist(
            [getattr(note, attribute) for note in left],
            [getattr(note, attribute) for note in right],
            scorer=metric,
            dtype=np.float32,
            workers=workers,
        )

    if scorer == "ratio":
        scores = ratio("ordered")
    elif scorer == "token_sort_ratio":
        scores = ratio("sorted_tokens")
    elif scorer == "token_set_ratio":
        scores = ratio("ordered", fuzz.token_set_ratio)
    elif scorer == "blend":
        dice = np.array(
            [
                200.0
                * len(set(a.stems) & set(b.stems))
                / max(len(set(a.stems)) + len(set(b.stems)), 1)
                for a, b in zip(left, right, strict=True)
            ],
            dtype=np.float32,
        )
        scores = (ratio("sorted_tokens") + dice) * 0.5
    else:
        raise ValueError(f"unknown scorer {scorer!r}; choose one of {', '.join(SCORERS)}")
    if negation_factor != 1.0:
        mismatch = np.array(
            [a.negated != b.negated for a, b in zip(left, right, strict=True)], dtype=bool
        )
        scores[mismatch] *= negation_factor
    empty = np.array([not a.stems or not b.stems for a, b in zip(left, right, strict=True)])
    scores[empty] = 0.0
    return scores


def candidate_scores(
    left: Sequence[Prepared],
    right: Sequence[Prepared],
    scorer: str,
    minimum: float,
    *,
    negation_factor: float = NEGATION_FACTOR,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, scores) of every pair scoring at least `minimum`, exactly.

    For "blend" this blocks on shared stems without losing a pair: blend is the mean of a
    ratio (at most 100) and the stem Dice, so reaching `minimum` needs Dice >= 2*minimum -
    100, and a pair sharing no stem has Dice 0. Only the surviving pairs are scored, with
    `cpdist`. Other scorers (and minimums of 50 or less) score every pair.
    """
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, np.float32))
    if not left or not right:
        return empty
    needed_dice = 2.0 * minimum - 100.0
    if scorer != "blend" or needed_dice <= 0:
        scores = score_matrix(left, right, scorer, negation_factor=negation_factor)
        rows, columns = np.nonzero(scores >= minimum)
        return rows, columns, scores[rows, columns]
    rows, columns, dice = _dice_entries(left, right)
    keep = dice >= needed_dice - 1e-3  # float32 slack: never drop a pair on rounding
    rows, columns, dice = rows[keep], columns[keep], dice[keep]
    if len(rows) == 0:
        return empty
    ratios = process.cpdist(
        [left[row].sorted_tokens for row in rows],
        [right[column].sorted_tokens for column in columns],
        scorer=fuzz.ratio,
        dtype=np.float32,
        workers=_workers(len(rows), 1),
    )
    scores = ((ratios + dice) * 0.5).astype(np.float32)
    if negation_factor != 1.0:
        negated_left = np.fromiter((note.negated for note in left), dtype=bool, count=len(left))
        negated_right = np.fromiter((note.negated for note in right), dtype=bool, count=len(right))
        mismatch = negated_left[rows] != negated_right[columns]
        scores[mismatch] *= negation_factor
    passing = scores >= minimum
    return rows[passing].astype(np.int64), columns[passing].astype(np.int64), scores[passing]


class LexicalScorer:
    """`score_matrix` and `candidate_scores` behind the scorer interface the engine uses
    (rows and columns are global note indices into the prepared lists)."""

    def __init__(
        self,
        internal: Sequence[Prepared],
        customer: Sequence[Prepared],
        scorer: str,
        *,
        negation_factor: float = NEGATION_FACTOR,
    ) -> None:
        self.internal, self.customer = internal, customer
        self.scorer, self.negation_factor = scorer, negation_factor

    def _notes(self, rows: np.ndarray, columns: np.ndarray):
        return (
            [self.internal[row] for row in np.asarray(rows).tolist()],
            [self.customer[column] for column in np.asarray(columns).tolist()],
        )

    def matrix(
        self, rows: np.ndarray, columns: np.ndarray, workers: int | None = None
    ) -> np.ndarray:
        left, right = self._notes(rows, columns)
        return score_matrix(
            left, right, self.scorer, negation_factor=self.negation_factor, workers=workers
        )

    def pairwise(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        left, right = self._notes(rows, columns)
        return pair_scores(left, right, self.scorer, negation_factor=self.negation_factor)

    def candidates(
        self, rows: np.ndarray, columns: np.ndarray, minimum: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        left, right = self._notes(rows, columns)
        return candidate_scores(
            left, right, self.scorer, minimum, negation_factor=self.negation_factor
        )
