"""``/api/v1/users/``: members of the centers a coordinator coordinates."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest, IsCoordinator
from core.models import Role, User
from core.selectors import member_list


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "is_active"]


class UserListApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(responses=UserOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        role = request.query_params.get("role", "")
        users = member_list(
            user=request.user,
            search=request.query_params.get("q", "").strip()[:100],
            role=role if role in Role.values else "",
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(users, request, view=self)
        return paginator.get_paginated_response(UserOutputSerializer(page, many=True).data)


class UserDetailApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(responses=UserOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(
            UserOutputSerializer(get_object_or_404(member_list(user=request.user), pk=pk)).data
        )
