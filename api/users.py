"""``/api/v1/users/``: members of the centers a coordinator coordinates."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import SearchField, parse_query
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest, IsCoordinator
from core.models import Role, User
from core.selectors import member_list
from core.services import member_viewed


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "is_active"]


class UserListApi(APIView):
    permission_classes = [IsCoordinator]

    class FilterSerializer(serializers.Serializer):
        q = SearchField(help_text="Part of the name or login.")
        role = serializers.ChoiceField(
            choices=Role.choices, required=False, allow_blank=True, default=""
        )

    @extend_schema(parameters=[FilterSerializer], responses=UserOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        filters = parse_query(self.FilterSerializer, request)
        users = member_list(user=request.user, search=filters["q"], role=filters["role"])
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(users, request, view=self)
        return paginator.get_paginated_response(UserOutputSerializer(page, many=True).data)


class UserDetailApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(responses=UserOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        member = get_object_or_404(member_list(user=request.user), pk=pk)
        member_viewed(actor=request.user, member=member)
        return Response(UserOutputSerializer(member).data)
