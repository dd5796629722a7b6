"""Django app config for the core: centers, users, roles, departments, languages, places, audit."""

from typing import Any

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.navigation import HomeCard, NavItem

EVERY_ROLE = ("coordinator", "caseworker", "volunteer", "network_lead")


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")
    # The core's pages come last in a coordinator's menu, after the apps' daily work; on a
    # phone the menu is a disclosure list, so every item stays reachable.
    nav_items = [
        NavItem("home", _("Overview"), EVERY_ROLE, order=0),
        # "Neuigkeiten": the in-app messages; the menu shows the number of unread ones.
        NavItem("news-list", _("News"), EVERY_ROLE, order=1),
        NavItem("department-list", _("Departments"), ("coordinator",), order=80),
        NavItem("place-list", _("Places"), ("coordinator",), order=81),
        NavItem("member-list", _("Members"), ("coordinator",), order=82),
        NavItem("audit-list", _("Audit trail"), ("coordinator",), order=83),
    ]

    def home_cards(self, user: Any) -> list[HomeCard]:
        """A coordinator's card of messages that could not be sent (only when there are)."""
        from core.scoping import has_role
        from core.selectors import message_failure_list

        if not has_role(user, "coordinator"):
            return []
        failed = message_failure_list(user=user).count()
        if not failed:
            return []
        return [
            HomeCard(
                label=_("Messages not delivered"),
                figure=failed,
                url=reverse("message-failures"),
                attention=True,
                order=90,
            )
        ]

    def ready(self) -> None:
        from core import (  # noqa: F401  (connect the receivers)
            auth,  # API tokens end with a password change
            signals,  # logins and logouts in the audit trail
        )
