"""REST API for next actions.

- `GET /api/reports/{id}/next-actions/`: the report's actions, paginated, in list order;
- `POST /api/reports/{id}/next-actions/`: add one action (`kind` and its texts);
- `POST /api/reports/{id}/next-actions/draft/`: draft actions from the report's missed
  customer notes and unconfirmed hypotheses;
- `POST /api/reports/{id}/next-actions/carry/`: carry actions into an internal map;
- `PATCH /api/next-actions/{id}/` (texts, segment, `position` to reorder) and `DELETE`.

Thin: the report comes through `reports_for` (another workspace answers 404), writes go
through `comparison.next_actions.services`, which check the editor role (403 for viewers).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from comparison.models import ActionKind, NextAction, Report
from comparison.next_actions import selectors as action_selectors
from comparison.next_actions import services as action_services
from comparison.selectors import reports_for
from maps.api.views import SealConflictMixin
from maps.models import Segment
from maps.selectors import maps_for


class NextActionSerializer(serializers.ModelSerializer):
    carried_to_note = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    # Blank for an action drawn from a note without a segment: the schema must allow "".
    segment = serializers.ChoiceField(Segment.choices, allow_blank=True, read_only=True)

    class Meta:
        model = NextAction
        fields = (
            "id",
            "report",
            "kind",
            "segment",
            "question",
            "hypothesis",
            "test",
            "metric",
            "criterion",
            "position",
            "carried_to_note",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class NextActionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(ActionKind.choices)
    segment = serializers.ChoiceField(Segment.choices, required=False, allow_blank=True)
    question = serializers.CharField(
        required=False, allow_blank=True, max_length=action_services.FIELD_LIMITS["question"]
    )
    hypothesis = serializers.CharField(
        required=False, allow_blank=True, max_length=action_services.FIELD_LIMITS["hypothesis"]
    )
    test = serializers.CharField(
        required=False, allow_blank=True, max_length=action_services.FIELD_LIMITS["test"]
    )
    metric = serializers.CharField(
        required=False, allow_blank=True, max_length=action_services.FIELD_LIMITS["metric"]
    )
    criterion = serializers.CharField(
        required=False, allow_blank=True, max_length=action_services.FIELD_LIMITS["criterion"]
    )


class NextActionUpdateSerializer(NextActionInputSerializer):
    kind = None  # an action keeps its kind
    position = serializers.IntegerField(required=False, min_value=0)


class DraftResponseSerializer(serializers.Serializer):
    created = NextActionSerializer(many=True)
    already_drafted = serializers.IntegerField()
    left_out = serializers.IntegerField()


class CarryInputSerializer(serializers.Serializer):
    map = serializers.IntegerField(help_text="An unsealed internal map of the same persona")
    actions = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=action_services.MAX_ACTIONS_PER_REPORT,
        help_text="The actions to carry; all not yet carried when omitted",
    )


class CarryResponseSerializer(serializers.Serializer):
    notes = serializers.ListField(child=serializers.IntegerField())


def _report(request, pk: int) -> Report:
    return get_object_or_404(reports_for(request.user), pk=pk)


class ReportNextActionsView(generics.ListAPIView):
    """The report's actions in list order (GET, paginated); add one (POST)."""

    serializer_class = NextActionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NextAction.objects.none()
        return action_selectors.report_actions(_report(self.request, self.kwargs["pk"]))

    @extend_schema(request=NextActionInputSerializer, responses={201: NextActionSerializer})
    def post(self, request, pk: int):
        report = _report(request, pk)
        data = NextActionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = action_services.next_action_create(
            user=request.user, report=report, **data.validated_data
        )
        return Response(NextActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ReportNextActionsDraftView(APIView):
    @extend_schema(request=None, responses={201: DraftResponseSerializer})
    def post(self, request, pk: int):
        outcome = action_services.next_actions_draft(user=request.user, report=_report(request, pk))
        body = {
            "created": NextActionSerializer(outcome.created, many=True).data,
            "already_drafted": outcome.already_drafted,
            "left_out": outcome.left_out,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ReportNextActionsCarryView(SealConflictMixin, APIView):
    @extend_schema(request=CarryInputSerializer, responses={201: CarryResponseSerializer})
    def post(self, request, pk: int):
        report = _report(request, pk)
        data = CarryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        empathy_map = maps_for(request.user).filter(pk=data.validated_data["map"]).first()
        if empathy_map is None:
            raise serializers.ValidationError({"map": _("No such map in your workspaces.")})
        notes = action_services.next_actions_carry(
            user=request.user,
            report=report,
            empathy_map=empathy_map,
            action_ids=data.validated_data.get("actions"),
        )
        return Response({"notes": [note.pk for note in notes]}, status=status.HTTP_201_CREATED)


class NextActionDetailView(generics.GenericAPIView):
    serializer_class = NextActionSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return NextAction.objects.filter(report__in=reports_for(self.request.user))

    def get(self, request, pk: int):
        return Response(NextActionSerializer(self.get_object()).data)

    @extend_schema(request=NextActionUpdateSerializer, responses=NextActionSerializer)
    def patch(self, request, pk: int):
        action = self.get_object()
        data = NextActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        position = changes.pop("position", None)
        if changes or position is None:
            action = action_services.next_action_update(user=request.user, action=action, **changes)
        if position is not None:
            action = action_services.next_action_move(user=request.user, action=action, to=position)
        action.refresh_from_db()
        return Response(NextActionSerializer(action).data)

    def delete(self, request, pk: int):
        action_services.next_action_delete(user=request.user, action=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
