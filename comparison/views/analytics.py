"""Analytics pages: the perspectives of one round, the rounds of a persona, and the
per-participant overconfidence of a report.

Thin: fetch the parent through the scoped selectors (another workspace answers 404),
call `comparison.analytics`, render. Any member reads the round pages; the participants
page names people and is for owners and editors only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from comparison import analytics, charts
from comparison.selectors import reports_for
from maps.models import Role
from maps.selectors import personas_for, require_role


@dataclass(frozen=True)
class Chart:
    id: str
    html: SafeString
    table: charts.Table


def _chart(request: HttpRequest, chart_id: str, figure, table: charts.Table) -> Chart:
    fragment = charts.chart_html(
        figure, nonce=str(get_nonce(request)), div_id=chart_id, described_by=f"{chart_id}-table"
    )
    # chart_html escapes `<`, `>` and `&` in its JSON and the analytics builders escape
    # every user string for plotly: the fragment is our markup only.
    return Chart(chart_id, mark_safe(fragment), table)  # noqa: S308


@login_required
@require_GET
def round_perspectives(request: HttpRequest, pk: int, round: int) -> HttpResponse:  # noqa: A002
    persona = get_object_or_404(personas_for(request.user), pk=pk)
    data = analytics.round_perspectives(request.user, persona, round)
    chart_list = []
    if data.perspectives:
        chart_list = [
            _chart(
                request,
                "chart-perspectives",
                analytics.perspective_heatmap(data),
                analytics.perspective_table(data),
            ),
            _chart(
                request,
                "chart-overestimation",
                analytics.overestimation_bars(data),
                analytics.overestimation_table(data),
            ),
        ]
    return render(
        request,
        "comparison/perspectives.html",
        {
            "current_workspace": persona.workspace,
            "persona": persona,
            "data": data,
            "rounds": analytics.persona_rounds(request.user, persona),
            "charts": chart_list,
            "matrix_limit": analytics.MATRIX_ROW_LIMIT,
        },
    )


class RoundsForm(forms.Form):
    """The two rounds to diff; both must be rounds of the persona's maps."""

    old = forms.TypedChoiceField(coerce=int, label="Earlier round")
    new = forms.TypedChoiceField(coerce=int, label="Later round")

    def __init__(self, *args, rounds: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(number, f"Round {number}") for number in rounds]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices

    def clean(self) -> dict:
        cleaned = super().clean()
        old, new = cleaned.get("old"), cleaned.get("new")
        if old is not None and old == new:
            raise forms.ValidationError("Choose two different rounds to compare.")
        return cleaned


@login_required
@require_GET
def persona_rounds(request: HttpRequest, pk: int) -> HttpResponse:
    persona = get_object_or_404(personas_for(request.user), pk=pk)
    rounds = analytics.persona_rounds(request.user, persona)
    form = RoundsForm(request.GET or None, rounds=rounds)
    diff = None
    if form.is_bound and form.is_valid():
        old, new = sorted((form.cleaned_data["old"], form.cleaned_data["new"]))
        diff = analytics.rounds_diff(request.user, persona, old, new)
    elif not form.is_bound and len(rounds) >= 2:
        # No choice yet: the two latest rounds, the usual question ("what changed?").
        diff = analytics.rounds_diff(request.user, persona, rounds[-2], rounds[-1])
        form = RoundsForm(initial={"old": rounds[-2], "new": rounds[-1]}, rounds=rounds)
    trend = list(diff.trend) if diff else analytics.rounds_trend(request.user, persona)
    chart_list = []
    if trend:
        chart_list = [
            _chart(
                request,
                "chart-round-trend",
                analytics.segment_trend_figure(trend),
                analytics.segment_trend_table(trend),
            )
        ]
    return render(
        request,
        "comparison/rounds.html",
        {
            "current_workspace": persona.workspace,
            "persona": persona,
            "rounds": rounds,
            "form": form,
            "diff": diff,
            "charts": chart_list,
            "list_limit": analytics.LIST_LIMIT,
            "list_slice": f":{analytics.LIST_LIMIT}",
        },
    )


@login_required
@require_GET
def report_participants(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(reports_for(request.user), pk=pk)
    workspace = report.pair.internal_map.persona.workspace
    # Names of people and how often they were wrong: owners and editors only.
    require_role(request.user, workspace, Role.EDITOR)
    return render(
        request,
        "comparison/participants.html",
        {
            "current_workspace": workspace,
            "report": report,
            "pair": report.pair,
            "rows": analytics.participant_overconfidence(report),
        },
    )
