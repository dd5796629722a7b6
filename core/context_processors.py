"""Template context for every page: the navigation the user may see."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from core.navigation import NavItem
from core.scoping import has_role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``nav_items``: (url, label, active) for the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    links = []
    for item in sorted(items, key=lambda i: (i.order, str(i.label))):
        if not any(has_role(user, role) for role in item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        links.append({"url": url, "label": item.label, "active": active})
    return {"nav_items": links}
