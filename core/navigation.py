"""The main navigation, contributed by each app.

An app's ``AppConfig`` may declare ``nav_items``: a list of :class:`NavItem`.
The context processor shows an item to users holding one of its roles, so no
app has to know the apps above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    """One link of the main navigation."""

    url_name: str
    label: str | Promise
    roles: tuple[str, ...]
    order: int = 50
