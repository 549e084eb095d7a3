from django.urls import path

from comparison.views import dashboard, reports

urlpatterns = [
    path("pairs/<int:pk>/compare/", reports.pair_compare, name="pair-compare"),
    path("reports/<int:pk>/", reports.report_page, name="report-page"),
    path("reports/<int:pk>/decide/", reports.report_decide, name="report-decide"),
    path("workspaces/<int:pk>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("assets/plotly.min.js", dashboard.plotly_js, name="plotly-js"),
]
