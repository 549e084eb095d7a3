"""Comparison jobs: request a run, run it (from the Celery task), review its matches.

The engine is pure; this module feeds it plain snapshots of the notes and stores what
it returns. Reports keep text snapshots, so editing a map never changes an old report.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping

from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from comparison import engine
from comparison.models import (
    ACTIVE_STATUSES,
    MAX_COMMENTARY_CHARS,
    CommentarySection,
    Match,
    MatchKind,
    MatchSource,
    Report,
    ReportCommentary,
    ReportStatus,
    ReviewDecision,
)
from maps import selectors as map_selectors
from maps.models import EmpathyMap, MapPair, Note, Role
from maps.selectors import require_role

logger = logging.getLogger(__name__)

# Progress is written at most this often, so a fast run does not hammer the database.
PROGRESS_INTERVAL_SECONDS = 0.5


def settings_from_request(data: Mapping[str, object] | None) -> engine.Settings:
    """Engine settings from user input; a clear ValidationError for bad values. A request
    that names no scorer gets the default (`embeddings.default_scorer`: hybrid where
    the extra is installed)."""
    from comparison.embeddings import default_scorer

    values = dict(data or {})
    if values.get("scorer") is None:
        # Stored as the concrete lexical scorer, so the report can be reproduced even if
        # what "lexical" means changes.
        default = default_scorer()
        values["scorer"] = engine.semantic.LEXICAL_SCORER if default == "lexical" else default
    try:
        return engine.Settings.from_dict(values)
    except (TypeError, ValueError) as error:
        raise ValidationError({"settings": str(error)}) from error


@transaction.atomic
def report_request(
    *, user: AbstractBaseUser, pair: MapPair, settings: Mapping[str, object] | None = None
) -> tuple[Report, bool]:
    """Queue a comparison of `pair`; returns (report, created).

    At most one report per pair is queued or running (a partial unique constraint), so
    a double click or two concurrent requests yield one report: the second gets the first.
    The task is sent only after the transaction commits.
    """
    require_role(user, pair.internal_map.persona.workspace_id, Role.EDITOR)
    run_settings = settings_from_request(settings)
    active = Report.objects.filter(pair=pair, status__in=ACTIVE_STATUSES).first()
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                pair=pair,
                settings=run_settings.to_dict(),
                engine_version=engine.ENGINE_VERSION,
                created_by=user,
            )
    except IntegrityError:
        return Report.objects.get(pair=pair, status__in=ACTIVE_STATUSES), False
    _enqueue(report)
    return report, True


def _enqueue(report: Report) -> None:
    """Send the run after commit. The report row, not the message, is the promise made to
    the user: if the broker is unreachable the report stays queued and the reaper sends it
    again (`reports_reap`), so the request still succeeds."""
    from kombu.exceptions import OperationalError as BrokerError

    from comparison.tasks import report_run_task

    report_id = report.pk

    def send() -> None:
        try:
            report_run_task.delay(report_id)
        except BrokerError as error:
            logger.warning(
                "Report %s: broker unreachable, left queued for the reaper: %s",
                report_id,
                error,
                extra={"report_id": report_id},
            )

    transaction.on_commit(send)


def _note_inputs(notes: Iterable[Note]) -> list[engine.NoteIn]:
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


def _claim(report_id: int) -> Report | None:
    """Compare-and-set queued/running → running; None when gone or already finished."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.is_finished:
            return None
        report.status = ReportStatus.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.progress = 0
        report.error = ""
        report.save(
            update_fields=["status", "started_at", "attempts", "progress", "error", "updated_at"]
        )
        return report


def _progress_writer(report_id: int):
    last_write = 0.0

    def write(percent: int) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= PROGRESS_INTERVAL_SECONDS or percent >= 100:
            last_write = now
            Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
                progress=min(int(percent), 99)
            )

    return write


def report_run(*, report_id: int) -> Report | None:
    """Run a queued report to the end. Idempotent: a finished or missing report is left
    alone, and a re-delivered run replaces the matches of the earlier attempt."""
    report = _claim(report_id)
    if report is None:
        logger.info("Report %s is finished or gone; nothing to do", report_id)
        return None
    pair = MapPair.objects.select_related("internal_map__sealed_by", "customer_map").get(
        pk=report.pair_id
    )
    internal_notes = list(pair.internal_map.notes.order_by("segment", "order", "id"))
    internal = _note_inputs(internal_notes)
    customer = _note_inputs(pair.customer_map.notes.order_by("segment", "order", "id"))
    seal = _seal_snapshot(empathy_map=pair.internal_map, compared_notes=internal_notes)
    texts = {note.id: note.text for note in (*internal, *customer)}
    try:
        run_settings = engine.Settings.from_dict(report.settings)
        cached, embedder = _semantic_inputs(run_settings, texts.values())
        result = engine.compare(
            internal,
            customer,
            run_settings,
            decisions=_decisions_for(pair.pk, texts),
            progress=_progress_writer(report.pk),
            embeddings=cached,
            embedder=embedder,
        )
        _warm_embeddings_if_fell_back(result, pair)
    except ValueError as error:
        return report_fail(report_id=report.pk, error=f"The comparison could not run: {error}")
    except Exception as error:  # noqa: BLE001 - a bug must still end the report, readably
        logger.exception("Report %s: engine error", report.pk, extra={"report_id": report.pk})
        return report_fail(
            report_id=report.pk,
            error=f"The comparison failed unexpectedly ({type(error).__name__}: {error}).",
        )
    return _store_result(report.pk, result, internal, customer, seal=seal)


