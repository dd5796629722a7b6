"""``/api/v1/interpreters/``: the Sprachpool.

Coordinators list, create and change the interpreters of their centers; an
interpreter reads and changes their own profile (not the coordinator-only
fields). Languages and weekly availability are nested, readable and writable;
writes go through the volunteer registry's services.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import SearchField, flag, parse_query
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from api.serializers import (
    IdField,
    LanguageSkillSerializer,
    PaperworkSummarySerializer,
    SlotSerializer,
    availability_field,
    language_pairs,
    languages_field,
    slot_tuples,
    validate_all_at_once,
)
from core.choices import Gender, Level, Mode, Topic
from core.models import Role
from core.params import parse_id
from core.scoping import center_ids_for, has_role, is_admin
from sprachpool import selectors, services
from sprachpool.models import MAX_EXCLUDED_CLIENTS, MAX_TRAVEL_KM, InterpreterProfile
from volunteers import selectors as volunteer_selectors
from volunteers.models import Volunteer
from volunteers.services import volunteer_viewed

#: Fields only a coordinator may change; an interpreter sending them gets 403.
COORDINATOR_ONLY_FIELDS = (
    "excluded_clients",
    "is_active",
    "qualification",
    "allowance_tier",
    "kind",
)


class InterpreterOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    volunteer = serializers.IntegerField(source="volunteer_id")
    center = serializers.IntegerField(source="volunteer.center_id")
    display_name = serializers.CharField(source="volunteer.display_name")
    town = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()
    kind = serializers.CharField()
    qualification = serializers.CharField()
    modes = serializers.ListField(child=serializers.CharField())
    max_travel_km = serializers.IntegerField()
    gender = serializers.SerializerMethodField()
    # Only for the coordinators of the interpreter's center: not required in the schema.
    excluded_clients = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Shown to the coordinators of the interpreter's center only.",
    )
    declined_topics = serializers.ListField(child=serializers.CharField())
    allowance_tier = serializers.CharField()
    is_active = serializers.BooleanField()
    paperwork = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_town(self, profile: InterpreterProfile) -> str | None:
        place = profile.volunteer.home_place
        return place.name if place else None

    @extend_schema_field(LanguageSkillSerializer(many=True))
    def get_languages(self, profile: InterpreterProfile) -> list[dict[str, str]]:
        skills = sorted(profile.volunteer.languages.all(), key=lambda s: s.language_id)
        return cast(list[dict[str, str]], LanguageSkillSerializer(skills, many=True).data)

    @extend_schema_field(SlotSerializer(many=True))
    def get_availability(self, profile: InterpreterProfile) -> list[dict[str, Any]]:
        slots = sorted(
            profile.volunteer.weekly_slots.all(), key=lambda s: (s.weekday, s.start_time)
        )
        return cast(list[dict[str, Any]], SlotSerializer(slots, many=True).data)

    @extend_schema_field(serializers.ChoiceField(choices=Gender.choices, allow_null=True))
    def get_gender(self, profile: InterpreterProfile) -> str | None:
        return profile.gender or None

    @extend_schema_field(PaperworkSummarySerializer)
    def get_paperwork(self, profile: InterpreterProfile) -> dict[str, Any]:
        statuses = self.context.get("paperwork") or {}
        paperwork = statuses.get(profile.volunteer_id)
        if paperwork is None:
            paperwork = volunteer_selectors.paperwork_status(volunteer=profile.volunteer)
        return PaperworkSummarySerializer(paperwork).data

    def to_representation(self, instance: InterpreterProfile) -> dict[str, Any]:
        data = super().to_representation(instance)
        coordinated = self.context.get("coordinated_centers")
        if coordinated is not None and instance.volunteer.center_id not in coordinated:
            data.pop("excluded_clients", None)
        return data


def _coordinated_centers(user: Any) -> set[int] | None:
    """Centers the user coordinates; ``None`` for admins (all)."""
    if is_admin(user):
        return None
    return center_ids_for(user, roles=[Role.COORDINATOR])


def _output(
    profiles: list[InterpreterProfile], *, user: Any, many: bool
) -> list[dict[str, Any]] | dict[str, Any]:
    paperwork = volunteer_selectors.paperwork_status_for(volunteers=[p.volunteer for p in profiles])
    context = {"paperwork": paperwork, "coordinated_centers": _coordinated_centers(user)}
    if many:
        return InterpreterOutputSerializer(profiles, many=True, context=context).data
    return InterpreterOutputSerializer(profiles[0], context=context).data


class _ProfileInputSerializer(serializers.Serializer):
    """Fields create and update share; nested lists are replaced as a whole."""

    kind = serializers.ChoiceField(choices=InterpreterProfile.Kind.choices, required=False)
    qualification = serializers.ChoiceField(
        choices=InterpreterProfile.Qualification.choices, required=False
    )
    modes = serializers.ListField(
        child=serializers.ChoiceField(choices=Mode.choices),
        allow_empty=False,
        max_length=len(Mode.choices),
        required=False,
    )
    max_travel_km = serializers.IntegerField(min_value=0, max_value=MAX_TRAVEL_KM, required=False)
    gender = serializers.ChoiceField(
        choices=Gender.choices, allow_null=True, allow_blank=True, required=False
    )
    excluded_clients = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=MAX_EXCLUDED_CLIENTS,
        required=False,
    )
    declined_topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices),
        max_length=len(Topic.choices),
        required=False,
    )
    allowance_tier = serializers.ChoiceField(
        choices=InterpreterProfile.AllowanceTier.choices, required=False
    )
    is_active = serializers.BooleanField(required=False)
    languages = languages_field(required=False)
    availability = availability_field(required=False)

    def validate_gender(self, value: str | None) -> str:
        return value or ""


def _service_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """Serializer output → keyword arguments of the services."""
    args = dict(data)
    if "languages" in args:
        args["languages"] = language_pairs(args["languages"])
    if "availability" in args:
        args["availability"] = slot_tuples(args["availability"])
    return args


def _volunteer_for_create(request: AuthenticatedRequest, volunteer_id: int) -> Volunteer:
    """A volunteer of a center the caller coordinates.

    :raises ValidationError: (Django's) ``{"volunteer": [...]}`` for any other.
    """
    volunteer = (
        Volunteer.objects.for_user(request.user, roles=[Role.COORDINATOR])
        .filter(pk=volunteer_id)
        .first()
    )
    if volunteer is None:
        raise ValidationError({"volunteer": [_("Unknown volunteer.")]})
    return volunteer


def _may_use_pool(user: Any) -> bool:
    return is_admin(user) or bool(center_ids_for(user, roles=[Role.COORDINATOR, Role.VOLUNTEER]))


class InterpreterListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = SearchField(help_text="Part of the name")
        language = SearchField(max_length=12, help_text="Language code, e.g. ar")
        # allow_blank: an empty ``?mode=`` means "any", as DRF reads query strings (and
        # the schema says so, schemathesis checks it).
        min_level = serializers.ChoiceField(
            choices=Level.choices,
            required=False,
            allow_blank=True,
            help_text="With language: at least this level",
        )
        mode = serializers.ChoiceField(choices=Mode.choices, required=False, allow_blank=True)
        town = SearchField(max_length=200, help_text="Home town: place id or name")
        qualification = serializers.ChoiceField(
            choices=InterpreterProfile.Qualification.choices, required=False, allow_blank=True
        )
        active = flag()
        cleared = flag(help_text="Paperwork cleared for offers")

    class InputSerializer(_ProfileInputSerializer):
        volunteer = IdField()

    @extend_schema(parameters=[FilterSerializer], responses=InterpreterOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        if not _may_use_pool(request.user):
            raise PermissionDenied
        data = parse_query(self.FilterSerializer, request)
        town = data["town"]
        town_id = parse_id(town)
        profiles = selectors.interpreter_list(
            user=request.user,
            search=data["q"],
            language=data["language"],
            min_level=data.get("min_level", ""),
            mode=data.get("mode", ""),
            qualification=data.get("qualification", ""),
            town=town_id,
            town_name="" if town_id is not None else town,
            active=data["active"],
            cleared=data["cleared"],
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(profiles, request, view=self)
        return paginator.get_paginated_response(
            _output(list(page or []), user=request.user, many=True)
        )

    @extend_schema(request=InputSerializer, responses={201: InterpreterOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not has_role(request.user, Role.COORDINATOR):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)

        def create(data: dict[str, Any]) -> InterpreterProfile | None:
            args = _service_arguments(data)
            if "volunteer" not in args:
                return None  # only when checking: the serializer names it
            volunteer = _volunteer_for_create(request, args.pop("volunteer"))
            return services.interpreter_profile_create(
                actor=request.user, volunteer=volunteer, **args
            )

        # The validated data always has the volunteer, so a profile is created.
        profile = cast(InterpreterProfile, create(validate_all_at_once(serializer, create)))
        return Response(
            _output(_reload(profile), user=request.user, many=False),
            status=status.HTTP_201_CREATED,
        )


def _reload(profile: InterpreterProfile) -> list[InterpreterProfile]:
    return list(
        selectors.interpreter_with_details(InterpreterProfile.objects.filter(pk=profile.pk))
    )


class InterpreterDetailApi(APIView):
    class InputSerializer(_ProfileInputSerializer):
        pass

    @extend_schema(responses=InterpreterOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        profile = get_object_or_404(selectors.interpreter_list(user=request.user), pk=pk)
        volunteer_viewed(actor=request.user, volunteer=profile.volunteer)
        return Response(_output([profile], user=request.user, many=False))

    @extend_schema(request=InputSerializer, responses=InterpreterOutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        profile = get_object_or_404(selectors.interpreter_list(user=request.user), pk=pk)
        # What the interpreter themself may change is the service's rule (self-edit policy).
        serializer = self.InputSerializer(data=request.data, partial=True)

        def update(data: dict[str, Any]) -> InterpreterProfile:
            return services.interpreter_profile_update(
                actor=request.user, profile=profile, **_service_arguments(data)
            )

        profile = update(validate_all_at_once(serializer, update))
        return Response(_output(_reload(profile), user=request.user, many=False))


urlpatterns = [
    path("interpreters/", InterpreterListApi.as_view(), name="api-interpreters"),
    path("interpreters/<int:pk>/", InterpreterDetailApi.as_view(), name="api-interpreter-detail"),
]
