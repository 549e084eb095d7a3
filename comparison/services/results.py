"""A comparison's way through the engine, shared by runs and reviews: the notes and the
pair's decisions in, the report's Match rows and summary out.

The engine is pure; this module feeds it plain snapshots of the notes and stores what it
returns. Reports keep text snapshots, so editing a map never changes an old report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping

from comparison import engine
from comparison.models import Match, MatchKind, MatchSource, Report, ReviewDecision
from maps.models import Note


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


def compare_notes(
    *,
    pair_id: int,
    internal: list[engine.NoteIn],
    customer: list[engine.NoteIn],
    run_settings: engine.Settings,
    progress: Callable[[int], None] | None = None,
) -> engine.ComparisonResult:
    """`engine.compare` of these notes with the pair's review decisions and, for semantic
    and hybrid runs, the cached embeddings and an embedder that caches what it adds."""
    texts = {note.id: note.text for note in (*internal, *customer)}
    cached, embedder = _semantic_inputs(run_settings, texts.values())
    return engine.compare(
        internal,
        customer,
        run_settings,
        decisions=_decisions_for(pair_id, texts),
        progress=progress,
        embeddings=cached,
        embedder=embedder,
    )


def _decisions_for(pair_id: int, texts: Mapping[str, str]) -> list[engine.Decision]:
    """The pair's review decisions whose two note texts are unchanged."""
    decisions = []
    for decision in ReviewDecision.objects.filter(pair_id=pair_id):
        internal_id, customer_id = str(decision.internal_note_id), str(decision.customer_note_id)
        if (
            texts.get(internal_id) == decision.internal_text
            and texts.get(customer_id) == decision.customer_text
        ):
            decisions.append(
                engine.Decision(
                    internal_id=internal_id, customer_id=customer_id, accepted=decision.accepted
                )
            )
    return decisions


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
    result: engine.ComparisonResult,
    internal: list[engine.NoteIn],
    customer: list[engine.NoteIn],
) -> None:
    """Replace the report's Match rows with `result` (pairs, also-matches, unmatched notes)
    and set its summary; the caller saves the report, inside its transaction."""
    notes = {note.id: note for note in (*internal, *customer)}
    internal_verdicts = {verdict.id: verdict for verdict in result.internal}
    customer_verdicts = {verdict.id: verdict for verdict in result.customer}
    live_ids = set(
        Note.objects.filter(pk__in=[int(i) for i in notes if i.isdigit()]).values_list(
            "pk", flat=True
        )
    )

    def side(prefix: str, note_id: str | None, verdicts: Mapping) -> dict:
        if note_id is None:
            return {}
        note = notes[note_id]
        return {
            f"{prefix}_note_id": int(note_id)
            if note_id.isdigit() and int(note_id) in live_ids
            else None,
            f"{prefix}_segment": note.segment,
            f"{prefix}_text": note.text,
            f"{prefix}_votes": note.votes,
            f"{prefix}_verdict": verdicts[note_id].verdict,
        }

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
                    source=getattr(pair, "source", MatchSource.ENGINE),
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
    report.matches.all().delete()
    Match.objects.bulk_create(rows)
    report.summary = _summary_json(result)
