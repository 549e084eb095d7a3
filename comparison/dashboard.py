"""Reads for the workspace discrepancy dashboard (selectors only; nothing here writes).

The dashboard looks at the LATEST SUCCEEDED report of every pair in one workspace. Every
query starts from `comparison.selectors.reports_for(user)` (itself built on
`maps.selectors.workspaces_for`), so a workspace the user does not belong to yields
nothing. The number of queries is fixed, whatever the number of pairs and reports:

1. the latest reports, one row per pair (a correlated subquery picks each pair's newest
   succeeded report; filters by persona and date apply to that report, not before it);
2. the most-voted missed customer notes of those reports (grouped and limited in SQL);
3. the most-voted unconfirmed hypotheses of those reports (likewise).

Dates are the customer workshop's `held_on`; a pair whose customer map has no date falls
back to the day its report finished (in the current time zone), and says so
(`PairResult.dated_by_workshop`). The aggregates come back as the plain dataclasses of
`comparison.charts`, ready for its pure builders.

Several internal perspectives per customer workshop: every `PairResult` carries the
internal map's `team` and the customer map's id; `Dashboard.perspectives`
(`comparison.analytics.dashboard_perspectives`) sets the teams of each persona's latest
round side by side from these rows alone, so that section adds no query either.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate

from comparison import charts
from comparison.models import Match, MatchKind, Report, ReportStatus, Verdict
from comparison.selectors import reports_for
from maps.models import EmpathyMap, Persona, Workspace
from maps.segments import SEGMENT_KEYS
from maps.selectors import AnyUser, personas_for

TOP_ITEMS_LIMIT = charts.TOP_ITEMS_LIMIT
MISSED_TITLE = "Most-voted customer insights we missed"
WRONG_TITLE = "Most-voted hypotheses customers did not confirm"
# Lines one can still tell apart (colour, dash and marker differ); every persona's figures
# stay in the chart's table.
TREND_SERIES_LIMIT = 8
# Building plotly figures is most of a render; the figures change only when a report does,
# and the key is a digest of everything they show, so a cached one is never stale.
CHART_CACHE_SECONDS = 3600
CHART_CACHE_VERSION = 2  # bump when the figures' shape changes


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


@dataclass(frozen=True)
class Dashboard:
    results: tuple[PairResult, ...]
    heatmap: tuple[charts.PersonaScores, ...]
    trends: tuple[charts.PersonaTrend, ...]
    missed: tuple[charts.RankedNote, ...]
    wrong: tuple[charts.RankedNote, ...]
    filters: DashboardFilters = field(default_factory=DashboardFilters)

    @cached_property
    def digest(self) -> str:
        """A digest of everything the dashboard shows: the cache key of its figures and
        tables (equal digests, equal content; any new report or vote changes it)."""
        shown = (
            self.results,
            self.heatmap,
            self.trends,
            self.missed,
            self.wrong,
            self.perspectives,
        )
        return hashlib.sha256(repr((CHART_CACHE_VERSION, shown)).encode()).hexdigest()

    @cached_property
    def blind_spots(self):  # -> comparison.analytics.BlindSpots (imports this module)
        """The blind-spot segments of these results (cached with the data)."""
        from comparison.analytics import blind_spots

        return blind_spots(self.results)

    @cached_property
    def perspectives(self):  # -> comparison.analytics.DashboardPerspectives
        """The latest rounds compared by several teams, side by side (cached with the
        data; derived from `results`, so it costs no query)."""
        from comparison.analytics import dashboard_perspectives

        return dashboard_perspectives(self.results)

    @property
    def undated_count(self) -> int:
        """Results placed at their report's finishing day: the workshop has no date."""
        return sum(not result.dated_by_workshop for result in self.results)


# --- queries ------------------------------------------------------------------------------


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


def _results(reports: QuerySet[Report]) -> list[PairResult]:
    # values(): one flat row per report, no model instances (the page lists hundreds).
    rows = reports.values(
        "pk",
        "pair_id",
        "summary",
        "finished_at",
        "workshop_date",
        customer_map_id=F("pair__customer_map_id"),
        persona_id=F("pair__internal_map__persona_id"),
        persona=F("pair__internal_map__persona__name"),
        team=F("pair__internal_map__team"),
        internal_title=F("pair__internal_map__title"),
        customer_title=F("pair__customer_map__title"),
        round=F("pair__customer_map__round"),
        held_on=F("pair__customer_map__held_on"),
    ).order_by(
        "pair__internal_map__persona__name",
        "pair__customer_map__round",
        "workshop_date",
        "pair_id",
    )
    return [
        PairResult(
            report_id=row["pk"],
            pair_id=row["pair_id"],
            persona_id=row["persona_id"],
            persona=row["persona"],
            team=row["team"],
            internal_title=row["internal_title"],
            customer_title=row["customer_title"],
            round=row["round"],
            workshop_date=row["workshop_date"],
            dated_by_workshop=row["held_on"] is not None,
            finished_at=row["finished_at"],
            summary=row["summary"] if isinstance(row["summary"], Mapping) else {},
            customer_map_id=row["customer_map_id"],
        )
        for row in rows
    ]


