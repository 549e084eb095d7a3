from django.urls import path

from accounts.api import views

urlpatterns = [
    path(
        "workspaces/<int:pk>/invitations/",
        views.WorkspaceInvitationsView.as_view(),
        name="api-workspace-invitations",
    ),
    path("invitations/<int:pk>/", views.InvitationView.as_view(), name="api-invitation-detail"),
    path(
        "invitations/<int:pk>/resend/",
        views.InvitationResendView.as_view(),
        name="api-invitation-resend",
    ),
    path(
        "invitations/<str:token>/accept/",
        views.InvitationAcceptView.as_view(),
        name="api-invitation-accept",
    ),
]
