"""``/api/v1/requests/``: interpreter requests of the county's departments.

- ``GET`` list (paginated; ``?status=&language=&mode=&from=&to=&q=&department=``) and
  ``POST``: caseworkers (their department's requests) and coordinators (their centers').
  ``department`` defaults to the caseworker's own; ``place`` is an object
  ``{name, street, postcode, city, lat, lon}`` (``lat``/``lon`` may be left out when the
  postcode or city is in the center's place registry), the id of a registry place, or null.
- ``GET``/``PATCH {id}/``: the same callers; PATCH only while the request is open.
- ``POST {id}/cancel/`` ``{"reason"}``: withdraws a pending offer, frees an assignment.

Rules (lead time, settings the center serves, no contact data in free text) are checked by
:mod:`requests.services`, which reports every problem at once and changes nothing on failure.
An object outside the caller's scope answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from api.serializers import IdField
from core.choices import Gender, Level, Mode, Topic
from core.models import Role
from core.scoping import has_role
from core.services import audit_view
from requests import selectors, services
from requests.models import NOTES_MAX_LENGTH, InterpreterRequest, Priority

#: Largest id accepted anywhere in the input (beyond it no row exists; keeps databases calm).
MAX_ID = 2**31 - 1

REQUEST_STATUSES = ", ".join(InterpreterRequest.Status.values)

PLACE_FORMAT = _(
    "Please give the place as an object with street, postcode and city, "
    "or as the id of one of the center's places."
)


def enum_field(choices: type[models.TextChoices], **kwargs: Any) -> serializers.ChoiceField:
    """A ``ChoiceField`` whose schema is an inline enum.

    The shared choice sets (levels, modes, topics, genders) appear under other field names in
    other resources; as components they would get several names (a schema warning).
    """
    values: list[str | None] = list(choices.values)
    if kwargs.get("allow_blank"):
        values.append("")
    schema: dict[str, Any] = {"type": "string", "enum": values}
    if kwargs.get("allow_null"):
        schema["nullable"] = True
    field_class = extend_schema_field(schema)(
        type(f"{choices.__name__}ChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices.choices, **kwargs)


# --------------------------------------------------------------------------- output


class RequestPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="The registry place, when the request uses one."
    )
    name = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)


class RequestInterpreterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    phone = serializers.CharField(
        help_text="E.164; the center's relay number where the center relays contact."
    )


def request_place(request: InterpreterRequest) -> dict[str, Any] | None:
    """The place of a request as the contract shows it (null when it has none)."""
    registry = request.place
    place = {
        "id": request.place_id,
        "name": request.place_name or (registry.name if registry else ""),
        "street": request.street or (registry.street if registry else ""),
        "postcode": request.postcode or (registry.postcode if registry else ""),
        "city": request.city or (registry.city if registry else ""),
        "lat": request.lat if request.lat is not None else (registry.lat if registry else None),
        "lon": request.lon if request.lon is not None else (registry.lon if registry else None),
    }
    if registry is None and not any(place[key] for key in ("name", "street", "postcode", "city")):
        return None
    return place


class RequestOutputSerializer(serializers.Serializer):
    """The interpreter request, exactly the contract's fields plus a few more."""

    id = serializers.IntegerField()
    center = serializers.IntegerField(source="center_id")
    department = serializers.IntegerField(source="department_id")
    language = serializers.CharField(source="language_id", help_text="Language code, e.g. ar.")
    min_level = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    mode = serializers.CharField(help_text=", ".join(Mode.values))
    place = serializers.SerializerMethodField()
    topic = serializers.CharField()
    minors_involved = serializers.BooleanField()
    gender_preference = serializers.SerializerMethodField()
    # Left out for the interpreter (hide_client_ref): not required in the schema.
    client_ref = serializers.CharField(
        required=False, help_text="Not shown to the interpreter of an assignment."
    )
    priority = serializers.CharField(help_text=", ".join(Priority.values))
    urgency_reason = serializers.CharField()
    notes = serializers.CharField()
    status = serializers.CharField(help_text=REQUEST_STATUSES)
    interpreter = serializers.SerializerMethodField()
    client_cap_reached = serializers.BooleanField(
        help_text="The center's cap of paid assignments for this client is reached."
    )
    cancel_reason = serializers.CharField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(RequestPlaceSerializer(allow_null=True))
    def get_place(self, obj: InterpreterRequest) -> dict[str, Any] | None:
        return request_place(obj)

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="f, m, d or null"))
    def get_gender_preference(self, obj: InterpreterRequest) -> str | None:
        return obj.gender_preference or None

    @extend_schema_field(RequestInterpreterSerializer(allow_null=True))
    def get_interpreter(self, obj: InterpreterRequest) -> dict[str, Any] | None:
        user = self.context.get("user")
        if user is None:
            return None
        return selectors.request_interpreter(request=obj, user=user)

    def to_representation(self, instance: InterpreterRequest) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("hide_client_ref"):
            data.pop("client_ref", None)
        return data


