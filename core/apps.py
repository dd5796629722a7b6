"""Django app config for the core: centers, users, roles, departments, languages, places, audit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

EVERY_ROLE = ("coordinator", "caseworker", "volunteer", "network_lead")


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")
    # The core's pages come last in a coordinator's menu, after the apps' daily work; on a
    # phone the menu is a disclosure list, so every item stays reachable.
    nav_items = [
        NavItem("home", _("Overview"), EVERY_ROLE, order=0),
        NavItem("department-list", _("Departments"), ("coordinator",), order=80),
        NavItem("place-list", _("Places"), ("coordinator",), order=81),
        NavItem("member-list", _("Members"), ("coordinator",), order=82),
        NavItem("audit-list", _("Audit trail"), ("coordinator",), order=83),
    ]

    def ready(self) -> None:
        from core import (  # noqa: F401  (connect the receivers)
            auth,  # API tokens end with a password change
            signals,  # logins and logouts in the audit trail
        )
