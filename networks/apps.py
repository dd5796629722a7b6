"""Django app config: sponsorship networks (Patennetzwerke) and sponsorships (Patenschaften)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

NETWORK_ROLES = ("coordinator", "network_lead")


class NetworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "networks"
    verbose_name = _("Sponsorship networks")
    nav_items = [
        NavItem("network-list", _("Networks"), NETWORK_ROLES, order=40),
        NavItem("sponsorship-list", _("Sponsorships"), NETWORK_ROLES, order=41),
    ]