def request_output(request: InterpreterRequest, *, user: Any) -> dict[str, Any]:
    """One request as JSON for ``user``."""
    return RequestOutputSerializer(request, context={"user": user}).data


# --------------------------------------------------------------------------- input


_PLACE_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 200},
                "street": {"type": "string", "maxLength": 200},
                "postcode": {"type": "string", "maxLength": 5},
                "city": {"type": "string", "maxLength": 100},
                "lat": {"type": "number", "minimum": -90, "maximum": 90, "nullable": True},
                "lon": {"type": "number", "minimum": -180, "maximum": 180, "nullable": True},
            },
        },
        {"type": "integer", "description": "Id of a place of the center's registry."},
    ],
    "nullable": True,
    "description": "Required for in_person. lat/lon may be left out when postcode or city "
    "is known to the center's place registry.",
}


class RequestPlaceInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=5, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)


@extend_schema_field(_PLACE_SCHEMA)
class RequestPlaceField(serializers.Field):
    """A place as an object, as the id of a registry place, or null."""

    default_error_messages = {"invalid": PLACE_FORMAT}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, int) and not isinstance(data, bool):
            if not 1 <= data <= MAX_ID:
                self.fail("invalid")
            return {"place": data}
        if isinstance(data, dict):
            nested = RequestPlaceInputSerializer(data=data)
            if not nested.is_valid():
                raise ValidationError(nested.errors)
            values = dict(nested.validated_data)
            if "name" in values:
                values["place_name"] = values.pop("name")
            place_id = values.pop("id", None)
            return {"place": place_id, **values}
        self.fail("invalid")
        raise AssertionError  # unreachable: fail() raises

    def to_representation(self, value: Any) -> Any:
        return value


class RequestInputSerializer(serializers.Serializer):
    """The writable fields; the service checks the rules."""

    language = serializers.CharField(max_length=12, help_text="Language code, e.g. ar.")
    min_level = enum_field(Level, default=Level.B1)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    mode = enum_field(Mode)
    place = RequestPlaceField(required=False)
    topic = enum_field(Topic)
    minors_involved = serializers.BooleanField(default=False)
    gender_preference = enum_field(Gender, allow_null=True, allow_blank=True, default="")
    client_ref = serializers.CharField(max_length=40, allow_blank=True, default="")
    priority = enum_field(Priority, default=Priority.NORMAL)
    urgency_reason = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text="Required for urgent and critical requests: one line why.",
    )
    notes = serializers.CharField(max_length=NOTES_MAX_LENGTH, allow_blank=True, default="")

    def validate_gender_preference(self, value: str | None) -> str:
        return value or ""


