"""``/api/v1/offers/``: the engine's (or a coordinator's) offers to interpreters.

- ``GET`` list (``?status=``) and ``GET {id}/``: an interpreter sees their own offers, a
  coordinator those of their centers. An offer shows the request's language, time, mode,
  the place's city and the topic, never the client reference.
- ``POST {id}/accept/`` and ``POST {id}/decline/`` ``{"reason"?}``: the offered interpreter
  only (anyone else who sees the offer gets 403). An offer that is no longer pending answers
  409 and nothing changes; of two accepts racing for one request exactly one wins.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from core.choices import Mode
from core.models import Role
from core.scoping import has_role
from core.services import audit_view
from requests import selectors, services
from requests.models import InterpreterRequest, Offer

OFFER_STATUSES = ", ".join(Offer.Status.values)


class Conflict(APIException):
    """409: the object changed meanwhile (e.g. the offer is no longer pending)."""

    status_code = 409
    default_detail = _("This can no longer be done: the state has changed meanwhile.")
    default_code = "conflict"


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()


class OfferPlaceSerializer(serializers.Serializer):
    city = serializers.CharField()


class OfferRequestSerializer(serializers.Serializer):
    """What an interpreter learns of a request before accepting (no client reference)."""

    id = serializers.IntegerField()
    language = serializers.CharField(source="language_id", help_text="Language code, e.g. ar.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    mode = serializers.CharField(help_text=", ".join(Mode.values))
    place = serializers.SerializerMethodField()
    topic = serializers.CharField()
    minors_involved = serializers.BooleanField()

    @extend_schema_field(OfferPlaceSerializer(allow_null=True))
    def get_place(self, obj: InterpreterRequest) -> dict[str, str] | None:
        city = obj.city or (obj.place.city if obj.place_id and obj.place else "")
        return {"city": city} if city else None


class OfferOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = OfferRequestSerializer()
    interpreter = serializers.IntegerField(source="interpreter_id")
    status = serializers.CharField(help_text=OFFER_STATUSES)
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    awaiting_confirmation = serializers.BooleanField(
        help_text="Accepted; the center's coordinator confirms before the request is assigned."
    )


def _is_offered_interpreter(user: Any, offer: Offer) -> bool:
    return (
        bool(offer.interpreter.volunteer.user_id) and offer.interpreter.volunteer.user_id == user.pk
    )


def _output(offer_id: int, *, user: Any) -> dict[str, Any]:
    return OfferOutputSerializer(selectors.offer_get(user=user, pk=offer_id)).data


class OfferListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=Offer.Status.choices, required=False, allow_blank=True
        )

    @extend_schema(
        operation_id="offers_list",
        parameters=[OpenApiParameter("status", str, enum=Offer.Status.values)],
        responses=OfferOutputSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        if not (has_role(request.user, Role.VOLUNTEER) or has_role(request.user, Role.COORDINATOR)):
            raise PermissionDenied
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        offers = selectors.offer_list(
            user=request.user, status=filters.validated_data.get("status", "")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(offers, request, view=self)
        return paginator.get_paginated_response(OfferOutputSerializer(page, many=True).data)


class OfferDetailApi(APIView):
    @extend_schema(operation_id="offers_retrieve", responses=OfferOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        offer = selectors.offer_get(user=request.user, pk=pk)
        audit_view(
            actor=request.user,
            obj=offer,
            center=offer.request.center_id,
            own_user_id=offer.interpreter.volunteer.user_id,
        )
        return Response(OfferOutputSerializer(offer).data)


class OfferAcceptApi(APIView):
    @extend_schema(
        operation_id="offers_accept",
        request=None,
        responses={200: OfferOutputSerializer, 409: ConflictSerializer},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        offer = selectors.offer_get(user=request.user, pk=pk)
        if not _is_offered_interpreter(request.user, offer):
            raise PermissionDenied
        try:
            services.offer_accept(actor=request.user, offer=offer)
        except services.OfferConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(_output(offer.pk, user=request.user))


class OfferDeclineApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="offers_decline",
        request=InputSerializer,
        responses={200: OfferOutputSerializer, 409: ConflictSerializer},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        offer = selectors.offer_get(user=request.user, pk=pk)
        if not _is_offered_interpreter(request.user, offer):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.offer_decline(
                actor=request.user, offer=offer, reason=serializer.validated_data["reason"]
            )
        except services.OfferConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(_output(offer.pk, user=request.user))


urlpatterns = [
    path("offers/", OfferListApi.as_view(), name="api-offers"),
    path("offers/<int:pk>/", OfferDetailApi.as_view(), name="api-offer-detail"),
    path("offers/<int:pk>/accept/", OfferAcceptApi.as_view(), name="api-offer-accept"),
    path("offers/<int:pk>/decline/", OfferDeclineApi.as_view(), name="api-offer-decline"),
]
