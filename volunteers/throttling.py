"""Throttling of the anonymous self-registration, shared by the web form and the API.

DRF's ``ScopedRateThrottle`` with the scope ``register``: the rate comes from
``THROTTLE_REGISTER`` (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["register"]``) and
is read when a request is checked, so tests can change it with the settings fixture.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle

SCOPE = "register"


class RegistrationThrottle(ScopedRateThrottle):
    """Per client address (and per user when logged in), counted in the default cache."""

    def get_rate(self) -> str | None:
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(self.scope)


class _RegistrationView:
    throttle_scope = SCOPE


def registration_allowed(request: HttpRequest | Any) -> bool:
    """Count one registration attempt of this client; False once the rate is used up."""
    return RegistrationThrottle().allow_request(request, _RegistrationView())