def _service_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Serializer output → keyword arguments of ``request_create``/``request_update``."""
    fields = dict(data)
    if "place" in fields:
        place = fields.pop("place")
        if place is None:
            fields.update(
                place=None, place_name="", street="", postcode="", city="", lat=None, lon=None
            )
        else:
            fields.update(place)
    return fields


def may_book(user: Any) -> bool:
    """Caseworkers and coordinators (and admins) work with requests."""
    return has_role(user, Role.CASEWORKER) or has_role(user, Role.COORDINATOR)


# --------------------------------------------------------------------------- views


class RequestListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=InterpreterRequest.Status.choices, required=False, allow_blank=True
        )
        language = serializers.CharField(max_length=12, required=False, allow_blank=True)
        mode = serializers.ChoiceField(choices=Mode.choices, required=False, allow_blank=True)
        date_from = serializers.DateField(required=False, allow_null=True, default=None)
        date_to = serializers.DateField(required=False, allow_null=True, default=None)
        q = serializers.CharField(max_length=40, required=False, allow_blank=True)
        search = serializers.CharField(max_length=40, required=False, allow_blank=True)
        department = IdField(
            min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
        )

        def get_fields(self) -> dict[str, serializers.Field]:
            fields = super().get_fields()
            # ``from`` is a Python keyword: the fields are declared under other names.
            fields["from"] = fields.pop("date_from")
            fields["to"] = fields.pop("date_to")
            return fields

    class InputSerializer(RequestInputSerializer):
        department = IdField(
            min_value=1,
            max_value=MAX_ID,
            required=False,
            allow_null=True,
            help_text="Defaults to the caseworker's own department.",
        )

    @extend_schema(
        operation_id="requests_list",
        parameters=[
            OpenApiParameter("status", str, enum=InterpreterRequest.Status.values),
            OpenApiParameter("language", str, description="Language code, e.g. ar."),
            OpenApiParameter("mode", str, enum=Mode.values),
            OpenApiParameter("from", str, description="First day (YYYY-MM-DD, Europe/Berlin)."),
            OpenApiParameter("to", str, description="Last day (inclusive)."),
            OpenApiParameter("q", str, description="Search in the client reference."),
            OpenApiParameter("search", str, description="The same as q."),
            OpenApiParameter("department", int),
        ],
        responses=RequestOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not may_book(request.user):
            raise PermissionDenied
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        requests_ = selectors.request_list(
            user=request.user,
            status=data.get("status", ""),
            language=data.get("language", ""),
            mode=data.get("mode", ""),
            date_from=data.get("from"),
            date_to=data.get("to"),
            search=(data.get("q") or data.get("search") or "").strip(),
            department=data.get("department"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(requests_, request, view=self)
        return paginator.get_paginated_response(
            RequestOutputSerializer(page, many=True, context={"user": request.user}).data
        )

    @extend_schema(
        operation_id="requests_create",
        request=InputSerializer,
        responses={201: RequestOutputSerializer},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        if not may_book(request.user):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.request_create(
            actor=request.user, **_service_fields(serializer.validated_data)
        )
        fresh = selectors.request_get(user=request.user, pk=created.pk)
        return Response(request_output(fresh, user=request.user), status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    class InputSerializer(RequestInputSerializer):
        department = IdField(
            min_value=1,
            max_value=MAX_ID,
            required=False,
            help_text="Another department of the same center.",
        )

    @extend_schema(operation_id="requests_retrieve", responses=RequestOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        found = selectors.request_get(user=request.user, pk=pk)
        audit_view(actor=request.user, obj=found)
        data = request_output(found, user=request.user)
        assignment = selectors.holding_assignment(found)
        if data["interpreter"] is not None and assignment is not None:
            # The interpreter's name and phone are personal data: who saw them is recorded.
            audit_view(
                actor=request.user, obj=assignment.interpreter.volunteer, center=found.center_id
            )
        return Response(data)

    @extend_schema(
        operation_id="requests_partial_update",
        request=InputSerializer,
        responses=RequestOutputSerializer,
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        found = selectors.request_get(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.request_update(
            actor=request.user, request=found, **_service_fields(serializer.validated_data)
        )
        fresh = selectors.request_get(user=request.user, pk=pk)
        return Response(request_output(fresh, user=request.user))


class RequestCancelApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        operation_id="requests_cancel", request=InputSerializer, responses=RequestOutputSerializer
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        found = selectors.request_get(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.request_cancel(
            actor=request.user, request=found, reason=serializer.validated_data["reason"]
        )
        fresh = selectors.request_get(user=request.user, pk=pk)
        return Response(request_output(fresh, user=request.user))


urlpatterns = [
    path("requests/", RequestListApi.as_view(), name="api-requests"),
    path("requests/<int:pk>/", RequestDetailApi.as_view(), name="api-request-detail"),
    path("requests/<int:pk>/cancel/", RequestCancelApi.as_view(), name="api-request-cancel"),
]
