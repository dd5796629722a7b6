"""``/api/v1/places/``: the centers' towns and offices, for every member to read."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import SearchField, parse_query
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest
from core.models import Place
from core.selectors import place_list


class PlaceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "center", "name", "kind", "street", "postcode", "city", "lat", "lon"]


class PlaceListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = SearchField(help_text="Part of the name, town or postcode.")
        kind = serializers.ChoiceField(
            choices=Place.Kind.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(parameters=[FilterSerializer], responses=PlaceOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        filters = parse_query(self.FilterSerializer, request)
        places = place_list(user=request.user, search=filters["q"], kind=filters["kind"])
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(places, request, view=self)
        return paginator.get_paginated_response(PlaceOutputSerializer(page, many=True).data)


class PlaceDetailApi(APIView):
    @extend_schema(responses=PlaceOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        place = get_object_or_404(place_list(user=request.user), pk=pk)
        return Response(PlaceOutputSerializer(place).data)
