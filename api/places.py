"""``/api/v1/places/``: the centers' towns and offices, for every member to read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from core.models import Place
from core.selectors import place_list


class PlaceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "center", "name", "kind", "street", "postcode", "city", "lat", "lon"]


class PlaceListApi(APIView):
    @extend_schema(responses=PlaceOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        kind = request.query_params.get("kind", "")
        places = place_list(
            user=request.user,
            search=request.query_params.get("q", "").strip()[:100],
            kind=kind if kind in Place.Kind.values else "",
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(places, request, view=self)
        return paginator.get_paginated_response(PlaceOutputSerializer(page, many=True).data)


class PlaceDetailApi(APIView):
    @extend_schema(responses=PlaceOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        place = get_object_or_404(place_list(user=request.user), pk=pk)
        return Response(PlaceOutputSerializer(place).data)
