"""Django app config for the core: centers, users, roles, departments, languages, places, audit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

EVERY_ROLE = ("coordinator", "caseworker", "volunteer", "network_lead")


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")
    # Departments, places, members and the audit trail are linked from the coordinator's
    # overview rather than the main menu, which stays short enough for a phone.
    nav_items = [
        NavItem("home", _("Overview"), EVERY_ROLE, order=0),
    ]

    def ready(self) -> None:
        from core import signals  # noqa: F401  (connects the audit receivers)
