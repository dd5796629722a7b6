"""``/api/v1/me/calendar/``: the address of the interpreter's personal iCalendar feed.

- ``GET`` → ``{"url"}``: the feed's address, created on first use.
- ``POST`` → ``{"url"}``: a new secret address; the old one stops serving at once.

Interpreters only (a login with an interpreter profile); anyone else gets 403. The feed at
that address is readable without login (``requests.calendar_views.calendar_feed``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import AuthenticatedRequest
from requests import calendar
from sprachpool import services
from sprachpool.models import InterpreterProfile
from sprachpool.selectors import own_profile


class CalendarOutputSerializer(serializers.Serializer):
    url = serializers.URLField(
        help_text="The secret address of the iCalendar feed (text/calendar, no login)."
    )


def _profile(request: AuthenticatedRequest) -> InterpreterProfile:
    profile = own_profile(user=request.user)
    if profile is None:
        raise PermissionDenied
    return profile


def _output(profile: InterpreterProfile) -> Response:
    return Response(CalendarOutputSerializer({"url": calendar.feed_url(profile=profile)}).data)


class MeCalendarApi(APIView):
    """The interpreter's calendar feed address."""

    @extend_schema(operation_id="me_calendar_retrieve", responses=CalendarOutputSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        profile = _profile(request)
        services.calendar_token_ensure(actor=request.user, profile=profile)
        return _output(profile)

    @extend_schema(
        operation_id="me_calendar_renew", request=None, responses=CalendarOutputSerializer
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        profile = _profile(request)
        services.calendar_token_renew(actor=request.user, profile=profile)
        return _output(profile)
