"""``/api/v1/networks/``, ``/api/v1/sponsorships/`` (with nested check-ins) and
``/api/v1/households/``.

Coordinators see and change everything of their centers; a network lead sees only the
networks they lead and works within them (households, sponsorships, check-ins) and may
change their network's description. Caseworkers and volunteers get 403 on the lists;
objects outside the caller's scope are 404. Households appear only by pseudonymous
reference with size, languages, town and needs.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.centers import center_for_create
from api.filters import SearchField, flag, parse_query
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest, IsCoordinator
from api.serializers import IdField, LanguageSkillSerializer, service_call, validate_all_at_once
from core.models import Language, Place, Role
from core.validators import PSEUDONYM_MAX_LENGTH, validate_household_reference
from networks import selectors, services
from networks.models import (
    CHECK_IN_NOTE_MAX_LENGTH,
    END_NOTE_MAX_LENGTH,
    CheckIn,
    Household,
    Need,
    Network,
    Sponsorship,
)
from volunteers.models import Volunteer

UNKNOWN_NETWORK = gettext_lazy("Unknown network.")
UNKNOWN_HOUSEHOLD = gettext_lazy("Unknown household in this network.")
UNKNOWN_PATE = gettext_lazy("Unknown Pate in this network.")


def _require_network_user(request: AuthenticatedRequest) -> None:
    if not selectors.is_network_user(request.user):
        raise PermissionDenied


def _network_or_none(request: AuthenticatedRequest, network_id: int | None) -> Network | None:
    """A network the caller may see, or ``None``."""
    if network_id is None:
        return None
    return selectors.network_list(user=request.user).filter(pk=network_id).first()


def _filter_network(request: AuthenticatedRequest, network_id: int | None) -> Network | None:
    """The network a list is filtered by (``None``: all).

    :raises ValidationError: ``{"network": [...]}`` for a network the caller cannot see.
    """
    network = _network_or_none(request, network_id)
    if network_id is not None and network is None:
        raise ValidationError({"network": [UNKNOWN_NETWORK]})
    return network


def _visible_network(request: AuthenticatedRequest, network_id: int) -> Network:
    """:raises ValidationError: ``{"network": [...]}`` for a network the caller cannot see."""
    network = _network_or_none(request, network_id)
    if network is None:
        raise ValidationError({"network": [UNKNOWN_NETWORK]})
    return network


def _pate_or_none(network: Network | int, pate_id: int) -> Volunteer | None:
    """A volunteer who is a member of ``network``, or ``None``."""
    return Volunteer.objects.filter(pk=pate_id, network_memberships__network=network).first()


# --- serializers ----------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class ScopedPlaceField(serializers.PrimaryKeyRelatedField):
    """A place of the caller's centers (others are unknown)."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("Unknown place."),
        "incorrect_type": gettext_lazy("A place is given by its number."),
    }

    def get_queryset(self) -> QuerySet[Place]:
        return Place.objects.for_user(self.context["request"].user)


class LeadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class NetworkOutputSerializer(serializers.ModelSerializer):
    town = serializers.SerializerMethodField()
    leads = serializers.SerializerMethodField()
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Network
        fields = [
            "id",
            "center",
            "name",
            "town",
            "district",
            "description",
            "is_active",
            "leads",
            "member_count",
            "created_at",
        ]

    def get_town(self, obj: Network) -> dict[str, Any] | None:
        return {"id": obj.town_id, "name": obj.town.name} if obj.town is not None else None

    def get_leads(self, obj: Network) -> list[dict[str, Any]]:
        return [{"id": u.pk, "display_name": u.display_name} for u in obj.leads.all()]

    def get_member_count(self, obj: Network) -> int:
        # Lists come annotated (selectors.network_list); a single network is counted.
        annotated = getattr(obj, "active_member_count", None)
        if annotated is not None:
            return int(annotated)
        return obj.members.filter(active=True).count()


