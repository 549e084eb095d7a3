from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import selectors
from accounts.models import Invitation
from maps.models import Role


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its workspace's owners see it; never its token or hash."""

    status = serializers.SerializerMethodField()
    invited_by = serializers.CharField(source="invited_by.username", default=None, read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "sent_at",
            "send_error",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=["pending", "accepted", "revoked", "expired"])
    )
    def get_status(self, invitation: Invitation) -> str:
        return selectors.invitation_status(invitation)


class InvitationAcceptSerializer(serializers.Serializer):
    """A new account's username and password; a logged-in caller sends neither and joins
    with the account it is logged in with."""

    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(
        max_length=256, required=False, allow_blank=True, style={"input_type": "password"}
    )


class InvitationAcceptedSerializer(serializers.Serializer):
    workspace = serializers.IntegerField(source="workspace_id")
    username = serializers.CharField(source="user.username")
    role = serializers.CharField()
