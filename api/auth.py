"""``POST /api/v1/auth/token/`` and ``GET /api/v1/me/``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from api.parsers import FormParser, JSONParser
from api.permissions import AuthenticatedRequest
from core.scoping import user_memberships


class AuthTokenApi(ObtainAuthToken):
    """Trade a username and password for an API token."""

    parser_classes = [JSONParser, FormParser]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=inline_serializer(
            "AuthTokenInput",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("AuthTokenOutput", {"token": serializers.CharField()}),
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().post(request, *args, **kwargs)


class MeApi(APIView):
    """The logged-in user and their memberships."""

    permission_classes = [IsAuthenticated]

    class MembershipSerializer(serializers.Serializer):
        center = serializers.IntegerField(source="center_id")
        center_name = serializers.CharField(source="center.name")
        center_slug = serializers.CharField(source="center.slug")
        role = serializers.CharField()
        department = serializers.IntegerField(source="department_id", allow_null=True)
        department_name = serializers.CharField(
            source="department.name", allow_null=True, default=None
        )

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        display_name = serializers.CharField()
        first_name = serializers.CharField()
        last_name = serializers.CharField()
        email = serializers.EmailField()
        is_admin = serializers.BooleanField(source="is_superuser")

    @extend_schema(
        responses=inline_serializer(
            "MeOutput",
            {
                "user": OutputSerializer(),
                "memberships": MembershipSerializer(many=True),
            },
        )
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        user_data = self.OutputSerializer(request.user).data
        memberships = self.MembershipSerializer(user_memberships(request.user), many=True).data
        return Response({**user_data, "user": user_data, "memberships": memberships})
