from django.urls import path
from rest_framework.routers import SimpleRouter

from comparison.api import next_actions as next_actions_api
from comparison.api import sharing as share_api
from comparison.api import views

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("pairs/<int:pk>/compare/", views.CompareView.as_view(), name="api-pair-compare"),
    path(
        "reports/<int:pk>/share-links/",
        share_api.ReportShareLinksView.as_view(),
        name="api-report-share-links",
    ),
    path("share-links/<int:pk>/", share_api.ShareLinkView.as_view(), name="api-share-link-detail"),
    path(
        "reports/<int:pk>/commentary/",
        views.ReportCommentaryView.as_view(),
        name="api-report-commentary",
    ),
    path("reports/<int:pk>/export/", views.ReportExportView.as_view(), name="api-report-export"),
    *router.urls,
    # Next actions
    path(
        "reports/<int:pk>/next-actions/",
        next_actions_api.ReportNextActionsView.as_view(),
        name="api-report-next-actions",
    ),
    path(
        "reports/<int:pk>/next-actions/draft/",
        next_actions_api.ReportNextActionsDraftView.as_view(),
        name="api-report-next-actions-draft",
    ),
    path(
        "reports/<int:pk>/next-actions/carry/",
        next_actions_api.ReportNextActionsCarryView.as_view(),
        name="api-report-next-actions-carry",
    ),
    path(
        "next-actions/<int:pk>/",
        next_actions_api.NextActionDetailView.as_view(),
        name="api-next-action-detail",
    ),
]
