"""Invitation endpoints. Thin: workspaces and invitations are fetched through the
caller's workspaces (another workspace's is 404), the owner role is checked before the
body is read (403), and one service is called."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts import selectors, services
from accounts.api import serializers as s
from accounts.models import Invitation
from maps.models import Role
from maps.selectors import require_role, workspaces_for


class WorkspaceInvitationsView(generics.GenericAPIView):
    """`GET`: the workspace's invitations. `POST {email, role}`: invite (mail sent after
    commit). Owners only."""

    serializer_class = s.InvitationSerializer
    # The list comes from `selectors.invitations_for`; this only names the model.
    queryset = Invitation.objects.none()

    def _workspace(self):
        workspace = get_object_or_404(workspaces_for(self.request.user), pk=self.kwargs["pk"])
        require_role(self.request.user, workspace, Role.OWNER)
        return workspace

    @extend_schema(
        summary="List a workspace's invitations", responses=s.InvitationSerializer(many=True)
    )
    def get(self, request: Request, pk: int) -> Response:
        workspace = self._workspace()
        invitations = selectors.invitations_for(request.user).filter(workspace=workspace)
        page = self.paginate_queryset(invitations)
        return self.get_paginated_response(s.InvitationSerializer(page, many=True).data)

    @extend_schema(
        summary="Invite someone by e-mail",
        request=s.InvitationCreateSerializer,
        responses={201: s.InvitationSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        workspace = self._workspace()
        data = s.InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, _token = services.invitation_create(
            user=request.user,
            workspace=workspace,
            base_url=request.build_absolute_uri("/"),
            **data.validated_data,
        )
        return Response(s.InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationView(generics.GenericAPIView):
    """`DELETE`: revoke an invitation (204; the row stays as revoked). Owners only."""

    serializer_class = s.InvitationSerializer

    def get_queryset(self):
        return selectors.invitations_for(self.request.user)

    @extend_schema(summary="Revoke an invitation", request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        invitation = get_object_or_404(self.get_queryset(), pk=pk)
        services.invitation_revoke(user=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResendView(generics.GenericAPIView):
    """`POST`: a new link by mail (the old one stops working) and a new expiry. Owners only;
    expired invitations too, accepted or revoked ones not (400)."""

    serializer_class = s.InvitationSerializer

    def get_queryset(self):
        return selectors.invitations_for(self.request.user)

    @extend_schema(summary="Re-send an invitation", request=None, responses=s.InvitationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        invitation = get_object_or_404(self.get_queryset(), pk=pk)
        invitation = services.invitation_resend(
            user=request.user, invitation=invitation, base_url=request.build_absolute_uri("/")
        )
        return Response(s.InvitationSerializer(invitation).data)


class InvitationAcceptView(generics.GenericAPIView):
    """`POST {username, password}`: create the account and join (201). Every link that
    does not open (unknown, expired, used, revoked) answers the same 404."""

    permission_classes = [AllowAny]
    # Account creation without a login: the token endpoint's budget against guessing.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    serializer_class = s.InvitationAcceptSerializer

    @extend_schema(
        summary="Accept an invitation",
        request=s.InvitationAcceptSerializer,
        responses={
            201: s.InvitationAcceptedSerializer,
            404: OpenApiResponse(description=services.INVALID_INVITATION_MESSAGE),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        invalid = Response(
            {"detail": services.invalid_invitation_message()}, status=status.HTTP_404_NOT_FOUND
        )
        invitation = selectors.invitation_for_token(token)
        if invitation is None:
            return invalid
        data = s.InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        join_as = request.user if request.user.is_authenticated else None
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                user=join_as,
                username=data.validated_data.get("username", ""),
                password=data.validated_data.get("password", ""),
            )
        except services.InvitationUnusable:
            return invalid
        return Response(
            s.InvitationAcceptedSerializer(membership).data, status=status.HTTP_201_CREATED
        )
