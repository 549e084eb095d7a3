"""The workspace discrepancy dashboard: what its page shows, in three queries whatever the
number of pairs (see `comparison.selectors.dashboard`), and its figures.

Aggregation is pure over the loaded `PairResult`s: the heatmap (each persona's latest
round), the trend (a point per round), the blind spots and the perspectives section
(several teams against one customer workshop) add no query. The data are cached while a
cheap fingerprint of the workspace is unchanged, and the figures under a digest of the
data, so a cached figure is never stale.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache

from comparison import charts
from comparison.models import Verdict
from comparison.pages.blind_spots import BlindSpot, blind_spots
from comparison.pages.dashboard_perspectives import DashboardPerspectives, dashboard_perspectives
from comparison.scores import pooled_score, segment_figures
from comparison.selectors.dashboard import (
    DashboardFilters,
    PairResult,
    dashboard_fingerprint,
    latest_reports,
    most_voted_notes,
    pair_results,
)
from maps.models import Workspace
from maps.segments import SEGMENT_KEYS
from maps.selectors import AnyUser

TOP_ITEMS_LIMIT = charts.TOP_ITEMS_LIMIT
MISSED_TITLE = "Most-voted customer insights we missed"
WRONG_TITLE = "Most-voted hypotheses customers did not confirm"
# Lines one can still tell apart (colour, dash and marker differ); every persona's figures
# stay in the chart's table.
TREND_SERIES_LIMIT = 8
# Building plotly figures is most of a render; the figures change only when a report does,
# and the key is a digest of everything they show, so a cached one is never stale.
CHART_CACHE_SECONDS = 3600
CHART_CACHE_VERSION = 3  # bump when the cached data or figures change shape or module


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
    def blind_spots(self) -> list[BlindSpot]:
        """The blind-spot segments of these results (cached with the data)."""
        return blind_spots(self.results)

    @cached_property
    def perspectives(self) -> DashboardPerspectives:
        """The latest rounds compared by several teams, side by side (cached with the
        data; derived from `results`, so it costs no query)."""
        return dashboard_perspectives(self.results)

    @property
    def undated_count(self) -> int:
        """Results placed at their report's finishing day: the workshop has no date."""
        return sum(not result.dated_by_workshop for result in self.results)


# --- aggregation (pure) -------------------------------------------------------------------


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
    results = pair_results(reports)
    if not results:
        # Nothing to rank: spare the two match queries.
        return Dashboard((), (), (), (), (), filters)
    return Dashboard(
        results=tuple(results),
        heatmap=tuple(persona_scores(results)),
        trends=tuple(persona_trends(results)),
        missed=tuple(
            most_voted_notes(reports, side="customer", verdict=Verdict.MISSED, limit=limit)
        ),
        wrong=tuple(
            most_voted_notes(reports, side="internal", verdict=Verdict.UNCONFIRMED, limit=limit)
        ),
        filters=filters,
    )


def dashboard_cached(
    user: AnyUser, workspace: Workspace, filters: DashboardFilters | None = None
) -> Dashboard:
    """`dashboard_data`, reused while nothing it shows has changed. The caller has checked
    that `user` belongs to `workspace`: every member sees the same dashboard."""
    filters = filters or DashboardFilters()
    state = (CHART_CACHE_VERSION, workspace.pk, filters, dashboard_fingerprint(user, workspace))
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


def trends_shown(trends: Sequence[charts.PersonaTrend]) -> list[charts.PersonaTrend]:
    """The personas drawn in the trend chart: those with the most rounds, then the most
    recent, at most TREND_SERIES_LIMIT, in their (alphabetical) order."""

    def weight(trend: charts.PersonaTrend) -> tuple[int, datetime.date]:
        latest = max((point.workshop_date for point in trend.points), default=datetime.date.min)
        return (len(trend.points), latest)

    chosen = {id(trend) for trend in sorted(trends, key=weight, reverse=True)[:TREND_SERIES_LIMIT]}
    return [trend for trend in trends if id(trend) in chosen]


def _build_charts(data: Dashboard) -> list[charts.Chart]:
    return [
        charts.page_chart(
            "chart-heatmap",
            charts.persona_heatmap(data.heatmap),
            charts.persona_heatmap_table(data.heatmap),
        ),
        charts.page_chart(
            "chart-trend",
            charts.score_trend(trends_shown(data.trends)),
            charts.score_trend_table(data.trends),
        ),
        charts.page_chart(
            "chart-missed",
            charts.top_items(data.missed, MISSED_TITLE, verdict=Verdict.MISSED),
            charts.top_items_table(data.missed, MISSED_TITLE),
        ),
        charts.page_chart(
            "chart-wrong",
            charts.top_items(data.wrong, WRONG_TITLE, verdict=Verdict.UNCONFIRMED),
            charts.top_items_table(data.wrong, WRONG_TITLE),
        ),
    ]


def _build_perspective_charts(data: Dashboard) -> list[charts.Chart]:
    return [
        charts.page_chart(
            "chart-perspectives",
            charts.dashboard_perspective_heatmap(data.perspectives),
            charts.dashboard_perspective_table(data.perspectives),
        ),
        charts.page_chart(
            "chart-overestimation",
            charts.team_overestimation_bars(data.perspectives),
            charts.team_overestimation_table(data.perspectives),
        ),
    ]


def _cached_charts(
    name: str, data: Dashboard, build: Callable[[Dashboard], list[charts.Chart]]
) -> list[charts.Chart]:
    key = f"gapmap:{name}:{data.digest}"
    built = cache.get(key)
    if built is None:
        built = build(data)
        cache.set(key, built, CHART_CACHE_SECONDS)
    return built


def dashboard_charts(data: Dashboard) -> list[charts.Chart]:
    """The dashboard's charts, from the cache when the same figures were built before."""
    if not data.results:
        return []
    return _cached_charts("dashboard-charts", data, _build_charts)


def dashboard_perspective_charts(data: Dashboard) -> list[charts.Chart]:
    """The perspectives section's two charts (none when no round in view has several
    teams), cached under the dashboard's digest like the others."""
    if not data.perspectives.rounds:
        return []
    return _cached_charts("dashboard-perspective-charts", data, _build_perspective_charts)
