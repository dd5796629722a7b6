"""``/api/v1/matching/runs/``: runs of the assignment engine (coordinators).

- ``GET`` list (``?center=``): the runs of the caller's centers, newest first.
- ``POST`` ``{"center"?}`` runs the engine for the center now, inside the request, and
  answers 201 with the finished run (no worker needed). ``center`` is needed only by a
  coordinator of several centers.
- ``GET {id}/``: one run with its instance, result and the explanations of every decision.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.centers import center_for_create
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest, IsCoordinator
from api.serializers import IdField
from core.models import Role
from core.services import audit_view
from matching import services
from matching.models import MatchingRun

#: Largest id accepted in the input.
MAX_ID = 2**31 - 1

RUN_STATUSES = ", ".join(MatchingRun.Status.values)


class RunStatsSerializer(serializers.Serializer):
    requests = serializers.IntegerField(allow_null=True)
    filled = serializers.IntegerField(allow_null=True)
    unfilled = serializers.IntegerField(allow_null=True)
    offers_created = serializers.IntegerField(allow_null=True)
    build_seconds = serializers.FloatField(allow_null=True)
    solve_seconds = serializers.FloatField(allow_null=True)
    write_seconds = serializers.FloatField(allow_null=True)


class RunExplanationSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    outcome = serializers.CharField(help_text="filled or unfilled")
    interpreter = serializers.CharField(help_text="Name of the interpreter offered, or empty.")
    travel_km = serializers.FloatField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    hints = serializers.ListField(
        child=serializers.CharField(), help_text="What would fill an unfilled request."
    )
    runner_up = serializers.CharField()


class RunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    center = serializers.IntegerField(source="center_id")
    trigger = serializers.ChoiceField(choices=MatchingRun.Trigger.choices)
    status = serializers.CharField(help_text=RUN_STATUSES)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    stats = serializers.SerializerMethodField()

    @extend_schema_field(RunStatsSerializer)
    def get_stats(self, run: MatchingRun) -> dict[str, Any]:
        return RunStatsSerializer(run.stats if isinstance(run.stats, dict) else {}).data


class RunDetailOutputSerializer(RunOutputSerializer):
    instance = serializers.JSONField(help_text="The wir-matching/1 instance the engine solved.")
    result = serializers.JSONField(help_text="The engine's result with reason codes.")
    explanations = serializers.SerializerMethodField()
    error = serializers.CharField()

    @extend_schema_field(RunExplanationSerializer(many=True))
    def get_explanations(self, run: MatchingRun) -> list[dict[str, Any]]:
        return services.run_explanations(run)


def _runs(user: Any) -> QuerySet[MatchingRun]:
    return MatchingRun.visible_to(user).select_related("center")


class RunListApi(APIView):
    permission_classes = [IsCoordinator]

    class FilterSerializer(serializers.Serializer):
        center = IdField(
            min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
        )

    class InputSerializer(serializers.Serializer):
        center = IdField(
            min_value=1,
            max_value=MAX_ID,
            required=False,
            allow_null=True,
            help_text="Needed only by a coordinator of several centers.",
        )

    @extend_schema(
        operation_id="matching_runs_list",
        parameters=[OpenApiParameter("center", int)],
        responses=RunOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        runs = _runs(request.user)
        center = filters.validated_data.get("center")
        if center is not None:
            runs = runs.filter(center_id=center)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(runs.defer("instance", "result"), request, view=self)
        return paginator.get_paginated_response(RunOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="matching_runs_create",
        request=InputSerializer,
        responses={201: RunDetailOutputSerializer},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        center = center_for_create(
            user=request.user,
            role=Role.COORDINATOR,
            center_id=serializer.validated_data.get("center"),
        )
        run = services.run_for_center(center=center, trigger="manual", actor=request.user)
        return Response(RunDetailOutputSerializer(run).data, status=status.HTTP_201_CREATED)


class RunDetailApi(APIView):
    @extend_schema(operation_id="matching_runs_retrieve", responses=RunDetailOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        run = get_object_or_404(_runs(request.user), pk=pk)
        audit_view(actor=request.user, obj=run)
        return Response(RunDetailOutputSerializer(run).data)


urlpatterns = [
    path("matching/runs/", RunListApi.as_view(), name="api-matching-runs"),
    path("matching/runs/<int:pk>/", RunDetailApi.as_view(), name="api-matching-run-detail"),
]
