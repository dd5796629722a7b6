"""Template context for every page: the navigation the user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from core.models import Role
from core.navigation import current_index, visible_nav_items
from core.scoping import has_role
from core.selectors import news_unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``nav_items``: dicts of url, label, active (at most one) and count (the unread
    messages at "News") for the user's roles; ``nav_current``: the label of the current
    item, or None; ``show_api_docs``: whether the footer links the API documentation (for
    staff who integrate or script: coordinators, caseworkers, admins — not for the public
    pages or volunteers)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_current": None, "show_api_docs": False}
    links: list[dict[str, Any]] = []
    for item in visible_nav_items(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": item.label, "active": False, "count": 0})
        if item.url_name == "news-list":
            # The unread in-app messages: one indexed count per page.
            links[-1]["count"] = news_unread_count(user=user)
    current = current_index(request.path, [link["url"] for link in links])
    if current is not None:
        links[current]["active"] = True
    return {
        "nav_items": links,
        "nav_current": links[current]["label"] if current is not None else None,
        "show_api_docs": any(has_role(user, role) for role in (Role.COORDINATOR, Role.CASEWORKER)),
    }
