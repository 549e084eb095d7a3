"""The workspace discrepancy dashboard: where the team misjudges its customers, at a glance.

Thin: the filter form parses the query string, `comparison.pages.dashboard` assembles the
page (every read scoped through `workspaces_for`), the templates draw its charts. Any
member may look (viewer role suffices); another workspace answers 404.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import localize_input
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from comparison import charts
from comparison.pages.dashboard import (
    CHART_CACHE_SECONDS,
    TREND_SERIES_LIMIT,
    dashboard_cached,
    dashboard_charts,
    dashboard_perspective_charts,
)
from comparison.selectors.dashboard import DashboardFilters, dashboard_personas
from maps.models import Role
from maps.selectors import has_role, workspaces_for

# The bundle changes only when the plotly package is upgraded (a deploy): a day is safe.
PLOTLY_JS_MAX_AGE = 86_400


def _date_input() -> forms.DateInput:
    """A text box for a day in the reader's order ("31.12.2026" in German), its placeholder
    showing that order. Not `type="date"`: browsers show that in the operating system's
    locale, not the page's, and send ISO whatever the user reads."""
    return forms.DateInput(
        attrs={
            # Translators: the order of a date the reader types; German: TT.MM.JJJJ.
            "placeholder": pgettext_lazy("date input placeholder", "YYYY-MM-DD"),
            "autocomplete": "off",
            "size": 12,
        }
    )


class DashboardFilterForm(forms.Form):
    """Persona and customer-workshop date range; every field optional.

    The dates are localised: they show and accept the language's own order (German
    31.12.2026, English 2026-12-31) and always accept ISO 8601 (2026-12-31) as well, so
    links with ISO dates work in every language."""

    persona = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Persona")
    )
    date_from = forms.DateField(
        required=False, localize=True, label=_("Workshops from"), widget=_date_input()
    )
    date_to = forms.DateField(
        required=False, localize=True, label=_("Workshops until"), widget=_date_input()
    )

    def __init__(self, *args, personas: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices from the already fetched personas: validating costs no query, and a
        # persona of another workspace is simply not a valid choice.
        self.fields["persona"].choices = [("", gettext("All personas")), *personas]

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(
                gettext("“Workshops from” (%(start)s) is after “Workshops until” (%(end)s)."),
                params={"start": localize_input(date_from), "end": localize_input(date_to)},
            )
        return cleaned

    def filters(self) -> DashboardFilters:
        return DashboardFilters(
            persona_id=self.cleaned_data.get("persona"),
            date_from=self.cleaned_data.get("date_from"),
            date_to=self.cleaned_data.get("date_to"),
        )


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_object_or_404(workspaces_for(request.user), pk=pk)
    personas = dashboard_personas(request.user, workspace)
    form = DashboardFilterForm(request.GET or None, personas=personas)
    # Invalid filters are shown on the form; the page then shows every report.
    filters = form.filters() if form.is_bound and form.is_valid() else DashboardFilters()
    data = dashboard_cached(request.user, workspace, filters)
    return render(
        request,
        "comparison/dashboard.html",
        {
            "current_workspace": workspace,
            "form": form,
            "personas": personas,
            "data": data,
            "charts": dashboard_charts(data),
            "perspective_charts": dashboard_perspective_charts(data),
            "perspective_row_limit": charts.PERSPECTIVE_CHART_ROW_LIMIT,
            "cache_seconds": CHART_CACHE_SECONDS,
            "trend_limit": TREND_SERIES_LIMIT,
            "blind_spots": data.blind_spots,
            "can_edit": has_role(request.user, workspace, Role.EDITOR),
        },
    )


@require_GET
@cache_control(public=True, max_age=PLOTLY_JS_MAX_AGE)
def plotly_js(request: HttpRequest) -> FileResponse:
    """plotly.js from the installed plotly package at a fixed address, for pages and saved
    copies made before the pages took it from the static files (config.staticfiles, which
    serve it compressed and cached for good)."""
    return FileResponse(
        charts.plotlyjs_path().open("rb"), content_type="text/javascript; charset=utf-8"
    )
