"""``/api/v1/assignments/``: interpreters booked for requests.

- ``GET`` list (``?from=&to=``, days in Europe/Berlin; ``?upcoming=true|false``) and
  ``GET {id}/``: an interpreter sees their own, a caseworker their department's, a
  coordinator their centers'. The nested request is the request as its department sees it;
  the interpreter does not get the client reference.
- ``POST {id}/cancel/`` ``{"reason"}``: the interpreter or a coordinator (a caseworker cancels
  the request instead). Re-opens the request, tells the caseworker and starts a run.
- ``allowance`` ``{"amount", "rule"}``: the net amount booked for the assignment (its entry
  and corrections) once the Einsatznachweis is settled or a short-notice cancellation
  booked; shown to the interpreter and coordinators (``null`` for caseworkers and before
  anything is booked). ``took_place``, ``actual_start``, ``actual_end``, ``travel_km``: the
  settled Einsatznachweis; ``confirmed``: which sides are in (``api/confirmations.py``).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.interpreter_requests import (
    RequestInterpreterSerializer,
    RequestOutputSerializer,
)
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from core.models import Role
from core.scoping import department_ids_for, has_role
from core.services import audit_view
from requests import selectors, services
from requests.allowances import travel_km_prefill
from requests.models import Assignment

ASSIGNMENT_STATUSES = ", ".join(Assignment.Status.values)


class AssignmentAllowanceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    rule = serializers.CharField()


class AssignmentConfirmedSerializer(serializers.Serializer):
    requester = serializers.BooleanField()
    interpreter = serializers.BooleanField()
    decided = serializers.BooleanField()


def _sees_allowance(user: Any, assignment: Assignment) -> bool:
    """The interpreter's own allowance: they and the center's coordinators see it."""
    return assignment.interpreter.volunteer.user_id == user.pk or has_role(
        user, Role.COORDINATOR, center_id=assignment.request.center_id
    )


def _sees_client_ref(user: Any, assignment: Assignment) -> bool:
    """The requesting department and the center's coordinators see the client reference."""
    request = assignment.request
    return has_role(user, Role.COORDINATOR, center_id=request.center_id) or (
        request.department_id in department_ids_for(user)
    )


class AssignmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.SerializerMethodField()
    interpreter = serializers.SerializerMethodField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.CharField(help_text=ASSIGNMENT_STATUSES)
    allowance = serializers.SerializerMethodField(
        help_text="The allowance booked (net of corrections): the interpreter and "
        "coordinators see it; null before it is booked."
    )
    took_place = serializers.BooleanField(
        allow_null=True, help_text="The settled Einsatznachweis; null until settled."
    )
    actual_start = serializers.DateTimeField(allow_null=True)
    actual_end = serializers.DateTimeField(allow_null=True)
    travel_km = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    travel_km_prefill = serializers.SerializerMethodField(
        help_text="Home → place km there and back (in person), for the interpreter's side."
    )
    confirmed = serializers.SerializerMethodField(
        help_text="Which sides of the Einsatznachweis are in, and whether a coordinator decided."
    )
    completed_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(RequestOutputSerializer)
    def get_request(self, obj: Assignment) -> dict[str, Any]:
        user = self.context["user"]
        request = obj.request
        if obj.status != Assignment.Status.CANCELLED:
            # At most one assignment of a request holds its interpreter: this one.
            request.holding_assignments = [obj]  # type: ignore[attr-defined]
        context = {"user": user, "hide_client_ref": not _sees_client_ref(user, obj)}
        return RequestOutputSerializer(request, context=context).data

    @extend_schema_field(RequestInterpreterSerializer)
    def get_interpreter(self, obj: Assignment) -> dict[str, Any]:
        volunteer = obj.interpreter.volunteer
        return {
            "id": obj.interpreter_id,
            "display_name": volunteer.display_name,
            "phone": selectors.contact_phone(
                center=obj.request.center, private_phone=volunteer.phone
            ),
        }

    @extend_schema_field(AssignmentAllowanceSerializer(allow_null=True))
    def get_allowance(self, obj: Assignment) -> dict[str, Any] | None:
        if not _sees_allowance(self.context["user"], obj):
            return None
        allowance = selectors.assignment_allowance(obj)
        if allowance is None:
            return None
        return dict(AssignmentAllowanceSerializer(allowance).data)

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True))
    def get_travel_km_prefill(self, obj: Assignment) -> Any:
        if not _sees_allowance(self.context["user"], obj):
            return None
        return travel_km_prefill(assignment=obj)

    @extend_schema_field(AssignmentConfirmedSerializer)
    def get_confirmed(self, obj: Assignment) -> dict[str, bool]:
        sides = selectors.confirmation_sides(assignment=obj)
        return {
            "requester": sides.requester is not None,
            "interpreter": sides.interpreter is not None,
            "decided": sides.decision is not None,
        }


