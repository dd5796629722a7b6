"""``/api/v1/allowances/``: allowance entries (Aufwandsentschädigung) and the yearly summary.

- ``GET`` (``?year=&interpreter=``, paginated, by booking month): an interpreter sees their
  own entries, a coordinator their centers'. Each entry carries its inputs (rule, amounts,
  hours, km, cap position); a correction names the entry it ``corrects`` and holds the
  difference. Interpreters do not get the client reference.
- ``GET summary/?year=``: the interpreter's month and year totals against the yearly
  tax-free limit (Ehrenamtspauschale).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import parse_query
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from api.serializers import IdField
from core.models import Role
from core.scoping import has_role
from requests import selectors
from requests.models import AllowanceEntry
from sprachpool.models import InterpreterProfile


class AllowanceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    center = serializers.IntegerField(source="center_id")
    interpreter = serializers.IntegerField(source="interpreter_id")
    assignment = serializers.IntegerField(source="assignment_id")
    kind = serializers.CharField(help_text=", ".join(AllowanceEntry.Kind.values))
    basis = serializers.CharField(help_text=", ".join(AllowanceEntry.Basis.values))
    rule = serializers.CharField()
    client_ref = serializers.CharField(required=False, help_text="Coordinators only.")
    cap_position = serializers.IntegerField(allow_null=True)
    cap = serializers.IntegerField(allow_null=True)
    minutes = serializers.IntegerField(allow_null=True)
    started_hours = serializers.IntegerField(allow_null=True)
    travel_km = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    flat_amount = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    hourly_amount = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    per_km = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=8, decimal_places=2)
    month = serializers.DateField(help_text="First day of the month the entry is booked in.")
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: AllowanceEntry) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not has_role(self.context["user"], Role.COORDINATOR, center_id=instance.center_id):
            data.pop("client_ref", None)
        return data


def _may_see(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR) or has_role(user, Role.VOLUNTEER)


class AllowanceListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2999, required=False)
        interpreter = IdField(required=False)

    @extend_schema(
        operation_id="allowances_list",
        parameters=[
            OpenApiParameter("year", int, description="Entries booked in this year."),
            OpenApiParameter("interpreter", int, description="One interpreter (coordinators)."),
        ],
        responses=AllowanceOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not _may_see(request.user):
            raise PermissionDenied
        filters = parse_query(self.FilterSerializer, request)
        entries = selectors.allowance_list(
            user=request.user, year=filters.get("year"), interpreter=filters.get("interpreter")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(
            AllowanceOutputSerializer(page, many=True, context={"user": request.user}).data
        )


class AllowanceMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    total = serializers.DecimalField(max_digits=9, decimal_places=2)


class AllowanceSummaryOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    months = AllowanceMonthSerializer(many=True)
    total = serializers.DecimalField(max_digits=9, decimal_places=2)
    limit = serializers.DecimalField(
        max_digits=9, decimal_places=2, help_text="The yearly tax-free limit."
    )
    remaining = serializers.DecimalField(max_digits=9, decimal_places=2)
    over_limit = serializers.BooleanField()


class AllowanceSummaryApi(APIView):
    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2999, required=False)

    @extend_schema(
        operation_id="allowances_summary",
        parameters=[OpenApiParameter("year", int, description="Default: this year.")],
        responses=AllowanceSummaryOutputSerializer,
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not has_role(request.user, Role.VOLUNTEER):
            raise PermissionDenied
        filters = parse_query(self.FilterSerializer, request)
        profile = (
            InterpreterProfile.objects.select_related("volunteer")
            .filter(volunteer__user=request.user)
            .first()
        )
        if profile is None:
            raise NotFound
        year = filters.get("year") or timezone.localdate().year
        summary = selectors.allowance_summary(interpreter=profile, year=year)
        data = {
            "year": summary.year,
            "months": [
                {"month": month, "total": total} for month, total in sorted(summary.months.items())
            ],
            "total": summary.total,
            "limit": summary.limit,
            "remaining": summary.remaining,
            "over_limit": summary.over_limit,
        }
        return Response(AllowanceSummaryOutputSerializer(data).data)


urlpatterns = [
    path("allowances/", AllowanceListApi.as_view(), name="api-allowances"),
    path("allowances/summary/", AllowanceSummaryApi.as_view(), name="api-allowance-summary"),
]
