"""Writes of next actions drawn from a report: "How might we…" questions and test cards.

The only code that writes `NextAction` rows. Every write checks the editor role in the
report's workspace and owns its transaction. Actions belong to the report's pair and keep
their report, so a report's list is its own; `position` orders them within the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comparison.models import (
    ActionKind,
    Match,
    MatchKind,
    NextAction,
    Report,
    ReportStatus,
    Verdict,
)
from maps import services as map_services
from maps.io.limits import MAX_NOTE_CHARS
from maps.models import EmpathyMap, Note, Perspective, Role
from maps.segments import SEGMENT_KEYS
from maps.selectors import require_role

# One draft turns at most this many notes into actions (the most-voted first): a list
# longer than this is no longer a plan, and a 5,000-note map must not make 5,000 rows.
MAX_DRAFT_ACTIONS = 100
# A report's list holds at most this many actions, drafted or typed.
MAX_ACTIONS_PER_REPORT = 300
EDITABLE_FIELDS = ("segment", "question", "hypothesis", "test", "metric", "criterion")
FIELD_LIMITS = {
    "question": 1000,
    "hypothesis": 1000,
    "test": 1000,
    "metric": 500,
    "criterion": 500,
}  # the model's max_length, checked here for a readable message


# "How might we …" per segment: what the missed customer note asks of the team. Drafted
# in the report's language (`next_actions_draft`), the language its exports are in.
_HMW_TEMPLATES = {
    "sees": gettext_lazy("How might we respond to what customers see: “%(text)s”?"),
    "says_does": gettext_lazy("How might we support what customers say and do: “%(text)s”?"),
    "hears": gettext_lazy("How might we take into account what customers hear: “%(text)s”?"),
    "thinks_feels": gettext_lazy("How might we address what customers think and feel: “%(text)s”?"),
    "pains": gettext_lazy("How might we relieve this pain: “%(text)s”?"),
    "gains": gettext_lazy("How might we help customers achieve this: “%(text)s”?"),
}
_HMW_FALLBACK = gettext_lazy("How might we address this: “%(text)s”?")
_TRAILING = re.compile(r"[\s.!?;:,…]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def how_might_we(text: str, segment: str) -> str:
    """A deterministic "How might we…" question from a missed customer note."""
    core = _TRAILING.sub("", " ".join(text.split())) or text.strip()
    return str(_HMW_TEMPLATES.get(segment, _HMW_FALLBACK)) % {"text": core}


def carried_text(action: NextAction) -> str:
    """What a carried action becomes on the board: its question, or its hypothesis."""
    return action.question if action.kind == ActionKind.HOW_MIGHT_WE else action.hypothesis


def _require_editor(user: AbstractBaseUser, report: Report) -> None:
    require_role(user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)


def _next_position(report: Report) -> int:
    last = NextAction.objects.filter(report=report).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _check_room(report: Report, adding: int) -> None:
    existing = NextAction.objects.filter(report=report).count()
    if existing + adding > MAX_ACTIONS_PER_REPORT:
        raise ValidationError(
            _(
                "A report holds at most %(limit)s next actions; it has %(existing)s and "
                "%(adding)s more would exceed that."
            )
            % {"limit": MAX_ACTIONS_PER_REPORT, "existing": existing, "adding": adding}
        )


def _clean_fields(kind: str, values: dict[str, str]) -> dict[str, str]:
    """Trimmed, length-checked fields; a question (HMW) or a hypothesis (test card) is
    required. Errors name each field."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        if name not in EDITABLE_FIELDS:
            errors[name] = _("“%(name)s” cannot be set; editable: %(fields)s.") % {
                "name": name,
                "fields": ", ".join(EDITABLE_FIELDS),
            }
            continue
        if not isinstance(value, str):
            errors[name] = _("Must be text.")
            continue
        text = value.strip()
        if _CONTROL.search(text):
            errors[name] = _("Contains a control character (such as NUL); remove it.")
        elif name == "segment":
            if text and text not in SEGMENT_KEYS:
                errors[name] = _("Unknown segment “%(segment)s”; use one of %(segments)s.") % {
                    "segment": text,
                    "segments": ", ".join(SEGMENT_KEYS),
                }
        elif len(text) > FIELD_LIMITS[name]:
            errors[name] = _("At most %(limit)s characters (this has %(length)s).") % {
                "limit": FIELD_LIMITS[name],
                "length": len(text),
            }
        cleaned[name] = text
    if kind not in ActionKind.values:
        errors["kind"] = _("Unknown kind “%(kind)s”; use one of %(kinds)s.") % {
            "kind": kind,
            "kinds": ", ".join(ActionKind.values),
        }
    if errors:
        raise ValidationError(errors)
    return cleaned


