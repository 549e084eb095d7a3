"""Stage 1, prepare: check the notes, choose each side's language, normalise every note
once, choose the pair scorer (lexical, or semantic / hybrid with the caller's vectors), and
turn the editors' decisions into note indices (pure, no Django)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from comparison.engine.link_model import ReviewedExamples
from comparison.engine.records import Decision, NoteIn, Settings
from comparison.engine.scoring import LexicalScorer
from comparison.engine.semantic import (
    CALIBRATED,
    EMBEDDING_MODES,
    CalibratedScorer,
    Embedder,
    EmbeddingScorer,
    SemanticParameters,
    SemanticStatus,
    embedding_scorer,
    embedding_texts,
    resolve_vectors,
    scoring_of_run,
)
from comparison.engine.text import Prepared, detect_language_of_words, prepare_many, words
from maps.segments import SEGMENT_KEYS

PairScorer = LexicalScorer | EmbeddingScorer | CalibratedScorer


@dataclass(frozen=True)
class SemanticInput:
    """What a semantic or hybrid run embeds with, all from the caller: cached vectors (text
    digest -> vector), the embedder for the rest (None: nothing can be embedded), the
    calibrated constants, and how many texts a run embeds at most."""

    embeddings: Mapping[str, np.ndarray] | None
    embedder: Embedder | None
    parameters: SemanticParameters
    max_uncached: int
    # What the workspace's editors decided on earlier suggestions (`link_model`,
    # "Learning from review"); None or too few: the shipped model decides.
    reviewed: ReviewedExamples | None = None


@dataclass(frozen=True)
class ReviewDecisions:
    """The editors' decisions as (internal index, customer index) edges.

    Accepted links are fixed before the assignment and take their notes out of it
    (`manual`, one-to-one); an accepted link to a note already linked is kept beyond
    one-to-one (`extra`). Rejected pairs score 0 (`rejected`, also as two arrays).
    """

    manual: list[tuple[int, int]]
    extra: list[tuple[int, int]]
    rejected: set[tuple[int, int]]
    rejected_rows: np.ndarray
    rejected_columns: np.ndarray
    manual_internal: np.ndarray  # per internal note: in a manual link
    manual_customer: np.ndarray  # per customer note: in a manual link


@dataclass(frozen=True)
class PreparedRun:
    """Everything the later stages read; notes are addressed by their index in a side."""

    internal: Sequence[NoteIn]
    customer: Sequence[NoteIn]
    settings: Settings
    languages: dict[str, str]  # {"internal": "en", "customer": "de"}: what was used
    prepared_internal: list[Prepared]
    prepared_customer: list[Prepared]
    scorer: PairScorer
    semantic_status: SemanticStatus | None  # None for lexical runs
    decisions: ReviewDecisions
    internal_segment: np.ndarray  # per note, its segment's position in SEGMENT_KEYS
    customer_segment: np.ndarray


def prepare_run(
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    settings: Settings,
    decisions: Sequence[Decision],
    negation_factor: float,
    semantic: SemanticInput,
) -> PreparedRun:
    """Check and normalise the notes, choose the scorer, index the decisions. Raises
    ValueError for an unknown segment or a repeated note id."""
    _validate(internal, "internal")
    _validate(customer, "customer")
    internal_words = _words_of(internal)
    customer_words = _words_of(customer)
    languages = _languages(settings.language, internal_words, customer_words)
    prepared_internal = _prepare_all(internal, internal_words, languages["internal"])
    prepared_customer = _prepare_all(customer, customer_words, languages["customer"])
    scorer, semantic_status = _pair_scorer(
        settings, internal, customer, prepared_internal, prepared_customer, negation_factor,
        semantic,
    )  # fmt: skip
    segment_number = {key: number for number, key in enumerate(SEGMENT_KEYS)}
    return PreparedRun(
        internal=internal,
        customer=customer,
        settings=settings,
        languages=languages,
        prepared_internal=prepared_internal,
        prepared_customer=prepared_customer,
        scorer=scorer,
        semantic_status=semantic_status,
        decisions=index_decisions(decisions, internal, customer),
        internal_segment=np.array(
            [segment_number[note.segment] for note in internal], dtype=np.int64
        ),
        customer_segment=np.array(
            [segment_number[note.segment] for note in customer], dtype=np.int64
        ),
    )


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


def _languages(
    language: str, internal_words: Sequence[list[str]], customer_words: Sequence[list[str]]
) -> dict[str, str]:
    """The language of each side: the setting, or (auto) detected per side."""
    if language != "auto":
        return {"internal": language, "customer": language}
    languages = {
        "internal": detect_language_of_words(internal_words),
        "customer": detect_language_of_words(customer_words),
    }
    # A side without notes has no evidence; let it follow the other side.
    if not internal_words:
        languages["internal"] = languages["customer"]
    if not customer_words:
        languages["customer"] = languages["internal"]
    return languages


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


def _pair_scorer(
    settings: Settings,
    internal: Sequence[NoteIn],
    customer: Sequence[NoteIn],
    prepared_internal: Sequence[Prepared],
    prepared_customer: Sequence[Prepared],
    negation_factor: float,
    semantic: SemanticInput,
) -> tuple[PairScorer, SemanticStatus | None]:
    """The run's pair scorer, and (semantic and hybrid modes) what happened about
    embeddings. Falls back to the lexical scorer whenever embeddings are unavailable;
    with embeddings, the link model decides wherever it applies (`scoring_of_run`)."""
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
    base = embedding_scorer(
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
    reviewed = semantic.reviewed
    scorer, scoring, reason = scoring_of_run(
        mode, base, internal, customer, semantic.parameters, reviewed
    )
    refitted = reviewed is not None and reviewed.enough() and scoring == CALIBRATED
    used = len(reviewed) if refitted and reviewed is not None else 0
    return scorer, replace(status, scoring=scoring, scoring_reason=reason, reviewed=used)


def index_decisions(
    decisions: Sequence[Decision], internal: Sequence[NoteIn], customer: Sequence[NoteIn]
) -> ReviewDecisions:
    """Decisions as note indices; a decision about a note no longer compared is dropped,
    and an accepted link overrides a rejection of the same pair."""
    internal_index = {note.id: index for index, note in enumerate(internal)}
    customer_index = {note.id: index for index, note in enumerate(customer)}
    rejected: set[tuple[int, int]] = set()
    manual: list[tuple[int, int]] = []
    extra: list[tuple[int, int]] = []
    manual_internal = np.zeros(len(internal), dtype=bool)
    manual_customer = np.zeros(len(customer), dtype=bool)
    for decision in decisions:
        row = internal_index.get(decision.internal_id)
        column = customer_index.get(decision.customer_id)
        if row is None or column is None:
            continue
        if not decision.accepted:
            rejected.add((row, column))
        elif manual_internal[row] or manual_customer[column]:
            extra.append((row, column))
        else:
            manual.append((row, column))
            manual_internal[row] = manual_customer[column] = True
    rejected -= set(manual) | set(extra)
    return ReviewDecisions(
        manual=manual,
        extra=extra,
        rejected=rejected,
        rejected_rows=np.array([row for row, _ in rejected], dtype=np.int64),
        rejected_columns=np.array([column for _, column in rejected], dtype=np.int64),
        manual_internal=manual_internal,
        manual_customer=manual_customer,
    )
