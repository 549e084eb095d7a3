from django.urls import path

from comparison.views import dashboard, exports, present, reports, rounds
from comparison.views import next_actions as action_views
from comparison.views import sharing as share_views

urlpatterns = [
    path("pairs/<int:pk>/compare/", reports.pair_compare, name="pair-compare"),
    path("reports/<int:pk>/", reports.report_page, name="report-page"),
    path("reports/<int:pk>/present/", present.report_present, name="report-present"),
    path("reports/<int:pk>/decide/", reports.report_decide, name="report-decide"),
    path("reports/<int:pk>/review/", reports.report_review, name="report-review"),
    path(
        "reports/<int:pk>/commentary/<slug:section>/",
        reports.report_commentary,
        name="report-commentary",
    ),
    path("reports/<int:pk>/language/", reports.report_language, name="report-language"),
    path(
        "reports/<int:pk>/export.<slug:file_format>",
        exports.report_export,
        name="report-export",
    ),
    path("workspaces/<int:pk>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("assets/plotly.min.js", dashboard.plotly_js, name="plotly-js"),
    path("reports/<int:pk>/share/", share_views.report_share, name="report-share"),
    path("share-links/<int:pk>/revoke/", share_views.share_link_revoke, name="share-link-revoke"),
    path("s/<str:token>/", share_views.share_open, name="share-open"),
    path("shared/", share_views.shared_report, name="shared-report"),
    # A persona's rounds, a report's participants
    path(
        "personas/<int:pk>/rounds/<int:round>/",
        rounds.round_perspectives,
        name="persona-round-perspectives",
    ),
    path("personas/<int:pk>/rounds/", rounds.persona_rounds, name="persona-rounds"),
    path(
        "reports/<int:pk>/participants/",
        reports.report_participants,
        name="report-participants",
    ),
    # Next actions
    path("reports/<int:pk>/actions/", action_views.actions_page, name="report-actions"),
    path("reports/<int:pk>/actions/new/", action_views.actions_create, name="report-actions-new"),
    path(
        "reports/<int:pk>/actions/draft/", action_views.actions_draft, name="report-actions-draft"
    ),
    path(
        "reports/<int:pk>/actions/carry/", action_views.actions_carry, name="report-actions-carry"
    ),
    path(
        "reports/<int:pk>/actions/export/<slug:file_format>/",
        action_views.actions_export,
        name="report-actions-export",
    ),
    path("actions/<int:pk>/edit/", action_views.action_edit, name="next-action-edit"),
    path("actions/<int:pk>/delete/", action_views.action_delete, name="next-action-delete"),
    path("actions/<int:pk>/move/", action_views.action_move, name="next-action-move"),
]
