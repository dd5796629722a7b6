"""``/api/v1/interpreters/``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
