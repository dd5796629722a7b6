"""Tenant scoping, in one place.

Every query for data that belongs to a center starts from the model's
``Model.objects.visible_to(user)``, which encodes every role's rule for that model
(a coordinator's centers, a caseworker's own department, a volunteer's own record, a
network lead's own networks), built from :meth:`CenterScopedQuerySet.scoped` and
:meth:`CenterScopedQuerySet.center_q`. ``Model.objects.for_user(user, roles=...)`` keeps
the rows of the centers where the user holds one of the roles, for work only those roles
do (a coordinator's approval queue). Superusers (the installation's admins) see every
center. Views fetch single objects from the scoped queryset, so an object outside the
caller's scope is a 404. ``tests/test_scoping_meta.py`` checks that every model with a
center has ``visible_to``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from core.models import Center, Membership

_CACHE_ATTR = "_wir_memberships"


def user_memberships(user: Any) -> list[Membership]:
    """The user's memberships, loaded once per user object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.memberships.select_related("center", "department").order_by("center__name", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the cached memberships after they changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_admin(user: Any) -> bool:
    """Installation admins see every center."""
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def center_ids_for(user: Any, *, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the centers where the user holds one of ``roles`` (any role when None)."""
    wanted = None if roles is None else set(roles)
    return {m.center_id for m in user_memberships(user) if wanted is None or m.role in wanted}


def has_role(user: Any, role: str, *, center_id: int | None = None) -> bool:
    """Whether the user holds ``role`` (in ``center_id`` when given). Admins hold every role."""
    if is_admin(user):
        return True
    return any(
        m.role == role and (center_id is None or m.center_id == center_id)
        for m in user_memberships(user)
    )


def department_ids_for(user: Any) -> set[int]:
    """The departments the user works for as a caseworker."""
    return {
        m.department_id
        for m in user_memberships(user)
        if m.role == "caseworker" and m.department_id is not None
    }


class CenterScopedQuerySet(models.QuerySet):
    """A queryset that knows the path from its model to the owning center.

    Subclasses for models that reach their center through a relation set
    ``center_lookup`` (e.g. ``"volunteer__center"``).
    """

    center_lookup = "center"

    def for_user(self, user: Any, *, roles: Iterable[str] | None = None) -> Self:
        """Rows of the centers where ``user`` holds one of ``roles`` (any role when None)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_admin(user):
            return self.all()
        ids = center_ids_for(user, roles=roles)
        if not ids:
            return self.none()
        return self.filter(**{f"{self.center_lookup}__in": ids})

    def center_q(self, user: Any, *, roles: Iterable[str] | None) -> Q:
        """The condition "in a center where ``user`` holds one of ``roles``" (any role when
        None), along :attr:`center_lookup`; matches nothing for a user without such a role."""
        return Q(**{f"{self.center_lookup}__in": sorted(center_ids_for(user, roles=roles))})

    def scoped(self, user: Any, rule: Callable[[Any], Q]) -> Self:
        """A model's ``visible_to(user)`` made of its role rule: admins (superusers) see every
        row, anonymous callers none, anyone else the rows matching ``rule(user)``."""
        if is_admin(user):
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(rule(user))

    def in_center(self, center_id: Center | int) -> Self:
        """Rows of one center (given as the center or its id)."""
        return self.filter(**{self.center_lookup: center_id})
