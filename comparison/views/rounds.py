"""A persona's round pages: the perspectives of one round, and what changed between two
rounds.

Thin: fetch the persona through the scoped selectors (another workspace answers 404), call
`comparison.pages.perspectives` / `comparison.pages.rounds`, render. Any member reads them.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from comparison import charts
from comparison.pages import perspectives, rounds
from comparison.selectors import rounds as round_selectors
from maps.selectors import personas_for


@login_required
@require_GET
def round_perspectives(request: HttpRequest, pk: int, round: int) -> HttpResponse:  # noqa: A002
    persona = get_object_or_404(personas_for(request.user), pk=pk)
    data = perspectives.round_perspectives(request.user, persona, round)
    chart_list = []
    if data.perspectives:
        chart_list = [
            charts.page_chart(
                "chart-perspectives",
                charts.perspective_heatmap(data),
                charts.perspective_table(data),
            ),
            charts.page_chart(
                "chart-overestimation",
                charts.overestimation_bars(data),
                charts.overestimation_table(data),
            ),
        ]
    return render(
        request,
        "comparison/perspectives.html",
        {
            "current_workspace": persona.workspace,
            "persona": persona,
            "data": data,
            "rounds": round_selectors.persona_rounds(request.user, persona),
            "charts": chart_list,
            "matrix_limit": perspectives.MATRIX_ROW_LIMIT,
        },
    )


class RoundsForm(forms.Form):
    """The two rounds to diff; both must be rounds of the persona's maps."""

    old = forms.TypedChoiceField(coerce=int, label=_("Earlier round"))
    new = forms.TypedChoiceField(coerce=int, label=_("Later round"))

    def __init__(self, *args, rounds: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(number, gettext("Round %(number)s") % {"number": number}) for number in rounds]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices

    def clean(self) -> dict:
        cleaned = super().clean()
        old, new = cleaned.get("old"), cleaned.get("new")
        if old is not None and old == new:
            raise forms.ValidationError(gettext("Choose two different rounds to compare."))
        return cleaned


@login_required
@require_GET
def persona_rounds(request: HttpRequest, pk: int) -> HttpResponse:
    persona = get_object_or_404(personas_for(request.user), pk=pk)
    numbers = round_selectors.persona_rounds(request.user, persona)
    form = RoundsForm(request.GET or None, rounds=numbers)
    diff = None
    if form.is_bound and form.is_valid():
        old, new = sorted((form.cleaned_data["old"], form.cleaned_data["new"]))
        diff = rounds.rounds_diff(request.user, persona, old, new)
    elif not form.is_bound and len(numbers) >= 2:
        # No choice yet: the two latest rounds, the usual question ("what changed?").
        diff = rounds.rounds_diff(request.user, persona, numbers[-2], numbers[-1])
        form = RoundsForm(initial={"old": numbers[-2], "new": numbers[-1]}, rounds=numbers)
    trend = list(diff.trend) if diff else rounds.rounds_trend(request.user, persona)
    chart_list = []
    if trend:
        chart_list = [
            charts.page_chart(
                "chart-round-trend",
                charts.segment_trend_figure(trend),
                charts.segment_trend_table(trend),
            )
        ]
    return render(
        request,
        "comparison/rounds.html",
        {
            "current_workspace": persona.workspace,
            "persona": persona,
            "rounds": numbers,
            "form": form,
            "diff": diff,
            "charts": chart_list,
            "list_limit": perspectives.LIST_LIMIT,
            "list_slice": f":{perspectives.LIST_LIMIT}",
        },
    )
