"""``POST /api/v1/auth/token/`` (trade user name and password for a token),
``DELETE /api/v1/auth/token/`` (the owner revokes it) and ``GET /api/v1/me/``.

A token ends when its owner deletes it or when the password changes
(:func:`core.auth.revoke_tokens_on_password_change`); logging in again then gives a new one.
Failed logins count towards the lockout of :mod:`core.auth`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import FormParser, JSONParser
from api.permissions import AuthenticatedRequest
from api.throttling import AnonRateThrottle
from core.models import User
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

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the caller's token (every token of the caller): logged out of the API."""
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated
        Token.objects.filter(user_id=request.user.pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeMembershipSerializer(serializers.Serializer):
    """One membership: the center, the role and (for caseworkers) the department."""

    center = serializers.IntegerField(source="center_id")
    center_name = serializers.CharField(source="center.name")
    center_slug = serializers.CharField(source="center.slug")
    role = serializers.CharField()
    department = serializers.IntegerField(source="department_id", allow_null=True)
    department_name = serializers.CharField(source="department.name", allow_null=True)


class MeUserSerializer(serializers.Serializer):
    """The logged-in user."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    is_admin = serializers.BooleanField(source="is_superuser")


class MeOutputSerializer(MeUserSerializer):
    """The user and their memberships; the user's fields also at the top level, where
    clients of the first version read them. The schema is made from this serializer, so it
    names exactly the keys the answer has."""

    user = MeUserSerializer(source="*")
    memberships = serializers.SerializerMethodField()

    @extend_schema_field(MeMembershipSerializer(many=True))
    def get_memberships(self, user: User) -> list[dict[str, Any]]:
        return list(MeMembershipSerializer(user_memberships(user), many=True).data)


class MeApi(APIView):
    """The logged-in user and their memberships."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MeOutputSerializer(request.user).data)
