from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from comparison import exports, selectors, services
from comparison.api import serializers as s
from comparison.models import (
    Match,
    MatchKind,
    Report,
    ReportStatus,
    Suggestion,
    SuggestionState,
    Verdict,
)
from comparison.selectors.suggestions import AWAITING_REVIEW
from config.throttling import CompareRateThrottle
from maps.api.filters import IdFilter
from maps.models import Role, Segment
from maps.selectors import pairs_for, require_role


class CompareView(APIView):
    """`POST /api/pairs/{id}/compare/`: queue a comparison (202); 429 past the user's
    compare budget (`GAPMAP_COMPARE_THROTTLE`)."""

    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, CompareRateThrottle]

    @extend_schema(request=s.CompareRequestSerializer, responses={202: s.CompareResponseSerializer})
    def post(self, request, pk: int):
        pair = get_object_or_404(pairs_for(request.user), pk=pk)
        data = s.CompareRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report, _created = services.report_request(
            user=request.user, pair=pair, settings=data.validated_data
        )
        return Response(
            {"report": report.pk, "status": report.status}, status=status.HTTP_202_ACCEPTED
        )


class ReportFilter(filters.FilterSet):
    pair = IdFilter(field_name="pair_id")
    status = filters.ChoiceFilter(choices=Report._meta.get_field("status").choices)


class MatchFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Match._meta.get_field("kind").choices)
    verdict = filters.ChoiceFilter(choices=Match._meta.get_field("verdict").choices)


class SuggestionFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=SuggestionState.choices)
    awaits_review = filters.BooleanFilter(method="filter_awaits_review")

    class Meta:
        model = Suggestion
        fields = ["state", "awaits_review"]

    def filter_awaits_review(self, queryset, name, value):
        return queryset.filter(AWAITING_REVIEW) if value else queryset.exclude(AWAITING_REVIEW)


@extend_schema_serializer(component_name="Match")
class _MatchSchema(s.MatchSerializer):
    """MatchSerializer as documented: a one-sided match has a blank segment and verdict on
    its empty side. DRF drops `allow_blank` from read-only model fields, so the schema
    would otherwise forbid "". Output is unchanged; only the description differs."""

    internal_segment = serializers.ChoiceField(Segment.choices, allow_blank=True, read_only=True)
    internal_verdict = serializers.ChoiceField(Verdict.choices, allow_blank=True, read_only=True)
    customer_segment = serializers.ChoiceField(Segment.choices, allow_blank=True, read_only=True)
    customer_verdict = serializers.ChoiceField(Verdict.choices, allow_blank=True, read_only=True)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return selectors.reports_for(self.request.user)

    @extend_schema(
        responses=_MatchSchema(many=True),
        parameters=[
            OpenApiParameter("kind", enum=MatchKind.values),
            OpenApiParameter("verdict", enum=Verdict.values),
        ],
    )
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        report = self.get_object()
        queryset = MatchFilter(request.query_params, queryset=report.matches.all()).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.MatchSerializer(page, many=True).data)

    @extend_schema(
        responses=s.SuggestionSerializer(many=True),
        parameters=[
            OpenApiParameter("state", enum=SuggestionState.values),
            OpenApiParameter(
                "awaits_review",
                bool,
                description="true: only the open suggestions of unconfirmed or partly "
                "confirmed hypotheses (what the report counts as awaiting review)",
            ),
        ],
    )
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        """The customer notes suggested as evidence for each hypothesis (up to 3 each,
        `rank` 1 most likely), in the report's order; confirm or dismiss one through
        `decisions`."""
        report = self.get_object()
        queryset = SuggestionFilter(
            request.query_params, queryset=report.suggestions.order_by("id")
        ).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.SuggestionSerializer(page, many=True).data)

    @extend_schema(request=s.DecisionInputSerializer, responses={201: s.ReportSerializer})
    @action(detail=True, methods=["get", "post"])
    def decisions(self, request, pk=None):
        report = self.get_object()
        if request.method == "GET":
            decisions = selectors.decisions_for(request.user).filter(pair_id=report.pair_id)
            page = self.paginate_queryset(decisions)
            return self.get_paginated_response(s.DecisionSerializer(page, many=True).data)
        data = s.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.decision_record(
            user=request.user,
            report=report,
            internal_note_id=data.validated_data["internal_note"],
            customer_note_id=data.validated_data["customer_note"],
            accepted=data.validated_data["accepted"],
        )
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- consultant commentary and exports ----------------------------------------------------


def _commentary_items(report: Report) -> list[dict]:
    """Every section, in order, with its commentary or an empty text."""
    items = []
    for block in selectors.report_commentary_blocks(report).values():
        commentary = block["commentary"]
        items.append(
            {
                "section": block["key"],
                "label": block["label"],
                "text": commentary.text if commentary else "",
                "updated_by": commentary.updated_by.get_username()
                if commentary and commentary.updated_by
                else None,
                "updated_at": commentary.updated_at if commentary else None,
            }
        )
    return items


class ReportCommentaryView(APIView):
    """`GET /api/reports/{id}/commentary/`: every section's commentary (viewers too);
    `PUT` with `{section, text}`: write one section (editors; empty text removes it)."""

    @extend_schema(responses=s.CommentarySerializer(many=True))
    def get(self, request, pk: int):
        report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
        return Response(s.CommentarySerializer(_commentary_items(report), many=True).data)

    @extend_schema(request=s.CommentaryInputSerializer, responses=s.CommentarySerializer(many=True))
    def put(self, request, pk: int):
        report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
        # The role first, so a viewer learns nothing from validation errors.
        require_role(request.user, report.pair.internal_map.persona.workspace_id, Role.EDITOR)
        data = s.CommentaryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.commentary_save(
            user=request.user,
            report=report,
            section=data.validated_data["section"],
            text=data.validated_data["text"],
        )
        return Response(s.CommentarySerializer(_commentary_items(report), many=True).data)


class ReportExportView(APIView):
    """`GET /api/reports/{id}/export/?format=csv|json|html`: the report as a download
    (viewer role suffices; the same files as the report page's buttons)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                enum=["csv", "json", "html"],
                default="json",
                description="csv: the matches; json: the compare_files --format json "
                "contract; html: one self-contained page (charts work offline).",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/html"): OpenApiTypes.STR,
            409: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, pk: int):
        report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
        file_format = request.query_params.get("format", "json")
        if file_format not in exports.EXPORT_FORMATS:
            raise serializers.ValidationError(
                {
                    "format": gettext("Unknown format “%(format)s”; choose csv, json or html.")
                    % {"format": file_format}
                }
            )
        if report.status != ReportStatus.SUCCEEDED:
            # The status word is the API's own value (machine-readable), not translated.
            return Response(
                {
                    "detail": gettext("The report is %(status)s; only a succeeded one exports.")
                    % {"status": report.status}
                },
                status=status.HTTP_409_CONFLICT,
            )
        return exports.export_response(report, file_format)
