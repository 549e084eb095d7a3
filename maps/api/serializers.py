"""Serializers: explicit field allow-lists for output, separate input serializers
for writes so nothing outside the listed fields can be assigned."""

import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.parsers import loads_bounded
from maps.api.filters import MAX_ID
from maps.models import (
    EmpathyMap,
    MapPair,
    Membership,
    Note,
    Persona,
    Perspective,
    Role,
    Workspace,
)
from maps.services.empathy_maps import MAP_FIELDS, MAX_ROUND

# A mapping names each area of a board once; 100k characters is thousands of areas.
MAX_MAPPING_CHARS = 100_000


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id chosen among the caller's own objects; the view passes the scoped queryset,
    so another workspace's id is rejected as 'does not exist'."""

    def to_internal_value(self, data):
        # An id beyond 64 bits names no row, but the database raises on it (a 500):
        # refuse it here like any unknown id.
        try:
            out_of_range = not 1 <= int(data) <= MAX_ID
        except (TypeError, ValueError):
            out_of_range = False  # DRF's own message for a wrong type follows
        if out_of_range:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class WorkspaceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=120)
    role = serializers.CharField(read_only=True, source="my_role", allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "role", "created_at"]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class MembershipUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class PersonaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Persona
        fields = ["id", "workspace", "name", "description", "created_at", "updated_at"]
        read_only_fields = fields


class PersonaCreateSerializer(serializers.Serializer):
    workspace = ScopedPrimaryKeyField(queryset=Workspace.objects.none())
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def __init__(self, *args, workspaces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workspace"].queryset = workspaces


class PersonaUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "segment", "text", "votes", "author", "order", "created_at", "updated_at"]
        read_only_fields = fields


class NoteInputSerializer(serializers.Serializer):
    """Segment accepts aliases (`Says & Does`, `Schmerzen`); the service resolves them."""

    segment = serializers.CharField(max_length=60)
    text = serializers.CharField(max_length=2000, trim_whitespace=False)
    votes = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    author = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class NoteUpdateSerializer(serializers.Serializer):
    segment = serializers.CharField(max_length=60, required=False)
    text = serializers.CharField(max_length=2000, trim_whitespace=False, required=False)
    votes = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    author = serializers.CharField(max_length=100, required=False, allow_blank=True)


class NoteBulkUpdateSerializer(NoteUpdateSerializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class NoteBulkDeleteSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=5000
    )


