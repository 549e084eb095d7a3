"""compare(): prepare → score → assign → suggest → verdicts → metrics (pure, no Django).

`run_comparison` reads top to bottom, one call per stage; each stage has its own module:
`preparation` (check, normalise, choose the scorer, index decisions; semantic and hybrid
runs score the whole map pair once with `link_model` there), `matching` (score each
segment and assign its pairs, then right insights in the wrong segment, with the solver in
`assignment`), `suggestions` (each hypothesis' likeliest evidence), `verdicts` (verdicts,
pairs and also-matches as records) and `metrics`. The engine has no global side effects:
it loads no model and leaves the garbage collector and everything else of the process as
it found them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from comparison.engine import semantic as semantic_module
from comparison.engine.link_model import ReviewedExamples
from comparison.engine.matching import (
    match_across_segments,
    match_same_segments,
    score_manual_links,
)
from comparison.engine.metrics import recompute_metrics
from comparison.engine.preparation import PreparedRun, SemanticInput, prepare_run
from comparison.engine.records import (
    DEFAULT_SETTINGS,
    ComparisonResult,
    Decision,
    NoteIn,
    Settings,
)
from comparison.engine.scoring import NEGATION_FACTOR
from comparison.engine.semantic import Embedder, SemanticParameters
from comparison.engine.suggestions import floor_of, kept_per_segment, suggest
from comparison.engine.verdicts import (
    ALSO_MATCHES_PER_NOTE,
    apply_manual_links,
    verdict_records,
    verdicts_from_same_segment,
)

# Bump whenever the same input could give a different result.
# 1.1.0: also-matches capped per note (ALSO_MATCHES_PER_NOTE) and big components solved by
# the sparse solver, which may break exact ties between equally good assignments another way.
# 1.2.0: every component goes to the sparse solver, ties broken towards input order.
# 1.3.0: scorer modes "lexical", "semantic" and "hybrid" (comparison.engine.semantic).
# 1.3.1: contractions typed without the apostrophe ("dont") count as negations.
# 1.4.0: semantic and hybrid guards ask the encoder: a negation caps a pair only when the
# other note is closer to the negated note's affirmative twin, and opposite feelings cap it
# too; hybrid's word scores no longer discount negations themselves.
# 1.5.0: semantic and hybrid decide with the link model over the whole map pair
# (`link_model`: 100 x p(link), calibrated per pair), falling back to the 1.4 formula for
# maps of fewer than 4 notes a side or more than 360,000 note pairs; every hypothesis
# carries up to 3 suggestions (`suggestions`), under every scorer.
ENGINE_VERSION = "1.5.0"


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
    reviewed: ReviewedExamples | None = None,
) -> ComparisonResult:
    """Compare an internal map with a customer map (README, "How matching works").

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
    (`semantic.text_digest`) to cached vectors, and `embedder` embeds the rest; the
    caller chooses both (`comparison.embeddings` has the bundled backend). Without an
    embedder for the texts that lack a vector (None: the semantic extra is not
    installed), or with too many of them, the run is lexical; `result.semantic` says so.
    `reviewed`: the suggestions the workspace's editors decided in earlier runs; with
    enough of them the link model is refitted first (`link_model.with_reviews`).
    """
    return run_comparison(
        internal,
        customer,
        settings,
        decisions=decisions,
        progress=progress,
        embeddings=embeddings,
        embedder=embedder,
        reviewed=reviewed,
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
    reviewed: ReviewedExamples | None = None,
) -> ComparisonResult:
    """`compare` with the engine's internal knobs exposed, for calibration only.

    `also_limit=None` lists every also-match (see ALSO_MATCHES_PER_NOTE).
    """
    semantic = SemanticInput(
        embeddings,
        embedder,
        semantic_parameters or SemanticParameters(),
        semantic_module.MAX_UNCACHED_TEXTS if max_uncached is None else max_uncached,
        reviewed,
    )
    report = _Progress(progress)
    report(0)
    run = prepare_run(internal, customer, settings, decisions, negation_factor, semantic)
    report(5)
    return run_prepared(run, report, also_limit)


def run_prepared(
    run: PreparedRun,
    report: Callable[[float], None] = lambda percent: None,
    also_limit: int | None = ALSO_MATCHES_PER_NOTE,
) -> ComparisonResult:
    """The stages after preparation, on a prepared run (`run_comparison` calls it; the
    link model's cross-validation reuses one preparation for many fitted models)."""
    settings = run.settings
    # scores and assigns: 10-80
    matches = match_same_segments(
        run, report, keep_best=kept_per_segment(run), keep_floor=floor_of(run)
    )
    verdicts = verdicts_from_same_segment(run, matches)
    if settings.cross_segment:
        match_across_segments(run, matches, verdicts, report)  # misplaced: 90
    manual_scores = score_manual_links(run)
    apply_manual_links(run, verdicts)
    suggestions = suggest(run, matches, manual_scores)
    records = verdict_records(run, matches, verdicts, manual_scores, also_limit, suggestions)
    summary, segments = recompute_metrics(records.internal, records.customer)
    report(100)
    return ComparisonResult(
        settings=settings,
        engine_version=ENGINE_VERSION,
        languages=run.languages,
        internal=records.internal,
        customer=records.customer,
        pairs=records.pairs,
        also_matches=records.also_matches,
        summary=summary,
        segments=segments,
        semantic=None if run.semantic_status is None else run.semantic_status.to_dict(),
    )
