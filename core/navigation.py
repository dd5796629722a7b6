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


def current_index(path: str, urls: list[str]) -> int | None:
    """The position of the one menu link that names the page at ``path`` (None: no link).

    A link is current when ``path`` is its URL or lies below it; of several such links the
    longest URL wins, so "/volunteers/approvals/" marks "Approvals" and not "Volunteers"
    as well. The landing page ("/") is current only on itself.
    """
    best: int | None = None
    for index, url in enumerate(urls):
        matches = path == url or (url != "/" and url.endswith("/") and path.startswith(url))
        if matches and (best is None or len(url) > len(urls[best])):
            best = index
    return best


def visible_nav_items(user: object) -> list[NavItem]:
    """The items every installed app contributes that ``user`` may see, in menu order."""
    from django.apps import apps

    from core.scoping import has_role

    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    return [
        item
        for item in sorted(items, key=lambda i: (i.order, str(i.label)))
        if any(has_role(user, role) for role in item.roles)
    ]


@dataclass(frozen=True)
class HomeCard:
    """A figure on a coordinator's overview, linking to the page that explains it.

    An app contributes cards by defining ``home_cards(self, user) -> list[HomeCard]`` on its
    ``AppConfig`` (returning only what the user's roles may see); the core's landing page
    collects them without importing the app.
    """

    label: str | Promise
    figure: int | None
    url: str
    #: Draw attention: the figure asks for action (e.g. registrations waiting).
    attention: bool = False
    order: int = 50


def collect_home_cards(user: object) -> list[HomeCard]:
    """The cards every installed app contributes for this user, in order."""
    from django.apps import apps

    cards: list[HomeCard] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_cards", None)
        if callable(provider):
            cards.extend(provider(user))
    return sorted(cards, key=lambda card: card.order)