class HouseholdOutputSerializer(serializers.ModelSerializer):
    languages = serializers.SerializerMethodField()
    town = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "network",
            "reference",
            "size",
            "languages",
            "town",
            "needs",
            "children",
            "waiting_since",
            "is_active",
        ]

    def get_languages(self, obj: Household) -> list[str]:
        return sorted(lang.pk for lang in obj.languages.all())

    def get_town(self, obj: Household) -> dict[str, Any] | None:
        return {"id": obj.town_id, "name": obj.town.name} if obj.town is not None else None


class CheckInOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = ["id", "date", "note", "follow_up_needed", "created_at"]


class SponsorshipOutputSerializer(serializers.ModelSerializer):
    pate = serializers.SerializerMethodField()
    household = HouseholdOutputSerializer()
    check_ins = CheckInOutputSerializer(many=True)
    last_contact = serializers.SerializerMethodField()

    class Meta:
        model = Sponsorship
        fields = [
            "id",
            "network",
            "pate",
            "household",
            "status",
            "intro_talk_on",
            "first_meeting_on",
            "trial_meetings",
            "started_on",
            "ended_on",
            "end_reason",
            "end_note",
            "last_contact",
            "check_ins",
            "created_at",
        ]

    def get_pate(self, obj: Sponsorship) -> dict[str, Any]:
        return {
            "id": obj.pate_id,
            "display_name": obj.pate.display_name,
            "languages": LanguageSkillSerializer(obj.pate.languages.all(), many=True).data,
        }

    def get_last_contact(self, obj: Sponsorship) -> str | None:
        value = getattr(obj, "last_contact", None)
        if value is None:
            dates = [c.date for c in obj.check_ins.all()]
            value = max(dates) if dates else obj.started_on
        return value.isoformat() if value else None


def _sponsorship_queryset(request: AuthenticatedRequest) -> QuerySet[Sponsorship]:
    return selectors.sponsorship_list(user=request.user).prefetch_related(
        "check_ins", "household__languages", "household__town", "pate__languages"
    )


# --- networks -------------------------------------------------------------------------


class NetworkListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = SearchField()
        active = flag()

    class InputSerializer(serializers.Serializer):
        center = IdField(required=False)
        name = serializers.CharField(max_length=200)
        town = ScopedPlaceField(required=False, allow_null=True)
        district = serializers.CharField(max_length=200, required=False, allow_blank=True)
        description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        is_active = serializers.BooleanField(default=True)

    @extend_schema(parameters=[FilterSerializer], responses=NetworkOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        filters = parse_query(self.FilterSerializer, request)
        networks = selectors.network_list(
            user=request.user, search=filters["q"], active=filters["active"]
        ).prefetch_related("leads")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(networks, request, view=self)
        return paginator.get_paginated_response(NetworkOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: NetworkOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not IsCoordinator().has_permission(request, self):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data, context={"request": request})

        def create(data: dict[str, Any], *, checking: bool = False) -> Network | None:
            fields = dict(data)
            try:
                center = center_for_create(
                    user=request.user, role=Role.COORDINATOR, center_id=fields.pop("center", None)
                )
            except APIException:
                if checking:
                    return None  # the center's own error is the serializer's or comes below
                raise
            return services.network_create(
                actor=request.user, center=center, **{"name": "", **fields}
            )

        data = validate_all_at_once(serializer, lambda parsed: create(parsed, checking=True))
        network = create(data)
        return Response(NetworkOutputSerializer(network).data, status=status.HTTP_201_CREATED)


class NetworkDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        town = ScopedPlaceField(required=False, allow_null=True)
        district = serializers.CharField(max_length=200, required=False, allow_blank=True)
        description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(responses=NetworkOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        network = get_object_or_404(selectors.network_list(user=request.user), pk=pk)
        return Response(NetworkOutputSerializer(network).data)

    @extend_schema(request=InputSerializer, responses=NetworkOutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        network = get_object_or_404(selectors.network_list(user=request.user), pk=pk)
        serializer = self.InputSerializer(
            data=request.data, partial=True, context={"request": request}
        )

        def update(data: dict[str, Any]) -> Network:
            # Who may change what (a network lead only the description) is the service's rule.
            return services.network_update(
                actor=request.user, network=Network.objects.get(pk=network.pk), **data
            )

        network = update(validate_all_at_once(serializer, update))
        return Response(NetworkOutputSerializer(network).data)


# --- households -----------------------------------------------------------------------


class HouseholdInputSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=PSEUDONYM_MAX_LENGTH, validators=[validate_household_reference]
    )
    size = serializers.IntegerField(min_value=1, max_value=20, default=1)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=12), required=False, max_length=20
    )
    town = ScopedPlaceField(required=False, allow_null=True)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.choices), required=False, max_length=20
    )
    children = serializers.BooleanField(required=False)
    waiting_since = serializers.DateField(required=False)

    def validate_languages(self, value: list[str]) -> list[str]:
        known = set(Language.objects.filter(pk__in=value).values_list("pk", flat=True))
        unknown = [code for code in value if code not in known]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown language: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return value


class HouseholdListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = SearchField()
        network = IdField(required=False, allow_null=True, default=None)
        waiting = flag()

    class InputSerializer(HouseholdInputSerializer):
        network = IdField()

    @extend_schema(parameters=[FilterSerializer], responses=HouseholdOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        filters = parse_query(self.FilterSerializer, request)
        households = selectors.household_list(
            user=request.user,
            network=_filter_network(request, filters["network"]),
            search=filters["q"],
            waiting=filters["waiting"],
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(households, request, view=self)
        return paginator.get_paginated_response(HouseholdOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: HouseholdOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        serializer = self.InputSerializer(data=request.data, context={"request": request})

        def create(data: dict[str, Any]) -> Household | None:
            fields = dict(data)
            if "network" not in fields:
                return None  # only when checking: the serializer names it
            network = _visible_network(request, fields.pop("network"))
            return services.household_create(
                actor=request.user, network=network, **{"reference": "", **fields}
            )

        household = create(validate_all_at_once(serializer, create))
        return Response(HouseholdOutputSerializer(household).data, status=status.HTTP_201_CREATED)


class HouseholdDetailApi(APIView):
    class InputSerializer(HouseholdInputSerializer):
        network = IdField(required=False)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(responses=HouseholdOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        household = get_object_or_404(selectors.household_list(user=request.user), pk=pk)
        return Response(HouseholdOutputSerializer(household).data)

    @extend_schema(request=InputSerializer, responses=HouseholdOutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        household = get_object_or_404(selectors.household_list(user=request.user), pk=pk)
        serializer = self.InputSerializer(
            data=request.data, partial=True, context={"request": request}
        )

        def update(data: dict[str, Any]) -> Household:
            fields = dict(data)
            problems: dict[str, list[Any]] = {}
            if "network" in fields:
                network = _network_or_none(request, fields.pop("network"))
                if network is None:
                    problems["network"] = [UNKNOWN_NETWORK]
                else:
                    fields["network"] = network
            return service_call(
                lambda: services.household_update(
                    actor=request.user, household=Household.objects.get(pk=household.pk), **fields
                ),
                problems=problems,
            )

        household = update(validate_all_at_once(serializer, update))
        return Response(HouseholdOutputSerializer(household).data)


# --- sponsorships ---------------------------------------------------------------------


class SponsorshipListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = SearchField()
        network = IdField(required=False, allow_null=True, default=None)
        status = serializers.ChoiceField(
            choices=[*Sponsorship.Status.choices, ("open", "open")],
            required=False,
            allow_blank=True,
            default="",
            help_text="A status, or open (not ended).",
        )
        quiet = flag(help_text="No check-in for 8 weeks")

    class InputSerializer(serializers.Serializer):
        network = IdField()
        household = IdField()
        pate = IdField()

    @extend_schema(parameters=[FilterSerializer], responses=SponsorshipOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        filters = parse_query(self.FilterSerializer, request)
        sponsorships = (
            selectors.sponsorship_list(
                user=request.user,
                network=_filter_network(request, filters["network"]),
                status=filters["status"],
                quiet=bool(filters["quiet"]),
                search=filters["q"],
            )
            .select_related("household__town")
            .prefetch_related("check_ins", "household__languages", "pate__languages")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(sponsorships, request, view=self)
        return paginator.get_paginated_response(SponsorshipOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: SponsorshipOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        serializer = self.InputSerializer(data=request.data)

        def create(data: dict[str, Any]) -> Sponsorship | None:
            if "network" not in data:
                return None  # only when checking: the serializer names it
            network = _visible_network(request, data["network"])
            problems: dict[str, list[Any]] = {}
            household = pate = None
            if "household" in data:
                household = (
                    selectors.household_list(user=request.user, network=network)
                    .filter(pk=data["household"])
                    .first()
                )
                if household is None:
                    problems["household"] = [UNKNOWN_HOUSEHOLD]
            if "pate" in data:
                pate = _pate_or_none(network, data["pate"])
                if pate is None:
                    problems["pate"] = [UNKNOWN_PATE]
            if problems:
                raise ValidationError(problems)
            if household is None or pate is None:
                return None  # only when checking: the serializer names what is missing
            return services.sponsorship_create(
                actor=request.user, network=network, household=household, pate=pate
            )

        # The validated data has network, household and pate, so a sponsorship is created.
        created = cast(Sponsorship, create(validate_all_at_once(serializer, create)))
        sponsorship = _sponsorship_queryset(request).get(pk=created.pk)
        return Response(
            SponsorshipOutputSerializer(sponsorship).data, status=status.HTTP_201_CREATED
        )


class SponsorshipDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Sponsorship.Status.choices, required=False)
        pate = serializers.IntegerField(required=False)
        intro_talk_on = serializers.DateField(required=False, allow_null=True)
        first_meeting_on = serializers.DateField(required=False, allow_null=True)
        trial_meetings = serializers.IntegerField(
            required=False, min_value=0, max_value=Sponsorship.TRIAL_MEETINGS_MAX
        )
        started_on = serializers.DateField(required=False)
        end_reason = serializers.ChoiceField(choices=Sponsorship.EndReason.choices, required=False)
        end_note = serializers.CharField(
            max_length=END_NOTE_MAX_LENGTH, required=False, allow_blank=True
        )
        ended_on = serializers.DateField(required=False)

    @extend_schema(responses=SponsorshipOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        sponsorship = get_object_or_404(_sponsorship_queryset(request), pk=pk)
        services.sponsorship_viewed(actor=request.user, sponsorship=sponsorship)
        return Response(SponsorshipOutputSerializer(sponsorship).data)

    @extend_schema(request=InputSerializer, responses=SponsorshipOutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        sponsorship = get_object_or_404(_sponsorship_queryset(request), pk=pk)
        serializer = self.InputSerializer(data=request.data, partial=True)

        def change(data: dict[str, Any]) -> None:
            with transaction.atomic():
                _apply_sponsorship_change(
                    request, Sponsorship.objects.get(pk=sponsorship.pk), dict(data)
                )

        change(validate_all_at_once(serializer, change))
        sponsorship = _sponsorship_queryset(request).get(pk=pk)
        return Response(SponsorshipOutputSerializer(sponsorship).data)


def _apply_sponsorship_change(
    request: AuthenticatedRequest, sponsorship: Sponsorship, data: dict
) -> None:
    """Route a PATCH to the services: detail fields first, then the status transition.

    :raises ValidationError: every problem of the request's own (an unknown Pate, fields
        that belong to another transition) at once, before any service runs.
    """
    Status = Sponsorship.Status
    problems: dict[str, list[Any]] = {}
    if "pate" in data:
        pate = _pate_or_none(sponsorship.network_id, data["pate"])
        if pate is None:
            problems["pate"] = [UNKNOWN_PATE]
        data["pate"] = pate
    target = data.pop("status", None)
    if target == sponsorship.status:
        target = None
    end_fields = {k: data.pop(k) for k in ("end_reason", "end_note", "ended_on") if k in data}
    if end_fields and target != Status.ENDED:
        for name in end_fields:
            problems[name] = [_("Only when ending the sponsorship (status “ended”).")]
    if target == Status.ENDED and "end_reason" not in end_fields:
        problems["end_reason"] = [_("Please give a reason for ending.")]
    if target == Status.REQUESTED:
        problems["status"] = [_("A sponsorship cannot go back to “requested”.")]
    started_on = data.pop("started_on", None)
    if started_on is not None and target != Status.TRIAL:
        problems["started_on"] = [_("Only when the trial period starts (status “trial”).")]
    if problems:
        raise ValidationError(problems)
    actor = request.user
    if target == Status.TRIAL:
        trial_args = {k: data.pop(k) for k in ("intro_talk_on", "first_meeting_on") if k in data}
        if data:
            sponsorship = services.sponsorship_update(
                actor=actor, sponsorship=sponsorship, **_without(data, {"trial_meetings"})
            )
        sponsorship = services.sponsorship_start_trial(
            actor=actor, sponsorship=sponsorship, started_on=started_on, **trial_args
        )
        if "trial_meetings" in data:
            services.sponsorship_update(
                actor=actor, sponsorship=sponsorship, trial_meetings=data["trial_meetings"]
            )
        return
    if data:
        sponsorship = services.sponsorship_update(actor=actor, sponsorship=sponsorship, **data)
    if target is None:
        return
    if target == Status.MATCHED:
        services.sponsorship_match(actor=actor, sponsorship=sponsorship)
    elif target == Status.ACTIVE:
        services.sponsorship_activate(actor=actor, sponsorship=sponsorship)
    elif target == Status.ENDED:
        services.sponsorship_end(
            actor=actor,
            sponsorship=sponsorship,
            reason=end_fields["end_reason"],
            note=end_fields.get("end_note", ""),
            ended_on=end_fields.get("ended_on"),
        )


def _without(data: dict, names: set[str]) -> dict:
    return {k: v for k, v in data.items() if k not in names}


class SponsorshipCheckInListApi(APIView):
    class InputSerializer(serializers.Serializer):
        date = serializers.DateField()
        note = serializers.CharField(
            max_length=CHECK_IN_NOTE_MAX_LENGTH, required=False, allow_blank=True
        )
        follow_up_needed = serializers.BooleanField(default=False)

    @extend_schema(responses=CheckInOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        sponsorship = get_object_or_404(selectors.sponsorship_list(user=request.user), pk=pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.check_in_list(sponsorship=sponsorship), request, view=self
        )
        return paginator.get_paginated_response(CheckInOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CheckInOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        sponsorship = get_object_or_404(selectors.sponsorship_list(user=request.user), pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check_in = services.check_in_add(
            actor=request.user, sponsorship=sponsorship, **serializer.validated_data
        )
        return Response(CheckInOutputSerializer(check_in).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("networks/", NetworkListApi.as_view(), name="api-networks"),
    path("networks/<int:pk>/", NetworkDetailApi.as_view(), name="api-network-detail"),
    path("households/", HouseholdListApi.as_view(), name="api-households"),
    path("households/<int:pk>/", HouseholdDetailApi.as_view(), name="api-household-detail"),
    path("sponsorships/", SponsorshipListApi.as_view(), name="api-sponsorships"),
    path(
        "sponsorships/<int:pk>/",
        SponsorshipDetailApi.as_view(),
        name="api-sponsorship-detail",
    ),
    path(
        "sponsorships/<int:pk>/check-ins/",
        SponsorshipCheckInListApi.as_view(),
        name="api-sponsorship-check-ins",
    ),
]