def _seal_snapshot(*, empathy_map: EmpathyMap, compared_notes: Iterable[Note]) -> dict:
    """The internal map's seal as the comparison found it, kept with the report so that a
    later unseal or re-seal never changes what an old report says.

    `compared_digest` is the seal digest (`maps.selectors.notes_digest`) of exactly the
    notes the run compared; `compared_sealed_notes` is True when they are the sealed
    hypotheses, None when the map was not sealed. The name of the person who sealed is
    copied, so it survives their account.
    """
    compared = map_selectors.notes_digest(compared_notes)
    sealed = empathy_map.sealed_at is not None
    return {
        "sealed": sealed,
        "sealed_at": empathy_map.sealed_at.isoformat() if sealed else None,
        "sealed_by": empathy_map.sealed_by.get_username()
        if sealed and empathy_map.sealed_by_id
        else "",
        "seal_digest": empathy_map.seal_digest if sealed else "",
        "compared_digest": compared,
        "compared_sealed_notes": (compared == empathy_map.seal_digest) if sealed else None,
    }


def _semantic_inputs(run_settings: engine.Settings, texts: Iterable[str]) -> tuple[dict, object]:
    """Cached vectors and a caching embedder for semantic and hybrid runs (issue 6)."""
    if run_settings.mode == "lexical":
        return {}, None
    from comparison.embeddings import run_inputs

    return run_inputs(texts)


def _warm_embeddings_if_fell_back(result: engine.ComparisonResult, pair: MapPair) -> None:
    """A run that fell back to lexical for want of cached embeddings fills the cache in
    the background, so the next run of the pair is semantic."""
    if (result.semantic or {}).get("fallback") != engine.semantic.TOO_MANY_UNCACHED:
        return
    from comparison.embeddings import refresh_queue

    for map_id in (pair.internal_map_id, pair.customer_map_id):
        refresh_queue(map_id)


@transaction.atomic
def _store_result(
    report_id: int,
    result: engine.ComparisonResult,
    internal: list[engine.NoteIn],
    customer: list[engine.NoteIn],
    *,
    seal: dict | None = None,
) -> Report | None:
    report = Report.objects.select_for_update().get(pk=report_id)
    if report.status != ReportStatus.RUNNING:
        # Failed by the reaper or a time limit meanwhile: that outcome stands.
        return report
    _replace_matches(report, result, internal, customer)
    report.status = ReportStatus.SUCCEEDED
    report.progress = 100
    report.finished_at = timezone.now()
    report.notes_digest = notes_digest(internal, customer)
    report.internal_seal = seal
    report.engine_version = result.engine_version
    report.save()
    logger.info("Report %s succeeded", report.pk, extra={"report_id": report.pk})
    return report


def _summary_json(result: engine.ComparisonResult) -> dict:
    as_json = result.to_json_dict()
    # `summary.semantic` (semantic and hybrid runs) says which scorer really ran and why.
    return {**as_json["summary"], "segments": as_json["segments"]}


def _replace_matches(
    report: Report,
    result: engine.ComparisonResult,
    internal: list[engine.NoteIn],
    customer: list[engine.NoteIn],
) -> None:
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