def _top_notes(
    reports: QuerySet[Report], *, side: str, verdict: str, limit: int
) -> list[charts.RankedNote]:
    """The `limit` most-voted notes of one side with one verdict across `reports`.

    "also" rows repeat a note that already has its own row, so they are left out. A note
    compared in several pairs (one customer workshop against several teams' maps) is one
    entry: grouped by persona, segment and text, with its highest vote count.
    """
    rows = (
        Match.objects.filter(report__in=reports.values("pk"), **{f"{side}_verdict": verdict})
        .exclude(kind=MatchKind.ALSO)
        .exclude(**{f"{side}_text": ""})
        .values(
            text=F(f"{side}_text"),
            segment=F(f"{side}_segment"),
            persona=F("report__pair__internal_map__persona__name"),
        )
        .annotate(votes=Max(f"{side}_votes"))
        .order_by("-votes", "text", "persona", "segment")[:limit]
    )
    return [
        charts.RankedNote(
            text=row["text"], votes=row["votes"], persona=row["persona"], segment=row["segment"]
        )
        for row in rows
    ]


# --- aggregation (pure) -------------------------------------------------------------------


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def summary_count(metrics: Mapping[str, Any], name: str) -> int:
    value = _number(metrics.get(name))
    return max(int(value), 0) if value is not None else 0


def _has_notes(metrics: Mapping[str, Any]) -> bool:
    return summary_count(metrics, "internal_count") + summary_count(metrics, "customer_count") > 0


def pooled_score(metrics: Sequence[Mapping[str, Any]]) -> float | None:
    """The empathy score of several comparisons taken together, or None without notes.

    One comparison keeps its own figure (the report page shows the same). Several (e.g.
    the pairs of one round) pool their counts: precision = confirmed / hypotheses,
    coverage = anticipated / customer notes, harmonic mean, as the engine computes it.
    """
    with_notes = [item for item in metrics if _has_notes(item)]
    if not with_notes:
        return None
    if len(with_notes) == 1:
        return _number(with_notes[0].get("empathy_score"))
    internal = sum(summary_count(item, "internal_count") for item in with_notes)
    customer = sum(summary_count(item, "customer_count") for item in with_notes)
    confirmed = sum(summary_count(item, "confirmed") for item in with_notes)
    anticipated = sum(summary_count(item, "anticipated") for item in with_notes)
    precision = 100.0 * confirmed / internal if internal else 0.0
    coverage = 100.0 * anticipated / customer if customer else 0.0
    if precision + coverage == 0:
        return 0.0
    return round(2 * precision * coverage / (precision + coverage), 1)


