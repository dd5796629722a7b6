"""Role checks on top of scoping.

Scoping hides foreign objects (404); these checks forbid actions on visible ones (403).
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core.models import Role, User
from core.scoping import has_role


class AuthenticatedRequest(Request):
    """A DRF ``Request`` whose user is logged in: annotate handlers of authenticated views.

    Typing only. ``DEFAULT_PERMISSION_CLASSES`` is ``IsAuthenticated``, and
    ``IsCoordinator`` also refuses anonymous callers, so in every view that keeps
    one of them ``request.user`` is a ``User``. Views with ``AllowAny`` (the
    public registration) take a plain ``Request``.
    """

    user: User


class IsCoordinator(BasePermission):
    """Coordinators of any center (and admins)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_role(request.user, Role.COORDINATOR)


def require_role(user: Any, role: str, *, center_id: int) -> None:
    """403 unless ``user`` holds ``role`` in the object's center."""
    if not has_role(user, role, center_id=center_id):
        raise PermissionDenied
