"""The API's session login, counted only once the session passed its second factor.

A browser session that still owes its code (a device is set up, or ``TWO_FACTOR_REQUIRED``
asks it of a coordinator or admin without one, :func:`core.two_factor.pending_step`) is
refused with 401, as if it were no login; token logins got their code when the token was
issued (``api.auth``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from core.two_factor import pending_step


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, refusing a session whose second factor is pending."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        if pending_step(result[0]) is not None:
            raise exceptions.AuthenticationFailed(_("Please complete the two-factor login first."))
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema names it as DRF's session login (``cookieAuth``)."""

    target_class = "api.authentication.VerifiedSessionAuthentication"