def _output(assignment: Assignment, *, user: Any) -> dict[str, Any]:
    return AssignmentOutputSerializer(assignment, context={"user": user}).data


class AssignmentListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        date_from = serializers.DateField(required=False, allow_null=True, default=None)
        date_to = serializers.DateField(required=False, allow_null=True, default=None)
        upcoming = serializers.BooleanField(required=False, allow_null=True, default=None)

        def get_fields(self) -> dict[str, serializers.Field]:
            fields = super().get_fields()
            # ``from`` is a Python keyword: the fields are declared under other names.
            fields["from"] = fields.pop("date_from")
            fields["to"] = fields.pop("date_to")
            return fields

    @extend_schema(
        operation_id="assignments_list",
        parameters=[
            OpenApiParameter("from", str, description="First day (YYYY-MM-DD, Europe/Berlin)."),
            OpenApiParameter("to", str, description="Last day (inclusive)."),
            OpenApiParameter(
                "upcoming", bool, description="true: not yet ended; false: past (newest first)."
            ),
        ],
        responses=AssignmentOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not any(
            has_role(request.user, role)
            for role in (Role.COORDINATOR, Role.CASEWORKER, Role.VOLUNTEER)
        ):
            raise PermissionDenied
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        assignments = selectors.assignment_list(
            user=request.user,
            date_from=data.get("from"),
            date_to=data.get("to"),
            upcoming=data.get("upcoming"),
            settlement=True,
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(assignments, request, view=self)
        return paginator.get_paginated_response(
            AssignmentOutputSerializer(page, many=True, context={"user": request.user}).data
        )


class AssignmentDetailApi(APIView):
    @extend_schema(operation_id="assignments_retrieve", responses=AssignmentOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        assignment = selectors.assignment_get(user=request.user, pk=pk, settlement=True)
        volunteer = assignment.interpreter.volunteer
        audit_view(
            actor=request.user,
            obj=assignment,
            center=assignment.request.center_id,
            own_user_id=volunteer.user_id,
        )
        audit_view(
            actor=request.user,
            obj=volunteer,
            center=assignment.request.center_id,
            own_user_id=volunteer.user_id,
        )
        return Response(_output(assignment, user=request.user))


class AssignmentCancelApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        operation_id="assignments_cancel",
        request=InputSerializer,
        responses=AssignmentOutputSerializer,
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        assignment = selectors.assignment_get(user=request.user, pk=pk)
        is_interpreter = assignment.interpreter.volunteer.user_id == request.user.pk
        if not (
            is_interpreter
            or has_role(request.user, Role.COORDINATOR, center_id=assignment.request.center_id)
        ):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assignment_cancel(
            actor=request.user, assignment=assignment, reason=serializer.validated_data["reason"]
        )
        fresh = selectors.assignment_get(user=request.user, pk=pk, settlement=True)
        return Response(_output(fresh, user=request.user))


urlpatterns = [
    path("assignments/", AssignmentListApi.as_view(), name="api-assignments"),
    path("assignments/<int:pk>/", AssignmentDetailApi.as_view(), name="api-assignment-detail"),
    path(
        "assignments/<int:pk>/cancel/",
        AssignmentCancelApi.as_view(),
        name="api-assignment-cancel",
    ),
]
