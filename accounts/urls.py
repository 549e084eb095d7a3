from django.urls import path

from accounts.views import accounts, invitations, members

urlpatterns = [
    path("workspaces/<int:pk>/members/", members.members, name="workspace-members"),
    path("workspaces/<int:pk>/members/invite/", members.member_invite, name="member-invite"),
    path(
        "workspaces/<int:pk>/members/<int:membership_pk>/role/",
        members.member_role,
        name="member-role",
    ),
    path(
        "workspaces/<int:pk>/members/<int:membership_pk>/remove/",
        members.member_remove,
        name="member-remove",
    ),
    path("workspaces/<int:pk>/leave/", members.workspace_leave, name="workspace-leave"),
    path("invitations/<int:pk>/resend/", members.invitation_resend, name="invitation-resend"),
    path("invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation-revoke"),
    path("invitations/accept/", invitations.invitation_accept, name="invitation-accept"),
    path("invitations/<str:token>/", invitations.invitation_open, name="invitation-open"),
    path("signup/", accounts.signup, name="signup"),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path("password-reset/done/", accounts.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("password-change/", accounts.password_change, name="password_change"),
    path("password-change/done/", accounts.password_change_done, name="password_change_done"),
]
