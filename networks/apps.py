"""Django app config: sponsorship networks (Patennetzwerke) and sponsorships (Patenschaften)."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import HomeCard, NavItem

NETWORK_ROLES = ("coordinator", "network_lead")


class NetworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "networks"
    verbose_name = _("Sponsorship networks")
    nav_items = [
        NavItem("network-list", _("Networks"), NETWORK_ROLES, order=40),
        NavItem("sponsorship-list", _("Sponsorships"), NETWORK_ROLES, order=41),
    ]

    def ready(self) -> None:
        """Take a volunteer out of every network when they are anonymised."""
        from volunteers.signals import volunteer_anonymised

        volunteer_anonymised.connect(_erase_pate, dispatch_uid="networks.erase-pate")

    def home_cards(self, user: Any) -> list[HomeCard]:
        """Newcomers waiting for a Pate and sponsorships that have gone quiet."""
        from django.urls import reverse

        from core.scoping import has_role
        from networks.selectors import household_list, sponsorship_list

        if not has_role(user, "coordinator"):
            return []
        waiting = household_list(user=user, waiting=True).count()
        quiet = sponsorship_list(user=user, quiet=True).count()
        return [
            HomeCard(
                _("Households waiting for a Pate"),
                waiting,
                reverse("household-list"),
                attention=waiting > 0,
                order=30,
            ),
            HomeCard(
                _("Sponsorships quiet for over 8 weeks"),
                quiet,
                reverse("sponsorship-list") + "?quiet=1",
                attention=quiet > 0,
                order=31,
            ),
        ]


def _erase_pate(sender: Any, *, volunteer: Any, actor: Any, **kwargs: Any) -> None:
    from networks.services import network_pate_erase

    network_pate_erase(actor=actor, volunteer=volunteer)
