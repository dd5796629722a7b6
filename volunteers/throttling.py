"""Throttling of the anonymous self-registration, shared by the web form and the API.

DRF's ``ScopedRateThrottle`` with the scope ``register``: the rate comes from
``THROTTLE_REGISTER`` (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["register"]``) and
is read when a request is checked, so tests can change it with the settings fixture.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

SCOPE = "register"


class RegistrationThrottle(ScopedRateThrottle):
    """Per client address only, counted in the default cache.

    Never per user: a registrant can log in at once, and counting per login would give
    every new login a fresh allowance.
    """

    def get_rate(self) -> str | None:
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(self.scope)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _RegistrationView:
    throttle_scope = SCOPE


def registration_allowed(request: HttpRequest) -> bool:
    """Count one registration attempt of this client; False once the rate is used up."""
    # The throttle reads only ``user`` and ``META`` from the request and ``throttle_scope``
    # from the view, which the web form's HttpRequest and ``_RegistrationView`` provide.
    return RegistrationThrottle().allow_request(
        cast(Request, request), cast(APIView, _RegistrationView())
    )
