"""Django app config: The interpreter pool (Sprachpool): interpreter profiles and pool coverage."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SprachpoolConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sprachpool"
    verbose_name = _("Sprachpool")
