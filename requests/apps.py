"""Django app config: Interpreter requests, offers, assignments and their confirmation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "requests"
    label = "requests"
    verbose_name = _("Requests")