class MapSerializer(serializers.ModelSerializer):
    workspace = serializers.IntegerField(source="persona.workspace_id", read_only=True)
    note_count = serializers.SerializerMethodField()
    # The seal is changed only through the seal/unseal actions; here it is read-only.
    sealed_by = serializers.SerializerMethodField()

    class Meta:
        model = EmpathyMap
        fields = [
            "id",
            "workspace",
            "persona",
            *MAP_FIELDS,
            "sealed_at",
            "sealed_by",
            "seal_digest",
            "note_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_sealed_by(self, empathy_map: EmpathyMap) -> str | None:
        """The sealing user's username (null when unsealed or the user was deleted)."""
        return empathy_map.sealed_by.get_username() if empathy_map.sealed_by_id else None

    def get_note_count(self, empathy_map: EmpathyMap) -> int:
        annotated = getattr(empathy_map, "note_count", None)
        return annotated if annotated is not None else empathy_map.notes.count()


class MapDetailSerializer(MapSerializer):
    notes = NoteSerializer(many=True, read_only=True)

    class Meta(MapSerializer.Meta):
        fields = [*MapSerializer.Meta.fields, "notes"]
        read_only_fields = fields


class MapCreateSerializer(serializers.Serializer):
    persona = ScopedPrimaryKeyField(queryset=Persona.objects.none())
    perspective = serializers.ChoiceField(choices=Perspective.choices)
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField(required=False, allow_null=True)
    facilitator = serializers.CharField(max_length=120, required=False, allow_blank=True)
    participants = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    round = serializers.IntegerField(min_value=1, max_value=MAX_ROUND, required=False, default=1)
    team = serializers.CharField(max_length=60, required=False, allow_blank=True)

    def __init__(self, *args, personas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas


class MapUpdateSerializer(serializers.Serializer):
    perspective = serializers.ChoiceField(choices=Perspective.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    held_on = serializers.DateField(required=False, allow_null=True)
    facilitator = serializers.CharField(max_length=120, required=False, allow_blank=True)
    participants = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    round = serializers.IntegerField(min_value=1, max_value=MAX_ROUND, required=False)
    team = serializers.CharField(max_length=60, required=False, allow_blank=True)


class MapImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An Excel workbook (XLSX), CSV or JSON, at most 2 MB.")
    replace = serializers.BooleanField(required=False, default=False)
    sheet = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=31,  # Excel's limit for a sheet name
        help_text="The worksheet of an XLSX file to read; the first one when empty.",
    )


class BoardImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False,
        help_text="A Miro or Mural board export (JSON), at most 2 MB. Or, instead of a file, "
        "`source`, `board` and `access_token` to read the board through its API.",
    )
    source = serializers.ChoiceField(choices=["miro", "mural"], required=False)
    board = serializers.CharField(
        required=False, max_length=500, help_text="The board's link or id (with `source`)."
    )
    access_token = serializers.CharField(
        required=False,
        max_length=2_000,
        write_only=True,
        help_text="The person's Miro or Mural access token; used for this request only.",
    )
    mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_MAPPING_CHARS,
        help_text='JSON object: area title (or id) -> segment or "skip", e.g. '
        '{"Parking lot": "pains", "Ideas": "skip"}. Fixes areas whose title matched no '
        "segment and overrides the others.",
    )
    replace = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Replace the map's notes with the board's. Otherwise notes are added, and "
        "notes imported from this board before (same sticky id) are updated.",
    )

    def validate_mapping(self, value: str) -> dict[str, str]:
        if not value.strip():
            return {}
        try:
            mapping = loads_bounded(value)
        except json.JSONDecodeError as error:
            raise serializers.ValidationError(
                _("mapping is not valid JSON (%(error)s at column %(column)s).")
                % {"error": error.msg, "column": error.colno}
            ) from None
        except ValueError as error:  # nested too deeply (JSONTooDeep), or a huge number
            raise serializers.ValidationError(
                _("mapping is not usable JSON: %(error)s") % {"error": error}
            ) from None
        if not isinstance(mapping, dict) or not all(
            isinstance(segment, str) for segment in mapping.values()
        ):
            raise serializers.ValidationError(
                _(
                    "mapping must be a JSON object of area title to segment, "
                    'e.g. {"Ideas": "gains"}.'
                )
            )
        return mapping

    def validate(self, attrs: dict) -> dict:
        remote = [name for name in ("source", "board", "access_token") if attrs.get(name)]
        if attrs.get("file") is not None and remote:
            raise serializers.ValidationError(
                _("Send a file, or source, board and access_token; not both.")
            )
        if attrs.get("file") is None and len(remote) < 3:
            raise serializers.ValidationError(
                _(
                    "Send a board export as `file`, or `source`, `board` and `access_token` to "
                    "read the board through its API."
                )
            )
        return attrs


class BoardImportQuerySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False)


class MapExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["csv", "json"], default="csv")


class PairSerializer(serializers.ModelSerializer):
    persona = serializers.IntegerField(source="internal_map.persona_id", read_only=True)
    workspace = serializers.IntegerField(source="internal_map.persona.workspace_id", read_only=True)

    class Meta:
        model = MapPair
        fields = ["id", "workspace", "persona", "internal_map", "customer_map", "created_at"]
        read_only_fields = fields


class PairCreateSerializer(serializers.Serializer):
    internal_map = ScopedPrimaryKeyField(queryset=EmpathyMap.objects.none())
    customer_map = ScopedPrimaryKeyField(queryset=EmpathyMap.objects.none())

    def __init__(self, *args, maps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["internal_map"].queryset = maps
        self.fields["customer_map"].queryset = maps


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