def report_fail(*, report_id: int, error: str) -> Report | None:
    """Mark an unfinished report failed with a readable message (earlier results stay)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.is_finished:
            return report
        report.status = ReportStatus.FAILED
        report.error = error[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at", "updated_at"])
    logger.warning("Report %s failed: %s", report_id, error, extra={"report_id": report_id})
    return report


# --- review -------------------------------------------------------------------------------


def _snapshot(report: Report) -> tuple[list[engine.NoteIn], list[engine.NoteIn]]:
    """The notes a report compared, rebuilt from its own rows (every note appears exactly
    once among its pair and unmatched rows)."""
    internal, customer = {}, {}
    for match in report.matches.exclude(kind=MatchKind.ALSO).order_by("id"):
        for prefix, bucket in (("internal", internal), ("customer", customer)):
            text = getattr(match, f"{prefix}_text")
            if not text:
                continue
            note_id = getattr(match, f"{prefix}_note_id")
            key = str(note_id) if note_id else f"gone-{prefix}-{match.pk}"
            bucket[key] = engine.NoteIn(
                id=key,
                segment=getattr(match, f"{prefix}_segment"),
                text=text,
                votes=getattr(match, f"{prefix}_votes"),
            )
    return list(internal.values()), list(customer.values())


@transaction.atomic
def decision_record(
    *,
    user: AbstractBaseUser,
    report: Report,
    internal_note_id: int,
    customer_note_id: int,
    accepted: bool,
) -> Report:
    """Accept or reject a suggested match, or link two notes by hand (accept a pair the
    engine did not suggest); the report's matches and metrics are recomputed."""
    require_role(user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUCCEEDED:
        raise ValidationError("Only a finished report can be reviewed.")
    internal, customer = _snapshot(report)
    internal_by_id = {note.id: note for note in internal}
    customer_by_id = {note.id: note for note in customer}
    internal_note = internal_by_id.get(str(internal_note_id))
    customer_note = customer_by_id.get(str(customer_note_id))
    if internal_note is None:
        raise ValidationError({"internal_note": "Not an internal note of this report."})
    if customer_note is None:
        raise ValidationError({"customer_note": "Not a customer note of this report."})
    ReviewDecision.objects.update_or_create(
        pair_id=report.pair_id,
        internal_note_id=internal_note_id,
        customer_note_id=customer_note_id,
        defaults={
            "internal_text": internal_note.text,
            "customer_text": customer_note.text,
            "accepted": accepted,
            "decided_by": user,
        },
    )
    _recompute(report, internal, customer)
    return report


def _recompute(
    report: Report, internal: list[engine.NoteIn], customer: list[engine.NoteIn]
) -> None:
    """Re-run the engine on the report's own snapshot with the pair's current decisions."""
    texts = {note.id: note.text for note in (*internal, *customer)}
    run_settings = engine.Settings.from_dict(report.settings)
    # A semantic report is reviewed with the same (cached) embeddings it ran with.
    cached, embedder = _semantic_inputs(run_settings, texts.values())
    result = engine.compare(
        internal,
        customer,
        run_settings,
        decisions=_decisions_for(report.pair_id, texts),
        embeddings=cached,
        embedder=embedder,
    )
    _replace_matches(report, result, internal, customer)
    report.save(update_fields=["summary", "updated_at"])


# --- stuck jobs ---------------------------------------------------------------------------


def reports_reap(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Re-send reports queued for longer than GAPMAP_REQUEUE_QUEUED_AFTER seconds; re-queue
    runs stuck in `running` past the broker's redelivery window (their worker died and the
    message was lost), and fail those after three attempts."""
    now = now or timezone.now()
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    deadline = now - datetime.timedelta(
        seconds=max(visibility, django_settings.CELERY_TASK_TIME_LIMIT) + 60
    )
    requeued = failed = 0
    # A queued report whose message was lost (broker restarted without persistence, or
    # unreachable when it was sent) is sent again; a duplicate message is harmless because
    # runs are idempotent. Each resend touches updated_at, so it happens once per window.
    waiting_since = now - datetime.timedelta(seconds=django_settings.GAPMAP_REQUEUE_QUEUED_AFTER)
    for report in Report.objects.filter(status=ReportStatus.QUEUED, updated_at__lt=waiting_since):
        with transaction.atomic():
            touched = Report.objects.filter(
                pk=report.pk, status=ReportStatus.QUEUED, updated_at=report.updated_at
            ).update(updated_at=now)
            if touched:
                _enqueue(report)
                requeued += 1
    stuck = Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=deadline)
    for report_id in stuck.values_list("pk", flat=True):
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.status != ReportStatus.RUNNING or report.started_at >= deadline:
                continue
            if report.attempts >= 3:
                report_fail(report_id=report.pk, error="The comparison was interrupted 3 times.")
                failed += 1
                continue
            report.status = ReportStatus.QUEUED
            report.save(update_fields=["status", "updated_at"])
            _enqueue(report)
            requeued += 1
    return {"requeued": requeued, "failed": failed}


# --- consultant commentary ----------------------------------------------------------------


def commentary_save(
    *, user: AbstractBaseUser, report: Report, section: str, text: str
) -> ReportCommentary | None:
    """Write (or, with empty text, delete) the commentary on one section of a report.

    Editors only. Plain text: line breaks are kept (normalised to "\\n"), surrounding
    whitespace dropped; it is escaped wherever it is shown. Returns the saved commentary,
    or None when the text was empty and any earlier commentary was removed.
    """
    require_role(user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    if section not in CommentarySection.values:
        raise ValidationError(
            {
                "section": f"Unknown section {section!r}; choose one of "
                f"{', '.join(CommentarySection.values)}."
            }
        )
    if not isinstance(text, str):
        raise ValidationError({"text": "The commentary must be text."})
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in cleaned:
        raise ValidationError({"text": "The commentary contains a NUL character; remove it."})
    if len(cleaned) > MAX_COMMENTARY_CHARS:
        raise ValidationError(
            {
                "text": f"The commentary has {len(cleaned)} characters; "
                f"the limit is {MAX_COMMENTARY_CHARS}."
            }
        )
    with transaction.atomic():
        existing = (
            ReportCommentary.objects.select_for_update()
            .filter(report=report, section=section)
            .first()
        )
        if not cleaned:
            if existing is not None:
                existing.delete()
            return None
        commentary = existing or ReportCommentary(report=report, section=section)
        commentary.text = cleaned
        commentary.updated_by = user
        commentary.full_clean()
        commentary.save()
    return commentary
