"""Reads for the workspace discrepancy dashboard: the LATEST SUCCEEDED report of every pair.

Every query starts from `reports_for(user)` (itself built on `maps.selectors.workspaces_for`),
so a workspace the user does not belong to yields nothing. The number of queries is fixed,
whatever the number of pairs and reports:

1. the latest reports, one row per pair (a correlated subquery picks each pair's newest
   succeeded report; filters by persona and date apply to that report, not before it);
2. the most-voted missed customer notes of each persona's latest round among those
   reports, with the teams that missed each (grouped and limited in SQL);
3. the most-voted unconfirmed hypotheses of those rounds (likewise).

Dates are the customer workshop's `held_on`; a pair whose customer map has no date falls
back to the day its report finished (in the current time zone), and says so
(`PairResult.dated_by_workshop`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils.translation import gettext

from comparison.models import Match, MatchKind, Report, ReportStatus
from comparison.scores import pooled_score
from comparison.selectors.reports import reports_for
from maps.models import EmpathyMap, Persona, Workspace
from maps.segments import SEGMENT_LABELS
from maps.selectors import AnyUser, personas_for


@dataclass(frozen=True)
class DashboardFilters:
    """What the user narrowed the dashboard to; None means "no limit"."""

    persona_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.persona_id, self.date_from, self.date_to))


@dataclass(frozen=True)
class PairResult:
    """The latest succeeded report of one pair, flattened for the dashboard."""

    report_id: int
    pair_id: int
    persona_id: int
    persona: str
    team: str  # the internal map's team ("management", "sales", ...), may be empty
    internal_title: str
    customer_title: str
    round: int  # the customer map's workshop round
    workshop_date: datetime.date  # held_on of the customer map, else the report's day
    dated_by_workshop: bool
    finished_at: datetime.datetime | None
    summary: Mapping[str, Any]
    # The customer workshop's map: pairs sharing it are perspectives on one workshop.
    customer_map_id: int = 0

    @property
    def empathy_score(self) -> float | None:
        return pooled_score([self.summary])


def dashboard_personas(user: AnyUser, workspace: Workspace) -> list[tuple[int, str]]:
    """(id, name) of the workspace's personas, for the filter's choices."""
    return list(
        personas_for(user)
        .filter(workspace=workspace)
        .order_by("name", "id")
        .values_list("pk", "name")
    )


def latest_reports(
    user: AnyUser, workspace: Workspace, filters: DashboardFilters | None = None
) -> QuerySet[Report]:
    """Per pair of `workspace`, its newest succeeded report, narrowed by `filters`.

    The newest is picked among ALL of the pair's succeeded reports first; the filters then
    keep or drop that one report, so an older report never stands in for a newer one that
    falls outside the date range. Annotated with `workshop_date`.
    """
    filters = filters or DashboardFilters()
    newest = (
        Report.objects.filter(pair_id=OuterRef("pair_id"), status=ReportStatus.SUCCEEDED)
        .order_by(F("finished_at").desc(nulls_last=True), "-id")
        .values("pk")[:1]
    )
    reports = (
        reports_for(user)
        .filter(
            pair__internal_map__persona__workspace=workspace,
            status=ReportStatus.SUCCEEDED,
            pk=Subquery(newest),
        )
        .annotate(workshop_date=Coalesce("pair__customer_map__held_on", TruncDate("finished_at")))
    )
    if filters.persona_id is not None:
        reports = reports.filter(pair__internal_map__persona_id=filters.persona_id)
    if filters.date_from is not None:
        reports = reports.filter(workshop_date__gte=filters.date_from)
    if filters.date_to is not None:
        reports = reports.filter(workshop_date__lte=filters.date_to)
    return reports


def report_values(reports: QuerySet[Report], *fields: str, **expressions: Any) -> QuerySet:
    """One flat row per report of `latest_reports` (values(): no model instances; the
    pages list hundreds): the report, its pair's maps and workshop, and `fields` and
    `expressions` on top."""
    return reports.values(
        "pk",
        "pair_id",
        "summary",
        "workshop_date",
        *fields,
        team=F("pair__internal_map__team"),
        internal_title=F("pair__internal_map__title"),
        customer_map_id=F("pair__customer_map_id"),
        customer_title=F("pair__customer_map__title"),
        round=F("pair__customer_map__round"),
        **expressions,
    )


def stored_mapping(value: object) -> Mapping[str, Any]:
    """A JSON field read as a mapping; anything else as empty."""
    return value if isinstance(value, Mapping) else {}


def report_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """What every flattened report (`PairResult`, `ReportRow`) takes from a
    `report_values` row."""
    return {
        "report_id": row["pk"],
        "pair_id": row["pair_id"],
        "team": row["team"] or "",
        "internal_title": row["internal_title"],
        "customer_map_id": row["customer_map_id"],
        "customer_title": row["customer_title"],
        "round": row["round"],
        "workshop_date": row["workshop_date"],
        "summary": stored_mapping(row["summary"]),
    }


def pair_results(reports: QuerySet[Report]) -> list[PairResult]:
    rows = report_values(
        reports,
        "finished_at",
        persona_id=F("pair__internal_map__persona_id"),
        persona=F("pair__internal_map__persona__name"),
        held_on=F("pair__customer_map__held_on"),
    ).order_by(
        "pair__internal_map__persona__name",
        "pair__customer_map__round",
        "workshop_date",
        "pair_id",
    )
    return [
        PairResult(
            **report_fields(row),
            persona_id=row["persona_id"],
            persona=row["persona"],
            dated_by_workshop=row["held_on"] is not None,
            finished_at=row["finished_at"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RoundNote:
    """A note of one side with one verdict in a persona's latest round, and which of the
    round's teams it has that verdict against (a customer note two of three teams
    anticipated is missed by one team only)."""

    text: str
    votes: int
    persona: str
    persona_id: int
    segment: str
    teams: tuple[str, ...]  # each team's name, or its map's title when it has none

    @property
    def segment_label(self) -> str:
        label = SEGMENT_LABELS.get(self.segment)
        return gettext(label) if label else self.segment


# Team names joined in SQL and split again: a line break never occurs in a map's title or
# team (both single-line form fields).
_TEAM_SEPARATOR = "\n"


def round_notes(
    report_ids: Sequence[int], *, side: str, verdict: str, limit: int
) -> list[RoundNote]:
    """The `limit` most-voted notes of one side with one verdict in these reports (the
    latest round of each persona), one entry per note with the teams it has that verdict
    against: the most votes first, then the most teams. One query.

    "also" rows repeat a note that already has its own row, so they are left out.
    """
    team = Coalesce(
        NullIf(F("report__pair__internal_map__team"), Value("")),
        F("report__pair__internal_map__title"),
    )
    rows = (
        Match.objects.filter(report_id__in=list(report_ids), **{f"{side}_verdict": verdict})
        .exclude(kind=MatchKind.ALSO)
        .exclude(**{f"{side}_text": ""})
        .values(
            text=F(f"{side}_text"),
            segment=F(f"{side}_segment"),
            persona=F("report__pair__internal_map__persona__name"),
            persona_id=F("report__pair__internal_map__persona_id"),
        )
        .annotate(
            votes=Max(f"{side}_votes"),
            # Not distinct: SQLite cannot with a separator; repeats are dropped below.
            team_names=StringAgg(team, Value(_TEAM_SEPARATOR)),
            team_count=Count("report_id", distinct=True),
        )
        .order_by("-votes", "-team_count", "text", "persona", "segment")[:limit]
    )
    return [
        RoundNote(
            text=row["text"],
            votes=row["votes"],
            persona=row["persona"],
            persona_id=row["persona_id"],
            segment=row["segment"],
            teams=tuple(
                sorted(set(filter(None, (row["team_names"] or "").split(_TEAM_SEPARATOR))))
            ),
        )
        for row in rows
    ]


def dashboard_fingerprint(user: AnyUser, workspace: Workspace) -> tuple:
    """What changes whenever anything the dashboard shows changes: reports appear, finish,
    are reviewed or deleted (count and latest `updated_at`), personas and maps are renamed,
    re-dated or deleted. Three small aggregate queries instead of the page's three big ones."""
    reports = reports_for(user).filter(pair__internal_map__persona__workspace=workspace)
    personas = Persona.objects.filter(workspace=workspace)
    maps = EmpathyMap.objects.filter(persona__workspace=workspace)
    return tuple(
        tuple(queryset.aggregate(count=Count("pk"), changed=Max("updated_at")).values())
        for queryset in (reports, personas, maps)
    )