def _require_main_text(action: NextAction) -> None:
    if action.kind == ActionKind.HOW_MIGHT_WE and not action.question:
        raise ValidationError({"question": _("A “How might we…” action needs its question.")})
    if action.kind == ActionKind.TEST_CARD and not action.hypothesis:
        raise ValidationError({"hypothesis": _("A test card needs its hypothesis.")})


def _report_of(action: NextAction) -> Report:
    if action.report_id is None:
        # The report was deleted: the action stays with its pair, under the pair's rules.
        raise ValidationError(_("This action's report was deleted; it can no longer change."))
    return Report.objects.select_related("pair__internal_map__persona").get(pk=action.report_id)


@dataclass(frozen=True)
class DraftOutcome:
    created: list[NextAction]
    already_drafted: int  # notes of this report that had an action from an earlier draft
    left_out: int  # notes over MAX_DRAFT_ACTIONS or the report's room, not drafted


@transaction.atomic
def next_actions_draft(*, user: AbstractBaseUser, report: Report) -> DraftOutcome:
    """Draft actions from a succeeded report: a "How might we…" question per missed
    customer note and a test card per unconfirmed hypothesis (the hypothesis is the
    note's text; test, metric and criterion left empty for the team to write).

    Repeatable: a note that already has an action from this report is skipped, so a second
    draft adds only what is new (after a review, say). The most-voted notes come first;
    at most MAX_DRAFT_ACTIONS per draft and MAX_ACTIONS_PER_REPORT in all.
    """
    _require_editor(user, report)
    # Lock the report: two drafts at once would both see the same notes as undrafted.
    report = Report.objects.select_for_update().select_related("pair").get(pk=report.pk)
    if report.status != ReportStatus.SUCCEEDED:
        raise ValidationError(
            _("Next actions are drafted from a finished comparison; this report is %(status)s.")
            % {"status": str(report.get_status_display()).lower()}
        )
    drafted = set(
        NextAction.objects.filter(report=report, source_match__isnull=False).values_list(
            "source_match_id", flat=True
        )
    )
    candidates = list(
        Match.objects.filter(report=report)
        .exclude(kind=MatchKind.ALSO)  # "also" rows repeat notes that have their own row
        .filter(
            # Missed customer notes and unconfirmed hypotheses stand alone in their rows.
            Q(customer_verdict=Verdict.MISSED, internal_text="")
            | Q(internal_verdict=Verdict.UNCONFIRMED, customer_text="")
        )
    )
    candidates.sort(
        key=lambda m: (-(m.customer_votes + m.internal_votes), bool(m.internal_text), m.pk)
    )
    fresh = [match for match in candidates if match.pk not in drafted]
    room = max(MAX_ACTIONS_PER_REPORT - NextAction.objects.filter(report=report).count(), 0)
    chosen = fresh[: min(MAX_DRAFT_ACTIONS, room)]
    position = _next_position(report)
    actions = []
    for offset, match in enumerate(chosen):
        if match.customer_text:
            with translation.override(report.language):
                question = how_might_we(match.customer_text, match.customer_segment)
            action = NextAction(
                kind=ActionKind.HOW_MIGHT_WE,
                segment=match.customer_segment,
                question=question[: FIELD_LIMITS["question"]],
            )
        else:
            action = NextAction(
                kind=ActionKind.TEST_CARD,
                segment=match.internal_segment,
                # Test, metric and criterion are the team's to write: left empty (the
                # form prompts for them), never saved as placeholder text.
                hypothesis=match.internal_text,
            )
        action.pair_id = report.pair_id
        action.report = report
        action.source_match = match
        action.position = position + offset
        action.created_by = user
        action.full_clean()
        actions.append(action)
    created = NextAction.objects.bulk_create(actions)
    return DraftOutcome(
        created=created,
        already_drafted=len(candidates) - len(fresh),
        left_out=len(fresh) - len(chosen),
    )


