"""Django app config for the assignment engine's adapter layer and the coordinator console."""

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import HomeCard, NavItem


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching"
    nav_items = [NavItem("matching-console", _("Matching"), ("coordinator",), order=7)]

    def home_cards(self, user: Any) -> list[HomeCard]:
        """Requests at risk (soon, no interpreter) and accepted offers to confirm."""
        from django.urls import reverse

        from core.scoping import has_role
        from matching.selectors import at_risk_counts

        if not has_role(user, "coordinator"):
            return []
        counts = at_risk_counts(user=user)
        url = reverse("matching-console")
        cards = [
            HomeCard(
                _("Requests in the next 48 hours still without an interpreter"),
                counts["soon"],
                f"{url}#soon",
                attention=counts["soon"] > 0,
                order=6,
            )
        ]
        if counts["awaiting"]:
            cards.append(
                HomeCard(
                    _("Accepted offers waiting for your confirmation"),
                    counts["awaiting"],
                    f"{url}#awaiting",
                    attention=True,
                    order=7,
                )
            )
        return cards
