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
from django.utils.translation import get_language, gettext, pgettext

from comparison import charts
from comparison.models import Verdict
from comparison.pages.blind_spots import BlindSpot, blind_spots
from comparison.pages.dashboard_perspectives import DashboardPerspectives, dashboard_perspectives
from comparison.scores import pooled_score, segment_figures
from comparison.selectors.dashboard import (
    DashboardFilters,
    PairResult,
    RoundNote,
    dashboard_fingerprint,
    latest_reports,
    pair_results,
    round_notes,
)
from maps.models import Workspace
from maps.segments import SEGMENT_KEYS
from maps.selectors import AnyUser

TOP_ITEMS_LIMIT = 10  # a projector slide holds about ten readable items
# The misses fetched per one shown: the most-voted ones, re-ranked by how many of the
# round's teams missed them (a note missed by every team outranks a better-voted one that
# most teams anticipated).
MISSED_CANDIDATES_PER_ITEM = 5
# Lines one can still tell apart (colour, dash and marker differ); every persona's figures
# stay in the chart's table.
TREND_SERIES_LIMIT = 8
# Building plotly figures is most of a render; the figures change only when a report does,
# and the key is a digest of everything they show, so a cached one is never stale.
CHART_CACHE_SECONDS = 3600
CHART_CACHE_VERSION = 5  # bump when the cached data or figures change shape or module


@dataclass(frozen=True)
class PersonaHeadline:
    """A persona's empathy score in its latest round, and the change since the round
    before (None in its first round). Whole points, as every page shows them."""

    persona: str
    persona_id: int
    round_label: str
    score: int | None
    previous: int | None = None
    previous_label: str = ""
    previous_in_text: str = ""  # the previous round inside a sentence ("since round 1")

    @property
    def change(self) -> int | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def signed_change(self) -> str:
        """The change with its sign ("+3", "-2"), for the headline's sentence."""
        return "" if self.change is None else f"{self.change:+d}"


def _whole(score: float | None) -> int | None:
    return None if score is None else round(score)


def round_label(number: int, *, dated: bool = True, in_text: bool = False) -> str:
    """ "Round 2", or "round 2" inside a sentence (German keeps "Runde 2"), marked when the
    round's customer workshop has no date and its report's day stands in."""
    if in_text:
        label = pgettext("a round inside a sentence", "round %(number)s") % {"number": number}
    else:
        label = gettext("Round %(number)s") % {"number": number}
    if dated:
        return label
    return gettext("%(round)s (workshop undated: report date)") % {"round": label}


def persona_headlines(results: Sequence[PairResult]) -> list[PersonaHeadline]:
    """The dashboard's headline: each persona's latest round, against the one before
    (rounds pooled over their teams, as in the trend), by persona name."""
    headlines = []
    for persona_results in _group(results, lambda result: result.persona_id).values():
        (trend,) = persona_trends(persona_results)
        rounds = sorted(_group(persona_results, _round_key).items())
        latest = trend.points[-1]
        before = trend.points[-2] if len(trend.points) > 1 else None
        previous_in_text = ""
        if before:
            (previous_round, _), in_round = rounds[-2]
            dated = all(result.dated_by_workshop for result in in_round)
            previous_in_text = round_label(previous_round, dated=dated, in_text=True)
        headlines.append(
            PersonaHeadline(
                persona=trend.persona,
                persona_id=persona_results[0].persona_id,
                round_label=latest.label,
                score=_whole(latest.empathy_score),
                previous=_whole(before.empathy_score) if before else None,
                previous_label=before.label if before else "",
                previous_in_text=previous_in_text,
            )
        )
    return sorted(headlines, key=lambda headline: headline.persona.casefold())


@dataclass(frozen=True)
class TeamNote:
    """A note of a persona's latest round, and how many teams' maps that round compared."""

    note: RoundNote
    of_teams: int

    @property
    def several_teams(self) -> bool:
        return self.of_teams > 1

    @property
    def every_team(self) -> bool:
        return len(self.note.teams) >= self.of_teams

    @property
    def missed_share(self) -> float:
        return min(len(self.note.teams) / self.of_teams, 1.0) if self.of_teams else 1.0


