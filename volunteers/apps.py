"""Django app config: volunteers, paperwork, availability; their links in the navigation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "volunteers"
    verbose_name = _("Volunteers")
    nav_items = [
        NavItem("volunteer-list", _("Volunteers"), ("coordinator",), order=10),
        NavItem("volunteer-approvals", _("Approvals"), ("coordinator",), order=11),
        NavItem("volunteer-paperwork", _("Paperwork"), ("coordinator",), order=12),
        NavItem("my-volunteer", _("My data"), ("volunteer",), order=10),
    ]
