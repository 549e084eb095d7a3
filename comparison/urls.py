from django.urls import path

from comparison import views

urlpatterns = [
    path("pairs/<int:pk>/compare/", views.pair_compare, name="pair-compare"),
    path("reports/<int:pk>/", views.report_page, name="report-page"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report-decide"),
]
