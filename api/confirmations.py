"""The Einsatznachweis through the API: both sides confirm, the coordinator decides.

- ``POST /api/v1/requests/{id}/confirm/`` ``{"actual_start", "actual_end", "took_place"?
  (default true), "reason"?, "note"?}`` (no ``travel_km``): the requesting side (a caseworker
  of the request's department, a coordinator of its center) for the request's assignment;
  answers the request.
- ``POST /api/v1/assignments/{id}/confirm/`` ``{"took_place" (default true), "actual_start"?,
  "actual_end"?, "travel_km"?, "reason"?, "note"?}``: the interpreter's side; ``travel_km``
  left out takes the home → place distance (in person). Answers the assignment.
- ``POST /api/v1/assignments/{id}/decide/`` (same body): a coordinator decides a disputed
  or unconfirmed ended assignment, or corrects a completed one (then ``note`` is needed).

``reason`` (when it did not take place): ``client_absent``, ``cancelled_on_site``,
``interpreter_absent``. A confirmation before the appointment has ended is a 400 and
changes nothing; every bad field is named at once. An object outside the caller's scope is
a 404, a visible one the caller may not confirm a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.assignments import AssignmentOutputSerializer
from api.interpreter_requests import RequestOutputSerializer, enum_field, request_output
from api.permissions import AuthenticatedRequest
from api.serializers import validate_all_at_once
from core.models import Role
from core.scoping import has_role
from requests import confirmations, selectors
from requests.models import AbsenceReason, Assignment, Confirmation


class ConfirmInputSerializer(serializers.Serializer):
    """One side's Einsatznachweis (or the coordinator's decision); the service checks the
    rules. One serializer for the three operations, so the schema names one choice set."""

    took_place = serializers.BooleanField(default=True)
    actual_start = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Needed when it took place."
    )
    actual_end = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Needed when it took place."
    )
    travel_km = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Km there and back (in person; the interpreter's side and the coordinator); "
        "left out: the interpreter's, else the home → place distance.",
    )
    reason = enum_field(
        AbsenceReason,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed when it did not take place.",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def checked(call: Callable[..., object]) -> Callable[[dict[str, Any]], object]:
    """The service call for :func:`api.serializers.validate_all_at_once`'s check run (a
    ``took_place`` that did not parse is passed as ``None``: the service names it too)."""
    return lambda values: call(**{"took_place": None, **values})


def _assignment_output(user: Any, pk: int) -> dict[str, Any]:
    fresh = selectors.assignment_get(user=user, pk=pk, settlement=True)
    return AssignmentOutputSerializer(fresh, context={"user": user}).data


class RequestConfirmApi(APIView):
    @extend_schema(
        operation_id="requests_confirm",
        request=ConfirmInputSerializer,
        responses=RequestOutputSerializer,
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        found = selectors.request_get(user=request.user, pk=pk)
        assignment = selectors.holding_assignment(found)
        if assignment is None:
            raise ValidationError(
                {"status": [_("This request has no assignment whose appointment to confirm.")]}
            )

        def record(**values: Any) -> Confirmation:
            return confirmations.confirmation_record(
                actor=request.user,
                assignment=assignment,
                side=Confirmation.Side.REQUESTER,
                **values,
            )

        data = validate_all_at_once(ConfirmInputSerializer(data=request.data), checked(record))
        record(**data)
        fresh = selectors.request_get(user=request.user, pk=pk)
        return Response(request_output(fresh, user=request.user))


class AssignmentConfirmApi(APIView):
    @extend_schema(
        operation_id="assignments_confirm",
        request=ConfirmInputSerializer,
        responses=AssignmentOutputSerializer,
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        assignment = selectors.assignment_get(user=request.user, pk=pk)
        if assignment.interpreter.volunteer.user_id != request.user.pk:
            raise PermissionDenied

        def record(**values: Any) -> Confirmation:
            return confirmations.confirmation_record(
                actor=request.user,
                assignment=assignment,
                side=Confirmation.Side.INTERPRETER,
                **values,
            )

        data = validate_all_at_once(ConfirmInputSerializer(data=request.data), checked(record))
        record(**data)
        return Response(_assignment_output(request.user, pk))


class AssignmentDecideApi(APIView):
    @extend_schema(
        operation_id="assignments_decide",
        request=ConfirmInputSerializer,
        responses=AssignmentOutputSerializer,
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        assignment: Assignment = selectors.assignment_get(user=request.user, pk=pk)
        if not has_role(request.user, Role.COORDINATOR, center_id=assignment.request.center_id):
            raise PermissionDenied

        def decide(**values: Any) -> Confirmation:
            return confirmations.confirmation_decide(
                actor=request.user, assignment=assignment, **values
            )

        data = validate_all_at_once(ConfirmInputSerializer(data=request.data), checked(decide))
        decide(**data)
        return Response(_assignment_output(request.user, pk))


urlpatterns = [
    path("requests/<int:pk>/confirm/", RequestConfirmApi.as_view(), name="api-request-confirm"),
    path(
        "assignments/<int:pk>/confirm/",
        AssignmentConfirmApi.as_view(),
        name="api-assignment-confirm",
    ),
    path(
        "assignments/<int:pk>/decide/",
        AssignmentDecideApi.as_view(),
        name="api-assignment-decide",
    ),
]