def segment_figures(summary: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    segments = summary.get("segments")
    metrics = segments.get(key) if isinstance(segments, Mapping) else None
    return metrics if isinstance(metrics, Mapping) else {}


def _group[K: Hashable](
    results: Iterable[PairResult], key: Callable[[PairResult], K]
) -> dict[K, list[PairResult]]:
    groups: dict[K, list[PairResult]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    return groups


def _round_key(result: PairResult) -> tuple[int, datetime.date]:
    return (result.round, result.workshop_date)


def persona_scores(results: Sequence[PairResult]) -> list[charts.PersonaScores]:
    """Heatmap rows: per persona (by name), its most recent round in `results`.

    "Most recent" is the highest customer-workshop round, then the latest date; the
    pairs of that round (several teams' maps against one workshop) are pooled.
    """
    rows = []
    for persona_results in _group(results, lambda result: result.persona_id).values():
        newest = max(_round_key(result) for result in persona_results)
        summaries = [result.summary for result in persona_results if _round_key(result) == newest]
        rows.append(
            charts.PersonaScores(
                persona=persona_results[0].persona,
                scores={
                    key: pooled_score([segment_figures(summary, key) for summary in summaries])
                    for key in SEGMENT_KEYS
                },
                overall=pooled_score(summaries),
            )
        )
    return sorted(rows, key=lambda row: row.persona.casefold())


def persona_trends(results: Sequence[PairResult]) -> list[charts.PersonaTrend]:
    """Per persona, one point per workshop round (round, then date), pooled per round."""
    trends = []
    for persona_results in _group(results, lambda result: result.persona_id).values():
        points = []
        for (round_number, day), in_round in sorted(_group(persona_results, _round_key).items()):
            label = f"Round {round_number}"
            if not all(result.dated_by_workshop for result in in_round):
                label += " (workshop undated: report date)"
            points.append(
                charts.TrendPoint(
                    workshop_date=day,
                    empathy_score=pooled_score([result.summary for result in in_round]),
                    label=label,
                )
            )
        trends.append(charts.PersonaTrend(persona=persona_results[0].persona, points=points))
    return sorted(trends, key=lambda trend: trend.persona.casefold())


# --- the page's data ----------------------------------------------------------------------


def dashboard_data(
    user: AnyUser,
    workspace: Workspace,
    filters: DashboardFilters | None = None,
    *,
    limit: int = TOP_ITEMS_LIMIT,
) -> Dashboard:
    """Everything the dashboard shows, in three queries whatever the number of pairs."""
    filters = filters or DashboardFilters()
    reports = latest_reports(user, workspace, filters)
    results = _results(reports)
    if not results:
        # Nothing to rank: spare the two match queries.
        return Dashboard((), (), (), (), (), filters)
    return Dashboard(
        results=tuple(results),
        heatmap=tuple(persona_scores(results)),
        trends=tuple(persona_trends(results)),
        missed=tuple(_top_notes(reports, side="customer", verdict=Verdict.MISSED, limit=limit)),
        wrong=tuple(_top_notes(reports, side="internal", verdict=Verdict.UNCONFIRMED, limit=limit)),
        filters=filters,
    )


def _fingerprint(user: AnyUser, workspace: Workspace) -> tuple:
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


def dashboard_cached(
    user: AnyUser, workspace: Workspace, filters: DashboardFilters | None = None
) -> Dashboard:
    """`dashboard_data`, reused while nothing it shows has changed. The caller has checked
    that `user` belongs to `workspace`: every member sees the same dashboard."""
    filters = filters or DashboardFilters()
    state = (CHART_CACHE_VERSION, workspace.pk, filters, _fingerprint(user, workspace))
    key = f"gapmap:dashboard-data:{hashlib.sha256(repr(state).encode()).hexdigest()}"
    data = cache.get(key)
    if data is None:
        data = dashboard_data(user, workspace, filters)
        data.perspectives  # noqa: B018 - computed once, cached with the data
        data.digest  # noqa: B018
        data.blind_spots  # noqa: B018
        cache.set(key, data, CHART_CACHE_SECONDS)
    return data


# --- charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSpec:
    """One chart of the dashboard: its serialised figure and the same numbers as a table."""

    id: str
    parts: charts.FigureParts
    table: charts.Table


def trends_shown(trends: Sequence[charts.PersonaTrend]) -> list[charts.PersonaTrend]:
    """The personas drawn in the trend chart: those with the most rounds, then the most
    recent, at most TREND_SERIES_LIMIT, in their (alphabetical) order."""

    def weight(trend: charts.PersonaTrend) -> tuple[int, datetime.date]:
        latest = max((point.workshop_date for point in trend.points), default=datetime.date.min)
        return (len(trend.points), latest)

    chosen = {id(trend) for trend in sorted(trends, key=weight, reverse=True)[:TREND_SERIES_LIMIT]}
    return [trend for trend in trends if id(trend) in chosen]


def _build_charts(data: Dashboard) -> list[ChartSpec]:
    return [
        ChartSpec(
            "chart-heatmap",
            charts.figure_parts(charts.persona_heatmap(data.heatmap)),
            charts.persona_heatmap_table(data.heatmap),
        ),
        ChartSpec(
            "chart-trend",
            charts.figure_parts(charts.score_trend(trends_shown(data.trends))),
            charts.score_trend_table(data.trends),
        ),
        ChartSpec(
            "chart-missed",
            charts.figure_parts(charts.top_items(data.missed, MISSED_TITLE, verdict="missed")),
            charts.top_items_table(data.missed, MISSED_TITLE),
        ),
        ChartSpec(
            "chart-wrong",
            charts.figure_parts(charts.top_items(data.wrong, WRONG_TITLE, verdict="unconfirmed")),
            charts.top_items_table(data.wrong, WRONG_TITLE),
        ),
    ]


def dashboard_charts(data: Dashboard) -> list[ChartSpec]:
    """The dashboard's charts, from the cache when the same figures were built before."""
    if not data.results:
        return []
    key = f"gapmap:dashboard-charts:{data.digest}"
    specs = cache.get(key)
    if specs is None:
        specs = _build_charts(data)
        cache.set(key, specs, CHART_CACHE_SECONDS)
    return specs


def _build_perspective_charts(data: Dashboard) -> list[ChartSpec]:
    from comparison import analytics

    perspectives = data.perspectives
    return [
        ChartSpec(
            "chart-perspectives",
            charts.figure_parts(analytics.dashboard_perspective_heatmap(perspectives)),
            analytics.dashboard_perspective_table(perspectives),
        ),
        ChartSpec(
            "chart-overestimation",
            charts.figure_parts(analytics.team_overestimation_bars(perspectives)),
            analytics.team_overestimation_table(perspectives),
        ),
    ]


def dashboard_perspective_charts(data: Dashboard) -> list[ChartSpec]:
    """The perspectives section's two charts (none when no round in view has several
    teams), cached under the dashboard's digest like the others."""
    if not data.perspectives.rounds:
        return []
    key = f"gapmap:dashboard-perspective-charts:{data.digest}"
    specs = cache.get(key)
    if specs is None:
        specs = _build_perspective_charts(data)
        cache.set(key, specs, CHART_CACHE_SECONDS)
    return specs
