"""The API's general rates: ``THROTTLE_ANON`` per client address for anonymous callers,
``THROTTLE_USER`` per user for logged-in ones; the default of every endpoint
(``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``), counted in Django's cache.

DRF's classes read the rates once at import; these read them at each request, so a
settings change (a test's ``settings`` fixture) takes effect.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling


def _rate(scope: str | None) -> str | None:
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    return rates.get(scope) if scope else None


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Anonymous callers, per client address (``NUM_PROXIES`` hops deep)."""

    def get_rate(self) -> str | None:
        return _rate(self.scope)


class UserRateThrottle(throttling.UserRateThrottle):
    """Logged-in callers per user; anonymous ones per client address."""

    def get_rate(self) -> str | None:
        return _rate(self.scope)
