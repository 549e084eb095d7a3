from django.urls import path

from comparison.views import reports

urlpatterns = [
    path("pairs/<int:pk>/compare/", reports.pair_compare, name="pair-compare"),
    path("reports/<int:pk>/", reports.report_page, name="report-page"),
    path("reports/<int:pk>/decide/", reports.report_decide, name="report-decide"),
]