@transaction.atomic
def next_action_create(
    *, user: AbstractBaseUser, report: Report, kind: str, **fields: str
) -> NextAction:
    """One action typed by hand, appended to the report's list."""
    _require_editor(user, report)
    cleaned = _clean_fields(kind, fields)
    Report.objects.select_for_update().filter(pk=report.pk).first()  # serialise positions
    _check_room(report, 1)
    action = NextAction(
        pair_id=report.pair_id,
        report=report,
        kind=kind,
        position=_next_position(report),
        created_by=user,
        **cleaned,
    )
    _require_main_text(action)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def next_action_update(*, user: AbstractBaseUser, action: NextAction, **changes: str) -> NextAction:
    """Change an action's texts or segment; unknown fields are refused, nothing changes."""
    report = _report_of(action)
    _require_editor(user, report)
    cleaned = _clean_fields(action.kind, changes)
    for name, value in cleaned.items():
        setattr(action, name, value)
    _require_main_text(action)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def next_action_delete(*, user: AbstractBaseUser, action: NextAction) -> None:
    _require_editor(user, _report_of(action))
    action.delete()


@transaction.atomic
def next_action_move(
    *, user: AbstractBaseUser, action: NextAction, offset: int = 0, to: int | None = None
) -> NextAction:
    """Move an action up (offset < 0) or down the report's list, or `to` a 0-based place
    in it, renumbering the list 0, 1, 2, ..."""
    report = _report_of(action)
    _require_editor(user, report)
    Report.objects.select_for_update().filter(pk=report.pk).first()
    siblings = list(NextAction.objects.filter(report=report).order_by("position", "id"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == action.pk)
    target = max(0, min(len(siblings) - 1, index + offset if to is None else to))
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings):
        sibling.position = position
    NextAction.objects.bulk_update(siblings, ["position"])
    action.position = target
    return action


@transaction.atomic
def next_actions_carry(
    *,
    user: AbstractBaseUser,
    report: Report,
    empathy_map: EmpathyMap,
    action_ids: Sequence[int] | None = None,
) -> list[Note]:
    """Carry the report's not-yet-carried actions (or the chosen ones) into an internal
    map of the same persona as notes, recording each `carried_to_note`. All or nothing:
    a sealed map, another persona's map, an action without a segment or text too long
    for a note refuses the whole carry, naming what is wrong."""
    _require_editor(user, report)
    if empathy_map.sealed_at is not None:
        raise ValidationError(
            _(
                "The map “%(map)s” is sealed: nothing can be added to it. "
                "Choose another map or ask an owner to unseal it."
            )
            % {"map": empathy_map.title}
        )
    if (
        empathy_map.perspective != Perspective.INTERNAL
        or empathy_map.persona_id != report.pair.internal_map.persona_id
    ):
        raise ValidationError(
            {"map": _("Carry next actions into an internal map of the same persona.")}
        )
    actions = NextAction.objects.select_for_update().filter(
        report=report, carried_to_note__isnull=True
    )
    if action_ids is not None:
        unknown = set(action_ids) - set(
            NextAction.objects.filter(report=report, pk__in=action_ids).values_list("pk", flat=True)
        )
        if unknown:
            raise ValidationError(
                {
                    "actions": _("Not actions of this report: %(ids)s.")
                    % {"ids": ", ".join(map(str, sorted(unknown)))}
                }
            )
        actions = actions.filter(pk__in=action_ids)
    actions = list(actions.order_by("position", "id"))
    if not actions:
        raise ValidationError(_("Every chosen action has already been carried into a map."))
    errors = []
    for number, action in enumerate(actions, 1):
        text = carried_text(action)
        if not action.segment:
            errors.append(
                _("Action %(number)s has no segment; choose one before carrying it.")
                % {"number": number}
            )
        if len(text) > MAX_NOTE_CHARS:
            errors.append(
                _(
                    "Action %(number)s is %(length)s characters long; a note holds at most "
                    "%(limit)s. Shorten it first."
                )
                % {"number": number, "length": len(text), "limit": MAX_NOTE_CHARS}
            )
    if errors:
        raise ValidationError({"actions": errors})
    # The maps service checks the role, the seal (under the map's lock) and the map's
    # note limit, and refuses the whole list if one note is invalid.
    notes = map_services.notes_bulk_create(
        user=user,
        empathy_map=empathy_map,
        notes=[
            map_services.NoteData(segment=action.segment, text=carried_text(action))
            for action in actions
        ],
    )
    for action, note in zip(actions, notes, strict=True):
        action.carried_to_note = note
    NextAction.objects.bulk_update(actions, ["carried_to_note"])
    return notes
