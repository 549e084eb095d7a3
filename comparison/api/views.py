from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from comparison import selectors, services
from comparison.api import serializers as s
from comparison.models import Match, MatchKind, Report, Verdict
from maps.selectors import pairs_for


class CompareView(APIView):
    """`POST /api/pairs/{id}/compare/`: queue a comparison (202)."""

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
    pair = filters.NumberFilter(field_name="pair_id")
    status = filters.ChoiceFilter(choices=Report._meta.get_field("status").choices)


class MatchFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Match._meta.get_field("kind").choices)
    verdict = filters.ChoiceFilter(choices=Match._meta.get_field("verdict").choices)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return selectors.reports_for(self.request.user)

    @extend_schema(
        responses=s.MatchSerializer(many=True),
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
