"""Reads for a persona's workshop rounds: its latest report per pair, its rounds, and the
maps of given rounds with their notes. Scoped through `latest_reports` and `maps_for`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, QuerySet

from comparison.models import Report
from comparison.selectors.dashboard import (
    DashboardFilters,
    latest_reports,
    report_fields,
    report_values,
    stored_mapping,
)
from maps.models import EmpathyMap, Note, Persona
from maps.selectors import AnyUser, maps_for


@dataclass(frozen=True)
class ReportRow:
    """The latest succeeded report of one pair of a persona, flattened."""

    report_id: int
    pair_id: int
    team: str
    internal_title: str
    internal_map_id: int
    customer_map_id: int
    customer_title: str
    round: int
    workshop_date: datetime.date | None
    settings: Mapping[str, Any]
    summary: Mapping[str, Any]


def persona_reports(
    user: AnyUser, persona: Persona, *, round_number: int | None = None
) -> QuerySet[Report]:
    """The latest succeeded report of each of the persona's pairs, of one round if given."""
    reports = latest_reports(user, persona.workspace, DashboardFilters(persona_id=persona.pk))
    if round_number is not None:
        reports = reports.filter(pair__customer_map__round=round_number)
    return reports


def report_rows(reports: QuerySet[Report]) -> list[ReportRow]:
    rows = report_values(reports, "settings", internal_map_id=F("pair__internal_map_id")).order_by(
        "pair__customer_map__round",
        "pair__internal_map__team",
        "pair__internal_map__title",
        "pair_id",
    )
    return [
        ReportRow(
            **report_fields(row),
            internal_map_id=row["internal_map_id"],
            settings=stored_mapping(row["settings"]),
        )
        for row in rows
    ]


def persona_rounds(user: AnyUser, persona: Persona) -> list[int]:
    """The round numbers of the persona's maps, ascending (for the round pickers)."""
    return sorted(
        set(maps_for(user).filter(persona=persona).values_list("round", flat=True).order_by())
    )


def round_maps(user: AnyUser, persona: Persona, rounds: tuple[int, ...]) -> list[EmpathyMap]:
    """The persona's maps of `rounds` with their notes prefetched (two queries)."""
    return list(
        maps_for(user)
        .filter(persona=persona, round__in=rounds)
        .prefetch_related(
            Prefetch("notes", queryset=Note.objects.order_by("segment", "order", "id"))
        )
        .order_by("round", "team", "title", "id")
    )
