"""The members page of a workspace: members and roles, invitations, history, leaving.

Any member sees the members and the history and may leave; owners also invite, re-send
and revoke invitations and change or remove members. Other people's workspaces are 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.forms import InviteForm, RoleForm
from maps import selectors as map_selectors
from maps import services as map_services
from maps.models import Role, Workspace
from maps.views.pages import add_service_errors, render_page


def _workspace(request: HttpRequest, pk: int) -> Workspace:
    return get_object_or_404(map_selectors.workspaces_for(request.user), pk=pk)


def _base_url(request: HttpRequest) -> str:
    # Where the mail's link points: this site as the request reached it (ALLOWED_HOSTS
    # vets the host), as Django's own password-reset mail does.
    return request.build_absolute_uri("/")


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page(request: HttpRequest, workspace: Workspace, form: InviteForm, status: int = 200):
    page = selectors.members_page(request.user, workspace)
    return render_page(
        request,
        "accounts/members.html",
        {
            "page": page,
            "form": form,
            "roles": Role.choices,
            "invitation_days": settings.GAPMAP_INVITATION_DAYS,
        },
        workspace=workspace,
        status=status,
    )


@login_required
@require_GET
def members(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _workspace(request, pk), InviteForm())


@login_required
@require_POST
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = _workspace(request, pk)
    map_selectors.require_role(request.user, workspace, Role.OWNER)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                user=request.user,
                workspace=workspace,
                base_url=_base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation to %(email)s is on its way.") % {"email": invitation.email}
            )
            return redirect("workspace-members", pk=workspace.pk)
    return _page(request, workspace, form, status=400)


def _membership(request: HttpRequest, workspace: Workspace, membership_pk: int):
    return get_object_or_404(
        map_selectors.memberships_for(request.user).filter(workspace=workspace), pk=membership_pk
    )


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    workspace = _workspace(request, pk)
    membership = _membership(request, workspace, membership_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: owner, editor or viewer."))
    else:
        try:
            map_services.membership_update(
                user=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(username)s is now %(role)s.")
                % {
                    "username": membership.user.get_username(),
                    "role": Role(form.cleaned_data["role"]).in_sentence,
                },
            )
    return redirect("workspace-members", pk=workspace.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    workspace = _workspace(request, pk)
    membership = _membership(request, workspace, membership_pk)
    try:
        map_services.membership_remove(user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("%(username)s was removed.") % {"username": membership.user.get_username()}
        )
    return redirect("workspace-members", pk=workspace.pk)


@login_required
@require_POST
def workspace_leave(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = _workspace(request, pk)
    try:
        map_services.membership_leave(user=request.user, workspace=workspace)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("workspace-members", pk=workspace.pk)
    messages.success(request, _("You left “%(name)s”.") % {"name": workspace.name})
    return redirect("home")


def _invitation(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.invitations_for(request.user), pk=pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.invitation_resend(
            user=request.user, invitation=invitation, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("A new invitation to %(email)s is on its way.") % {"email": invitation.email},
        )
    return redirect("workspace-members", pk=invitation.workspace_id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        services.invitation_revoke(user=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
        )
    return redirect("workspace-members", pk=invitation.workspace_id)
