"""REST API for workspaces, members, personas, maps, notes and pairs.

Thin: parse with a serializer, fetch parents through the scoped selectors (so other
workspaces' objects are 404), call one service, render with an output serializer.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from config.throttling import login_locked_message, login_succeeded
from maps import selectors, services
from maps.api import serializers as s
from maps.api.filters import IdFilter
from maps.io import boards, limits, map_files
from maps.io.messages import too_large
from maps.models import EmpathyMap, Membership, Role, Workspace


def _require_editor(request, workspace_id: int) -> None:
    selectors.require_role(request.user, workspace_id, Role.EDITOR)


class MapSealedConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "map_sealed"


class SealConflictMixin:
    """A write to a sealed map answers 409 Conflict with the reason: the request itself
    was fine, the map's state refuses it (the services raise `MapSealed`)."""

    def handle_exception(self, exc):
        if isinstance(exc, services.MapSealed):
            exc = MapSealedConflict(detail=exc.messages[0])
        return super().handle_exception(exc)


_SEALED_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT, description="The map is sealed: {detail} says since when and by whom."
)


class ObtainTokenView(ObtainAuthToken):
    """`POST {username, password}` → `{token}`; throttled against password guessing, and
    under the web login's lock-out (the same per username+address and per address
    counters): a locked-out guesser gains nothing by switching to the API."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    # The project's parsers (depth-bounded JSON), not ObtainAuthToken's own list.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    @extend_schema(request=None, responses=s.TokenSerializer)
    def post(self, request, *args, **kwargs):
        data = request.data
        username = str(data.get("username", "")) if hasattr(data, "get") else ""
        # Axes' backend refuses a locked-out login too, but as a wrong password (400): the
        # API says why, with its 429. Failures are counted by axes' login-failed signal.
        if not AxesProxyHandler.is_allowed(request, {"username": username}):
            raise Throttled(
                wait=settings.GAPMAP_LOGIN_WINDOW_SECONDS, detail=login_locked_message()
            )
        response = super().post(request, *args, **kwargs)
        login_succeeded(request, username)
        return response


class WorkspaceViewSet(viewsets.ModelViewSet):
    serializer_class = s.WorkspaceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Workspace.objects.none()
        my_role = Membership.objects.filter(workspace=OuterRef("pk"), user=self.request.user)
        return selectors.workspaces_for(self.request.user).annotate(
            my_role=Subquery(my_role.values("role")[:1])
        )

    def perform_create(self, serializer):
        serializer.instance = services.workspace_create(
            user=self.request.user, name=serializer.validated_data["name"]
        )
        serializer.instance.my_role = Role.OWNER

    def perform_update(self, serializer):
        services.workspace_update(
            user=self.request.user,
            workspace=serializer.instance,
            name=serializer.validated_data.get("name", serializer.instance.name),
        )

    def perform_destroy(self, instance):
        services.workspace_delete(user=self.request.user, workspace=instance)


class MembershipViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Members of one workspace; only owners change them."""

    serializer_class = s.MembershipSerializer
    queryset = Membership.objects.none()

    def get_workspace(self):
        return get_object_or_404(
            selectors.workspaces_for(self.request.user), pk=self.kwargs["workspace_pk"]
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.memberships_for(self.request.user).filter(workspace=self.get_workspace())

    @extend_schema(request=s.MembershipCreateSerializer, responses={201: s.MembershipSerializer})
    def create(self, request, *args, **kwargs):
        workspace = self.get_workspace()
        selectors.require_role(request.user, workspace, Role.OWNER)
        data = s.MembershipCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_add(
            user=request.user, workspace=workspace, **data.validated_data
        )
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MembershipUpdateSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request, *args, **kwargs):
        membership = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        selectors.require_role(request.user, membership.workspace_id, Role.OWNER)
        data = s.MembershipUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_update(
            user=request.user, membership=membership, role=data.validated_data["role"]
        )
        return Response(s.MembershipSerializer(membership).data)

    def destroy(self, request, *args, **kwargs):
        membership = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        services.membership_remove(user=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonaFilter(filters.FilterSet):
    workspace = IdFilter(field_name="workspace_id")


class PersonaViewSet(viewsets.ModelViewSet):
    serializer_class = s.PersonaSerializer
    filterset_class = PersonaFilter

    def get_queryset(self):
        return selectors.personas_for(self.request.user)

    @extend_schema(request=s.PersonaCreateSerializer, responses={201: s.PersonaSerializer})
    def create(self, request, *args, **kwargs):
        data = s.PersonaCreateSerializer(
            data=request.data, workspaces=selectors.workspaces_for(request.user)
        )
        data.is_valid(raise_exception=True)
        persona = services.persona_create(user=request.user, **data.validated_data)
        return Response(s.PersonaSerializer(persona).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PersonaUpdateSerializer, responses=s.PersonaSerializer)
    def update(self, request, *args, **kwargs):
        persona = self.get_object()
        _require_editor(request, persona.workspace_id)
        data = s.PersonaUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        persona = services.persona_update(user=request.user, persona=persona, **data.validated_data)
        return Response(s.PersonaSerializer(persona).data)

    def perform_destroy(self, instance):
        services.persona_delete(user=self.request.user, persona=instance)


class MapFilter(filters.FilterSet):
    workspace = IdFilter(field_name="persona__workspace_id")
    persona = IdFilter(field_name="persona_id")
    perspective = filters.ChoiceFilter(choices=EmpathyMap._meta.get_field("perspective").choices)


class MapViewSet(SealConflictMixin, viewsets.ModelViewSet):
    filterset_class = MapFilter

    def get_queryset(self):
        queryset = selectors.maps_for(self.request.user).select_related("sealed_by")
        if self.action == "retrieve":
            return queryset.prefetch_related("notes")
        # GROUP BY queries drop Meta.ordering, so order explicitly for stable pages.
        return queryset.annotate(note_count=Count("notes")).order_by("persona_id", "-held_on", "id")

    def get_serializer_class(self):
        return s.MapDetailSerializer if self.action == "retrieve" else s.MapSerializer

    @extend_schema(request=s.MapCreateSerializer, responses={201: s.MapSerializer})
    def create(self, request, *args, **kwargs):
        data = s.MapCreateSerializer(
            data=request.data, personas=selectors.personas_for(request.user)
        )
        data.is_valid(raise_exception=True)
        empathy_map = services.map_create(user=request.user, **data.validated_data)
        return Response(s.MapSerializer(empathy_map).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MapUpdateSerializer, responses=s.MapSerializer)
    def update(self, request, *args, **kwargs):
        empathy_map = self.get_object()
        _require_editor(request, empathy_map.persona.workspace_id)
        data = s.MapUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        empathy_map = services.map_update(
            user=request.user, empathy_map=empathy_map, **data.validated_data
        )
        return Response(s.MapSerializer(empathy_map).data)

    def perform_destroy(self, instance):
        services.map_delete(user=self.request.user, empathy_map=instance)

    @extend_schema(
        request={"multipart/form-data": s.MapImportSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run",
                bool,
                default=False,
                description="Only read the file and answer how it was read (layout, "
                "encoding, sheet, notices) and its notes per segment; nothing is stored.",
            )
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Dry run: how it was read."),
            201: inline_serializer(
                "ImportResult",
                {
                    "imported": serializers.IntegerField(),
                    "layout": serializers.CharField(help_text="CSV, JSON or XLSX"),
                    "encoding": serializers.CharField(help_text="as guessed, for text files"),
                    "sheet": serializers.CharField(help_text="the worksheet read (XLSX)"),
                    "notices": serializers.ListField(child=serializers.CharField()),
                },
            ),
            # Either field errors ({"file": [...]}) or {detail, errors} listing each
            # rejected row: documented as an object so both conform.
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='Field errors, or {"detail", "errors": [{row, column, reason}]} '
                "when rows of the file were rejected (nothing is imported).",
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request, pk=None):
        empathy_map = self.get_object()
        _require_editor(request, empathy_map.persona.workspace_id)
        data = s.MapImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        query = s.BoardImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > limits.MAX_FILE_BYTES:
            # Checked before reading so an oversized upload is never loaded whole.
            raise services.ImportRejected(
                [
                    map_files.RowError(
                        row=None,
                        column=None,
                        reason=_("The file is %(size)s bytes; the limit is 2 MB (%(limit)s bytes).")
                        % {
                            "size": number_format(upload.size, force_grouping=True),
                            "limit": number_format(limits.MAX_FILE_BYTES, force_grouping=True),
                        },
                    )
                ]
            )
        if query.validated_data["dry_run"]:
            try:
                read = map_files.read_map_file(
                    upload.read(),
                    filename=upload.name or "",
                    sheet=data.validated_data.get("sheet") or None,
                )
            except map_files.MapFileError as error:
                raise services.ImportRejected(error.errors) from error
            return Response(map_files.describe_read(read))
        result = services.map_import_file(
            user=request.user,
            empathy_map=empathy_map,
            data=upload.read(),
            filename=upload.name or "",
            replace=data.validated_data["replace"],
            sheet=data.validated_data.get("sheet") or None,
        )
        read = result.read
        return Response(
            {
                "imported": result.imported,
                "layout": read.layout,
                "encoding": read.encoding,
                "sheet": read.sheet,
                "notices": list(read.notices),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=["csv", "json"], default="csv")],
        responses={(200, "text/csv"): str, (200, "application/json"): dict},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        empathy_map = self.get_object()
        query = s.MapExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        content, content_type, filename = selectors.map_export(
            empathy_map, query.validated_data["format"]
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        request=None,
        responses={200: s.MapSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(detail=True, methods=["post"])
    def seal(self, request, pk=None):
        """Seal an internal map (editors): its notes become read-only, with the time, the
        user and a SHA-256 digest of the notes recorded. 400 for customer maps, empty
        maps and maps already sealed."""
        empathy_map = self.get_object()
        empathy_map = services.map_seal(user=request.user, empathy_map=empathy_map)
        return Response(s.MapSerializer(empathy_map).data)

    @extend_schema(
        request=None,
        responses={200: s.MapSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(detail=True, methods=["post"])
    def unseal(self, request, pk=None):
        """Unseal a map (owners only); the unsealing is recorded."""
        empathy_map = self.get_object()
        empathy_map = services.map_unseal(user=request.user, empathy_map=empathy_map)
        return Response(s.MapSerializer(empathy_map).data)

    @extend_schema(
        request={"multipart/form-data": s.BoardImportSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run",
                bool,
                default=False,
                description="Only parse and return the preview (areas, their segments, "
                "notes, problems); nothing is stored.",
            )
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Dry run: the preview."),
            201: inline_serializer(
                "BoardImportResult",
                {
                    "imported": serializers.IntegerField(),
                    "added": serializers.IntegerField(),
                    "updated": serializers.IntegerField(help_text="re-imported stickies"),
                    "skipped": serializers.IntegerField(help_text="notes of skipped areas"),
                    "source": serializers.CharField(),
                    "format": serializers.CharField(),
                    "left_out": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='Field errors, {"mapping": [...]} naming unmapped areas, or '
                '{"detail", "errors": [...]} for a malformed board (nothing is stored).',
            ),
            409: _SEALED_RESPONSE,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="import-board",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_board(self, request, pk=None):
        """Import a Miro or Mural board, from its export (`file`) or read through its API
        (`source`, `board`, `access_token`; the token is used once, never stored): areas
        become segments by their titles (English or German names, questions, synonyms),
        fixed or overridden by `mapping`; a title that names no segment, or two, must be
        mapped, else 400 names it. All notes or none; a re-import updates the notes it
        imported before (by sticky id)."""
        empathy_map = self.get_object()
        _require_editor(request, empathy_map.persona.workspace_id)
        if empathy_map.is_sealed:
            # Also for dry runs: previewing an import that cannot happen helps nobody.
            raise services.MapSealed(empathy_map)
        query = s.BoardImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = s.BoardImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        try:
            if upload is None:
                if not settings.GAPMAP_BOARD_FETCH:
                    raise boards.BoardFileError(
                        [
                            _(
                                "reading boards through the Miro or Mural API is switched off on "
                                "this server (GAPMAP_BOARD_FETCH); send the board's JSON as file"
                            )
                        ]
                    )
                # The token is used for these requests only; it is never stored.
                pages = boards.fetch_board(
                    data.validated_data["source"],
                    data.validated_data["board"],
                    data.validated_data["access_token"],
                )
                preview = boards.parse_board_pages(pages)
            elif upload.size > boards.MAX_FILE_BYTES:
                # Checked before reading so an oversized upload is never loaded whole.
                raise boards.BoardFileError([too_large(upload.size, boards.MAX_FILE_BYTES)])
            else:
                preview = boards.parse_board(upload.read(), filename=upload.name or "")
        except boards.BoardFileError as error:
            return Response(
                {
                    "detail": _("The board was not imported; nothing was stored."),
                    "errors": error.problems,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        mapping = data.validated_data.get("mapping") or {}
        if query.validated_data["dry_run"]:
            return Response(boards.describe(preview, mapping))
        try:
            boards.assign_segments(preview, mapping)
        except boards.BoardFileError as error:
            # Never guessed: the client names a segment (or "skip") for each such area.
            unmapped = boards.unmapped_areas(preview, mapping)
            titles = ", ".join(repr(area["title"]) for area in unmapped)
            detail = (
                _(
                    'Nothing was imported: map these areas to a segment or "skip" in '
                    "`mapping`: %(areas)s."
                )
                % {"areas": titles}
                if unmapped
                else _("Nothing was imported: the mapping has problems.")
            )
            return Response(
                {"detail": detail, "mapping": error.problems, "unmapped_areas": unmapped},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = services.map_import_board(
            user=request.user,
            empathy_map=empathy_map,
            preview=preview,
            mapping=mapping,
            replace=data.validated_data["replace"],
        )
        return Response(
            {
                "imported": result.imported,
                "added": result.added,
                "updated": result.updated,
                "skipped": result.skipped,
                "source": preview.source,
                "format": preview.format,
                "left_out": boards.left_out_dicts(preview),
            },
            status=status.HTTP_201_CREATED,
        )


class NoteViewSet(SealConflictMixin, viewsets.GenericViewSet):
    """Notes of one map: single or bulk create (POST an object or a list), bulk update
    (PATCH a list of objects with `id`), bulk delete (DELETE `{"ids": [...]}`)."""

    serializer_class = s.NoteSerializer

    def get_map(self) -> EmpathyMap:
        return get_object_or_404(selectors.maps_for(self.request.user), pk=self.kwargs["map_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.notes_for(self.request.user).none()
        return (
            selectors.notes_for(self.request.user)
            .filter(map=self.get_map())
            .order_by("segment", "order", "id")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.NoteSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(s.NoteSerializer(self.get_object()).data)

    @extend_schema(request=s.NoteInputSerializer, responses={201: s.NoteSerializer})
    def create(self, request, *args, **kwargs):
        empathy_map = self.get_map()
        _require_editor(request, empathy_map.persona.workspace_id)
        if isinstance(request.data, list):
            data = s.NoteInputSerializer(data=request.data, many=True)
            data.is_valid(raise_exception=True)
            notes = services.notes_bulk_create(
                user=request.user,
                empathy_map=empathy_map,
                notes=[services.NoteData(**item) for item in data.validated_data],
            )
            return Response(s.NoteSerializer(notes, many=True).data, status=201)
        data = s.NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.note_create(
            user=request.user, empathy_map=empathy_map, **data.validated_data
        )
        return Response(s.NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.NoteUpdateSerializer, responses=s.NoteSerializer)
    def partial_update(self, request, *args, **kwargs):
        note = self.get_object()
        _require_editor(request, note.map.persona.workspace_id)
        data = s.NoteUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.note_update(user=request.user, note=note, **data.validated_data)
        return Response(s.NoteSerializer(note).data)

    def destroy(self, request, *args, **kwargs):
        note = self.get_object()
        services.note_delete(user=request.user, note=note)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="maps_notes_bulk_update",
        request=s.NoteBulkUpdateSerializer(many=True),
        # A plain list: spectacular would describe any list on a paginated view as a page.
        responses={200: {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}},
    )
    def bulk_update(self, request, *args, **kwargs):
        empathy_map = self.get_map()
        _require_editor(request, empathy_map.persona.workspace_id)
        data = s.NoteBulkUpdateSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        notes = services.notes_bulk_update(
            user=request.user, empathy_map=empathy_map, changes=data.validated_data
        )
        return Response(s.NoteSerializer(notes, many=True).data)

    @extend_schema(
        operation_id="maps_notes_bulk_destroy",
        request=s.NoteBulkDeleteSerializer,
        responses={204: None},
    )
    def bulk_destroy(self, request, *args, **kwargs):
        empathy_map = self.get_map()
        _require_editor(request, empathy_map.persona.workspace_id)
        data = s.NoteBulkDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notes_bulk_delete(
            user=request.user, empathy_map=empathy_map, note_ids=data.validated_data["ids"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PairFilter(filters.FilterSet):
    workspace = IdFilter(field_name="internal_map__persona__workspace_id")
    persona = IdFilter(field_name="internal_map__persona_id")


class PairViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.PairSerializer
    filterset_class = PairFilter

    def get_queryset(self):
        return selectors.pairs_for(self.request.user)

    @extend_schema(request=s.PairCreateSerializer, responses={201: s.PairSerializer})
    def create(self, request, *args, **kwargs):
        data = s.PairCreateSerializer(data=request.data, maps=selectors.maps_for(request.user))
        data.is_valid(raise_exception=True)
        pair = services.pair_create(user=request.user, **data.validated_data)
        return Response(s.PairSerializer(pair).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.pair_delete(user=self.request.user, pair=instance)
