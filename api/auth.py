"""``POST /api/v1/auth/token/`` (trade user name and password for a token),
``DELETE /api/v1/auth/token/`` (the owner revokes it) and ``GET /api/v1/me/``.

A token ends when its owner deletes it or when the password changes
(:func:`core.auth.revoke_tokens_on_password_change`); logging in again then gives a new one.
Failed logins count towards the lockout of :mod:`core.auth`. A user with two-factor login
(and, with ``TWO_FACTOR_REQUIRED``, every coordinator and admin) gets a token only with a
current code in ``otp`` (:mod:`core.two_factor`); without it, or with a wrong one, the answer
is 400 ``{"otp": [...]}``, counted as a failed code.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import FormParser, JSONParser
from api.permissions import AuthenticatedRequest
from api.throttling import AnonRateThrottle
from core import two_factor
from core.models import User
from core.scoping import user_memberships

OTP_HELP = _(
    "The current code of the user's authenticator app (6 digits, as a string), or one of "
    "their recovery codes. Required when the user has set up two-factor login, and with "
    "TWO_FACTOR_REQUIRED for coordinators and admins; ignored otherwise."
)


class AuthTokenInputSerializer(AuthTokenSerializer):
    """User name and password, and the second factor where one is due."""

    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=40, trim_whitespace=True, help_text=OTP_HELP
    )


class AuthTokenApi(ObtainAuthToken):
    """Trade a username and password (and, with two-factor login, a code) for an API token."""

    parser_classes = [JSONParser, FormParser]
    throttle_classes = [AnonRateThrottle]
    serializer_class = AuthTokenInputSerializer

    @extend_schema(
        request=inline_serializer(
            "AuthTokenInput",
            {
                "username": serializers.CharField(),
                "password": serializers.CharField(),
                "otp": serializers.CharField(required=False, help_text=OTP_HELP),
            },
        ),
        responses={
            200: inline_serializer("AuthTokenOutput", {"token": serializers.CharField()}),
            400: OpenApiResponse(
                description="Wrong user name or password (`non_field_errors`), a missing "
                "field, or a missing, wrong or blocked second factor "
                '(`{"otp": ["…"]}`; each counts as a failed login).'
            ),
        },
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if two_factor.code_needed(user):
            otp = serializer.validated_data.get("otp", "")
            if not two_factor.has_two_factor(user):
                two_factor.count_failure(user=user, request=request, via="api")
                raise serializers.ValidationError({"otp": [two_factor.SETUP_FIRST]})
            try:
                two_factor.code_check(
                    user=user, code=otp, request=request, via="api", missing_counts=True
                )
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"otp": exc.messages}) from exc
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

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
