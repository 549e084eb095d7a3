"""A comparison's way through the engine, shared by runs and reviews: the notes and the
review decisions in, the report's Match and Suggestion rows and summary out.

The engine is pure; this module feeds it plain snapshots of the notes and stores what it
returns. Reports keep text snapshots, so editing a map never changes an old report.

Learning from review: every decision a person made in the workspace (accept, reject,
confirm, dismiss, link) is remembered by the digests of its two note texts, and applies to
any later comparison in that workspace, of any pair, whose notes have the same two texts
(`review_decisions`). What was applied that way is marked `learned`.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from comparison import engine
from comparison.models import (
    MAX_SUGGESTIONS_PER_NOTE,
    Match,
    MatchKind,
    MatchSource,
    Report,
    ReviewDecision,
    Suggestion,
    SuggestionState,
)
from maps.models import MapPair, Note


def note_inputs(notes: Iterable[Note]) -> list[engine.NoteIn]:
    """The engine's snapshot of note rows (ids as strings)."""
    return [
        engine.NoteIn(id=str(note.pk), segment=note.segment, text=note.text, votes=note.votes)
        for note in notes
    ]


def notes_digest(internal: Iterable[engine.NoteIn], customer: Iterable[engine.NoteIn]) -> str:
    """SHA-256 of what was compared, so two reports on the same notes are recognisable."""
    payload = {
        side: sorted([note.segment, note.text, note.votes] for note in notes)
        for side, notes in (("internal", internal), ("customer", customer))
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class AppliedDecisions:
    """The review decisions a comparison applies, by (internal id, customer id): True
    accepted, False rejected. `learned` holds the pairs decided not on these two notes of
    this pair but on the same two texts elsewhere in the workspace."""

    decided: Mapping[tuple[str, str], bool]
    learned: frozenset[tuple[str, str]]

    def for_engine(self) -> list[engine.Decision]:
        return [
            engine.Decision(internal_id=internal_id, customer_id=customer_id, accepted=accepted)
            for (internal_id, customer_id), accepted in self.decided.items()
        ]


@dataclass(frozen=True)
class Compared:
    """The engine's result and the review decisions it ran with."""

    result: engine.ComparisonResult
    decisions: AppliedDecisions


def text_digest(text: str) -> str:
    """The digest two note texts must share for a review decision to carry over: SHA-256
    of the text in NFC, case-folded, with runs of white space as one space (so a note
    re-typed with other capitals or line breaks is still the same note)."""
    normal = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return hashlib.sha256(normal.encode()).hexdigest()


def compare_notes(
    *,
    pair_id: int,
    internal: list[engine.NoteIn],
    customer: list[engine.NoteIn],
    run_settings: engine.Settings,
    progress: Callable[[int], None] | None = None,
    reviewed_before: datetime | None = None,
) -> Compared:
    """`engine.compare` of these notes with the review decisions that apply to them (the
    pair's own and those learned in its workspace, `review_decisions`) and, for semantic
    and hybrid runs, the cached embeddings, an embedder that caches what it adds, and the
    workspace's reviewed suggestions decided before `reviewed_before` (`reviewed_examples`;
    the report's creation, so that re-computing a report after a review keeps its model)."""
    texts = {note.id: note.text for note in (*internal, *customer)}
    cached, embedder = _semantic_inputs(run_settings, texts.values())
    decisions = review_decisions(pair_id=pair_id, internal=internal, customer=customer)
    reviewed = None
    if run_settings.mode != "lexical":
        reviewed = reviewed_examples(
            pair_id=pair_id, scorer=run_settings.mode, before=reviewed_before
        )
    result = engine.compare(
        internal,
        customer,
        run_settings,
        decisions=decisions.for_engine(),
        progress=progress,
        embeddings=cached,
        embedder=embedder,
        reviewed=reviewed,
    )
    return Compared(result=result, decisions=decisions)


def review_decisions(
    *, pair_id: int, internal: Iterable[engine.NoteIn], customer: Iterable[engine.NoteIn]
) -> AppliedDecisions:
    """The review decisions that apply to a comparison of these notes of the pair.

    The pair's own decisions apply while both note texts are unchanged. Every decision made
    in the pair's workspace (this pair's included) also applies to each internal and
    customer note of this comparison with the same two texts (`text_digest`): the
    workspace's reviews are its memory of which hypothesis a customer's words confirm, and
    which look alike without meaning the same. Where decisions disagree, the pair's own
    decision on these very notes wins, then the most recent one. Two queries.
    """
    internal, customer = list(internal), list(customer)
    texts = {note.id: note.text for note in (*internal, *customer)}
    internal_by_digest: dict[str, list[str]] = defaultdict(list)
    customer_by_digest: dict[str, list[str]] = defaultdict(list)
    for notes, by_digest in ((internal, internal_by_digest), (customer, customer_by_digest)):
        for note in notes:
            by_digest[text_digest(note.text)].append(note.id)
    workspace_id = (
        MapPair.objects.filter(pk=pair_id)
        .values_list("internal_map__persona__workspace_id", flat=True)
        .first()
    )
    own: dict[tuple[str, str], bool] = {}
    learned: dict[tuple[str, str], bool] = {}
    decisions = ReviewDecision.objects.filter(
        pair__internal_map__persona__workspace_id=workspace_id
    ).order_by("updated_at", "id")
    for decision in decisions.values_list(
        "pair_id", "internal_note_id", "customer_note_id", "internal_text", "customer_text",
        "accepted",
    ):  # fmt: skip
        decision_pair, internal_id, customer_id, internal_text, customer_text, accepted = decision
        key = (str(internal_id), str(customer_id))
        if (
            decision_pair == pair_id
            and texts.get(key[0]) == internal_text
            and texts.get(key[1]) == customer_text
        ):
            own[key] = accepted
            continue
        for internal_note in internal_by_digest.get(text_digest(internal_text), ()):
            for customer_note in customer_by_digest.get(text_digest(customer_text), ()):
                learned[(internal_note, customer_note)] = accepted  # the latest wins
    for key in own:
        learned.pop(key, None)
    return AppliedDecisions(decided={**learned, **own}, learned=frozenset(learned))


# The most recent reviewed suggestions a run learns from: a bound on the refit's work
# (some 6,500 training cells plus these) whatever a workspace's history.
MAX_REVIEWED_EXAMPLES = 5_000


def reviewed_examples(
    *, pair_id: int, scorer: str, before: datetime | None = None
) -> engine.ReviewedExamples:
    """The suggestions of `scorer` runs confirmed or dismissed in the pair's workspace
    (decided before `before`, if given), most recent first, with the link model's features
    each was decided on: what `engine.link_model.with_reviews` refits with."""
    workspace_id = (
        MapPair.objects.filter(pk=pair_id)
        .values_list("internal_map__persona__workspace_id", flat=True)
        .first()
    )
    decisions = ReviewDecision.objects.filter(
        pair__internal_map__persona__workspace_id=workspace_id,
        scorer=scorer,
        features__isnull=False,
    )
    if before is not None:
        decisions = decisions.filter(updated_at__lt=before)
    rows = list(
        decisions.order_by("-updated_at", "-id").values_list("features", "accepted")[
            :MAX_REVIEWED_EXAMPLES
        ]
    )
    width = len(engine.link_model.FEATURES)
    usable = [(features, accepted) for features, accepted in rows if len(features) == width]
    return engine.ReviewedExamples(
        features=np.array([features for features, _ in usable], dtype=np.float64).reshape(
            -1, width
        ),
        confirmed=np.array([accepted for _, accepted in usable], dtype=bool),
    )


def _semantic_inputs(run_settings: engine.Settings, texts: Iterable[str]) -> tuple[dict, object]:
    """Cached vectors and a caching embedder for semantic and hybrid runs (a lexical run
    touches no embedding)."""
    if run_settings.mode == "lexical":
        return {}, None
    from comparison.embeddings import run_inputs

    return run_inputs(texts)


def _summary_json(result: engine.ComparisonResult) -> dict:
    as_json = result.to_json_dict()
    # `summary.semantic` (semantic and hybrid runs) says which scorer really ran and why.
    return {**as_json["summary"], "segments": as_json["segments"]}


def matches_replace(
    report: Report,
    compared: Compared,
    internal: list[engine.NoteIn],
    customer: list[engine.NoteIn],
) -> None:
    """Replace the report's Match rows (pairs, also-matches, unmatched notes) and its
    Suggestion rows with the comparison's, and set its summary; the caller saves the
    report, inside its transaction."""
    result, decisions = compared.result, compared.decisions
    notes = {note.id: note for note in (*internal, *customer)}
    internal_verdicts = {verdict.id: verdict for verdict in result.internal}
    customer_verdicts = {verdict.id: verdict for verdict in result.customer}
    live_ids = set(
        Note.objects.filter(pk__in=[int(i) for i in notes if i.isdigit()]).values_list(
            "pk", flat=True
        )
    )

    def note_id(note_id: str) -> int | None:
        return int(note_id) if note_id.isdigit() and int(note_id) in live_ids else None

    def side(prefix: str, note_id_: str | None, verdicts: Mapping) -> dict:
        if note_id_ is None:
            return {}
        note = notes[note_id_]
        return {
            f"{prefix}_note_id": note_id(note_id_),
            f"{prefix}_segment": note.segment,
            f"{prefix}_text": note.text,
            f"{prefix}_votes": note.votes,
            f"{prefix}_verdict": verdicts[note_id_].verdict,
        }

    def source(pair: engine.MatchPair) -> str:
        source = getattr(pair, "source", MatchSource.ENGINE)
        if source == MatchSource.MANUAL and (pair.internal_id, pair.customer_id) in (
            decisions.learned
        ):
            return MatchSource.LEARNED
        return source

    rows: list[Match] = []
    paired_internal, paired_customer = set(), set()
    for kind, pairs in ((MatchKind.PAIR, result.pairs), (MatchKind.ALSO, result.also_matches)):
        for pair in pairs:
            if kind == MatchKind.PAIR:
                paired_internal.add(pair.internal_id)
                paired_customer.add(pair.customer_id)
            rows.append(
                Match(
                    report=report,
                    kind=kind,
                    verdict=pair.verdict,
                    score=pair.score,
                    shared_terms=list(pair.shared_terms),
                    source=source(pair),
                    **side("internal", pair.internal_id, internal_verdicts),
                    **side("customer", pair.customer_id, customer_verdicts),
                )
            )
    for verdict in result.internal:
        if verdict.id not in paired_internal:
            rows.append(
                Match(
                    report=report,
                    kind=MatchKind.UNMATCHED,
                    verdict=verdict.verdict,
                    score=verdict.best.score if verdict.best else None,
                    **side("internal", verdict.id, internal_verdicts),
                )
            )
    for verdict in result.customer:
        if verdict.id not in paired_customer:
            rows.append(
                Match(
                    report=report,
                    kind=MatchKind.UNMATCHED,
                    verdict=verdict.verdict,
                    score=verdict.best.score if verdict.best else None,
                    **side("customer", verdict.id, customer_verdicts),
                )
            )
    suggestions: list[Suggestion] = []
    for verdict in result.internal:
        hypothesis = notes[verdict.id]
        for rank, best in enumerate(verdict.suggestions[:MAX_SUGGESTIONS_PER_NOTE], start=1):
            evidence = notes.get(best.id)
            if evidence is None:  # pragma: no cover - the engine suggests compared notes only
                continue
            key = (verdict.id, best.id)
            decided = decisions.decided.get(key)
            suggestions.append(
                Suggestion(
                    report=report,
                    rank=rank,
                    score=best.score,
                    state=SuggestionState.OPEN
                    if decided is None
                    else SuggestionState.CONFIRMED
                    if decided
                    else SuggestionState.DISMISSED,
                    learned=decided is not None and key in decisions.learned,
                    features=list(best.features) if best.features is not None else None,
                    internal_note_id=note_id(verdict.id),
                    internal_segment=hypothesis.segment,
                    internal_text=hypothesis.text,
                    internal_verdict=verdict.verdict,
                    customer_note_id=note_id(best.id),
                    customer_segment=evidence.segment,
                    customer_text=evidence.text,
                )
            )
    report.matches.all().delete()
    Match.objects.bulk_create(rows)
    report.suggestions.all().delete()
    Suggestion.objects.bulk_create(suggestions)
    report.summary = _summary_json(result)
    report.decisions_applied = len(decisions.decided)
    report.decisions_learned = len(decisions.learned)
