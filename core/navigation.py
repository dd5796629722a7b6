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
