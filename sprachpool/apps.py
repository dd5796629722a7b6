"""Django app config: The interpreter pool (Sprachpool): interpreter profiles and pool coverage."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


class SprachpoolConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sprachpool"
    verbose_name = _("Sprachpool")
    nav_items = [
        NavItem("interpreter-list", _("Sprachpool"), ("coordinator",), order=30),
        NavItem("language-coverage", _("Language coverage"), ("coordinator",), order=31),
        NavItem("interpreter-me", _("My interpreting"), ("volunteer",), order=32),
    ]
