"""``/api/v1/networks/``, ``/api/v1/sponsorships/`` (with nested check-ins) and
``/api/v1/households/``.

Coordinators see and change everything of their centers; a network lead sees only the
networks they lead and works within them (households, sponsorships, check-ins) and may
change their network's description. Caseworkers and volunteers get 403 on the lists;
objects outside the caller's scope are 404. Households appear only by pseudonymous
reference with size, languages, town and needs.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api.centers import center_for_create
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest, IsCoordinator
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

SEARCH_MAX = 100


def _search(request: AuthenticatedRequest) -> str:
    return request.query_params.get("q", "").strip()[:SEARCH_MAX]


def _require_network_user(request: AuthenticatedRequest) -> None:
    if not selectors.is_network_user(request.user):
        raise PermissionDenied


def _network_param(request: AuthenticatedRequest) -> Network | None:
    raw = request.query_params.get("network", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({"network": [_("A network is given by its number.")]})
    network = selectors.network_list(user=request.user).filter(pk=int(raw)).first()
    if network is None:
        raise ValidationError({"network": [_("Unknown network.")]})
    return network


def _bool_param(request: AuthenticatedRequest, name: str) -> bool | None:
    raw = request.query_params.get(name, "").strip().lower()
    if raw in ("", None):
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise ValidationError({name: [_("Use true or false.")]})


def _visible_network(request: AuthenticatedRequest, network_id: int) -> Network:
    network = selectors.network_list(user=request.user).filter(pk=network_id).first()
    if network is None:
        raise ValidationError({"network": [_("Unknown network.")]})
    return network


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
            "languages": [
                {"language": skill.language_id, "level": skill.level}
                for skill in obj.pate.languages.all()
            ],
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
    class InputSerializer(serializers.Serializer):
        center = serializers.IntegerField(required=False)
        name = serializers.CharField(max_length=200)
        town = ScopedPlaceField(required=False, allow_null=True)
        district = serializers.CharField(max_length=200, required=False, allow_blank=True)
        description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        is_active = serializers.BooleanField(default=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR),
            OpenApiParameter("active", OpenApiTypes.BOOL),
        ],
        responses=NetworkOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        networks = selectors.network_list(
            user=request.user, search=_search(request), active=_bool_param(request, "active")
        ).prefetch_related("leads")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(networks, request, view=self)
        return paginator.get_paginated_response(NetworkOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: NetworkOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not IsCoordinator().has_permission(request, self):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        center = center_for_create(
            user=request.user, role=Role.COORDINATOR, center_id=data.pop("center", None)
        )
        network = services.network_create(actor=request.user, center=center, **data)
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
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # Who may change what (a network lead only the description) is the service's rule.
        network = services.network_update(actor=request.user, network=network, **data)
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
    class InputSerializer(HouseholdInputSerializer):
        network = serializers.IntegerField()

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR),
            OpenApiParameter("network", OpenApiTypes.INT),
            OpenApiParameter("waiting", OpenApiTypes.BOOL),
        ],
        responses=HouseholdOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        households = selectors.household_list(
            user=request.user,
            network=_network_param(request),
            search=_search(request),
            waiting=_bool_param(request, "waiting"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(households, request, view=self)
        return paginator.get_paginated_response(HouseholdOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: HouseholdOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        network = _visible_network(request, data.pop("network"))
        household = services.household_create(actor=request.user, network=network, **data)
        return Response(HouseholdOutputSerializer(household).data, status=status.HTTP_201_CREATED)


class HouseholdDetailApi(APIView):
    class InputSerializer(HouseholdInputSerializer):
        network = serializers.IntegerField(required=False)
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
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "network" in data:
            data["network"] = _visible_network(request, data["network"])
        household = services.household_update(
            actor=request.user, household=Household.objects.get(pk=household.pk), **data
        )
        return Response(HouseholdOutputSerializer(household).data)


# --- sponsorships ---------------------------------------------------------------------


class SponsorshipListApi(APIView):
    class InputSerializer(serializers.Serializer):
        network = serializers.IntegerField()
        household = serializers.IntegerField()
        pate = serializers.IntegerField()

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR),
            OpenApiParameter("network", OpenApiTypes.INT),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=[*Sponsorship.Status.values, "open"],
            ),
            OpenApiParameter("quiet", OpenApiTypes.BOOL, description="No check-in for 8 weeks"),
        ],
        responses=SponsorshipOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_network_user(request)
        wanted = request.query_params.get("status", "").strip()
        if wanted and wanted not in [*Sponsorship.Status.values, "open"]:
            raise ValidationError({"status": [_("Unknown status.")]})
        sponsorships = (
            selectors.sponsorship_list(
                user=request.user,
                network=_network_param(request),
                status=wanted,
                quiet=bool(_bool_param(request, "quiet")),
                search=_search(request),
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
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        network = _visible_network(request, data["network"])
        household = (
            selectors.household_list(user=request.user, network=network)
            .filter(pk=data["household"])
            .first()
        )
        if household is None:
            raise ValidationError({"household": [_("Unknown household in this network.")]})
        pate = Volunteer.objects.filter(
            pk=data["pate"], network_memberships__network=network
        ).first()
        if pate is None:
            raise ValidationError({"pate": [_("Unknown Pate in this network.")]})
        sponsorship = services.sponsorship_create(
            actor=request.user, network=network, household=household, pate=pate
        )
        sponsorship = _sponsorship_queryset(request).get(pk=sponsorship.pk)
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
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "pate" in data:
            pate = Volunteer.objects.filter(
                pk=data["pate"], network_memberships__network=sponsorship.network_id
            ).first()
            if pate is None:
                raise ValidationError({"pate": [_("Unknown Pate in this network.")]})
            data["pate"] = pate
        with transaction.atomic():
            _apply_sponsorship_change(request, Sponsorship.objects.get(pk=sponsorship.pk), data)
        sponsorship = _sponsorship_queryset(request).get(pk=pk)
        return Response(SponsorshipOutputSerializer(sponsorship).data)


def _apply_sponsorship_change(
    request: AuthenticatedRequest, sponsorship: Sponsorship, data: dict
) -> None:
    """Route a PATCH to the services: detail fields first, then the status transition."""
    Status = Sponsorship.Status
    target = data.pop("status", None)
    if target == sponsorship.status:
        target = None
    end_fields = {k: data.pop(k) for k in ("end_reason", "end_note", "ended_on") if k in data}
    if end_fields and target != Status.ENDED:
        raise ValidationError(
            {name: [_("Only when ending the sponsorship (status “ended”).")] for name in end_fields}
        )
    started_on = data.pop("started_on", None)
    if started_on is not None and target != Status.TRIAL:
        raise ValidationError(
            {"started_on": [_("Only when the trial period starts (status “trial”).")]}
        )
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
        if "end_reason" not in end_fields:
            raise ValidationError({"end_reason": [_("Please give a reason for ending.")]})
        services.sponsorship_end(
            actor=actor,
            sponsorship=sponsorship,
            reason=end_fields["end_reason"],
            note=end_fields.get("end_note", ""),
            ended_on=end_fields.get("ended_on"),
        )
    else:
        raise ValidationError({"status": [_("A sponsorship cannot go back to “requested”.")]})


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
