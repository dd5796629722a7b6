"""``/api/v1/volunteers/``: the volunteer registry.

- ``POST register/``: anonymous self-registration, throttled per client address
  (scope ``register``, rate ``THROTTLE_REGISTER``); answers 202 with a message only, the
  same when the address or user name is registered already (the e-mail says what
  happened, see ``volunteers.services.volunteer_register``). The username and password are
  chosen here; the login works at once and sees its own record; the ``volunteer``
  membership follows at approval. A confirmation e-mail with a signed link
  (valid 7 days) is sent; the record enters the approval queue once confirmed.
- ``GET``/``POST`` list: coordinators (their centers); a volunteer sees only self
  (one row); anyone else gets 403.
- ``GET``/``PATCH``/``DELETE {id}/``: coordinators; a volunteer may read and PATCH
  their own contact data, interests, languages and availability. Out of scope → 404.
  A PATCH with a new ``email`` clears ``email_confirmed_at`` until the link mailed to the
  new address is opened (the previous address gets a notice), as on the web pages.
  ``DELETE`` anonymises: personal fields are erased, the status becomes ``left``;
  languages, town and interests stay for statistics (answers 204).
- ``POST {id}/approve/`` (coordinator; ``met_in_person`` for unconfirmed registrations),
  ``POST {id}/activate|pause|resume|leave/`` (coordinator; pause/resume also self).
- ``{id}/absences/`` GET/POST and ``{id}/absences/{absence_id}/`` DELETE (coordinator, self).

Phone numbers are E.164 in both directions (input may be national, e.g. "0151 23456789").
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.centers import center_for_create
from api.filters import SearchField, parse_query
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from api.serializers import (
    IdField,
    LanguageSkillSerializer,
    PaperworkSerializer,
    SlotSerializer,
    availability_field,
    language_pairs,
    languages_field,
    slot_tuples,
    validate_all_at_once,
)
from core.models import Center, Role
from core.params import parse_id
from core.scoping import has_role
from volunteers import selectors, services
from volunteers.models import Absence, Interest, Volunteer
from volunteers.privacy import (
    PRIVACY_NOTICE_VERSION,
    REGISTERED_MESSAGE,
    SELF_EDIT_FORBIDDEN,
    UNKNOWN_CENTER,
)
from volunteers.throttling import RegistrationThrottle

# --------------------------------------------------------------------------- serializers


class AbsenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(help_text="Last day (inclusive).")
    reason = serializers.ChoiceField(choices=Absence.Reason.choices, default=Absence.Reason.OTHER)


class VolunteerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    center = serializers.IntegerField(source="center_id")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField(help_text="E.164")
    place = serializers.IntegerField(source="home_place_id", allow_null=True)
    town = serializers.CharField(source="home_place.name", allow_null=True, default=None)
    postcode = serializers.CharField()
    home_lat = serializers.FloatField(allow_null=True)
    home_lon = serializers.FloatField(allow_null=True)
    interests = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    confirmed_via = serializers.CharField()
    email_confirmed_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    status_changed_at = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField(allow_null=True)
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    languages = LanguageSkillSerializer(many=True, source="languages.all")
    availability = SlotSerializer(many=True, source="weekly_slots.all")
    absences = AbsenceSerializer(many=True, source="absences.all")
    paperwork = serializers.SerializerMethodField()

    @extend_schema_field(PaperworkSerializer)
    def get_paperwork(self, obj: Volunteer) -> dict[str, Any]:
        statuses = self.context.get("paperwork") or {}
        status_ = statuses.get(obj.pk) or selectors.paperwork_status(volunteer=obj)
        return PaperworkSerializer(status_).data


def _with_parts(volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    return volunteers.prefetch_related("languages", "weekly_slots", "absences")


def _output(volunteer: Volunteer) -> dict[str, Any]:
    fresh = _with_parts(Volunteer.objects.select_related("home_place")).get(pk=volunteer.pk)
    return VolunteerOutputSerializer(fresh).data


def _scoped(request: AuthenticatedRequest) -> QuerySet[Volunteer]:
    return selectors.volunteer_list(user=request.user)


def _is_coordinator_of(request: AuthenticatedRequest, volunteer: Volunteer) -> bool:
    return has_role(request.user, Role.COORDINATOR, center_id=volunteer.center_id)


def _is_self(request: AuthenticatedRequest, volunteer: Volunteer) -> bool:
    return volunteer.user_id is not None and volunteer.user_id == request.user.pk


# --------------------------------------------------------------------------- registration


class VolunteerRegisterApi(APIView):
    """Public self-registration (anonymous, throttled per client address)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [RegistrationThrottle]
    throttle_scope = "register"

    class InputSerializer(serializers.Serializer):
        # Only the shape is checked here. Formats and lengths (names at most 100 characters,
        # e-mail, phone) are checked by the service, which reports every problem at once.
        center = serializers.CharField(max_length=60, help_text="Id or slug of the center.")
        first_name = serializers.CharField(help_text="At most 100 characters.")
        last_name = serializers.CharField(help_text="At most 100 characters.")
        email = serializers.CharField(help_text="An e-mail address; confirmed by a link.")
        phone = serializers.CharField(help_text="German or international, e.g. 0151 23456789.")
        place = IdField(required=False, allow_null=True)
        postcode = serializers.CharField(max_length=5, required=False, allow_blank=True)
        languages = languages_field()
        interests = serializers.ListField(
            child=serializers.ChoiceField(choices=Interest.choices), max_length=10, default=list
        )
        availability = availability_field(default=list)
        privacy_consent = serializers.BooleanField()
        privacy_version = serializers.CharField(
            max_length=40,
            default=PRIVACY_NOTICE_VERSION,
            help_text="Version of the privacy notice the person agreed to (see /privacy/); "
            "the current version when left out.",
        )
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        # Only a message: the answer is the same whether the address or user name was
        # registered already (the e-mail tells the person), so it reveals nobody.
        detail = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        center = _center_by_id_or_slug(data.pop("center"))
        services.volunteer_register(
            center=center,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            place=data.get("place"),
            postcode=data.get("postcode", ""),
            languages=language_pairs(data["languages"]) or [],
            interests=data["interests"],
            availability=slot_tuples(data["availability"]) or [],
            privacy_consent=data["privacy_consent"],
            privacy_version=data["privacy_version"],
            username=data["username"],
            password=data["password"],
        )
        body = self.OutputSerializer({"detail": str(REGISTERED_MESSAGE)}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _center_by_id_or_slug(value: str) -> Center:
    value = value.strip()
    center_id = parse_id(value)
    center = (
        Center.objects.filter(pk=center_id).first()
        if center_id is not None
        else Center.objects.filter(slug=value).first()
    )
    if center is None:
        raise ValidationError({"center": [str(UNKNOWN_CENTER)]})
    return center


# --------------------------------------------------------------------------- list, detail


class VolunteerInputSerializer(serializers.Serializer):
    """Writable fields (all optional on PATCH)."""

    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    place = IdField(required=False, allow_null=True)
    postcode = serializers.CharField(max_length=5, required=False, allow_blank=True)
    home_lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    home_lon = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    interests = serializers.ListField(
        child=serializers.ChoiceField(choices=Interest.choices), max_length=10, required=False
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    languages = languages_field(required=False)
    availability = availability_field(required=False)


#: What a volunteer may PATCH on their own record.
SELF_WRITABLE = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "place",
    "postcode",
    "interests",
    "languages",
    "availability",
}


#: Service field names → the API's.
FIELD_MAP = {"home_place": "place"}


def _service_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validated input as keyword arguments of ``volunteer_create``/``volunteer_change``."""
    fields = dict(data)
    if "place" in fields:
        fields["home_place"] = fields.pop("place")
    if "languages" in fields:
        fields["languages"] = language_pairs(fields["languages"])
    if "availability" in fields:
        fields["availability"] = slot_tuples(fields["availability"])
    return fields


class VolunteerListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = SearchField(help_text="Part of name, e-mail or phone.")
        status = serializers.ChoiceField(
            choices=Volunteer.Status.choices, required=False, allow_blank=True, default=""
        )
        language = SearchField(max_length=12, help_text="Language code, e.g. ar.")
        place = IdField(required=False, allow_null=True, default=None, help_text="Id of the town.")
        interest = serializers.ChoiceField(
            choices=Interest.choices, required=False, allow_blank=True, default=""
        )

    class CreateInputSerializer(VolunteerInputSerializer):
        center = IdField(required=False)

    @extend_schema(parameters=[FilterSerializer], responses=VolunteerOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        if not selectors.may_list_volunteers(user=request.user):
            raise PermissionDenied
        filters = parse_query(self.FilterSerializer, request)
        volunteers = selectors.volunteer_list(
            user=request.user,
            search=filters["q"],
            status=filters["status"],
            language=filters["language"],
            place_id=filters["place"],
            interest=filters["interest"],
        )
        paginator = PageNumberPagination()
        # Our paginator always has a page size, so DRF returns a page, never None.
        page = cast(
            list[Volunteer],
            paginator.paginate_queryset(_with_parts(volunteers), request, view=self),
        )
        context = {"paperwork": selectors.paperwork_status_for(volunteers=page)}
        return paginator.get_paginated_response(
            VolunteerOutputSerializer(page, many=True, context=context).data
        )

    @extend_schema(request=CreateInputSerializer, responses={201: VolunteerOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not has_role(request.user, Role.COORDINATOR):
            raise PermissionDenied
        serializer = self.CreateInputSerializer(data=request.data)

        def check(parsed: dict[str, Any]) -> object:
            fields = _service_fields(parsed)
            try:
                center = center_for_create(
                    user=request.user, role=Role.COORDINATOR, center_id=fields.pop("center", None)
                )
            except APIException:
                return None  # the center's own error is the serializer's or comes below
            return services.volunteer_create(
                actor=request.user,
                center=center,
                **{"first_name": "", "last_name": "", "email": "", **fields},
            )

        data = validate_all_at_once(serializer, check, field_map=FIELD_MAP)
        center = center_for_create(
            user=request.user, role=Role.COORDINATOR, center_id=data.pop("center", None)
        )
        volunteer = services.volunteer_create(
            actor=request.user, center=center, **_service_fields(data)
        )
        return Response(_output(volunteer), status=status.HTTP_201_CREATED)


class VolunteerDetailApi(APIView):
    @extend_schema(responses=VolunteerOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        volunteer = get_object_or_404(_with_parts(_scoped(request)), pk=pk)
        services.volunteer_viewed(actor=request.user, volunteer=volunteer)
        return Response(VolunteerOutputSerializer(volunteer).data)

    @extend_schema(request=VolunteerInputSerializer, responses=VolunteerOutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        volunteer = get_object_or_404(_scoped(request), pk=pk)
        serializer = VolunteerInputSerializer(data=request.data, partial=True)
        data = validate_all_at_once(
            serializer,
            lambda parsed: services.volunteer_change(
                actor=request.user, volunteer=volunteer, **_service_fields(parsed)
            ),
            field_map=FIELD_MAP,
        )
        if not _is_coordinator_of(request, volunteer):
            if not _is_self(request, volunteer):
                raise PermissionDenied
            forbidden = sorted(set(data) - SELF_WRITABLE)
            if forbidden:
                raise PermissionDenied(str(SELF_EDIT_FORBIDDEN))
        volunteer = services.volunteer_change(
            actor=request.user, volunteer=volunteer, **_service_fields(data)
        )
        return Response(_output(volunteer))

    @extend_schema(responses={204: None})
    def delete(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Anonymise: personal data erased, status ``left``; statistics survive."""
        volunteer = get_object_or_404(_scoped(request), pk=pk)
        if not _is_coordinator_of(request, volunteer):
            raise PermissionDenied
        services.volunteer_anonymise(actor=request.user, volunteer=volunteer)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VolunteerApproveApi(APIView):
    class InputSerializer(serializers.Serializer):
        met_in_person = serializers.BooleanField(
            default=False,
            help_text="Required for a registration whose e-mail is not confirmed yet.",
        )

    @extend_schema(request=InputSerializer, responses=VolunteerOutputSerializer)
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        volunteer = get_object_or_404(_scoped(request), pk=pk)
        if not _is_coordinator_of(request, volunteer):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        volunteer = services.volunteer_approve(
            actor=request.user,
            volunteer=volunteer,
            met_in_person=serializer.validated_data["met_in_person"],
        )
        return Response(_output(volunteer))


class VolunteerTransitionApi(APIView):
    """``activate``, ``pause``, ``resume``, ``leave``: coordinators; pause/resume also self."""

    action_name = ""
    SELF_ACTIONS = {"pause", "resume"}
    SERVICES = {
        "activate": services.volunteer_activate,
        "pause": services.volunteer_pause,
        "resume": services.volunteer_resume,
        "leave": services.volunteer_leave,
    }

    @extend_schema(request=None, responses=VolunteerOutputSerializer)
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        volunteer = get_object_or_404(_scoped(request), pk=pk)
        allowed = _is_coordinator_of(request, volunteer) or (
            self.action_name in self.SELF_ACTIONS and _is_self(request, volunteer)
        )
        if not allowed:
            raise PermissionDenied
        volunteer = self.SERVICES[self.action_name](actor=request.user, volunteer=volunteer)
        return Response(_output(volunteer))


# --------------------------------------------------------------------------- absences


def _writable_volunteer(request: AuthenticatedRequest, pk: int) -> Volunteer:
    volunteer = get_object_or_404(_scoped(request), pk=pk)
    if not (_is_coordinator_of(request, volunteer) or _is_self(request, volunteer)):
        raise PermissionDenied
    return volunteer


class VolunteerAbsenceListApi(APIView):
    @extend_schema(responses=AbsenceSerializer(many=True))
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        volunteer = get_object_or_404(_scoped(request), pk=pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            volunteer.absences.order_by("-start_date"), request, view=self
        )
        return paginator.get_paginated_response(AbsenceSerializer(page, many=True).data)

    @extend_schema(request=AbsenceSerializer, responses={201: AbsenceSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        volunteer = _writable_volunteer(request, pk)
        serializer = AbsenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        absence = services.absence_add(
            actor=request.user, volunteer=volunteer, **serializer.validated_data
        )
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class VolunteerAbsenceDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: AuthenticatedRequest, pk: int, absence_id: int) -> Response:
        volunteer = _writable_volunteer(request, pk)
        absence = get_object_or_404(volunteer.absences.select_related("volunteer"), pk=absence_id)
        services.absence_remove(actor=request.user, absence=absence)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("volunteers/register/", VolunteerRegisterApi.as_view(), name="api-volunteer-register"),
    path("volunteers/", VolunteerListApi.as_view(), name="api-volunteers"),
    path("volunteers/<int:pk>/", VolunteerDetailApi.as_view(), name="api-volunteer-detail"),
    path(
        "volunteers/<int:pk>/approve/",
        VolunteerApproveApi.as_view(),
        name="api-volunteer-approve",
    ),
    *[
        path(
            f"volunteers/<int:pk>/{action}/",
            VolunteerTransitionApi.as_view(action_name=action),
            name=f"api-volunteer-{action}",
        )
        for action in ("activate", "pause", "resume", "leave")
    ],
    path(
        "volunteers/<int:pk>/absences/",
        VolunteerAbsenceListApi.as_view(),
        name="api-volunteer-absences",
    ),
    path(
        "volunteers/<int:pk>/absences/<int:absence_id>/",
        VolunteerAbsenceDetailApi.as_view(),
        name="api-volunteer-absence-detail",
    ),
]
