"""Django app config for the assignment engine's adapter layer."""

from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching"
