"""Role checks on top of scoping.

Scoping hides foreign objects (404); these checks forbid actions on visible ones (403).
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from core.models import Role
from core.scoping import has_role


class IsCoordinator(BasePermission):
    """Coordinators of any center (and admins)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_role(request.user, Role.COORDINATOR)


def require_role(user: Any, role: str, *, center_id: int) -> None:
    """403 unless ``user`` holds ``role`` in the object's center."""
    if not has_role(user, role, center_id=center_id):
        raise PermissionDenied
