"""Share-link endpoints: create and list a report's links, revoke one.

`POST /api/reports/{id}/share-links/` answers the link's URL with its token: the only
time the token leaves the server. Listings carry neither token nor hash. Reports and links
are fetched through the caller's workspaces (another workspace's object is 404); writes
need the editor role (403), checked before the body so a viewer learns nothing from
validation errors.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from comparison import selectors
from comparison.models import ShareLink
from comparison.sharing import selectors as share_selectors
from comparison.sharing import services as share_services
from maps.models import Role
from maps.selectors import require_role


class ShareLinkCreateSerializer(serializers.Serializer):
    expires_in_days = serializers.IntegerField(
        min_value=share_services.MIN_EXPIRY_DAYS,
        max_value=share_services.MAX_EXPIRY_DAYS,
        default=share_services.DEFAULT_EXPIRY_DAYS,
        error_messages={
            "min_value": share_services.EXPIRY_RANGE_MESSAGE,
            "max_value": share_services.EXPIRY_RANGE_MESSAGE,
        },
        help_text=(
            f"Days until the link stops working ({share_services.MIN_EXPIRY_DAYS}-"
            f"{share_services.MAX_EXPIRY_DAYS})."
        ),
    )


class ShareLinkCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The link with its token; shown only in this answer.")
    expires_at = serializers.DateTimeField()


class ShareLinkSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = ShareLink
        fields = [
            "id",
            "status",
            "created_at",
            "expires_at",
            "revoked_at",
            "view_count",
            "last_viewed_at",
            "created_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["active", "expired", "revoked"]))
    def get_status(self, link: ShareLink) -> str:
        return share_selectors.share_link_status(link)


class ReportShareLinksView(generics.GenericAPIView):
    """`GET`: the report's links (members). `POST`: a new link (editors)."""

    serializer_class = ShareLinkSerializer

    def get_queryset(self):
        return selectors.reports_for(self.request.user)

    @extend_schema(
        summary="List a report's share links",
        description="Members read the links with their views; tokens are never listed.",
        responses=ShareLinkSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        report = self.get_object()
        links = share_selectors.share_links_for(request.user).filter(report=report)
        page = self.paginate_queryset(links)
        return self.get_paginated_response(ShareLinkSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a share link",
        description=(
            "Editors create a read-only link to a finished report. The answer's `url` holds "
            "the token; it is shown only here (only its SHA-256 is stored)."
        ),
        request=ShareLinkCreateSerializer,
        responses={201: ShareLinkCreatedSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        report = self.get_object()
        require_role(request.user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
        data = ShareLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link, token = share_services.share_link_create(
            user=request.user, report=report, expires_in_days=data.validated_data["expires_in_days"]
        )
        url = request.build_absolute_uri(reverse("share-open", kwargs={"token": token}))
        return Response(
            {"id": link.pk, "url": url, "expires_at": link.expires_at},
            status=status.HTTP_201_CREATED,
        )


class ShareLinkView(generics.GenericAPIView):
    """`DELETE`: revoke a link (204; the row stays, with its views, as revoked)."""

    serializer_class = ShareLinkSerializer

    def get_queryset(self):
        return share_selectors.share_links_for(self.request.user)

    @extend_schema(
        summary="Revoke a share link",
        description="Editors revoke a link at once; the row stays, with its views, as revoked.",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request, pk: int) -> Response:
        link = get_object_or_404(self.get_queryset(), pk=pk)
        share_services.share_link_revoke(user=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
