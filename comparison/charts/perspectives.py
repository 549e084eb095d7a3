"""Figures of several teams' perspectives on one customer workshop: empathy score per
perspective and segment, and who overestimates the customers (with their tables).

The builders read the pages' plain data through the protocols below (the dataclasses of
`comparison.pages.perspectives` and `.dashboard_perspectives`), so this module needs
neither Django nor those modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import plotly.graph_objects as go

from comparison.charts.personas import PersonaScores, persona_heatmap
from comparison.charts.style import VERDICT_COLOURS, layout, overall_label
from comparison.charts.text import Table, escape_for_plotly, format_score
from comparison.charts.translation import gettext, gettext_noop, percent
from maps.segments import SEGMENTS

PERSPECTIVE_HEATMAP_TITLE = gettext_noop("Empathy score by perspective and segment")
OVERESTIMATION_TITLE = gettext_noop("Hypotheses no customer supported, by perspective")
TEAM_OVERESTIMATION_TITLE = gettext_noop("Hypotheses no customer supported, by team")
# Rows drawn in the dashboard's perspective heatmap; every row stays in its table.
PERSPECTIVE_CHART_ROW_LIMIT = 40


class Overestimation(Protocol):
    """A team judged by its hypotheses: a perspective, or a team pooled over personas."""

    @property
    def label(self) -> str: ...
    @property
    def hypotheses(self) -> int: ...
    @property
    def unconfirmed(self) -> int: ...
    @property
    def unconfirmed_share(self) -> float | None: ...
    @property
    def overall(self) -> float | None: ...


class Perspective(Overestimation, Protocol):
    @property
    def scores(self) -> Mapping[str, float | None]: ...
    @property
    def not_confirmed_share(self) -> float | None: ...


class PooledTeam(Overestimation, Protocol):
    @property
    def personas(self) -> int: ...
    @property
    def precision(self) -> float | None: ...
    @property
    def coverage(self) -> float | None: ...


class Perspectives(Protocol):
    """One round's perspectives, in page order and ranked by overestimation."""

    @property
    def perspectives(self) -> Sequence[Perspective]: ...
    @property
    def overestimation(self) -> Sequence[Perspective]: ...


class DashboardPerspectives(Protocol):
    @property
    def combined(self) -> Perspectives: ...
    @property
    def teams(self) -> Sequence[PooledTeam]: ...


def _heatmap(perspectives: Sequence[Perspective]) -> go.Figure:
    rows = [
        PersonaScores(persona=p.label, scores=p.scores, overall=p.overall) for p in perspectives
    ]
    return persona_heatmap(
        rows, title=gettext(PERSPECTIVE_HEATMAP_TITLE), y_title=gettext("Perspective")
    )


def perspective_heatmap(data: Perspectives) -> go.Figure:
    """Perspectives (rows) against segments, coloured by empathy score 0-100."""
    return _heatmap(data.perspectives)


def perspective_table(data: Perspectives) -> Table:
    headers = (
        gettext("Perspective"),
        *(gettext(segment.label) for segment in SEGMENTS),
        overall_label(),
    )
    return Table(
        gettext(PERSPECTIVE_HEATMAP_TITLE),
        headers,
        tuple(
            (
                p.label,
                *(format_score(p.scores.get(segment.key)) for segment in SEGMENTS),
                format_score(p.overall),
            )
            for p in data.perspectives
        ),
    )


def _overestimation_figure(ranked: Sequence[Overestimation], title: str, y_title: str) -> go.Figure:
    """Horizontal bars of `unconfirmed_share`, in the given (ranked) order, top down."""
    ordered = [p for p in ranked if p.unconfirmed_share is not None]
    labels = [escape_for_plotly(p.label) for p in ordered]  # the pages make labels unique
    figure_layout = layout(
        title,
        # xgettext:no-python-format
        gettext("Unsupported hypotheses (% of the team's)"),
        y_title,
        height=max(320, 160 + 56 * len(ordered)),
        showlegend=False,
    )
    figure_layout["yaxis"].update(autorange="reversed", categoryorder="array", categoryarray=labels)
    figure_layout["xaxis"]["range"] = [0, 105]
    return go.Figure(
        data=[
            go.Bar(
                orientation="h",
                x=[p.unconfirmed_share for p in ordered],
                y=labels,
                marker={"color": VERDICT_COLOURS["unconfirmed"]},
                texttemplate=percent("%{x:.0f}"),
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: " + percent("%{x:.1f}") + "<extra></extra>",
            )
        ],
        layout=figure_layout,
    )


def overestimation_bars(data: Perspectives) -> go.Figure:
    """Per perspective, the share of its hypotheses no customer supported, the highest
    on top."""
    return _overestimation_figure(
        data.overestimation, gettext(OVERESTIMATION_TITLE), gettext("Perspective")
    )


def overestimation_table(data: Perspectives) -> Table:
    return Table(
        gettext(OVERESTIMATION_TITLE),
        (
            gettext("Perspective"),
            gettext("Hypotheses"),
            gettext("Unsupported"),
            gettext("Unsupported %"),
            gettext("Not confirmed %"),
        ),
        tuple(
            (
                p.label,
                str(p.hypotheses),
                str(p.unconfirmed),
                format_score(p.unconfirmed_share),
                format_score(p.not_confirmed_share),
            )
            for p in data.overestimation
        ),
    )


def dashboard_perspective_heatmap(data: DashboardPerspectives) -> go.Figure:
    """Every perspective of the dashboard's rounds, the first PERSPECTIVE_CHART_ROW_LIMIT."""
    return _heatmap(data.combined.perspectives[:PERSPECTIVE_CHART_ROW_LIMIT])


def dashboard_perspective_table(data: DashboardPerspectives) -> Table:
    return perspective_table(data.combined)


def team_overestimation_bars(data: DashboardPerspectives) -> go.Figure:
    return _overestimation_figure(data.teams, gettext(TEAM_OVERESTIMATION_TITLE), gettext("Team"))


def team_overestimation_table(data: DashboardPerspectives) -> Table:
    return Table(
        gettext(TEAM_OVERESTIMATION_TITLE),
        (
            gettext("Team"),
            gettext("Personas"),
            gettext("Hypotheses"),
            gettext("Unsupported"),
            gettext("Unsupported %"),
            gettext("Precision %"),
            gettext("Coverage %"),
            gettext("Empathy score"),
        ),
        tuple(
            (
                team.label,
                str(team.personas),
                str(team.hypotheses),
                str(team.unconfirmed),
                format_score(team.unconfirmed_share),
                format_score(team.precision),
                format_score(team.coverage),
                format_score(team.overall),
            )
            for team in data.teams
        ),
    )
