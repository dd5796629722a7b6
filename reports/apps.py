"""Django app config for coordinator oversight: dashboard, supply and demand, what-if replay,
billing statements, the funding report and the registry exports. At the top of the
dependency order: it reads other apps' selectors and imports nothing above it."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import HomeCard, NavItem


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")
    nav_items = [NavItem("reports-dashboard", _("Reports"), ("coordinator",), order=8)]

    def home_cards(self, user: Any) -> list[HomeCard]:
        """A coordinator's way to the dashboard, supply and demand and the summary."""
        from django.urls import reverse

        from core.scoping import has_role

        if not has_role(user, "coordinator"):
            return []
        label = _("Dashboard: this week at a glance, supply and demand, the summary report")
        return [HomeCard(label, None, reverse("reports-dashboard"), order=95)]
