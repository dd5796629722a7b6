"""``/api/v1/departments/``: center members read; coordinators create and change."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.centers import center_for_create
from api.filters import SearchField, parse_query
from api.pagination import PageNumberPagination
from api.permissions import AuthenticatedRequest, IsCoordinator, require_role
from api.serializers import IdField
from core import services
from core.models import Department, Role
from core.selectors import department_list


class DepartmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "center", "name", "kind", "cost_centre", "email", "is_active"]


class DepartmentListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        q = SearchField(help_text="Part of the name or cost centre.")

    class InputSerializer(serializers.Serializer):
        center = IdField(required=False)
        name = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=Department.Kind.choices, default="other")
        cost_centre = serializers.CharField(max_length=40, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        is_active = serializers.BooleanField(default=True)

    @extend_schema(parameters=[FilterSerializer], responses=DepartmentOutputSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        search = parse_query(self.FilterSerializer, request)["q"]
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            department_list(user=request.user, search=search), request, view=self
        )
        return paginator.get_paginated_response(DepartmentOutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: DepartmentOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not IsCoordinator().has_permission(request, self):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        center = center_for_create(
            user=request.user, role=Role.COORDINATOR, center_id=data.pop("center", None)
        )
        department = services.department_create(actor=request.user, center=center, **data)
        return Response(DepartmentOutputSerializer(department).data, status=status.HTTP_201_CREATED)


class DepartmentDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        kind = serializers.ChoiceField(choices=Department.Kind.choices, required=False)
        cost_centre = serializers.CharField(max_length=40, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(responses=DepartmentOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        department = get_object_or_404(department_list(user=request.user), pk=pk)
        return Response(DepartmentOutputSerializer(department).data)

    @extend_schema(request=InputSerializer, responses=DepartmentOutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        department = get_object_or_404(department_list(user=request.user), pk=pk)
        require_role(request.user, Role.COORDINATOR, center_id=department.center_id)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        department = services.department_update(
            actor=request.user, department=department, **serializer.validated_data
        )
        return Response(DepartmentOutputSerializer(department).data)
