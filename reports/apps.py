"""Django app config for coordinator oversight: dashboard, supply and demand, what-if replay,
billing statements, the funding report and the registry exports. At the top of the
dependency order: it reads other apps' selectors and imports nothing above it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")
    nav_items = [NavItem("reports-dashboard", _("Reports"), ("coordinator",), order=8)]
