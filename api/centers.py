"""Shared bits of the API views: picking the center a new object belongs to."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from core.models import Center
from core.selectors import center_list


def center_for_create(*, user: Any, role: str, center_id: int | None) -> Center:
    """The center a new object goes to: the one given, or the caller's only one for ``role``.

    :raises ValidationError: when no center fits (the field is named ``center``).
    """
    centers = center_list(user=user, roles=[role])
    if center_id is None:
        if centers.count() == 1:
            return centers.get()
        raise ValidationError({"center": [_("Please choose a center.")]})
    center = centers.filter(pk=center_id).first()
    if center is None:
        raise ValidationError({"center": [_("Unknown center.")]})
    return center