@dataclass(frozen=True)
class Dashboard:
    results: tuple[PairResult, ...]
    heatmap: tuple[charts.PersonaScores, ...]
    trends: tuple[charts.PersonaTrend, ...]
    # Of each persona's latest round only, with the teams each note has its verdict against.
    missed: tuple[RoundNote, ...]
    wrong: tuple[RoundNote, ...]
    filters: DashboardFilters = field(default_factory=DashboardFilters)

    @cached_property
    def latest(self) -> tuple[PairResult, ...]:
        """The results of each persona's latest round in view (several teams each)."""
        return tuple(latest_round_results(self.results))

    @cached_property
    def headlines(self) -> list[PersonaHeadline]:
        return persona_headlines(self.results)

    @cached_property
    def team_counts(self) -> dict[int, int]:
        """Per persona id, how many teams' maps its latest round compared."""
        counts: dict[int, int] = {}
        for result in self.latest:
            counts[result.persona_id] = counts.get(result.persona_id, 0) + 1
        return counts

    @property
    def missed_notes(self) -> list[TeamNote]:
        """The misses to show: those every team of the round missed first (an insight the
        whole organisation lacks), then by the share of teams, then by votes."""
        notes = [TeamNote(note, self.team_counts.get(note.persona_id, 0)) for note in self.missed]
        notes.sort(key=lambda item: (-item.missed_share, -item.note.votes))
        return notes[:TOP_ITEMS_LIMIT]

    @property
    def wrong_notes(self) -> list[TeamNote]:
        return [TeamNote(note, self.team_counts.get(note.persona_id, 0)) for note in self.wrong]

    @property
    def has_rounds_to_compare(self) -> bool:
        """Whether any persona has two rounds or more: a trend needs two points."""
        return any(len(trend.points) > 1 for trend in self.trends)

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
        """The blind-spot segments of each persona's latest round (cached with the data):
        what to act on now, not what a later round has already fixed."""
        return blind_spots(self.latest)

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


def latest_round_results(results: Sequence[PairResult]) -> list[PairResult]:
    """The results of each persona's most recent round (highest round, then latest date):
    one per team that compared its map with that round's customer workshop."""
    newest: dict[int, tuple[int, datetime.date]] = {}
    for result in results:
        key = _round_key(result)
        if result.persona_id not in newest or key > newest[result.persona_id]:
            newest[result.persona_id] = key
    return [result for result in results if _round_key(result) == newest[result.persona_id]]


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
            dated = all(result.dated_by_workshop for result in in_round)
            label = round_label(round_number, dated=dated)
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
    latest_ids = [result.report_id for result in latest_round_results(results)]
    return Dashboard(
        results=tuple(results),
        heatmap=tuple(persona_scores(results)),
        trends=tuple(persona_trends(results)),
        # More than are shown: `missed_notes` puts those every team missed first.
        missed=tuple(
            round_notes(
                latest_ids,
                side="customer",
                verdict=Verdict.MISSED,
                limit=limit * MISSED_CANDIDATES_PER_ITEM,
            )
        ),
        wrong=tuple(
            round_notes(latest_ids, side="internal", verdict=Verdict.UNCONFIRMED, limit=limit)
        ),
        filters=filters,
    )


def dashboard_cached(
    user: AnyUser, workspace: Workspace, filters: DashboardFilters | None = None
) -> Dashboard:
    """`dashboard_data`, reused while nothing it shows has changed. The caller has checked
    that `user` belongs to `workspace`: every member sees the same dashboard."""
    filters = filters or DashboardFilters()
    # Per language: the data hold translated labels (rounds, perspectives without a team).
    state = (
        CHART_CACHE_VERSION,
        get_language(),
        workspace.pk,
        filters,
        dashboard_fingerprint(user, workspace),
    )
    key = f"gapmap:dashboard-data:{hashlib.sha256(repr(state).encode()).hexdigest()}"
    data = cache.get(key)
    if data is None:
        data = dashboard_data(user, workspace, filters)
        data.perspectives  # noqa: B018 - computed once, cached with the data
        data.digest  # noqa: B018
        data.blind_spots  # noqa: B018
        data.headlines  # noqa: B018
        data.team_counts  # noqa: B018
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
    """The heatmap, and the trend once a persona has two rounds (with one, the page says
    so in a sentence: a single dot per persona is no trend). The most-voted misses and
    wrong hypotheses are lists, not charts: their text is the point, and a bar label cuts it."""
    built = [
        charts.page_chart(
            "chart-heatmap",
            charts.persona_heatmap(data.heatmap),
            charts.persona_heatmap_table(data.heatmap),
        ),
    ]
    if data.has_rounds_to_compare:
        built.append(
            charts.page_chart(
                "chart-trend",
                charts.score_trend(trends_shown(data.trends)),
                charts.score_trend_table(data.trends),
            )
        )
    return built


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
    key = f"gapmap:{name}:{get_language()}:{data.digest}"  # figures speak the reader's language
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
