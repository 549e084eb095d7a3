"""Reviewing a finished report: accept or reject a match, confirm or dismiss a suggested
piece of evidence, or link two notes by hand; the report's matches, suggestions and
metrics are recomputed from its own snapshot."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from comparison import engine
from comparison.models import MatchKind, Report, ReportStatus, ReviewDecision
from comparison.services.results import compare_notes, matches_replace
from maps.models import Role
from maps.selectors import require_role


@transaction.atomic
def decision_record(
    *,
    user: AbstractBaseUser,
    report: Report,
    internal_note_id: int,
    customer_note_id: int,
    accepted: bool,
) -> Report:
    """Accept or reject a match, confirm (accept) or dismiss (reject) a suggestion, or link
    two notes by hand (accept a pair the engine did not pair); the report's matches,
    suggestions and metrics are recomputed. The decision is kept for later runs of the
    pair, and of any pair of the workspace with the same two note texts
    (`results.review_decisions`)."""
    require_role(user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUCCEEDED:
        raise ValidationError(gettext("Only a finished report can be reviewed."))
    internal, customer = _snapshot(report)
    internal_by_id = {note.id: note for note in internal}
    customer_by_id = {note.id: note for note in customer}
    internal_note = internal_by_id.get(str(internal_note_id))
    customer_note = customer_by_id.get(str(customer_note_id))
    if internal_note is None:
        raise ValidationError({"internal_note": gettext("Not an internal note of this report.")})
    if customer_note is None:
        raise ValidationError({"customer_note": gettext("Not a customer note of this report.")})
    suggested = report.suggestions.filter(
        internal_note_id=internal_note_id, customer_note_id=customer_note_id
    ).first()
    features = suggested.features if suggested is not None else None
    ReviewDecision.objects.update_or_create(
        pair_id=report.pair_id,
        internal_note_id=internal_note_id,
        customer_note_id=customer_note_id,
        defaults={
            "internal_text": internal_note.text,
            "customer_text": customer_note.text,
            "accepted": accepted,
            "decided_by": user,
            "features": features,
            "scorer": report.settings.get("scorer", "") if features is not None else "",
        },
    )
    _recompute(report, internal, customer)
    return report


def _snapshot(report: Report) -> tuple[list[engine.NoteIn], list[engine.NoteIn]]:
    """The notes a report compared, rebuilt from its own rows (every note appears exactly
    once among its pair and unmatched rows)."""
    internal, customer = {}, {}
    for match in report.matches.filter(kind__in=(MatchKind.PAIR, MatchKind.UNMATCHED)).order_by(
        "id"
    ):
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


def _recompute(
    report: Report, internal: list[engine.NoteIn], customer: list[engine.NoteIn]
) -> None:
    """Re-run the engine on the report's own snapshot with the pair's current decisions
    (a semantic report with the same cached embeddings it ran with)."""
    compared = compare_notes(
        pair_id=report.pair_id,
        internal=internal,
        customer=customer,
        run_settings=engine.Settings.from_dict(report.settings),
        # The model the report ran with: a decision refines later runs, not this one.
        reviewed_before=report.created_at,
    )
    matches_replace(report, compared, internal, customer)
    report.save(update_fields=["summary", "decisions_applied", "decisions_learned", "updated_at"])
