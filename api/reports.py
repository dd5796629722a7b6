"""``/api/v1/reports/summary/``: the period's figures for a coordinator, numbers only.

``GET ?from=&to=[&center=][&state=1]`` (default: the last 90 days; all the centers the
caller coordinates, or one with ``center``): requests (filled, unfilled, cancelled,
hours) in all and by language, department, mode and month; unfilled requests by reason;
sponsorships started and ended; active volunteers and interpreters today. With
``state=1`` (figures meant for the state) counts of 1 and 2 are ``null`` and the row says
``"suppressed": true``. A bad date, ``from`` after ``to`` or a period over three years is a
400 naming the parameter; a center the caller does not coordinate is a 404. Every call is
recorded in the audit trail as an export.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import flag, parse_query
from api.permissions import AuthenticatedRequest, IsCoordinator
from api.serializers import IdField
from core.models import AuditEvent
from core.services import audit_log
from reports import selectors


class SummaryFilterSerializer(serializers.Serializer):
    """``from``, ``to`` (ISO dates), ``center`` and ``state``."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(required=False),
            "to": serializers.DateField(required=False),
            "center": IdField(required=False),
            "state": flag(),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        default_from, default_to = selectors.default_period()
        date_from = attrs.get("from") or default_from
        date_to = attrs.get("to") or default_to
        problem = selectors.period_problem(date_from, date_to)
        if problem:
            field = "from" if date_from > date_to else "to"
            raise serializers.ValidationError({field: [problem]})
        attrs["from"], attrs["to"] = date_from, date_to
        return attrs


class _CountsSerializer(serializers.Serializer):
    requests = serializers.IntegerField(allow_null=True, help_text="Not cancelled.")
    filled = serializers.IntegerField(allow_null=True, help_text="Assigned or completed.")
    unfilled = serializers.IntegerField(allow_null=True)
    cancelled = serializers.IntegerField(allow_null=True)
    # The body gives hours as a decimal string ("12.5", reports.selectors.summary_data).
    hours = serializers.DecimalField(
        max_digits=9, decimal_places=1, allow_null=True, coerce_to_string=True
    )
    fill_rate = serializers.FloatField(allow_null=True, help_text="filled / requests")
    suppressed = serializers.BooleanField(help_text="A count of 1 or 2 is null (state=1).")


def _group_serializer(key: str, field: serializers.Field) -> type[serializers.Serializer]:
    """A row of one grouping: its key (``language``, ``department``, ``mode``, ``month``),
    its label and the counts."""

    class Group(_CountsSerializer):
        def get_fields(self) -> dict[str, serializers.Field]:
            return {key: field, "label": serializers.CharField(), **super().get_fields()}

    Group.__name__ = Group.__qualname__ = f"SummaryBy{key.capitalize()}"
    return Group


class _ReasonSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "reason": serializers.CharField(help_text="The engine's reason code, or no_run."),
            "label": serializers.CharField(),
            "count": serializers.IntegerField(allow_null=True),
            "suppressed": serializers.BooleanField(),
        }


class _SponsorshipsSerializer(serializers.Serializer):
    started = serializers.IntegerField(allow_null=True)
    ended = serializers.IntegerField(allow_null=True)


class SummaryOutputSerializer(serializers.Serializer):
    """The body (documentation: the view returns :func:`reports.selectors.summary_data`)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "centers": serializers.ListField(child=serializers.IntegerField()),
            "for_state": serializers.BooleanField(),
            "suppressed_below": serializers.IntegerField(allow_null=True),
            "requests": _CountsSerializer(),
            "unfilled_reasons": _ReasonSerializer(many=True),
            "by_language": _group_serializer("language", serializers.CharField())(many=True),
            "by_department": _group_serializer("department", serializers.IntegerField())(many=True),
            "by_mode": _group_serializer("mode", serializers.CharField())(many=True),
            "by_month": _group_serializer("month", serializers.CharField(help_text="YYYY-MM"))(
                many=True
            ),
            "sponsorships": _SponsorshipsSerializer(),
            "active_volunteers": serializers.IntegerField(allow_null=True),
            "active_interpreters": serializers.IntegerField(allow_null=True),
            "suppressed": serializers.BooleanField(),
        }


class ReportSummaryApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(
        operation_id="reports_summary",
        parameters=[
            OpenApiParameter("from", str, description="First day (ISO date, Europe/Berlin)."),
            OpenApiParameter("to", str, description="Last day, at most three years later."),
            OpenApiParameter("center", int, description="One center (default: all yours)."),
            OpenApiParameter("state", bool, description="For the state: counts below 3 null."),
        ],
        responses=SummaryOutputSerializer,
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        query = parse_query(SummaryFilterSerializer, request)
        centers = selectors.report_centers(user=request.user)
        if query.get("center") is not None:
            centers = [c for c in centers if c.pk == query["center"]]
            if not centers:
                raise NotFound
        state = bool(query.get("state"))
        result = selectors.summary(
            user=request.user, centers=centers, date_from=query["from"], date_to=query["to"]
        )
        for center in centers:
            audit_log(
                actor=request.user,
                action=AuditEvent.Action.EXPORT,
                center=center,
                object_type="reports.summary",
                detail={
                    "from": query["from"].isoformat(),
                    "to": query["to"].isoformat(),
                    "for_state": state,
                    "format": "json",
                },
            )
        return Response(selectors.summary_data(result, state=state))


urlpatterns = [
    path("reports/summary/", ReportSummaryApi.as_view(), name="api-reports-summary"),
]
